// Will a scope fit in memory? Estimated from its files' stored sizes before anything is read,
// so the user can narrow it or send the question to Athena instead of finding the limit by a
// crash; and the default memory ceiling a load stops at (budget.ts).
import { totalmem } from 'node:os';

/**
 * Memory the index takes per event, all in: columns, dictionaries, the eventID table, the time
 * order (BENCHMARKS.md "Ingest and query": 405–451 MB peak RSS with 1,000,000 events indexed).
 */
export const INDEX_BYTES_PER_EVENT = 450;
/**
 * Stored bytes per event, taken low so that the count is not under-estimated: delivered
 * `.json.gz` logs hold about 130 bytes per event (the generated 1M bucket), real ones 100–400;
 * plain JSON about 1,100.
 */
const STORED_BYTES_PER_EVENT = { gzip: 100, json: 800 } as const;

export interface ScopeEstimate {
  /** Events the files probably hold (an over-estimate rather than under). */
  events: number;
  /** Memory the index of that many events needs. */
  bytesNeeded: number;
}

/** `gzipBytes`: stored bytes of gzipped files; `plainBytes`: of the others. */
export function estimateScope(gzipBytes: number, plainBytes = 0): ScopeEstimate {
  const events = Math.ceil(
    gzipBytes / STORED_BYTES_PER_EVENT.gzip + plainBytes / STORED_BYTES_PER_EVENT.json,
  );
  return { events, bytesNeeded: events * INDEX_BYTES_PER_EVENT };
}

/**
 * The memory ceiling when none is set: half the machine's memory, which leaves the rest to the
 * editor, the other extensions and the system.
 */
export function defaultMemoryCeiling(total = totalmem()): number {
  return Math.floor(total / 2);
}
