// Deciding rules while a file is indexed. The runner (run.ts) answers most rows from the
// columns; the rows it cannot (a rule reads a field the index does not keep) it would have to
// read again from their files, and those rows are spread over almost every file. The ingest job
// has each file's text at hand, so it decides them there: it runs the same three-valued logic
// on the file's own columns (columnLogic.ts), parses (JSON.parse) only the records some rule
// leaves unknown, evaluates those rules on them (evaluate.ts, the reference semantics) and
// returns the answers with the batch. The index keeps them (IngestAnswers); the runner looks
// its undecided rows up there and reads only the rest from the files, as before.
//
// A rule crosses to a worker as its written tests (LeafExpr.written) and is compiled again
// there, once per worker and rule set (DetectPlan.key). Answers are kept under each rule's
// fingerprint (ruleFingerprint: its id and portable expression), so the same rule read again
// (another process, the same YAML) finds them, in memory or in the index's snapshot; an edited
// rule has another fingerprint, no answers, and is run the usual way.
import { createHash } from 'node:crypto';
import { EVENT_NAME_COLUMN, IRREGULAR, SCALAR_FIELDS } from '../index/schema';
import type { ColumnBatch } from '../ingest/batch';
import { recordTexts } from '../ingest/eventFile';
import type { FileText } from '../ingest/textEncoding';
import { compileRow, nameTest, readsRecord, RuleColumn, testValues, UNKNOWN } from './columnLogic';
import { exprMatches, recordOf } from './evaluate';
import type { DetectionExpr, SigmaRule } from './rule';
import { compileValueTest } from './values';

/** A rule's expression without functions: what a worker compiles again. */
export type PortableExpr =
  | { kind: 'leaf'; field?: string; selection: string; modifiers: string[]; value: unknown }
  | { kind: 'and' | 'or'; children: PortableExpr[] }
  | { kind: 'atLeast'; n: number; children: PortableExpr[] }
  | { kind: 'not'; child: PortableExpr }
  | { kind: 'const'; value: boolean };

/** The rules an ingest job decides (structured-clone-able). */
export interface DetectPlan {
  /** Names the rule set for the life of the process (workers keep it compiled under this key). */
  key: number;
  /** Per rule, its portable expression (null: a rule built by hand, never decided at ingest).
   * Left out once a worker has it (WorkerPool). */
  rules?: (PortableExpr | null)[];
}

/** A file's answers: entry i says whether rule rules[i] (plan order) matched local row rows[i]. */
export interface BatchDetections {
  rows: Uint32Array;
  rules: Uint16Array;
  matched: Uint8Array;
}

let nextKey = 1;

/** The plan of a load: its rules as the ingest job gets them, and the rules its answers are about. */
export function detectPlan(rules: readonly SigmaRule[]): {
  plan: DetectPlan;
  rules: readonly SigmaRule[];
} {
  const list = rules.slice(0, 0xffff); // rule positions travel as Uint16
  return { plan: { key: nextKey++, rules: list.map((r) => portable(r.expr)) }, rules: list };
}

/** Bump when what an answer means changes (the evaluator's or the column logic's semantics).
 * 2: the evaluator reads renamed keys under CloudTrail's names (ruleRecord). */
const ANSWERS_SEMANTICS = 2;
const fingerprints = new WeakMap<SigmaRule, string | null>();

/**
 * What decides a rule's matching, as a name that survives the process: sha256 of its id and
 * portable expression (canonical JSON). Null for a rule without a portable form (never decided
 * at ingest).
 */
export function ruleFingerprint(rule: SigmaRule): string | null {
  let f = fingerprints.get(rule);
  if (f === undefined) {
    const p = portable(rule.expr);
    f =
      p &&
      createHash('sha256')
        .update(canonicalJson([ANSWERS_SEMANTICS, rule.id, p]))
        .digest('hex');
    fingerprints.set(rule, f);
  }
  return f;
}

/** JSON with object keys sorted (the same value always gives the same text). */
function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map((x) => canonicalJson(x ?? null)).join(',')}]`;
  if (v !== null && typeof v === 'object')
    return `{${Object.keys(v)
      .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(v) ?? 'null';
}

function portable(e: DetectionExpr): PortableExpr | null {
  switch (e.kind) {
    case 'leaf':
      if (!e.written) return null;
      return {
        kind: 'leaf',
        ...(e.field !== undefined ? { field: e.field } : {}),
        selection: e.selection,
        modifiers: e.written.modifiers,
        value: e.written.value,
      };
    case 'const':
      return { kind: 'const', value: e.value };
    case 'not': {
      const child = portable(e.child);
      return child && { kind: 'not', child };
    }
    default: {
      const children: PortableExpr[] = [];
      for (const c of e.children) {
        const p = portable(c);
        if (!p) return null;
        children.push(p);
      }
      return e.kind === 'atLeast'
        ? { kind: 'atLeast', n: e.n, children }
        : { kind: e.kind, children };
    }
  }
}

function compiled(e: PortableExpr): DetectionExpr {
  switch (e.kind) {
    case 'leaf':
      return {
        kind: 'leaf',
        ...(e.field !== undefined ? { field: e.field } : {}),
        path: e.field === undefined ? [] : e.field.split('.'),
        test: compileValueTest(e.modifiers, e.value),
        selection: e.selection,
      };
    case 'const':
      return e;
    case 'not':
      return { kind: 'not', child: compiled(e.child) };
    case 'atLeast':
      return { kind: 'atLeast', n: e.n, children: e.children.map(compiled) };
    default:
      return { kind: e.kind, children: e.children.map(compiled) };
  }
}

// ── in the ingest job (a worker) ─────────────────────────────────────────────────────────────

export interface CompiledPlan {
  exprs: (DetectionExpr | null)[];
  /** Plan positions of the rules with a test only the record answers. */
  reading: Set<number>;
  /** The same rules as a list (what a row of an eventName that could not be encoded is tried on). */
  readingAll: number[];
  /** The rules of `reading` that an eventName (its value) can satisfy: worked out once per name. */
  readingFor(name: unknown): number[];
  /** The other rules that an eventName can satisfy, likewise. */
  othersFor(name: unknown): number[];
}

/** Which of the rules (plan positions) each eventName value can satisfy, remembered per name. */
function rulesByName(exprs: (DetectionExpr | null)[], rules: number[]) {
  const tests = rules.map((k) => nameTest(exprs[k]!));
  const byName = new Map<unknown, number[]>();
  return (name: unknown): number[] => {
    const values = testValues(name);
    // By the value tested: a number kept as written is another object in each batch.
    const key = values.length ? values[0] : undefined;
    let list = byName.get(key);
    if (!list) {
      list = [];
      for (let i = 0; i < rules.length; i++) if (tests[i]?.(values) ?? true) list.push(rules[i]);
      byName.set(key, list);
    }
    return list;
  };
}

/** Plans compiled in this thread, by key, least recently used first (one per rule set loaded recently). */
const compiledPlans = new Map<number, CompiledPlan>();
/** How many plans a thread keeps compiled (WorkerPool sends the rules again past that). */
export const PLANS_KEPT = 4;

/**
 * The plan compiled in this thread. A job that brings the rules compiles them first, whatever
 * happens to its file: later jobs of the same worker name the plan by key only (WorkerPool).
 */
export function compiledPlan(plan: DetectPlan): CompiledPlan | undefined {
  let c = compiledPlans.get(plan.key);
  if (c) {
    compiledPlans.delete(plan.key); // now the most recently used
    compiledPlans.set(plan.key, c);
    return c;
  }
  if (!plan.rules) return undefined;
  let exprs: (DetectionExpr | null)[];
  try {
    exprs = plan.rules.map((p) => (p ? compiled(p) : null));
  } catch {
    return undefined; // compiled on the calling thread, so never expected; the runner reads rows
  }
  const reading = exprs.flatMap((e, k) => (e && readsRecord(e) ? [k] : []));
  const others = exprs.flatMap((e, k) => (e && !readsRecord(e) ? [k] : []));
  c = {
    exprs,
    reading: new Set(reading),
    readingAll: reading,
    readingFor: rulesByName(exprs, reading),
    othersFor: rulesByName(exprs, others),
  };
  compiledPlans.set(plan.key, c);
  if (compiledPlans.size > PLANS_KEPT)
    compiledPlans.delete(compiledPlans.keys().next().value as number);
  return c;
}

/**
 * The rules of the plan on the file's rows that its columns leave undecided: each such record
 * is parsed once and the rules evaluated on it. Undefined when there is nothing to answer (or
 * evaluation failed: the runner then reads the rows itself).
 */
export function decideBatch(
  plan: CompiledPlan,
  text: FileText,
  batch: ColumnBatch,
  spans?: readonly number[],
): BatchDetections | undefined {
  try {
    return decide(plan, text, batch, spans);
  } catch {
    return undefined;
  }
}

function decide(
  c: CompiledPlan,
  text: FileText,
  batch: ColumnBatch,
  spans: readonly number[] | undefined,
): BatchDetections | undefined {
  if (batch.count === 0) return undefined;
  const columns = (field: string): RuleColumn | undefined => {
    const at = SCALAR_FIELDS.indexOf(field as (typeof SCALAR_FIELDS)[number]);
    return at < 0 ? undefined : { ids: batch.scalars[at], values: batch.values };
  };
  const need = new Map<number, number[]>(); // local row → plan positions to evaluate
  const add = (row: number, k: number) => {
    const list = need.get(row);
    if (!list) need.set(row, [k]);
    else if (!list.includes(k)) list.push(k);
  };
  // The rules that read the record are tried on every row of an eventName they can match; the
  // others only on rows with a value that could not be dictionary-encoded (IRREGULAR), which
  // they may leave unknown.
  const irregularMark = new Uint8Array(batch.count);
  for (let col = 0; col < SCALAR_FIELDS.length; col++) {
    const ids = batch.scalars[col];
    for (let r = 0; r < batch.count; r++) if (ids[r] === IRREGULAR) irregularMark[r] = 1;
  }
  const irregular: number[] = [];
  for (let r = 0; r < batch.count; r++) if (irregularMark[r]) irregular.push(r);
  const names = columns('eventName')!;
  const n = names.values.length;
  const nameIds = batch.scalars[EVENT_NAME_COLUMN];
  const byName = (rows: Iterable<number>) => {
    const out = new Map<number, number[]>();
    for (const r of rows) {
      const id = nameIds[r];
      const list = out.get(id);
      if (list) list.push(r);
      else out.set(id, [r]);
    }
    return out;
  };
  const rowTests = new Map<number, (r: number) => number>();
  const rowTest = (k: number) => {
    let t = rowTests.get(k);
    if (!t) rowTests.set(k, (t = compileRow(c.exprs[k]!, columns)));
    return t;
  };
  if (c.reading.size > 0)
    for (const [id, rows] of byName(rowsUpTo(batch.count))) {
      // An eventName that could not be dictionary-encoded: any rule may match it.
      for (const k of id < n ? c.readingFor(names.values[id]) : c.readingAll) {
        const test = rowTest(k);
        for (const r of rows) if (test(r) === UNKNOWN) add(r, k);
      }
    }
  if (irregular.length > 0)
    for (const [id, rows] of byName(irregular)) {
      const ks = id < n ? c.othersFor(names.values[id]) : c.exprs.map((e, k) => k);
      for (const k of ks) {
        if (!c.exprs[k] || c.reading.has(k)) continue;
        const test = rowTest(k);
        for (const r of rows) if (test(r) === UNKNOWN) add(r, k);
      }
    }
  // Rows every test must read from the record (ColumnStore.rowIrregular): every rule.
  for (const r of batch.rowIrregular) c.exprs.forEach((e, k) => e && add(r, k));
  if (need.size === 0) return undefined;
  const rows = [...need.keys()].sort((a, b) => a - b);
  // The scanner's spans (a row each), else the records found again in the text (as rawRecords does).
  const texts =
    spans && spans.length === 2 * batch.count
      ? rows.map((r) => text.slice(spans[2 * r], spans[2 * r + 1]))
      : recordTexts(
          text.text,
          batch.shape,
          rows.map((r) => batch.elements[r]),
        );
  const outRows: number[] = [];
  const outRules: number[] = [];
  const outMatched: number[] = [];
  rows.forEach((r, i) => {
    const record = recordOf(texts[i]);
    for (const k of need.get(r)!) {
      outRows.push(r);
      outRules.push(k);
      outMatched.push(record !== undefined && exprMatches(c.exprs[k]!, record) ? 1 : 0);
    }
  });
  return {
    rows: Uint32Array.from(outRows),
    rules: Uint16Array.from(outRules),
    matched: Uint8Array.from(outMatched),
  };
}

function* rowsUpTo(count: number): Generator<number> {
  for (let r = 0; r < count; r++) yield r;
}

/** The typed arrays of the answers, for postMessage's transfer list. */
export function detectionTransferables(d: BatchDetections | undefined): ArrayBuffer[] {
  return d ? ([d.rows.buffer, d.rules.buffer, d.matched.buffer] as ArrayBuffer[]) : [];
}

// ── in the index ─────────────────────────────────────────────────────────────────────────────

/** A file's answers in the index: rules by position in IngestAnswers' fingerprints. */
export interface AnsweredBatch {
  firstRow: number;
  rows: Uint32Array;
  rules: Uint32Array;
  matched: Uint8Array;
}

/** The answers as a snapshot keeps them (ingest/indexSnapshot.ts). */
export interface AnswersState {
  fingerprints: string[];
  batches: AnsweredBatch[];
}

/** The answers decided while the index's files were loaded, by row and rule fingerprint. */
export class IngestAnswers {
  private fingerprints: string[] = [];
  private ids = new Map<string, number>();
  private batches: AnsweredBatch[] = [];
  /** Per plan rule list, each rule's position in `fingerprints` (-1: none). */
  private readonly planIds = new WeakMap<readonly SigmaRule[], Int32Array>();

  /** A file's answers, its rows appended from firstRow on; `rules` is the plan's rule list. */
  add(firstRow: number, rules: readonly SigmaRule[], answers: BatchDetections): void {
    if (answers.rows.length === 0) return;
    let ids = this.planIds.get(rules);
    if (!ids) {
      ids = Int32Array.from(rules, (rule) => {
        const f = ruleFingerprint(rule);
        if (f === null) return -1;
        let id = this.ids.get(f);
        if (id === undefined) {
          id = this.fingerprints.push(f) - 1;
          this.ids.set(f, id);
        }
        return id;
      });
      this.planIds.set(rules, ids);
    }
    const { rows, rules: ks, matched } = answers;
    const known = ks.every((k) => k < ids.length && ids[k] >= 0); // always, for a plan's answers
    if (!known) return;
    this.batches.push({ firstRow, rows, rules: Uint32Array.from(ks, (k) => ids[k]), matched });
  }

  get empty(): boolean {
    return this.batches.length === 0;
  }

  /** The position of the rule's answers (undefined: it has none). */
  idOf(rule: SigmaRule): number | undefined {
    const f = ruleFingerprint(rule);
    return f === null ? undefined : this.ids.get(f);
  }

  /** Every answer about a row in [from, to): the row, the rule's position (idOf), the answer. */
  forEach(
    from: number,
    to: number,
    visit: (row: number, rule: number, matched: boolean) => void,
  ): void {
    for (const { firstRow, rows, rules, matched } of this.batches) {
      if (firstRow >= to || firstRow + rows[rows.length - 1] < from) continue;
      for (let i = 0; i < rows.length; i++) {
        const row = firstRow + rows[i];
        if (row >= from && row < to) visit(row, rules[i], matched[i] === 1);
      }
    }
  }

  /** The answers as they are (views, not copies). */
  state(): AnswersState {
    return { fingerprints: this.fingerprints, batches: this.batches };
  }

  /** Takes saved answers whole (an index adopting a snapshot). */
  restore(s: AnswersState): void {
    this.fingerprints = s.fingerprints.slice();
    this.ids = new Map(this.fingerprints.map((f, i) => [f, i]));
    this.batches = s.batches.slice();
  }
}
