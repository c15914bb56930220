// The meaning of a query, in one place. valueMatcher defines how one value is tested; the index
// applies it to its dictionary entries, and matchesRecord (the reference semantics every
// faster execution must agree with) applies it to the values found at a term's paths.
//
// The rules:
// - A path walks objects by key and fans out over arrays: `resources.ARN` is every resource's
//   ARN, and a term matches when any value found matches. A key is looked up exactly, and only
//   when the object has no such key, case-insensitively (`useridentity.username`).
// - Values compare by their text form, case-insensitively: strings, numbers (`443`), booleans
//   (`readOnly:true`); a value written as a JSON number (`3600`, not `012`) also equals a record's
//   number of that value (3600.0). Objects and null never equal anything. Case-insensitive means Unicode
//   simple case folding (RegExp `iu`) everywhere: Σ, σ and ς are one letter, and so are K, k
//   and the Kelvin sign.
// - `field:*` means present and not null. `NOT field:x` also matches records without the field.
// - On address fields (sourceIPAddress) a network `10.0.0.0/8` matches the IP addresses inside
//   it (core/cidr.ts); values that are not addresses (`ec2.amazonaws.com`) never match.
// - Comparisons are numeric when the query value is a number, chronological when it is an
//   instant; record values that are not numbers / ISO times never compare.
// - Free text is a case-insensitive substring of the record's raw JSON, found whether the JSON
//   writes a character plainly or as an escape (`\"`, `\u00e9`, CloudTrail's `\u0027` for `'`):
//   what the user sees in the table and the detail pane matches the event it came from.

import { QueryNode, ValueMatch } from './ast';
import {
  AnnotationField,
  DETECTION_FIELD,
  LEVEL_FIELD,
  ORIGIN_FIELD,
  isAnnotationField,
} from './fields';
import { instantOf } from './time';
import { cidrMatcher } from '../cidr';

/** What the case file says about one event, as the query fields starred / tag / note see it. */
export interface AnnotationValues {
  starred: boolean;
  tags: readonly string[];
  note: string;
}

/**
 * The value of an annotation field (fields.ts, ANNOTATION_FIELDS) for an event, `a` undefined
 * when it has no annotation: `starred` is true or false for every event (so `NOT starred:true`
 * and `starred:false` agree); `tag` is the list of tags, absent when there are none (so `tag:*`
 * finds tagged events); `note` is the text, absent when empty.
 */
export function annotationValue(field: AnnotationField, a: AnnotationValues | undefined): unknown {
  switch (field) {
    case '@starred':
      return a?.starred ?? false;
    case '@tag':
      return a && a.tags.length > 0 ? a.tags : undefined;
    case '@note':
      return a && a.note !== '' ? a.note : undefined;
  }
}

const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?$/i;
/** The form the parser gives comparison instants (formatEventTime). */
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{3})?Z$/;

/** A number as the query language reads one: `443`, `-5`, `1.08`, `.5`, `1e3` (trimmed). */
export function isNumberText(text: string): boolean {
  return NUMBER.test(text.trim());
}

/** A number as JSON writes one: no leading zero, `+` or bare `.` (`012`, `+5`, `.5` are not). */
const JSON_NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:e[+-]?\d+)?$/i;

/**
 * The number an equality term names, found in a record's numbers by value (`durationSeconds:3600`
 * finds 3600.0): only a value written as JSON writes a number (trimmed). `account:012345678901`
 * is text, the account's ID: it never finds the number 12345678901 a record may hold in its
 * place, and a facet of the text "012345678901" counts what its click finds.
 */
export function equalityNumber(value: string): number | undefined {
  const text = value.trim();
  return JSON_NUMBER.test(text) ? Number(text) : undefined;
}

/**
 * The text with each character replaced by one spelling of its case (Unicode simple case
 * folding, as RegExp `iu` reads it): two texts are equal as `eq` compares them exactly when their
 * keys are. What a view groups values by when a click on one filters `field:value`: the click
 * finds every spelling (`Admin`, `admin`, `ADMIN`), while a zero-width space or ß against ss
 * still makes another value.
 */
export function caseKey(text: string): string {
  if (ASCII.test(text)) return text.toUpperCase();
  let key = '';
  for (const c of text) key += caseOf(c);
  return key;
}

const ASCII = /^[\x00-\x7f]*$/;
const caseSpellings = new Map<string, string>();
/** Letters `iu` folds to another that no case mapping reaches (checked over every code point). */
const FOLD_ONLY: Record<string, string> = {
  '\u1fd3': '\u0390',
  '\u1fe3': '\u03b0',
  '\ufb05': '\ufb06',
};

/** One character's spelling for caseKey: the upper case of its lower case when that is the same letter to `iu`. */
function caseOf(c: string): string {
  if (c.charCodeAt(0) < 0x80) return c.toUpperCase();
  c = FOLD_ONLY[c] ?? c;
  let spelling = caseSpellings.get(c);
  if (spelling === undefined) {
    // toLowerCase and toUpperCase use full mappings (ß → SS, İ → i̇): a result of more than
    // one character, or one `iu` does not match (ı → I), is not this letter's case.
    const same = new RegExp(`^${escapeRegExp(c)}$`, 'iu');
    const lower = c.toLowerCase();
    const upper = lower.toUpperCase();
    spelling = same.test(upper) ? upper : same.test(lower) ? lower : c;
    if (caseSpellings.size > 10_000) caseSpellings.clear();
    caseSpellings.set(c, spelling);
  }
  return spelling;
}

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
    case 'cidr': {
      // The parser makes this op only from a valid network; anything else matches nothing.
      const inNetwork = cidrMatcher(m.network) ?? (() => false);
      return anyElement((v) => typeof v === 'string' && inNetwork(v));
    }
    case 'eq': {
      const literal = new FoldedLiteral(m.value);
      const asNumber = equalityNumber(m.value);
      return anyElement((v) => {
        if (typeof v === 'string') return literal.equals(v);
        if (typeof v === 'number') return v === asNumber || literal.equals(String(v));
        if (typeof v === 'boolean') return literal.equals(String(v));
        return false;
      });
    }
    case 'wildcard': {
      const wildcard = new FoldedWildcard(m.pattern);
      return anyElement((v) => {
        const text = textForm(v);
        return text !== undefined && wildcard.matches(text);
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
        const n =
          typeof v === 'number'
            ? v
            : typeof v === 'string' && isNumberText(v)
              ? Number(v)
              : undefined;
        return n !== undefined && Number.isFinite(n) && test(n, bound);
      });
    }
  }
}

/**
 * What a record does not hold itself but the query language can ask of it: `origin` gives the
 * values `origin:` matches (core/origin originMatchValues), from the events in scope. Without it
 * an `origin:` term has no value to test and matches nothing; `annotation` is what the case file
 * says about it (`starred:`, `tag:`, `note:`).
 */
export interface RecordContext {
  origin?: readonly string[];
  /** What the case file says about the record, for the fields starred / tag / note. */
  annotation?: AnnotationValues;
  /** The detection rules that fired on the record (each id and title), for `detection:`; none when absent. */
  detection?: readonly string[];
  /** Their levels, for `level:`. */
  level?: readonly string[];
}

/** Reference semantics of a whole query on one record (`rawJson` is its JSON text as read). */
export function matchesRecord(
  q: QueryNode,
  record: unknown,
  rawJson: string,
  context?: RecordContext,
): boolean {
  switch (q.kind) {
    case 'all':
      return true;
    case 'and':
      return q.children.every((c) => matchesRecord(c, record, rawJson, context));
    case 'or':
      return q.children.some((c) => matchesRecord(c, record, rawJson, context));
    case 'not':
      return !matchesRecord(q.child, record, rawJson, context);
    case 'term':
      return q.fields.some((field) => {
        const test = valueMatcher(field, q.match);
        if (field === ORIGIN_FIELD) return (context?.origin ?? []).some(test);
        if (field === DETECTION_FIELD) return (context?.detection ?? []).some(test);
        if (field === LEVEL_FIELD) return (context?.level ?? []).some(test);
        if (isAnnotationField(field)) return test(annotationValue(field, context?.annotation));
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
  for (const segment of segmentsOf(path)) {
    const next: unknown[] = [];
    for (const value of current) collectKey(value, segment, next);
    if (next.length === 0) return next;
    current = next;
  }
  return current;
}

const splitPaths = new Map<string, string[]>();

function segmentsOf(path: string): string[] {
  let segments = splitPaths.get(path);
  if (!segments) {
    segments = path.split('.');
    if (splitPaths.size > 10_000) splitPaths.clear();
    splitPaths.set(path, segments);
  }
  return segments;
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
    const spellings = [...new Set([text, JSON.stringify(text).slice(1, -1)])];
    let found: (json: string) => boolean;
    if (spellings.every((t) => t.length <= LITERAL_CHUNK)) {
      const regex = new RegExp(spellings.map(escapeRegExp).join('|'), 'iu');
      found = (json) => regex.test(json);
    } else {
      const literals = spellings.map((t) => new FoldedLiteral(t));
      found = (json) => literals.some((l) => l.indexIn(json, 0) >= 0);
    }
    // As stored (a phrase copied from the stored record, escapes and all) or as displayed.
    matcher = (rawJson) =>
      found(rawJson) ||
      ((rawJson.includes('\\u') || rawJson.includes('\\/')) && found(displayedEscapes(rawJson)));
    if (textMatchers.size > 1000) textMatchers.clear();
    textMatchers.set(text, matcher);
  }
  return matcher;
}

/**
 * The JSON with every escape written the way JSON.stringify writes it, which is how the detail
 * pane shows a record: CloudTrail writes `'`, `&`, `<`, `>`, `=` and non-ASCII as `\u0027`-style
 * escapes (in any case of hex digits), some writers `\/`; they become the characters themselves.
 * A quote, a backslash and control characters stay escaped (`\"`, `\\`, `\n`, `\u001b`), so a
 * decoded quote never looks like the end of a string. Free text is matched against this.
 */
function displayedEscapes(json: string): string {
  return json.replace(
    /\\(?:u([0-9a-fA-F]{4})|(\/)|[\s\S])/g,
    (whole, hex: string | undefined, slash: string | undefined) => {
      if (slash) return '/';
      if (hex === undefined) return whole;
      const code = parseInt(hex, 16);
      if (code === 0x22) return '\\"';
      if (code === 0x5c) return '\\\\';
      if (code < 0x20) return JSON.stringify(String.fromCharCode(code)).slice(1, -1);
      return String.fromCharCode(code);
    },
  );
}

// Case-insensitive literals are tested with RegExp `iu` (Unicode simple case folding), in
// pieces: one regular expression of thousands of characters can overflow the stack of V8's
// regexp compiler (a 10,000-character value did), and values are attacker-controlled. Simple
// case folding never maps between the BMP and astral planes (checked over all code points), so
// texts that fold equal have equal UTF-16 lengths, piece by piece.
const LITERAL_CHUNK = 1000;

class FoldedLiteral {
  readonly length: number;
  /** Sticky regexes, each for one piece of at most LITERAL_CHUNK UTF-16 units (never splitting a pair). */
  private readonly pieces: { regex: RegExp; length: number }[] = [];
  /** Finds the first piece anywhere (for indexIn). */
  private readonly first: RegExp | undefined;

  constructor(text: string) {
    this.length = text.length;
    for (let at = 0; at < text.length;) {
      let end = Math.min(text.length, at + LITERAL_CHUNK);
      const c = text.charCodeAt(end - 1);
      if (end < text.length && c >= 0xd800 && c <= 0xdbff) end--;
      this.pieces.push({
        regex: new RegExp(escapeRegExp(text.slice(at, end)), 'iuy'),
        length: end - at,
      });
      at = end;
    }
    this.first = this.pieces.length ? new RegExp(this.pieces[0].regex.source, 'giu') : undefined;
  }

  /** Whether the literal is at `pos` in `s`. */
  matchesAt(s: string, pos: number): boolean {
    if (pos < 0 || pos + this.length > s.length) return false;
    for (const piece of this.pieces) {
      piece.regex.lastIndex = pos;
      if (!piece.regex.test(s)) return false;
      pos += piece.length;
    }
    return true;
  }

  equals(s: string): boolean {
    return s.length === this.length && this.matchesAt(s, 0);
  }

  /** Where the literal first is in `s` at or after `from`, or -1. */
  indexIn(s: string, from: number): number {
    if (!this.first) return from <= s.length ? from : -1;
    for (let at = from; at + this.length <= s.length;) {
      this.first.lastIndex = at;
      const m = this.first.exec(s);
      if (!m) return -1;
      if (this.matchesAt(s, m.index)) return m.index;
      const c = s.charCodeAt(m.index);
      at = m.index + (c >= 0xd800 && c <= 0xdbff ? 2 : 1);
    }
    return -1;
  }
}

/** `*` is any run of characters; `\*` and `\\` are literal. Case-insensitive. */
class FoldedWildcard {
  private readonly head: FoldedLiteral;
  private readonly middle: FoldedLiteral[];
  private readonly tail: FoldedLiteral;

  constructor(pattern: string) {
    // The literal runs between unescaped stars: head*middle…*tail (at least one star).
    const runs: string[] = [''];
    for (let i = 0; i < pattern.length; i++) {
      const c = pattern[i];
      if (c === '\\' && i + 1 < pattern.length) runs[runs.length - 1] += pattern[++i];
      else if (c === '*') runs.push('');
      else runs[runs.length - 1] += c;
    }
    this.head = new FoldedLiteral(runs[0]);
    this.tail = new FoldedLiteral(runs.length > 1 ? runs[runs.length - 1] : '');
    this.middle = runs
      .slice(1, -1)
      .filter((r) => r !== '')
      .map((r) => new FoldedLiteral(r));
  }

  matches(s: string): boolean {
    if (!this.head.matchesAt(s, 0)) return false;
    // Each middle run at its leftmost place after the previous one: any later place only
    // leaves less room for the rest.
    let pos = this.head.length;
    for (const run of this.middle) {
      const at = run.indexIn(s, pos);
      if (at < 0) return false;
      pos = at + run.length;
    }
    return (
      s.length - this.tail.length >= pos && this.tail.matchesAt(s, s.length - this.tail.length)
    );
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');
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
