// Running rules over the event index without parsing every record.
//
// Each field test on an indexed column is applied once per distinct value of the column's
// dictionary (a 0/1 table), and a rule becomes a per-row evaluation in three-valued logic:
// true, false, or unknown (a test on a field the index does not keep, a keyword, or a row whose
// value could not be dictionary-encoded). Rows are first narrowed by eventName: the rule's
// condition says which eventNames it can possibly match, and only the rows with those names are
// looked at (one bucketing pass over the column, shared by every rule). Only rows left unknown
// are read again from their files, parsed and given to the reference evaluator (evaluate.ts).
import type { EventIndex } from '../index/eventIndex';
import type { ColumnStore } from '../index/columnStore';
import type { DetectionExpr, Level, SigmaRule } from './rule';
import { levelRank } from './rule';
import { ruleMatches } from './evaluate';
import type { Scalar } from './values';

const FALSE = 0;
const TRUE = 1;
const UNKNOWN = 2;
type Tri = 0 | 1 | 2;

export interface RuleHits {
  rule: SigmaRule;
  /** Matching rows, ascending row id. */
  rows: Uint32Array;
}

export interface DetectionRun {
  /** Per rule (same order as the rules given), its hits. */
  hits: RuleHits[];
  /** index.version the run saw. */
  version: number;
  /** Rows read again from their files because the columns could not answer. */
  rawRows: number;
  /** Where the time went: the column phase, and reading + evaluating undecided rows. */
  timings: { columnsMs: number; rawMs: number };
}

/** What run() needs of the index (EventIndex satisfies it). */
export type DetectableIndex = Pick<
  EventIndex,
  'store' | 'size' | 'version' | 'isDuplicate' | 'rawRecords'
>;

const RAW_CHUNK = 20_000;

export interface RunOptions {
  /** Only rows from this one on (the rows appended since an earlier run: a rule reads one row at a time). */
  from?: number;
  /** Keep hits on hidden duplicate rows (a view that hides them itself, and may see a row hidden later). */
  keepHidden?: boolean;
}

/** Every rule over every event shown (hidden duplicate rows are not matched), or over rows [from, size). */
export async function runRules(
  index: DetectableIndex,
  rules: readonly SigmaRule[],
  signal?: AbortSignal,
  options: RunOptions = {},
): Promise<DetectionRun> {
  const started = performance.now();
  const store = index.store;
  const size = index.size;
  const from = Math.min(options.from ?? 0, size);
  const version = index.version;
  const buckets = new NameBuckets(store, from, size);
  const forced = store.rowIrregular.filter((r) => r >= from && r < size);
  const hits: number[][] = rules.map(() => []);
  const pending = new Map<number, number[]>(); // row → rule indices to evaluate on the record
  const addPending = (row: number, ruleIndex: number) => {
    let list = pending.get(row);
    if (!list) pending.set(row, (list = []));
    list.push(ruleIndex);
  };
  rules.forEach((rule, k) => {
    const evalRow = compileRow(rule.expr, store);
    const names = possibleNames(rule.expr, store);
    const visit = (r: number) => {
      const v = evalRow(r);
      if (v === TRUE) hits[k].push(r);
      else if (v === UNKNOWN) addPending(r, k);
    };
    if (names) buckets.forRows(names, visit);
    else for (let r = from; r < size; r++) visit(r);
    // Rows every test must read from the record (see ColumnStore.rowIrregular).
    for (const r of forced) {
      const list = hits[k];
      const at = list.indexOf(r);
      if (at >= 0) list.splice(at, 1);
      if (!pending.get(r)?.includes(k)) addPending(r, k);
    }
  });
  const columnsDone = performance.now();
  const rawRowList = Uint32Array.from(pending.keys()).sort();
  for (let i = 0; i < rawRowList.length; i += RAW_CHUNK) {
    if (signal?.aborted) throw new Error('cancelled');
    const chunk = rawRowList.subarray(i, i + RAW_CHUNK);
    const texts = await index.rawRecords(chunk, signal);
    chunk.forEach((row, j) => {
      const record = safeParse(texts[j]);
      if (record === undefined) return;
      for (const k of pending.get(row)!) if (ruleMatches(rules[k], record)) hits[k].push(row);
    });
  }
  return {
    hits: rules.map((rule, k) => {
      const rows = Uint32Array.from(
        options.keepHidden ? hits[k] : hits[k].filter((r) => !index.isDuplicate(r)),
      ).sort();
      return { rule, rows };
    }),
    version,
    rawRows: rawRowList.length,
    timings: { columnsMs: columnsDone - started, rawMs: performance.now() - columnsDone },
  };
}

function safeParse(text: string | undefined): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Rows grouped by their eventName id (a counting sort), so a rule visits only its names' rows. */
class NameBuckets {
  private readonly start: Uint32Array;
  private readonly rows: Uint32Array;
  /** Rows whose eventName could not be dictionary-encoded: every rule looks at them. */
  private readonly irregular: number[] = [];
  constructor(store: ColumnStore, from: number, size: number) {
    const col = store.scalarByField.get('eventName')!;
    const ids = col.ids;
    const n = col.dict.size;
    const count = new Uint32Array(n + 1);
    for (let r = from; r < size; r++) {
      const id = ids[r];
      if (id < n) count[id + 1]++;
      else this.irregular.push(r);
    }
    for (let i = 1; i <= n; i++) count[i] += count[i - 1];
    this.start = count.slice();
    const fill = count.slice(0, n);
    this.rows = new Uint32Array(size - from);
    for (let r = from; r < size; r++) {
      const id = ids[r];
      if (id < n) this.rows[fill[id]++] = r;
    }
  }

  forRows(names: Uint8Array, visit: (r: number) => void): void {
    for (let id = 0; id < names.length && id + 1 < this.start.length; id++) {
      if (names[id] !== 1) continue;
      for (let i = this.start[id], end = this.start[id + 1]; i < end; i++) visit(this.rows[i]);
    }
    for (const r of this.irregular) visit(r);
  }
}

/** The values a dictionary holds at id, as the tests see them: none for the absent entry. */
function dictValues(values: readonly unknown[], id: number): Scalar[] {
  const v = values[id];
  return v === undefined ? [] : [v as Scalar];
}

/** Whether the column answers a field exactly (eventID rows are mostly packed bytes, not dictionary ids). */
function indexedColumn(store: ColumnStore, field: string | undefined) {
  if (field === undefined || field === 'eventID') return undefined;
  return store.scalarByField.get(field);
}

/**
 * The eventName ids (a 0/1 table over the eventName dictionary) that can possibly satisfy the
 * expression, or null when it does not narrow the names.
 */
function possibleNames(e: DetectionExpr, store: ColumnStore): Uint8Array | null {
  const col = store.scalarByField.get('eventName')!;
  const n = col.dict.size;
  switch (e.kind) {
    case 'leaf': {
      if (e.field !== 'eventName' || e.test.refs) return null;
      const t = new Uint8Array(n);
      for (let id = 0; id < n; id++) t[id] = e.test.test(dictValues(col.dict.values, id)) ? 1 : 0;
      return t;
    }
    case 'const':
      return e.value ? null : new Uint8Array(n);
    case 'not':
      return null;
    case 'and': {
      let acc: Uint8Array | null = null;
      for (const c of e.children) {
        const t = possibleNames(c, store);
        if (!t) continue;
        if (!acc) acc = t;
        else for (let i = 0; i < n; i++) acc[i] &= t[i];
      }
      return acc;
    }
    case 'or':
    case 'atLeast': {
      const acc = new Uint8Array(n);
      for (const c of e.children) {
        const t = possibleNames(c, store);
        if (!t) return null;
        for (let i = 0; i < n; i++) acc[i] |= t[i];
      }
      return acc;
    }
  }
}

/** The expression as a three-valued function of a row. */
function compileRow(e: DetectionExpr, store: ColumnStore): (r: number) => Tri {
  switch (e.kind) {
    case 'leaf': {
      const col = indexedColumn(store, e.field);
      if (!col || e.test.refs) return () => UNKNOWN; // another field's value: read the record
      const n = col.dict.size;
      const table = new Uint8Array(n);
      for (let id = 0; id < n; id++)
        table[id] = e.test.test(dictValues(col.dict.values, id)) ? TRUE : FALSE;
      const ids = col.ids;
      return (r) => {
        const id = ids[r];
        return id < n ? (table[id] as Tri) : UNKNOWN; // IRREGULAR: read the record
      };
    }
    case 'const': {
      const v: Tri = e.value ? TRUE : FALSE;
      return () => v;
    }
    case 'not': {
      const c = compileRow(e.child, store);
      return (r) => {
        const v = c(r);
        return v === UNKNOWN ? UNKNOWN : ((1 - v) as Tri);
      };
    }
    case 'and': {
      const cs = e.children.map((c) => compileRow(c, store));
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
      const cs = e.children.map((c) => compileRow(c, store));
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
      const cs = e.children.map((c) => compileRow(c, store));
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

/** Rule indices per row, for views: row → the rules that fired on it, highest level first. */
export function rulesByRow(run: DetectionRun): Map<number, SigmaRule[]> {
  const out = new Map<number, SigmaRule[]>();
  for (const h of run.hits) {
    for (const r of h.rows) {
      let list = out.get(r);
      if (!list) out.set(r, (list = []));
      list.push(h.rule);
    }
  }
  for (const list of out.values())
    list.sort((a, b) => levelRank(b.level) - levelRank(a.level) || (a.title < b.title ? -1 : 1));
  return out;
}

/** Hits at or above a level. */
export function hitsAtLeast(run: DetectionRun, level: Level): RuleHits[] {
  return run.hits.filter((h) => h.rows.length > 0 && levelRank(h.rule.level) >= levelRank(level));
}
