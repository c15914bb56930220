// Loads a timeline's scope into its own EventIndex: lists the event files (discover.ts) and
// streams them in as they are found (ingest/load.ts), reporting progress as the view's
// LoadProgress. Files named by key are looked up in their folder listing, so their sizes and
// kinds are the real ones.
import { EventIndex, FileProblem } from '../../core/index/eventIndex';
import { loadEventFiles } from '../../core/ingest/load';
import type { JobRunner } from '../../core/ingest/pool';
import { DiscoveredEventFile, discover, eventFilesUnder, objectsForKeys } from '../../core/sources/discover';
import { LogSource } from '../../core/sources/source';
import { LoadProgress } from '../../protocol';

export interface ScopeTarget {
  source: LogSource;
  prefix?: string;
  keys?: string[];
}

export interface LoadOutcome {
  progress: LoadProgress;
  /** Keys that were asked for by name but do not exist. */
  missing: string[];
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
      const found = await objectsForKeys(t.source, t.keys, signal);
      missing.push(...found.missing.map((k) => `${t.source.label}/${k}`));
      for (const f of (await discover(t.source, { objects: found.objects, signal })).events) {
        namedFiles.add(f);
        yield f;
      }
    } else {
      yield* eventFilesUnder(t.source, t.prefix ?? '', signal);
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
): Promise<LoadOutcome> {
  const namedFiles = new Set<DiscoveredEventFile>();
  const missing: string[] = [];
  const progress: LoadProgress = { loading: true, listing: true, filesDone: 0, filesTotal: 0, events: 0, failedFiles: 0 };
  onProgress({ ...progress });
  const summary = await loadEventFiles(index, runner, eventFilesOf(targets, signal, missing, namedFiles), {
    signal,
    hold,
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
  return { progress, missing };
}
