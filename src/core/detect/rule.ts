// Sigma rules for CloudTrail: reading the YAML and compiling the detection section into one
// boolean expression over field tests. A rule the engine cannot run completely (an aggregation,
// a correlation, an unknown modifier, another log source) is not compiled at all: it comes back
// as a problem with the reason, so no rule ever runs with part of its logic missing.
import { Document, parseAllDocuments, visit } from 'yaml';
import {
  compileValueTest,
  InvalidRule,
  keywordModifiers,
  UnsupportedRule,
  ValueTest,
} from './values';

import { Level, parseLevel } from './levels';
export { LEVELS, levelRank, parseLevel } from './levels';
export type { Level } from './levels';

/** A test of one field (dotted path into the record) or, without a field, of every value (a keyword). */
export interface LeafExpr {
  kind: 'leaf';
  /** Dotted path, or undefined for a keyword (matched against every value in the record). */
  field?: string;
  path: string[];
  test: ValueTest;
  /** The selection the test belongs to. */
  selection: string;
  /** The modifiers (a keyword's implicit `contains` included) and value as the rule wrote them:
   * enough to compile the test again in another thread (ingestDetect.ts). Absent on a leaf built by hand: such a rule runs on this thread only. */
  written?: { modifiers: string[]; value: unknown };
}

export type DetectionExpr =
  | LeafExpr
  | { kind: 'and' | 'or'; children: DetectionExpr[] }
  | { kind: 'atLeast'; n: number; children: DetectionExpr[] }
  | { kind: 'not'; child: DetectionExpr }
  | { kind: 'const'; value: boolean };

export interface SigmaRule {
  /** The rule's id (a UUID in well-formed rules); the title when the rule has none. */
  id: string;
  title: string;
  level: Level;
  status?: string;
  description: string;
  falsepositives: string[];
  tags: string[];
  references: string[];
  author?: string;
  /** Where the rule came from: 'built-in' or a file path. */
  source: string;
  /** The compiled detection: the condition with each selection inlined. */
  expr: DetectionExpr;
  /** Every field the rule reads. */
  fields: string[];
}

/** A rule that was not loaded, and why. */
export interface RuleProblem {
  source: string;
  id?: string;
  title?: string;
  /** 'unsupported': valid Sigma this engine does not run; 'invalid': not a valid rule. */
  kind: 'unsupported' | 'invalid';
  reason: string;
}

export interface ParsedRules {
  rules: SigmaRule[];
  problems: RuleProblem[];
}

/** Every rule in a YAML text (one rule per YAML document). */
export function parseSigmaRules(text: string, source: string): ParsedRules {
  const out: ParsedRules = { rules: [], problems: [] };
  let docs;
  try {
    docs = parseAllDocuments(text);
  } catch (e) {
    out.problems.push({ source, kind: 'invalid', reason: `not YAML: ${(e as Error).message}` });
    return out;
  }
  const list = Array.isArray(docs) ? docs : [docs];
  for (const doc of list) {
    if (doc.errors.length) {
      out.problems.push({
        source,
        kind: 'invalid',
        reason: `not valid YAML: ${doc.errors[0].message.split('\n')[0]}`,
      });
      continue;
    }
    keepWrittenDigits(doc);
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: 100 });
    } catch (e) {
      out.problems.push({
        source,
        kind: 'invalid',
        reason: `not valid YAML: ${(e as Error).message}`,
      });
      continue;
    }
    if (value === null || value === undefined) continue; // an empty document (a trailing ---)
    const r = compileRule(value, source);
    if ('reason' in r) out.problems.push(r);
    else out.rules.push(r);
  }
  // A file of nothing (or only comments and `---`) would otherwise be read without a word.
  if (!out.rules.length && !out.problems.length)
    out.problems.push({
      source,
      kind: 'invalid',
      reason: 'holds no rule (it is empty, or only comments)',
    });
  return out;
}

/**
 * A plain scalar of digits with leading zeros, which YAML reads as a number without them, is the
 * text written: `recipientAccountId: 012345678901` is that account, not 12345678901 (which would
 * match another account instead).
 */
function keepWrittenDigits(doc: Document.Parsed): void {
  visit(doc, {
    Scalar(_key, node) {
      const src = node.source;
      if (
        typeof node.value === 'number' &&
        node.type === 'PLAIN' &&
        typeof src === 'string' &&
        /^-?0\d+$/.test(src)
      )
        node.value = src;
    },
  });
}

const isMap = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined =>
  typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined;
const strList = (v: unknown): string[] =>
  Array.isArray(v)
    ? v.map(str).filter((s): s is string => s !== undefined)
    : typeof v === 'string'
      ? [v]
      : [];

/** One rule document → a compiled rule, or the problem that keeps it from running. */
export function compileRule(doc: unknown, source: string): SigmaRule | RuleProblem {
  if (!isMap(doc)) return { source, kind: 'invalid', reason: 'a rule must be a YAML map' };
  const id = str(doc.id);
  const title = str(doc.title);
  const problem = (kind: RuleProblem['kind'], reason: string): RuleProblem => ({
    source,
    ...(id ? { id } : {}),
    ...(title ? { title } : {}),
    kind,
    reason,
  });
  if ('correlation' in doc)
    return problem(
      'unsupported',
      'a correlation rule (it relates the hits of other rules over time); only single-event rules run',
    );
  if ('action' in doc)
    return problem(
      'unsupported',
      `a rule collection document (action: ${str(doc.action) ?? '?'}); write each rule in full`,
    );
  if (!title) return problem('invalid', 'the rule has no title');
  const logsource = doc.logsource;
  if (!isMap(logsource)) return problem('invalid', 'the rule has no logsource');
  const product = str(logsource.product)?.toLowerCase();
  const service = str(logsource.service)?.toLowerCase();
  if (product !== 'aws' || service !== 'cloudtrail') {
    const parts = ['product', 'service', 'category']
      .filter((k) => logsource[k] !== undefined)
      .map((k) => `${k}: ${String(logsource[k])}`);
    return problem(
      'unsupported',
      `logsource ${parts.join(', ') || '(empty)'} is not product: aws, service: cloudtrail`,
    );
  }
  const levelText = doc.level === undefined ? 'medium' : str(doc.level);
  const level = levelText ? parseLevel(levelText) : undefined;
  if (!level)
    return problem(
      'invalid',
      `unknown level '${String(doc.level)}' (informational, low, medium, high or critical)`,
    );
  const detection = doc.detection;
  if (!isMap(detection)) return problem('invalid', 'the rule has no detection section');
  let expr: DetectionExpr;
  const fields = new Set<string>();
  try {
    expr = compileDetection(detection, fields);
  } catch (e) {
    if (e instanceof UnsupportedRule) return problem('unsupported', e.message);
    if (e instanceof InvalidRule) return problem('invalid', e.message);
    throw e;
  }
  return {
    id: id ?? title,
    title,
    level,
    ...(str(doc.status) ? { status: str(doc.status) } : {}),
    description: str(doc.description) ?? '',
    falsepositives: strList(doc.falsepositives),
    tags: strList(doc.tags).map((t) => t.toLowerCase()),
    references: strList(doc.references),
    ...(str(doc.author) ? { author: str(doc.author) } : {}),
    source,
    expr,
    fields: [...fields],
  };
}

function compileDetection(detection: Record<string, unknown>, fields: Set<string>): DetectionExpr {
  if ('timeframe' in detection)
    throw new UnsupportedRule('an aggregation over a timeframe (detection.timeframe)');
  const condition = detection.condition;
  const selections = new Map<string, DetectionExpr>();
  for (const [name, value] of Object.entries(detection)) {
    if (name === 'condition') continue;
    selections.set(name, compileSelection(name, value, fields));
  }
  let conditions: string[];
  if (typeof condition === 'string') conditions = [condition];
  else if (
    Array.isArray(condition) &&
    condition.length > 0 &&
    condition.every((c) => typeof c === 'string')
  )
    conditions = condition as string[];
  else throw new InvalidRule('detection.condition is missing (or not text)');
  const exprs = conditions.map((c) => parseCondition(c, selections));
  return exprs.length === 1 ? exprs[0] : { kind: 'or', children: exprs };
}

function compileSelection(name: string, value: unknown, fields: Set<string>): DetectionExpr {
  if (isMap(value)) return compileMap(name, value, fields);
  if (Array.isArray(value)) {
    if (value.length === 0) throw new InvalidRule(`selection '${name}' is an empty list`);
    if (value.every(isMap))
      return {
        kind: 'or',
        children: value.map((m) => compileMap(name, m as Record<string, unknown>, fields)),
      };
    if (value.every((v) => !isMap(v) && !Array.isArray(v))) return keyword(name, [], value);
    throw new InvalidRule(`selection '${name}' mixes maps and plain values`);
  }
  if (typeof value === 'string' || typeof value === 'number') return keyword(name, [], value);
  throw new InvalidRule(`selection '${name}' must be a map, a list or a value`);
}

/** Modifiers that test one field: on a keyword (every value of the event) they would hold for nearly any event. */
const FIELD_ONLY_MODIFIERS = new Set(['exists', 'fieldref']);

function keyword(selection: string, modifiers: string[], value: unknown): LeafExpr {
  const fieldOnly = modifiers.find((m) => FIELD_ONLY_MODIFIERS.has(m.toLowerCase()));
  if (fieldOnly)
    throw new InvalidRule(
      `selection '${selection}': |${fieldOnly} needs a field (it is written on a keyword, which is searched in every value of the event)`,
    );
  const implied = keywordModifiers(modifiers);
  return {
    kind: 'leaf',
    path: [],
    test: compileValueTest(implied, value),
    selection,
    written: { modifiers: implied, value },
  };
}

function compileMap(
  selection: string,
  map: Record<string, unknown>,
  fields: Set<string>,
): DetectionExpr {
  const children: DetectionExpr[] = [];
  const entries = Object.entries(map);
  if (entries.length === 0) throw new InvalidRule(`selection '${selection}' is an empty map`);
  for (const [key, value] of entries) {
    const [field, ...modifiers] = key.split('|');
    if (isMap(value))
      throw new InvalidRule(`selection '${selection}': field '${field}' has a map as its value`);
    if (Array.isArray(value) && value.some((v) => Array.isArray(v) || isMap(v)))
      throw new InvalidRule(`selection '${selection}': field '${field}' has nested lists or maps`);
    if (field === '') {
      children.push(keyword(selection, modifiers, value));
      continue;
    }
    fields.add(field);
    if (modifiers.some((m) => m.toLowerCase() === 'fieldref'))
      for (const v of Array.isArray(value) ? value : [value])
        if (typeof v === 'string') fields.add(v);
    children.push({
      kind: 'leaf',
      field,
      path: field.split('.'),
      test: compileValueTest(modifiers, value),
      selection,
      written: { modifiers, value },
    });
  }
  return children.length === 1 ? children[0] : { kind: 'and', children };
}

// ── conditions ────────────────────────────────────────────────────────────────────────────

type Tok = { t: 'word'; v: string } | { t: '(' } | { t: ')' };

function tokenize(text: string): Tok[] {
  if (text.includes('|'))
    throw new UnsupportedRule(
      `an aggregation in the condition ('${text.slice(text.indexOf('|')).trim()}')`,
    );
  const out: Tok[] = [];
  const re = /\s*(\(|\)|[^\s()]+)/gy;
  let m: RegExpExecArray | null;
  let last = 0;
  while ((m = re.exec(text))) {
    last = re.lastIndex;
    if (m[1] === '(' || m[1] === ')') out.push({ t: m[1] });
    else out.push({ t: 'word', v: m[1] });
  }
  if (text.slice(last).trim()) throw new InvalidRule(`cannot read the condition '${text}'`);
  return out;
}

/** Parses a condition (and, or, not, parentheses, `1 of x*`, `all of them`…) over the selections. */
export function parseCondition(
  text: string,
  selections: Map<string, DetectionExpr>,
): DetectionExpr {
  const toks = tokenize(text);
  let i = 0;
  const peekWord = (k = 0) => {
    const t = toks[i + k];
    return t && t.t === 'word' ? t.v.toLowerCase() : undefined;
  };
  const fail = (what: string): never => {
    throw new InvalidRule(`condition '${text}': ${what}`);
  };
  const parseOr = (): DetectionExpr => {
    const parts = [parseAnd()];
    while (peekWord() === 'or') {
      i++;
      parts.push(parseAnd());
    }
    return parts.length === 1 ? parts[0] : { kind: 'or', children: parts };
  };
  const parseAnd = (): DetectionExpr => {
    const parts = [parseNot()];
    while (peekWord() === 'and') {
      i++;
      parts.push(parseNot());
    }
    return parts.length === 1 ? parts[0] : { kind: 'and', children: parts };
  };
  const parseNot = (): DetectionExpr => {
    if (peekWord() === 'not') {
      i++;
      return { kind: 'not', child: parseNot() };
    }
    return parsePrimary();
  };
  const parsePrimary = (): DetectionExpr => {
    const t = toks[i];
    if (!t) return fail('ends too early');
    if (t.t === '(') {
      i++;
      const e = parseOr();
      if (toks[i]?.t !== ')') fail("a '(' is not closed");
      i++;
      return e;
    }
    if (t.t === ')') return fail("an unexpected ')'");
    const w = t.v;
    const lower = w.toLowerCase();
    if (peekWord(1) === 'of' && (lower === 'all' || lower === 'any' || /^\d+$/.test(lower))) {
      const target = toks[i + 2];
      if (!target || target.t !== 'word')
        return fail(`'${w} of' needs a selection name, pattern or 'them'`);
      i += 3;
      const names =
        target.v.toLowerCase() === 'them'
          ? [...selections.keys()].filter((n) => !n.startsWith('_'))
          : namesMatching(target.v, [...selections.keys()]);
      if (names.length === 0) return fail(`no selection matches '${target.v}'`);
      const children = names.map((n) => selections.get(n)!);
      if (lower === 'all') return children.length === 1 ? children[0] : { kind: 'and', children };
      const n = lower === 'any' ? 1 : Number(lower);
      if (n <= 1) return children.length === 1 ? children[0] : { kind: 'or', children };
      return { kind: 'atLeast', n, children };
    }
    if (lower === 'and' || lower === 'or' || lower === 'of')
      return fail(`'${w}' where a selection was expected`);
    i++;
    const sel = selections.get(w);
    if (!sel) return fail(`no selection named '${w}'`);
    return sel;
  };
  if (toks.length === 0) fail('is empty');
  const expr = parseOr();
  if (i < toks.length)
    fail(`unexpected '${toks[i].t === 'word' ? (toks[i] as { v: string }).v : toks[i].t}'`);
  return expr;
}

function namesMatching(pattern: string, names: string[]): string[] {
  const re = new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
  );
  return names.filter((n) => re.test(n));
}
