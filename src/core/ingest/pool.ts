// Runs jobs.ts work off the calling thread: a pool of worker threads sized to the cores, or
// inline where workers are not available. Bytes are transferred to the worker, not copied.
import { existsSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Worker as WorkerType } from 'node:worker_threads';
import { Job, JobResults, runJob } from './jobs';
import { PLANS_KEPT } from '../detect/ingestDetect';

export interface JobRunner {
  run<J extends Job>(job: J): Promise<JobResults[J['kind']]>;
  /** Stops the workers; pending jobs reject. */
  close(): Promise<void>;
  readonly threads: number;
  /** Gets ready for jobs soon to come (a load about to read files), so that starting overlaps the listing. */
  warm?(): void;
}

/** Runs jobs on the calling thread (tests; hosts without worker threads). */
export class InlineRunner implements JobRunner {
  readonly threads = 0;
  async run<J extends Job>(job: J): Promise<JobResults[J['kind']]> {
    return runJob(job).result;
  }
  async close(): Promise<void> {}
}

interface Pending {
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
}

interface Slot {
  worker: WorkerType;
  busy: number;
  pending: Map<number, Pending>;
  /** Keys of the detection plans this worker has been sent (it keeps them compiled). */
  plans: Set<number>;
  /** Jobs given but not yet posted (see send), and the buffers they transfer. */
  outbox: { id: number; job: Job }[];
  transfer: ArrayBuffer[];
}

/** The most jobs posted to a worker in one message. */
const JOBS_PER_MESSAGE = 4;

/** Where the worker script is: dist/ingestWorker.js beside a bundle, or the .ts source under tsx. */
export function workerScript(): { file: string; execArgv: string[] } {
  const js = path.join(__dirname, 'ingestWorker.js');
  if (existsSync(js)) return { file: js, execArgv: [] };
  const ts = path.join(__dirname, 'ingestWorker.ts');
  if (existsSync(ts)) return { file: ts, execArgv: ['--require', 'tsx/cjs'] };
  throw new Error(`the ingest worker script is missing (looked for ${js})`);
}

export class WorkerPool implements JobRunner {
  private readonly slots: Slot[] = [];
  private nextId = 1;
  private closed = false;

  constructor(readonly threads = defaultThreads()) {}

  /** Starts the workers now rather than with the first job (a load warms the pool as it begins). */
  warm(): void {
    if (this.closed) return;
    try {
      this.start();
    } catch {
      // the first job reports it
    }
  }

  /**
   * Starts the workers for the first job (or when warmed): an index taken whole from its
   * snapshot (indexCache.ts) needs none until a record is read, and each costs a thread
   * loading the worker script.
   */
  private start(): void {
    if (this.slots.length > 0) return;
    const { Worker } = require('node:worker_threads') as typeof import('node:worker_threads');
    const { file, execArgv } = workerScript();
    for (let i = 0; i < this.threads; i++) {
      const worker = new Worker(file, { execArgv });
      const slot: Slot = {
        worker,
        busy: 0,
        pending: new Map(),
        plans: new Set(),
        outbox: [],
        transfer: [],
      };
      worker.on(
        'message',
        (msg: { replies: { id: number; result?: unknown; error?: string }[] }) => {
          for (const reply of msg.replies) {
            const p = slot.pending.get(reply.id);
            if (!p) continue;
            slot.pending.delete(reply.id);
            if (--slot.busy === 0) slot.worker.unref();
            if (reply.error !== undefined) p.reject(new Error(`ingest worker: ${reply.error}`));
            else p.resolve(reply.result);
          }
        },
      );
      const failAll = (e: Error) => {
        for (const p of slot.pending.values()) p.reject(e);
        slot.pending.clear();
        slot.outbox = [];
        slot.transfer = [];
        slot.busy = 0;
      };
      worker.on('error', (e) => failAll(e));
      worker.on('exit', (code) => {
        if (!this.closed) failAll(new Error(`ingest worker exited (code ${code})`));
      });
      // Idle workers must not keep a CLI process alive; busy ones must.
      worker.unref();
      this.slots.push(slot);
    }
  }

  run<J extends Job>(job: J): Promise<JobResults[J['kind']]> {
    if (this.closed) return Promise.reject(new Error('the worker pool is closed'));
    try {
      this.start();
    } catch (e) {
      return Promise.reject(e instanceof Error ? e : new Error(String(e)));
    }
    let slot = this.slots[0];
    for (const s of this.slots) if (s.busy < slot.busy) slot = s;
    const id = this.nextId++;
    if (slot.busy++ === 0) slot.worker.ref();
    return new Promise((resolve, reject) => {
      slot.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      // Only the job's own buffer is transferred; a view into a shared buffer is copied. (A job
      // whose worker reads the file itself has none.)
      const b = job.bytes;
      if (
        b &&
        b.byteOffset === 0 &&
        b.byteLength === b.buffer.byteLength &&
        !(b.buffer instanceof SharedArrayBuffer)
      )
        slot.transfer.push(b.buffer as ArrayBuffer);
      slot.outbox.push({ id, job: withPlanOnce(slot, job) });
      if (slot.outbox.length === 1) setImmediate(() => this.send(slot));
      else if (slot.outbox.length >= JOBS_PER_MESSAGE) this.send(slot);
    });
  }

  /**
   * Posts the jobs queued for a worker as one message: those given in the same turn of the event
   * loop (the files a load starts as others end), up to JOBS_PER_MESSAGE. Each message costs both
   * threads a fixed amount, and the files of one message share one dictionary (runJobs).
   */
  private send(slot: Slot): void {
    if (slot.outbox.length === 0 || this.closed) return;
    const jobs = slot.outbox;
    const transfer = slot.transfer;
    slot.outbox = [];
    slot.transfer = [];
    slot.worker.postMessage({ jobs }, transfer);
  }

  /** Jobs queued on the workers (for back-pressure). */
  get queued(): number {
    return this.slots.reduce((n, s) => n + s.busy, 0);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all(
      this.slots.map(async (s) => {
        for (const p of s.pending.values()) p.reject(new Error('the worker pool was closed'));
        s.pending.clear();
        await s.worker.terminate();
      }),
    );
  }
}

/**
 * The job with its detection plan's rules sent to each worker once: later jobs name it by key
 * (messages to a worker arrive in order, so it has compiled them by then). The worker keeps the
 * PLANS_KEPT it used last; past that many, every plan is sent again once.
 */
function withPlanOnce<J extends Job>(slot: Slot, job: J): J {
  if (job.kind !== 'index' || !job.detect?.rules) return job;
  if (!slot.plans.has(job.detect.key)) {
    if (slot.plans.size >= PLANS_KEPT) slot.plans.clear();
    slot.plans.add(job.detect.key);
    return job;
  }
  return { ...job, detect: { key: job.detect.key } };
}

export function defaultThreads(): number {
  const cores =
    typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  return Math.max(1, Math.min(cores, 8));
}
