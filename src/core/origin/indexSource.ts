// The index's columns as an OriginSource: resolution reads dictionary ids, and each distinct
// value is turned into text once.
import { ABSENT, IRREGULAR, ORIGIN_INPUT_FIELDS, OriginInputField, PACKED_UUID } from '../ingest/columns';
import type { ColumnStore } from '../index/columnStore';
import { ORIGIN_READS, OriginRead, OriginSource } from './resolve';

const INPUTS: ReadonlySet<string> = new Set(ORIGIN_INPUT_FIELDS);

export function indexOriginSource(store: ColumnStore): OriginSource {
  const size = store.size;
  const columns = new Map<OriginRead, { ids: Uint32Array; values: string[] }>();
  // Attribution inputs are sparse (most events have none): row → text.
  const sparse = new Map<OriginRead, Map<number, string>>();
  for (const f of ORIGIN_READS) {
    if (INPUTS.has(f)) {
      sparse.set(f, store.originInputValues(f as OriginInputField));
      continue;
    }
    const c = store.scalarByField.get(f);
    if (!c) throw new Error(`origin: ${f} is neither a query column nor an attribution input`);
    columns.set(f, { ids: c.ids, values: c.dict.values.map((v) => (v === undefined || v === null ? '' : String(v))) });
  }
  const eventIds = columns.get('eventID')!;
  // sessionKey: the access key's id, when the row's ARN and type are those first seen with it
  // and it has no onBehalfOf or source identity (then resolution reads nothing else of it).
  const key = columns.get('userIdentity.accessKeyId')!;
  const arn = columns.get('userIdentity.arn')!;
  const type = columns.get('userIdentity.type')!;
  const onBehalfOf = columns.get('userIdentity.onBehalfOf.userId')!;
  const sourceIdentity = sparse.get('userIdentity.sessionContext.sourceIdentity')!;
  const firstArn = new Int32Array(key.values.length).fill(-1);
  const firstType = new Int32Array(key.values.length);
  return {
    size,
    sessionKey(row: number): number {
      const k = key.ids[row];
      if (k === ABSENT || k >= key.values.length || onBehalfOf.ids[row] !== ABSENT || sourceIdentity.has(row)) return -1;
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
      const c = columns.get(field);
      if (!c) return sparse.get(field)!.get(row) ?? '';
      const id = c.ids[row];
      if (id === ABSENT || id === IRREGULAR) return '';
      if (id === PACKED_UUID) return c === eventIds ? store.packedEventId(row) : '';
      return c.values[id] ?? '';
    },
  };
}
