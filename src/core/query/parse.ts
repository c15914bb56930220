// The query-string parser: Kibana/Timesketch-style syntax into the one AST (ast.ts).
//
//   query   := or?
//   or      := and ("OR" and)*
//   and     := unary (("AND")? unary)*          adjacent terms are ANDed
//   unary   := ("NOT" | "-") unary | primary    so NOT binds tighter than AND, AND than OR
//   primary := "(" or ")" | term | text
//   term    := field (":" | ":"? cmp) value      cmp: >= > <= <
//   value   := "quoted" | bare | "(" values ")"  (the last only after ":": field:(a OR b))
//
// Keywords are upper-case only (as in Lucene): `or` is a word to search for. A backslash escapes
// any character in bare words and field names; inside quotes only `\"` and `\\` need it. Quoted
// values are always literal: no wildcards, no date ranges, no networks (`ip:10.0.0.0/8`).

import { ANONYMOUS_IDS } from '../records/identity';
import { QueryNode, QuerySyntaxError, TermNode, ValueMatch, ComparisonOp } from './ast';
import { FieldAlias, isAddressField, isTimeField, resolveField } from './fields';
import { isNumberText } from './match';
import { parseIsoTime } from './time';
import { formatEventTime } from '../time';
import { cidrMatcher } from '../cidr';

export { QuerySyntaxError } from './ast';

export function parseQuery(text: string): QueryNode {
  return new Parser(text).parseQuery();
}

/** A value or word with its escapes resolved; `wild[i]` marks an unescaped `*` at text[i]. */
interface Word {
  text: string;
  wild: boolean[];
  quoted: boolean;
  start: number;
  end: number;
}

/** The field a parenthesised value group belongs to: `eventName:(A OR B)`. */
interface FieldContext {
  typed: string;
  /** Text of `field:` as typed, for messages. */
  shown: string;
}

// `arn:aws:…` and `https://…` pasted into the box are free text, not field `arn` / `https`.
// Sticky regexes read at a position without copying the rest of the query.
const ARN_REST = /:aws(?:-[a-z-]+)?:/iy;
const URL_REST = /:\/\//y;
const SPACE_BEFORE_COMPARISON = /\s+(?=[<>])/y;
const COMPARISON = /(>=|<=|>|<)/y;
/** Parentheses and NOTs nest by recursion; a limit turns a stack overflow into a clear error. */
const MAX_DEPTH = 256;

class Parser {
  private pos = 0;
  private depth = 0;

  constructor(private readonly src: string) {}

  parseQuery(): QueryNode {
    this.skipSpace();
    if (this.atEnd()) return { kind: 'all' };
    const node = this.parseOr(undefined);
    this.skipSpace();
    if (!this.atEnd()) {
      // parseOr stops only at the end or at a ")" it cannot close.
      throw new QuerySyntaxError(
        this.pos,
        1,
        ['a term', 'end of query'],
        'unexpected ")" without a matching "("',
      );
    }
    return node;
  }

  private parseOr(ctx: FieldContext | undefined): QueryNode {
    const children = [this.parseAnd(ctx)];
    for (;;) {
      this.skipSpace();
      if (!this.atKeyword('OR')) break;
      this.pos += 2;
      this.expectTermAfter('"OR"');
      children.push(this.parseAnd(ctx));
    }
    return makeOr(children);
  }

  private parseAnd(ctx: FieldContext | undefined): QueryNode {
    const children = [this.parseUnary(ctx)];
    for (;;) {
      this.skipSpace();
      if (this.atEnd() || this.src[this.pos] === ')' || this.atKeyword('OR')) break;
      if (this.atKeyword('AND')) {
        this.pos += 3;
        this.expectTermAfter('"AND"');
      }
      children.push(this.parseUnary(ctx));
    }
    return makeAnd(children);
  }

  private parseUnary(ctx: FieldContext | undefined): QueryNode {
    this.skipSpace();
    if (this.atKeyword('NOT')) {
      this.pos += 3;
      this.expectTermAfter('"NOT"');
      return this.negate(ctx);
    }
    if (this.src[this.pos] === '-') {
      this.pos += 1;
      if (this.atEnd() || /\s/.test(this.src[this.pos]) || this.src[this.pos] === ')') {
        throw new QuerySyntaxError(
          this.pos - 1,
          1,
          ['a term'],
          'expected a term right after "-" (no space between)',
        );
      }
      return this.negate(ctx);
    }
    return this.parsePrimary(ctx);
  }

  private negate(ctx: FieldContext | undefined): QueryNode {
    this.enter();
    const child = this.parseUnary(ctx);
    this.depth--;
    return { kind: 'not', child };
  }

  private parsePrimary(ctx: FieldContext | undefined): QueryNode {
    this.expectTermHere();
    const c = this.src[this.pos];
    if (c === '(') return this.parseGroup(ctx);
    if (c === '"') {
      const word = this.readQuoted();
      return ctx
        ? this.buildTerm(ctx.typed, ':', word, ctx.shown, word.start, word.end)
        : textNode(word);
    }
    if (ctx) {
      const word = this.readBare();
      return this.buildTerm(ctx.typed, ':', word, ctx.shown, word.start, word.end);
    }
    return this.parseTermOrText();
  }

  private parseGroup(ctx: FieldContext | undefined): QueryNode {
    const open = this.pos;
    this.pos += 1;
    this.skipSpace();
    if (this.src[this.pos] === ')') {
      throw new QuerySyntaxError(
        this.pos,
        1,
        [ctx ? 'a value' : 'a term'],
        `expected ${ctx ? 'a value' : 'a term'} inside "()"`,
      );
    }
    if (this.atEnd()) throw this.unclosedParen(open);
    this.enter();
    const node = this.parseOr(ctx);
    this.depth--;
    this.skipSpace();
    if (this.src[this.pos] !== ')') throw this.unclosedParen(open);
    this.pos += 1;
    return node;
  }

  private parseTermOrText(): QueryNode {
    const start = this.pos;
    const field = this.readFieldName();
    // KQL also allows spaces around comparison signs: `eventTime >= 2024-05-14`.
    const spaced = this.stickyMatch(SPACE_BEFORE_COMPARISON);
    if (spaced && field.text !== '') this.pos += spaced[0].length;
    const stop = this.src[this.pos];
    const isOperator = stop === ':' || stop === '<' || stop === '>';
    const pasted =
      stop === ':' &&
      (this.stickyMatch(URL_REST) !== null ||
        (field.text.toLowerCase() === 'arn' && this.stickyMatch(ARN_REST) !== null));
    if (!isOperator || field.text === '' || pasted) {
      this.pos = start;
      return textNode(this.readBare());
    }
    let op: ':' | ComparisonOp = ':';
    if (stop === ':') this.pos += 1;
    const cmp = this.stickyMatch(COMPARISON);
    if (cmp) {
      op = ({ '>=': 'ge', '<=': 'le', '>': 'gt', '<': 'lt' } as const)[
        cmp[1] as '>=' | '<=' | '>' | '<'
      ];
      this.pos += cmp[1].length;
    }
    const shown = this.src.slice(start, this.pos);
    this.skipSpace();
    if (
      this.atEnd() ||
      this.src[this.pos] === ')' ||
      this.atKeyword('AND') ||
      this.atKeyword('OR') ||
      this.atKeyword('NOT')
    ) {
      throw new QuerySyntaxError(
        this.pos,
        this.atEnd() ? 0 : 1,
        ['a value'],
        `expected a value after "${shown}"`,
      );
    }
    if (this.src[this.pos] === '(') {
      if (op !== ':') {
        throw new QuerySyntaxError(
          this.pos,
          1,
          ['a value'],
          `expected a single value after "${shown}", not a group`,
        );
      }
      return this.parseGroup({ typed: field.text, shown });
    }
    const word = this.src[this.pos] === '"' ? this.readQuoted() : this.readBare();
    return this.buildTerm(field.text, op, word, shown, start, word.end);
  }

  /** Builds the term for `field op value`, resolving aliases, wildcards and dates. */
  private buildTerm(
    typed: string,
    op: ':' | ComparisonOp,
    word: Word,
    shown: string,
    start: number,
    end: number,
  ): QueryNode {
    const { paths, alias } = resolveField(typed);
    const term = (fields: string[], match: ValueMatch): TermNode => ({
      kind: 'term',
      field: typed,
      fields,
      match,
      start,
      end,
    });

    if (op !== ':') {
      if (alias?.sessionName && paths.length === 0) {
        throw new QuerySyntaxError(
          start,
          end - start,
          ['a value'],
          `"${typed}" holds names: use ${typed}:value or a wildcard, not a comparison`,
        );
      }
      const value = comparisonValues(op, word, paths, shown);
      return makeAnd(value.map(([o, v]) => term(paths, { op: o, value: v })));
    }

    let match: ValueMatch;
    const stars = word.wild.filter(Boolean).length;
    if (stars === 0) {
      const span =
        !word.quoted && paths.length > 0 && paths.every(isTimeField)
          ? parseIsoTime(word.text)
          : undefined;
      if (span) {
        // A date on a time field names a period: eventTime:2024-05-14 is that whole day.
        return makeAnd([
          term(paths, { op: 'ge', value: formatEventTime(span.start) }),
          span.exact
            ? term(paths, { op: 'le', value: formatEventTime(span.start) })
            : term(paths, { op: 'lt', value: formatEventTime(span.end) }),
        ]);
      }
      const network =
        !word.quoted && paths.length > 0 && paths.every(isAddressField)
          ? networkMatch(word, shown)
          : undefined;
      match = network ?? { op: 'eq', value: word.text };
    } else if (stars === word.text.length && stars === 1) {
      match = { op: 'exists' };
    } else {
      match = { op: 'wildcard', pattern: wildcardPattern(word) };
    }
    return withAliasRewrites(alias, paths, match, term);
  }

  private readFieldName(): Word {
    return this.readChars(
      (c) =>
        c === ':' || c === '<' || c === '>' || c === '(' || c === ')' || c === '"' || /\s/.test(c),
      false,
    );
  }

  private readBare(): Word {
    return this.readChars((c) => c === '(' || c === ')' || /\s/.test(c), false);
  }

  private readChars(stopAt: (c: string) => boolean, quoted: boolean): Word {
    const start = this.pos;
    let text = '';
    const wild: boolean[] = [];
    while (!this.atEnd() && !stopAt(this.src[this.pos])) {
      let c = this.src[this.pos];
      if (c === '\\') {
        if (this.pos + 1 >= this.src.length) {
          throw new QuerySyntaxError(
            this.pos,
            1,
            ['a character'],
            'expected a character after "\\" (write \\\\ for a backslash)',
          );
        }
        c = codePointAt(this.src, this.pos + 1);
        this.pos += 1 + c.length;
        for (let i = 0; i < c.length; i++) wild.push(false);
        text += c;
        continue;
      }
      c = codePointAt(this.src, this.pos);
      this.pos += c.length;
      for (let i = 0; i < c.length; i++) wild.push(c === '*' && !quoted);
      text += c;
    }
    return { text, wild, quoted, start, end: this.pos };
  }

  private readQuoted(): Word {
    const open = this.pos;
    let text = '';
    this.pos += 1;
    while (!this.atEnd() && this.src[this.pos] !== '"') {
      if (this.src[this.pos] === '\\' && this.pos + 1 < this.src.length) this.pos += 1;
      text += this.src[this.pos];
      this.pos += 1;
    }
    if (this.atEnd()) {
      throw new QuerySyntaxError(
        open,
        1,
        ['"'],
        'unclosed quote: expected a closing " for the quote opened here',
      );
    }
    this.pos += 1;
    return {
      text,
      wild: new Array<boolean>(text.length).fill(false),
      quoted: true,
      start: open,
      end: this.pos,
    };
  }

  private expectTermAfter(what: string): void {
    this.skipSpace();
    if (
      this.atEnd() ||
      this.src[this.pos] === ')' ||
      this.atKeyword('AND') ||
      this.atKeyword('OR')
    ) {
      const length = this.atEnd() ? 0 : this.atKeyword('AND') ? 3 : this.atKeyword('OR') ? 2 : 1;
      throw new QuerySyntaxError(this.pos, length, ['a term'], `expected a term after ${what}`);
    }
  }

  private expectTermHere(): void {
    if (this.atEnd()) throw new QuerySyntaxError(this.pos, 0, ['a term'], 'expected a term');
    if (this.src[this.pos] === ')') {
      throw new QuerySyntaxError(this.pos, 1, ['a term'], 'unexpected ")": expected a term');
    }
    for (const kw of ['AND', 'OR'] as const) {
      if (this.atKeyword(kw))
        throw new QuerySyntaxError(
          this.pos,
          kw.length,
          ['a term'],
          `expected a term before "${kw}"`,
        );
    }
  }

  private unclosedParen(open: number): QuerySyntaxError {
    return new QuerySyntaxError(
      open,
      1,
      ['")"'],
      'unclosed "(": expected ")" to close the group opened here',
    );
  }

  private atKeyword(kw: 'AND' | 'OR' | 'NOT'): boolean {
    if (!this.src.startsWith(kw, this.pos)) return false;
    const next = this.src[this.pos + kw.length];
    return next === undefined || next === '(' || next === ')' || next === '"' || /\s/.test(next);
  }

  private stickyMatch(regex: RegExp): RegExpExecArray | null {
    regex.lastIndex = this.pos;
    return regex.exec(this.src);
  }

  private enter(): void {
    if (++this.depth > MAX_DEPTH) {
      throw new QuerySyntaxError(
        this.pos,
        1,
        ['fewer nested groups'],
        `the query nests parentheses or NOTs more than ${MAX_DEPTH} deep`,
      );
    }
  }

  private atEnd(): boolean {
    return this.pos >= this.src.length;
  }

  private skipSpace(): void {
    while (!this.atEnd() && /\s/.test(this.src[this.pos])) this.pos += 1;
  }
}

/** Comparison value(s): partial dates become instants, `<=` / `>` move to the period's end. */
function comparisonValues(
  op: ComparisonOp,
  word: Word,
  paths: string[],
  shown: string,
): Array<[ComparisonOp, string]> {
  const timeField = paths.length > 0 && paths.every(isTimeField);
  const len = Math.max(1, word.end - word.start);
  if (word.wild.some(Boolean)) {
    throw new QuerySyntaxError(
      word.start,
      len,
      [timeField ? 'an ISO date' : 'a number or an ISO date'],
      `wildcards cannot be compared: expected ${timeField ? 'an ISO date' : 'a number or an ISO date'} after "${shown}"`,
    );
  }
  const text = word.text.trim();
  if (!timeField && isNumberText(text)) return [[op, text]];
  const span = parseIsoTime(text);
  if (!span || (!timeField && !/^\d{4}-\d{2}/.test(text))) {
    const detail = timeField
      ? `expected an ISO date like 2024-05-14 or 2024-05-14T10:00:00Z after "${shown}" (comparisons on time fields need an ISO date)`
      : `expected a number or an ISO date (2024-05-14T10:00:00Z) after "${shown}"`;
    throw new QuerySyntaxError(
      word.start,
      len,
      [timeField ? 'an ISO date' : 'a number or an ISO date'],
      detail,
    );
  }
  const start = formatEventTime(span.start);
  const end = formatEventTime(span.end);
  if (span.exact) return [[op, start]];
  switch (op) {
    case 'lt':
    case 'ge':
      return [[op, start]];
    case 'le':
      return [['lt', end]];
    case 'gt':
      return [['ge', end]];
  }
}

/** Address characters, a slash and digits: what a network looks like, valid or not. */
const NETWORK_LIKE = /^[0-9a-f:.]*\/\d*$/i;

/**
 * On an address field a bare `10.0.0.0/8` is a network (core/cidr.ts); one that only looks like
 * a network (`10.0.0/8`, `10.0.0.0/33`) is an error rather than a search for the text that finds
 * nothing. undefined for other values, which are matched as text.
 */
function networkMatch(word: Word, shown: string): ValueMatch | undefined {
  if (!NETWORK_LIKE.test(word.text)) return undefined;
  if (cidrMatcher(word.text)) return { op: 'cidr', network: word.text };
  throw new QuerySyntaxError(
    word.start,
    Math.max(1, word.end - word.start),
    ['a network (CIDR)'],
    `expected a network like 10.0.0.0/8 or 2001:db8::/32 after "${shown}" (a whole address, then a prefix of 0-32 bits for IPv4, 0-128 for IPv6); quote the value to search for the text itself`,
  );
}

function withAliasRewrites(
  alias: FieldAlias | undefined,
  paths: string[],
  match: ValueMatch,
  term: (fields: string[], match: ValueMatch) => TermNode,
): QueryNode {
  const alternatives: QueryNode[] = paths.length ? [term(paths, match)] : [];
  if (alias?.sessionName) {
    // principalId of a role session is "AROA…:<session name>".
    const pattern =
      match.op === 'eq'
        ? `*:${escapeWildcard(match.value)}`
        : match.op === 'wildcard'
          ? `*:${match.pattern}`
          : match.op === 'exists'
            ? '*:*'
            : undefined;
    if (pattern !== undefined && !(match.op === 'exists' && paths.length)) {
      alternatives.push(term(['userIdentity.principalId'], { op: 'wildcard', pattern }));
    }
  }
  if (alias?.serviceHost && match.op === 'eq' && match.value !== '' && !match.value.includes('.')) {
    alternatives.push(term(paths, { op: 'eq', value: `${match.value}.amazonaws.com` }));
  }
  if (alias?.anonymous && match.op === 'eq' && match.value.toLowerCase() === 'anonymous') {
    for (const id of ANONYMOUS_IDS)
      alternatives.push(
        term(['userIdentity.accountId', 'userIdentity.principalId'], { op: 'eq', value: id }),
      );
  }
  return makeOr(alternatives);
}

/** The wildcard pattern of a bare word: unescaped `*` stays, literal `*` and `\` get a backslash. */
function wildcardPattern(word: Word): string {
  let pattern = '';
  for (let i = 0; i < word.text.length; i++) {
    const c = word.text[i];
    pattern += word.wild[i] ? '*' : c === '*' || c === '\\' ? `\\${c}` : c;
  }
  return pattern;
}

function escapeWildcard(value: string): string {
  return value.replace(/[\\*]/g, (c) => `\\${c}`);
}

function textNode(word: Word): QueryNode {
  if (word.quoted) return { kind: 'text', text: word.text, start: word.start, end: word.end };
  // Free text is a substring search, so stars at either end add nothing; inside a word they
  // would promise a wildcard search we do not do.
  let from = 0;
  let to = word.text.length;
  while (from < to && word.wild[from]) from++;
  while (to > from && word.wild[to - 1]) to--;
  for (let i = from; i < to; i++) {
    if (word.wild[i]) {
      throw new QuerySyntaxError(
        word.start,
        word.end - word.start,
        ['a field:pattern', 'a word without *'],
        'free text is a substring search: "*" only works in field:pattern (write \\* for a literal star)',
      );
    }
  }
  if (from === to) return { kind: 'all' };
  return { kind: 'text', text: word.text.slice(from, to), start: word.start, end: word.end };
}

function makeAnd(children: QueryNode[]): QueryNode {
  const flat = children.flatMap((c) =>
    c.kind === 'and' ? c.children : c.kind === 'all' ? [] : [c],
  );
  if (flat.length === 0) return { kind: 'all' };
  return flat.length === 1 ? flat[0] : { kind: 'and', children: flat };
}

function makeOr(children: QueryNode[]): QueryNode {
  if (children.some((c) => c.kind === 'all')) return { kind: 'all' };
  const flat = children.flatMap((c) => (c.kind === 'or' ? c.children : [c]));
  return flat.length === 1 ? flat[0] : { kind: 'or', children: flat };
}

function codePointAt(s: string, i: number): string {
  return String.fromCodePoint(s.codePointAt(i) ?? 0);
}
