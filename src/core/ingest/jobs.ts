// The work done on a file's bytes, as plain functions of plain data so that the same code runs
// in a worker thread (ingestWorker.ts) or inline (tests, hosts without workers).
import type { QueryNode } from '../index/query/ast';
import { matchesRecord } from '../index/query/match';
import { BatchBuilder, ColumnBatch, batchTransferables, buildBatch } from './batch';
import { scanRecordsFile } from './scanRecords';
import { EventFileError, FileShape, ParsedEventFile, decodeText, lineCol, parseEventFile, recordTexts, warn } from './eventFile';
import { CorruptGzipError, DecompressionLimitError, formatBytes, gunzipCapped, isGzip } from './gzip';
import { deeperThan, elementBound, MAX_JSON_DEPTH, measureJson } from './jsonScan';

export interface IndexJob {
  kind: 'index';
  bytes: Uint8Array;
  maxUncompressedBytes: number;
  /** The most records to index (the load's budget); see IndexResult.limited. */
  maxRecords?: number;
}
export interface TextsJob {
  kind: 'texts';
  bytes: Uint8Array;
  maxUncompressedBytes: number;
  shape: FileShape;
  elements: Uint32Array;
}
export interface MatchJob {
  kind: 'match';
  bytes: Uint8Array;
  maxUncompressedBytes: number;
  shape: FileShape;
  elements: Uint32Array;
  /** Record element indexes that `node` must be tested on; answers in the same order. */
  node: QueryNode;
}
export type Job = IndexJob | TextsJob | MatchJob;

/** 'budget': the load's record or byte budget ran out (see budget.ts). */
export type FileProblemCode = 'corrupt-gzip' | 'too-large' | 'bad-json' | 'not-cloudtrail' | 'empty' | 'read-error' | 'skipped-elements' | 'budget';

export type IndexResult =
  | {
      ok: true;
      batch: ColumnBatch;
      warnings: string[];
      skipped: number;
      uncompressedBytes: number;
      /** The file holds more records than maxRecords: the batch has the first maxRecords (fast path)
       * or none (the general path does not parse a file past its budget). */
      limited?: boolean;
    }
  | { ok: false; code: FileProblemCode; message: string };
export interface TextsResult {
  ok: true;
  texts: string[];
}
export interface MatchResult {
  ok: true;
  matched: Uint8Array;
}
export type FailedResult = { ok: false; code: FileProblemCode; message: string };

export interface JobResults {
  index: IndexResult;
  texts: TextsResult | FailedResult;
  match: MatchResult | FailedResult;
}

/** The file's text: gunzipped when it is gzip (by content, not by name), within the size cap. */
export function fileText(bytes: Uint8Array, maxUncompressedBytes: number): { text: string; size: number } {
  let plain = bytes;
  if (isGzip(bytes)) plain = gunzipCapped(bytes, maxUncompressedBytes);
  else if (bytes.length > maxUncompressedBytes) throw new DecompressionLimitError(maxUncompressedBytes);
  try {
    return { text: decodeText(plain), size: plain.length };
  } catch (e) {
    // V8 cannot hold strings beyond ~512 MiB.
    throw new DecompressionLimitError(Math.min(maxUncompressedBytes, plain.length - 1));
  }
}

/**
 * Delivered log files take the fast scanner; everything else (and anything it declines) the
 * general parser. Records nested deeper than MAX_JSON_DEPTH are left out on either path, each
 * reported; the general path measures the text first, so that it never builds more values than
 * the budget allows (JSON.parse of 500 MB of `{},{},…` would make 170 million objects).
 */
function indexText(text: string, size: number, maxRecords: number): IndexResult {
  const skips: Pick<ParsedEventFile, 'warnings' | 'skipped'> = { warnings: [], skipped: 0 };
  const builder = new BatchBuilder(Math.max(16, Math.min(Math.floor(text.length / 1024), maxRecords)));
  const scan = { maxRecords, limited: false, onSkip: (element: number, offset: number, reason: string) => warn(skips, `record ${element} (line ${lineCol(text, offset).line}) is ${reason}; skipped`) };
  if (scanRecordsFile(text, builder, scan)) {
    return { ok: true, batch: builder.finish('records'), warnings: skips.warnings, skipped: skips.skipped, uncompressedBytes: size, limited: scan.limited };
  }
  // A large text is measured first (brackets and strings only): JSON.parse of 500 MB of
  // `{},{},…` would build 170 million objects before anything could be counted. A small one is
  // parsed at once: what it can build is small, and measuring would cost more than it saves.
  const measure = text.length > MEASURE_ABOVE ? measureJson(text) : undefined;
  if (measure && elementBound(measure, text) > maxRecords) {
    return { ok: true, batch: new BatchBuilder(1).finish('records'), warnings: [], skipped: 0, uncompressedBytes: size, limited: true };
  }
  const parsed = parseEventFile(text);
  // Only a text that nests deep enough (or records read from strings) can hold a record too deep.
  if (!measure || measure.depth > MAX_JSON_DEPTH || parsed.shape === 'lookup') dropTooDeep(parsed);
  const limited = parsed.records.length > maxRecords;
  if (limited) {
    parsed.records.length = maxRecords;
    parsed.elements.length = maxRecords;
  }
  return { ok: true, batch: buildBatch(parsed.records, parsed.elements, parsed.shape), warnings: parsed.warnings, skipped: parsed.skipped, uncompressedBytes: size, limited };
}

/** Texts longer than this (characters) are measured before JSON.parse (see indexText). */
const MEASURE_ABOVE = 16 * 1024 * 1024;

function dropTooDeep(parsed: ParsedEventFile): void {
  const records: Record<string, unknown>[] = [];
  const elements: number[] = [];
  parsed.records.forEach((r, i) => {
    if (!deeperThan(r)) {
      records.push(r);
      elements.push(parsed.elements[i]);
    } else warn(parsed, `record ${parsed.elements[i]} is nested more than ${MAX_JSON_DEPTH} levels deep; skipped`);
  });
  parsed.records = records;
  parsed.elements = elements;
}

function failure(e: unknown): FailedResult {
  if (e instanceof DecompressionLimitError) return { ok: false, code: 'too-large', message: e.message };
  if (e instanceof CorruptGzipError) return { ok: false, code: 'corrupt-gzip', message: e.message };
  if (e instanceof EventFileError) return { ok: false, code: e.code, message: e.message };
  return { ok: false, code: 'read-error', message: e instanceof Error ? e.message : String(e) };
}

export function runJob<J extends Job>(job: J): { result: JobResults[J['kind']]; transfer: ArrayBuffer[] } {
  try {
    const { text, size } = fileText(job.bytes, job.maxUncompressedBytes);
    switch (job.kind) {
      case 'index': {
        // Delivered log files take the fast scanner; everything else (and anything it declines)
        // the general parser.
        const result = indexText(text, size, job.maxRecords ?? Infinity);
        return { result: result as JobResults[J['kind']], transfer: result.ok ? batchTransferables(result.batch) : [] };
      }
      case 'texts': {
        const result: TextsResult = { ok: true, texts: recordTexts(text, job.shape, job.elements) };
        return { result: result as JobResults[J['kind']], transfer: [] };
      }
      case 'match': {
        const texts = recordTexts(text, job.shape, job.elements);
        const matched = new Uint8Array(texts.length);
        for (let i = 0; i < texts.length; i++) {
          if (!texts[i]) continue;
          let record: unknown;
          try {
            record = JSON.parse(texts[i]);
          } catch {
            continue;
          }
          matched[i] = matchesRecord(job.node, record, texts[i]) ? 1 : 0;
        }
        const result: MatchResult = { ok: true, matched };
        return { result: result as JobResults[J['kind']], transfer: [matched.buffer as ArrayBuffer] };
      }
    }
  } catch (e) {
    return { result: failure(e) as JobResults[J['kind']], transfer: [] };
  }
  throw new Error(`unknown job ${(job as Job).kind}`);
}

export { formatBytes };
