// What comes back from Athena or Lake, made into something the timeline opens:
// - few files: the S3 keys ("$path") of the matched events, grouped by bucket, so exactly those
//   log files are downloaded (through the S3 source and its cache) and filtered to the IDs;
// - many files: records rebuilt from the table's columns (compileQuery's `select: 'rows'`), as a
//   `{"Records": […]}` document per result page. Such records are as the table has them: fields
//   the table lacks are missing and the JSON columns are the table's text of them.
//
// What a table cannot tell apart cannot be rebuilt, and is said (remote.ts's notes): a field that
// is null in the log is NULL, as a missing one is, so both are left out; Athena sends an empty
// text as "" and a NULL as no value (athena.ts reads it as null), so "" is kept, while Lake sends
// both as "" (lake.ts), so there "" is left out too.
import { ATHENA_COLUMNS, LAKE_COLUMNS, SqlColumn, SqlType } from './schema';
import type { ResultPage } from './athena';
import type { SqlDialect } from './compile';

export interface MatchedFiles {
  /** bucket → keys (in first-seen order). */
  byBucket: Map<string, string[]>;
  eventIds: Set<string>;
}

/** Collects "$path" and eventid from an `ids` result. */
export function collectMatchedFiles(pages: Iterable<ResultPage>): MatchedFiles {
  const byBucket = new Map<string, string[]>();
  const seen = new Set<string>();
  const eventIds = new Set<string>();
  for (const page of pages) addMatchedPage(page, byBucket, seen, eventIds);
  return { byBucket, eventIds };
}

export function addMatchedPage(
  page: ResultPage,
  byBucket: Map<string, string[]>,
  seen: Set<string>,
  eventIds: Set<string>,
): void {
  const lower = page.columns.map((c) => c.toLowerCase());
  const idAt = lower.indexOf('eventid');
  const pathAt = lower.indexOf('$path');
  for (const row of page.rows) {
    const id = idAt >= 0 ? row[idAt] : null;
    if (id) eventIds.add(id);
    const path = pathAt >= 0 ? row[pathAt] : null;
    const m = path ? /^s3:\/\/([^/]+)\/(.+)$/.exec(path) : null;
    if (!m || seen.has(path!)) continue;
    seen.add(path!);
    byBucket.set(m[1], [...(byBucket.get(m[1]) ?? []), m[2]]);
  }
}

/** Records rebuilt from a `rows` result page, in CloudTrail's own field names and types. */
export function recordsFromRows(
  page: ResultPage,
  dialect: SqlDialect,
): Array<Record<string, unknown>> {
  return rebuiltFields(page, dialect).map((fields) => {
    const record: Record<string, unknown> = {};
    for (const f of fields) record[f.key] = f.value;
    return record;
  });
}

/**
 * One page of rebuilt records as a log document the ingest reads. A JSON column's text
 * (Athena's requestParameters…) goes in as the table holds it, not parsed and written again: a
 * number keeps the digits the log wrote (`3600.0`, a 20-digit ID), which JSON.stringify would not.
 */
export function rowsDocument(page: ResultPage, dialect: SqlDialect): Uint8Array {
  const records = rebuiltFields(page, dialect).map((fields) => {
    // As recordsFromRows: a key met twice has its last value, in its first place.
    const byKey = new Map(fields.map((f) => [f.key, f]));
    const members = [...byKey.values()].map(
      (f) => `${JSON.stringify(f.key)}:${f.json ?? JSON.stringify(f.value)}`,
    );
    return `{${members.join(',')}}`;
  });
  return new TextEncoder().encode(`{"Records":[${records.join(',')}]}`);
}

interface RebuiltField {
  key: string;
  value: unknown;
  /** The JSON text of the value as the table holds it, when it goes into a document as such. */
  json?: string;
}

function rebuiltFields(page: ResultPage, dialect: SqlDialect): RebuiltField[][] {
  const columns = dialect === 'athena' ? ATHENA_COLUMNS : LAKE_COLUMNS;
  const byName = new Map(columns.map((c) => [c.sql.toLowerCase(), c]));
  const at = page.columns.map((name) => byName.get(name.toLowerCase()));
  return page.rows.map((row) => {
    const fields: RebuiltField[] = [];
    row.forEach((cell, i) => {
      const column = at[i];
      // Lake's "" is NULL as often as it is an empty text: left out, as NULL is.
      if (!column || cell === null || (cell === '' && dialect === 'lake')) return;
      const value = fromCell(cell, column.type);
      if (value === undefined || value === null) return;
      // fromCell gives back a JSON column's cell unchanged only when it is not JSON text.
      const verbatim = column.type.kind === 'json' && value !== cell;
      fields.push({ key: column.key, value, ...(verbatim ? { json: cell } : {}) });
    });
    return fields;
  });
}

function fromCell(cell: string, type: SqlType): unknown {
  switch (type.kind) {
    case 'string':
      // Athena's table keeps readOnly and managementEvent as text.
      return cell;
    case 'boolean':
      return cell === 'true' ? true : cell === 'false' ? false : cell;
    case 'timestamp':
      return cellTime(cell);
    case 'json':
    case 'map':
    case 'struct':
    case 'array': {
      let parsed: unknown;
      try {
        parsed = JSON.parse(cell);
      } catch {
        return cell;
      }
      return type.kind === 'json' || type.kind === 'map' ? parsed : renameKeys(parsed, type);
    }
  }
}

/** Struct JSON from the engine has the table's (lower-case) field names: back to the record's. */
function renameKeys(value: unknown, type: SqlType): unknown {
  if (value === null || value === undefined) return undefined;
  if (type.kind === 'array')
    return Array.isArray(value) ? value.map((v) => renameKeys(v, type.element)) : value;
  if (type.kind !== 'struct' || typeof value !== 'object' || Array.isArray(value))
    return type.kind === 'timestamp' && typeof value === 'string' ? cellTime(value) : value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    const field: SqlColumn | undefined = type.fields.find(
      (f) => f.sql.toLowerCase() === k.toLowerCase() || f.key.toLowerCase() === k.toLowerCase(),
    );
    const renamed = field ? renameKeys(v, field.type) : v;
    if (renamed !== null && renamed !== undefined) out[field?.key ?? k] = renamed;
  }
  return out;
}

/** Lake's `2024-05-14 10:00:00.000` as CloudTrail writes times (`2024-05-14T10:00:00Z`). */
function cellTime(cell: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(\.\d+)?(Z|[+-]00(:?00)?)?$/.exec(cell);
  if (!m) return cell;
  const ms = m[3] && Number(m[3]) !== 0 ? m[3].slice(0, 4) : '';
  return `${m[1]}T${m[2]}${ms}Z`;
}
