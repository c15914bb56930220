// Worker-thread entry (bundled to dist/ingestWorker.js): runs jobs.ts on the bytes it is sent.
// A message carries one or more jobs (WorkerPool sends the jobs queued for this worker together);
// the reply carries each one's result or error, in order.
import { parentPort } from 'node:worker_threads';
import { Job, runJobs } from './jobs';

parentPort?.on('message', (msg: { jobs: { id: number; job: Job }[] }) => {
  const { results, transfer } = runJobs(msg.jobs.map((j) => j.job));
  parentPort!.postMessage(
    { replies: results.map((r, k) => ({ id: msg.jobs[k].id, ...r })) },
    transfer,
  );
});
