// How one Sigma field condition tests the values of a record: the value syntax (wildcards and
// escapes), the modifiers and their chains. One compiled `ValueTest` is applied both to the
// index's dictionary entries (each distinct value once) and to the values found in a raw record,
// so the two ways of running a rule cannot disagree.
//
// Semantics (the Sigma specification's, for JSON records):
// - A plain string matches the whole value, case-insensitively; `*` is any run of characters,
//   `?` exactly one; `\*`, `\?` and `\\` are the literal characters, a backslash before any
//   other character is itself.
// - Numbers and booleans compare by their text form (`22` matches 22 and "22").
// - A list of values matches when any does; with `|all`, when every one does.
// - A keyword (a value with no field) is searched inside every value of the record (an implicit
//   `contains` unless another match type is given).
// - `null` matches a field that is absent or null; `|exists: true|false` whether the field has a
//   non-null value (the query language's `field:*`).
// - `contains`, `startswith`, `endswith` wrap the pattern in `*`; `re` is an unanchored regular
//   expression, case-sensitive unless `|i` (also `|m`, `|s`, or an inline `(?i)` prefix);
//   `cidr` an IPv4/IPv6 network (core/cidr.ts); `base64` / `base64offset` encode the value first (the three
//   offsets of a value inside a longer base64 text); `windash` also tries `/`, `–`, `—`, `―`
//   for a leading `-` (and `-` etc. for `/`); `cased` makes matching case-sensitive;
//   `lt`/`lte`/`gt`/`gte` compare numbers; `neq` negates the whole test (none of the values; an
//   absent field is not the value), as pySigma does.

import { cidrMatcher } from '../cidr';

/** A scalar value as found in a record or a dictionary: never undefined (absent is no value). */
export type Scalar = string | number | boolean | null;

/** The test of one field: given the values found at the field (none when absent), true or false. */
export interface ValueTest {
  /** The whole test for the values at a field ([] when absent). */
  test(values: readonly Scalar[]): boolean;
  /** Human text of the condition, for explanations ("contains 'x'"). */
  text: string;
  /**
   * `|fieldref`: the test compares with the values of other fields of the same record (these
   * paths), not with constants: `test` is then unused and `compare` decides.
   */
  refs?: string[][];
  compare?(values: readonly Scalar[], refValues: ReadonlyArray<readonly Scalar[]>): boolean;
}

/** A rule uses something the engine does not run: reported with this reason, never run partly. */
export class UnsupportedRule extends Error {}
/** The rule is malformed (a value that is not a valid regex, a bad CIDR…). */
export class InvalidRule extends Error {}

const STAR = 0;
const QMARK = 1;
type Token = string | typeof STAR | typeof QMARK;

const MATCH_TYPES = new Set([
  'contains',
  'startswith',
  'endswith',
  're',
  'cidr',
  'exists',
  'lt',
  'lte',
  'gt',
  'gte',
]);
const TRANSFORMS = new Set(['base64', 'base64offset', 'windash']);

/**
 * The modifiers of a keyword (a value with no field): a full-text search of the event, so a
 * plain value is found inside any of its values (`contains`), as the specification's keyword
 * search (`- ' -ExternalUrl '`) and every backend's free-text query find it.
 */
export function keywordModifiers(modifiers: readonly string[]): string[] {
  return modifiers.some((m) => MATCH_TYPES.has(m.toLowerCase()))
    ? [...modifiers]
    : [...modifiers, 'contains'];
}
const FLAGS = new Set(['all', 'cased', 'i', 'm', 's']);
/** pySigma's long names of the regular expression flags. */
const RE_FLAG_NAMES: Record<string, string> = { ignorecase: 'i', multiline: 'm', dotall: 's' };
const TIME_PARTS =
  'time-part modifiers (|minute, |hour, |day, |week, |month, |year) are not supported: match the time text instead (eventTime|startswith, |re)';
const NOT_SUPPORTED: Record<string, string> = {
  minute: TIME_PARTS,
  hour: TIME_PARTS,
  day: TIME_PARTS,
  week: TIME_PARTS,
  month: TIME_PARTS,
  year: TIME_PARTS,
  expand: 'placeholders (|expand) need a placeholder map this engine does not have',
  wide: 'UTF-16 encodings (|wide, |utf16…) apply to Windows logs, not CloudTrail JSON',
  utf16: 'UTF-16 encodings (|wide, |utf16…) apply to Windows logs, not CloudTrail JSON',
  utf16le: 'UTF-16 encodings (|wide, |utf16…) apply to Windows logs, not CloudTrail JSON',
  utf16be: 'UTF-16 encodings (|wide, |utf16…) apply to Windows logs, not CloudTrail JSON',
  gzip: 'the |gzip modifier is not supported',
};

/** Parses a Sigma string value into literal runs and wildcards. */
export function parsePattern(value: string): Token[] {
  const out: Token[] = [];
  let lit = '';
  const flush = () => {
    if (lit) out.push(lit);
    lit = '';
  };
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (c === '\\') {
      const next = value[i + 1];
      if (next === '*' || next === '?' || next === '\\') {
        lit += next;
        i++;
      } else lit += '\\';
    } else if (c === '*') {
      flush();
      out.push(STAR);
    } else if (c === '?') {
      flush();
      out.push(QMARK);
    } else lit += c;
  }
  flush();
  return out;
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/**
 * A pattern's test of a value that never backtracks over it. One RegExp `^….*a.*b.*$` takes time
 * in the value's length squared and beyond when it fails (2.7 s for `contains: 'a*b'` over
 * 100 KB), and values are attacker-controlled. Here the runs between stars (literals and `?`,
 * each run a fixed number of code points) are each a RegExp of their own, without quantifiers:
 * the first at the start, each middle one at its leftmost place after the one before (a later
 * place only leaves less room for the rest), the last ending at the value's end.
 */
export class WildcardPattern {
  /** The whole pattern, when it has no star. */
  private readonly whole: RegExp | undefined;
  private readonly head: RegExp;
  private readonly middle: RegExp[];
  private readonly tail: RegExp;

  constructor(tokens: readonly Token[], cased: boolean) {
    const runs: Token[][] = [[]];
    for (const t of tokens) {
      if (t === STAR) runs.push([]);
      else runs[runs.length - 1].push(t);
    }
    const flags = cased ? 'su' : 'isu';
    const body = (run: Token[]) =>
      run.map((t) => (t === QMARK ? '.' : escapeRe(t as string))).join('');
    const last = runs[runs.length - 1];
    this.whole = runs.length === 1 ? new RegExp(`^(?:${body(last)})$`, flags) : undefined;
    this.head = new RegExp(body(runs[0]), `${flags}y`);
    this.middle = runs
      .slice(1, -1)
      .filter((r) => r.length > 0)
      .map((r) => new RegExp(body(r), `${flags}g`));
    this.tail = new RegExp(`(?:${body(last)})$`, `${flags}g`);
  }

  test(s: string): boolean {
    if (this.whole) return this.whole.test(s);
    this.head.lastIndex = 0;
    if (!this.head.test(s)) return false;
    let pos = this.head.lastIndex;
    for (const run of this.middle) {
      run.lastIndex = pos;
      const m = run.exec(s);
      if (!m) return false;
      pos = m.index + m[0].length;
    }
    this.tail.lastIndex = pos;
    return this.tail.test(s);
  }
}

/** The text form a value is compared by; null has none. */
export function textOf(v: Scalar): string | undefined {
  if (v === null) return undefined;
  return typeof v === 'string' ? v : String(v);
}

function quote(v: unknown): string {
  return typeof v === 'string' ? `'${v}'` : String(v);
}

function base64Of(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64');
}

/** The three base64 forms of `text` at each offset inside a longer encoded text (pySigma's). */
function base64Offsets(text: string): string[] {
  const bytes = Buffer.from(text, 'utf8');
  const starts = [0, 2, 3];
  const ends = [undefined, -3, -2];
  const out: string[] = [];
  for (let i = 0; i < 3; i++) {
    const enc = Buffer.concat([Buffer.alloc(i, 0x20), bytes]).toString('base64');
    out.push(enc.slice(starts[i], ends[(bytes.length + i) % 3]));
  }
  return out;
}

const DASHES = ['-', '/', '\u2013', '\u2014', '\u2015'];
const MAX_WINDASH_VARIANTS = 625;

/** Every variant of the pattern with each option-leading dash or slash replaced by each dash form. */
function windashVariants(tokens: Token[]): Token[][] {
  // Positions (token index, char index) of a '-' or '/' that starts an option: after the start
  // or a non-word character, before a word character.
  const spots: Array<[number, number]> = [];
  tokens.forEach((t, ti) => {
    if (typeof t !== 'string') return;
    for (let ci = 0; ci < t.length; ci++) {
      if (t[ci] !== '-' && t[ci] !== '/') continue;
      const prev = ci > 0 ? t[ci - 1] : undefined;
      const next = t[ci + 1];
      if ((prev === undefined || !/\w/.test(prev)) && next !== undefined && /\w/.test(next))
        spots.push([ti, ci]);
    }
  });
  if (DASHES.length ** spots.length > MAX_WINDASH_VARIANTS)
    throw new UnsupportedRule(
      `|windash on a value with ${spots.length} options makes too many variants`,
    );
  let variants: Token[][] = [tokens.slice()];
  for (const [ti, ci] of spots) {
    const next: Token[][] = [];
    for (const v of variants) {
      for (const d of DASHES) {
        const copy = v.slice();
        const s = copy[ti] as string;
        copy[ti] = s.slice(0, ci) + d + s.slice(ci + 1);
        next.push(copy);
      }
    }
    variants = next;
  }
  return variants;
}

/**
 * Compiles `field|mod|mod: value(s)` into a test. `modifiers` are the names after the field;
 * `raw` is the YAML value (a scalar or a list of scalars).
 */
export function compileValueTest(modifiers: readonly string[], raw: unknown): ValueTest {
  const negations = modifiers.filter((m) => m.toLowerCase() === 'neq').length;
  if (negations > 1) throw new InvalidRule('|neq is given twice');
  if (negations === 1)
    return negatedTest(
      compileValueTest(
        modifiers.filter((m) => m.toLowerCase() !== 'neq'),
        raw,
      ),
    );
  let matchType: string | undefined;
  const transforms: string[] = [];
  let all = false;
  let cased = false;
  let reFlags = '';
  let fieldref = false;
  for (const mod of modifiers) {
    const m = RE_FLAG_NAMES[mod.toLowerCase()] ?? mod.toLowerCase();
    if (m === 'fieldref') {
      fieldref = true;
      continue;
    }
    if (NOT_SUPPORTED[m]) throw new UnsupportedRule(`modifier |${mod}: ${NOT_SUPPORTED[m]}`);
    if (MATCH_TYPES.has(m)) {
      if (matchType && !(matchType === 're' && (m === 'i' || m === 'm' || m === 's')))
        throw new InvalidRule(`modifiers |${matchType} and |${m} cannot be combined`);
      matchType = m;
    } else if (TRANSFORMS.has(m)) transforms.push(m);
    else if (FLAGS.has(m)) {
      if (m === 'all') all = true;
      else if (m === 'cased') cased = true;
      else if (matchType === 're') reFlags += m;
      else throw new UnsupportedRule(`modifier |${mod} applies only after |re`);
    } else throw new UnsupportedRule(`unknown modifier |${mod}`);
  }
  const list: unknown[] = Array.isArray(raw) ? raw : [raw];
  if (list.length === 0) throw new InvalidRule('an empty list of values');
  if (fieldref) return fieldRefTest(list, matchType, transforms, all, cased);
  for (const v of list) {
    if (v !== null && typeof v === 'object')
      throw new InvalidRule(
        `a value that is a ${Array.isArray(v) ? 'list' : 'map'} inside a value list`,
      );
  }

  if (matchType === 'exists') {
    if (list.length !== 1 || typeof list[0] !== 'boolean')
      throw new InvalidRule('|exists takes true or false');
    const want = list[0] as boolean;
    return {
      test: (vals) => vals.some((v) => v !== null) === want,
      text: want ? 'exists' : 'does not exist',
    };
  }

  // One predicate per listed value (windash/base64offset may give several alternatives each).
  const preds: Array<{ pred: (v: Scalar) => boolean; text: string }> = list.map((v) => {
    if (v === null) return { pred: () => false, text: 'null' };
    return valuePredicate(v as string | number | boolean, matchType, transforms, cased, reFlags);
  });
  const nulls = list.some((v) => v === null);
  const anyValue = (vals: readonly Scalar[], p: (v: Scalar) => boolean) =>
    vals.some((v) => v !== null && p(v));
  const isNullish = (vals: readonly Scalar[]) => vals.length === 0 || vals.every((v) => v === null);
  const plainEquals = !all && preds.length > 1 && preds.every((p) => p.text.startsWith('equals '));
  const text = plainEquals
    ? `is one of ${preds.map((p) => p.text.slice('equals '.length)).join(', ')}`
    : preds.map((p) => p.text).join(all ? ' and ' : ' or ');
  if (all) {
    return {
      test: (vals) =>
        preds.every((p, i) => (list[i] === null ? isNullish(vals) : anyValue(vals, p.pred))),
      text,
    };
  }
  return {
    test: (vals) => (nulls && isNullish(vals)) || preds.some((p) => anyValue(vals, p.pred)),
    text,
  };
}

/**
 * `|neq`: the field is not the value. pySigma negates the whole field test (its modifiers and
 * its list of values), so a list is none of its values and an absent field is not the value.
 */
function negatedTest(inner: ValueTest): ValueTest {
  const { compare } = inner;
  return {
    test: (values) => !inner.test(values),
    text: inner.text.startsWith('is one of ')
      ? `is none of ${inner.text.slice('is one of '.length)}`
      : `not ${inner.text}`,
    ...(inner.refs ? { refs: inner.refs } : {}),
    ...(compare ? { compare: (values, refValues) => !compare(values, refValues) } : {}),
  };
}

function valuePredicate(
  v: string | number | boolean,
  matchType: string | undefined,
  transforms: string[],
  cased: boolean,
  reFlags: string,
): { pred: (v: Scalar) => boolean; text: string } {
  const label = `${matchType ?? (transforms.length ? transforms.join('|') : 'equals')} ${quote(v)}`;
  if (matchType === 're') {
    if (typeof v !== 'string') throw new InvalidRule(`|re needs a string (got ${quote(v)})`);
    if (transforms.length)
      throw new UnsupportedRule(`|${transforms[0]} cannot be combined with |re`);
    let source = v;
    let flags = reFlags.includes('i') ? 'i' : '';
    // Sigma rules often carry PCRE's inline flag group; JavaScript has no such syntax.
    const inline = /^\(\?([imsx]+)\)/.exec(source);
    if (inline) {
      if (inline[1].includes('x')) throw new UnsupportedRule(`|re with the (?x) flag`);
      source = source.slice(inline[0].length);
      flags += inline[1];
    }
    flags += reFlags.replace('i', '');
    let re: RegExp;
    try {
      re = new RegExp(source, [...new Set(flags + 'u')].join(''));
    } catch {
      try {
        re = new RegExp(source, [...new Set(flags)].join(''));
      } catch (e) {
        throw new InvalidRule(
          `|re '${v}' is not a valid regular expression: ${(e as Error).message}`,
        );
      }
    }
    return { pred: (x) => re.test(textOf(x) ?? ''), text: `matches /${v}/` };
  }
  if (matchType === 'cidr') {
    if (typeof v !== 'string') throw new InvalidRule(`|cidr needs a network (got ${quote(v)})`);
    const inNet = cidrMatcher(v);
    if (!inNet) throw new InvalidRule(`'${v}' is not a CIDR network (address/prefix)`);
    return { pred: (x) => typeof x === 'string' && inNet(x), text: `in ${v}` };
  }
  if (matchType === 'lt' || matchType === 'lte' || matchType === 'gt' || matchType === 'gte') {
    const n = Number(v);
    if (typeof v === 'boolean' || !Number.isFinite(n))
      throw new InvalidRule(`|${matchType} needs a number (got ${quote(v)})`);
    const cmp = {
      lt: (a: number) => a < n,
      lte: (a: number) => a <= n,
      gt: (a: number) => a > n,
      gte: (a: number) => a >= n,
    }[matchType];
    return {
      pred: (x) => {
        const a =
          typeof x === 'number' ? x : typeof x === 'string' && x.trim() !== '' ? Number(x) : NaN;
        return Number.isFinite(a) && cmp(a);
      },
      text: `${matchType} ${n}`,
    };
  }
  // Wildcard patterns, after the value transforms.
  let variants: Token[][];
  if (typeof v !== 'string') variants = [[String(v)]];
  else variants = [parsePattern(v)];
  for (const t of transforms) {
    if (t === 'windash') variants = variants.flatMap(windashVariants);
    else {
      variants = variants.flatMap((tokens) => {
        if (tokens.some((x) => typeof x !== 'string'))
          throw new UnsupportedRule(`|${t} on a value with wildcards`);
        const plain = (tokens as string[]).join('');
        return t === 'base64' ? [[base64Of(plain)]] : base64Offsets(plain).map((s) => [s]);
      });
    }
  }
  const wrapped = variants.map((tokens) => {
    if (matchType === 'contains') return [STAR, ...tokens, STAR] as Token[];
    if (matchType === 'startswith') return [...tokens, STAR] as Token[];
    if (matchType === 'endswith') return [STAR, ...tokens] as Token[];
    return tokens;
  });
  const patterns = wrapped.map((tokens) => new WildcardPattern(tokens, cased));
  return {
    pred: (x) => {
      const s = textOf(x);
      if (s === undefined) return false;
      for (const p of patterns) if (p.test(s)) return true;
      return false;
    },
    text: cased ? `${label} (case-sensitive)` : label,
  };
}

/**
 * `field|fieldref: other.field` (optionally with `|contains`, `|startswith`, `|endswith`,
 * `|cased`): the value of the field compared with the value of another field of the same record.
 * Several listed fields: any of them (all of them with `|all`).
 */
function fieldRefTest(
  list: unknown[],
  matchType: string | undefined,
  transforms: string[],
  all: boolean,
  cased: boolean,
): ValueTest {
  if (transforms.length)
    throw new UnsupportedRule(`|${transforms[0]} cannot be combined with |fieldref`);
  if (matchType && !['contains', 'startswith', 'endswith'].includes(matchType))
    throw new UnsupportedRule(`|fieldref cannot be combined with |${matchType}`);
  if (!list.every((v) => typeof v === 'string' && v !== ''))
    throw new InvalidRule('|fieldref takes field names');
  const wild = (list as string[]).find((v) => parsePattern(v).some((t) => typeof t !== 'string'));
  if (wild !== undefined)
    throw new InvalidRule(`|fieldref takes field names, not wildcards ('${wild}')`);
  const refs = (list as string[]).map((f) => f.split('.'));
  const fold = (x: string) => (cased ? x : x.toLowerCase());
  const one = (a: string, b: string) => {
    const x = fold(a);
    const y = fold(b);
    return matchType === 'contains'
      ? x.includes(y)
      : matchType === 'startswith'
        ? x.startsWith(y)
        : matchType === 'endswith'
          ? x.endsWith(y)
          : x === y;
  };
  const against = (values: readonly Scalar[], other: readonly Scalar[]) =>
    values.some((v) => {
      const a = textOf(v);
      return (
        a !== undefined &&
        other.some((o) => {
          const b = textOf(o);
          return b !== undefined && one(a, b);
        })
      );
    });
  return {
    test: () => false,
    refs,
    compare: (values, refValues) =>
      all ? refValues.every((o) => against(values, o)) : refValues.some((o) => against(values, o)),
    text: `${matchType ? `${matchType} the value of` : 'equals'} ${(list as string[]).join(all ? ' and ' : ' or ')}`,
  };
}
