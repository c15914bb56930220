// Time in one place: CloudTrail's ISO 8601 times read and written (eventTime, digest times,
// partition days), for the index, the query language, digests, SQL and the views. Every `.toISOString()`
// turned into a CloudTrail time goes through here; how a time is shown to people, in the zone the
// user chose, is ./zone.ts. Pure: no Node, no DOM.

/** 400 Gregorian years, which repeat the calendar exactly. */
const FOUR_CENTURIES_MS = 146_097 * 86_400_000;

/** Date.UTC for every year: Date.UTC itself reads years 0–99 as 1900–1999. */
export function utcMs(
  year: number,
  monthIndex: number,
  day: number,
  hour = 0,
  minute = 0,
  second = 0,
  ms = 0,
): number {
  if (year >= 0 && year < 100)
    return Date.UTC(year + 400, monthIndex, day, hour, minute, second, ms) - FOUR_CENTURIES_MS;
  return Date.UTC(year, monthIndex, day, hour, minute, second, ms);
}

/**
 * eventTime in CloudTrail's own form `YYYY-MM-DDTHH:MM:SSZ` → ms since the epoch, or NaN when
 * the string is not exactly that (with fields in range). This is the hot path of indexing.
 */
export function canonicalEventTime(v: unknown): number {
  if (typeof v !== 'string' || v.length !== 20) return NaN;
  if (
    v.charCodeAt(4) !== 45 ||
    v.charCodeAt(7) !== 45 ||
    v.charCodeAt(10) !== 84 ||
    v.charCodeAt(13) !== 58 ||
    v.charCodeAt(16) !== 58 ||
    v.charCodeAt(19) !== 90
  )
    return NaN;
  const year = digit(v, 0) * 1000 + digit(v, 1) * 100 + digit(v, 2) * 10 + digit(v, 3);
  const month = digit(v, 5) * 10 + digit(v, 6);
  const day = digit(v, 8) * 10 + digit(v, 9);
  const hour = digit(v, 11) * 10 + digit(v, 12);
  const minute = digit(v, 14) * 10 + digit(v, 15);
  const second = digit(v, 17) * 10 + digit(v, 18);
  if (!(
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    day <= 31 &&
    hour <= 23 &&
    minute <= 59 &&
    second <= 59
  ))
    return NaN;
  const t = utcMs(year, month - 1, day, hour, minute, second);
  // Date.UTC rolls 2024-02-30 over into March: such a day is not canonical.
  if (day > 28 && new Date(t).getUTCDate() !== day) return NaN;
  return t;
}

function digit(v: string, i: number): number {
  const x = v.charCodeAt(i) - 48;
  return x >= 0 && x <= 9 ? x : NaN;
}

/** ms → CloudTrail's time format (`.sss` only when there are milliseconds). */
export function formatEventTime(ms: number): string {
  if (!Number.isFinite(ms)) return '';
  const iso = new Date(ms).toISOString();
  return ms % 1000 === 0 ? iso.slice(0, 19) + 'Z' : iso;
}

/** `YYYY-MM-DDTHH:MM:SSZ`: the time to the second (milliseconds dropped), as digests and the CLI show it; '' when not a time. */
export function formatSeconds(ms: number): string {
  return Number.isFinite(ms) ? formatEventTime(Math.floor(ms / 1000) * 1000) : '';
}

/** `YYYY-MM-DD` (UTC) of an instant. */
export function isoDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** `YYYY-MM-DD HH:MM[:SS] UTC`, for people (tooltips, hovers). */
export function formatUtcForPeople(ms: number, seconds: boolean): string {
  return `${new Date(ms)
    .toISOString()
    .slice(0, seconds ? 19 : 16)
    .replace('T', ' ')} UTC`;
}

/** `YYYYMMDDTHHMM[SS]Z`, the stamp in CloudTrail's file names. */
export function fileNameTime(ms: number, seconds: boolean): string {
  const s = new Date(ms).toISOString();
  return `${s.slice(0, 4)}${s.slice(5, 7)}${s.slice(8, 10)}T${s.slice(11, 13)}${s.slice(14, 16)}${seconds ? s.slice(17, 19) : ''}Z`;
}
