// One file's events as columns, built where the file was parsed (a worker) and posted to the
// index in one message: typed arrays (transferred, not copied) plus one small local dictionary
// of the distinct values in the file. The index maps local ids to its global ones.
import { Dictionary } from '../index/dictionary';
import { packedMap } from '../packedMap';
import {
  ABSENT,
  EVENT_ID_COLUMN,
  EVENT_NAME_COLUMN,
  FIRST_ORIGIN_INPUT,
  IRREGULAR,
  ISSUING_EVENTS,
  RESPONSE_ORIGIN_INPUTS,
  PACKED_UUID,
  Primitive,
  packUuid,
  RESOURCE_FIELDS,
  STORED_FIELDS,
  isIrregular,
  lenientPrimitiveAt,
  pathOf,
  primitiveAt,
  WrittenNumber,
} from '../index/schema';
import { parseKeepingWrittenNumbers } from './writtenNumbers';
import { canonicalEventTime } from '../time';
import { instantOf, partialInstant } from '../query/time';
import { canonicalRecord } from './canonical';
import type { FileShape } from './eventFile';

export interface ColumnBatch {
  count: number;
  shape: FileShape;
  /** Element index of each record in the file (see eventFile.ts). */
  elements: Uint32Array;
  /** eventTime in ms; NaN when missing or not a time. */
  times: Float64Array;
  /** Rows (local) whose eventTime is not a string in CloudTrail's canonical form (missing,
   * null, another format): time terms are evaluated on their raw records. */
  timeIrregular: Uint32Array;
  /** Local dictionary of the file's distinct values; index 0 is the absent value (undefined). */
  values: Primitive[];
  /** One per STORED_FIELDS entry: local ids (ABSENT, IRREGULAR or an index into values; attribution inputs are never IRREGULAR). */
  scalars: Uint32Array[];
  /** resources: CSR offsets (count + 1) and one id array per RESOURCE_FIELDS entry. */
  resourceStart: Uint32Array;
  resources: Uint32Array[];
  /** Rows (local) whose `resources` is not an array of objects. */
  resourceIrregular: Uint32Array;
  /** Rows (local) with an indexed key spelt in several other cases (see canonical.ts). */
  rowIrregular: Uint32Array;
  /** 16 bytes per row: the eventID of rows whose eventID column holds PACKED_UUID. */
  eventIds: Uint8Array;
  /** Fields read under CloudTrail's names (`eventname → eventName`, see canonical.ts). */
  renamed: string[];
}

/** Of a file's rows, those whose eventTime lacks a time of day, or a zone: how many, and the first. */
export type PartialTimes = Record<
  'date' | 'zone',
  { count: number; element: number; text: string }
>;

/**
 * Builds a ColumnBatch row by row: from parsed records (`addRecord`), or from values a scanner
 * read straight from the text (`addScanned`, see scanRecords.ts). Both go through the same
 * local dictionary and time rules.
 */
export class BatchBuilder {
  count = 0;
  private capacity: number;
  /**
   * The file's distinct values; local ids index into it (0 is ABSENT). Files indexed together in
   * one message share one (see runJobs): a value repeated from file to file is decoded, posted
   * and looked up in the index once per message, not once per file.
   */
  private readonly dictionary: Dictionary;
  private times: Float64Array;
  private elements: Uint32Array;
  private scalars: Uint32Array[];
  private resourceStart: Uint32Array;
  private eventIds: Uint8Array;
  private readonly resLists: number[][] = packedMap(RESOURCE_FIELDS, () => []);
  private readonly timeIrregular: number[] = [];
  private readonly resourceIrregular: number[] = [];
  private readonly rowIrregular: number[] = [];
  /** Fields read under another name (canonical.ts), with how many records had each. */
  private readonly renamed = new Map<string, number>();
  /** Rows whose eventTime was read but names no one instant (partialInstant), by what it lacks. */
  readonly partialTimes: PartialTimes = {
    date: { count: 0, element: 0, text: '' },
    zone: { count: 0, element: 0, text: '' },
  };

  constructor(capacity = 64, dictionary = new Dictionary()) {
    this.dictionary = dictionary;
    this.capacity = Math.max(1, capacity);
    this.times = new Float64Array(this.capacity);
    this.elements = new Uint32Array(this.capacity);
    this.scalars = packedMap(STORED_FIELDS, () => new Uint32Array(this.capacity));
    this.resourceStart = new Uint32Array(this.capacity + 1);
    this.eventIds = new Uint8Array(this.capacity * 16);
  }

  idOf(v: Primitive): number {
    // A number JSON cannot write (1e999 reads as Infinity), read without its text, would come
    // back from the index cache as null: such a value is IRREGULAR, read from the raw record as
    // an object would be. (Read with its text, it is a WrittenNumber.)
    if (typeof v === 'number' && !Number.isFinite(v)) return IRREGULAR;
    return this.dictionary.idOf(v); // the Dictionary's absent id is ABSENT (0)
  }

  /** `canonical`: canonicalEventTime(eventTime), which a scanner may have worked out already. */
  private beginRow(element: number, eventTime: unknown, canonical: number): number {
    if (this.count === this.capacity) this.grow();
    const r = this.count++;
    this.elements[r] = element;
    if (Number.isNaN(canonical)) {
      // Read as a time term reads it, so that an event a time term matches has that time here.
      this.times[r] = (typeof eventTime === 'string' ? instantOf(eventTime) : undefined) ?? NaN;
      this.timeIrregular.push(r);
      const lacks = typeof eventTime === 'string' ? partialInstant(eventTime) : undefined;
      if (lacks) {
        const seen = this.partialTimes[lacks];
        if (seen.count++ === 0) {
          seen.element = element;
          seen.text = eventTime as string;
        }
      }
    } else this.times[r] = canonical;
    return r;
  }

  private grow(): void {
    const cap = this.capacity * 2;
    const g = <T extends Uint32Array | Float64Array>(a: T, n: number): T => {
      const b = new (a.constructor as { new (n: number): T })(n);
      b.set(a);
      return b;
    };
    this.times = g(this.times, cap);
    this.elements = g(this.elements, cap);
    this.scalars = packedMap(this.scalars, (a) => g(a, cap));
    this.resourceStart = g(this.resourceStart, cap + 1);
    const ev = new Uint8Array(cap * 16);
    ev.set(this.eventIds);
    this.eventIds = ev;
    this.capacity = cap;
  }

  /**
   * A record parsed by JSON.parse (read as canonical.ts says). `text`, the record's JSON, is read
   * again when an indexed field holds a number, so that the number is kept as written where a
   * double would not print it back (schema.ts WrittenNumber), as the fast scanner keeps it.
   */
  addRecord(raw: Record<string, unknown>, element: number, text?: () => string): void {
    const canonical = canonicalRecord(raw, this.renamed);
    const irregular = canonical.irregular;
    let rec = canonical.record;
    if (text && holdsIndexedNumber(rec)) {
      const written = writtenRecord(rec, text());
      if (written) rec = written;
    }
    const r = this.beginRow(element, rec.eventTime, canonicalEventTime(rec.eventTime));
    for (let c = 0; c < FIRST_ORIGIN_INPUT; c++) {
      const p = PATHS[c];
      // The first segment is read directly: most fields are top level.
      const v: unknown = p.length === 1 ? rec[p[0]] : primitiveAt(rec, p);
      if (
        c === EVENT_ID_COLUMN &&
        typeof v === 'string' &&
        packUuid(v, 0, v.length, this.eventIds, r * 16)
      )
        this.scalars[c][r] = PACKED_UUID;
      else
        this.scalars[c][r] =
          isIrregular(v) || (typeof v === 'object' && v !== null && !(v instanceof WrittenNumber))
            ? IRREGULAR
            : this.idOf(v as Primitive);
    }
    for (let c = FIRST_ORIGIN_INPUT; c < PATHS.length; c++) {
      const id = this.idOf(lenientPrimitiveAt(rec, PATHS[c]));
      this.scalars[c][r] = id === IRREGULAR ? ABSENT : id;
    }
    this.keepResponseInputs(r);
    const res = rec.resources;
    if (res !== undefined) {
      if (
        Array.isArray(res) &&
        res.every((e) => typeof e === 'object' && e !== null && !Array.isArray(e))
      ) {
        for (const e of res) {
          for (let c = 0; c < RES_PATHS.length; c++) {
            const v = primitiveAt(e, RES_PATHS[c], 1);
            this.resLists[c].push(isIrregular(v) ? IRREGULAR : this.idOf(v));
          }
        }
      } else this.resourceIrregular.push(r);
    }
    this.resourceStart[r + 1] = this.resLists[0].length;
    if (irregular) this.rowIrregular.push(r);
  }

  /**
   * A record read by a scanner: `ids` holds one local id per STORED_FIELDS entry (from idOf, or
   * IRREGULAR, which an attribution input reads as absent); `resources` one id per RESOURCE_FIELDS entry for each resource, flattened.
   * `canonical` is canonicalEventTime(eventTime), when the scanner has it already.
   */
  addScanned(
    element: number,
    eventTime: unknown,
    ids: Uint32Array,
    resources: number[],
    eventId: Uint8Array,
    canonical = canonicalEventTime(eventTime),
  ): void {
    const r = this.beginRow(element, eventTime, canonical);
    for (let c = 0; c < FIRST_ORIGIN_INPUT; c++) this.scalars[c][r] = ids[c];
    for (let c = FIRST_ORIGIN_INPUT; c < ids.length; c++)
      this.scalars[c][r] = ids[c] === IRREGULAR ? ABSENT : ids[c];
    this.keepResponseInputs(r);
    if (ids[EVENT_ID_COLUMN] === PACKED_UUID) this.eventIds.set(eventId, r * 16);
    const k = this.resLists.length;
    for (let i = 0; i < resources.length; i += k)
      for (let c = 0; c < k; c++) this.resLists[c].push(resources[i + c]);
    this.resourceStart[r + 1] = this.resLists[0].length;
  }

  /** True when the local id is an eventName of ISSUING_EVENTS. */
  isIssuing(id: number): boolean {
    const v = this.dictionary.values[id];
    return typeof v === 'string' && ISSUING_EVENTS.has(v);
  }

  /** Row r's response inputs are dropped unless it is an issuing event (see RESPONSE_ORIGIN_INPUTS). */
  private keepResponseInputs(r: number): void {
    if (this.isIssuing(this.scalars[EVENT_NAME_COLUMN][r])) return;
    for (const c of RESPONSE_ORIGIN_INPUTS) this.scalars[c][r] = ABSENT;
  }

  /** The batch, its typed arrays in one buffer (batchArrays' order): one allocation, one transfer. */
  finish(shape: FileShape): ColumnBatch {
    const n = this.count;
    const sources: ArrayLike<number>[] = [
      this.elements.subarray(0, n),
      this.times.subarray(0, n),
      this.timeIrregular,
      ...packedMap(this.scalars, (a) => a.subarray(0, n)),
      this.resourceStart.subarray(0, n + 1),
      ...this.resLists,
      this.resourceIrregular,
      this.rowIrregular,
      this.eventIds.subarray(0, n * 16),
    ];
    let size = 0;
    const offsets = packedMap(BATCH_ARRAY_TYPES, (type, k) => {
      const at = size;
      size += Math.ceil((sources[k].length * type.BYTES_PER_ELEMENT) / 8) * 8;
      return at;
    });
    const buffer = new ArrayBuffer(size);
    const arrays = packedMap(BATCH_ARRAY_TYPES, (type, k) => {
      const a = new type(buffer, offsets[k], sources[k].length);
      a.set(sources[k]);
      return a;
    });
    return batchOf(arrays, {
      count: n,
      shape,
      values: this.dictionary.values,
      renamed: [...this.renamed.keys()],
    });
  }
}

const PATHS = STORED_FIELDS.map((f) => pathOf(f));
const RES_PATHS = RESOURCE_FIELDS.map((f) => pathOf(f));

/**
 * The record (canonical, holding an indexed number) read again from its text with its numbers as
 * written; undefined when the text does not read as the same record at every indexed field
 * (then the record is indexed as JSON.parse read it). Its eventTime is the record's: a time is
 * read from the double, as the scanner reads it.
 */
function writtenRecord(
  rec: Record<string, unknown>,
  text: string,
): Record<string, unknown> | undefined {
  let written: Record<string, unknown>;
  try {
    const v = parseKeepingWrittenNumbers(text);
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return undefined;
    written = canonicalRecord(v as Record<string, unknown>).record;
  } catch {
    return undefined;
  }
  const same = (w: unknown, v: unknown): boolean =>
    w instanceof WrittenNumber
      ? Object.is(Number(w.written), v)
      : isIrregular(w)
        ? isIrregular(v)
        : Object.is(w, v);
  for (const p of PATHS) if (!same(primitiveAt(written, p), primitiveAt(rec, p))) return undefined;
  const res = rec.resources;
  if (Array.isArray(res)) {
    const wres = written.resources;
    if (!Array.isArray(wres) || wres.length !== res.length) return undefined;
    for (let i = 0; i < res.length; i++)
      for (const p of RES_PATHS)
        if (!same(primitiveAt(wres[i], p, 1), primitiveAt(res[i], p, 1))) return undefined;
  }
  return written.eventTime === rec.eventTime ? written : { ...written, eventTime: rec.eventTime };
}

/** Whether an indexed field of the record (a column, or a resource's) holds a number. */
function holdsIndexedNumber(rec: Record<string, unknown>): boolean {
  for (const p of PATHS) if (typeof primitiveAt(rec, p) === 'number') return true;
  const res = rec.resources;
  if (Array.isArray(res))
    for (const e of res)
      for (const p of RES_PATHS) if (typeof primitiveAt(e, p, 1) === 'number') return true;
  return false;
}

export function buildBatch(
  records: Record<string, unknown>[],
  elements: number[],
  shape: FileShape,
  dictionary?: Dictionary,
): ColumnBatch {
  const b = new BatchBuilder(records.length, dictionary);
  for (let i = 0; i < records.length; i++) b.addRecord(records[i], elements[i]);
  return b.finish(shape);
}

/** The type of each of batchArrays' arrays, in its order. */
export const BATCH_ARRAY_TYPES: readonly (
  Uint32ArrayConstructor | Float64ArrayConstructor | Uint8ArrayConstructor
)[] = [
  Uint32Array, // elements
  Float64Array, // times
  Uint32Array, // timeIrregular
  ...STORED_FIELDS.map(() => Uint32Array),
  Uint32Array, // resourceStart
  ...RESOURCE_FIELDS.map(() => Uint32Array),
  Uint32Array, // resourceIrregular
  Uint32Array, // rowIrregular
  Uint8Array, // eventIds
];

/** The batch of `arrays` (batchArrays' order and BATCH_ARRAY_TYPES' types) and the rest of it. */
export function batchOf(
  arrays: readonly (Float64Array | Uint32Array | Uint8Array)[],
  rest: Pick<ColumnBatch, 'count' | 'shape' | 'values' | 'renamed'>,
): ColumnBatch {
  if (arrays.length !== BATCH_ARRAY_TYPES.length) throw new Error('batch arrays');
  let k = 0;
  const next = <T>() => arrays[k++] as T;
  // Every property named, in one order: spreading `rest` gave each batch a map of its own, so
  // that the code reading batches (the rules at ingest, the transfer list) was optimized again
  // and again (BENCHMARKS.md, "One map for every batch").
  return {
    count: rest.count,
    shape: rest.shape,
    values: rest.values,
    renamed: rest.renamed,
    elements: next<Uint32Array>(),
    times: next<Float64Array>(),
    timeIrregular: next<Uint32Array>(),
    scalars: packedMap(STORED_FIELDS, () => next<Uint32Array>()),
    resourceStart: next<Uint32Array>(),
    resources: packedMap(RESOURCE_FIELDS, () => next<Uint32Array>()),
    resourceIrregular: next<Uint32Array>(),
    rowIrregular: next<Uint32Array>(),
    eventIds: next<Uint8Array>(),
  };
}

/** Every typed array of a batch, in one fixed order (the persisted index's entries keep it). */
export function batchArrays(b: ColumnBatch): Array<Float64Array | Uint32Array | Uint8Array> {
  return [
    b.elements,
    b.times,
    b.timeIrregular,
    ...b.scalars,
    b.resourceStart,
    ...b.resources,
    b.resourceIrregular,
    b.rowIrregular,
    b.eventIds,
  ];
}

/** The buffers of a batch's typed arrays (one, for a batch BatchBuilder made), for postMessage's transfer list. */
export function batchTransferables(b: ColumnBatch): ArrayBuffer[] {
  return [...new Set(batchArrays(b).map((a) => a.buffer as ArrayBuffer))];
}
