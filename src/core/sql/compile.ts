// The query language compiled to SQL: Athena (Trino) over the documented CloudTrail table, and
// CloudTrail Lake over an event data store. One AST (the one the timeline and the CLI run
// locally) in, one SELECT out, with the same meaning as match.ts gives the query:
//
// - A term matches when ANY of its paths has a matching value; arrays (resources) match when any
//   element does (`cardinality(filter(array, r -> …)) > 0`).
// - Values compare by text, case-insensitively (`fold(x) = fold('v')`, LIKE for wildcards), with
//   the local engine's folding (sqlFold);
//   `field:*` is IS NOT NULL; comparisons read ISO times (from_iso8601_timestamp) or numbers.
//   A number in the JSON fields equals a number filter by its value, as match.ts has it
//   (`durationSeconds:3600` finds 3600.0): Athena's JSON text tells a number from a string;
//   Lake's maps hold text, so there any text that reads as the number matches (a note says so).
// - Every term is two-valued (COALESCE(…, FALSE)), so NOT keeps its meaning over missing fields
//   (SQL's NOT NULL is NULL, which would drop rows that `-field:x` keeps).
// - Paths inside requestParameters / responseElements / additionalEventData (JSON text in Athena,
//   map<string,string> in Lake) go through json_extract / json_extract_scalar, fanning out over
//   arrays met on the way as the local engine does.
// - Free text, a substring of the raw record locally, searches every column's text. Text that
//   could match JSON punctuation or a field name (which the raw record contains and a table does
//   not) is refused with an error naming it, never run as a different question.
//
// Values reach the statement only as string literals with ' doubled (Trino has no backslash
// escapes in literals), so no filter value can change the statement. The functions used all
// exist in Trino; test/support/sqlServer.ts maps the few DuckDB lacks to macros.

import { QueryNode, TermNode, TextNode, ValueMatch } from '../query/ast';
import {
  DETECTION_FIELD,
  isAnnotationField,
  KNOWN_FIELDS,
  LEVEL_FIELD,
  ORIGIN_FIELD,
} from '../query/fields';
import { equalityNumber, isNumberText } from '../query/match';
import { FIELD_CATALOG } from '../records/fieldMeanings';
import { ATHENA_COLUMNS, LAKE_COLUMNS, SqlColumn, SqlType } from './schema';
import { isoDay } from '../time';

export type SqlDialect = 'athena' | 'lake';

export interface CompileOptions {
  dialect: SqlDialect;
  /** Athena: the table (`table` or `database.table`); Lake: the event data store ID or ARN. */
  from: string;
  /** Half-open [from, to) in epoch ms, on eventTime (as the timeline's range). */
  range?: { from: number; to: number } | null;
  /** Only these accounts / regions (the explorer's scope). */
  accounts?: readonly string[];
  regions?: readonly string[];
  /**
   * What to select: `ids` (eventid, eventtime and, on Athena, "$path": enough to fetch the log
   * files), or `rows` (every column: records rebuilt from the table).
   */
  select?: 'ids' | 'rows';
  /** Adds ORDER BY eventtime LIMIT n. No LIMIT otherwise. */
  limit?: number;
  /**
   * Athena: the table has the partition columns `account`, `region` and `timestamp` that
   * `athena-ddl` writes, so the scope and range also prune partitions. Default true.
   */
  partitioned?: boolean;
}

export interface CompiledSql {
  sql: string;
  /** What the reader should know about this statement (printed with it, never silently). */
  notes: string[];
}

/** A query term that has no SQL form: names the term as typed and says why. */
export class SqlCompileError extends Error {
  override readonly name = 'SqlCompileError';
  constructor(
    readonly term: string,
    detail: string,
    readonly start?: number,
    readonly end?: number,
  ) {
    super(`${term}: ${detail}`);
  }
}

/** The time text form CloudTrail writes, for Lake's timestamp columns. */
const CLOUDTRAIL_TIME_FORMAT = "'%Y-%m-%dT%H:%i:%sZ'";
const NUMBER_PATTERN = "'^\\s*[+-]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)([eE][+-]?[0-9]+)?\\s*$'";
/** The largest finite double: text that reads as a number beyond it is Infinity to both engines. */
const MAX_DOUBLE = '1.7976931348623157E308';
/** JSON path keys written into the statement: the spelling both Trino and JSONPath read plainly. */
const JSON_KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;
/**
 * Said with any statement that looks a key up inside JSON text or a map (requestParameters…):
 * SQL finds the key only as spelled, where the local engine also finds it in another case.
 */
const KEY_CASE_NOTE =
  "Keys inside requestParameters, responseElements and the other JSON fields are found only as spelled (requestParameters.bucketName): a record that spells a key in another case is not matched here, though the timeline's own filter finds it.";
/** Deepest path inside a JSON column: each step doubles the expression (array fan-out). */
const MAX_JSON_DEPTH = 6;

export function compileQuery(query: QueryNode, options: CompileOptions): CompiledSql {
  return new Compiler(options).compile(query);
}

/** A SQL string literal: the only way a value enters a statement. */
export function sqlString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/**
 * `expr` case-folded as the local engine compares text (match.ts: Unicode simple case folding,
 * RegExp `iu`). Trino's upper(lower(x)) maps each character by its simple case mappings, which
 * is that folding for every character (σ, ς and Σ; ſ and s; µ and μ; the Kelvin sign and k; ẞ
 * and ß; which lower() alone keeps apart) but five, checked over every code point: lower() takes
 * the Turkish İ to i and upper() the dotless ı to I, which folding keeps apart, so they are first
 * translated to the private-use U+E001 and U+E002 (a value holding those compares as İ and ı);
 * ΐ ΰ ﬅ fold into ΐ ΰ ﬆ with no case mapping between them, so they are translated too.
 */
export function sqlFold(expr: string): string {
  return `upper(lower(translate(${expr}, 'İı\u1fd3\u1fe3\ufb05', chr(57345) || chr(57346) || '\u0390\u03b0\ufb06')))`;
}

/** A value as a folded literal: plain ASCII folded here (to upper case), other text by sqlFold. */
function sqlFoldedString(value: string): string {
  return /^[\x20-\x7e]*$/.test(value) ? sqlString(value.toUpperCase()) : sqlFold(sqlString(value));
}

/** `table` or `database.table`, each part a plain identifier, double-quoted. */
export function athenaTableName(name: string): string {
  const parts = name.split('.');
  if (parts.length > 2 || parts.some((p) => !/^[A-Za-z0-9_]+$/.test(p))) {
    throw new SqlCompileError(
      name,
      'not a table name: expected table or database.table, letters, digits and _ only',
    );
  }
  return parts.map((p) => `"${p.toLowerCase()}"`).join('.');
}

/** The ID part of an event data store ID or ARN (what Lake's FROM takes). */
export function eventDataStoreId(idOrArn: string): string {
  const id = idOrArn.startsWith('arn:') ? idOrArn.slice(idOrArn.lastIndexOf('/') + 1) : idOrArn;
  if (!/^[A-Za-z0-9-]{1,128}$/.test(id)) {
    throw new SqlCompileError(idOrArn, 'not an event data store ID or ARN');
  }
  return id;
}

/** How the compiler reaches a query path in the table. */
type Access =
  /**
   * A scalar: text, a time held as text (Athena), a boolean or a timestamp (Lake). `number`:
   * text that may be a number the log wrote (a value of Lake's map columns).
   */
  | {
      kind: 'scalar';
      expr: string;
      type: 'string' | 'time' | 'boolean' | 'timestamp';
      number?: boolean;
    }
  /** A struct, map or whole JSON document: present or not, never equal to a value. */
  | { kind: 'node'; expr: string }
  /** Any element of an array. */
  | { kind: 'array'; expr: string; variable: string; element: Access }
  /** A value inside JSON text, found by walking `keys`. */
  | { kind: 'json'; expr: string; keys: string[] }
  /** A path below a scalar: no record has a value there. */
  | { kind: 'none' };

class Compiler {
  private readonly columns: readonly SqlColumn[];
  private readonly notes = new Set<string>();
  private variables = 0;

  constructor(private readonly options: CompileOptions) {
    this.columns = options.dialect === 'athena' ? ATHENA_COLUMNS : LAKE_COLUMNS;
  }

  compile(query: QueryNode): CompiledSql {
    const o = this.options;
    const athena = o.dialect === 'athena';
    const from = athena ? athenaTableName(o.from) : eventDataStoreId(o.from);
    const conditions: string[] = [];
    conditions.push(...this.scopeConditions());
    if (query.kind !== 'all') conditions.push(this.node(query, 0));
    const select =
      o.select === 'rows'
        ? this.rowColumns()
        : athena
          ? ['eventid', 'eventtime', '"$path"']
          : ['eventID', 'eventTime'];
    let sql = `SELECT ${select.join(select.length > 3 ? ',\n  ' : ', ')}\nFROM ${from}`;
    if (conditions.length) sql += `\nWHERE ${conditions.join('\n  AND ')}`;
    if (!o.range)
      this.notes.add(
        `No time range: ${athena ? 'Athena reads every day of the table' : 'CloudTrail Lake scans the whole event data store'} (and bills for it); give a range to read only those days.`,
      );
    if (o.limit !== undefined) {
      if (!Number.isSafeInteger(o.limit) || o.limit < 0)
        throw new SqlCompileError(String(o.limit), 'the limit must be a whole number');
      sql += `\nORDER BY ${athena ? 'eventtime' : 'eventTime'}\nLIMIT ${o.limit}`;
    }
    return { sql, notes: [...this.notes] };
  }

  /** Every column; structs, arrays and maps as JSON text, so rows rebuild into records (results.ts). */
  private rowColumns(): string[] {
    const names = this.columns.map((c) =>
      ['struct', 'array', 'map'].includes(c.type.kind)
        ? `json_format(CAST(${c.sql} AS JSON)) AS ${c.sql}`
        : c.sql,
    );
    return this.options.dialect === 'athena' ? [...names, '"$path"'] : names;
  }

  /** Time range and scope, with partition pruning on the product's Athena tables. */
  private scopeConditions(): string[] {
    const o = this.options;
    const athena = o.dialect === 'athena';
    const partitioned = athena && o.partitioned !== false;
    const out: string[] = [];
    if (o.range) {
      if (athena) {
        out.push(`try(from_iso8601_timestamp(eventtime)) >= ${instant(o.range.from)}`);
        out.push(`try(from_iso8601_timestamp(eventtime)) < ${instant(o.range.to)}`);
      } else {
        out.push(`eventTime >= ${instant(o.range.from)}`, `eventTime < ${instant(o.range.to)}`);
      }
      if (partitioned) {
        // A file is filed under the day it was delivered, up to about 15 minutes (and, when
        // CloudTrail catches up, hours) after its events: the last day's next day is read too.
        out.push(
          `"timestamp" BETWEEN ${sqlString(day(o.range.from))} AND ${sqlString(day(o.range.to - 1 + 86_400_000))}`,
        );
      }
    }
    const list = (values: readonly string[]) => values.map(sqlString).join(', ');
    if (o.accounts?.length)
      out.push(
        partitioned
          ? `account IN (${list(o.accounts)})`
          : `${athena ? 'recipientaccountid' : 'recipientAccountId'} IN (${list(o.accounts)})`,
      );
    if (o.regions?.length)
      out.push(
        partitioned
          ? `region IN (${list(o.regions)})`
          : `${athena ? 'awsregion' : 'awsRegion'} IN (${list(o.regions)})`,
      );
    return out;
  }

  private node(n: QueryNode, depth: number): string {
    switch (n.kind) {
      case 'all':
        return 'TRUE';
      case 'and':
        return `(${n.children.map((c) => this.node(c, depth + 1)).join(' AND ')})`;
      case 'or':
        return `(${n.children.map((c) => this.node(c, depth + 1)).join(' OR ')})`;
      case 'not':
        return `NOT ${this.node(n.child, depth + 1)}`;
      case 'term':
        return this.term(n);
      case 'text':
        return this.text(n);
    }
  }

  private term(t: TermNode): string {
    if (t.fields.some(isAnnotationField)) {
      const where = this.options.dialect === 'athena' ? 'Athena' : 'CloudTrail Lake';
      throw new SqlCompileError(
        termText(t),
        `${t.field} is an annotation from the case file (stars, tags, notes), which ${where} does not hold: filter on it in the timeline or with cloudtrail-lens report`,
        t.start,
        t.end,
      );
    }
    if (t.fields.length === 0) return 'FALSE';
    if (t.match.op === 'cidr') {
      // Trino's IPADDRESS reads hostile text (leading zeros, whitespace, zone ids, IPv4-mapped
      // addresses) otherwise than core/cidr.ts, and CloudTrail Lake has no IP functions: an
      // answer that differs from the timeline's is worse than none.
      throw new SqlCompileError(
        termText(t),
        `a network (${t.match.network}) is matched on the loaded timeline only, not compiled to ${this.options.dialect === 'athena' ? 'Athena' : 'CloudTrail Lake'} SQL: ask here for a wildcard on the address (e.g. ${t.field}:10.*) or an exact one, then narrow with ${t.field}:${t.match.network} on the loaded events`,
        t.start,
        t.end,
      );
    }
    if (t.fields.includes(ORIGIN_FIELD)) {
      // The origin is followed through the issuing events of every session (core/origin): no
      // column holds it, and one row's SQL predicate cannot follow a chain of other rows.
      throw new SqlCompileError(
        termText(t),
        `${t.field}: is worked out from the credential chains of the loaded events, which ${this.options.dialect === 'athena' ? 'Athena' : 'CloudTrail Lake'} has no column for: run this filter on the loaded timeline, or ask for the session's own fields (arn:, key:, user:) here`,
        t.start,
        t.end,
      );
    }
    if (t.fields.includes(DETECTION_FIELD) || t.fields.includes(LEVEL_FIELD)) {
      // Sigma rules run on the loaded events (core/detect); no column of the table holds their hits.
      throw new SqlCompileError(
        termText(t),
        `${t.field}: is worked out by running the detection rules over the loaded events, which ${this.options.dialect === 'athena' ? 'Athena' : 'CloudTrail Lake'} has no column for: run this filter on the loaded timeline or with cloudtrail-lens query / detect, or ask here for the fields the rule tests (event:, source:…)`,
        t.start,
        t.end,
      );
    }
    const parts = t.fields.map((path) => {
      const access = this.resolve(path, t);
      return this.predicate(access, t.match, t);
    });
    return parts.length === 1 ? parts[0] : `(${parts.join(' OR ')})`;
  }

  /** Walks a dotted record path through the table's columns. */
  private resolve(path: string, t: TermNode): Access {
    const [first, ...rest] = path.split('.');
    const column = findColumn(this.columns, first);
    if (!column) {
      const where =
        this.options.dialect === 'athena'
          ? 'the Athena CloudTrail table'
          : 'a CloudTrail Lake event data store';
      throw new SqlCompileError(
        termText(t),
        `${first} is not a column of ${where}, so this term cannot be asked there`,
        t.start,
        t.end,
      );
    }
    return this.access(column.type, column.sql, rest, t);
  }

  private access(type: SqlType, expr: string, rest: string[], t: TermNode): Access {
    switch (type.kind) {
      case 'string':
        return rest.length
          ? { kind: 'none' }
          : { kind: 'scalar', expr, type: type.time ? 'time' : 'string' };
      case 'boolean':
      case 'timestamp':
        return rest.length ? { kind: 'none' } : { kind: 'scalar', expr, type: type.kind };
      case 'json':
        if (rest.length === 0) return { kind: 'node', expr };
        return { kind: 'json', expr, keys: this.jsonKeys(rest, t) };
      case 'struct': {
        if (rest.length === 0) return { kind: 'node', expr };
        const field = findColumn(type.fields, rest[0]);
        if (!field) {
          throw new SqlCompileError(
            termText(t),
            `${rest[0]} is not a field of ${expr} in ${this.options.dialect === 'athena' ? 'the Athena CloudTrail table' : 'CloudTrail Lake'}, so this term cannot be asked there`,
            t.start,
            t.end,
          );
        }
        return this.access(field.type, `${expr}.${field.sql}`, rest.slice(1), t);
      }
      case 'array': {
        const variable = `x${++this.variables}`;
        return {
          kind: 'array',
          expr,
          variable,
          element: this.access(type.element, variable, rest, t),
        };
      }
      case 'map': {
        if (rest.length === 0) return { kind: 'node', expr };
        const value = `element_at(${expr}, ${sqlString(rest[0])})`;
        this.notes.add(KEY_CASE_NOTE);
        if (rest.length === 1) {
          if (type.jsonValues) {
            this.notes.add(
              'In CloudTrail Lake, requestParameters, responseElements and additionalEventData are maps of text: a nested object or list compares as its JSON text.',
            );
          }
          return { kind: 'scalar', expr: value, type: 'string', number: type.jsonValues };
        }
        if (!type.jsonValues) return { kind: 'none' };
        return { kind: 'json', expr: value, keys: this.jsonKeys(rest.slice(1), t) };
      }
    }
  }

  private jsonKeys(keys: string[], t: TermNode): string[] {
    this.notes.add(KEY_CASE_NOTE);
    for (const key of keys) {
      if (!JSON_KEY.test(key)) {
        throw new SqlCompileError(
          termText(t),
          `the key "${key}" cannot be written in a JSON path (letters, digits and _ only)`,
          t.start,
          t.end,
        );
      }
    }
    if (keys.length > MAX_JSON_DEPTH) {
      throw new SqlCompileError(
        termText(t),
        `paths more than ${MAX_JSON_DEPTH} keys deep inside a JSON column are not compiled`,
        t.start,
        t.end,
      );
    }
    return keys;
  }

  /** The two-valued condition that `match` holds for the value(s) at `access`. */
  private predicate(access: Access, match: ValueMatch, t: TermNode): string {
    switch (access.kind) {
      case 'none':
        return 'FALSE';
      case 'node':
        return match.op === 'exists' ? `${access.expr} IS NOT NULL` : 'FALSE';
      case 'scalar': {
        if (match.op === 'exists') return `${access.expr} IS NOT NULL`;
        const test = `COALESCE(${this.valueTest(access.expr, access.type, match)}, FALSE)`;
        const n = numberValue(match);
        if (!access.number || n === undefined) return test;
        this.notes.add(
          'In CloudTrail Lake the values inside requestParameters, responseElements and additionalEventData are text: a number filter (durationSeconds:3600) also finds text that reads as that number ("3600.0"), which the timeline finds only when the log wrote a number.',
        );
        return `(${test} OR COALESCE(regexp_like(${access.expr}, ${NUMBER_PATTERN}) AND try_cast(trim(${access.expr}) AS double) = ${n}, FALSE))`;
      }
      case 'array': {
        const inner = this.predicate(access.element, match, t);
        return `COALESCE(cardinality(filter(${access.expr}, ${access.variable} -> ${inner})) > 0, FALSE)`;
      }
      case 'json':
        return `COALESCE(${this.jsonPredicate(access.expr, access.keys, match)}, FALSE)`;
    }
  }

  /**
   * A match on the value at `keys` inside the JSON `doc`, fanning out over arrays on the way
   * (match.ts's fieldValues): each step reads the key on the value itself and on each of its
   * elements when it is an array.
   */
  private jsonPredicate(doc: string, keys: string[], match: ValueMatch): string {
    if (keys.length === 0) {
      if (match.op === 'exists') return `COALESCE(json_format(${doc}), 'null') <> 'null'`;
      // A leaf array matches when any element does.
      const i = `i${++this.variables}`;
      const element = this.jsonValueTest(
        `json_extract(${doc}, concat('$[', CAST(${i} - 1 AS varchar), ']'))`,
        match,
      );
      return `(${this.jsonValueTest(doc, match)} OR COALESCE(cardinality(filter(sequence(1, json_array_length(${doc})), ${i} -> ${element})) > 0, FALSE))`;
    }
    const [key, ...rest] = keys;
    const direct = this.jsonPredicate(`json_extract(${doc}, '$.${key}')`, rest, match);
    const i = `i${++this.variables}`;
    const viaElements = this.jsonPredicate(
      `json_extract(${doc}, concat('$[', CAST(${i} - 1 AS varchar), '].${key}'))`,
      rest,
      match,
    );
    return `(${direct} OR COALESCE(cardinality(filter(sequence(1, json_array_length(${doc})), ${i} -> ${viaElements})) > 0, FALSE))`;
  }

  /**
   * The two-valued test of the JSON value `json`: its text, and, for a JSON number, its value
   * (match.ts: the number 3600.0 is `3600`, the text "3600.0" is not).
   */
  private jsonValueTest(json: string, match: ValueMatch): string {
    const scalar = `json_extract_scalar(${json}, '$')`;
    const test = `COALESCE(${this.valueTest(scalar, 'string', match)}, FALSE)`;
    const n = numberValue(match);
    if (n === undefined) return test;
    return `(${test} OR COALESCE(regexp_like(json_format(${json}), '^-?[0-9]') AND try_cast(${scalar} AS double) = ${n}, FALSE))`;
  }

  /** The test of one scalar value (may be NULL when the value is missing). */
  private valueTest(
    expr: string,
    type: 'string' | 'time' | 'boolean' | 'timestamp',
    match: ValueMatch,
  ): string {
    const text =
      type === 'boolean'
        ? `CAST(${expr} AS varchar)`
        : type === 'timestamp'
          ? `date_format(${expr}, ${CLOUDTRAIL_TIME_FORMAT})`
          : expr;
    switch (match.op) {
      case 'exists':
        return `${expr} IS NOT NULL`;
      case 'eq':
        return `${sqlFold(text)} = ${sqlFoldedString(match.value)}`;
      case 'wildcard':
        return `${sqlFold(text)} LIKE ${sqlFoldedString(likePattern(match.pattern))} ESCAPE '\\'`;
      case 'lt':
      case 'le':
      case 'gt':
      case 'ge': {
        const op = { lt: '<', le: '<=', gt: '>', ge: '>=' }[match.op];
        if (!isNumberText(match.value)) {
          if (type === 'boolean') return 'FALSE';
          const time = type === 'timestamp' ? expr : `try(from_iso8601_timestamp(${expr}))`;
          return `${time} ${op} from_iso8601_timestamp(${sqlString(match.value)})`;
        }
        if (type === 'boolean' || type === 'timestamp') return 'FALSE';
        // As match.ts: only finite numbers compare. Text like 1e400 casts to Infinity, and a
        // bound like 1e400 (Infinity, which SQL cannot write) holds for every finite number on
        // one side and for none on the other.
        const number = `try_cast(trim(${text}) AS double)`;
        const bound = Number(match.value);
        const test = Number.isFinite(bound)
          ? `${number} ${op} ${bound}`
          : bound > 0 === (match.op === 'lt' || match.op === 'le')
            ? 'TRUE'
            : 'FALSE';
        return `(regexp_like(${text}, ${NUMBER_PATTERN}) AND ${number} BETWEEN -${MAX_DOUBLE} AND ${MAX_DOUBLE} AND ${test})`;
      }
      case 'cidr':
        // term() refuses networks before any value test is written.
        throw new Error('a network term reached the SQL value test');
    }
  }

  private text(n: TextNode): string {
    refuseAmbiguousText(n);
    this.notes.add(
      this.options.dialect === 'athena'
        ? "Free text searches the values of the table's columns (and the JSON text of requestParameters, responseElements, additionalEventData, serviceEventDetails and edgeDeviceDetails); fields the documented table does not have are not searched."
        : "Free text searches the values of the event data store's columns (and the keys and values of requestParameters, responseElements and additionalEventData).",
    );
    const needle = sqlFoldedString(n.text);
    const found = (expr: string) => `strpos(${sqlFold(expr)}, ${needle}) > 0`;
    const parts: string[] = [];
    const visit = (type: SqlType, expr: string): void => {
      switch (type.kind) {
        case 'string':
        case 'json':
          parts.push(`COALESCE(${found(expr)}, FALSE)`);
          return;
        case 'boolean':
          parts.push(`COALESCE(${found(`CAST(${expr} AS varchar)`)}, FALSE)`);
          return;
        case 'timestamp':
          parts.push(
            `COALESCE(${found(`date_format(${expr}, ${CLOUDTRAIL_TIME_FORMAT})`)}, FALSE)`,
          );
          return;
        case 'struct':
          for (const f of type.fields) visit(f.type, `${expr}.${f.sql}`);
          return;
        case 'map': {
          const v = `x${++this.variables}`;
          parts.push(
            `COALESCE(cardinality(filter(map_keys(${expr}), ${v} -> ${found(v)})) > 0, FALSE)`,
          );
          parts.push(
            `COALESCE(cardinality(filter(map_values(${expr}), ${v} -> ${found(v)})) > 0, FALSE)`,
          );
          return;
        }
        case 'array': {
          const v = `x${++this.variables}`;
          const before = parts.length;
          visit(type.element, v);
          const inner = parts.splice(before).join(' OR ');
          parts.push(`COALESCE(cardinality(filter(${expr}, ${v} -> ${inner})) > 0, FALSE)`);
          return;
        }
      }
    };
    for (const c of this.columns) visit(c.type, c.sql);
    return `(${parts.join('\n    OR ')})`;
  }
}

/** The number an equality filter names (`durationSeconds:3600`), as match.ts reads it. */
function numberValue(match: ValueMatch): number | undefined {
  const n = match.op === 'eq' ? equalityNumber(match.value) : undefined;
  return n !== undefined && Number.isFinite(n) ? n : undefined;
}

function findColumn(columns: readonly SqlColumn[], segment: string): SqlColumn | undefined {
  return (
    columns.find((c) => c.key === segment) ??
    columns.find((c) => c.key.toLowerCase() === segment.toLowerCase())
  );
}

function termText(t: TermNode): string {
  return `${t.field}:${describeMatch(t.match)}`;
}

function describeMatch(m: ValueMatch): string {
  switch (m.op) {
    case 'eq':
      return m.value;
    case 'wildcard':
      return m.pattern;
    case 'exists':
      return '*';
    case 'cidr':
      return m.network;
    default:
      return `${{ lt: '<', le: '<=', gt: '>', ge: '>=' }[m.op]}${m.value}`;
  }
}

/** The query language's wildcard (`*`, `\*`, `\\`) as a LIKE pattern with `\` as the escape. */
export function likePattern(pattern: string): string {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\' && i + 1 < pattern.length) {
      const next = pattern[++i];
      out += next === '%' || next === '_' || next === '\\' ? `\\${next}` : next;
    } else if (c === '*') {
      out += '%';
    } else if (c === '%' || c === '_' || c === '\\') {
      out += `\\${c}`;
    } else {
      out += c;
    }
  }
  return out;
}

/** Every key a CloudTrail record can have outside the JSON columns, lower-cased. */
const RECORD_KEYS: readonly string[] = (() => {
  const keys = new Set<string>();
  const add = (path: string) =>
    path
      .replace(/\[\]/g, '')
      .split('.')
      .forEach((k) => keys.add(k.toLowerCase()));
  const walk = (columns: readonly SqlColumn[]) =>
    columns.forEach((c) => {
      keys.add(c.key.toLowerCase());
      if (c.type.kind === 'struct') walk(c.type.fields);
      if (c.type.kind === 'array' && c.type.element.kind === 'struct') walk(c.type.element.fields);
    });
  walk(ATHENA_COLUMNS);
  walk(LAKE_COLUMNS);
  KNOWN_FIELDS.forEach((f) => add(f.path));
  for (const path of FIELD_CATALOG.keys()) add(path);
  return [...keys].filter((k) => k !== '');
})();

/**
 * Free text locally is a substring of the record's raw JSON. A table has the values, not the
 * JSON around them: text is compiled only when a match in the raw record must lie inside one
 * value, so that both find the same records.
 */
function refuseAmbiguousText(n: TextNode): void {
  const shown = `"${n.text}"`;
  const refuse = (why: string): never => {
    throw new SqlCompileError(
      shown,
      `${why}. Free text runs in SQL as a search of each field's value: write a field term instead (field:*text*)`,
      n.start,
      n.end,
    );
  };
  if (/["\\{}[\],\u0000-\u001f]/.test(n.text))
    refuse(
      'free text with " \\ { } [ ] , or control characters can match the JSON around values, which a table does not have',
    );
  if (/^[\s:]|[\s:]$/.test(n.text))
    refuse(
      'free text that starts or ends with a space or ":" can match the JSON around values, which a table does not have',
    );
  const lower = n.text.toLowerCase();
  const key = RECORD_KEYS.find((k) => k.includes(lower));
  if (key)
    refuse(
      `"${n.text}" is part of the field name "${key}", which every record with that field contains; a table has no field names to search`,
    );
}

function instant(ms: number): string {
  return `from_iso8601_timestamp(${sqlString(new Date(ms).toISOString())})`;
}

/** `yyyy/MM/dd` of an instant (the projected `timestamp` partition). */
function day(ms: number): string {
  return isoDay(ms).replace(/-/g, '/');
}
