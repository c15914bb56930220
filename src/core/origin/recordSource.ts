// Parsed records (a log document, a test's list) as an OriginSource. Values are read as the
// index reads them: through canonicalRecord, query columns strictly, attribution inputs leniently.
import { canonicalRecord } from '../ingest/canonical';
import { lenientPrimitiveAt, pathOf } from '../index/schema';
import { instantOf } from '../query/time';
import { OriginRead, OriginSource } from './resolve';

export function recordOriginSource(records: readonly unknown[]): OriginSource {
  const canonical = records.map((r) =>
    typeof r === 'object' && r !== null && !Array.isArray(r)
      ? canonicalRecord(r as Record<string, unknown>).record
      : undefined,
  );
  return {
    size: records.length,
    value(row: number, field: OriginRead): string {
      const v = lenientPrimitiveAt(canonical[row], pathOf(field));
      return v === undefined || v === null ? '' : String(v);
    },
    time(row: number): number {
      // As the index reads it (ingest/batch.ts): a time term's reading of the text, else none.
      const t = canonical[row]?.eventTime;
      return (typeof t === 'string' ? instantOf(t) : undefined) ?? NaN;
    },
  };
}
