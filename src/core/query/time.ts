// ISO-8601 dates as the query language reads them, in one place: the parser turns typed dates
// into instants, and the matcher reads record times with the same rules (never Date.parse,
// which reads zone-less and non-ISO strings in the machine's local time zone).
import { utcMs } from '../time';

/** A typed date stands for the whole period it names: `2024-05-14` is that UTC day. */
export interface TimeSpan {
  /** First millisecond of the period (UTC epoch ms). */
  start: number;
  /** First millisecond after the period; equals `start` when milliseconds were given. */
  end: number;
  /** Milliseconds were given: the span is a single instant. */
  exact: boolean;
}

const ISO =
  /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:[T ](\d{2})(?::(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?(Z|[+-]\d{2}(?::?\d{2})?)?)?)?)?$/i;

/**
 * Reads `YYYY`, `YYYY-MM`, `YYYY-MM-DD`, then optionally `THH`, `:MM`, `:SS`, `.fff` and a zone
 * (`Z`, `+02:00`, `-0500`). No zone means UTC: CloudTrail times are UTC. Returns undefined for
 * anything else, including impossible dates like 2024-02-30.
 */
export function parseIsoTime(text: string): TimeSpan | undefined {
  const m = ISO.exec(text);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  const year = Number(y);
  const month = mo === undefined ? 1 : Number(mo);
  const day = d === undefined ? 1 : Number(d);
  const hour = h === undefined ? 0 : Number(h);
  const minute = mi === undefined ? 0 : Number(mi);
  const second = s === undefined ? 0 : Number(s);
  const ms = frac === undefined ? 0 : Number(frac.slice(0, 3).padEnd(3, '0'));
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  const offset = zoneOffsetMs(zone);
  if (Number.isNaN(offset)) return undefined;
  const start = utcMs(year, month - 1, day, hour, minute, second, ms) - offset;
  let end: number;
  if (frac !== undefined) end = start;
  else if (s !== undefined) end = start + 1000;
  else if (mi !== undefined) end = start + 60_000;
  else if (h !== undefined) end = start + 3_600_000;
  else if (d !== undefined) end = start + 86_400_000;
  else if (mo !== undefined) end = utcMs(year, month, 1) - offset;
  else end = utcMs(year + 1, 0, 1);
  return { start, end, exact: frac !== undefined };
}

/**
 * Epoch ms of a record's time string, or undefined when it is not an ISO date. Besides the
 * extended form, the basic one (`20131102T010628Z`) that old records' sessionContext
 * creationDate uses.
 */
export function instantOf(text: string): number | undefined {
  return canonicalInstant(text) ?? parseIsoTime(text)?.start ?? basicInstant(text);
}

/**
 * What a record time that instantOf reads leaves unsaid, undefined when it names one instant:
 * 'date' for a year, month or day without a time of day (`2024`, `2024-05-01`: read as its first
 * moment), 'zone' for a time of day without a zone (`2024-05-01T10:00:00`: read as UTC).
 * CloudTrail always writes an instant (`2024-05-01T10:00:00Z`).
 */
export function partialInstant(text: string): 'date' | 'zone' | undefined {
  const m = ISO.exec(text);
  if (!m || parseIsoTime(text) === undefined) return undefined;
  if (m[4] === undefined) return 'date';
  return m[8] === undefined ? 'zone' : undefined;
}

const BASIC = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(\.\d{1,9})?(Z|[+-]\d{2}:?\d{2})$/i;

/** ISO 8601 basic notation, rewritten in the extended form parseIsoTime reads. */
function basicInstant(text: string): number | undefined {
  const m = BASIC.exec(text);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  return parseIsoTime(`${y}-${mo}-${d}T${h}:${mi}:${s}${frac ?? ''}${zone}`)?.start;
}

/**
 * CloudTrail's own `YYYY-MM-DDTHH:MM:SSZ`, read without a regex: raw evaluation reads one per
 * record and term. undefined for any other form (parseIsoTime then decides).
 */
function canonicalInstant(t: string): number | undefined {
  if (
    t.length !== 20 ||
    t[4] !== '-' ||
    t[7] !== '-' ||
    t[10] !== 'T' ||
    t[13] !== ':' ||
    t[16] !== ':' ||
    t[19] !== 'Z'
  )
    return undefined;
  const year = digits(t, 0, 4);
  const month = digits(t, 5, 7);
  const day = digits(t, 8, 10);
  const hour = digits(t, 11, 13);
  const minute = digits(t, 14, 16);
  const second = digits(t, 17, 19);
  if (Math.min(year, month, day, hour, minute, second) < 0) return undefined;
  if (
    year < 100 ||
    month < 1 ||
    month > 12 ||
    day < 1 ||
    day > daysInMonth(year, month) ||
    hour > 23 ||
    minute > 59 ||
    second > 59
  )
    return undefined;
  return Date.UTC(year, month - 1, day, hour, minute, second);
}

/** The decimal number in t[from, to), or -1 when a character is not a digit. */
function digits(t: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const d = t.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** The offset written as `Z`, `+02`, `+02:00` or `-0530`, in ms; NaN when out of range (`+02:99`). */
function zoneOffsetMs(zone: string | undefined): number {
  if (zone === undefined || zone.toUpperCase() === 'Z') return 0;
  const sign = zone[0] === '-' ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  const hours = Number(digits.slice(0, 2));
  const minutes = digits.length > 2 ? Number(digits.slice(2, 4)) : 0;
  if (hours > 23 || minutes > 59) return NaN;
  return sign * (hours * 60 + minutes) * 60_000;
}
