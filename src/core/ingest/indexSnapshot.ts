// The whole index of a scope as it is in memory (EventIndex.state(): columns, dictionaries in id
// order, the time order, the duplicate table, the files' entries and problems), saved after a
// load beside the scope's pack (indexCache.ts). When the scope's files are listed again exactly
// as they were (same files, same versions, same order), the index is taken back from it whole:
// the typed arrays are views of the bytes read, nothing is re-interned, re-sorted or re-hashed.
// When anything changed, the pack's per-file entries give the exact answer instead.
//
// File layout (little-endian), format 4 (a column's ids 1, 2 or 4 bytes each: index/columnStore.ts IdArray):
//   "CTLENS-SNAPSHOT\n"  u32 format, padded to 8
//   the body: the arrays of `arraysOf` in that order, each 8-aligned, then each dictionary's
//   values as JSON (decoded when a view first reads that column), then the JSON of the rest
//   (files, problems, origins, the rule fingerprints and each answered batch's first row), then
//   per answered batch its three answer arrays (rows, rules, matched)
//   header JSON, padded to 8
//   footer: u64 offset of the header JSON, u32 its length, u32 its crc32
// The header names the files (their fingerprints, in listing order) and the body's length and
// crc32, so a reopening reads the header alone to know whether the snapshot applies, and
// checks the whole body before using any of it. It comes after the body so that the body is
// written part by part as it is made, a dictionary's JSON in slices: at ten million events the
// dictionaries' text is hundreds of megabytes, which a save does not hold in memory at once.
import { closeSync, openSync } from 'node:fs';
import {
  align8,
  appendTrailer,
  leadOf,
  PaddedFileWriter,
  readAll,
  readTrailer,
} from './cacheFileIo';
import { createHash } from 'node:crypto';
import { crc32 } from 'node:zlib';
import type { FileState, IndexState } from '../index/eventIndex';
import { idArrayOf, type StoreState } from '../index/columnStore';
import type { DictionaryValues } from '../index/dictionary';
import { validTable } from '../index/duplicates';
import { isSha256 } from './jobs';
import { ORIGIN_RESOLUTION_VERSION } from '../origin/resolve';
import {
  ORIGIN_INPUT_FIELDS,
  RESOURCE_FIELDS,
  SCALAR_FIELDS,
  STORED_FIELDS,
  type Primitive,
} from '../index/schema';

const MAGIC = Buffer.from('CTLENS-SNAPSHOT\n', 'latin1');
/** Bump when what the index holds or how it is laid out here changes, or when a file whose
 * problem a snapshot keeps may now read otherwise (7: JSON lines with damaged lines load; 8: a
 * file whose records name a key twice has a warning; 9: a number JSON cannot write, 1e999, is
 * IRREGULAR, no longer saved as null; 10: files read by the general path have the repeated-keys
 * warning too, and a UTF-16 file that is not valid UTF-16 has a note; 11: a number a double would
 * not print back as written, 1E2, is kept as its text, index/schema.ts WrittenNumber). */
export const INDEX_SNAPSHOT_FORMAT = 11;
/** The index's columns and how its origins were resolved: a snapshot written for others is foreign. */
const SCHEMA = createHash('sha256')
  .update(
    JSON.stringify([
      SCALAR_FIELDS,
      ORIGIN_INPUT_FIELDS,
      RESOURCE_FIELDS,
      STORED_FIELDS,
      ORIGIN_RESOLUTION_VERSION,
    ]),
  )
  .digest('hex')
  .slice(0, 16);
/**
 * Characters of dictionary JSON per slice written, about: slices this small (strings and buffers
 * under V8's large-object size) are freed by its young-generation collections as the write goes,
 * where slices of megabytes wait for a full collection and pile up.
 */
const DICTIONARY_SLICE_CHARS = 32_768;

export interface SnapshotHeader {
  schema: string;
  scope: string;
  written: string;
  /** Each file's identity (its version's fingerprint), in listing order. */
  files: string[];
  /** Rows, and decompressed bytes of all files and of the largest: what a load's budget counts. */
  records: number;
  bytes: number;
  largestFile: number;
  body: { offset: number; length: number; crc: number; arrays: number[] };
}

/** What the load knows that the index does not: each file's identity and decompressed size. */
export interface SnapshotFiles {
  ids: string[];
  uncompressedBytes: number[];
}

type Rest = Pick<IndexState, 'untimed' | 'files' | 'problems'> & {
  origins: IndexState['origins']['origins'];
  size: number;
  resourceCount: number;
  used: number;
  shown: [number, number[]][];
  /** The rule answers: fingerprints, and each answered batch's first row (its arrays follow). */
  answers: { fingerprints: string[]; firstRows: number[] };
};

type Arr = Float64Array | Uint32Array | Uint16Array | Uint8Array;

/** The arrays of a state in their order in the file (the JSON of the rest comes after them). */
function arraysOf(s: IndexState): Arr[] {
  const st = s.store;
  return [
    st.times,
    st.fileOf,
    st.elementOf,
    st.eventIds,
    st.timeIrregular,
    st.rowIrregular,
    st.resourceIrregular,
    st.resourceStart,
    ...st.scalars.flatMap((c) => [c.ids, c.irregular]),
    ...st.originInputs.flatMap((c) => [c.rows, c.ids]),
    ...st.resources.map((c) => c.ids),
    s.duplicates.table,
    s.duplicates.hidden,
    s.order,
    s.origins.ids,
  ];
}

/** The dictionaries in their order in the file. */
const dictionariesOf = (st: StoreState): DictionaryValues[] => [
  ...st.scalars.map((c) => c.dict),
  ...st.originInputs.map((c) => c.dict),
  ...st.resources.map((c) => c.dict),
];

const bytesOf = (a: Arr) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

/** Bytes written per step of an array (about a millisecond's write and CRC). */
const ARRAY_PIECE_BYTES = 1024 * 1024;

/** An array's bytes in pieces of ARRAY_PIECE_BYTES (views, not copies). */
function* piecesOf(a: Arr): Generator<Uint8Array> {
  const bytes = bytesOf(a);
  if (bytes.length === 0) yield bytes;
  for (let at = 0; at < bytes.length; at += ARRAY_PIECE_BYTES)
    yield bytes.subarray(at, at + ARRAY_PIECE_BYTES);
}

/**
 * Writes the snapshot of `state` (atomically: a new file renamed over the old). The arrays are
 * written from the index's own memory and the dictionaries' JSON in slices, one part after the
 * other (no copy of the whole). It runs in steps, yielding after each piece written (a megabyte
 * of an array, a slice of a dictionary's JSON), so that a caller on a thread with other work (the
 * extension host) can answer it between them; `state` must not change until it is done, and steps
 * given up before the end leave no file. Returns the snapshot's size.
 */
export function* snapshotWriting(
  path: string,
  scope: string,
  files: SnapshotFiles,
  state: IndexState,
): Generator<void, number> {
  const st = state.store;
  const rest: Rest = {
    size: st.size,
    resourceCount: st.resourceCount,
    untimed: state.untimed,
    files: state.files,
    problems: state.problems,
    origins: state.origins.origins,
    used: state.duplicates.used,
    shown: state.duplicates.shown,
    answers: {
      fingerprints: state.answers.fingerprints,
      firstRows: state.answers.batches.map((b) => b.firstRow),
    },
  };
  const utf8 = (text: string) => Buffer.from(text, 'utf8');
  const writer = new PaddedFileWriter(path);
  let committed = false;
  try {
    writer.append(leadOf(MAGIC, INDEX_SNAPSHOT_FORMAT));
    const bodyOffset = writer.position;
    let crc = 0;
    const arrays: number[] = [];
    // One part of the body from its pieces, padded to 8; its length (padding apart) is listed.
    const part = function* (pieces: Iterable<Uint8Array>): Generator<void, void> {
      const start = writer.position;
      for (const p of pieces) {
        writer.write(p);
        // (Node's crc32 returns 0 for an empty array without memory of its own, whatever the start.)
        if (p.length) crc = crc32(p, crc);
        yield;
      }
      arrays.push(writer.position - start);
      const zeros = writer.pad();
      if (zeros.length) crc = crc32(zeros, crc);
    };
    for (const a of arraysOf(state)) yield* part(piecesOf(a));
    for (const d of dictionariesOf(st))
      yield* part(dictionaryJson(typeof d === 'function' ? d() : d));
    yield* part([utf8(JSON.stringify(rest))]);
    for (const b of state.answers.batches)
      for (const a of [b.rows, b.rules, b.matched]) yield* part(piecesOf(a));
    const header: SnapshotHeader = {
      schema: SCHEMA,
      scope,
      written: new Date().toISOString(),
      files: files.ids,
      records: st.size,
      bytes: files.uncompressedBytes.reduce((s, n) => s + n, 0),
      largestFile: files.uncompressedBytes.reduce((m, n) => Math.max(m, n), 0),
      body: { offset: bodyOffset, length: writer.position - bodyOffset, crc, arrays },
    };
    appendTrailer(writer, utf8(JSON.stringify(header)));
    writer.commit();
    committed = true;
  } finally {
    // A failure, or steps given up before the end (the generator's return): no file is left.
    if (!committed) writer.abort();
  }
  return writer.position;
}

/**
 * The JSON of a dictionary's values (values[0], the absent value, as null) in slices of about
 * `chars` characters each (the first of `first` values; then as many as make that size, by the
 * last slice's): together the bytes of JSON.stringify(values).
 */
export function* dictionaryJson(
  values: readonly Primitive[],
  first = 256,
  chars = DICTIONARY_SLICE_CHARS,
): Generator<Uint8Array> {
  if (values.length === 0) {
    yield Buffer.from('[]');
    return;
  }
  let n = first;
  for (let i = 0; i < values.length;) {
    const end = Math.min(values.length, i + n);
    const text = JSON.stringify(values.slice(i, end));
    // Each slice's "[…]" becomes "[…" first, ",…" after, and the last closes with "]".
    const last = end === values.length;
    yield Buffer.from((i === 0 ? '[' : ',') + text.slice(1, last ? text.length : -1), 'utf8');
    n = Math.max(1, Math.round((n * chars) / text.length));
    i = end;
  }
}

/** Why a snapshot cannot be used (it is then rebuilt): the message of a notice. */
export class SnapshotError extends Error {}

/**
 * The header of the snapshot at `path`, for `scope`; undefined when there is none. Throws
 * SnapshotError when the file is not a snapshot of this version, scope and columns, or damaged.
 */
export function readSnapshotHeader(path: string, scope: string): SnapshotHeader | undefined {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return undefined;
  }
  try {
    const t = readTrailer(fd, MAGIC, INDEX_SNAPSHOT_FORMAT, 'an index snapshot');
    if ('problem' in t) throw new SnapshotError(t.problem);
    let h: SnapshotHeader;
    try {
      h = JSON.parse(t.header.toString('utf8')) as SnapshotHeader;
    } catch {
      throw new SnapshotError('its header is damaged');
    }
    if (h.schema !== SCHEMA) throw new SnapshotError('written for other index columns');
    if (h.scope !== scope) throw new SnapshotError('written for another scope');
    if (h.body?.offset !== t.bodyOffset || h.body.offset + h.body.length !== t.headerOffset)
      throw new SnapshotError('its header is damaged');
    return h;
  } finally {
    closeSync(fd);
  }
}

/**
 * Reads the body the header describes and checks it whole (length, crc32, every array's size)
 * before returning the index state, whose arrays are views of the bytes read. Throws SnapshotError.
 */
export function readSnapshot(path: string, h: SnapshotHeader): IndexState {
  // A buffer of its own (not from Node's pool), so the body starts 8-aligned for the views.
  const body = Buffer.allocUnsafeSlow(h.body.length);
  let got: number;
  try {
    const fd = openSync(path, 'r');
    try {
      got = readAll(fd, body, h.body.offset);
    } finally {
      closeSync(fd);
    }
  } catch (e) {
    throw new SnapshotError(`could not be read (${e instanceof Error ? e.message : String(e)})`);
  }
  if (got < body.length) throw new SnapshotError('truncated');
  if (crc32(body) !== h.body.crc) throw new SnapshotError('damaged (checksum)');
  try {
    return decode(body, h);
  } catch (e) {
    throw new SnapshotError(`damaged (${e instanceof Error ? e.message : String(e)})`);
  }
}

function decode(body: Buffer, h: SnapshotHeader): IndexState {
  const lengths = h.body.arrays;
  let at = 0;
  let i = 0;
  const take = <T extends Arr>(ctor: {
    new (b: ArrayBufferLike, o: number, n: number): T;
    BYTES_PER_ELEMENT: number;
  }): T => {
    if (i >= lengths.length) throw new Error('arrays missing');
    const byteLength = lengths[i++];
    if (byteLength % ctor.BYTES_PER_ELEMENT !== 0 || at + byteLength > body.length)
      throw new Error('array sizes');
    const a = new ctor(body.buffer, body.byteOffset + at, byteLength / ctor.BYTES_PER_ELEMENT);
    at = align8(at + byteLength);
    return a;
  };
  const times = take(Float64Array);
  const fileOf = take(Uint32Array);
  const elementOf = take(Uint32Array);
  const eventIds = take(Uint8Array);
  const timeIrregular = take(Uint32Array);
  const rowIrregular = take(Uint32Array);
  const resourceIrregular = take(Uint32Array);
  const resourceStart = take(Uint32Array);
  // Ids as bytes for now: their width (ColumnStore's IdArray) is their length over the rows.
  const scalarIds = SCALAR_FIELDS.map(() => ({
    ids: take(Uint8Array),
    irregular: take(Uint32Array),
  }));
  const originInputs = ORIGIN_INPUT_FIELDS.map(() => ({
    rows: take(Uint32Array),
    ids: take(Uint32Array),
  }));
  const resourceIds = RESOURCE_FIELDS.map(() => take(Uint8Array));
  const table = take(Uint32Array);
  const hidden = take(Uint32Array);
  const order = take(Uint32Array);
  const originIds = take(Uint32Array);
  const text = (b: Uint8Array) =>
    Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('utf8');
  // Each dictionary is parsed when first read (the bytes were checked above).
  const dict = (b: Uint8Array) => (): Primitive[] => {
    const values = JSON.parse(text(b)) as Primitive[];
    values[0] = undefined;
    return values;
  };
  const scalarDicts = SCALAR_FIELDS.map(() => dict(take(Uint8Array)));
  const originInputDicts = ORIGIN_INPUT_FIELDS.map(() => dict(take(Uint8Array)));
  const resourceDicts = RESOURCE_FIELDS.map(() => dict(take(Uint8Array)));
  const rest = JSON.parse(text(take(Uint8Array))) as Rest;
  const answered = rest.answers.firstRows.map((firstRow) => ({
    firstRow,
    rows: take(Uint32Array),
    rules: take(Uint32Array),
    matched: take(Uint8Array),
  }));
  if (i !== lengths.length) throw new Error('arrays left over');
  const n = rest.size;
  const rc = rest.resourceCount;
  const scalars = scalarIds.map((c) => ({ ...c, ids: idArrayOf(c.ids, n) }));
  const resources = resourceIds.map((ids) => ({ ids: idArrayOf(ids, rc) }));
  const ok =
    n === h.records &&
    [times, fileOf, elementOf, order, originIds].every((a) => a.length === n) &&
    maxOf(originIds) < rest.origins.length &&
    eventIds.length === n * 16 &&
    resourceStart.length === n + 1 &&
    resourceStart[n] === rc &&
    originInputs.every((c) => c.rows.length === c.ids.length) &&
    validTable(table, rest.used) &&
    rest.files.length === h.files.length &&
    rest.files.reduce((s, f: FileState) => s + f.events, 0) === n &&
    rest.problems.every((p) => p.fileId < rest.files.length) &&
    rest.files.every((f) => f.duplicatesOf.every(([g]) => g < rest.files.length)) &&
    // A loaded file's fingerprint checks its records when they are read again (IndexedFile.sha256).
    rest.files.every((f) => f.state !== 'loaded' || isSha256(f.sha256)) &&
    answered.every(
      (b) =>
        Number.isSafeInteger(b.firstRow) &&
        b.firstRow >= 0 &&
        b.rows.length > 0 &&
        b.rules.length === b.rows.length &&
        b.matched.length === b.rows.length &&
        b.firstRow + maxOf(b.rows) < n &&
        b.rows.every((r, k) => k === 0 || r >= b.rows[k - 1]) && // ascending (IngestAnswers.forEach)
        maxOf(b.rules) < rest.answers.fingerprints.length,
    );
  if (!ok) throw new Error('sizes do not agree');
  const store: StoreState = {
    size: n,
    resourceCount: rc,
    times,
    fileOf,
    elementOf,
    eventIds,
    timeIrregular,
    rowIrregular,
    resourceIrregular,
    resourceStart,
    scalars: scalars.map((c, k) => ({ ...c, dict: scalarDicts[k] })),
    originInputs: originInputs.map((c, k) => ({ ...c, dict: originInputDicts[k] })),
    resources: resources.map((c, k) => ({ ...c, dict: resourceDicts[k] })),
  };
  return {
    store,
    duplicates: { table, used: rest.used, shown: rest.shown, hidden },
    order,
    untimed: rest.untimed,
    files: rest.files,
    problems: rest.problems,
    origins: { ids: originIds, origins: rest.origins },
    answers: { fingerprints: rest.answers.fingerprints, batches: answered },
  };
}

function maxOf(a: Uint32Array): number {
  let max = -1;
  for (let i = 0; i < a.length; i++) if (a[i] > max) max = a[i];
  return max;
}
