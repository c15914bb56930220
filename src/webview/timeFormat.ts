// Times in the timeline: the zone is the cloudtrailLens.timeZone setting ("UTC" or an IANA zone,
// handed over by the host), formatted by the one core time module (src/core/time/zone.ts) with
// the offset or Z. CloudTrail eventTime has second precision; the table shows seconds, axis
// labels only what their step needs.
import {
  formatInstant,
  parseInstant,
  wallInstant,
  zonedParts,
  zoneOffsetMs,
} from '../core/time/zone';
import type { TimeRange } from '../protocol';
import { NO_EVENT_TIME } from '../core/index/columns';

/** "UTC" or an IANA zone name. */
export type Zone = string;

const p2 = (n: number): string => String(n).padStart(2, '0');

/** False for the time of an event without a readable eventTime (NO_EVENT_TIME). */
export function hasEventTime(ms: number): boolean {
  return Number.isFinite(ms) && ms !== NO_EVENT_TIME;
}

/** `2024-05-14 10:05:00Z` in UTC, `2024-05-14 12:05:00+02:00` in Europe/Paris; '—' for no time. */
export function formatTime(ms: number, zone: Zone): string {
  if (!hasEventTime(ms)) return '—';
  return formatInstant(ms, zone);
}

/** The text of a range input showing `ms`: ISO 8601 with its offset (`2024-05-14T12:05:00+02:00`). */
export function toInputValue(ms: number, zone: Zone): string {
  return formatInstant(ms, zone, 'T');
}

/**
 * The From and To inputs of the half-open range [from, to): its first second and the last second
 * it holds (the To input is inclusive: onRange adds a second back). Neither edge is moved inward,
 * so applying the inputs again never drops an event at an edge, e.g. the last event when the range
 * ends just after it (the timeline's bounds).
 */
export function rangeInputValues(range: TimeRange, zone: Zone): { from: string; to: string } {
  const last = Math.max(range.from, Math.ceil(range.to / 1000) * 1000 - 1000);
  return { from: toInputValue(range.from, zone), to: toInputValue(last, zone) };
}

/** Reads a range input: ISO 8601, with an offset or Z, or without one in the zone; NaN when it is not a time. */
export function fromInputValue(value: string, zone: Zone): number {
  return parseInstant(value, zone);
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const STEPS = [
  SECOND,
  5 * SECOND,
  15 * SECOND,
  30 * SECOND,
  MINUTE,
  5 * MINUTE,
  15 * MINUTE,
  30 * MINUTE,
  HOUR,
  3 * HOUR,
  6 * HOUR,
  12 * HOUR,
  DAY,
  2 * DAY,
  7 * DAY,
  30 * DAY,
  91 * DAY,
  365 * DAY,
];

/** Axis ticks for [from, to) with about `maxTicks` labels, aligned to round times in the zone. */
export function timeTicks(
  from: number,
  to: number,
  maxTicks: number,
  zone: Zone,
): { at: number; label: string }[] {
  const span = Math.max(1, to - from);
  const step = STEPS.find((s) => span / s <= maxTicks) ?? STEPS[STEPS.length - 1];
  // Round times of the zone's wall clock, each turned into its instant with the offset of its own
  // day: past a change of offset a midnight is still a midnight (not 23:00 named as the day before).
  const ticks: { at: number; label: string }[] = [];
  for (
    let wall = Math.ceil((from + zoneOffsetMs(from, zone)) / step) * step;
    ticks.length <= maxTicks * 2;
    wall += step
  ) {
    const t = wallInstant(wall, zone);
    if (t >= to) break;
    // A reading the zone skips or repeats can land before the range or on the last tick.
    if (t < from || (ticks.length > 0 && t <= ticks[ticks.length - 1].at)) continue;
    ticks.push({ at: t, label: tickLabel(t, step, zone) });
  }
  return ticks;
}

function tickLabel(ms: number, step: number, zone: Zone): string {
  const p = zonedParts(ms, zone);
  const date = `${String(p.year).padStart(4, '0')}-${p2(p.month)}-${p2(p.day)}`;
  if (step >= DAY) return date;
  const hm = `${p2(p.hour)}:${p2(p.minute)}`;
  const time = step < MINUTE ? `${hm}:${p2(p.second)}` : hm;
  return p.hour === 0 && p.minute === 0 && p.second === 0 ? `${date} ${time}` : time;
}

/** "1 h", "5 min", "30 s": the width of a histogram bin in words. */
export function formatDuration(ms: number): string {
  if (ms >= DAY && ms % DAY === 0) return `${ms / DAY} d`;
  if (ms >= HOUR) return `${+(ms / HOUR).toFixed(1)} h`;
  if (ms >= MINUTE) return `${+(ms / MINUTE).toFixed(1)} min`;
  if (ms >= SECOND) return `${+(ms / SECOND).toFixed(1)} s`;
  return `${ms} ms`;
}
