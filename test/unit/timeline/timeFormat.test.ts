import assert from 'node:assert/strict';
import { formatDuration, formatTime, fromInputValue, timeTicks, toInputValue } from '../../../src/webview/timeFormat';

describe('timeline: time formatting', () => {
  const t = Date.UTC(2024, 4, 14, 10, 5, 7);

  it('formats UTC with a Z and local time without', () => {
    assert.equal(formatTime(t, 'utc'), '2024-05-14 10:05:07Z');
    const d = new Date(t);
    const pad = (n: number) => String(n).padStart(2, '0');
    assert.equal(formatTime(t, 'local'), `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`);
    assert.equal(formatTime(-1, 'utc'), '—');
  });

  it('round-trips datetime-local input values in both zones', () => {
    for (const zone of ['utc', 'local'] as const) assert.equal(fromInputValue(toInputValue(t, zone), zone), t);
    assert.ok(Number.isNaN(fromInputValue('yesterday', 'utc')));
  });

  it('puts ticks on round times within the range', () => {
    const from = Date.UTC(2024, 4, 14, 0, 7);
    const ticks = timeTicks(from, from + 6 * 3600_000, 8, 'utc');
    assert.ok(ticks.length >= 3 && ticks.length <= 16);
    for (const k of ticks) {
      assert.ok(k.at >= from && k.at < from + 6 * 3600_000);
      assert.equal(k.at % (3600_000), 0);
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
