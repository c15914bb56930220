import assert from 'node:assert/strict';
import {
  formatInstant,
  normalizeZone,
  offsetText,
  parseInstant,
  zoneOffsetMs,
  zonedParts,
} from '../../../src/core/time/zone';

const at = Date.UTC(2024, 4, 14, 10, 5, 0); // 2024-05-14T10:05:00Z

describe('time zones: one format with its offset', () => {
  it('formats in UTC with Z and in an IANA zone with its offset at that instant', () => {
    assert.equal(formatInstant(at, 'UTC'), '2024-05-14 10:05:00Z');
    assert.equal(formatInstant(at, 'Europe/Paris'), '2024-05-14 12:05:00+02:00');
    assert.equal(
      formatInstant(Date.UTC(2024, 0, 14, 10, 5, 0), 'Europe/Paris'),
      '2024-01-14 11:05:00+01:00',
      'winter time',
    );
    assert.equal(formatInstant(at, 'America/New_York', 'T'), '2024-05-14T06:05:00-04:00');
    assert.equal(formatInstant(at, 'Asia/Kolkata'), '2024-05-14 15:35:00+05:30');
    assert.equal(formatInstant(at, 'Europe/London'), '2024-05-14 11:05:00+01:00');
    assert.equal(
      formatInstant(Date.UTC(2024, 0, 1), 'Europe/London'),
      '2024-01-01 00:00:00+00:00',
      'a zone at UTC shows +00:00, not Z',
    );
    assert.equal(formatInstant(at + 999, 'UTC'), '2024-05-14 10:05:00Z', 'seconds, not rounded up');
  });

  it('reads ISO 8601 with an offset as written, and without one in the zone', () => {
    assert.equal(parseInstant('2024-05-14T10:05:00Z', 'Europe/Paris'), at);
    assert.equal(parseInstant('2024-05-14 12:05:00+02:00', 'UTC'), at);
    assert.equal(parseInstant('2024-05-14T12:05+0200', 'UTC'), at);
    assert.equal(parseInstant('2024-05-14T12:05:00', 'Europe/Paris'), at);
    assert.equal(parseInstant('2024-05-14 10:05', 'UTC'), at);
    assert.equal(parseInstant('2024-05-14', 'UTC'), Date.UTC(2024, 4, 14));
    assert.equal(parseInstant('2024-05-14', 'Asia/Tokyo'), Date.UTC(2024, 4, 13, 15));
    for (const bad of [
      '',
      'yesterday',
      '05/14/2024, 10:05:00 AM',
      '2024-02-30T00:00:00Z',
      '2024-05-14T25:00:00Z',
    ])
      assert.ok(Number.isNaN(parseInstant(bad, 'UTC')), bad);
  });

  it('reads a wall-clock time the zone skips or repeats by one rule in every zone, as Temporal does', () => {
    // Skipped (clocks go forward): moved forward by the gap, east and west of Greenwich alike.
    assert.equal(
      formatInstant(parseInstant('2024-03-31T02:30:00', 'Europe/Paris'), 'Europe/Paris'),
      '2024-03-31 03:30:00+02:00',
    );
    assert.equal(
      formatInstant(parseInstant('2024-03-10T02:30:00', 'America/New_York'), 'America/New_York'),
      '2024-03-10 03:30:00-04:00',
    );
    // Repeated (clocks go back): the earlier of the two, east and west alike.
    assert.equal(
      formatInstant(parseInstant('2024-10-27T02:30:00', 'Europe/Paris'), 'Europe/Paris'),
      '2024-10-27 02:30:00+02:00',
    );
    assert.equal(
      formatInstant(parseInstant('2024-11-03T01:30:00', 'America/New_York'), 'America/New_York'),
      '2024-11-03 01:30:00-04:00',
    );
    // Lord Howe moves by half an hour.
    assert.equal(
      formatInstant(
        parseInstant('2024-10-06T02:15:00', 'Australia/Lord_Howe'),
        'Australia/Lord_Howe',
      ),
      '2024-10-06 02:45:00+11:00',
    );
  });

  it('refuses an offset whose minutes or hours are out of range', () => {
    for (const bad of [
      '2024-05-14T10:00:00+02:99',
      '2024-05-14T10:00:00+99:00',
      '2024-05-14T10:00:00-0075',
    ])
      assert.ok(Number.isNaN(parseInstant(bad, 'UTC')), bad);
    assert.equal(parseInstant('2024-05-14T15:35:00+05:30', 'UTC'), Date.UTC(2024, 4, 14, 10, 5));
  });

  it('round-trips every format it writes, across a change of offset', () => {
    for (const zone of ['UTC', 'Europe/Paris', 'America/Los_Angeles', 'Australia/Lord_Howe']) {
      for (let t = Date.UTC(2024, 2, 30, 20); t < Date.UTC(2024, 2, 31, 6); t += 15 * 60_000) {
        assert.equal(
          parseInstant(formatInstant(t, zone, 'T'), zone),
          t,
          `${zone} ${new Date(t).toISOString()}`,
        );
        assert.equal(parseInstant(formatInstant(t, zone), 'UTC'), t);
      }
    }
  });

  it('knows the offset and the wall clock', () => {
    assert.equal(zoneOffsetMs(at, 'Europe/Paris'), 2 * 3600_000);
    assert.equal(zoneOffsetMs(at, 'UTC'), 0);
    assert.deepEqual(zonedParts(at, 'Asia/Tokyo'), {
      year: 2024,
      month: 5,
      day: 14,
      hour: 19,
      minute: 5,
      second: 0,
      offsetMs: 9 * 3600_000,
    });
    assert.equal(offsetText(-(5 * 60 + 30) * 60_000, 'X/Y'), '-05:30');
  });

  it('accepts UTC in any spelling and IANA zones, and nothing else', () => {
    assert.equal(normalizeZone('utc'), 'UTC');
    assert.equal(normalizeZone('Z'), 'UTC');
    assert.equal(normalizeZone('Europe/Paris'), 'Europe/Paris');
    assert.equal(normalizeZone('europe/paris'), 'Europe/Paris');
    assert.equal(normalizeZone('Mars/Olympus'), undefined);
    assert.equal(normalizeZone(''), undefined);
    assert.equal(normalizeZone(3), undefined);
  });
});
