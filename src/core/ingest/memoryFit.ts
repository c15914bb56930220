// Will a scope fit in memory? Estimated from its files' stored sizes before anything is read,
// so the user can narrow it or send the question to Athena instead of finding the limit by a
// crash; and the default memory ceiling a load stops at (budget.ts).
import { totalmem } from 'node:os';

/**
 * Memory the index takes per event, all in: columns, dictionaries, the eventID table, the time
 * order. With the process's own (below), peak RSS measured in BENCHMARKS.md "Ten million events
 * (issue 15 §3)" once the id columns were made as narrow as their dictionaries: 394–434 MiB at
 * 1,000,000 events, 2,120 MiB at 10,000,000 (about 200 bytes per event added). Taken higher,
 * since real trails hold more distinct values than the generated buckets (wider id columns, up to
 * the 290 bytes per event measured when every column took four bytes); with the event count's
 * own over-estimate (below) a scope is not refused for less than it needs.
 */
export const INDEX_BYTES_PER_EVENT = 230;
/** What the process holds whatever it loads: code, the worker threads' heaps, the pool's batches. */
export const PROCESS_BASE_BYTES = 190e6;
/**
 * Stored bytes per event, taken low so that the count is not under-estimated: delivered
 * `.json.gz` logs hold about 130 bytes per event (the generated 1M bucket), real ones 100–400;
 * plain JSON about 1,100.
 */
const STORED_BYTES_PER_EVENT = { gzip: 100, json: 800 } as const;

export interface ScopeEstimate {
  /** Events the files probably hold (an over-estimate rather than under). */
  events: number;
  /** Memory (peak RSS) loading that many events needs. */
  bytesNeeded: number;
}

/** `gzipBytes`: stored bytes of gzipped files; `plainBytes`: of the others. */
export function estimateScope(gzipBytes: number, plainBytes = 0): ScopeEstimate {
  const events = Math.ceil(
    gzipBytes / STORED_BYTES_PER_EVENT.gzip + plainBytes / STORED_BYTES_PER_EVENT.json,
  );
  return { events, bytesNeeded: PROCESS_BASE_BYTES + events * INDEX_BYTES_PER_EVENT };
}

/**
 * The memory ceiling when none is set: half the machine's memory, which leaves the rest to the
 * editor, the other extensions and the system.
 */
export function defaultMemoryCeiling(total = totalmem()): number {
  return Math.floor(total / 2);
}
