// Finding event files in a LogSource: CloudTrail log and Insights files in the AWSLogs layout,
// loose event files anywhere (exports, lookup-events output, JSON lines), and digest files,
// which are listed for integrity validation but are never events. The layout is read by
// layout.ts only.
import { CASE_FOLDER } from '../case/caseFile';
import {
  CloudTrailKeyInfo,
  FILE_MANAGER_FILES,
  parseCloudTrailFileName,
  parseCloudTrailKey,
  trailFolderOf,
} from './layout';
import { PUBLIC_KEYS_FILE_NAME } from '../digest/publicKeys';
import { SIGNATURES_FILE_NAME } from '../digest/signatures';
import { LogSource, SourceError, SourceObject } from './source';

export type DiscoveredKind = 'log' | 'insight' | 'loose';

export interface DiscoveredEventFile {
  source: LogSource;
  object: SourceObject;
  kind: DiscoveredKind;
  /** Layout metadata (account, region, organization, delivery time) when the key follows it. */
  info?: CloudTrailKeyInfo;
  /**
   * Set when the entry cannot be read and is only there to be reported like an unreadable file:
   * a sub-folder the listing could not read, a link it did not follow (see LogSource.listAll).
   */
  problem?: SourceError;
}

export interface DiscoveryResult {
  source: LogSource;
  /** Files to read as events, in key order. */
  events: DiscoveredEventFile[];
  /** CloudTrail-Digest files: for the digest validator, never parsed as events. */
  digests: SourceObject[];
  /** Objects that are not JSON files (READMEs, templates…), skipped silently. */
  ignored: SourceObject[];
  /** What the listing left out and reported (unreadable sub-folders, links not followed, FIFOs). */
  problems: DiscoveredEventFile[];
}

/** Names a loose file may have to be read as events. */
const EVENT_FILE_NAME = /\.(json|jsonl|ndjson)(\.gz)?$/i;

export interface DiscoverOptions {
  /** Only under this key prefix ('' or ending in '/'). */
  prefix?: string;
  /**
   * Exactly these objects instead of a listing (files named by the user). They are read as
   * events whatever their names, except digest files.
   */
  objects?: SourceObject[];
  /** Also read files whose name this accepts (the CLI's --include). */
  include?: (name: string) => boolean;
  signal?: AbortSignal;
}

/** Sorts one object into events, digests or ignored. */
export function classifyObject(
  source: LogSource,
  object: SourceObject,
  named = false,
  include?: (name: string) => boolean,
): { kind: 'event'; file: DiscoveredEventFile } | { kind: 'digest' } | { kind: 'ignored' } {
  const info = parseCloudTrailKey(object.key);
  const name = object.key.slice(object.key.lastIndexOf('/') + 1);
  const kind = info?.kind ?? parseCloudTrailFileName(name)?.kind;
  const place = trailFolderOf(object.key);
  const eventFolder = place?.kind === 'log' || place?.kind === 'insight';
  // A digest's name is believed anywhere but where CloudTrail writes logs and Insights files:
  // there it is no digest CloudTrail delivered, and records put under such a name would never
  // be read. Read as events, a real digest is reported as one (a problem naming it).
  if (kind === 'digest' && !eventFolder) return { kind: 'digest' };
  if (kind === 'log' || kind === 'insight')
    return { kind: 'event', file: { source, object, kind, info } };
  // In a log or Insights day folder CloudTrail writes nothing but its files: anything else there
  // (a backup an editor kept of a log, a renamed copy) is read, to load or to be reported by name,
  // never skipped unseen. Only what a file manager leaves is not.
  const eventDay = eventFolder && place?.date !== undefined;
  if (!named && (eventDay ? keptInDayFolder(object.key) : isKeptBesideLogs(object.key)))
    return { kind: 'ignored' };
  if (named || eventDay || EVENT_FILE_NAME.test(name) || include?.(name))
    return { kind: 'event', file: { source, object, kind: 'loose' } };
  return { kind: 'ignored' };
}

/** What is never read in a trail's day folder: what a file manager leaves, the case folder. */
function keptInDayFolder(key: string): boolean {
  return (
    FILE_MANAGER_FILES.has(key.slice(key.lastIndexOf('/') + 1)) ||
    key.split('/').includes(CASE_FOLDER)
  );
}

/**
 * Files that lie beside the logs but are never events, whatever their name: the product's own
 * folder in a workspace (the case file, core/case), the files validation keeps (list-public-keys
 * output, the digests' S3 metadata) and what a file manager leaves.
 */
export function isKeptBesideLogs(key: string): boolean {
  const name = key.slice(key.lastIndexOf('/') + 1);
  return keptInDayFolder(key) || name === PUBLIC_KEYS_FILE_NAME || name === SIGNATURES_FILE_NAME;
}

/** Whether loading a folder or prefix that holds the object at `key` reads it as events (`include`: --include). */
export function listedAsEvents(key: string, include?: (name: string) => boolean): boolean {
  // The source is only carried into the file description, which is not used here.
  return (
    classifyObject(
      undefined as unknown as LogSource,
      { kind: 'object', key, size: 0 },
      false,
      include,
    ).kind === 'event'
  );
}

/** File-name globs (`*.log`, `export-??.txt`; `*` and `?`, case-insensitive) as one test. */
export function globMatcher(globs: string[]): (name: string) => boolean {
  const res = globs.map(
    (g) =>
      new RegExp(
        `^${g
          .replace(/[.+^${}()|[\]\\]/g, '\\$&')
          .replace(/\*/g, '.*')
          .replace(/\?/g, '.')}$`,
        'i',
      ),
  );
  return (name) => res.some((r) => r.test(name));
}

export async function discover(
  source: LogSource,
  options: DiscoverOptions = {},
): Promise<DiscoveryResult> {
  const result: DiscoveryResult = { source, events: [], digests: [], ignored: [], problems: [] };
  const add = (object: SourceObject, named: boolean) => {
    const c = classifyObject(source, object, named, options.include);
    if (c.kind === 'event') result.events.push(c.file);
    else if (c.kind === 'digest') result.digests.push(object);
    else result.ignored.push(object);
  };
  if (options.objects) {
    for (const o of options.objects) add(o, true);
  } else {
    for await (const o of source.listAll(options.prefix ?? '', options.signal, (p) =>
      result.problems.push(problemEntry(source, p)),
    ))
      add(o, false);
  }
  return result;
}

/** A listing problem as an entry the loader reports like a file it could not read. */
export function problemEntry(source: LogSource, problem: SourceError): DiscoveredEventFile {
  return { source, object: { kind: 'object', key: problem.key, size: 0 }, kind: 'loose', problem };
}

/** The listed objects for keys (real sizes, ETags, kinds), one listing per folder; `missing` were not listed. */
export async function objectsForKeys(
  source: LogSource,
  keys: string[],
  signal?: AbortSignal,
): Promise<{ objects: SourceObject[]; missing: string[] }> {
  const byParent = new Map<string, string[]>();
  for (const k of keys) {
    const parent = k.slice(0, k.lastIndexOf('/') + 1);
    byParent.set(parent, [...(byParent.get(parent) ?? []), k]);
  }
  const objects: SourceObject[] = [];
  const missing: string[] = [];
  for (const [parent, wanted] of byParent) {
    const listed = new Map(
      (await source.listLevel(parent, signal))
        .filter((e): e is SourceObject => e.kind === 'object')
        .map((o) => [o.key, o]),
    );
    for (const k of wanted) {
      const o = listed.get(k);
      if (o) objects.push(o);
      else missing.push(k);
    }
  }
  return { objects, missing };
}

/**
 * The event files under a prefix, yielded as the listing finds them, with what the listing left
 * out (unreadable sub-folders, links not followed, FIFOs) as problem entries among them, to be
 * reported like files that could not be read. `onListed` sees every entry and how it was classed;
 * `include` also takes loose files whose name it accepts (as DiscoverOptions.include).
 */
export async function* eventFilesUnder(
  source: LogSource,
  prefix: string,
  options: {
    signal?: AbortSignal;
    include?: (name: string) => boolean;
    onListed?: (
      kind: 'event' | 'digest' | 'ignored',
      entry: SourceObject | DiscoveredEventFile,
    ) => void;
  } = {},
): AsyncIterable<DiscoveredEventFile> {
  const { signal, include, onListed } = options;
  const problems: DiscoveredEventFile[] = [];
  const report = function* () {
    for (const p of problems.splice(0)) {
      onListed?.('event', p);
      yield p;
    }
  };
  for await (const o of source.listAll(prefix, signal, (p) =>
    problems.push(problemEntry(source, p)),
  )) {
    yield* report();
    const c = classifyObject(source, o, false, include);
    onListed?.(c.kind, o);
    if (c.kind === 'event') yield c.file;
  }
  yield* report();
}
