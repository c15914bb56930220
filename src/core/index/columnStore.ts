// The columns of the index: one typed array per field, all the same length, grown by doubling.
// A row is one event; row ids are assigned in load order and never change.
//
// A dictionary-encoded column's ids are as narrow as its dictionary lets them be (IdArray): one
// byte each while it holds at most 256 values (most do: regions, accounts, event types, error
// codes), two up to 65,536, else four. At ten million events that is about 80 bytes per event
// less than four bytes everywhere. The sentinel ids (IRREGULAR, PACKED_UUID) need four bytes: the
// first one a column meets widens it, so every comparison with them holds at any width.
import {
  ABSENT,
  FIRST_ORIGIN_INPUT,
  IRREGULAR,
  ORIGIN_INPUT_FIELDS,
  OriginInputField,
  PACKED_UUID,
  Primitive,
  unpackUuid,
  RESOURCE_FIELDS,
  ResourceField,
  SCALAR_FIELDS,
  ScalarField,
  STORED_FIELDS,
  valueOfPrimitive,
} from './schema';
import type { ColumnBatch } from '../ingest/batch';
import type { FileShape } from '../ingest/eventFile';
import { Dictionary, type DictionaryValues } from './dictionary';

/** A column's dictionary ids: see the top of this file. */
export type IdArray = Uint8Array | Uint16Array | Uint32Array;

/** The largest id `ids` can hold. */
function maxIdOf(ids: IdArray): number {
  return ids.BYTES_PER_ELEMENT === 1 ? 0xff : ids.BYTES_PER_ELEMENT === 2 ? 0xffff : 0xffffffff;
}

/** `ids` copied to an array wide enough for `id` (same length). */
function widened(ids: IdArray, id: number): IdArray {
  const wider = id <= 0xffff ? new Uint16Array(ids.length) : new Uint32Array(ids.length);
  wider.set(ids);
  return wider;
}

/**
 * The ids of a column as saved (a snapshot's bytes) for `n` rows: a view of the width the bytes
 * say (1, 2 or 4 per row). Throws when they fit none.
 */
export function idArrayOf(bytes: Uint8Array, n: number): IdArray {
  const width = n === 0 ? (bytes.byteLength === 0 ? 1 : 0) : bytes.byteLength / n;
  if (bytes.byteOffset % width === 0) {
    if (width === 1) return bytes;
    if (width === 2) return new Uint16Array(bytes.buffer, bytes.byteOffset, n);
    if (width === 4) return new Uint32Array(bytes.buffer, bytes.byteOffset, n);
  }
  throw new Error('array sizes');
}

export interface ScalarColumn {
  field: ScalarField;
  ids: IdArray;
  dict: Dictionary;
  /** Rows whose value is IRREGULAR (see index/schema.ts). */
  irregular: number[];
}

/** A column that only lists the rows having a value, in row order. */
export interface SparseColumn {
  field: OriginInputField;
  rows: Uint32Array;
  ids: Uint32Array;
  count: number;
  dict: Dictionary;
}

export interface ResourceColumn {
  field: ResourceField;
  ids: IdArray;
  dict: Dictionary;
}

/**
 * Everything the store holds, as arrays of exactly its size (views of its own, not copies): what
 * a snapshot of the index saves, and what `restore` takes back whole (ingest/indexSnapshot.ts).
 */
export interface StoreState {
  size: number;
  resourceCount: number;
  times: Float64Array;
  fileOf: Uint32Array;
  elementOf: Uint32Array;
  eventIds: Uint8Array;
  timeIrregular: Uint32Array;
  rowIrregular: Uint32Array;
  resourceIrregular: Uint32Array;
  resourceStart: Uint32Array;
  /** One per SCALAR_FIELDS entry; dict: the values in id order (0: absent). */
  scalars: { ids: IdArray; dict: DictionaryValues; irregular: Uint32Array }[];
  /** One per ORIGIN_INPUT_FIELDS entry. */
  originInputs: { rows: Uint32Array; ids: Uint32Array; dict: DictionaryValues }[];
  /** One per RESOURCE_FIELDS entry. */
  resources: { ids: IdArray; dict: DictionaryValues }[];
}

export class ColumnStore {
  size = 0;
  private capacity = 0;
  times: Float64Array = new Float64Array(0);
  fileOf: Uint32Array = new Uint32Array(0);
  elementOf: Uint32Array = new Uint32Array(0);
  /** 16 bytes per row: eventIDs kept as bytes (rows whose eventID id is PACKED_UUID). */
  eventIds: Uint8Array = new Uint8Array(0);
  readonly timeIrregular: number[] = [];
  /** Rows that every term must evaluate from the raw record (see hasKeyCaseVariant). */
  readonly rowIrregular: number[] = [];
  readonly scalars: ScalarColumn[] = SCALAR_FIELDS.map((field) => ({
    field,
    ids: new Uint8Array(0),
    dict: new Dictionary(),
    irregular: [],
  }));
  /** The query columns (a term on one of these runs on the index). */
  readonly scalarByField = new Map<string, ScalarColumn>(this.scalars.map((c) => [c.field, c]));
  /** The attribution inputs (core/origin reads them; queries do not), kept sparse: most events have none. */
  readonly originInputs: SparseColumn[] = ORIGIN_INPUT_FIELDS.map((field) => ({
    field,
    rows: new Uint32Array(0),
    ids: new Uint32Array(0),
    count: 0,
    dict: new Dictionary(),
  }));
  readonly originInputByField = new Map<string, SparseColumn>(
    this.originInputs.map((c) => [c.field, c]),
  );
  /** resources: CSR; row r's resources are [resourceStart[r], resourceStart[r + 1]). */
  resourceStart: Uint32Array = new Uint32Array(1);
  resourceCount = 0;
  private resourceCapacity = 0;
  readonly resources: ResourceColumn[] = RESOURCE_FIELDS.map((field) => ({
    field,
    ids: new Uint8Array(0),
    dict: new Dictionary(),
  }));
  readonly resourceByField = new Map<string, ResourceColumn>(
    this.resources.map((c) => [c.field, c]),
  );
  readonly resourceIrregular: number[] = [];
  /**
   * Columns worked out from all the events rather than read from one record (the origin of each
   * event, query field ORIGIN_FIELD): ids per row into values (every entry a value, 0 included),
   * each value the list of texts a term may match. Set by the index before a query that asks for them.
   */
  readonly derived = new Map<
    string,
    { ids: Uint32Array; values: readonly (readonly string[])[] }
  >();

  /** Each column's memo of a batch's local ids (see LocalIdMemo). */
  private readonly memos = {
    scalars: this.scalars.map(() => new LocalIdMemo()),
    originInputs: this.originInputs.map(() => new LocalIdMemo()),
    resources: this.resources.map(() => new LocalIdMemo()),
  };

  /** Appends a file's batch; returns the first new row id. */
  append(fileId: number, b: ColumnBatch): number {
    const first = this.size;
    const n = b.count;
    this.reserve(first + n);
    this.times.set(b.times, first);
    this.fileOf.fill(fileId, first, first + n);
    this.elementOf.set(b.elements, first);
    for (const r of b.timeIrregular) this.timeIrregular.push(first + r);
    this.eventIds.set(b.eventIds, first * 16);
    const values = b.values;
    for (let c = 0; c < this.scalars.length; c++) {
      const col = this.scalars[c];
      const src = b.scalars[c];
      const m = this.memos.scalars[c].begin(col.dict, values);
      col.ids = writeIds(col.ids, first, src, n, m, col.irregular);
    }
    for (let c = 0; c < this.originInputs.length; c++) {
      const col = this.originInputs[c];
      const src = b.scalars[FIRST_ORIGIN_INPUT + c];
      const m = this.memos.originInputs[c].begin(col.dict, values);
      for (let r = 0; r < n; r++) {
        if (src[r] === ABSENT) continue;
        if (col.count === col.rows.length) {
          const cap = Math.max(256, col.count * 2);
          col.rows = grow(col.rows, cap, Uint32Array);
          col.ids = grow(col.ids, cap, Uint32Array);
        }
        col.rows[col.count] = first + r;
        col.ids[col.count++] = m.globalOf(src[r]);
      }
    }
    const resN = b.resourceStart[n];
    this.reserveResources(this.resourceCount + resN);
    for (let c = 0; c < this.resources.length; c++) {
      const col = this.resources[c];
      const src = b.resources[c];
      const m = this.memos.resources[c].begin(col.dict, values);
      col.ids = writeIds(col.ids, this.resourceCount, src, resN, m);
    }
    for (let r = 0; r < n; r++)
      this.resourceStart[first + r + 1] = this.resourceCount + b.resourceStart[r + 1];
    this.resourceCount += resN;
    for (const r of b.resourceIrregular) this.resourceIrregular.push(first + r);
    for (const r of b.rowIrregular) this.rowIrregular.push(first + r);
    this.size = first + n;
    return first;
  }

  /**
   * Reads rows back as the batches they were appended from (`append`'s inverse): what the index
   * cache keeps of each file (ingest/indexCache.ts), worked out when the cache is saved rather
   * than while the files load. The store must not change while the reader is used.
   */
  batches(): StoreBatches {
    return new StoreBatches(this);
  }

  /** The store as it is (views, not copies). */
  state(): StoreState {
    const n = this.size;
    const rc = this.resourceCount;
    return {
      size: n,
      resourceCount: rc,
      times: this.times.subarray(0, n),
      fileOf: this.fileOf.subarray(0, n),
      elementOf: this.elementOf.subarray(0, n),
      eventIds: this.eventIds.subarray(0, n * 16),
      timeIrregular: Uint32Array.from(this.timeIrregular),
      rowIrregular: Uint32Array.from(this.rowIrregular),
      resourceIrregular: Uint32Array.from(this.resourceIrregular),
      resourceStart: this.resourceStart.subarray(0, n + 1),
      scalars: this.scalars.map((c) => ({
        ids: c.ids.subarray(0, n),
        dict: c.dict.values,
        irregular: Uint32Array.from(c.irregular),
      })),
      originInputs: this.originInputs.map((c) => ({
        rows: c.rows.subarray(0, c.count),
        ids: c.ids.subarray(0, c.count),
        dict: c.dict.values,
      })),
      resources: this.resources.map((c) => ({ ids: c.ids.subarray(0, rc), dict: c.dict.values })),
    };
  }

  /**
   * Takes a saved state whole into this empty store: its arrays are used as they are (no copy,
   * no per-row work; appending later grows them), its dictionaries keep their ids.
   */
  restore(s: StoreState): void {
    if (this.size !== 0) throw new Error('restore needs an empty store');
    this.times = s.times;
    this.fileOf = s.fileOf;
    this.elementOf = s.elementOf;
    this.eventIds = s.eventIds;
    this.resourceStart = s.resourceStart;
    pushAll(this.timeIrregular, s.timeIrregular);
    pushAll(this.rowIrregular, s.rowIrregular);
    pushAll(this.resourceIrregular, s.resourceIrregular);
    this.scalars.forEach((c, i) => {
      c.ids = s.scalars[i].ids;
      c.dict = new Dictionary(s.scalars[i].dict);
      c.irregular = Array.from(s.scalars[i].irregular);
    });
    this.originInputs.forEach((c, i) => {
      c.rows = s.originInputs[i].rows;
      c.ids = s.originInputs[i].ids;
      c.count = c.rows.length;
      c.dict = new Dictionary(s.originInputs[i].dict);
    });
    this.resources.forEach((c, i) => {
      c.ids = s.resources[i].ids;
      c.dict = new Dictionary(s.resources[i].dict);
    });
    this.size = this.capacity = s.size;
    this.resourceCount = this.resourceCapacity = s.resourceCount;
  }

  /** One attribution input as row → text, for the rows that have it (a number as the double's text, as origin/recordSource.ts reads a parsed record). */
  originInputValues(field: OriginInputField): Map<number, string> {
    const c = this.originInputByField.get(field)!;
    const out = new Map<number, string>();
    for (let i = 0; i < c.count; i++) {
      const v = valueOfPrimitive(c.dict.values[c.ids[i]]);
      if (v !== undefined && v !== null && v !== '') out.set(c.rows[i], String(v));
    }
    return out;
  }

  /** The eventID of a row whose eventID column holds PACKED_UUID. */
  packedEventId(row: number): string {
    return unpackUuid(this.eventIds, row * 16);
  }

  /**
   * Ends the columns at the last row after a load (views, no copy). The growth headroom beyond
   * was never written, so it holds no resident memory (zero-filled buffers are mapped a page at a
   * time as they are written); copying the columns to their exact size held them twice for a
   * while: 250 MB more peak RSS at 10,000,000 events (BENCHMARKS.md "Ten million events"). A
   * later append grows them again by copying, as before.
   */
  trim(): void {
    if (this.capacity <= this.size * 1.25) return;
    const n = this.size;
    this.times = this.times.subarray(0, n);
    this.fileOf = this.fileOf.subarray(0, n);
    this.elementOf = this.elementOf.subarray(0, n);
    this.eventIds = this.eventIds.subarray(0, n * 16);
    for (const c of this.scalars) c.ids = c.ids.subarray(0, n);
    this.resourceStart = this.resourceStart.subarray(0, n + 1);
    this.capacity = n;
    for (const c of this.resources) c.ids = c.ids.subarray(0, this.resourceCount);
    this.resourceCapacity = this.resourceCount;
  }

  private reserve(n: number): void {
    if (n <= this.capacity) return;
    const cap = Math.max(n, this.capacity * 2, 1024);
    this.times = grow(this.times, cap, Float64Array);
    this.fileOf = grow(this.fileOf, cap, Uint32Array);
    this.elementOf = grow(this.elementOf, cap, Uint32Array);
    const ev = new Uint8Array(cap * 16);
    ev.set(this.eventIds);
    this.eventIds = ev;
    for (const c of this.scalars) c.ids = grow(c.ids, cap);
    this.resourceStart = grow(this.resourceStart, cap + 1, Uint32Array);
    this.capacity = cap;
  }

  private reserveResources(n: number): void {
    if (n <= this.resourceCapacity) return;
    const cap = Math.max(n, this.resourceCapacity * 2, 1024);
    for (const c of this.resources) c.ids = grow(c.ids, cap);
    this.resourceCapacity = cap;
  }

  /** Bytes held by the typed arrays (dictionaries not counted). */
  get arrayBytes(): number {
    return (
      this.times.byteLength +
      this.fileOf.byteLength +
      this.elementOf.byteLength +
      this.eventIds.byteLength +
      this.resourceStart.byteLength +
      this.scalars.reduce((s, c) => s + c.ids.byteLength, 0) +
      this.resources.reduce((s, c) => s + c.ids.byteLength, 0) +
      this.originInputs.reduce((s, c) => s + c.rows.byteLength + c.ids.byteLength, 0)
    );
  }
}

/**
 * Writes `count` local ids of `src`, as global ids, into `ids` from `at` on; returns the array,
 * widened when an id needed it. Rows holding IRREGULAR are listed in `irregular` when given.
 */
function writeIds(
  ids: IdArray,
  at: number,
  src: Uint32Array,
  count: number,
  m: LocalIdMemo,
  irregular?: number[],
): IdArray {
  let max = maxIdOf(ids);
  for (let i = 0; i < count; i++) {
    const g = m.globalOf(src[i]);
    if (g > max) max = maxIdOf((ids = widened(ids, g)));
    ids[at + i] = g;
    if (g === IRREGULAR && irregular) irregular.push(at + i);
  }
  return ids;
}

/**
 * One column's global ids for the local ids of the batch being appended, each looked up in the
 * column's dictionary once, when the column first meets it. The arrays are kept from batch to
 * batch: an entry holds only when stamped with the current batch's number, so a new batch clears
 * and allocates nothing (a fresh array per column and batch cost 0.2 s of the main thread per
 * million events: BENCHMARKS.md "Merging a batch").
 */
class LocalIdMemo {
  private global = new Uint32Array(0);
  private stamp = new Uint32Array(0);
  private batch = 0;
  private dict!: Dictionary;
  private values: readonly Primitive[] = [];

  /**
   * Starts a batch whose local dictionary is `values`, for a column whose dictionary is `dict`.
   * The batches of files indexed in one message share their `values` (runJobs): the ids worked
   * out for one hold for the next, so a value repeated from file to file is looked up once.
   */
  begin(dict: Dictionary, values: readonly Primitive[]): this {
    if (this.stamp.length < values.length) {
      const size = Math.max(values.length, this.stamp.length * 2, 256);
      const global = new Uint32Array(size);
      const stamp = new Uint32Array(size);
      global.set(this.global);
      stamp.set(this.stamp);
      this.global = global;
      this.stamp = stamp;
    }
    if (values === this.values && dict === this.dict) return this;
    if (this.batch === 0xffffffff) {
      this.stamp.fill(0);
      this.batch = 0;
    }
    this.batch++;
    this.dict = dict;
    this.values = values;
    return this;
  }

  /** The global id of a local id (the sentinels IRREGULAR and PACKED_UUID stay as they are). */
  globalOf(local: number): number {
    if (local === IRREGULAR || local === PACKED_UUID) return local;
    if (this.stamp[local] === this.batch) return this.global[local];
    this.stamp[local] = this.batch;
    return (this.global[local] = this.dict.idOf(this.values[local]));
  }
}

/**
 * The rows [first, first + count) of a store as one file's ColumnBatch, with a dictionary of its
 * own: appended to a store, it gives these rows back (the same values, sentinels, resources,
 * irregular rows and eventIDs). Each column's global-to-local ids are kept from one batch to the
 * next, stamped with the batch's number, as LocalIdMemo keeps the other direction.
 */
export class StoreBatches {
  private batch = 0;
  private values: Primitive[] = [];
  private localOf = new Map<Primitive, number>();
  private readonly memos: ColumnMemo[] = [];
  /** The arrays of the last batch: one buffer, reused (see batchOf). */
  private arena = new ArrayBuffer(0);
  private arenaUsed = 0;

  constructor(private readonly store: ColumnStore) {}

  /**
   * Rows [first, first + count) as a batch. Its arrays are views of one buffer that the next call
   * reuses: use the batch (append it, encode it) before asking for another. A save of thousands
   * of files then allocates next to nothing, and the extension host's heap is not made to collect.
   */
  batchOf(first: number, count: number, shape: FileShape): ColumnBatch {
    const s = this.store;
    if (first < 0 || count < 0 || first + count > s.size) throw new Error('rows out of the store');
    if (this.batch === 0xffffffff) {
      for (const m of this.memos) m.stamp.fill(0);
      this.batch = 0;
    }
    this.batch++;
    this.values = [undefined];
    this.localOf = new Map();
    const end = first + count;
    const resFirst = s.resourceStart[first];
    const resCount = s.resourceStart[end] - resFirst;
    // The rows of a list of rows (ascending) that fall in the batch.
    const span = (rows: readonly number[]): RowSpan => {
      const from = lowerBound(rows, rows.length, first);
      return { rows, from, count: lowerBound(rows, rows.length, end) - from };
    };
    const timeIrregular = span(s.timeIrregular);
    const resourceIrregular = span(s.resourceIrregular);
    const rowIrregular = span(s.rowIrregular);
    this.reserveArena(
      8 * count + // times (first: 8-aligned)
        4 * count * (1 + STORED_FIELDS.length) + // elements, scalars and attribution inputs
        4 * (count + 1) + // resourceStart
        4 * resCount * RESOURCE_FIELDS.length +
        4 * (timeIrregular.count + resourceIrregular.count + rowIrregular.count) +
        16 * count, // eventIds
    );
    const times = this.take(Float64Array, count);
    times.set(s.times.subarray(first, end));
    const elements = this.take(Uint32Array, count);
    elements.set(s.elementOf.subarray(first, end));
    let memo = 0;
    const scalars = s.scalars.map((c) =>
      this.localIds(c.ids, first, count, this.memo(memo++, c.dict)),
    );
    const originInputs = s.originInputs.map((c) => {
      const out = this.take(Uint32Array, count); // ABSENT where the row has none
      const m = this.memo(memo++, c.dict);
      for (let k = lowerBound(c.rows, c.count, first); k < c.count && c.rows[k] < end; k++)
        out[c.rows[k] - first] = this.localId(m, c.ids[k]);
      return out;
    });
    const resourceStart = this.take(Uint32Array, count + 1);
    for (let r = 0; r <= count; r++) resourceStart[r] = s.resourceStart[first + r] - resFirst;
    const resources = s.resources.map((c) =>
      this.localIds(c.ids, resFirst, resCount, this.memo(memo++, c.dict)),
    );
    const rowsIn = ({ rows, from, count: n }: RowSpan) => {
      const out = this.take(Uint32Array, n);
      for (let k = 0; k < n; k++) out[k] = rows[from + k] - first;
      return out;
    };
    const eventIds = this.take(Uint8Array, 16 * count);
    eventIds.set(s.eventIds.subarray(first * 16, end * 16));
    return {
      count,
      shape,
      elements,
      times,
      timeIrregular: rowsIn(timeIrregular),
      values: this.values,
      scalars: [...scalars, ...originInputs],
      resourceStart,
      resources,
      resourceIrregular: rowsIn(resourceIrregular),
      rowIrregular: rowsIn(rowIrregular),
      eventIds,
      renamed: [],
    };
  }

  /** Room for `bytes` in the arena, which is emptied (a new batch). */
  private reserveArena(bytes: number): void {
    if (this.arena.byteLength < bytes)
      this.arena = new ArrayBuffer(Math.max(bytes, this.arena.byteLength * 2));
    this.arenaUsed = 0;
  }

  /** `n` elements of the arena, zeroed. */
  private take<T extends Float64Array | Uint32Array | Uint8Array>(
    type: {
      new (buffer: ArrayBuffer, offset: number, length: number): T;
      BYTES_PER_ELEMENT: number;
    },
    n: number,
  ): T {
    const a = new type(this.arena, this.arenaUsed, n);
    a.fill(0);
    this.arenaUsed += n * type.BYTES_PER_ELEMENT;
    return a;
  }

  /** Column k's memo, sized for its dictionary `dict`. */
  private memo(k: number, dict: Dictionary): ColumnMemo {
    let m = this.memos[k];
    if (!m || m.stamp.length < dict.size) {
      m = this.memos[k] = {
        stamp: new Uint32Array(dict.size),
        local: new Uint32Array(dict.size),
        dict,
      };
    }
    m.dict = dict;
    return m;
  }

  /** The batch's ids of `count` global ids from ids[from] (one loop: this runs per row and column). */
  private localIds(ids: IdArray, from: number, count: number, m: ColumnMemo): Uint32Array {
    const out = this.take(Uint32Array, count);
    const { stamp, local } = m;
    const batch = this.batch;
    for (let k = 0; k < count; k++) {
      const g = ids[from + k];
      out[k] =
        g === ABSENT || g >= PACKED_UUID // (PACKED_UUID and IRREGULAR stay as they are)
          ? g
          : stamp[g] === batch
            ? local[g]
            : this.localId(m, g);
    }
    return out;
  }

  /** The batch's id of global id g of a column (the sentinels and ABSENT stay as they are). */
  private localId(m: ColumnMemo, g: number): number {
    if (g === ABSENT || g === IRREGULAR || g === PACKED_UUID) return g;
    if (m.stamp[g] === this.batch) return m.local[g];
    const v = m.dict.values[g];
    let id = this.localOf.get(v);
    if (id === undefined) {
      id = this.values.length;
      this.values.push(v);
      this.localOf.set(v, id);
    }
    m.stamp[g] = this.batch;
    return (m.local[g] = id);
  }
}

/** rows[from, from + count): a batch's part of a list of rows. */
interface RowSpan {
  rows: readonly number[];
  from: number;
  count: number;
}

/** One column's global-to-local ids in StoreBatches (valid where stamped with the batch's number). */
interface ColumnMemo {
  stamp: Uint32Array;
  local: Uint32Array;
  dict: Dictionary;
}

/** The first k < n with rows[k] >= row (rows ascending). */
function lowerBound(rows: ArrayLike<number>, n: number, row: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (rows[mid] < row) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function pushAll(to: number[], from: Uint32Array): void {
  for (let i = 0; i < from.length; i++) to.push(from[i]);
}

/** `a` copied to a new array of the same kind and `cap` elements. */
function grow<T extends Float64Array | IdArray>(
  a: T,
  cap: number,
  ctor: { new (n: number): T } = a.constructor as { new (n: number): T },
): T {
  const b = new ctor(cap);
  b.set(a);
  return b;
}
