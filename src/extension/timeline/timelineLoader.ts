// Loads a timeline's scope into its own EventIndex: lists the event files (discover.ts) and
// streams them in as they are found (ingest/load.ts), reporting progress as the view's
// LoadProgress. Files named by key are looked up in their folder listing, so their sizes and
// kinds are the real ones.
import { EventIndex, FileProblem } from '../../core/index/eventIndex';
import { BudgetStop, budgetMessage } from '../../core/ingest/budget';
import { loadEventFiles, LoadOptions } from '../../core/ingest/load';
import type { JobRunner } from '../../core/ingest/pool';
import { classifyObject, DiscoveredEventFile, discover, problemEntry } from '../../core/sources/discover';
import { keyLocation, LogSource, SourceError, SourceObject } from '../../core/sources/source';
import { LoadProgress } from '../../protocol';

export interface ScopeTarget {
  source: LogSource;
  prefix?: string;
  keys?: string[];
}

async function objectsFor(source: LogSource, keys: string[], signal?: AbortSignal): Promise<{ objects: SourceObject[]; missing: string[] }> {
  const byParent = new Map<string, string[]>();
  for (const k of keys) {
    const parent = k.slice(0, k.lastIndexOf('/') + 1);
    byParent.set(parent, [...(byParent.get(parent) ?? []), k]);
  }
  const objects: SourceObject[] = [];
  const missing: string[] = [];
  for (const [parent, wanted] of byParent) {
    const listed = new Map((await source.listLevel(parent, signal)).filter((e): e is SourceObject => e.kind === 'object').map((o) => [o.key, o]));
    for (const k of wanted) {
      const o = listed.get(k);
      if (o) objects.push(o);
      else missing.push(k);
    }
  }
  return { objects, missing };
}

export interface LoadOutcome {
  progress: LoadProgress;
  /** Keys that were asked for by name but do not exist. */
  missing: string[];
  /** The budget that stopped the load, if one did. */
  stopped?: BudgetStop;
}

/** The load's budget and how to raise it (the timeline passes its settings). */
export interface ScopeLimits {
  limits: LoadOptions['limits'];
  raise: { records: string; bytes: string };
}

/**
 * A folder holds more JSON than logs (trail configurations, key lists, exports of other tools).
 * A loose file found by listing that turns out not to be CloudTrail events is skipped quietly
 * (the output says so); a file in the AWSLogs layout or named by the user that fails is a
 * failure the user is told about.
 */
const NOT_A_LOG = new Set(['not-cloudtrail', 'bad-json', 'empty']);

export function isQuietSkip(index: EventIndex, problem: FileProblem, named: ReadonlySet<number>): boolean {
  return problem.severity === 'error' && NOT_A_LOG.has(problem.code) && index.fileById(problem.fileId)?.kind === 'loose' && !named.has(problem.fileId);
}

/**
 * The scope's event files in order, as they are found: files named by key first come from their
 * folder listings; a prefix is walked lazily, so loading starts with the first file found.
 */
async function* eventFilesOf(targets: ScopeTarget[], signal: AbortSignal, missing: string[], namedFiles: Set<DiscoveredEventFile>): AsyncIterable<DiscoveredEventFile> {
  for (const t of targets) {
    if (signal.aborted) return;
    if (t.keys) {
      const found = await objectsFor(t.source, t.keys, signal);
      missing.push(...found.missing.map((k) => keyLocation(t.source, k)));
      for (const f of (await discover(t.source, { objects: found.objects, signal })).events) {
        namedFiles.add(f);
        yield f;
      }
    } else {
      // What the listing leaves out (unreadable folders, links it does not follow, FIFOs) is
      // reported like a file that could not be read, in listing order.
      const problems: SourceError[] = [];
      for await (const o of t.source.listAll(t.prefix ?? '', signal, (p) => problems.push(p))) {
        for (const p of problems.splice(0)) yield problemEntry(t.source, p);
        const c = classifyObject(t.source, o);
        if (c.kind === 'event') yield c.file;
      }
      for (const p of problems.splice(0)) yield problemEntry(t.source, p);
    }
  }
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
): Promise<LoadOutcome> {
  const namedFiles = new Set<DiscoveredEventFile>();
  const missing: string[] = [];
  const progress: LoadProgress = { loading: true, listing: true, filesDone: 0, filesTotal: 0, events: 0, failedFiles: 0 };
  onProgress({ ...progress });
  const summary = await loadEventFiles(index, runner, eventFilesOf(targets, signal, missing, namedFiles), {
    signal,
    hold,
    limits: budget?.limits,
    onRegistered(file, discovered) {
      if (namedFiles.has(discovered)) named.add(file.id);
    },
    onProgress(p) {
      progress.filesDone = p.filesDone;
      progress.filesTotal = p.filesTotal;
      progress.listing = p.listing;
      progress.events = p.events;
      const failures = index.problems.filter((x) => x.severity === 'error' && !isQuietSkip(index, x, named));
      progress.failedFiles = failures.length;
      const last = failures[failures.length - 1];
      if (last) progress.lastError = `${last.location}: ${last.message}`;
      onProgress({ ...progress });
    },
  });
  progress.loading = false;
  progress.listing = false;
  progress.filesTotal = summary.filesTotal;
  progress.cancelled = summary.cancelled || signal.aborted;
  if (summary.stopped) progress.stopped = budgetMessage(summary.stopped, budget?.raise ?? { records: 'raise the budget of records', bytes: 'raise the budget of bytes' });
  return { progress, missing, stopped: summary.stopped };
}
