// Loads a timeline's scope into its own EventIndex: lists the event files (discover.ts) and
// streams them in as they are found (ingest/load.ts), reporting progress as the view's
// LoadProgress. Files named by key are looked up in their folder listing, so their sizes and
// kinds are the real ones.
import { EventIndex, FileProblem } from '../../core/index/eventIndex';
import { BudgetStop, budgetMessage } from '../../core/ingest/budget';
import {
  emptyLookedAt,
  fileNotes,
  LookedAt,
  noteText,
  nothingReadMessage,
  skippedByName,
  tallyObject,
} from '../../core/index/fileNotes';
import { loadEventFiles, LoadOptions, type LoadSummary } from '../../core/ingest/load';
import { IndexCache, IndexCacheStats, pruneIndexCache } from '../../core/ingest/indexCache';
import type { JobRunner } from '../../core/ingest/pool';
import {
  DiscoveredEventFile,
  discover,
  eventFilesUnder,
  objectsForKeys,
} from '../../core/sources/discover';
import { keyLocation, LogSource } from '../../core/sources/source';
import { FileNoteView, LIMITS, LoadProgress } from '../../protocol';

export interface ScopeTarget {
  source: LogSource;
  prefix?: string;
  keys?: string[];
}

export interface LoadOutcome {
  progress: LoadProgress;
  /** Keys that were asked for by name but do not exist. */
  missing: string[];
  /** The budget that stopped the load, if one did. */
  stopped?: BudgetStop;
  /** How much came from the persisted index, when one was used. */
  cache?: IndexCacheStats & { path: string };
  /**
   * Saves the index to the cache (the pack's new entries and header, then the snapshot), when
   * the load used one and was not cancelled: in steps (IndexCache.saving), its return value a
   * note when it could not be written. Left to the caller so that the view shows the loaded timeline first: at a
   * million events, saving in one go held the extension host's thread 0.3–0.5 s.
   */
  persist?: () => Generator<void, string | undefined>;
}

/** The persisted index's folder and size cap (indexCacheRuntime.ts); no folder: not used. */
export interface ScopeCache {
  dir: string | undefined;
  maxBytes: number;
}

/** The load's budget and how to raise it (the timeline passes its settings). */
export interface ScopeLimits {
  limits: LoadOptions['limits'];
  raise: { records: string; bytes: string; memory: string };
}

/**
 * A folder holds more JSON than logs (trail configurations, key lists, exports of other tools).
 * A loose file found by listing that turns out not to be CloudTrail events is skipped quietly
 * (the output says so); a file in the AWSLogs layout or named by the user that fails is a
 * failure the user is told about.
 */
const NOT_A_LOG = new Set(['not-cloudtrail', 'bad-json', 'empty']);

export function isQuietSkip(
  index: EventIndex,
  problem: FileProblem,
  named: ReadonlySet<number>,
): boolean {
  return (
    problem.severity === 'error' &&
    NOT_A_LOG.has(problem.code) &&
    index.fileById(problem.fileId)?.kind === 'loose' &&
    !named.has(problem.fileId)
  );
}

/** The files' notes for the view: errors first, then warnings, then notes, at most LIMITS.fileNotes. */
export function fileNoteViews(
  index: EventIndex,
  named: ReadonlySet<number>,
): { notes: FileNoteView[]; total: number } {
  const rank = { error: 0, warning: 1, note: 2 } as const;
  const all = fileNotes(index, (p) => isQuietSkip(index, p, named)).sort(
    (a, b) => rank[a.severity] - rank[b.severity],
  );
  return {
    notes: all.slice(0, LIMITS.fileNotes).map((n) => ({
      location: noteText({ ...n, message: '' }).slice(0, -2),
      severity: n.severity,
      message: n.message,
    })),
    total: all.length,
  };
}

/**
 * The scope's event files in order, as they are found: files named by key first come from their
 * folder listings; a prefix is walked lazily, so loading starts with the first file found.
 */
async function* eventFilesOf(
  targets: ScopeTarget[],
  signal: AbortSignal,
  missing: string[],
  namedFiles: Set<DiscoveredEventFile>,
  looked: LookedAt,
): AsyncIterable<DiscoveredEventFile> {
  for (const t of targets) {
    if (signal.aborted) return;
    if (t.keys) {
      const found = await objectsForKeys(t.source, t.keys, signal);
      missing.push(...found.missing.map((k) => keyLocation(t.source, k)));
      const result = await discover(t.source, { objects: found.objects, signal });
      for (const d of result.digests) tallyObject(looked, 'digest', d);
      for (const f of result.events) {
        tallyObject(looked, 'event', f);
        namedFiles.add(f);
        yield f;
      }
    } else {
      // What the listing leaves out (unreadable folders, links it does not follow, FIFOs) comes
      // as entries reported like files that could not be read, in listing order.
      yield* eventFilesUnder(t.source, t.prefix ?? '', {
        signal,
        onListed: (kind, entry) => tallyObject(looked, kind, entry),
      });
    }
  }
}

/** Where a scope's events come from, in a sentence. */
function scopeName(targets: ScopeTarget[]): string {
  if (targets.length !== 1) return `the ${targets.length} CloudTrail sources of the workspace`;
  const t = targets[0];
  if (t.keys)
    return t.keys.length === 1
      ? `${t.source.label}/${t.keys[0]}`
      : `${t.keys.length} files in ${t.source.label}`;
  return `${t.source.label}${t.prefix ? `/${t.prefix}` : ''}`;
}

/**
 * Saves of the index cache under way (LoadOutcome.persist, run by the panel in steps), by pack:
 * a save goes on after its timeline closes, and a new load of the same scope waits for it, so
 * that it reads the pack and snapshot whole rather than while they are being replaced.
 */
const savesUnderway = new Map<string, Promise<unknown>>();

/** The panel runs `outcome.persist` as `run`: a load of the same scope waits for it (savesUnderway). */
export function saveUnderway(outcome: LoadOutcome, run: Promise<unknown>): void {
  const key = outcome.cache?.path;
  if (!key) return;
  savesUnderway.set(key, run);
  const forget = () => {
    if (savesUnderway.get(key) === run) savesUnderway.delete(key);
  };
  run.then(forget, forget);
}

/** Resolves once every save under way now has ended (Clear Index Cache waits for them). */
export async function savesSettled(): Promise<void> {
  await Promise.all([...savesUnderway.values()].map((run) => run.catch(() => undefined)));
}

export async function loadScope(
  index: EventIndex,
  runner: JobRunner,
  targets: ScopeTarget[],
  signal: AbortSignal,
  onProgress: (p: LoadProgress) => void,
  named = new Set<number>(),
  hold?: () => Promise<void> | undefined,
  budget?: ScopeLimits,
  cacheSettings?: ScopeCache,
  rules?: LoadOptions['rules'],
): Promise<LoadOutcome> {
  const namedFiles = new Set<DiscoveredEventFile>();
  const scope = cacheScopeOf(targets);
  if (cacheSettings?.dir)
    await savesUnderway.get(IndexCache.packPath(cacheSettings.dir, scope))?.catch(() => undefined);
  const cache = cacheSettings?.dir ? IndexCache.open(cacheSettings.dir, scope) : undefined;
  const looked = emptyLookedAt();
  const missing: string[] = [];
  const progress: LoadProgress = {
    loading: true,
    listing: true,
    filesDone: 0,
    filesTotal: 0,
    events: 0,
    failedFiles: 0,
  };
  onProgress({ ...progress });
  let summary: LoadSummary;
  try {
    summary = await loadEventFiles(
      index,
      runner,
      eventFilesOf(targets, signal, missing, namedFiles, looked),
      {
        signal,
        hold,
        limits: budget?.limits,
        cache,
        rules,
        onRegistered(file, discovered) {
          if (namedFiles.has(discovered)) named.add(file.id);
        },
        onProgress(p) {
          progress.filesDone = p.filesDone;
          progress.filesTotal = p.filesTotal;
          progress.listing = p.listing;
          progress.events = p.events;
          const failures = index.problems.filter(
            (x) => x.severity === 'error' && !isQuietSkip(index, x, named),
          );
          progress.failedFiles = failures.length;
          const last = failures[failures.length - 1];
          if (last) progress.lastError = `${last.location}: ${last.message}`;
          onProgress({ ...progress });
        },
      },
    );
  } catch (e) {
    cache?.close(); // the unfinished pack is removed
    throw e;
  }
  progress.loading = false;
  progress.listing = false;
  progress.filesTotal = summary.filesTotal;
  progress.events = index.eventCount;
  progress.cancelled = summary.cancelled || signal.aborted;
  if (summary.stopped)
    progress.stopped = budgetMessage(
      summary.stopped,
      budget?.raise ?? {
        records: 'raise the budget of records',
        bytes: 'raise the budget of bytes',
        memory: 'raise the memory ceiling',
      },
    );
  let persist: LoadOutcome['persist'];
  if (progress.cancelled) cache?.close();
  else if (cache && cacheSettings?.dir) {
    const dir = cacheSettings.dir;
    persist = function* () {
      try {
        yield* cache.saving();
        pruneIndexCache(dir, cacheSettings.maxBytes, cache.path);
        return undefined;
      } catch (e) {
        return `index cache ${cache.path} could not be written (${e instanceof Error ? e.message : String(e)}); the next opening reads every file again`;
      }
    };
  }
  const notes = fileNoteViews(index, named);
  const includeHint = 'open such a file from the Explorer to read it';
  const nothing = index.eventCount === 0;
  const skipped = nothing ? undefined : skippedByName(looked, includeHint);
  const loadNotes: FileNoteView[] = [
    ...(cache?.notices ?? []).map((message) => ({ location: 'index cache', message })),
    ...(skipped ? [{ location: scopeName(targets), message: skipped }] : []),
  ].map((n) => ({ ...n, severity: 'note' }));
  progress.fileNotes = [...loadNotes, ...notes.notes].slice(0, LIMITS.fileNotes);
  progress.fileNotesTotal = notes.total + loadNotes.length;
  if (nothing && !progress.cancelled)
    progress.nothingRead = nothingReadMessage(scopeName(targets), looked, index, includeHint);
  return {
    progress,
    missing,
    stopped: summary.stopped,
    cache: cache && { ...cache.stats, path: cache.path },
    persist,
  };
}

/** What names a scope's pack: its sources and what of them (the same scope reuses its pack). */
function cacheScopeOf(targets: ScopeTarget[]): string {
  return JSON.stringify(
    targets.map((t) => [
      t.source.type,
      t.source.label,
      t.prefix ?? '',
      t.keys ?? null,
      ...(t.source.server === undefined ? [] : [t.source.server]),
    ]),
  );
}
