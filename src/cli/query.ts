// `cloudtrail-lens query PATH... [--filter EXPR] [--count] [--format jsonl|csv|table]
//  [--fields a,b,...] [--limit N] [--desc] [--max-file-mb N]`
//
// Loads every event file under the paths into the index, runs the filter, prints the matching
// events in time order. Files that cannot be read are listed on stderr; the rest still load.
// Exit codes: 0 done, 1 no event file could be read at all, 2 bad arguments or filter.
import { constants as fsConstants, promises as fs, Stats } from 'node:fs';
import * as path from 'node:path';
import { EventIndex } from '../core/index/eventIndex';
import {
  emptyLookedAt,
  fileNotes,
  identityConflictNotes,
  LookedAt,
  noteText,
  nothingReadMessage,
  skippedByName,
  tallyObject,
  untimedNotes,
} from '../core/index/fileNotes';
import { DEFAULT_CSV_FIELDS, SUMMARY_FIELDS } from '../core/index/columns';
import { originJson } from '../core/origin/resolve';
import { IndexDetections } from '../core/detect/indexDetections';
import { explainMatch } from '../core/detect/evaluate';
import { detectionsCell, detectionsJson } from '../core/detect/results';
import { loadRuleSet, problemLine } from '../core/detect/ruleSet';
import { DETECTION_FIELD, LEVEL_FIELD } from '../core/query/fields';
import { mentionsField } from '../core/query/ast';
import { csvLine } from '../core/output/csv';
import { fieldTexts } from '../core/output/recordFields';
import { cellText, cutText, escapeHiddenInJson, lineText } from '../core/output/visibleText';
import { parseQuery } from '../core/query/parse';
import { columnWarning, queryWarnings } from '../core/query/warnings';
import { QuerySyntaxError, termsOf } from '../core/query/ast';
import { isAnnotationField } from '../core/query/fields';
import { resolveAnnotations } from '../core/case/resolve';
import { readCaseArg } from './caseArg';
import type { QueryNode } from '../core/query/ast';
import { DEFAULT_MAX_UNCOMPRESSED_BYTES } from '../core/ingest/gzip';
import { formatBytes } from '../core/output/bytes';
import { budgetMessage, DEFAULT_MAX_LOAD_BYTES, DEFAULT_MAX_RECORDS } from '../core/ingest/budget';
import { DIGEST_MESSAGE, singleLineJson } from '../core/ingest/eventFile';
import { loadEventFiles, LoadOptions, FileLoadProgress, LoadSummary } from '../core/ingest/load';
import { WorkerPool } from '../core/ingest/pool';
import {
  DiscoveredEventFile,
  discover,
  eventFilesUnder,
  globMatcher,
  isKeptBesideLogs,
  listedAsEvents,
  objectsForKeys,
} from '../core/sources/discover';
import { AthenaRunner, formatProgress, QueryProgress } from '../core/sql/athena';
import { AwsQueryError } from '../core/sql/awsErrors';
import { LakeRunner } from '../core/sql/lake';
import {
  athenaToTimeline,
  EventIdSet,
  lakeToTimeline,
  RemoteOutcome,
  rowsOfEvents,
} from '../core/sql/remote';
import { compileForCli, emptyRemoteArgs, parseRemoteOption, RemoteQueryArgs } from './sql';
import { FolderSource, isInside } from '../core/sources/folder';
import { isS3Uri, parseS3Uri, S3Access, S3Source } from '../core/sources/s3';
import { redactSecrets } from '../core/redact';
import { SourceError, type SourceObject } from '../core/sources/source';
import { beforeEarlyExit, CliIo, endpointOption, forEachArg, oneOf, UsageError } from './io';
import { homedir } from 'node:os';
import { defaultMemoryCeiling } from '../core/ingest/memoryFit';
import {
  DEFAULT_INDEX_CACHE_MAX_BYTES,
  IndexCache,
  pruneIndexCache,
  userIndexCacheDir,
} from '../core/ingest/indexCache';

const CACHE_DIR_HELP = '~/.cache/cloudtrail-lens/index on Linux, or $CLOUDTRAIL_LENS_CACHE_DIR';

export const QUERY_USAGE = `Usage: cloudtrail-lens query PATH... [options]

Search CloudTrail events in files, folders and S3 (s3://bucket/prefix). Reads delivered logs
and their concatenations, Event history downloads, JSON arrays and JSON lines of records,
aws cloudtrail lookup-events output (any form), EventBridge events, CloudWatch Logs subscription
payloads (Firehose's too), gzipped or not, UTF-8 or UTF-16. Folders are searched recursively for
.json, .json.gz, .jsonl and .ndjson files; a file named here is read whatever its name.
CloudTrail-Digest files are not events (use validate). Notes about each file go to stderr.

Options:
  --filter EXPR        only events matching EXPR (the query language; default: all events)
  --count              print only the number of matching events
  --format FORMAT      jsonl (default: each raw record on one line), csv, or table
  --fields LIST        columns for csv/table, comma-separated: summary names (time, eventName,
                       eventSource, principal, principalType, principalArn, accessKeyId,
                       sourceIPAddress, userAgent, region, account, errorCode, readOnly, eventID,
                       eventType, file), the origin of the session (origin: the ARN, or the
                       service, SAML or web-identity subject behind it; originType; originHops;
                       originComplete: false when a credential's issuing event is not loaded),
                       or any record path (requestParameters.bucketName); an unknown name
                       is warned about on stderr (with the nearest known ones)
                       The detection rules that fired (detections: each one's level and title)
                       are a field too, worked out only when asked for.
  --annotate           with --format jsonl: each line is {"record": <the raw record>, "origin":
                       {arn, type, name, hops: [{eventID, arn}], complete}, "detections":
                       [{id, title, level, tags, matched: [{selection, field, condition, values}]}]}
  --rules DIR          also run the Sigma rules under DIR (as for "detect") for a detection: or
                       level: filter, --fields detections or --annotate (may be given several times)
  --case FILE          the case file (.cloudtrail-lens/case.json) whose stars, tags and notes the
                       filter's starred:, tag: and note: terms read; without it such a filter is
                       refused
  --limit N            at most N events (the first N in time order)
  --desc               newest first
  --profile NAME       AWS profile for s3:// paths (default: the standard credential chain)
  --region R           the bucket's region for s3:// paths (default: AWS_REGION, else found out)
  --endpoint URL       an S3-compatible endpoint for s3:// paths
  --max-file-mb N      refuse files larger than N MiB once decompressed (default ${DEFAULT_MAX_UNCOMPRESSED_BYTES / 1024 / 1024})
  --max-records N      stop loading after N records, all files together (default ${DEFAULT_MAX_RECORDS.toLocaleString('en-US')});
                       what was read is searched, and stderr says where loading stopped
  --max-total-mb N     stop loading after N MiB decompressed, all files together (default ${DEFAULT_MAX_LOAD_BYTES / 1024 / 1024})
  --max-memory-mb N    stop loading once the process holds more than N MiB (default: half the
                       machine's memory, here ${Math.round(defaultMemoryCeiling() / 1024 / 1024)}); what was read is searched
  --follow-links-outside
                       follow symbolic links in folders that lead outside them (default: such links
                       are named on stderr and not read)
  --include GLOB       in folders, also read files whose name matches GLOB (e.g. '*.log');
                       may be given several times
  --cache-dir DIR      where the persisted index is kept, so that the next run over the same
                       paths reads only new or changed files (default: the user cache folder,
                       ${CACHE_DIR_HELP}); it holds the index only, never raw records
  --no-cache           neither read nor write the persisted index

Running the filter on Athena or CloudTrail Lake instead (no PATH; see "cloudtrail-lens sql --help"):
  --engine E           athena or lake: the filter is compiled to SQL and run there
  --table NAME, --event-data-store ID, --start-time T, --end-time T, --account ID
                       as for "sql"; --in-region R limits to events of region R (repeat)
  --workgroup W, --database D, --output-location s3://…   Athena settings
  --max-files N        Athena: when the matches come from at most N log files (default 200),
                       those files are downloaded (--profile) and the matched events printed
                       as stored; above N, records rebuilt from the table's columns
  --region R           the service's region (default: AWS_REGION or the profile's)
  --service-endpoint URL  another Athena / CloudTrail endpoint (--endpoint is S3's)
Exit codes: 0 done (unreadable files are listed on stderr), 1 no event could be read (what was
looked at and why each file was skipped is on stderr), 2 bad arguments or filter.`;

type Format = 'jsonl' | 'csv' | 'table';

interface QueryArgs extends LoadArgs {
  filter: string;
  count: boolean;
  format: Format;
  /** --annotate: jsonl lines wrap the record with its origin (and detections). */
  annotate: boolean;
  /** --rules: Sigma rule folders run besides the built-in pack, when detections are asked for. */
  rules: string[];
  fields: string[];
  limit: number;
  desc: boolean;
  /** --case: the case file the filter's starred: / tag: / note: terms read. */
  caseFile?: string;
  /** --engine athena|lake and its options. */
  engine?: 'athena' | 'lake';
  remote: RemoteQueryArgs;
  athena: { workgroup?: string; database?: string; outputLocation?: string };
  maxFiles: number;
  serviceEndpoint?: string;
}

const DEFAULT_FIELDS = [...DEFAULT_CSV_FIELDS];

/** The options of `query --engine` alone: the statement's table, window, accounts, regions and service. */
const REMOTE_ONLY_OPTIONS: readonly string[] = [
  '--table',
  '--event-data-store',
  '--start-time',
  '--end-time',
  '--account',
  '--in-region',
  '--workgroup',
  '--database',
  '--output-location',
  '--max-files',
  '--service-endpoint',
];

export function parseQueryArgs(args: string[]): QueryArgs | 'help' {
  const out: QueryArgs = {
    ...defaultLoadArgs(),
    filter: '',
    count: false,
    format: 'jsonl',
    annotate: false,
    rules: [],
    fields: DEFAULT_FIELDS,
    limit: Infinity,
    desc: false,
    remote: emptyRemoteArgs(),
    athena: {},
    maxFiles: 200,
  };
  let fieldsGiven = false;
  let help = false;
  /** The options that only --engine reads (the first given), refused without it. */
  let remoteOnly: string | undefined;
  forEachArg(args, (a, value, operand) => {
    if (operand) return void out.paths.push(a);
    if (REMOTE_ONLY_OPTIONS.includes(a)) remoteOnly ??= a;
    switch (a) {
      case '-h':
      case '--help':
        help = true;
        break;
      case '--filter':
      case '-f':
        out.filter = value();
        break;
      case '--count':
        out.count = true;
        break;
      case '--annotate':
        out.annotate = true;
        break;
      case '--rules':
        out.rules.push(value());
        break;
      case '--format':
        out.format = oneOf(a, value(), ['jsonl', 'csv', 'table'] as const);
        break;
      case '--fields': {
        const list = value()
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean);
        if (list.length === 0) throw new UsageError('--fields needs at least one field name');
        out.fields = list;
        fieldsGiven = true;
        break;
      }
      case '--limit': {
        const v = value();
        const n = Number(v);
        if (!/^\d+$/.test(v) || !Number.isSafeInteger(n))
          throw new UsageError(`--limit must be a whole number (got "${v}")`);
        out.limit = n;
        break;
      }
      case '--desc':
        out.desc = true;
        break;
      case '--case':
        out.caseFile = value();
        break;
      case '--engine': {
        const e = value();
        if (e !== 'athena' && e !== 'lake')
          throw new UsageError(`--engine must be athena or lake (got "${e}")`);
        out.engine = e;
        break;
      }
      case '--workgroup':
        out.athena.workgroup = value();
        break;
      case '--database':
        out.athena.database = value();
        break;
      case '--output-location':
        out.athena.outputLocation = value();
        break;
      case '--service-endpoint':
        out.serviceEndpoint = endpointOption(a, value());
        break;
      case '--max-files': {
        const v = value();
        if (!/^\d+$/.test(v))
          throw new UsageError(`--max-files must be a whole number (got "${v}")`);
        out.maxFiles = Number(v);
        break;
      }
      default:
        if (parseLoadOption(a, value, out)) break;
        if (
          REMOTE_ONLY_OPTIONS.includes(a) &&
          parseRemoteOption(a, value, out.remote, '--in-region')
        )
          break;
        if (a.startsWith('-') && a !== '-')
          throw new UsageError(`unknown option ${a} (see --help)`);
        out.paths.push(a);
    }
  });
  if (help) return 'help';
  if (out.engine) {
    if (out.paths.length)
      throw new UsageError(`--engine ${out.engine} runs on the service: give no PATH`);
    if (out.caseFile)
      throw new UsageError(
        `--case applies to local paths: ${out.engine === 'athena' ? 'Athena' : 'CloudTrail Lake'} does not hold the case's annotations`,
      );
    out.remote.filter = out.filter;
    out.remote.dialect = out.engine;
    if (Number.isFinite(out.limit)) out.remote.limit = out.limit;
  } else if (remoteOnly)
    // Ignored, a time window, account or region would leave every event of the paths in the
    // answer while the user believes it limited: refused, with the filter term that does it.
    throw new UsageError(
      `${remoteOnly} applies to --engine athena|lake; for files, folders and s3:// paths put it in the filter (e.g. --filter 'eventTime>=2024-05-14 account:123456789012 region:us-east-1')`,
    );
  else if (out.paths.length === 0)
    throw new UsageError('give at least one file or folder to search (see --help)');
  if (fieldsGiven && out.format === 'jsonl' && !out.count)
    throw new UsageError('--fields applies to --format csv or table (jsonl prints whole records)');
  if (out.annotate && out.format !== 'jsonl')
    throw new UsageError(
      '--annotate applies to --format jsonl (csv and table take --fields origin,originType,originHops,originComplete)',
    );
  return out;
}

/** What to read and within which limits: the options every command that loads events shares. */
export interface LoadArgs {
  paths: string[];
  maxBytes: number;
  /** The load's budget (--max-records, --max-total-mb, --max-memory-mb). */
  limits: { maxRecords: number; maxBytes: number; maxMemoryBytes: number };
  /** --profile, --region, --endpoint for s3:// paths (bucket/prefix come from each path). */
  s3: S3Access;
  followLinksOutside: boolean;
  /** --include: more file names to read in folders. */
  include: string[];
  /** --cache-dir (default: the user cache folder); undefined with --no-cache. */
  cacheDir?: string;
}

export function defaultLoadArgs(): LoadArgs {
  return {
    paths: [],
    maxBytes: DEFAULT_MAX_UNCOMPRESSED_BYTES,
    limits: {
      maxRecords: DEFAULT_MAX_RECORDS,
      maxBytes: DEFAULT_MAX_LOAD_BYTES,
      maxMemoryBytes: defaultMemoryCeiling(),
    },
    s3: {},
    followLinksOutside: false,
    include: [],
    cacheDir: userIndexCacheDir(process.env, process.platform, homedir()),
  };
}

/** Reads one of the load options (--profile, --include, --max-file-mb…) into `out`; false when `a` is not one. */
export function parseLoadOption(a: string, value: () => string, out: LoadArgs): boolean {
  switch (a) {
    case '--follow-links-outside':
      out.followLinksOutside = true;
      return true;
    case '--profile':
      out.s3.profile = value();
      return true;
    case '--region':
      out.s3.region = value();
      return true;
    case '--endpoint':
      out.s3.endpoint = endpointOption(a, value());
      return true;
    case '--include':
      out.include.push(value());
      return true;
    case '--max-file-mb':
      out.maxBytes = mebibytes(a, value());
      return true;
    case '--max-total-mb':
      out.limits.maxBytes = mebibytes(a, value());
      return true;
    case '--max-memory-mb':
      out.limits.maxMemoryBytes = mebibytes(a, value());
      return true;
    case '--cache-dir':
      out.cacheDir = value();
      return true;
    case '--no-cache':
      out.cacheDir = undefined;
      return true;
    case '--max-records': {
      const v = value();
      const n = Number(v);
      if (!/^\d+$/.test(v) || !(n > 0) || !Number.isSafeInteger(n))
        throw new UsageError(`--max-records must be a positive whole number (got "${v}")`);
      out.limits.maxRecords = n;
      return true;
    }
    default:
      return false;
  }
}

/** What `withLoadedPaths` hands over: the index of the paths' events. */
export interface LoadedPaths {
  index: EventIndex;
  /** No event could be read at all (what was looked at is then on stderr). */
  nothingRead: boolean;
}

/**
 * Finds the event files under the paths and loads them into a new index, with progress and each
 * file's notes on stderr, then hands it to `use` (which prints the answer). The index cache
 * (--cache-dir) is written after `use` has returned or thrown, so that the answer is not held back
 * by it: on a first run the write takes about a sixth of the load.
 */
export async function withLoadedPaths<T>(
  args: LoadArgs,
  io: CliIo,
  rules: LoadOptions['rules'],
  use: (loaded: LoadedPaths) => Promise<T>,
): Promise<T> {
  // The index reads records through the pool's workers while `use` prints them.
  const pool = new WorkerPool();
  try {
    return await loadAndUse(args, pool, io, rules, use);
  } finally {
    await pool.close();
  }
}

async function loadAndUse<T>(
  args: LoadArgs,
  pool: WorkerPool,
  io: CliIo,
  rules: LoadOptions['rules'],
  use: (loaded: LoadedPaths) => Promise<T>,
): Promise<T> {
  const looked = emptyLookedAt();
  const files = await findEventFiles(
    args.paths,
    args.s3,
    looked,
    args.include,
    args.followLinksOutside,
    io,
  );
  const index = new EventIndex({ runner: pool, maxUncompressedBytes: args.maxBytes });
  const cache = openCache(args, io);
  const summary = await loadWithProgress(index, pool, files, io, {
    limits: args.limits,
    cache,
    rules,
  });
  // What the cache found while loading (a damaged or foreign pack, rebuilt) is said before the answer.
  for (const n of cache?.notices.splice(0) ?? []) io.err(`note: ${n}\n`);
  let nothingRead = false;
  const includeHint =
    "name such a file on the command line, or add --include '*.log' (its pattern)";
  if (index.eventCount === 0) {
    const where = args.paths.length === 1 ? args.paths[0] : `the ${args.paths.length} paths given`;
    io.err(`${nothingReadMessage(where, looked, index, includeHint)}\n`);
    // Files that were read and hold no events are an answer; nothing read at all is not.
    nothingRead = summary.filesDone - summary.filesFailed === 0;
  } else {
    const skipped = skippedByName(looked, includeHint);
    if (skipped) io.err(`note: ${skipped}\n`);
  }
  if (!cache) return use({ index, nothingRead });
  let saved = false;
  const save = () => {
    if (saved) return;
    saved = true;
    saveCache(cache, summary, io);
  };
  const release = beforeEarlyExit(save);
  try {
    return await use({ index, nothingRead });
  } finally {
    release();
    save();
  }
}

function mebibytes(flag: string, v: string): number {
  const n = Number(v);
  if (!(n > 0) || !Number.isFinite(n))
    throw new UsageError(`${flag} must be a positive number (got "${v}")`);
  return Math.floor(n * 1024 * 1024);
}

/** How to raise each budget, for the message when loading stops. */
const RAISE_BUDGET = {
  records: 'raise it with --max-records N',
  bytes: 'raise it with --max-total-mb N',
  memory: 'raise it with --max-memory-mb N',
};

export async function runQuery(args: string[], io: CliIo): Promise<number> {
  const parsed = parseQueryArgs(args);
  if (parsed === 'help') {
    io.out(QUERY_USAGE + '\n');
    return 0;
  }
  let node: QueryNode;
  try {
    node = parseQuery(parsed.filter);
  } catch (e) {
    if (e instanceof QuerySyntaxError) {
      io.err(
        `cloudtrail-lens query: bad filter: ${e.message}\n  ${parsed.filter}\n  ${' '.repeat(e.offset)}${'^'.repeat(Math.max(1, Math.min(e.length, parsed.filter.length - e.offset)))}\n`,
      );
      return 2;
    }
    throw e;
  }
  for (const w of queryWarnings(node, parsed.filter))
    io.err(
      `warning: filter col ${w.start + 1} (${parsed.filter.slice(w.start, w.end)}): ${w.message}\n`,
    );
  const columns = [...SUMMARY_FIELDS.keys()];
  for (const f of parsed.fields) {
    const message = columnWarning(f, columns);
    if (message) io.err(`warning: --fields ${f}: ${message}\n`);
  }
  if (parsed.engine) return runRemote(parsed, io);
  // starred: / tag: / note: are the case file's, not the records': without it they would match nothing, silently.
  const annotationTerm = termsOf(node).find((t) => t.fields.some(isAnnotationField));
  if (annotationTerm && !parsed.caseFile) {
    throw new UsageError(
      `${parsed.filter.slice(annotationTerm.start, annotationTerm.end)}: ${annotationTerm.field}: is read from a case file (stars, tags, notes): name it with --case FILE (e.g. --case .cloudtrail-lens/case.json)`,
    );
  }
  const kase = parsed.caseFile ? await readCaseArg(parsed.caseFile) : undefined;
  // The rule engine runs only when something asks for its hits; its rules are read before the
  // events, so that indexing decides what it can of them (LoadOptions.rules).
  const wantsDetections =
    mentionsField(node, DETECTION_FIELD) ||
    mentionsField(node, LEVEL_FIELD) ||
    parsed.annotate ||
    (parsed.format !== 'jsonl' && !parsed.count && parsed.fields.includes('detections'));
  const ruleSet = wantsDetections ? await loadRuleSet(parsed.rules) : undefined;
  for (const p of ruleSet?.problems ?? []) io.err(`${problemLine(p)}\n`);
  if (
    ruleSet?.problems.some(
      (p) =>
        parsed.rules.includes(p.source) &&
        /no such folder|not a folder|cannot be read/.test(p.reason),
    )
  )
    return 2;
  return withLoadedPaths(parsed, io, ruleSet?.rules, async ({ index, nothingRead }) => {
    if (nothingRead) return 1;

    let detections: IndexDetections | undefined;
    if (ruleSet) {
      detections = new IndexDetections(index, ruleSet.rules); // index.query runs it before a detection: or level: term
      await detections.update();
    }
    const resolved = kase ? resolveAnnotations(index, kase) : undefined;
    if (resolved?.notLoaded.length)
      io.err(
        `note: ${resolved.notLoaded.length} annotation(s) of ${parsed.caseFile} are about events not under the paths given\n`,
      );
    const result = await index.query(node, {
      order: parsed.desc ? 'desc' : 'asc',
      ...(resolved ? { annotations: resolved.byRow } : {}),
    });
    for (const n of untimedNotes(index, node, result.untimedOutsideRange)) io.err(`note: ${n}\n`);
    await printRows(
      index,
      result.rows.subarray(0, Math.min(result.rows.length, parsed.limit)),
      parsed,
      io,
      detections,
    );
    return 0;
  });
}

/**
 * Loads within the budget with a progress line on a terminal, then each file's notes and
 * problems on stderr, and where loading stopped if the budget ran out.
 */
export async function loadWithProgress(
  index: EventIndex,
  pool: WorkerPool,
  files: DiscoveredEventFile[] | AsyncIterable<DiscoveredEventFile>,
  io: CliIo,
  options: Pick<LoadOptions, 'limits' | 'cache' | 'rules'>,
): Promise<LoadSummary> {
  const progress = io.stderrIsTTY ? progressPrinter(io) : undefined;
  const cache = options.cache;
  let summary: LoadSummary;
  try {
    summary = await loadEventFiles(index, pool, files, {
      ...options,
      onProgress: progress?.update,
    });
  } catch (e) {
    progress?.done(); // a listing that failed (an S3 error) is said on a line of its own
    cache?.close(); // the unfinished pack is removed
    throw e;
  }
  progress?.done();
  for (const n of fileNotes(index))
    io.err(`${n.severity === 'error' ? '' : `${n.severity}: `}${noteText(n)}\n`);
  const failed = index.problems.filter((p) => p.severity === 'error').length;
  if (failed > 0)
    io.err(
      `${failed} of ${summary.filesTotal} event file${summary.filesTotal === 1 ? '' : 's'} could not be read (listed above)\n`,
    );
  if (summary.stopped) {
    io.err(
      `warning: ${budgetMessage(summary.stopped, RAISE_BUDGET)}; ${index.eventCount.toLocaleString('en-US')} events from ${summary.filesDone - summary.filesFailed} of ${summary.filesTotal} files\n`,
    );
  }
  return summary;
}

/** The persisted index of these paths (--cache-dir, --no-cache); undefined when off. */
function openCache(parsed: LoadArgs, io: CliIo): IndexCache | undefined {
  if (!parsed.cacheDir) return undefined;
  // The scope is written into the pack and the snapshot: an endpoint's password never is.
  const endpoint = parsed.s3.endpoint;
  const scope = JSON.stringify({
    paths: parsed.paths.map((p) => (isS3Uri(p) ? p : path.resolve(p))),
    endpoint: endpoint === undefined ? null : redactSecrets(endpoint),
  });
  const cache = IndexCache.open(parsed.cacheDir, scope);
  for (const n of cache.notices.splice(0)) io.err(`note: ${n}\n`);
  return cache;
}

/** Writes the pack (a failure to write is a note: the answer does not depend on it). */
function saveCache(cache: IndexCache, summary: LoadSummary, io: CliIo): void {
  for (const n of cache.notices.splice(0)) io.err(`note: ${n}\n`);
  if (summary.cancelled) return cache.close();
  try {
    cache.save();
    pruneIndexCache(path.dirname(cache.path), DEFAULT_INDEX_CACHE_MAX_BYTES, cache.path);
  } catch (e) {
    io.err(
      `note: the index cache could not be written (${e instanceof Error ? e.message : String(e)}); the next run reads every file again\n`,
    );
    return;
  }
  const s = cache.stats;
  if (io.stderrIsTTY && s.hits > 0)
    io.err(
      s.snapshot
        ? `index cache: the whole index from ${cache.snapshotPath} (${formatBytes(s.snapshotBytes)}), nothing changed\n`
        : `index cache: ${s.hits.toLocaleString('en-US')} of ${(s.hits + s.misses).toLocaleString('en-US')} files from ${cache.path} (${formatBytes(s.bytes)})\n`,
    );
}

async function printRows(
  index: EventIndex,
  rows: Uint32Array,
  parsed: QueryArgs,
  io: CliIo,
  detections?: IndexDetections,
): Promise<void> {
  if (parsed.count) {
    io.out(`${rows.length}\n`);
    return;
  }
  for (const n of identityConflictNotes(index, rows)) io.err(`${n.severity}: ${noteText(n)}\n`);
  if (parsed.format === 'jsonl') await writeJsonl(index, rows, io, parsed.annotate, detections);
  else await writeColumns(index, rows, parsed.fields, parsed.format, io, detections);
}

/**
 * --engine: the filter compiled and run on Athena or Lake; the answer loaded into a local index
 * (the few log files it came from, or the rebuilt records) and printed as any query's.
 */
async function runRemote(parsed: QueryArgs, io: CliIo): Promise<number> {
  const compiled = compileForCli(parsed.remote, 'rows', io, 'query');
  if (!compiled) return 2;
  for (const note of compiled.notes) io.err(`note: ${note}\n`);
  const access = {
    region: parsed.s3.region,
    profile: parsed.s3.profile,
    endpoint: parsed.serviceEndpoint,
  };
  // The line's own carriage return and erase are terminal controls; the state is the service's text.
  const control = io.control ?? io.err;
  const onProgress = io.stderrIsTTY
    ? (p: QueryProgress) => {
        control('\r\x1b[K');
        io.err(
          `${parsed.engine === 'athena' ? 'Athena' : 'CloudTrail Lake'}: ${formatProgress(p)}`,
        );
      }
    : undefined;
  const pool = new WorkerPool();
  const index = new EventIndex({ runner: pool, maxUncompressedBytes: parsed.maxBytes });
  const opened: Array<{ dispose(): void }> = [];
  try {
    let outcome: RemoteOutcome;
    if (parsed.engine === 'athena') {
      const runner = new AthenaRunner({ ...access, ...parsed.athena });
      opened.push(runner);
      outcome = await athenaToTimeline(runner, compiled.sql, {
        maxFiles: parsed.maxFiles,
        onProgress,
      });
    } else {
      const runner = new LakeRunner(access);
      opened.push(runner);
      outcome = lakeToTimeline(runner, compiled.sql, { onProgress });
    }
    if (onProgress) control('\r\x1b[K');
    let rows: Uint32Array;
    if (outcome.kind === 'files') {
      for (const [bucket, keys] of outcome.byBucket) {
        const source = new S3Source({ ...parsed.s3, bucket });
        opened.push(source);
        const files = (
          await discover(source, { objects: (await objectsForKeys(source, keys)).objects })
        ).events;
        await loadWithProgress(index, pool, files, io, { limits: parsed.limits });
      }
      const matched = rowsOfEvents(index, new EventIdSet(outcome.eventIds));
      rows = (
        await index.query({ kind: 'all' }, { order: parsed.desc ? 'desc' : 'asc' })
      ).rows.filter((r) => matched.has(r));
      io.err(
        `${outcome.eventIds.size} matched events from ${[...outcome.byBucket.values()].reduce((n, k) => n + k.length, 0)} log files, printed as stored\n`,
      );
    } else {
      await loadWithProgress(index, pool, eventFilesUnder(outcome.source, ''), io, {
        limits: parsed.limits,
      });
      rows = (await index.query({ kind: 'all' }, { order: parsed.desc ? 'desc' : 'asc' })).rows;
      io.err(`note: ${outcome.note}\n`);
    }
    await printRows(index, rows.subarray(0, Math.min(rows.length, parsed.limit)), parsed, io);
    return 0;
  } catch (e) {
    if (e instanceof AwsQueryError || e instanceof SourceError) {
      io.err(`cloudtrail-lens query: ${e.message}\n`);
      return 1;
    }
    throw e;
  } finally {
    for (const o of opened) o.dispose();
    await pool.close();
  }
}

/**
 * Event files under each path, in order, as they are listed: the load starts with the first file
 * found instead of after the last (a bucket's listing can take many pages). Every path is checked
 * first: one that does not exist is a usage error before anything is read. A path that is a file
 * is read whatever its name (a digest file named is said to be one). What folders' listings left
 * out (unreadable sub-folders, links out of them, FIFOs) comes as entries the load reports, in
 * listing order. What was found and skipped is tallied in `looked`.
 */
export async function findEventFiles(
  paths: string[],
  s3: S3Access,
  looked: LookedAt,
  include: string[],
  followLinksOutside: boolean,
  io: CliIo,
): Promise<AsyncIterable<DiscoveredEventFile>> {
  const targets: ({ s3: string } | { folder: string })[] = [];
  const named = new Map<string, SourceObject[]>(); // folder → files named in it
  // Each path is read once however it is written (logs, ./logs/, a link to it): a second reading
  // would only add a note per file that its events are already loaded.
  const given = new Set<string>();
  const once = (key: string, p: string): boolean => {
    if (!given.has(key)) {
      given.add(key);
      return true;
    }
    io.err(`note: ${lineText(p)}: given more than once; read once\n`);
    return false;
  };
  const local: { p: string; real: string; stat: Stats }[] = [];
  for (const p of paths) {
    if (isS3Uri(p)) {
      if (once(p, p)) targets.push({ s3: p });
      continue;
    }
    let stat;
    try {
      stat = await fs.stat(p);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new UsageError(
        `${p}: ${code === 'ENOENT' ? 'no such file or folder' : code === 'EACCES' ? 'permission denied' : (e as Error).message}`,
      );
    }
    const real = await fs.realpath(p).catch(() => path.resolve(p));
    if (once(real, p)) local.push({ p, real, stat });
  }
  const also = include.length ? globMatcher(include) : undefined;
  // A folder or file inside another folder given is read by that folder's listing: read again,
  // every file's events would only be noted as already loaded. Kept when that listing would not
  // read it: a file it skips by name, anything in the case folder, or below a folder it cannot list.
  const folders = local.filter((l) => l.stat.isDirectory());
  const insideOf = async (l: (typeof local)[number]) => {
    for (const f of folders) {
      if (f === l || !isInside(f.real, l.real)) continue;
      const key = path.relative(f.real, l.real).split(path.sep).join('/');
      if (l.stat.isDirectory() ? isKeptBesideLogs(`${key}/`) : !listedAsEvents(key, also)) continue;
      const between = key.split('/').slice(0, -1);
      const dirs = between.map((_, n) => path.join(f.real, ...between.slice(0, n + 1)));
      const listable = await Promise.all(
        [f.real, ...dirs].map((d) =>
          fs.access(d, fsConstants.R_OK | fsConstants.X_OK).then(
            () => true,
            () => false,
          ),
        ),
      );
      if (listable.every(Boolean)) return f;
    }
    return undefined;
  };
  for (const l of local) {
    const outer = await insideOf(l);
    if (outer) {
      io.err(
        `note: ${lineText(l.p)}: inside the folder ${lineText(outer.p)}, also given; read once\n`,
      );
      continue;
    }
    if (l.stat.isDirectory()) targets.push({ folder: l.p });
    else {
      const dir = path.dirname(path.resolve(l.p));
      const list = named.get(dir) ?? [];
      list.push({
        kind: 'object',
        key: path.basename(l.p),
        size: l.stat.size,
        modified: l.stat.mtimeMs,
      });
      named.set(dir, list);
    }
  }
  const tally = (kind: 'event' | 'digest' | 'ignored', entry: SourceObject | DiscoveredEventFile) =>
    tallyObject(looked, kind, entry);
  // A file a folder's listing skips by name but the command line names is read, not skipped.
  const namedPaths = new Set(
    [...named].flatMap(([dir, objects]) => objects.map((o) => path.join(dir, o.key))),
  );
  return (async function* () {
    for (const t of targets) {
      if ('s3' in t) yield* s3EventFiles(t.s3, s3, looked);
      else
        yield* eventFilesUnder(new FolderSource(t.folder, { followLinksOutside }), '', {
          include: also,
          onListed: (kind, entry) => {
            const key = 'key' in entry ? entry.key : entry.object.key;
            if (kind !== 'ignored' || !namedPaths.has(path.resolve(t.folder, key)))
              tally(kind, entry);
          },
        });
    }
    // A file named on the command line is read wherever a link leads (the user chose that path);
    // only regular files are read all the same.
    for (const [dir, objects] of named) {
      const result = await discover(new FolderSource(dir, { followLinksOutside: true }), {
        objects,
      });
      for (const f of result.events) tally('event', f);
      for (const d of result.digests) {
        tally('digest', d);
        io.err(`${lineText(path.join(dir, d.key))}: ${DIGEST_MESSAGE}\n`);
      }
      yield* result.events;
    }
  })();
}

/**
 * Event files under an s3:// location, as the listing finds them: a prefix is listed recursively
 * (only under it); a key naming one file is that file.
 */
async function* s3EventFiles(
  uri: string,
  access: S3Access,
  looked: LookedAt,
): AsyncIterable<DiscoveredEventFile> {
  const loc = parseS3Uri(uri);
  if (!loc)
    throw new UsageError(`${uri}: not an S3 location (expected s3://bucket or s3://bucket/prefix)`);
  const slash = loc.key.lastIndexOf('/');
  const fileLike =
    loc.key !== '' && !loc.key.endsWith('/') && /\.(json|jsonl|ndjson)(\.gz)?$/i.test(loc.key);
  const source = new S3Source({
    ...access,
    bucket: loc.bucket,
    prefix: fileLike ? loc.key.slice(0, slash + 1) : loc.key,
  });
  try {
    if (fileLike) {
      const found = (await source.listLevel(source.prefix)).find(
        (e): e is SourceObject => e.kind === 'object' && e.key === loc.key,
      );
      if (!found) throw new UsageError(`${uri}: no such object`);
      const one = await discover(source, { objects: [found] });
      if (one.digests.length) throw new UsageError(`${uri}: ${DIGEST_MESSAGE}`);
      tallyObject(looked, 'event', one.events[0]);
      yield* one.events;
      return;
    }
    let listed = 0;
    yield* eventFilesUnder(source, source.prefix, {
      onListed: (kind, entry) => {
        listed++;
        tallyObject(looked, kind, entry);
      },
    });
    if (listed === 0)
      throw new UsageError(`${uri}: nothing under this location (check the bucket and prefix)`);
  } catch (e) {
    if (e instanceof SourceError) throw new UsageError(e.message);
    throw e;
  }
}

/**
 * The load's progress in a line. The files are read as they are listed: while listing, the total
 * is only what was found so far.
 */
export function progressLine(p: FileLoadProgress): string {
  return `Reading ${p.filesDone}/${p.filesTotal}${p.listing ? '+' : ''} files${p.listing ? ' (still listing)' : ''}, ${p.events.toLocaleString('en-US')} events (${formatBytes(p.bytesRead)})…`;
}

function progressPrinter(io: CliIo): { update: (p: FileLoadProgress) => void; done: () => void } {
  const control = io.control ?? io.err;
  let last = 0;
  let shown = false;
  return {
    update: (p) => {
      const now = Date.now();
      if (now - last < 100 && p.filesDone < p.filesTotal) return;
      last = now;
      shown = true;
      control(`\r${progressLine(p)}\x1b[K`);
    },
    done: () => {
      if (shown) control('\r\x1b[K');
    },
  };
}

const CHUNK = 20_000;

/**
 * Each record's stored text on one line. To a terminal, hidden characters (which valid JSON can
 * only hold inside strings) are written as \u escapes: the same JSON value, nothing that acts.
 */
async function writeJsonl(
  index: EventIndex,
  rows: Uint32Array,
  io: CliIo,
  annotate = false,
  detections?: IndexDetections,
): Promise<void> {
  const line = io.stdoutIsTTY
    ? (t: string) => escapeHiddenInJson(singleLineJson(t))
    : singleLineJson;
  for (let i = 0; i < rows.length; i += CHUNK) {
    const chunk = rows.subarray(i, i + CHUNK);
    const texts = await index.rawRecords(chunk);
    // --annotate: the record's own text goes in as stored (not re-serialised), so its bytes,
    // numbers and key order are the file's; `detections` are the rules that fired, each with the
    // field tests that held (the record is parsed only when one fired).
    const hits = (row: number, text: string) => {
      const rules = detections?.results.rulesOf(row) ?? [];
      if (rules.length === 0) return '[]';
      const record: unknown = JSON.parse(text);
      return JSON.stringify(detectionsJson(rules, (rule) => explainMatch(rule, record)));
    };
    const out = annotate
      ? texts.map(
          (t, k) =>
            `{"record":${line(t)},"origin":${line(JSON.stringify(originJson(index.originOf(chunk[k]))))},"detections":${line(hits(chunk[k], t))}}`,
        )
      : texts.map(line);
    io.out(out.join('\n') + '\n');
  }
}

async function writeColumns(
  index: EventIndex,
  rows: Uint32Array,
  fields: string[],
  format: 'csv' | 'table',
  io: CliIo,
  detections?: IndexDetections,
): Promise<void> {
  const needsRecord = fields.some((f) => !SUMMARY_FIELDS.has(f));
  const cellsOf = async (chunk: Uint32Array): Promise<string[][]> => {
    const records = needsRecord ? await index.rawRecords(chunk) : [];
    return Array.from(chunk, (row, i) => {
      const s = index.summary(row);
      if (detections) s.detections = detectionsCell(detections.results.rulesOf(row));
      // A record path's values as stored (numbers, nested JSON); several are joined with ';'.
      return fields.map((f) => SUMMARY_FIELDS.get(f)?.(s) ?? fieldTexts(records[i], f).join(';'));
    });
  };
  if (format === 'csv') {
    io.out(csvLine(fields));
    for (let i = 0; i < rows.length; i += CHUNK) {
      const lines = (await cellsOf(rows.subarray(i, i + CHUNK))).map(csvLine);
      if (lines.length) io.out(lines.join(''));
    }
    return;
  }
  // Column widths come from the first chunk, so a long result still streams.
  let widths: number[] | undefined;
  for (let i = 0; i < rows.length || widths === undefined; i += CHUNK) {
    const cells = (await cellsOf(rows.subarray(i, i + CHUNK))).map((r) =>
      r.map((c) => cellText(c, Infinity)),
    );
    if (!widths) {
      widths = fields.map((f, c) =>
        Math.min(MAX_CELL, Math.max(f.length, ...cells.map((r) => r[c].length))),
      );
      io.out(tableLine(fields, widths) + '\n' + widths.map((w) => '-'.repeat(w)).join('  ') + '\n');
    }
    if (cells.length) io.out(cells.map((r) => tableLine(r, widths!)).join('\n') + '\n');
    if (rows.length === 0) break;
  }
}

const MAX_CELL = 60;

function tableLine(cells: string[], widths: number[]): string {
  return cells
    .map((c, i) => {
      const cell = c.length > widths[i] ? cutText(c, widths[i] - 1) + '…' : c;
      return i === cells.length - 1 ? cell : cell.padEnd(widths[i]);
    })
    .join('  ');
}
