// The work done on a file's bytes, as plain functions of plain data so that the same code runs
// in a worker thread (ingestWorker.ts) or inline (tests, hosts without workers).
import type { QueryNode } from '../query/ast';
import { matchesRecord } from '../query/match';
import { BatchBuilder, ColumnBatch, PartialTimes, batchTransferables } from './batch';
import { Dictionary } from '../index/dictionary';
import { canonicalRecord } from './canonical';
import { ABSENT, SCALAR_FIELDS } from '../index/schema';
import { scanRecordsFile } from './scanRecords';
import {
  EventFileError,
  FileShape,
  ParsedEventFile,
  RepeatedKeys,
  lineCol,
  parseEventFile,
  recordTexts,
  warn,
} from './eventFile';
import { FileText } from './textEncoding';
import { constants as bufferConstants } from 'node:buffer';
import { createHash } from 'node:crypto';
import { LinkDeclined, readRegularFileSync, WorkerFile } from '../sources/regularFile';
import { SourceError, SourceErrorCode } from '../sources/source';
import { CorruptGzipError, DecompressionLimitError, gunzipCapped, isGzip } from './gzip';
import { MAX_JSON_DEPTH, measureJson } from './jsonScan';
import {
  BatchDetections,
  compiledPlan,
  decideBatch,
  DetectPlan,
  detectionTransferables,
} from '../detect/ingestDetect';

export interface IndexJob {
  kind: 'index';
  /** The file's bytes as stored, or where the worker reads them itself (`read`): one of the two. */
  bytes?: Uint8Array;
  read?: WorkerRead;
  maxUncompressedBytes: number;
  /** The most records to index (the load's budget); see IndexResult.limited. */
  maxRecords?: number;
  /** Rules to decide on the rows the columns cannot (detect/ingestDetect.ts); see IndexedText.detections. */
  detect?: DetectPlan;
}
/**
 * A file read again for some of its records. `sha256`: the fingerprint of the bytes it was indexed
 * from (IndexedText.sha256); bytes that differ are refused (ChangedResult) before anything is
 * taken from them, since the index's rows name records by their place in the file.
 */
export interface TextsJob {
  kind: 'texts';
  bytes: Uint8Array;
  sha256: string;
  maxUncompressedBytes: number;
  shape: FileShape;
  elements: Uint32Array;
}
export interface MatchJob {
  kind: 'match';
  bytes: Uint8Array;
  sha256: string;
  maxUncompressedBytes: number;
  shape: FileShape;
  elements: Uint32Array;
  /** Record element indexes that `node` must be tested on; answers in the same order. */
  node: QueryNode;
}
export type Job = IndexJob | TextsJob | MatchJob;

/** 'budget': the load's record or byte budget ran out (see budget.ts). */
export type FileProblemCode =
  | 'corrupt-gzip'
  | 'too-large'
  | 'bad-json'
  | 'not-cloudtrail'
  | 'digest'
  | 'encoding'
  | 'empty'
  | 'read-error'
  | 'skipped-elements'
  | 'repeated-keys'
  | 'partial-time'
  | 'budget';

/** Where in the file a problem is (1-based), when it is one place (a JSON syntax error). */
export interface FilePosition {
  line: number;
  column: number;
}

/**
 * A local file the worker reads (LogSource.workerFile), sparing the calling thread its system
 * calls; refused past `maxBytes` as stored, as the source's `read` would.
 */
export interface WorkerRead {
  file: WorkerFile;
  maxBytes: number;
}

export type IndexResult = IndexedText | FailedResult | UnreadResult | DeclinedResult;
/** The worker could not read the file of IndexJob.read: the source's error, as its `read` gives it. */
export interface UnreadResult {
  ok: false;
  unread: SourceErrorCode;
  message: string;
}
/**
 * The file of IndexJob.read is a symbolic link (LinkDeclined), which only the source's `read`
 * may decide to follow.
 */
export interface DeclinedResult {
  ok: false;
  declined: 'link';
  message: string;
}
export interface IndexedText {
  ok: true;
  /** The bytes the worker read (IndexJob.read), as stored. */
  bytesRead?: number;
  /** SHA-256 (hex) of the bytes indexed, as stored: what a re-read must find (TextsJob.sha256). */
  sha256: string;
  batch: ColumnBatch;
  warnings: string[];
  skipped: number;
  uncompressedBytes: number;
  notes: string[];
  /** What was read past in the file's bytes (those after its last gzip member): its warning. */
  fileWarning?: string;
  /** Records that name a key more than once (ScanOptions.repeatedKeys): their warning. */
  repeatedKeys?: string;
  /** Bytes the text could not hold were read as U+FFFD (FileText.warning): its warning. */
  textWarning?: string;
  /** Records whose eventTime is a date only, or a time without a zone (partialInstant): their warning. */
  timeWarning?: string;
  /** The file holds more records than maxRecords: the batch has the first maxRecords (fast path)
   * or none (the general path does not parse a file past its budget). */
  limited?: boolean;
  /** The job's rules (IndexJob.detect) on the rows its columns leave undecided. */
  detections?: BatchDetections;
}
export interface TextsResult {
  ok: true;
  texts: string[];
}
/** The bytes read again are not those indexed (TextsJob.sha256): the file changed since. */
export interface ChangedResult {
  ok: false;
  changed: true;
}
export interface MatchResult {
  ok: true;
  matched: Uint8Array;
}
export type FailedResult = {
  ok: false;
  /** The bytes the worker read (IndexJob.read), as stored. */
  bytesRead?: number;
  code: FileProblemCode;
  message: string;
  position?: FilePosition;
};

export interface JobResults {
  index: IndexResult;
  texts: TextsResult | FailedResult | ChangedResult;
  match: MatchResult | FailedResult | ChangedResult;
}

/**
 * The file's text: gunzipped when it is gzip (by content, not by name; all members of a
 * multi-member file; bytes after the last that start no member are ignored, and `warning` says
 * so), within the size cap, decoded from UTF-8 or UTF-16 (textEncoding.ts; an ASCII file only
 * when its text is first asked for whole).
 */
export function fileText(
  bytes: Uint8Array,
  maxUncompressedBytes: number,
): { file: FileText; size: number; warning?: string } {
  let plain = bytes;
  let warning: string | undefined;
  if (isGzip(bytes)) ({ data: plain, warning } = gunzipCapped(bytes, maxUncompressedBytes));
  else if (bytes.length > maxUncompressedBytes)
    throw new DecompressionLimitError(maxUncompressedBytes);
  // V8 cannot hold strings beyond ~512 MiB (a file is refused alike whether or not its text is
  // decoded whole: the general path would need it).
  const tooLong = () =>
    new DecompressionLimitError(Math.min(maxUncompressedBytes, plain.length - 1));
  if (plain.length > MAX_STRING_LENGTH) throw tooLong();
  try {
    return { file: FileText.decode(plain), size: plain.length, ...(warning ? { warning } : {}) };
  } catch (e) {
    if (e instanceof EventFileError) throw e;
    throw tooLong();
  }
}

/**
 * The general path's rows of a parsed file (its records, perhaps cut to the budget), to finish:
 * the records' texts are read only when a record's indexed field holds a number (kept as
 * written, see BatchBuilder.addRecord).
 */
export function parsedFileBuilder(
  text: string,
  parsed: Pick<ParsedEventFile, 'records' | 'elements' | 'shape'>,
  dictionary?: Dictionary,
): BatchBuilder {
  const builder = new BatchBuilder(parsed.records.length, dictionary);
  let texts: string[] | undefined;
  const textOf = (i: number) => (texts ??= recordTexts(text, parsed.shape, parsed.elements))[i];
  for (let i = 0; i < parsed.records.length; i++)
    builder.addRecord(parsed.records[i], parsed.elements[i], () => textOf(i));
  return builder;
}

/**
 * Delivered log files take the fast scanner (which gives each row's record span in `spans` when
 * asked; left empty when the general path indexes the file); everything else (and anything it
 * declines, or indexes with a row the general path reads differently) the general parser. Records nested
 * deeper than MAX_JSON_DEPTH are left out on either path, each reported, whatever the file's
 * shape; the general path measures a large text first, so that it never builds more values than
 * the budget allows (JSON.parse of 500 MB of `{},{},…` would make 170 million objects).
 */
function indexText(
  file: FileText,
  size: number,
  maxRecords: number,
  spans: number[] | undefined,
  dictionary: Dictionary | undefined,
): Omit<IndexedText, 'sha256'> {
  const skips: Pick<ParsedEventFile, 'warnings' | 'skipped'> = { warnings: [], skipped: 0 };
  const builder = new BatchBuilder(
    Math.max(16, Math.min(Math.floor(file.length / 1024), maxRecords)),
    dictionary,
  );
  const scan = {
    maxRecords,
    limited: false,
    spans,
    repeatedKeys: [] as RepeatedKeys[],
    onSkip: (element: number, offset: number, reason: string) =>
      warn(
        skips,
        () => `record ${element} (line ${lineCol(file.text, offset).line}) is ${reason}; skipped`,
      ),
  };
  if (scanRecordsFile(file, builder, scan)) {
    const batch = builder.finish('records');
    if (plainlyCloudTrail(batch)) {
      return {
        ok: true,
        batch,
        warnings: skips.warnings,
        skipped: skips.skipped,
        uncompressedBytes: size,
        notes: readingNotes(batch),
        limited: scan.limited,
        ...(scan.repeatedKeys.length
          ? { repeatedKeys: repeatedKeysWarning(scan.repeatedKeys) }
          : {}),
        ...partialTimesWarning(builder.partialTimes),
      };
    }
  }
  if (spans) spans.length = 0; // the general path's rows are not the scanner's
  const text = file.text;
  // A large text is measured first (brackets and strings only): JSON.parse of 500 MB of
  // `{},{},…` would build 170 million objects before anything could be counted. A small one is
  // parsed at once: what it can build is small, and measuring would cost more than it saves.
  const measure = text.length > MEASURE_ABOVE ? measureJson(text) : undefined;
  if (measure && measure.slots > maxRecords) {
    return {
      ok: true,
      batch: new BatchBuilder(1).finish('records'),
      warnings: [],
      skipped: 0,
      uncompressedBytes: size,
      notes: [],
      limited: true,
    };
  }
  // Only a text that nests deep enough can hold a record too deep (records read from strings
  // are always checked).
  const parsed = parseEventFile(text, { checkDepth: !measure || measure.depth > MAX_JSON_DEPTH });
  const limited = parsed.records.length > maxRecords;
  if (limited) {
    parsed.records.length = maxRecords;
    parsed.elements.length = maxRecords;
  }
  const general = parsedFileBuilder(text, parsed, dictionary);
  const batch = general.finish(parsed.shape);
  return {
    ok: true,
    batch,
    warnings: parsed.warnings,
    skipped: parsed.skipped,
    uncompressedBytes: size,
    notes: [...parsed.notes, ...readingNotes(batch)],
    limited,
    ...(parsed.repeatedKeys.length || parsed.repeatedItemKeys.length
      ? { repeatedKeys: repeatedKeysWarning(parsed.repeatedKeys, parsed.repeatedItemKeys) }
      : {}),
    ...partialTimesWarning(general.partialTimes),
  };
}

const MAX_STRING_LENGTH = bufferConstants.MAX_STRING_LENGTH;

/** Texts longer than this (characters) are measured before JSON.parse (see indexText). */
const MEASURE_ABOVE = 16 * 1024 * 1024;

function failure(e: unknown): FailedResult {
  if (e instanceof DecompressionLimitError)
    return { ok: false, code: 'too-large', message: e.message };
  if (e instanceof CorruptGzipError) return { ok: false, code: 'corrupt-gzip', message: e.message };
  if (e instanceof EventFileError)
    return { ok: false, code: e.code, message: e.message, position: e.position };
  return { ok: false, code: 'read-error', message: e instanceof Error ? e.message : String(e) };
}

/**
 * Runs jobs sent together (one message to a worker), in order: index jobs share one dictionary,
 * so their batches share one `values` array (posted once, and looked up once per value in the
 * index: ColumnStore's LocalIdMemo). Each job has its own result, or its own error.
 */
export function runJobs(jobs: readonly Job[]): {
  results: ({ result: JobResults[Job['kind']] } | { error: string })[];
  transfer: ArrayBuffer[];
} {
  const dictionary = new Dictionary();
  const transfer: ArrayBuffer[] = [];
  const results = jobs.map((job) => {
    try {
      const out = runJob(job, dictionary);
      transfer.push(...out.transfer);
      return { result: out.result };
    } catch (e) {
      return { error: e instanceof Error ? (e.stack ?? e.message) : String(e) };
    }
  });
  return { results, transfer: [...new Set(transfer)] };
}

/** `dictionary`: the one an index job's batch takes its values into (runJobs); its own otherwise. */
export function runJob<J extends Job>(
  job: J,
  dictionary?: Dictionary,
): { result: JobResults[J['kind']]; transfer: ArrayBuffer[] } {
  // Before the file is read: a file that fails must not leave the worker without the plan.
  const plan = job.kind === 'index' && job.detect ? compiledPlan(job.detect) : undefined;
  let bytes = job.bytes;
  if (job.kind === 'index' && job.read) {
    try {
      bytes = readRegularFileSync(job.read.file.path, {
        maxBytes: job.read.maxBytes,
        key: job.read.file.key,
        noFollow: job.read.file.noFollow,
      });
    } catch (e) {
      const unread: UnreadResult | DeclinedResult =
        e instanceof LinkDeclined
          ? { ok: false, declined: 'link', message: e.message }
          : e instanceof SourceError
            ? { ok: false, unread: e.code, message: e.message }
            : { ok: false, unread: 'io', message: e instanceof Error ? e.message : String(e) };
      return { result: unread as JobResults[J['kind']], transfer: [] };
    }
  }
  if (!bytes) throw new Error(`a ${job.kind} job without bytes`);
  const bytesRead = job.kind === 'index' && job.read ? { bytesRead: bytes.length } : {};
  const sha256 = sha256Of(bytes);
  if (job.kind !== 'index' && sha256 !== job.sha256) {
    const changed: ChangedResult = { ok: false, changed: true };
    return { result: changed as JobResults[J['kind']], transfer: [] };
  }
  try {
    const { file, size, warning } = fileText(bytes, job.maxUncompressedBytes);
    switch (job.kind) {
      case 'index': {
        // Where each record is, for the rules (the fast path's rows only; see indexText).
        const spans: number[] | undefined = plan ? [] : undefined;
        const result: IndexedText = {
          ...indexText(file, size, job.maxRecords ?? Infinity, spans, dictionary),
          ...bytesRead,
          sha256,
        };
        if (file.note) result.notes.unshift(file.note);
        if (file.warning) result.textWarning = file.warning;
        if (warning) result.fileWarning = warning;
        if (plan) result.detections = decideBatch(plan, file, result.batch, spans);
        return {
          result: result as JobResults[J['kind']],
          transfer: [
            ...batchTransferables(result.batch),
            ...detectionTransferables(result.detections),
          ],
        };
      }
      case 'texts': {
        const result: TextsResult = {
          ok: true,
          texts: recordTexts(file.text, job.shape, job.elements),
        };
        return { result: result as JobResults[J['kind']], transfer: [] };
      }
      case 'match': {
        const texts = recordTexts(file.text, job.shape, job.elements);
        const matched = new Uint8Array(texts.length);
        for (let i = 0; i < texts.length; i++) {
          if (!texts[i]) continue;
          let record: unknown;
          try {
            record = JSON.parse(texts[i]);
          } catch {
            continue;
          }
          if (typeof record !== 'object' || record === null || Array.isArray(record)) continue;
          matched[i] = matchesRecord(
            job.node,
            canonicalRecord(record as Record<string, unknown>).record,
            texts[i],
          )
            ? 1
            : 0;
        }
        const result: MatchResult = { ok: true, matched };
        return {
          result: result as JobResults[J['kind']],
          transfer: [matched.buffer as ArrayBuffer],
        };
      }
    }
  } catch (e) {
    return { result: { ...failure(e), ...bytesRead } as JobResults[J['kind']], transfer: [] };
  }
  throw new Error(`unknown job ${(job as Job).kind}`);
}

/** A file's fingerprint: SHA-256 (hex) of its bytes as stored. */
export function sha256Of(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Whether `v` is a fingerprint as sha256Of gives it (read back from a cache). */
export function isSha256(v: unknown): v is string {
  return typeof v === 'string' && /^[0-9a-f]{64}$/.test(v);
}

const EVENT_NAME = SCALAR_FIELDS.indexOf('eventName');
const EVENT_SOURCE = SCALAR_FIELDS.indexOf('eventSource');

/**
 * The scanner's rows are read exactly as the general path would read them only when every row
 * is plainly a CloudTrail record: an eventName, an eventSource that is not an AWS event
 * notification's ("aws:s3"), and a time. Delivered logs always are; anything else (Insights
 * events, renamed or missing fields, S3 notifications in "Records") takes the general path,
 * which decides what is a record and how to read it (eventFile.ts, canonical.ts).
 */
export function plainlyCloudTrail(b: ColumnBatch): boolean {
  const names = b.scalars[EVENT_NAME];
  const sources = b.scalars[EVENT_SOURCE];
  // Per local value id: 1 an ordinary eventSource, 2 a notification's ("aws:…"); checked once each.
  const seen = new Uint8Array(b.values.length);
  for (let r = 0; r < b.count; r++) {
    const source = sources[r];
    if (
      names[r] === ABSENT ||
      source === ABSENT ||
      source >= seen.length ||
      Number.isNaN(b.times[r])
    )
      return false;
    if (seen[source] === 0) seen[source] = isNotificationSource(b.values[source]) ? 2 : 1;
    if (seen[source] === 2) return false;
  }
  return true;
}

/** "aws:s3", "aws:sns"…: the eventSource of an AWS event notification (any case). */
function isNotificationSource(v: unknown): boolean {
  return (
    typeof v === 'string' &&
    v.length > 4 &&
    (v.charCodeAt(0) | 0x20) === 0x61 &&
    (v.charCodeAt(1) | 0x20) === 0x77 &&
    (v.charCodeAt(2) | 0x20) === 0x73 &&
    v.charCodeAt(3) === 0x3a
  );
}

/** What the batch's records needed to be read as CloudTrail's (canonical.ts), for the file's notes. */
/**
 * The warning for records that name a key more than once. CloudTrail never writes one; a reader
 * that keeps the first of each (Athena's JSON SerDe, some SIEMs) sees another event than this
 * tool, which reads the last, as JSON.parse does.
 */
function repeatedKeysWarning(
  found: readonly RepeatedKeys[],
  items: ParsedEventFile['repeatedItemKeys'] = [],
): string {
  const more = (n: number) => (n > 3 ? `; and ${(n - 3).toLocaleString('en-US')} more` : '');
  const parts: string[] = [];
  const n = found.length;
  if (n > 0) {
    const shown = found
      .slice(0, 3)
      .map(
        (f) =>
          `record ${f.element}${f.line === undefined ? '' : ` (line ${f.line})`}: ${f.paths.join(', ')}`,
      )
      .join('; ');
    parts.push(
      `${n.toLocaleString('en-US')} ${n === 1 ? 'record names' : 'records name'} a key more than once, which CloudTrail never writes: the file may have been edited (${shown}${more(n)}). Columns, filters and detections read the last of each, as JSON.parse does; other tools may read the first`,
    );
  }
  // An item holding records (a {"Records":[…]} object, a lookup-events Event…) that names its
  // records' member twice: the records of the first are not read at all.
  const m = items.length;
  if (m > 0) {
    const shown = items
      .slice(0, 3)
      .map((i) => `line ${i.line}: ${JSON.stringify(i.key)}`)
      .join('; ');
    parts.push(
      `${m.toLocaleString('en-US')} ${m === 1 ? 'object holding records names' : 'objects holding records name'} a key more than once, which CloudTrail never writes: the file may have been edited (${shown}${more(m)}). Only the last of each is read, as JSON.parse reads it: the records under the others are not loaded`,
    );
  }
  return parts.join('. ');
}

/**
 * The warning on records whose eventTime names no one instant: a date alone is placed at its
 * first moment in UTC and a zone-less time read as UTC, so their order, the histogram, time
 * ranges and time terms rest on a reading CloudTrail's own records never need.
 */
function partialTimesWarning(p: PartialTimes): Pick<IndexedText, 'timeWarning'> {
  const n = p.date.count + p.zone.count;
  if (n === 0) return {};
  const parts: string[] = [];
  const first = (k: keyof PartialTimes) => `record ${p[k].element}: ${JSON.stringify(p[k].text)}`;
  if (p.date.count)
    parts.push(
      `${p.date.count.toLocaleString('en-US')} a date without a time of day (${first('date')}), placed at its first moment in UTC`,
    );
  if (p.zone.count)
    parts.push(
      `${p.zone.count.toLocaleString('en-US')} a time without a zone (${first('zone')}), read as UTC`,
    );
  return {
    timeWarning: `${n.toLocaleString('en-US')} ${n === 1 ? 'event has' : 'events have'} an eventTime that is not one instant, as CloudTrail always writes: ${parts.join('; ')}. The file may come from an exporter that cut the times; their order, the histogram, time ranges and time terms use that reading`,
  };
}

function readingNotes(b: ColumnBatch): string[] {
  return [...renamedNote(b), ...irregularNote(b)];
}

/** Records with two spellings of a field and no canonical one: nothing says which one to show. */
function irregularNote(b: ColumnBatch): string[] {
  const n = b.rowIrregular.length;
  if (n === 0) return [];
  return [
    `${n.toLocaleString('en-US')} ${n === 1 ? 'event spells' : 'events spell'} a field in several ways and never as CloudTrail does (eventname and EventName, say): columns, facets and explanations read that field as absent, and a filter on it matches each spelling`,
  ];
}

/** The file's one note on fields read under CloudTrail's names, if any were. */
function renamedNote(b: ColumnBatch): string[] {
  if (b.renamed.length === 0) return [];
  // Top-level fields first: `eventname → eventName` says more than a nested one.
  const depth = (m: string) => m.split(' → ')[0].split('.').length;
  const all = [...b.renamed].sort((x, y) => depth(x) - depth(y));
  const shown = all.slice(0, 6).join(', ');
  return [
    `fields renamed by a pipeline, read under CloudTrail's names: ${shown}${all.length > 6 ? ` and ${all.length - 6} more` : ''}`,
  ];
}
