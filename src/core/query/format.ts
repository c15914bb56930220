// Building query text from clicks: the timeline's facet values and pivots append terms that
// must match exactly the value clicked, however hostile the value (log content is
// attacker-controlled: quotes, backslashes, parentheses, keywords, stars).

import { QueryNode } from './ast';
import { isAddressField, isTimeField, resolveField } from './fields';
import { parseQuery } from './parse';

export interface FormatOptions {
  /** Exclude the value instead: `-field:value`. */
  negate?: boolean;
}

/** A value as found in a record. null stands for "no value": the term becomes `-field:*`. */
export type TermValue = string | number | boolean | null;

// Bare values that cannot be read as anything else: no spaces, quotes, parentheses, stars,
// backslashes, colons (ARNs and URLs look like field:value) or comparison signs.
const SAFE_BARE = /^[A-Za-z0-9_.@+/,=-]+$/;
const KEYWORD = /^(AND|OR|NOT)$/;

/**
 * `field:value` text that parseQuery reads as an exact, case-insensitive match of `value` on
 * `field` (quoted and escaped when needed; quoted values are literal: no wildcards, no dates).
 */
export function formatTerm(field: string, value: TermValue, options: FormatOptions = {}): string {
  let negate = options.negate === true;
  let text: string;
  if (value === null) {
    text = '*';
    negate = !negate;
  } else {
    text = formatValue(field, String(value));
  }
  return `${negate ? '-' : ''}${formatField(field)}:${text}`;
}

/** Fewer characters than this of a value make too loose a prefix to filter on. */
export const MIN_PREFIX_CHARS = 100;

/** A term that fits a length limit: exact, or a prefix wildcard (prefixLength: the value's characters it keeps). */
export interface FittedTerm {
  term: string;
  /** Set when the term is a prefix wildcard: how many UTF-16 units of the value it starts with. */
  prefixLength?: number;
}

/**
 * formatTerm's term when it is at most `maxLength` characters long. A longer one (a value of
 * thousands of characters) becomes `field:<the value's first characters>*`, as many as fit: it
 * matches the value, and any other value that starts with the same characters. undefined when
 * fewer than MIN_PREFIX_CHARS would fit, or on time fields (a bare value there is a date).
 */
export function formatTermWithin(
  field: string,
  value: string,
  maxLength: number,
  options: FormatOptions = {},
): FittedTerm | undefined {
  const exact = formatTerm(field, value, options);
  if (exact.length <= maxLength) return { term: exact };
  const { paths } = resolveField(field);
  if (paths.length > 0 && paths.every(isTimeField)) return undefined;
  const head = `${options.negate === true ? '-' : ''}${formatField(field)}:`;
  // A bare word whose every character is literal: what would end it, start a quote, or be read
  // as a wildcard, an escape, a comparison (<, > first) or a pasted URL (// first) is escaped.
  let budget = maxLength - head.length - 1;
  let text = '';
  let prefixLength = 0;
  for (const c of value) {
    const first = prefixLength === 0;
    const escape =
      /[\\*()"\s]/.test(c) ||
      (first && (c === '<' || c === '>' || (c === '/' && value[1] === '/')));
    const piece = escape ? `\\${c}` : c;
    if (piece.length > budget) break;
    text += piece;
    budget -= piece.length;
    prefixLength += c.length;
  }
  return prefixLength < MIN_PREFIX_CHARS ? undefined : { term: `${head}${text}*`, prefixLength };
}

/** A field name with the characters the parser would stop at escaped. */
export function formatField(field: string): string {
  return field.replace(/[\s:<>()"\\*]|^-/g, (c) => `\\${c}`);
}

/** Free text that parseQuery reads as exactly this phrase. */
export function formatText(text: string): string {
  return quote(text);
}

/**
 * Adds `term` to `query` with AND semantics. A query whose top level is an OR is parenthesised
 * first, since `a OR b term` would mean `a OR (b AND term)`.
 */
export function appendTerm(query: string, term: string): string {
  const trimmed = query.trim();
  if (trimmed === '') return term;
  let top: QueryNode | undefined;
  try {
    top = parseQuery(trimmed);
  } catch {
    top = undefined;
  }
  return top?.kind === 'or' ? `(${trimmed}) ${term}` : `${trimmed} ${term}`;
}

function formatValue(field: string, value: string): string {
  const { paths } = resolveField(field);
  // On time fields a bare date names a period (eventTime:2024-05-14 is a whole day), on address
  // fields a bare `10.0.0.0/8` a network.
  const timeField = paths.length > 0 && paths.every(isTimeField);
  const networkLike = value.includes('/') && paths.length > 0 && paths.every(isAddressField);
  // `field://x` would read as a pasted URL (free text).
  const bare =
    SAFE_BARE.test(value) &&
    !KEYWORD.test(value) &&
    !value.startsWith('//') &&
    !timeField &&
    !networkLike;
  return bare ? value : quote(value);
}

function quote(value: string): string {
  return `"${value.replace(/["\\]/g, (c) => `\\${c}`)}"`;
}
