import * as assert from 'node:assert/strict';
import { instantOf, parseIsoTime } from '../../../src/core/query/time';
import { canonicalEventTime, formatEventTime } from '../../../src/core/time';
import { decodeTime } from '../../../src/core/records/decoders';

const utc = (s: string) => Date.parse(s);

describe('query times', () => {
  it('reads each precision as its whole period', () => {
    assert.deepEqual(parseIsoTime('2024'), {
      start: utc('2024-01-01T00:00:00Z'),
      end: utc('2025-01-01T00:00:00Z'),
      exact: false,
    });
    assert.deepEqual(parseIsoTime('2024-02'), {
      start: utc('2024-02-01T00:00:00Z'),
      end: utc('2024-03-01T00:00:00Z'),
      exact: false,
    });
    assert.deepEqual(parseIsoTime('2024-12'), {
      start: utc('2024-12-01T00:00:00Z'),
      end: utc('2025-01-01T00:00:00Z'),
      exact: false,
    });
    assert.deepEqual(parseIsoTime('2024-05-14'), {
      start: utc('2024-05-14T00:00:00Z'),
      end: utc('2024-05-15T00:00:00Z'),
      exact: false,
    });
    assert.deepEqual(parseIsoTime('2024-05-14T10'), {
      start: utc('2024-05-14T10:00:00Z'),
      end: utc('2024-05-14T11:00:00Z'),
      exact: false,
    });
    assert.deepEqual(parseIsoTime('2024-05-14T10:30'), {
      start: utc('2024-05-14T10:30:00Z'),
      end: utc('2024-05-14T10:31:00Z'),
      exact: false,
    });
    assert.deepEqual(parseIsoTime('2024-05-14T10:30:05Z'), {
      start: utc('2024-05-14T10:30:05Z'),
      end: utc('2024-05-14T10:30:06Z'),
      exact: false,
    });
    assert.deepEqual(parseIsoTime('2024-05-14T10:30:05.5Z'), {
      start: utc('2024-05-14T10:30:05.500Z'),
      end: utc('2024-05-14T10:30:05.500Z'),
      exact: true,
    });
  });

  it('applies zone offsets and reads a missing zone as UTC', () => {
    assert.equal(parseIsoTime('2024-05-14T12:00:00+02:00')?.start, utc('2024-05-14T10:00:00Z'));
    assert.equal(parseIsoTime('2024-05-14T05:00-0500')?.start, utc('2024-05-14T10:00:00Z'));
    assert.equal(parseIsoTime('2024-05-14T10:00:00')?.start, utc('2024-05-14T10:00:00Z'));
    assert.equal(parseIsoTime('2024-05-14t10:00:00z')?.start, utc('2024-05-14T10:00:00Z'));
  });

  it('reads the space-separated, nanosecond times some exporters write', () => {
    assert.equal(
      parseIsoTime('2025-01-21 17:49:47.123456789')?.start,
      utc('2025-01-21T17:49:47.123Z'),
    );
  });

  it('rejects impossible and non-ISO dates', () => {
    for (const bad of [
      '2023-02-29',
      '2024-13-01',
      '2024-00-10',
      '2024-04-31',
      '2024-05-14T24:00',
      '2024-05-14T10:60',
      'May 14 2024',
      '14/05/2024',
      '',
      '20240514',
      '2024-5-14',
      '2024-05-14Z',
      // An offset's minutes past 59 or hours past 23 are not an offset (not 06:21Z for +02:99).
      '2024-05-14T10:00:00+02:99',
      '2024-05-14T10:00:00+99:00',
      '2024-05-14T10:00-0075',
    ]) {
      assert.equal(parseIsoTime(bad), undefined, bad);
    }
    assert.ok(parseIsoTime('2024-02-29'));
    assert.ok(parseIsoTime('2000-02-29'));
    assert.equal(parseIsoTime('1900-02-29'), undefined);
  });

  it('reads record times in CloudTrail form exactly as the general reader does', () => {
    const samples = [
      '2024-05-14T10:00:00Z',
      '2024-02-29T23:59:59Z',
      '2023-02-29T10:00:00Z',
      '2024-05-14T24:00:00Z',
      '2024-05-14T10:60:00Z',
      'abcd-05-14T10:00:00Z',
      '2024-05-1xT10:00:00Z',
      '0099-01-01T00:00:00Z',
      '2024-13-01T00:00:00Z',
      '2024-00-01T00:00:00Z',
      '2024-05-14 10:00:00Z',
      '2024-05-14T10:00:00z',
    ];
    let seed = 7;
    const pick = (n: number, width: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      // Up to 20% beyond the valid range, to exercise the rejections too.
      return String(Math.floor((seed / 2 ** 31) * n * 1.2)).padStart(width, '0');
    };
    for (let i = 0; i < 300; i++) {
      samples.push(
        `${pick(3000, 4)}-${pick(12, 2)}-${pick(31, 2)}T${pick(24, 2)}:${pick(60, 2)}:${pick(60, 2)}Z`,
      );
    }
    for (const s of samples) assert.equal(instantOf(s), parseIsoTime(s)?.start, s);
    assert.equal(instantOf('2024-05-14T10:00:00Z'), utc('2024-05-14T10:00:00Z'));
    assert.equal(instantOf('abcd-05-14T10:00:00Z'), undefined);
  });

  it('formats instants as CloudTrail does, with milliseconds only when present', () => {
    assert.equal(formatEventTime(utc('2024-05-14T10:00:00Z')), '2024-05-14T10:00:00Z');
    assert.equal(formatEventTime(utc('2024-05-14T10:00:00.25Z')), '2024-05-14T10:00:00.250Z');
  });
});

describe('years 0000–0099 (Date.UTC reads them as 1900–1999)', () => {
  const samples = [
    '0000-02-29T12:00:00Z',
    '0050-05-14T10:00:00Z',
    '0099-12-31T23:59:59Z',
    '0001-01-01T00:00:00Z',
  ];

  it('the index reads them as written, like Date.parse of the ISO text', () => {
    for (const s of samples) {
      assert.equal(canonicalEventTime(s), utc(s), s);
      assert.equal(new Date(canonicalEventTime(s)).toISOString().slice(0, 19) + 'Z', s);
    }
    assert.ok(
      Number.isNaN(canonicalEventTime('0001-02-29T00:00:00Z')),
      'year 1 has no 29 February',
    );
  });

  it('query periods and record times agree on them', () => {
    assert.deepEqual(parseIsoTime('0050'), {
      start: utc('0050-01-01T00:00:00Z'),
      end: utc('0051-01-01T00:00:00Z'),
      exact: false,
    });
    assert.deepEqual(parseIsoTime('0099'), {
      start: utc('0099-01-01T00:00:00Z'),
      end: utc('0100-01-01T00:00:00Z'),
      exact: false,
    });
    assert.equal(
      parseIsoTime('0000-02-29')?.start,
      utc('0000-02-29T00:00:00Z'),
      'year 0 is a leap year',
    );
    for (const s of samples) assert.equal(instantOf(s), utc(s), s);
  });

  it('hovers decode the compact form of such a time as written', () => {
    assert.equal(decodeTime('00500514T100000Z')?.epochMs, utc('0050-05-14T10:00:00Z'));
  });
});
