import assert from 'node:assert/strict';
import { NO_EVENT_TIME } from '../../../src/core/index/columns';
import { zonedParts } from '../../../src/core/time/zone';
import {
  formatDuration,
  formatTime,
  fromInputValue,
  hasEventTime,
  rangeInputValues,
  timeTicks,
  toInputValue,
} from '../../../src/webview/timeFormat';

describe('timeline: time formatting', () => {
  const t = Date.UTC(2024, 4, 14, 10, 5, 7);

  it("formats in the setting's zone, always with Z or the offset", () => {
    assert.equal(formatTime(t, 'UTC'), '2024-05-14 10:05:07Z');
    assert.equal(formatTime(t, 'Europe/Paris'), '2024-05-14 12:05:07+02:00');
    assert.equal(formatTime(NO_EVENT_TIME, 'UTC'), '—');
    // A time before 1970 is a time (a forged or broken record's), not "no time".
    assert.equal(formatTime(-1000, 'UTC'), '1969-12-31 23:59:59Z');
    assert.equal(formatTime(-1, 'UTC'), '1969-12-31 23:59:59Z');
    assert.ok(hasEventTime(-1000) && hasEventTime(0) && !hasEventTime(NO_EVENT_TIME));
  });

  it('writes ISO 8601 into the range inputs and reads it back, with or without an offset', () => {
    assert.equal(toInputValue(t, 'Europe/Paris'), '2024-05-14T12:05:07+02:00');
    assert.equal(toInputValue(t, 'UTC'), '2024-05-14T10:05:07Z');
    for (const zone of ['UTC', 'Europe/Paris', 'America/New_York'])
      assert.equal(fromInputValue(toInputValue(t, zone), zone), t);
    assert.equal(
      fromInputValue('2024-05-14T12:05:07', 'Europe/Paris'),
      t,
      "no offset: the zone's wall clock",
    );
    assert.equal(fromInputValue('2024-05-14T10:05:07Z', 'Europe/Paris'), t);
    assert.ok(Number.isNaN(fromInputValue('yesterday', 'UTC')));
    assert.ok(
      Number.isNaN(fromInputValue('05/14/2024, 10:05:07 AM', 'UTC')),
      'a browser locale format is not taken',
    );
  });

  it('shows a range in the inputs as the first and last second it holds, so applying it again keeps every event', () => {
    const first = Date.UTC(2024, 4, 14, 9, 0, 0);
    const last = Date.UTC(2024, 4, 14, 10, 0, 0);
    // The timeline's bounds end just after the last event (half-open): its second is the last shown.
    for (const to of [last + 1, last + 999, last + 1000]) {
      const shown = rangeInputValues({ from: first, to }, 'UTC');
      assert.deepEqual(
        shown,
        { from: '2024-05-14T09:00:00Z', to: '2024-05-14T10:00:00Z' },
        `to=${to}`,
      );
      // What the inputs give back (onRange adds the last second) still holds the last event.
      assert.ok(fromInputValue(shown.to, 'UTC') + 1000 > last);
    }
    assert.deepEqual(rangeInputValues({ from: first, to: first + 1 }, 'Europe/Paris'), {
      from: '2024-05-14T11:00:00+02:00',
      to: '2024-05-14T11:00:00+02:00',
    });
  });

  it("aligns ticks to the zone's round times", () => {
    const from = Date.UTC(2024, 4, 14, 0, 7);
    const ticks = timeTicks(from, from + 3 * 86400_000, 4, 'Asia/Kolkata');
    // Days in Kolkata (+05:30) start at 18:30Z.
    assert.ok(
      ticks.length > 0 && ticks.every((k) => (k.at + 5.5 * 3600_000) % 86400_000 === 0),
      JSON.stringify(ticks),
    );
  });

  it("keeps day ticks on the zone's midnights across a change of offset", () => {
    for (const [zone, from, to] of [
      ['Europe/Paris', Date.UTC(2024, 9, 24), Date.UTC(2024, 10, 2)],
      ['Europe/Paris', Date.UTC(2024, 2, 27), Date.UTC(2024, 3, 5)],
      ['America/New_York', Date.UTC(2024, 10, 1), Date.UTC(2024, 10, 9)],
    ] as const) {
      const ticks = timeTicks(from, to, 10, zone);
      assert.ok(ticks.length >= 7, JSON.stringify(ticks));
      for (const k of ticks) {
        const p = zonedParts(k.at, zone);
        assert.deepEqual(
          [p.hour, p.minute],
          [0, 0],
          `${zone} ${k.label} at ${new Date(k.at).toISOString()}`,
        );
        assert.equal(k.label, formatTime(k.at, zone).slice(0, 10));
      }
      assert.equal(new Set(ticks.map((k) => k.label)).size, ticks.length, 'no day named twice');
    }
  });

  it('puts ticks on round times within the range', () => {
    const from = Date.UTC(2024, 4, 14, 0, 7);
    const ticks = timeTicks(from, from + 6 * 3600_000, 8, 'UTC');
    assert.ok(ticks.length >= 3 && ticks.length <= 16);
    for (const k of ticks) {
      assert.ok(k.at >= from && k.at < from + 6 * 3600_000);
      assert.equal(k.at % 3600_000, 0);
    }
    assert.equal(ticks[0].label, '01:00');
  });

  it('says bin widths in words', () => {
    assert.equal(formatDuration(3600_000), '1 h');
    assert.equal(formatDuration(5 * 60_000), '5 min');
    assert.equal(formatDuration(86400_000 * 7), '7 d');
    assert.equal(formatDuration(30_000), '30 s');
  });
});
