// A compiled rule on one parsed record: the reference semantics. The index runner (run.ts)
// answers what it can from the columns and hands the rest to this function, so both agree.
import { canonicalRecord } from '../ingest/canonical';
import type { DetectionExpr, LeafExpr, SigmaRule } from './rule';
import type { Scalar } from './values';

/**
 * The values at a dotted path: objects are walked by key (exactly), arrays fan out (any element).
 * A path that ends on an object gives its JSON text and every scalar inside it, so a rule's
 * `requestParameters|contains: '"s3:GetObject"'` finds the policy text held in one of its
 * strings. Absent → [].
 */
export function valuesAt(record: unknown, path: readonly string[]): Scalar[] {
  const out: Scalar[] = [];
  const walk = (v: unknown, i: number) => {
    if (v === undefined) return;
    if (Array.isArray(v)) {
      for (const e of v) walk(e, i);
      return;
    }
    if (i === path.length) {
      if (typeof v === 'object' && v !== null) {
        out.push(JSON.stringify(v));
        out.push(...allValues(v));
      } else out.push(v as Scalar);
      return;
    }
    if (typeof v !== 'object' || v === null) return;
    if (!Object.prototype.hasOwnProperty.call(v, path[i])) return;
    walk((v as Record<string, unknown>)[path[i]], i + 1);
  };
  walk(record, 0);
  return out;
}

/** Every scalar in the record (a keyword is searched among them). */
function allValues(record: unknown): Scalar[] {
  const out: Scalar[] = [];
  const walk = (v: unknown) => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (typeof v === 'object' && v !== null) Object.values(v).forEach(walk);
    else if (v !== undefined) out.push(v as Scalar);
  };
  walk(record);
  return out;
}

export function leafMatches(leaf: LeafExpr, record: unknown): boolean {
  const values = leaf.field === undefined ? allValues(record) : valuesAt(record, leaf.path);
  const { refs, compare } = leaf.test;
  if (refs && compare)
    return compare(
      values,
      refs.map((p) => valuesAt(record, p)),
    );
  return leaf.test.test(values);
}

export function exprMatches(e: DetectionExpr, record: unknown): boolean {
  switch (e.kind) {
    case 'leaf':
      return leafMatches(e, record);
    case 'const':
      return e.value;
    case 'not':
      return !exprMatches(e.child, record);
    case 'and':
      return e.children.every((c) => exprMatches(c, record));
    case 'or':
      return e.children.some((c) => exprMatches(c, record));
    case 'atLeast': {
      let n = 0;
      for (const c of e.children) if (exprMatches(c, record) && ++n >= e.n) return true;
      return false;
    }
  }
}

/** The record a rule is run on, from its stored text: undefined when there is none or it is not JSON (no rule matches it). */
export function recordOf(text: string | undefined): unknown {
  if (!text) return undefined;
  try {
    return ruleRecord(JSON.parse(text));
  } catch {
    return undefined;
  }
}

/**
 * A parsed record as rules read it: with the keys a pipeline renamed read under CloudTrail's
 * names (canonical.ts), as the index's columns hold them, so that a rule gives the same answer
 * whether its tests are answered by the columns or by the record.
 */
export function ruleRecord(parsed: unknown): unknown {
  return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
    ? canonicalRecord(parsed as Record<string, unknown>).record
    : parsed;
}

/** Whether the rule matches a record read by recordOf (or ruleRecord). */
export function ruleMatches(rule: SigmaRule, record: unknown): boolean {
  return exprMatches(rule.expr, record);
}

/** One reason a rule fired: a field test that held, with the values it saw. */
export interface MatchReason {
  selection: string;
  /** The field, or undefined for a keyword. */
  field?: string;
  /** What was tested ("contains 'x'"). */
  condition: string;
  /** The values found at the field (text form; at most a few). */
  values: string[];
}

/**
 * Why a matching record (parsed) matched: the field tests that held in the positive parts of the
 * condition (the parts under a `not` held by being false, and are not listed).
 */
export function explainMatch(rule: SigmaRule, parsed: unknown): MatchReason[] {
  const record = ruleRecord(parsed);
  const out: MatchReason[] = [];
  const seen = new Set<LeafExpr>();
  const visit = (e: DetectionExpr) => {
    switch (e.kind) {
      case 'leaf': {
        if (seen.has(e) || !leafMatches(e, record)) return;
        seen.add(e);
        const vals = e.field === undefined ? [] : valuesAt(record, e.path);
        out.push({
          selection: e.selection,
          ...(e.field !== undefined ? { field: e.field } : {}),
          condition: e.test.text,
          values: vals.slice(0, 5).map((v) => (v === null ? 'null' : String(v))),
        });
        return;
      }
      case 'and':
      case 'or':
      case 'atLeast':
        for (const c of e.children) if (exprMatches(c, record)) visit(c);
        return;
      default:
        return;
    }
  };
  visit(rule.expr);
  return out;
}
