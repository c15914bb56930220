// Times as the investigator reads them: one time zone for every view (the
// `cloudtrailLens.timeZone` setting: "UTC" or an IANA zone such as "Europe/Paris"), always with
// its offset or `Z`, always ISO 8601 (`2024-05-14 12:05:00+02:00`). Used by the timeline (table,
// detail pane, histogram, range inputs) and the hovers of log documents. Pure: Intl only.

export const UTC = 'UTC';

const MINUTE = 60_000;
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      era: 'short',
    });
    formatters.set(zone, f);
  }
  return f;
}

/** The zone as the setting should hold it ("UTC" for any spelling of it), or undefined when it is not a time zone. */
export function normalizeZone(zone: unknown): string | undefined {
  if (typeof zone !== 'string' || zone.trim() === '') return undefined;
  const z = zone.trim();
  if (/^(utc|z|gmt|etc\/utc|etc\/gmt)$/i.test(z)) return UTC;
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: z }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}

export interface ZonedParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** The zone's offset from UTC at that instant, in ms (east positive). */
  offsetMs: number;
}

/** The wall-clock reading of `ms` in the zone. */
export function zonedParts(ms: number, zone: string): ZonedParts {
  const whole = Math.floor(ms / 1000) * 1000;
  if (zone === UTC) {
    const t = new Date(whole);
    return {
      year: t.getUTCFullYear(),
      month: t.getUTCMonth() + 1,
      day: t.getUTCDate(),
      hour: t.getUTCHours(),
      minute: t.getUTCMinutes(),
      second: t.getUTCSeconds(),
      offsetMs: 0,
    };
  }
  const p: Record<string, string> = {};
  for (const part of formatter(zone).formatToParts(new Date(whole))) p[part.type] = part.value;
  const year = p.era === 'BC' || p.era === 'B' ? 1 - Number(p.year) : Number(p.year);
  const r = {
    year,
    month: Number(p.month),
    day: Number(p.day),
    hour: Number(p.hour) % 24,
    minute: Number(p.minute),
    second: Number(p.second),
  };
  const t = new Date(0);
  t.setUTCFullYear(r.year, r.month - 1, r.day);
  t.setUTCHours(r.hour, r.minute, r.second, 0);
  return { ...r, offsetMs: t.getTime() - whole };
}

/** The zone's offset from UTC at `ms`, in ms (east positive). */
export function zoneOffsetMs(ms: number, zone: string): number {
  return zonedParts(ms, zone).offsetMs;
}

const p2 = (n: number): string => String(n).padStart(2, '0');
const year = (y: number): string =>
  y < 0
    ? `-${String(-y).padStart(6, '0')}`
    : y > 9999
      ? `+${String(y).padStart(6, '0')}`
      : String(y).padStart(4, '0');

/** `Z` in UTC, else `+02:00` / `-05:30` (also `+00:00` in a zone that is at UTC just then). */
export function offsetText(offsetMs: number, zone: string): string {
  if (zone === UTC) return 'Z';
  const m = Math.round(offsetMs / MINUTE);
  const a = Math.abs(m);
  return `${m < 0 ? '-' : '+'}${p2(Math.floor(a / 60))}:${p2(a % 60)}`;
}

/**
 * `2024-05-14 12:05:00+02:00` (or `T` between date and time with `sep: 'T'`: the ISO 8601 form the
 * range inputs take); `2024-05-14 10:05:00Z` in UTC. Seconds precision, as CloudTrail's eventTime.
 */
export function formatInstant(ms: number, zone: string, sep: ' ' | 'T' = ' '): string {
  const p = zonedParts(ms, zone);
  return `${year(p.year)}-${p2(p.month)}-${p2(p.day)}${sep}${p2(p.hour)}:${p2(p.minute)}:${p2(p.second)}${offsetText(p.offsetMs, zone)}`;
}

const INSTANT =
  /^\s*(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?\s*$/i;

/**
 * Reads an ISO 8601 time: with its offset or `Z` as written, without one as a wall-clock time in
 * the zone (a date alone is its midnight; a time the zone skips or repeats as wallInstant says).
 * NaN when it is not such a time.
 */
export function parseInstant(text: string, zone: string): number {
  const m = INSTANT.exec(text);
  if (!m) return NaN;
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map((x) => (x === undefined ? 0 : Number(x)));
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59) return NaN;
  const t = new Date(0);
  t.setUTCFullYear(y, mo - 1, d);
  t.setUTCHours(h, mi, s, 0);
  const wall = t.getTime();
  if (t.getUTCDate() !== d) return NaN; // 31 April and the like
  const off = m[7];
  if (off) {
    if (/^z$/i.test(off)) return wall;
    const sign = off[0] === '-' ? -1 : 1;
    const digits = off.slice(1).replace(':', '');
    const hours = Number(digits.slice(0, 2));
    const mins = Number(digits.slice(2) || 0);
    if (hours > 23 || mins > 59) return NaN;
    return wall - sign * (hours * 60 + mins) * MINUTE;
  }
  return wallInstant(wall, zone);
}

/**
 * The instant at which the zone's clock reads `wall` (a wall-clock reading written as if it were
 * UTC ms). As Temporal's "compatible": a reading the zone repeats (clocks going back) is the
 * earlier instant; one it skips (clocks going forward) is moved forward by the gap. The same rule
 * east and west of Greenwich.
 */
export function wallInstant(wall: number, zone: string): number {
  if (zone === UTC) return wall;
  // The offsets a day either side: a change of offset between them is the one around `wall`.
  const before = zoneOffsetMs(wall - 86_400_000, zone);
  const after = zoneOffsetMs(wall + 86_400_000, zone);
  const reads = (t: number) => t + zoneOffsetMs(t, zone) === wall;
  const early = wall - Math.max(before, after);
  const late = wall - Math.min(before, after);
  if (reads(early)) return early;
  if (reads(late)) return late;
  // Skipped: the offset before the change, which puts the reading after the gap.
  return wall - before;
}
