// Running rules over the event index without parsing every record.
//
// Each field test on an indexed column is applied once per distinct value of the column's
// dictionary (a 0/1 table), and a rule becomes a per-row evaluation in three-valued logic:
// true, false, or unknown (a test on a field the index does not keep, a keyword, or a row whose
// value could not be dictionary-encoded). Rows are first narrowed by eventName: the rule's
// condition says which eventNames it can possibly match, and only the rows with those names are
// looked at (one bucketing pass over the column, shared by every rule). Only rows left unknown
// are looked up among the answers the ingest job decided while it had the file's text
// (ingestDetect.ts), kept by rule fingerprint (also in the index's snapshot); those it did not
// decide (rules edited since, rows of a load without rules or from the per-file pack) are read
// again from their files, parsed and given to the reference evaluator (evaluate.ts).
import type { EventIndex } from '../index/eventIndex';
import type { ColumnStore } from '../index/columnStore';
import type { Level, SigmaRule } from './rule';
import { levelRank } from './rule';
import { recordOf, ruleMatches } from './evaluate';
import { compileRow, possibleNames, RuleColumns, TRUE, UNKNOWN } from './columnLogic';

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
  /** Rows read again from their files because neither the columns nor the ingest answers could. */
  rawRows: number;
  /** Rows the columns left undecided that the answers decided at ingest settled (not read). */
  answeredRows: number;
  /** Where the time went: the column phase, looking up ingest answers, reading + evaluating the rest. */
  timings: { columnsMs: number; answersMs: number; rawMs: number };
}

/** What run() needs of the index (EventIndex satisfies it). */
export type DetectableIndex = Pick<
  EventIndex,
  'store' | 'size' | 'version' | 'isDuplicate' | 'rawRecords' | 'ingestAnswers'
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
  const columns: RuleColumns = (field) => {
    const col = store.scalarByField.get(field);
    return col && { ids: col.ids, values: col.dict.values };
  };
  const nameColumn = columns('eventName')!;
  rules.forEach((rule, k) => {
    const evalRow = compileRow(rule.expr, columns);
    const possible = possibleNames(rule.expr, nameColumn);
    const names = possible && Uint8Array.from(nameColumn.values, (_, id) => (possible(id) ? 1 : 0));
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
  const answered = settleFromAnswers(index, rules, from, size, pending, hits);
  const answersDone = performance.now();
  const rawRowList = Uint32Array.from(pending.keys()).sort();
  for (let i = 0; i < rawRowList.length; i += RAW_CHUNK) {
    if (signal?.aborted) throw new Error('cancelled');
    const chunk = rawRowList.subarray(i, i + RAW_CHUNK);
    const texts = await index.rawRecords(chunk, signal);
    chunk.forEach((row, j) => {
      const record = recordOf(texts[j]);
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
    answeredRows: answered,
    timings: {
      columnsMs: columnsDone - started,
      answersMs: answersDone - columnsDone,
      rawMs: performance.now() - answersDone,
    },
  };
}

/**
 * Settles the pending (row, rule) pairs the ingest job decided (rules of the same fingerprint,
 * the same record text, the same evaluator): a hit is added, the pair leaves `pending`. Returns how many
 * rows were settled whole.
 */
function settleFromAnswers(
  index: DetectableIndex,
  rules: readonly SigmaRule[],
  from: number,
  size: number,
  pending: Map<number, number[]>,
  hits: number[][],
): number {
  const answers = index.ingestAnswers;
  if (!answers || answers.empty || pending.size === 0) return 0;
  const positions = new Map<number, number[]>(); // answers' rule position → rule indices
  rules.forEach((rule, k) => {
    const id = answers.idOf(rule);
    if (id === undefined) return;
    const list = positions.get(id);
    if (list) list.push(k);
    else positions.set(id, [k]);
  });
  if (positions.size === 0) return 0;
  let settled = 0;
  answers.forEach(from, size, (row, rule, matched) => {
    const ks = positions.get(rule);
    const list = ks && pending.get(row);
    if (!list) return;
    for (const k of ks) {
      const at = list.indexOf(k);
      if (at < 0) continue;
      list.splice(at, 1);
      if (matched) hits[k].push(row);
    }
    if (list.length === 0) {
      pending.delete(row);
      settled++;
    }
  });
  return settled;
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
