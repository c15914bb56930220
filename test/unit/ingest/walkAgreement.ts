// What the fast path's two record walks must agree on, for the scanner's tests and for
// bench/fuzzWalks.ts: the same batch from both (dictionary order included), nothing indexed that
// JSON.parse refuses, and, for a file whose rows are plainly CloudTrail records, the values the
// general path (JSON.parse + addRecord) indexes.
import * as assert from 'node:assert/strict';
import { isAscii } from 'node:buffer';
import { BatchBuilder, ColumnBatch, batchArrays } from '../../../src/core/ingest/batch';
import { parseEventFile, RepeatedKeys } from '../../../src/core/ingest/eventFile';
import { parsedFileBuilder, plainlyCloudTrail } from '../../../src/core/ingest/jobs';
import {
  ScanOptions,
  recordWalkSettings,
  scanRecordsFile,
} from '../../../src/core/ingest/scanRecords';
import { IRREGULAR, PACKED_UUID, unpackUuid } from '../../../src/core/index/schema';
import { parseAccepts } from './jsonMutations';
import { FileText } from '../../../src/core/ingest/textEncoding';

/** The same JSON as ASCII: every other character written as an escape (strings hold them alone). */
export function asciiJson(text: string): string {
  return text.replace(
    /[^\x00-\x7f]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** A batch as plain values, independent of local id assignment. */
export function batchView(b: ColumnBatch): unknown {
  const v = (id: number, row = -1) =>
    id === IRREGULAR
      ? '<irregular>'
      : id === PACKED_UUID
        ? `<uuid ${unpackUuid(b.eventIds, row * 16)}>`
        : id === 0
          ? '<absent>'
          : b.values[id];
  return {
    count: b.count,
    elements: Array.from(b.elements),
    times: Array.from(b.times, (t) => (Number.isNaN(t) ? 'NaN' : t)),
    scalars: b.scalars.map((col) => Array.from(col, (id, row) => v(id, row))),
    resourceStart: Array.from(b.resourceStart),
    resources: b.resources.map((col) => Array.from(col, (id) => v(id))),
    timeIrregular: Array.from(b.timeIrregular),
    resourceIrregular: Array.from(b.resourceIrregular),
    rowIrregular: Array.from(b.rowIrregular),
  };
}

/** The general path's batch of a text. */
export function generalBatch(text: string): ColumnBatch {
  const parsed = parseEventFile(text);
  return parsedFileBuilder(text, parsed).finish(parsed.shape);
}

/**
 * Both walks over an ASCII text, held to each other and to JSON.parse (AssertionError naming the
 * text otherwise): 'declined' by both, 'indexed' (rows that are not all plainly records, which
 * the general path then reads), or 'general' (also equal to the general path's values, and the
 * records it names for keys given twice among the general path's, with the same paths: the
 * general path names a record for any key, the walks for an indexed one).
 */
export function assertWalksAgree(text: string): 'declined' | 'indexed' | 'general' {
  const bytes = Buffer.from(text);
  assert.ok(isAscii(bytes), 'the WebAssembly walk takes ASCII texts');
  const kept = recordWalkSettings.webAssembly;
  let js: ColumnBatch | undefined;
  let wasm: ColumnBatch | undefined;
  const repeated: RepeatedKeys[][] = [];
  try {
    [js, wasm] = [false, true].map((webAssembly) => {
      recordWalkSettings.webAssembly = webAssembly;
      const b = new BatchBuilder();
      const options: ScanOptions = { repeatedKeys: [] };
      const scanned = scanRecordsFile(FileText.decode(bytes), b, options);
      assert.equal(options.webAssembly, webAssembly, 'the walk asked for');
      repeated.push(options.repeatedKeys!);
      return scanned ? b.finish('records') : undefined;
    });
  } finally {
    recordWalkSettings.webAssembly = kept;
  }
  assert.equal(wasm !== undefined, js !== undefined, `accepted by one walk only: ${text}`);
  if (!parseAccepts(text)) assert.equal(js, undefined, `invalid JSON indexed: ${text}`);
  if (!js || !wasm) return 'declined';
  assert.deepEqual(wasm.values, js.values, `dictionary: ${text}`);
  assert.deepEqual(batchArrays(wasm), batchArrays(js), `columns: ${text}`);
  assert.deepEqual(repeated[1], repeated[0], `keys given twice: ${text}`);
  if (!plainlyCloudTrail(js)) return 'indexed';
  assert.deepEqual(batchView(js), batchView(generalBatch(text)), text);
  const general = new Map(
    parseEventFile(text).repeatedKeys.map((r) => [r.element, r.paths] as const),
  );
  for (const { element, paths } of repeated[0])
    assert.deepEqual(general.get(element), paths, `keys given twice, record ${element}: ${text}`);
  return 'general';
}
