// One file's events as columns, built where the file was parsed (a worker) and posted to the
// index in one message: typed arrays (transferred, not copied) plus one small local dictionary
// of the distinct values in the file. The index maps local ids to its global ones.
import { ABSENT, IRREGULAR, Primitive, RESOURCE_FIELDS, SCALAR_FIELDS, canonicalEventTime, hasKeyCaseVariant, isIrregular, parseEventTime, pathOf, primitiveAt } from './columns';
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
  /** One per SCALAR_FIELDS entry: local ids (ABSENT, IRREGULAR or an index into values). */
  scalars: Uint32Array[];
  /** resources: CSR offsets (count + 1) and one id array per RESOURCE_FIELDS entry. */
  resourceStart: Uint32Array;
  resources: Uint32Array[];
  /** Rows (local) whose `resources` is not an array of objects. */
  resourceIrregular: Uint32Array;
  /** Rows (local) with an indexed key spelt in another case (see hasKeyCaseVariant). */
  rowIrregular: Uint32Array;
}

export function buildBatch(records: Record<string, unknown>[], elements: number[], shape: FileShape): ColumnBatch {
  const n = records.length;
  const values: Primitive[] = [undefined];
  const ids = new Map<Primitive, number>();
  const idOf = (v: Primitive): number => {
    if (v === undefined) return ABSENT;
    let id = ids.get(v);
    if (id === undefined) {
      id = values.length;
      values.push(v);
      ids.set(v, id);
    }
    return id;
  };
  const times = new Float64Array(n);
  const scalars = SCALAR_FIELDS.map(() => new Uint32Array(n));
  const paths = SCALAR_FIELDS.map((f) => pathOf(f));
  const resourceStart = new Uint32Array(n + 1);
  const resLists: number[][] = RESOURCE_FIELDS.map(() => []);
  const resPaths = RESOURCE_FIELDS.map((f) => pathOf(f));
  const resourceIrregular: number[] = [];
  const timeIrregular: number[] = [];
  const rowIrregular: number[] = [];
  for (let r = 0; r < n; r++) {
    const rec = records[r];
    const canonical = canonicalEventTime(rec.eventTime);
    if (Number.isNaN(canonical)) {
      times[r] = parseEventTime(rec.eventTime);
      timeIrregular.push(r);
    } else times[r] = canonical;
    for (let c = 0; c < paths.length; c++) {
      const p = paths[c];
      // The first segment is read directly: most fields are top level and this is the hot loop.
      const v: unknown = p.length === 1 ? rec[p[0]] : primitiveAt(rec, p);
      scalars[c][r] = isIrregular(v) || (typeof v === 'object' && v !== null) ? IRREGULAR : idOf(v as Primitive);
    }
    const res = rec.resources;
    if (res !== undefined) {
      if (Array.isArray(res) && res.every((e) => typeof e === 'object' && e !== null && !Array.isArray(e))) {
        for (const e of res) {
          for (let c = 0; c < resPaths.length; c++) {
            const v = primitiveAt(e, resPaths[c], 1);
            resLists[c].push(isIrregular(v) ? IRREGULAR : idOf(v));
          }
        }
      } else resourceIrregular.push(r);
    }
    resourceStart[r + 1] = resLists[0].length;
    if (hasKeyCaseVariant(rec)) rowIrregular.push(r);
  }
  return {
    count: n,
    shape,
    elements: Uint32Array.from(elements),
    times,
    timeIrregular: Uint32Array.from(timeIrregular),
    values,
    scalars,
    resourceStart,
    resources: resLists.map((l) => Uint32Array.from(l)),
    resourceIrregular: Uint32Array.from(resourceIrregular),
    rowIrregular: Uint32Array.from(rowIrregular),
  };
}

/** The typed arrays of a batch, for postMessage's transfer list. */
export function batchTransferables(b: ColumnBatch): ArrayBuffer[] {
  return [b.elements, b.times, b.timeIrregular, ...b.scalars, b.resourceStart, ...b.resources, b.resourceIrregular, b.rowIrregular].map((a) => a.buffer as ArrayBuffer);
}
