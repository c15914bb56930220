// The index's columns as an OriginSource: resolution reads dictionary ids, and each distinct
// value is turned into text once.
import { ABSENT, IRREGULAR, ORIGIN_INPUT_FIELDS, PACKED_UUID } from '../index/schema';
import type { ColumnStore, IdArray } from '../index/columnStore';
import type { OriginRead, OriginSource } from './resolve';

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
          values: s.dict.values.map((v) => (v === undefined || v === null ? '' : String(v))),
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
  // sessionKey: the access key's id, when the row's ARN and type are those first seen with it
  // and it has no onBehalfOf or source identity (then resolution reads nothing else of it).
  const key = column('userIdentity.accessKeyId');
  const arn = column('userIdentity.arn');
  const type = column('userIdentity.type');
  const onBehalfOf = column('userIdentity.onBehalfOf.userId');
  const sourceIdentity = sparse.get('userIdentity.sessionContext.sourceIdentity')!;
  const firstArn = new Int32Array(key.values.length).fill(-1);
  const firstType = new Int32Array(key.values.length);
  return {
    size,
    sessionKey(row: number): number {
      const k = key.ids[row];
      if (
        k === ABSENT ||
        k >= key.values.length ||
        onBehalfOf.ids[row] !== ABSENT ||
        (hasInput[row] === 1 && sourceIdentity.has(row))
      )
        return -1;
      const a = arn.ids[row];
      const t = type.ids[row];
      if (a === IRREGULAR || t === IRREGULAR) return -1;
      if (firstArn[k] < 0) {
        firstArn[k] = a;
        firstType[k] = t;
      }
      return firstArn[k] === a && firstType[k] === t ? k : -1;
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
