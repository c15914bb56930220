// Event counts of explorer nodes, from files an index has already loaded (the timeline's). The
// explorer never indexes anything itself: a node shows its events only once every one of its
// event files has been loaded, so a count is never a silent partial one.
import { CatalogNode, eventScope } from './layoutTree';
import { Summary } from './layoutSummary';

export interface IndexedFileLike {
  key: string;
  events: number;
  state: 'pending' | 'loaded' | 'failed';
  /** Its events that are copies of events in these files (shown there, not twice). */
  duplicatesOf?: ReadonlyMap<IndexedFileLike, number>;
}

/** A node's events: each file's, less its copies of events another file of the node shows. */
function eventsOf(inScope: IndexedFileLike[], files: ReadonlyMap<string, IndexedFileLike>): number {
  const scope = new Set(inScope);
  let events = 0;
  for (const f of inScope) {
    events += f.events;
    for (const [kept, n] of f.duplicatesOf ?? [])
      if (scope.has(kept) && files.get(kept.key) === kept) events -= n;
  }
  return events;
}

/** The number of event files (logs, Insights, unrecognised names) a summary counted. */
export function eventFileCount(summary: Summary): number {
  return (
    (summary.byKind.log ?? 0) +
    (summary.byKind.insight ?? 0) +
    (summary.byKind.other ?? 0) +
    (summary.byKind.loose ?? 0)
  );
}

/**
 * Events under a node when all of its event files are indexed, else undefined. `files` are the
 * indexed files of the node's source by key; `summary` says how many event files the node has.
 */
export function indexedEvents(
  node: CatalogNode,
  files: ReadonlyMap<string, IndexedFileLike>,
  summary: Summary | undefined,
): number | undefined {
  const inScope = indexedScope(node, files, summary);
  return inScope && eventsOf(inScope, files);
}

/**
 * Events with detection hits under a node, by their highest level, on the same condition as its
 * events (every event file indexed) and once the rules have run over each of its loaded files
 * (`hitsOf` undefined for a loaded file: not yet). Hidden copies of events are not counted.
 */
export function indexedHits<L extends string>(
  node: CatalogNode,
  files: ReadonlyMap<string, IndexedFileLike>,
  summary: Summary | undefined,
  hitsOf: (file: IndexedFileLike) => Readonly<Record<L, number>> | undefined,
): Record<L, number> | undefined {
  const inScope = indexedScope(node, files, summary);
  if (!inScope) return undefined;
  let total: Record<L, number> | undefined;
  for (const f of inScope) {
    if (f.state !== 'loaded') continue;
    const hits = hitsOf(f);
    if (!hits) return undefined;
    if (!total) total = { ...hits };
    else for (const l of Object.keys(hits) as L[]) total[l] += hits[l];
  }
  return total;
}

/** The indexed files of a node when all of its event files are indexed (loaded or failed), else undefined. */
function indexedScope(
  node: CatalogNode,
  files: ReadonlyMap<string, IndexedFileLike>,
  summary: Summary | undefined,
): IndexedFileLike[] | undefined {
  if (files.size === 0) return undefined;
  if (node.type === 'file') {
    const f = files.get(node.key);
    return f?.state === 'loaded' ? [f] : undefined;
  }
  const scope = eventScope(node);
  if (!scope) return undefined;
  const inScope: IndexedFileLike[] = [];
  if (scope.keys) {
    for (const key of scope.keys) {
      const f = files.get(key);
      if (!f || f.state === 'pending') return undefined;
      inScope.push(f);
    }
    return inScope;
  }
  if (!summary) return undefined;
  for (const [key, f] of files) {
    if (!key.startsWith(scope.prefix!) || f.state === 'pending') continue;
    inScope.push(f);
  }
  const done = inScope.length;
  // Below a location the timeline's scope is the CloudTrail (log) folder: Insights are not in it.
  const logsOnly = node.type === 'account' || node.type === 'region' || node.type === 'day';
  const expected = logsOnly
    ? (summary.byKind.log ?? 0) + (summary.byKind.other ?? 0)
    : eventFileCount(summary);
  return done > 0 && done >= expected ? inScope : undefined;
}
