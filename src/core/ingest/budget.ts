// One budget for a whole load, shared by every worker: at most `maxRecords` records indexed and
// `maxBytes` bytes decompressed, whatever the files hold, and never more decompressed data in
// flight at once than one file may hold (`maxFileBytes`). Without it each worker could take a
// whole file's cap at the same time (eight gzip bombs on eight workers reached 4.4 GB), and a
// 0.5 MB file of 170 million `{}` ran for minutes at 5.5 GB.
//
// How a file is admitted: it first asks for about what it should need (its stored size times a
// generous gzip ratio, or its size when it is not compressed), so ordinary files load side by
// side. A file that needs more than that (a bomb, a file of tiny records) is run again alone with
// everything one file may have. Grants are handed out in order, so a file waiting for room is
// never overtaken for ever. When the budget itself runs out, loading stops: what was read stays.
import { formatBytes } from '../output/bytes';

/** Limits of one load. */
export interface LoadLimits {
  /** The most records indexed, all files together. */
  maxRecords: number;
  /** The most bytes decompressed, all files together. */
  maxBytes: number;
  /** The most bytes one file may decompress to (also the most in flight at once). */
  maxFileBytes: number;
  /**
   * The memory ceiling: once the process holds more than this (resident set), loading stops
   * with what was read kept, before the process (the extension host) runs out. Unset: none.
   */
  maxMemoryBytes?: number;
}

export const DEFAULT_MAX_RECORDS = 10_000_000;
export const DEFAULT_MAX_LOAD_BYTES = 16 * 1024 * 1024 * 1024;

/** Which budget ran out, at which file. */
export interface BudgetStop {
  budget: 'records' | 'bytes' | 'memory';
  limit: number;
  /** The file being loaded when it ran out (people's form: a path or s3:// URI). */
  location: string;
}

export interface Grant {
  /** Bytes the file may decompress to. */
  bytes: number;
  /** Records it may add. */
  records: number;
  /** What limits `bytes`: this grant only (ask again with `whole`), the per-file cap, or the budget. */
  bytesBy: 'grant' | 'file' | 'budget';
  recordsBy: 'grant' | 'budget';
}

/** The budget is spent: nothing more may load. */
export interface Spent {
  spent: BudgetStop['budget'];
}

/** A gzip file is assumed to grow this much at first; CloudTrail logs grow 3–15×. */
const GZIP_RATIO_GUESS = 32;
/** The smallest first grant: most files need far less, and small grants cost nothing. */
const MIN_GRANT_BYTES = 16 * 1024 * 1024;
/** Records a first grant allows per byte (real records take 600 bytes and more). */
const BYTES_PER_RECORD_GUESS = 256;
const MIN_GRANT_RECORDS = 10_000;

interface Waiter {
  want: number;
  whole: boolean;
  resolve: (g: Grant | Spent) => void;
}

export class LoadBudget {
  usedBytes = 0;
  usedRecords = 0;
  stopped: BudgetStop | undefined;
  private inFlightBytes = 0;
  private inFlightRecords = 0;
  private readonly waiting: Waiter[] = [];

  constructor(readonly limits: LoadLimits) {}

  /** What a file of `size` stored bytes is first expected to decompress to. */
  estimate(size: number, compressed: boolean): number {
    return compressed ? size * GZIP_RATIO_GUESS : size;
  }

  /**
   * Room to load one file: about `estimate` bytes, or (`whole`) all one file may have. Resolves
   * once that much is free, in the order asked; `Spent` once the budget is used up.
   */
  acquire(estimate: number, whole = false): Promise<Grant | Spent> {
    const cap = this.limits.maxFileBytes;
    const want = whole ? cap : Math.min(cap, Math.max(MIN_GRANT_BYTES, Math.ceil(estimate)));
    return new Promise((resolve) => {
      this.waiting.push({ want, whole, resolve });
      this.pump();
    });
  }

  /** Gives back a grant, with what the file really used (records indexed, bytes decompressed). */
  release(grant: Grant, used: { bytes: number; records: number }): void {
    this.inFlightBytes -= grant.bytes;
    this.inFlightRecords -= grant.records;
    this.usedBytes += used.bytes;
    this.usedRecords += used.records;
    this.pump();
  }

  /** Stops the load: every waiting and later request is told the budget is spent. */
  stop(stop: BudgetStop): void {
    this.stopped ??= stop;
    this.pump();
  }

  /** The limit of a budget, as a stop names it. */
  limitOf(budget: BudgetStop['budget']): number {
    return budget === 'records'
      ? this.limits.maxRecords
      : budget === 'bytes'
        ? this.limits.maxBytes
        : (this.limits.maxMemoryBytes ?? Infinity);
  }

  /** Bytes granted to files being loaded right now. */
  get bytesInFlight(): number {
    return this.inFlightBytes;
  }

  private pump(): void {
    while (this.waiting.length > 0) {
      const w = this.waiting[0];
      if (this.stopped) {
        this.waiting.shift();
        w.resolve({ spent: this.stopped.budget });
        continue;
      }
      const busy = this.inFlightBytes > 0;
      if (busy && this.inFlightBytes + w.want > this.limits.maxFileBytes) return;
      const bytesLeft = this.limits.maxBytes - this.usedBytes - this.inFlightBytes;
      const recordsLeft = this.limits.maxRecords - this.usedRecords - this.inFlightRecords;
      if (bytesLeft <= 0 || recordsLeft <= 0) {
        if (busy) return; // files in flight may give some back
        this.waiting.shift();
        w.resolve({ spent: recordsLeft <= 0 ? 'records' : 'bytes' });
        continue;
      }
      this.waiting.shift();
      const bytes = Math.min(w.want, bytesLeft);
      const wanted = w.whole
        ? recordsLeft
        : Math.max(MIN_GRANT_RECORDS, Math.floor(bytes / BYTES_PER_RECORD_GUESS));
      const records = Math.min(recordsLeft, wanted);
      // Cut by what files in flight hold is not the budget running out: such a file asks again
      // alone (`whole`), when they are done.
      const grant: Grant = {
        bytes,
        records,
        bytesBy:
          bytes < w.want
            ? busy
              ? 'grant'
              : 'budget'
            : w.want >= this.limits.maxFileBytes
              ? 'file'
              : 'grant',
        recordsBy: records < recordsLeft || busy ? 'grant' : 'budget',
      };
      this.inFlightBytes += bytes;
      this.inFlightRecords += records;
      w.resolve(grant);
    }
  }
}

/** The message for a load stopped by its budget; `raise` says how to raise that budget here. */
export function budgetMessage(
  stop: BudgetStop,
  raise: { records: string; bytes: string; memory: string },
): string {
  if (stop.budget === 'memory') {
    return `loading stopped at ${stop.location}: the process holds more than the memory ceiling of ${formatBytes(stop.limit)}; what was read before is kept (narrow the scope to fewer days, accounts or regions, send the question to Athena, or ${raise.memory})`;
  }
  const what =
    stop.budget === 'records'
      ? `${stop.limit.toLocaleString('en-US')} records`
      : `${formatBytes(stop.limit)} decompressed`;
  return `loading stopped at ${stop.location}: the budget of ${what} per load is used up; what was read before is kept (${stop.budget === 'records' ? raise.records : raise.bytes} to load more)`;
}

/**
 * The memory ceiling, checked after each file. Reading the process's resident set is a system
 * call, and one per file took 1.8 s of the extension host's main thread (by its profiler) at a
 * million events: it is read only when the bytes decompressed since the last reading could have
 * brought the process to the ceiling, counted as one byte of memory each (the index keeps about
 * a third of that), and at least every RECHECK_BYTES.
 */
export class MemoryCeiling {
  private reading: number | undefined;
  private readAt = 0;

  constructor(
    readonly ceiling: number,
    private readonly memoryUsed: () => number,
  ) {}

  /** True when the process holds more than the ceiling; `decompressed`: the load's bytes so far. */
  crossed(decompressed: number): boolean {
    const since = decompressed - this.readAt;
    if (this.reading !== undefined && this.reading + since <= this.ceiling && since < RECHECK_BYTES)
      return false;
    this.reading = this.memoryUsed();
    this.readAt = decompressed;
    return this.reading > this.ceiling;
  }
}
const RECHECK_BYTES = 64 * 1024 * 1024;

/** Resident memory of this process (what the memory ceiling is held against). */
export function processMemory(): number {
  return process.memoryUsage.rss();
}
