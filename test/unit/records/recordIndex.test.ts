import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { locateField } from '../../../src/core/records/fieldLocation';
import {
  indexRecords,
  parseRecord,
  recordAt,
  recordsBetween,
  recordText,
} from '../../../src/core/records/recordIndex';
import { dataset, describeWithDatasets } from '../../support/datasets';

const rec = (name: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  eventVersion: '1.08',
  userIdentity: { type: 'IAMUser', userName: 'alice' },
  eventTime: '2024-05-14T10:00:00Z',
  eventSource: 'iam.amazonaws.com',
  eventName: name,
  requestParameters: { userName: 'bob' },
  ...extra,
});

/** The text at an offset, for checking that anchors point at the right key. */
const at = (text: string, offset: number | undefined, length: number): string =>
  offset === undefined ? '<none>' : text.slice(offset, offset + length);

describe('record index', () => {
  it('{"Records":[…]}: one entry per record, anchors on the keys', () => {
    const text = JSON.stringify({ Records: [rec('CreateUser'), rec('DeleteUser')] }, null, 2);
    const index = indexRecords(text);
    assert.equal(index.shape, 'records');
    assert.equal(index.records.length, 2);
    for (const r of index.records) {
      assert.equal(at(text, r.userIdentity, 14), '"userIdentity"');
      assert.equal(at(text, r.requestParameters, 19), '"requestParameters"');
      assert.equal(text[r.start], '{');
      assert.equal(text[r.end - 1], '}');
      assert.equal(parseRecord(recordText(text, r), r)?.eventVersion, '1.08');
    }
    assert.deepEqual(
      index.records.map((r) => parseRecord(recordText(text, r), r)?.eventName),
      ['CreateUser', 'DeleteUser'],
    );
  });

  it('a plain array of records and a single record', () => {
    assert.equal(indexRecords(JSON.stringify([rec('A'), rec('B'), rec('C')])).shape, 'array');
    assert.equal(indexRecords(JSON.stringify([rec('A'), rec('B'), rec('C')])).records.length, 3);
    const single = indexRecords(JSON.stringify(rec('A'), null, 2));
    assert.equal(single.shape, 'single');
    assert.equal(single.records.length, 1);
  });

  it('JSON lines: one record per line', () => {
    const text =
      [rec('A'), rec('B'), { notARecord: true }, rec('C')]
        .map((r) => JSON.stringify(r))
        .join('\n') + '\n';
    const index = indexRecords(text);
    assert.equal(index.shape, 'jsonl');
    assert.deepEqual(
      index.records.map((r) => parseRecord(recordText(text, r), r)?.eventName),
      ['A', 'B', 'C'],
    );
    assert.equal(at(text, index.records[1].userIdentity, 14), '"userIdentity"');
  });

  it('lookup-events output: records embedded as JSON strings', () => {
    const events = [rec('StopLogging'), rec('CreateUser')].map((r, i) => ({
      EventId: `e${i}`,
      EventName: r.eventName,
      CloudTrailEvent: JSON.stringify(r),
    }));
    const text = JSON.stringify({ Events: events, NextToken: 'x' }, null, 4);
    const index = indexRecords(text);
    assert.equal(index.shape, 'lookup-events');
    assert.equal(index.records.length, 2);
    const first = index.records[0];
    assert.equal(at(text, first.userIdentity, 17), '"CloudTrailEvent"');
    assert.equal(parseRecord(recordText(text, first), first)?.eventName, 'StopLogging');
  });

  it('recognises records by content, not by name: other JSON gets nothing', () => {
    assert.equal(
      indexRecords(JSON.stringify({ name: 'pkg', version: '1.0.0', scripts: {} })).shape,
      'none',
    );
    assert.equal(indexRecords(JSON.stringify({ Records: [{ a: 1 }] })).shape, 'none');
    assert.equal(indexRecords(JSON.stringify([{ eventTime: 'x' }])).shape, 'none');
    assert.equal(
      indexRecords(JSON.stringify([{ eventTime: 'x', eventSource: 'y' }])).shape,
      'array',
    );
    assert.equal(indexRecords('').shape, 'none');
    assert.equal(indexRecords('{"Records": [').shape, 'none');
  });

  it('a truncated file still indexes the complete records before the damage', () => {
    const full = JSON.stringify({ Records: [rec('A'), rec('B'), rec('C')] });
    const cut = full.slice(0, full.lastIndexOf('"eventName"'));
    const index = indexRecords(cut);
    assert.deepEqual(
      index.records.map((r) => parseRecord(recordText(cut, r), r)?.eventName),
      ['A', 'B'],
    );
  });

  it('finds the record at an offset and the records in a range', () => {
    const text = JSON.stringify({ Records: [rec('A'), rec('B'), rec('C')] }, null, 2);
    const index = indexRecords(text);
    const [a, b, c] = index.records;
    assert.equal(recordAt(index, b.start), b);
    assert.equal(recordAt(index, b.end - 1), b);
    assert.equal(recordAt(index, 0), undefined);
    assert.deepEqual(recordsBetween(index, a.end - 1, b.start + 1), [a, b]);
    assert.deepEqual(recordsBetween(index, c.start, text.length), [c]);
    assert.deepEqual(recordsBetween(index, 0, a.start), []);
  });

  it('locates the field under an offset: key or value, with its path', () => {
    const text = JSON.stringify(
      {
        Records: [
          rec('A', {
            userIdentity: {
              type: 'AssumedRole',
              sessionContext: { attributes: { mfaAuthenticated: 'false' } },
            },
          }),
        ],
      },
      null,
      2,
    );
    const index = indexRecords(text);
    const r = index.records[0];
    const own = recordText(text, r);
    const keyAt = text.indexOf('"mfaAuthenticated"') + 3;
    const key = locateField(own, r, keyAt);
    assert.deepEqual(key?.path, [
      'userIdentity',
      'sessionContext',
      'attributes',
      'mfaAuthenticated',
    ]);
    assert.equal(key?.isKey, true);
    const valueAt = text.indexOf('"false"') + 2;
    const value = locateField(own, r, valueAt);
    assert.equal(value?.isKey, false);
    assert.equal(value?.value, 'false');
    assert.equal(
      text.slice(value!.range!.offset, value!.range!.offset + value!.range!.length),
      '"false"',
    );
    assert.equal(locateField(own, r, r.end + 5), undefined);
  });
});

describeWithDatasets('record index on real datasets', () => {
  it('finds every record of the flaws2 (.json.gz), pwnedlabs and stratus files', () => {
    const files: [string, string][] = [];
    const flaws = dataset(
      'flaws2-logs',
      'AWSLogs',
      '653711331788',
      'CloudTrail',
      'us_east_1',
      '2018',
      '11',
      '28',
    );
    for (const f of readdirSync(flaws))
      files.push([f, gunzipSync(readFileSync(`${flaws}/${f}`)).toString('utf8')]);
    const pwned = dataset('pwnedlabs-breach-in-the-cloud', 'INCIDENT-3252');
    for (const f of readdirSync(pwned).filter((n) => n.endsWith('.json')))
      files.push([f, readFileSync(`${pwned}/${f}`, 'utf8')]);
    const strat = dataset('stratus-red-team', 'docs', 'detonation-logs');
    for (const f of readdirSync(strat)) files.push([f, readFileSync(`${strat}/${f}`, 'utf8')]);
    let total = 0;
    for (const [name, text] of files) {
      const parsed = JSON.parse(text) as { Records?: unknown[] } | unknown[];
      const expected = Array.isArray(parsed) ? parsed : (parsed.Records ?? []);
      const index = indexRecords(text);
      assert.equal(index.records.length, expected.length, name);
      for (const r of index.records)
        assert.ok(
          r.userIdentity !== undefined || !text.slice(r.start, r.end).includes('"userIdentity"'),
          name,
        );
      assert.deepEqual(
        index.records.map((r) => parseRecord(recordText(text, r), r)),
        expected,
        name,
      );
      total += expected.length;
    }
    assert.ok(total > 900, `only ${total} records`);
  });

  it('panther-analysis JSON lines: CloudTrail records only (Okta/GSuite lines are skipped)', () => {
    const text = readFileSync(dataset('panther-analysis', 'cloudtrail-test-events.jsonl'), 'utf8');
    const index = indexRecords(text);
    assert.equal(index.shape, 'jsonl');
    const expected = text
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((r) => r.eventVersion || (r.eventTime && r.eventSource));
    assert.equal(index.records.length, expected.length);
  });
});
