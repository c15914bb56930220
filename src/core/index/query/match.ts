// The meaning of a query, in one place. valueMatcher defines how one value is tested; the index
// applies it to its dictionary entries, and matchesRecord (the reference semantics every
// faster execution must agree with) applies it to the values found at a term's paths.
//
// The rules:
// - A path walks objects by key and fans out over arrays: `resources.ARN` is every resource's
//   ARN, and a term matches when any value found matches. A key is looked up exactly, and only
//   when the object has no such key, case-insensitively (`useridentity.username`).
// - Values compare by their text form, case-insensitively: strings, numbers (`443`), booleans
//   (`readOnly:true`). Objects and null never equal anything.
// - `field:*` means present and not null. `NOT field:x` also matches records without the field.
// - Comparisons are numeric when the query value is a number, chronological when it is an
//   instant; record values that are not numbers / ISO times never compare.
// - Free text is a case-insensitive substring of the record's raw JSON, found whether the JSON
//   writes a character plainly or as an escape (`\"`, `\u00e9`).

import { QueryNode, ValueMatch } from './ast';
import { instantOf } from './time';

const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?$/i;
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{3})?Z$/;

export type ValuePredicate = (v: unknown) => boolean;

const compiled = new WeakMap<ValueMatch, ValuePredicate>();

/**
 * The predicate for one term on one field. `v` is the value found at the field: a scalar, null,
 * undefined (missing), an object, or an array, which matches when any element does.
 * `field` is the canonical path; the semantics do not depend on it today, but callers pass it
 * so that field-specific rules have one place to live.
 */
export function valueMatcher(field: string, m: ValueMatch): ValuePredicate {
  void field;
  let predicate = compiled.get(m);
  if (!predicate) {
    predicate = compile(m);
    compiled.set(m, predicate);
  }
  return predicate;
}

function compile(m: ValueMatch): ValuePredicate {
  switch (m.op) {
    case 'exists':
      return (v) => v !== null && v !== undefined;
    case 'eq': {
      const lower = foldCase(m.value);
      const asNumber = NUMBER.test(m.value.trim()) ? Number(m.value) : undefined;
      return anyElement((v) => {
        if (typeof v === 'string') return foldCase(v) === lower;
        if (typeof v === 'number') return v === asNumber || String(v) === lower;
        if (typeof v === 'boolean') return String(v) === lower;
        return false;
      });
    }
    case 'wildcard': {
      const regex = wildcardRegExp(m.pattern);
      return anyElement((v) => {
        const text = textForm(v);
        return text !== undefined && regex.test(foldCase(text));
      });
    }
    case 'lt':
    case 'le':
    case 'gt':
    case 'ge': {
      const test = orderTest(m.op);
      if (INSTANT.test(m.value)) {
        const bound = instantOf(m.value) as number;
        return anyElement((v) => {
          const t = typeof v === 'string' ? instantOf(v) : undefined;
          return t !== undefined && test(t, bound);
        });
      }
      const bound = Number(m.value);
      return anyElement((v) => {
        const n = typeof v === 'number' ? v : typeof v === 'string' && NUMBER.test(v.trim()) ? Number(v) : undefined;
        return n !== undefined && Number.isFinite(n) && test(n, bound);
      });
    }
  }
}

/** Reference semantics of a whole query on one record (`rawJson` is its JSON text as read). */
export function matchesRecord(q: QueryNode, record: unknown, rawJson: string): boolean {
  switch (q.kind) {
    case 'all':
      return true;
    case 'and':
      return q.children.every((c) => matchesRecord(c, record, rawJson));
    case 'or':
      return q.children.some((c) => matchesRecord(c, record, rawJson));
    case 'not':
      return !matchesRecord(q.child, record, rawJson);
    case 'term':
      return q.fields.some((field) => {
        const test = valueMatcher(field, q.match);
        return fieldValues(record, field).some(test);
      });
    case 'text':
      return textMatcher(q.text)(rawJson);
  }
}

/**
 * The values at a dotted path, fanning out over arrays met on the way (a leaf array is returned
 * whole: valueMatcher looks inside it). Missing keys contribute nothing; a null leaf is kept.
 */
export function fieldValues(record: unknown, path: string): unknown[] {
  let current: unknown[] = [record];
  for (const segment of path.split('.')) {
    const next: unknown[] = [];
    for (const value of current) collectKey(value, segment, next);
    if (next.length === 0) return next;
    current = next;
  }
  return current;
}

function collectKey(value: unknown, key: string, out: unknown[]): void {
  if (Array.isArray(value)) {
    for (const element of value) collectKey(element, key, out);
    return;
  }
  if (value === null || typeof value !== 'object') return;
  const object = value as Record<string, unknown>;
  if (Object.prototype.hasOwnProperty.call(object, key)) {
    out.push(object[key]);
    return;
  }
  const lower = key.toLowerCase();
  for (const k of Object.keys(object)) {
    if (k.toLowerCase() === lower) out.push(object[k]);
  }
}

const textMatchers = new Map<string, (rawJson: string) => boolean>();

/** Case-insensitive substring test of free text on a record's raw JSON. */
export function textMatcher(text: string): (rawJson: string) => boolean {
  let matcher = textMatchers.get(text);
  if (!matcher) {
    // The JSON may escape quotes, backslashes and control characters: look for both spellings.
    const needles = [...new Set([foldCase(text), foldCase(JSON.stringify(text).slice(1, -1))])];
    matcher = (rawJson) => {
      const haystack = foldCase(decodeNonAsciiEscapes(rawJson));
      return needles.some((n) => haystack.includes(n));
    };
    if (textMatchers.size > 1000) textMatchers.clear();
    textMatchers.set(text, matcher);
  }
  return matcher;
}

/**
 * Writers that emit ASCII-only JSON spell é as \u00e9 (or \u00E9); the escape's hex digits do
 * not fold with the letter's case, so such escapes are decoded before searching. ASCII escapes
 * stay as they are: decoding \u0022 would turn an escaped quote into a string delimiter.
 */
function decodeNonAsciiEscapes(json: string): string {
  if (!json.includes('\\u')) return json;
  return json.replace(/\\(\\|u([0-9a-fA-F]{4}))/g, (whole, _e: string, hex: string | undefined) => {
    if (hex === undefined) return whole;
    const code = parseInt(hex, 16);
    return code >= 0x80 ? String.fromCharCode(code) : whole;
  });
}

/** `*` is any run of characters; `\*` and `\\` are literal. Matches case-folded text. */
export function wildcardRegExp(pattern: string): RegExp {
  const folded = foldCase(pattern);
  let source = '';
  for (let i = 0; i < folded.length; i++) {
    const c = folded[i];
    if (c === '\\' && i + 1 < folded.length) {
      source += escapeRegExp(folded[++i]);
    } else if (c === '*') {
      source += '[\\s\\S]*';
    } else {
      source += escapeRegExp(c);
    }
  }
  return new RegExp(`^${source}$`);
}

/**
 * Case folding for every case-insensitive comparison. toLowerCase alone depends on context
 * (a final capital sigma lowers to ς, elsewhere to σ), so ς is folded to σ as well.
 */
export function foldCase(text: string): string {
  const lower = text.toLowerCase();
  return lower.includes('ς') ? lower.replace(/ς/g, 'σ') : lower;
}

function escapeRegExp(c: string): string {
  return c.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');
}

function textForm(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

function anyElement(test: (v: unknown) => boolean): ValuePredicate {
  const any = (v: unknown): boolean => (Array.isArray(v) ? v.some(any) : test(v));
  return any;
}

function orderTest(op: 'lt' | 'le' | 'gt' | 'ge'): (a: number, b: number) => boolean {
  switch (op) {
    case 'lt':
      return (a, b) => a < b;
    case 'le':
      return (a, b) => a <= b;
    case 'gt':
      return (a, b) => a > b;
    case 'ge':
      return (a, b) => a >= b;
  }
}
