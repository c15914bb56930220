// Worker-thread entry (bundled to dist/ingestWorker.js): runs jobs.ts on the bytes it is sent.
import { parentPort } from 'node:worker_threads';
import { Job, runJob } from './jobs';

parentPort?.on('message', (msg: { id: number; job: Job }) => {
  let reply: { id: number; result?: unknown; error?: string };
  let transfer: ArrayBuffer[] = [];
  try {
    const out = runJob(msg.job);
    reply = { id: msg.id, result: out.result };
    transfer = out.transfer;
  } catch (e) {
    reply = { id: msg.id, error: e instanceof Error ? (e.stack ?? e.message) : String(e) };
  }
  parentPort!.postMessage(reply, transfer);
});
