// Times are shown in UTC or local time (one toggle for the whole view). CloudTrail eventTime has
// second precision; the table shows seconds, axis labels only what their step needs.

export type Zone = 'utc' | 'local';

function parts(ms: number, zone: Zone): { y: number; mo: number; d: number; h: number; mi: number; s: number } {
  const t = new Date(ms);
  return zone === 'utc'
    ? { y: t.getUTCFullYear(), mo: t.getUTCMonth() + 1, d: t.getUTCDate(), h: t.getUTCHours(), mi: t.getUTCMinutes(), s: t.getUTCSeconds() }
    : { y: t.getFullYear(), mo: t.getMonth() + 1, d: t.getDate(), h: t.getHours(), mi: t.getMinutes(), s: t.getSeconds() };
}

const p2 = (n: number): string => String(n).padStart(2, '0');

/** `2024-05-14 10:05:00Z` in UTC, `2024-05-14 12:05:00` in local time; '—' for no time. */
export function formatTime(ms: number, zone: Zone): string {
  if (!Number.isFinite(ms) || ms < 0) return '—';
  const p = parts(ms, zone);
  return `${p.y}-${p2(p.mo)}-${p2(p.d)} ${p2(p.h)}:${p2(p.mi)}:${p2(p.s)}${zone === 'utc' ? 'Z' : ''}`;
}

/** The value for an <input type="datetime-local"> showing `ms` in the zone. */
export function toInputValue(ms: number, zone: Zone): string {
  const p = parts(ms, zone);
  return `${p.y}-${p2(p.mo)}-${p2(p.d)}T${p2(p.h)}:${p2(p.mi)}:${p2(p.s)}`;
}

/** Parses an <input type="datetime-local"> value in the zone; NaN when it is not a time. */
export function fromInputValue(value: string, zone: Zone): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(value);
  if (!m) return NaN;
  const [y, mo, d, h, mi, s] = m.slice(1).map((x) => (x === undefined ? 0 : Number(x)));
  return zone === 'utc' ? Date.UTC(y, mo - 1, d, h, mi, s) : new Date(y, mo - 1, d, h, mi, s).getTime();
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const STEPS = [SECOND, 5 * SECOND, 15 * SECOND, 30 * SECOND, MINUTE, 5 * MINUTE, 15 * MINUTE, 30 * MINUTE, HOUR, 3 * HOUR, 6 * HOUR, 12 * HOUR, DAY, 2 * DAY, 7 * DAY, 30 * DAY, 91 * DAY, 365 * DAY];

/** Axis ticks for [from, to) with about `maxTicks` labels, aligned to round times in the zone. */
export function timeTicks(from: number, to: number, maxTicks: number, zone: Zone): { at: number; label: string }[] {
  const span = Math.max(1, to - from);
  const step = STEPS.find((s) => span / s <= maxTicks) ?? STEPS[STEPS.length - 1];
  // Align to the zone: local midnight differs from UTC midnight by the zone offset.
  const offset = zone === 'local' ? -new Date(from).getTimezoneOffset() * MINUTE : 0;
  const start = Math.ceil((from + offset) / step) * step - offset;
  const ticks: { at: number; label: string }[] = [];
  for (let t = start; t < to && ticks.length <= maxTicks * 2; t += step) ticks.push({ at: t, label: tickLabel(t, step, zone) });
  return ticks;
}

function tickLabel(ms: number, step: number, zone: Zone): string {
  const p = parts(ms, zone);
  const date = `${p.y}-${p2(p.mo)}-${p2(p.d)}`;
  if (step >= DAY) return date;
  const hm = `${p2(p.h)}:${p2(p.mi)}`;
  const time = step < MINUTE ? `${hm}:${p2(p.s)}` : hm;
  return p.h === 0 && p.mi === 0 && p.s === 0 ? `${date} ${time}` : time;
}

/** "1 h", "5 min", "30 s": the width of a histogram bin in words. */
export function formatDuration(ms: number): string {
  if (ms >= DAY && ms % DAY === 0) return `${ms / DAY} d`;
  if (ms >= HOUR) return `${+(ms / HOUR).toFixed(1)} h`;
  if (ms >= MINUTE) return `${+(ms / MINUTE).toFixed(1)} min`;
  if (ms >= SECOND) return `${+(ms / SECOND).toFixed(1)} s`;
  return `${ms} ms`;
}
