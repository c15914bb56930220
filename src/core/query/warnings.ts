// Queries that parse but probably do not say what was meant. A field path is always allowed
// (records carry service-specific fields no list can name), so these are warnings a view shows
// beside the results (the timeline under its filter box, the CLI on stderr), never errors:
// - a field no CloudTrail record has (a typo: `usr:bob`), with the nearest known fields;
// - a lower-case `or`, `and` or `not` between terms, which is searched as a word;
// - Lucene's range `field:[a TO b]`, read as `field` equal to "[a" and the words TO and "b]";
// - a space before the colon, `eventName : ConsoleLogin`, read as three free-text words;
// - in a view showing times in another zone, a time typed without one (read as UTC).

import { QueryNode, TermNode, TextNode } from './ast';
import { FIELD_ALIASES, KNOWN_FIELDS, canonicalPath } from './fields';
import { RECORD_KEY_PATHS } from '../records/fieldMeanings';

export interface QueryWarning {
  /** UTF-16 offsets of the term in the query text. */
  start: number;
  end: number;
  message: string;
}

const recordPaths = new Set<string>([...KNOWN_FIELDS.map((f) => f.path), ...RECORD_KEY_PATHS]);
const topLevel = new Set([...recordPaths].map((p) => p.split('.')[0].toLowerCase()));
// userIdentity has a fixed shape except for these free-form objects.
const FREE_FORM_IDENTITY =
  /^userIdentity\.(sessionContext\.webIdFederationData\.attributes|inScopeOf)\./;

const LOWER_KEYWORDS = new Set(['or', 'and', 'not']);

/**
 * Terms on fields no CloudTrail record has: likely typos (`usr:bob`, `userIdentity.usrName`); and,
 * given the query's text, the lower-case keywords searched as words.
 */
export function queryWarnings(
  node: QueryNode,
  source?: string,
  /** The zone the view shows times in (an IANA name): a time typed without one is UTC. */
  displayZone?: string,
): QueryWarning[] {
  const warnings: QueryWarning[] = [];
  const seen = new Set<string>();
  const visit = (n: QueryNode): void => {
    switch (n.kind) {
      case 'and':
      case 'or':
        n.children.forEach(visit);
        return;
      case 'not':
        visit(n.child);
        return;
      case 'term': {
        const key = `${n.start}:${n.end}`;
        if (seen.has(key)) return;
        seen.add(key);
        const message = fieldWarning(n.field);
        if (message) warnings.push({ start: n.start, end: n.end, message });
        const range = source === undefined ? undefined : luceneRangeWarning(n, source);
        if (range) warnings.push(range);
        const zone = source === undefined ? undefined : zonelessTimeWarning(n, source, displayZone);
        if (zone) warnings.push(zone);
        return;
      }
      case 'text': {
        const word = source?.slice(n.start, n.end);
        if (word !== undefined && LOWER_KEYWORDS.has(word)) {
          warnings.push({
            start: n.start,
            end: n.end,
            message: `"${word}" is searched as a word: write ${word.toUpperCase()} (upper case) to combine terms`,
          });
        }
        const spaced = source === undefined ? undefined : spacedColonWarning(n, source);
        if (spaced) warnings.push(spaced);
        return;
      }
      default:
        return;
    }
  };
  visit(node);
  return warnings.sort((a, b) => a.start - b.start);
}

// `[a TO b]` (inclusive) / `{a TO b}` (exclusive), either bound `*`: Lucene's range, from the
// bracket that starts the term's value.
const VALUE_BRACKET = /(?<!\\):\s*[[{]/;
const LUCENE_RANGE = /([[{])(\S*?)\s+TO\s+([^\s\]}]*)([\]}])/iy;

/**
 * `eventTime:[2024-05-14 TO 2024-05-15]` parses as `eventTime` equal to "[2024-05-14" and the
 * free-text words "TO" and "2024-05-15]": say so, and the comparisons that mean the range.
 */
function luceneRangeWarning(n: TermNode, source: string): QueryWarning | undefined {
  // `[*` (an open lower bound) is a wildcard term.
  const value =
    n.match.op === 'eq' ? n.match.value : n.match.op === 'wildcard' ? n.match.pattern : '';
  if (!/^[[{]/.test(value)) return undefined;
  const typed = source.slice(n.start, n.end);
  const bracket = VALUE_BRACKET.exec(typed);
  if (!bracket) return undefined;
  const field = typed.slice(0, bracket.index).trimEnd();
  LUCENE_RANGE.lastIndex = n.start + bracket.index + bracket[0].length - 1;
  const m = LUCENE_RANGE.exec(source);
  if (!m) return undefined;
  const [, open, lower, upper, close] = m;
  const bounds = [
    lower === '*' ? '' : `${field}${open === '[' ? '>=' : '>'}${lower}`,
    upper === '*' ? '' : `${field}${close === ']' ? '<=' : '<'}${upper}`,
  ].filter(Boolean);
  const instead = bounds.length ? bounds.join(' ') : `${field}:*`;
  const words = source
    .slice(n.end, LUCENE_RANGE.lastIndex)
    .trim()
    .split(/\s+/)
    .map((w) => `"${w}"`);
  return {
    start: n.start,
    end: LUCENE_RANGE.lastIndex,
    message: `the range syntax [a TO b] is not supported: this is read as ${field} ${n.match.op === 'eq' ? 'equal to' : 'matching'} "${value}" and the free-text words ${words.join(', ')}; write ${instead}`,
  };
}

// A time comparison's value as the parser gives it (a UTC instant), and a zone where one was typed.
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{3})?Z$/;
// Z, or an offset after a time (a date's own "-14" is no offset).
const TYPED_ZONE =
  /(?:z|(?:\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?|T\d{2,6}(?:\.\d+)?)\s*[+-]\d{2}(?::?\d{2})?)"?$/i;

/**
 * `time>=2024-05-14T10:00` is UTC, while the view's range boxes and table show another zone:
 * said, when the view's zone is not UTC, for a time typed without Z or an offset.
 */
function zonelessTimeWarning(
  n: TermNode,
  source: string,
  displayZone: string | undefined,
): QueryWarning | undefined {
  if (!displayZone || displayZone === 'UTC') return undefined;
  if (n.match.op === 'eq' || n.match.op === 'wildcard' || n.match.op === 'exists') return undefined;
  if (n.match.op === 'cidr' || !INSTANT.test(n.match.value)) return undefined;
  const typed = source.slice(n.start, n.end).trim();
  if (TYPED_ZONE.test(typed)) return undefined;
  return {
    start: n.start,
    end: n.end,
    message: `a time without a zone is read as UTC (${n.match.value}), not in ${displayZone} as the table shows times: add Z or an offset (+02:00) to say which`,
  };
}

// A space before the colon: `eventName : ConsoleLogin`, `eventName :ConsoleLogin`.
const SPACED_COLON = /\s+:\s*("(?:[^"\\]|\\.)*"|[^\s()]+)?/y;

/** `eventName : ConsoleLogin` is three free-text words: say so, and the term it meant. */
function spacedColonWarning(n: TextNode, source: string): QueryWarning | undefined {
  const word = source.slice(n.start, n.end);
  if (word.startsWith('"') || word.startsWith(':')) return undefined;
  SPACED_COLON.lastIndex = n.end;
  const m = SPACED_COLON.exec(source);
  if (!m) return undefined;
  const value = m[1] ?? '…';
  return {
    start: n.start,
    end: SPACED_COLON.lastIndex,
    message: `read as free-text words, not a field filter (a space before ":"): write ${word}:${value}`,
  };
}

const ALIAS_NAMES = FIELD_ALIASES.map((a) => a.name);

/**
 * The names (the filter's aliases, or the CLI's column names) and record paths a typed field may
 * have been meant as, nearest first.
 */
function nearestFields(typed: string, names: readonly string[]): string[] {
  const lower = typed.toLowerCase();
  const dotted = lower.includes('.');
  const candidates = dotted
    ? [...recordPaths]
    : [...names, ...[...recordPaths].filter((p) => !p.includes('.'))];
  const limit = Math.max(2, Math.floor(lower.length / 3));
  const scored = candidates
    .map((c) => ({ c, d: editDistance(lower, c.toLowerCase()) }))
    .sort((a, b) => a.d - b.d || a.c.length - b.c.length);
  const best = scored[0]?.d ?? Infinity;
  return scored
    .filter((x) => x.d <= Math.min(limit, best + 1))
    .slice(0, 3)
    .map((x) => x.c);
}

/** Levenshtein distance, a transposition counting as one edit (usr/user, evnetName/eventName). */
function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 8) return Infinity;
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [
    i,
    ...new Array<number>(b.length).fill(0),
  ]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

function withNearest(message: string, typed: string, names: readonly string[]): string {
  const near = nearestFields(typed, names);
  return near.length ? `${message} (nearest known: ${near.join(', ')})` : message;
}

/** Why a field as typed is suspicious, or undefined when it is an alias or a record field. */
export function fieldWarning(typed: string): string | undefined {
  if (!typed.includes('.') && ALIAS_NAMES.some((a) => a.toLowerCase() === typed.toLowerCase()))
    return undefined;
  return recordPathWarning(typed, ALIAS_NAMES, 'an alias', 'only records that have it can match');
}

/**
 * Why a CLI column (`query --fields`) as typed is suspicious, or undefined when it is one of
 * `columns` (the summary names) or a record field. A filter alias that is not a column is read
 * as a record path, which records do not have: an empty column.
 */
export function columnWarning(typed: string, columns: readonly string[]): string | undefined {
  if (columns.includes(typed)) return undefined;
  const alias = typed.includes('.')
    ? undefined
    : FIELD_ALIASES.find((a) => a.name.toLowerCase() === typed.toLowerCase());
  if (alias && !topLevel.has(typed.toLowerCase()))
    return withNearest(
      `"${typed}" is a filter alias (for ${alias.paths.join(', ')}), not a column: read as a record path, its column is empty`,
      typed,
      columns,
    );
  return recordPathWarning(
    typed,
    columns,
    'a column name',
    'its column is empty for records that lack it',
  );
}

/** `typed` read as a record path: a top-level field no record has, or an unknown userIdentity one. */
function recordPathWarning(
  typed: string,
  names: readonly string[],
  notA: string,
  consequence: string,
): string | undefined {
  const segments = typed.split('.');
  if (!topLevel.has(segments[0].toLowerCase())) {
    return withNearest(
      `"${segments[0]}" is neither ${notA} nor a CloudTrail record field: ${consequence}`,
      segments.length === 1 ? typed : segments[0],
      names,
    );
  }
  const path = canonicalPath(typed);
  if (
    path.startsWith('userIdentity.') &&
    !recordPaths.has(path) &&
    !FREE_FORM_IDENTITY.test(path)
  ) {
    return withNearest(`"${typed}" is not a userIdentity field: ${consequence}`, path, names);
  }
  return undefined;
}
