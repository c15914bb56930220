// A rule over dictionary-encoded columns, in three-valued logic: each field test on a column is
// applied once per distinct value (memoised in a 0/1 table as ids are met), and a row comes out
// true, false, or unknown (a test on a field no column holds, a keyword, a `|fieldref`, or a
// value that could not be dictionary-encoded). Used over the index's global dictionaries by the
// runner (run.ts) and over one file's local dictionary by the ingest job (ingestDetect.ts), so
// both agree on which rows must be read as records.
import { SCALAR_FIELDS, valueOfPrimitive, type Primitive } from '../index/schema';
import { packedMap } from '../packedMap';
import type { DetectionExpr } from './rule';
import type { Scalar } from './values';

export const FALSE = 0;
export const TRUE = 1;
export const UNKNOWN = 2;
export type Tri = 0 | 1 | 2;

/** One column as the tests see it: an id per row into `values`; an id past the end is
 * IRREGULAR (the row's value must be read from the record). */
export interface RuleColumn {
  ids: ArrayLike<number>;
  values: readonly unknown[];
}

/** The column that answers a field exactly, if any. */
export type RuleColumns = (field: string) => RuleColumn | undefined;

const indexed = new Set<string>(SCALAR_FIELDS);

/** Whether a column can answer tests on the field (eventID rows are mostly packed bytes, not ids). */
export function isColumnField(field: string | undefined): field is string {
  return field !== undefined && field !== 'eventID' && indexed.has(field);
}

/** Whether some test of the expression can only be answered from the record. */
export function readsRecord(e: DetectionExpr): boolean {
  switch (e.kind) {
    case 'leaf':
      return !isColumnField(e.field) || Boolean(e.test.refs);
    case 'const':
      return false;
    case 'not':
      return readsRecord(e.child);
    default:
      return e.children.some(readsRecord);
  }
}

const NOT_YET = 3;

/** The test applied to the value at id (id < values.length), each id tested once. */
function memoTest(test: (values: Scalar[]) => boolean, values: readonly unknown[]) {
  const table = new Uint8Array(values.length).fill(NOT_YET);
  return (id: number): boolean => {
    let t = table[id];
    if (t === NOT_YET) t = table[id] = test(testValues(values[id])) ? 1 : 0;
    return t === 1;
  };
}

/**
 * Which eventNames (each given as the values a test sees: [] for absent) can possibly satisfy
 * the expression, or null when it does not narrow the names.
 */
export function nameTest(e: DetectionExpr): ((values: Scalar[]) => boolean) | null {
  switch (e.kind) {
    case 'leaf':
      if (e.field !== 'eventName' || e.test.refs) return null;
      return (v) => e.test.test(v);
    case 'const':
      return e.value ? null : () => false;
    case 'not':
      return null;
    case 'and': {
      const tests = e.children
        .map(nameTest)
        .filter((t): t is (values: Scalar[]) => boolean => t !== null);
      if (tests.length === 0) return null;
      return tests.length === 1 ? tests[0] : (v) => tests.every((t) => t(v));
    }
    case 'or':
    case 'atLeast': {
      const tests: ((values: Scalar[]) => boolean)[] = [];
      for (const c of e.children) {
        const t = nameTest(c);
        if (!t) return null;
        tests.push(t);
      }
      return (v) => tests.some((t) => t(v));
    }
  }
}

/** nameTest by eventName id (below the column's values.length), each id tested once. */
export function possibleNames(
  e: DetectionExpr,
  names: RuleColumn,
): ((id: number) => boolean) | null {
  const test = nameTest(e);
  return test && memoTest(test, names.values);
}

/** The values a test sees for one value of a column's dictionary (none for the absent entry): a number kept as written is tested as the record's JSON.parse reads it. */
export function testValues(v: unknown): Scalar[] {
  return v === undefined ? [] : [valueOfPrimitive(v as Primitive) as Scalar];
}

/** The expression as a three-valued function of a row. */
export function compileRow(e: DetectionExpr, columns: RuleColumns): (r: number) => Tri {
  switch (e.kind) {
    case 'leaf': {
      const col = isColumnField(e.field) ? columns(e.field) : undefined;
      if (!col || e.test.refs) return () => UNKNOWN; // another field's value: read the record
      const n = col.values.length;
      const holds = memoTest((v) => e.test.test(v), col.values);
      const ids = col.ids;
      return (r) => {
        const id = ids[r];
        if (id >= n) return UNKNOWN; // IRREGULAR: read the record
        return holds(id) ? TRUE : FALSE;
      };
    }
    case 'const': {
      const v: Tri = e.value ? TRUE : FALSE;
      return () => v;
    }
    case 'not': {
      const c = compileRow(e.child, columns);
      return (r) => {
        const v = c(r);
        return v === UNKNOWN ? UNKNOWN : ((1 - v) as Tri);
      };
    }
    case 'and': {
      const cs = packedMap(e.children, (c) => compileRow(c, columns));
      return (r) => {
        let unknown = false;
        for (const c of cs) {
          const v = c(r);
          if (v === FALSE) return FALSE;
          if (v === UNKNOWN) unknown = true;
        }
        return unknown ? UNKNOWN : TRUE;
      };
    }
    case 'or': {
      const cs = packedMap(e.children, (c) => compileRow(c, columns));
      return (r) => {
        let unknown = false;
        for (const c of cs) {
          const v = c(r);
          if (v === TRUE) return TRUE;
          if (v === UNKNOWN) unknown = true;
        }
        return unknown ? UNKNOWN : FALSE;
      };
    }
    case 'atLeast': {
      const cs = packedMap(e.children, (c) => compileRow(c, columns));
      const need = e.n;
      return (r) => {
        let yes = 0;
        let maybe = 0;
        for (const c of cs) {
          const v = c(r);
          if (v === TRUE) yes++;
          else if (v === UNKNOWN) maybe++;
        }
        return yes >= need ? TRUE : yes + maybe >= need ? UNKNOWN : FALSE;
      };
    }
  }
}
