// Loading event files into an EventIndex: read each file's bytes from its source, have the
// worker pool gunzip, parse and column-encode it, append the batch. Files load in parallel
// and appear in the index as they finish, so views can show the first events early; the files
// may still be being listed (an async iterable), and the first ones load while the listing
// goes on. One bad file becomes a problem entry naming it and the reason; the others still load.
import type { EventIndex, FileProblem, IndexedFile } from '../index/eventIndex';
import type { StoreBatches } from '../index/columnStore';
import type { DiscoveredEventFile } from '../sources/discover';
import { isNoticeCode, SourceError, SourceErrorCode } from '../sources/source';
import {
  BudgetStop,
  DEFAULT_MAX_LOAD_BYTES,
  DEFAULT_MAX_RECORDS,
  LoadBudget,
  LoadLimits,
  MemoryCeiling,
  processMemory,
} from './budget';
import type { JobRunner } from './pool';
import type { FailedResult, IndexedText, UnreadResult } from './jobs';
import { fingerprint, IndexCache } from './indexCache';
import type { CachedFile } from './cacheEntry';
import { mapLimited } from '../mapLimited';
import type { SigmaRule } from '../detect/rule';
import { detectPlan } from '../detect/ingestDetect';

export interface FileLoadProgress {
  /** Files found so far (the final count once `listing` is false). */
  filesTotal: number;
  /** The files are still being listed: filesTotal will grow. */
  listing: boolean;
  filesDone: number;
  filesFailed: number;
  events: number;
  /** Bytes read from the sources (as stored, i.e. compressed). */
  bytesRead: number;
}

export interface LoadOptions {
  signal?: AbortSignal;
  /** Called after every file (throttle in the view if needed). */
  onProgress?: (p: FileLoadProgress) => void;
  /** Called with each file as it is loaded or fails. */
  onFile?: (file: IndexedFile) => void;
  /** Called as each file is registered with the index (it then has its id). */
  onRegistered?: (file: IndexedFile, discovered: DiscoveredEventFile) => void;
  /**
   * Asked before each file is started: a promise holds the load back until it settles (files in
   * flight finish). The timeline holds it once the first events are in, until its view shows them.
   */
  hold?: () => Promise<void> | undefined;
  /**
   * The load's budget (budget.ts): records and decompressed bytes for all files together; the
   * per-file cap is the index's maxUncompressedBytes. Defaults: DEFAULT_MAX_RECORDS, DEFAULT_MAX_LOAD_BYTES.
   */
  limits?: Partial<Pick<LoadLimits, 'maxRecords' | 'maxBytes' | 'maxMemoryBytes'>>;
  /** How much memory the process holds now (default: its resident set); for the memory ceiling. */
  memoryUsed?: () => number;
  /**
   * The scope's persisted index (indexCache.ts). When it has a snapshot, every file is listed
   * before any is loaded: if they are exactly the files of the snapshot, the index is taken from
   * it whole. Otherwise a file whose version has an entry is appended from it without being read,
   * and every file indexed anew is put in it; a complete load offers its index as the next
   * snapshot. The caller saves it.
   */
  cache?: IndexCache;
  /**
   * The detection rules that will be run over the index, when they are known before the load:
   * each file's rows that the columns cannot decide are then decided while its text is at hand
   * (detect/ingestDetect.ts), and runRules looks them up instead of reading the files again.
   * Without it (or for rows from the cache) the rules read those rows when they run.
   */
  rules?: readonly SigmaRule[];
}

export interface LoadSummary extends FileLoadProgress {
  cancelled: boolean;
  files: IndexedFile[];
  /** Set when the budget ran out: loading stopped there, and what was read is kept. */
  stopped?: BudgetStop;
}

/**
 * Registers `files` with the index as they are listed (file ids follow the listing order, which
 * decides the order of events with equal times) and loads them, starting with the first file
 * listed rather than after the last. Resolves when all are done or the signal aborted (files
 * listed but not started stay 'pending'); a listing that fails rejects, after the files in
 * flight have finished.
 */
export async function loadEventFiles(
  index: EventIndex,
  runner: JobRunner,
  files: Iterable<DiscoveredEventFile> | AsyncIterable<DiscoveredEventFile>,
  options: LoadOptions = {},
): Promise<LoadSummary> {
  const registered: IndexedFile[] = [];
  const listingProblems = new Map<number, SourceError>();
  const progress: FileLoadProgress = {
    filesTotal: 0,
    listing: true,
    filesDone: 0,
    filesFailed: 0,
    events: 0,
    bytesRead: 0,
  };
  const signal = options.signal;
  const budget = new LoadBudget({
    maxRecords: options.limits?.maxRecords ?? DEFAULT_MAX_RECORDS,
    maxBytes: options.limits?.maxBytes ?? DEFAULT_MAX_LOAD_BYTES,
    maxFileBytes: index.maxUncompressedBytes,
    maxMemoryBytes: options.limits?.maxMemoryBytes,
  });
  const memoryUsed = options.memoryUsed ?? processMemory;
  const ceiling = budget.limits.maxMemoryBytes;
  const memory = ceiling === undefined ? undefined : new MemoryCeiling(ceiling, memoryUsed);
  const detect = options.rules?.length ? detectPlan(options.rules) : undefined;
  const cacheIds = new Map<number, string | undefined>();
  const cached: FileCache | undefined = options.cache && {
    cache: options.cache,
    idOf: (file) => cacheIds.get(file.id),
    uncompressedBytes: new Map(),
    uncompared: false,
  };
  let next = 0;
  let listingError: unknown;
  let listedAll = false;
  // A lane that ran out of listed files waits here for the listing to find more (or end).
  let waiting: (() => void)[] = [];
  const wake = () => {
    const w = waiting;
    waiting = [];
    for (const resolve of w) resolve();
  };
  const listing = (async () => {
    try {
      for await (const f of files) {
        if (signal?.aborted || budget.stopped) break;
        const file = index.addFile(f.source, f.object.key, f.object.size, f.kind, f.info);
        registered.push(file);
        if (options.cache) cacheIds.set(file.id, cacheIdOf(f));
        if (f.problem) listingProblems.set(file.id, f.problem);
        progress.filesTotal++;
        options.onRegistered?.(file, f);
        wake();
      }
      listedAll = !signal?.aborted && !budget.stopped;
    } catch (e) {
      listingError = e;
    } finally {
      progress.listing = false;
      wake();
    }
  })();
  const stopped = () => Boolean(signal?.aborted || budget.stopped);
  // The files as they are listed: waits for the listing to find more (or end), and while the
  // caller holds the load.
  async function* listed(): AsyncGenerator<IndexedFile> {
    while (!stopped()) {
      const held = options.hold?.();
      if (held) await held;
      else if (next < registered.length) yield registered[next++];
      else if (!progress.listing) return;
      else await new Promise<void>((resolve) => waiting.push(resolve));
    }
  }
  // The workers start while the files are listed, unless a snapshot may make them needless.
  if (!options.cache?.hasSnapshot) runner.warm?.();
  else {
    // Whether the snapshot applies is known once every file is listed: none is loaded before.
    await listing;
    if (
      listedAll &&
      listingError === undefined &&
      fromSnapshot(index, options.cache, budget, memoryUsed, registered, (f) =>
        snapshotIdOf(f, cacheIds, listingProblems),
      )
    ) {
      for (const file of registered) {
        if (file.state === 'failed') progress.filesFailed++;
        progress.filesDone++;
        options.onFile?.(file);
      }
      progress.events = index.eventCount;
      options.onProgress?.({ ...progress });
      return { ...progress, cancelled: false, files: registered };
    }
    runner.warm?.();
  }
  // Enough files in flight to keep every worker busy while others are being read, and for the
  // pool to send a worker several at once (WorkerPool.send: each message costs a fixed amount).
  const lanes = Math.max(2, runner.threads * 8);
  const loading = mapLimited(
    listed(),
    lanes,
    async (file) => {
      const problem = listingProblems.get(file.id);
      if (problem) reportListingProblem(index, file, problem);
      else if (
        (await loadOne(index, runner, budget, file, progress, signal, cached, detect)) ===
        'not-started'
      )
        return; // stays pending
      if (file.state === 'failed') progress.filesFailed++;
      progress.filesDone++;
      // The memory ceiling: checked after each file, so what was read before it is kept.
      if (memory && file.state === 'loaded' && memory.crossed(budget.usedBytes))
        budget.stop({ budget: 'memory', limit: memory.ceiling, location: file.location });
      options.onFile?.(file);
      options.onProgress?.({ ...progress });
    },
    { stop: stopped },
  );
  await Promise.all([listing, loading]);
  index.store.trim();
  if (cached && listedAll && listingError === undefined && !budget.stopped && !signal?.aborted)
    offerSnapshot(index, cached, registered, cacheIds, listingProblems);
  // Attribution once the files are in (core/origin): a later file may hold the call that issued
  // a key used in an earlier one, so it is resolved over all of them.
  index.origins();
  if (
    listingError !== undefined &&
    !(listingError instanceof SourceError && listingError.code === 'cancelled')
  )
    throw listingError;
  return {
    ...progress,
    cancelled: Boolean(signal?.aborted) && (progress.filesDone < progress.filesTotal || !listedAll),
    files: registered,
    stopped: budget.stopped,
  };
}

/**
 * Loads one file within the budget: first with the room it should need, then, if it needs more
 * than that, alone with all one file may have. 'not-started' when the budget was spent (or the
 * load cancelled) before the file was read: it stays pending.
 */
async function loadOne(
  index: EventIndex,
  runner: JobRunner,
  budget: LoadBudget,
  file: IndexedFile,
  progress: FileLoadProgress,
  signal?: AbortSignal,
  cached?: FileCache,
  detect?: ReturnType<typeof detectPlan>,
): Promise<'done' | 'not-started'> {
  let whole = false;
  const hit = cached?.cache.get(cached.idOf(file));
  for (;;) {
    const grant = await budget.acquire(
      hit ? hit.uncompressedBytes : budget.estimate(file.size, /\.gz$/i.test(file.key)),
      whole,
    );
    if ('spent' in grant) {
      budget.stop({
        budget: grant.spent,
        limit: budget.limitOf(grant.spent),
        location: file.location,
      });
      return 'not-started';
    }
    // A cached file that fits the grant is appended as read before; one that does not (the
    // budget is nearly spent) goes the usual way, which keeps its first records.
    if (hit && !whole && grant.bytes >= hit.uncompressedBytes && grant.records >= hit.batch.count) {
      budget.release(grant, { bytes: hit.uncompressedBytes, records: hit.batch.count });
      appendLoaded(index, file, hit, progress);
      cached?.uncompressedBytes.set(file.id, hit.uncompressedBytes);
      await hideCopies(index, progress, signal, cached);
      return 'done';
    }
    const res = await indexFile(index, runner, file, grant, signal, detect);
    if (res === 'cancelled') {
      budget.release(grant, { bytes: 0, records: 0 });
      return 'not-started';
    }
    if ('unread' in res) {
      budget.release(grant, { bytes: 0, records: 0 });
      readFailed(index, file, res.unread, res.message);
      return 'done';
    }
    if (!whole) progress.bytesRead += res.bytesRead ?? 0;
    if (!res.ok) {
      if (res.code === 'too-large') {
        budget.release(grant, { bytes: grant.bytes, records: 0 }); // decompressed that far
        if (grant.bytesBy === 'grant') {
          whole = true;
          continue;
        }
        if (grant.bytesBy === 'budget') {
          budget.stop({ budget: 'bytes', limit: budget.limits.maxBytes, location: file.location });
          return 'not-started';
        }
      } else budget.release(grant, { bytes: 0, records: 0 });
      index.addProblem(file.id, res.code, res.message, 'error', res.position);
      return 'done';
    }
    if (res.limited && grant.recordsBy === 'grant') {
      budget.release(grant, { bytes: res.uncompressedBytes, records: 0 });
      whole = true;
      continue;
    }
    budget.release(grant, { bytes: res.uncompressedBytes, records: res.batch.count });
    appendLoaded(index, file, res, progress);
    if (detect && res.detections)
      index.ingestAnswers.add(file.firstRow, detect.rules, res.detections);
    if (res.limited) {
      // The records budget ran out inside this file: its first records are kept.
      index.addProblem(
        file.id,
        'budget',
        `only its first ${res.batch.count.toLocaleString('en-US')} records were loaded: the load's budget of records ran out`,
        'warning',
      );
      budget.stop({ budget: 'records', limit: budget.limits.maxRecords, location: file.location });
    } else if (cached) cached.cache.put(cached.idOf(file), entryOf(index, cached, file, res)); // only whole files
    cached?.uncompressedBytes.set(file.id, res.uncompressedBytes);
    await hideCopies(index, progress, signal, cached);
    return 'done';
  }
}

/**
 * Reads and indexes one file within `grant`. A worker reads a local file itself (the file system
 * calls of thousands of files stay off this thread); anything else, and a file the worker
 * declines (a link), is read here through its source, whose rules decide on links.
 */
async function indexFile(
  index: EventIndex,
  runner: JobRunner,
  file: IndexedFile,
  grant: { bytes: number; records: number },
  signal?: AbortSignal,
  detect?: ReturnType<typeof detectPlan>,
): Promise<IndexedText | FailedResult | UnreadResult | 'cancelled'> {
  const job = {
    kind: 'index' as const,
    maxUncompressedBytes: grant.bytes,
    maxRecords: grant.records,
    ...(detect ? { detect: detect.plan } : {}),
  };
  const maxBytes = index.maxUncompressedBytes;
  const workerFile = runner.threads > 0 ? await file.source.workerFile?.(file.key) : undefined;
  if (workerFile) {
    const res = await runner.run({ ...job, read: { file: workerFile, maxBytes } });
    if (!('declined' in res)) return res;
  }
  let bytes: Uint8Array;
  try {
    bytes = await file.source.read(file.key, { maxBytes, signal });
  } catch (e) {
    if (e instanceof SourceError && e.code === 'cancelled') return 'cancelled';
    const message = e instanceof Error ? e.message : String(e);
    return { ok: false, unread: e instanceof SourceError ? e.code : 'io', message };
  }
  const res = await runner.run({ ...job, bytes });
  if ('unread' in res || 'declined' in res)
    throw new Error('a worker sent the bytes of a file reported them unread');
  return { ...res, bytesRead: bytes.length };
}

/**
 * A file's entry in the index cache, asked for when the cache is saved: its rows read back from
 * the index (ColumnStore.batches, one reader for the whole save) with what loading it said. It
 * keeps nothing of the batch itself, which the index has taken in.
 */
function entryOf(
  index: EventIndex,
  cached: FileCache,
  file: IndexedFile,
  res: CachedFile,
): () => CachedFile {
  const {
    warnings,
    skipped,
    uncompressedBytes,
    notes,
    sha256,
    fileWarning,
    repeatedKeys,
    textWarning,
    timeWarning,
  } = res;
  return () => {
    cached.batches ??= index.store.batches();
    return {
      batch: cached.batches.batchOf(file.firstRow, file.events, file.shape!),
      warnings,
      skipped,
      uncompressedBytes,
      notes,
      sha256,
      ...(fileWarning ? { fileWarning } : {}),
      ...(repeatedKeys ? { repeatedKeys } : {}),
      ...(textWarning ? { textWarning } : {}),
      ...(timeWarning ? { timeWarning } : {}),
    };
  };
}

/** The persisted index and how the load names each file's version in it. */
interface FileCache {
  cache: IndexCache;
  /** Reads the files' rows back for their entries (entryOf), made at the first. */
  batches?: StoreBatches;
  idOf: (file: IndexedFile) => string | undefined;
  /** What each file decompressed to (for the snapshot's budget check). */
  uncompressedBytes: Map<number, number>;
  /** Rows of this load could not be compared for copies (a file could not be read again). */
  uncompared: boolean;
}

/**
 * Problems a file's bytes decide (the same version always gives them): a file that failed with
 * one of these is part of a snapshot. A failure to read, or one the limits decide, is not.
 */
const CONTENT_PROBLEMS: ReadonlySet<string> = new Set<FileProblem['code']>([
  'corrupt-gzip',
  'bad-json',
  'not-cloudtrail',
  'digest',
  'encoding',
  'empty',
  'skipped-elements',
  'repeated-keys',
  'partial-time',
]);

/**
 * Takes the whole index from the cache's snapshot when it was made of exactly these files and
 * fits the load's budget (else the files load one by one). True when it did.
 */
function fromSnapshot(
  index: EventIndex,
  cache: IndexCache,
  budget: LoadBudget,
  memoryUsed: () => number,
  registered: IndexedFile[],
  idOf: (file: IndexedFile) => string | undefined,
): boolean {
  const ceiling = budget.limits.maxMemoryBytes;
  const state = cache.snapshotFor(registered.map(idOf), {
    maxRecords: budget.limits.maxRecords,
    maxBytes: budget.limits.maxBytes,
    maxFileBytes: index.maxUncompressedBytes,
    memoryRoom: ceiling === undefined ? undefined : ceiling - memoryUsed(),
  });
  if (!state) return false;
  index.adopt(state);
  return true;
}

/** A file's identity in a snapshot: its version, or what the listing said of it. */
function snapshotIdOf(
  file: IndexedFile,
  cacheIds: Map<number, string | undefined>,
  listingProblems: Map<number, SourceError>,
): string | undefined {
  const problem = listingProblems.get(file.id);
  if (problem)
    return `${file.source.label}\u0000${file.key}\u0000listed with ${problem.code}\u0000${problem.message}`;
  return cacheIds.get(file.id);
}

/**
 * Offers the index as the scope's next snapshot when it is what any later load of the same
 * files would make: every file listed, loaded or failed for a reason its bytes decide, every
 * copy compared.
 */
function offerSnapshot(
  index: EventIndex,
  cached: FileCache,
  registered: IndexedFile[],
  cacheIds: Map<number, string | undefined>,
  listingProblems: Map<number, SourceError>,
): void {
  if (cached.uncompared) return;
  const ids: string[] = [];
  for (const f of registered) {
    const id = snapshotIdOf(f, cacheIds, listingProblems);
    if (id === undefined || f.state === 'pending') return;
    ids.push(id);
  }
  if (!index.problems.every((p) => listingProblems.has(p.fileId) || CONTENT_PROBLEMS.has(p.code)))
    return;
  const uncompressedBytes = registered.map((f) => cached.uncompressedBytes.get(f.id) ?? 0);
  cached.cache.offerSnapshot({ ids, uncompressedBytes }, () => index.state());
}

/** Only sources whose versions are stable are cached (not streams, not Event history answers). */
function cacheIdOf(f: DiscoveredEventFile): string | undefined {
  if (f.problem || (f.source.type !== 'folder' && f.source.type !== 's3')) return undefined;
  return fingerprint(f.source.label, f.object.key, f.object.etag, f.object.size);
}

/** Appends one file's indexed events, read now or from the cache. */
function appendLoaded(
  index: EventIndex,
  file: IndexedFile,
  res: CachedFile,
  progress: FileLoadProgress,
): void {
  index.appendBatch(file.id, res.batch, res.sha256, res.notes);
  progress.events = index.eventCount;
  if (res.fileWarning) index.addProblem(file.id, 'corrupt-gzip', res.fileWarning, 'warning');
  if (res.repeatedKeys) index.addProblem(file.id, 'repeated-keys', res.repeatedKeys, 'warning');
  if (res.textWarning) index.addProblem(file.id, 'encoding', res.textWarning, 'warning');
  if (res.timeWarning) index.addProblem(file.id, 'partial-time', res.timeWarning, 'warning');
  if (res.skipped > 0)
    index.addProblem(
      file.id,
      'skipped-elements',
      `${res.skipped} element(s) skipped: ${res.warnings.join('; ')}`,
      'warning',
    );
}

/** Hides the new rows that are copies of events already shown. */
async function hideCopies(
  index: EventIndex,
  progress: FileLoadProgress,
  signal?: AbortSignal,
  cached?: FileCache,
): Promise<void> {
  try {
    await index.resolveDuplicates(signal);
  } catch {
    // A file that cannot be read again keeps its rows shown: never hide what was not compared.
    if (cached) cached.uncompared = true;
  }
  progress.events = index.eventCount;
}

/** The file could not be read from its source: its error, as a problem of the file. */
function readFailed(
  index: EventIndex,
  file: IndexedFile,
  code: SourceErrorCode,
  message: string,
): void {
  index.addProblem(
    file.id,
    code,
    stripLocation(message, file.location),
    isNoticeCode(code) ? 'warning' : 'error',
  );
  file.state = 'failed';
}

/** An entry the listing could not read or did not follow: reported like a file that failed. */
function reportListingProblem(index: EventIndex, file: IndexedFile, problem: SourceError): void {
  index.addProblem(
    file.id,
    problem.code,
    stripLocation(problem.message, file.location),
    isNoticeCode(problem.code) ? 'warning' : 'error',
  );
  file.state = 'failed'; // nothing of it is loaded
}

/** Source messages start with the path; problems carry the location separately. */
function stripLocation(message: string, location: string): string {
  return message.startsWith(location + ': ') ? message.slice(location.length + 2) : message;
}
