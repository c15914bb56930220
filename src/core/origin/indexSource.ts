// The index's columns as an OriginSource: resolution reads dictionary ids, and each distinct
// value is turned into text once.
import {
  ABSENT,
  IRREGULAR,
  ORIGIN_INPUT_FIELDS,
  PACKED_UUID,
  textOfPrimitive,
  valueOfPrimitive,
} from '../index/schema';
import type { ColumnStore, IdArray } from '../index/columnStore';
import { IDENTITY_SIGNATURE, type OriginRead, type OriginSource } from './resolve';

export function indexOriginSource(store: ColumnStore): OriginSource {
  const size = store.size;
  // Each column's values as text, made on first use (resolution reads a dozen of them).
  const columns = new Map<OriginRead, { ids: IdArray; values: string[] }>();
  const column = (f: OriginRead) => {
    let c = columns.get(f);
    if (!c) {
      const s = store.scalarByField.get(f)!;
      columns.set(
        f,
        (c = {
          ids: s.ids,
          // A number as recordOriginSource reads it from a parsed record (the double's text).
          values: s.dict.values.map((v) => textOfPrimitive(valueOfPrimitive(v))),
        }),
      );
    }
    return c;
  };
  // Attribution inputs are sparse (most events have none): row → text, and which rows have any
  // (resolution reads them for every row: most are answered without a look-up).
  const sparse = new Map<OriginRead, Map<number, string>>();
  const hasInput = new Uint8Array(size);
  for (const f of ORIGIN_INPUT_FIELDS) {
    const values = store.originInputValues(f);
    sparse.set(f, values);
    for (const row of values.keys()) hasInput[row] = 1;
  }
  // callerKey, for a row with an access key: the key's id, when the row's ARN, type and session
  // issuer are those first seen with it and it has no onBehalfOf or source identity (then
  // resolution reads nothing else of it).
  const key = column('userIdentity.accessKeyId');
  const arn = column('userIdentity.arn');
  const type = column('userIdentity.type');
  const issuer = column('userIdentity.sessionContext.sessionIssuer.arn');
  const onBehalfOf = column('userIdentity.onBehalfOf.userId');
  const sourceIdentity = sparse.get('userIdentity.sessionContext.sourceIdentity')!;
  const firstArn = new Int32Array(key.values.length).fill(-1);
  const firstType = new Int32Array(key.values.length);
  const firstIssuer = new Int32Array(key.values.length);
  // callerKey, for a row with neither an access key nor any sparse input: after the keys' ids, the
  // number of its ids in the other columns of IDENTITY_SIGNATURE (equal ids, equal texts).
  const identity = new IdTuples(
    IDENTITY_SIGNATURE.filter((f) => !sparse.has(f)).map((f) => store.scalarByField.get(f)!.ids),
  );
  return {
    size,
    callerKey(row: number): number {
      const k = key.ids[row];
      // An empty key (or null) is no key: resolution reads such a caller's identity.
      const keyless = k === ABSENT || (k < key.values.length && key.values[k] === '');
      if (keyless && hasInput[row] === 0) return key.values.length + identity.numberOf(row);
      if (
        keyless ||
        k >= key.values.length ||
        onBehalfOf.ids[row] !== ABSENT ||
        (hasInput[row] === 1 && sourceIdentity.has(row))
      )
        return -1;
      const a = arn.ids[row];
      const t = type.ids[row];
      const i = issuer.ids[row];
      if (a === IRREGULAR || t === IRREGULAR || i === IRREGULAR) return -1;
      if (firstArn[k] < 0) {
        firstArn[k] = a;
        firstType[k] = t;
        firstIssuer[k] = i;
      }
      return firstArn[k] === a && firstType[k] === t && firstIssuer[k] === i ? k : -1;
    },
    time(row: number): number {
      return store.times[row];
    },
    firstUses(keys: ReadonlySet<string>): Map<string, number> {
      // One pass over the key column's ids: the keys' dictionary ids are marked, not their texts
      // compared (resolution asks once, for every key a loaded event claims to have issued).
      const wanted = new Uint8Array(key.values.length);
      for (let id = 0; id < key.values.length; id++) if (keys.has(key.values[id])) wanted[id] = 1;
      const first = new Int32Array(key.values.length).fill(-1);
      const times = store.times;
      for (let row = 0; row < size; row++) {
        const k = key.ids[row];
        if (k >= wanted.length || wanted[k] === 0 || Number.isNaN(times[row])) continue;
        if (first[k] < 0 || times[row] < times[first[k]]) first[k] = row;
      }
      // Two ids may have one text (a number and a string): the earlier row of the two.
      const out = new Map<string, number>();
      for (let id = 0; id < first.length; id++) {
        const row = first[id];
        if (row < 0) continue;
        const other = out.get(key.values[id]);
        if (
          other === undefined ||
          times[row] < times[other] ||
          (times[row] === times[other] && row < other)
        )
          out.set(key.values[id], row);
      }
      return out;
    },
    value(row: number, field: OriginRead): string {
      const s = sparse.get(field);
      if (s) return hasInput[row] === 1 ? (s.get(row) ?? '') : '';
      const c = column(field);
      const id = c.ids[row];
      if (id === ABSENT || id === IRREGULAR) return '';
      if (id === PACKED_UUID) return field === 'eventID' ? store.packedEventId(row) : '';
      return c.values[id] ?? '';
    },
  };
}

/** Each distinct tuple of a row's ids in some columns, numbered 0, 1, … in the order first met. */
export class IdTuples {
  private tuples = new Uint32Array(0);
  private count = 0;
  /** Open addressing: slot → tuple number + 1 (0 empty). */
  private slots = new Uint32Array(1024);

  constructor(private readonly columns: readonly IdArray[]) {}

  numberOf(row: number): number {
    const width = this.columns.length;
    let h = 0x811c9dc5;
    for (let c = 0; c < width; c++) h = Math.imul(h ^ this.columns[c][row], 0x01000193);
    const mask = this.slots.length - 1;
    for (let s = h & mask; ; s = (s + 1) & mask) {
      const n = this.slots[s];
      if (n === 0) break;
      if (this.holds(n - 1, row)) return n - 1;
    }
    if ((this.count + 1) * 2 > this.slots.length) this.grow();
    if ((this.count + 1) * width > this.tuples.length) {
      const grown = new Uint32Array(Math.max(256, this.tuples.length * 2));
      grown.set(this.tuples);
      this.tuples = grown;
    }
    for (let c = 0; c < width; c++) this.tuples[this.count * width + c] = this.columns[c][row];
    this.place(this.count, h);
    return this.count++;
  }

  private holds(n: number, row: number): boolean {
    const width = this.columns.length;
    for (let c = 0; c < width; c++)
      if (this.tuples[n * width + c] !== this.columns[c][row]) return false;
    return true;
  }

  private hashOf(n: number): number {
    const width = this.columns.length;
    let h = 0x811c9dc5;
    for (let c = 0; c < width; c++) h = Math.imul(h ^ this.tuples[n * width + c], 0x01000193);
    return h;
  }

  private place(n: number, h: number): void {
    const mask = this.slots.length - 1;
    let s = h & mask;
    while (this.slots[s] !== 0) s = (s + 1) & mask;
    this.slots[s] = n + 1;
  }

  private grow(): void {
    this.slots = new Uint32Array(this.slots.length * 2);
    for (let n = 0; n < this.count; n++) this.place(n, this.hashOf(n));
  }
}
