// The query language over real records (Panther's CloudTrail test events). Each expectation is
// computed here with plain JavaScript over the parsed records, independently of match.ts.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { matchesRecord } from '../../../src/core/query/match';
import { parseQuery } from '../../../src/core/query/parse';
import { dataset, describeWithDatasets } from '../../support/datasets';

type Rec = any;

describeWithDatasets('query language over real CloudTrail records (panther-analysis)', () => {
  let lines: string[];
  let records: Rec[];

  before(() => {
    lines = readFileSync(dataset('panther-analysis', 'cloudtrail-test-events.jsonl'), 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '');
    records = lines.map((l) => JSON.parse(l));
  });

  function count(query: string): number {
    const q = parseQuery(query);
    return records.filter((r, i) => matchesRecord(q, r, lines[i])).length;
  }

  function expectCount(query: string, predicate: (r: Rec, raw: string) => boolean): void {
    const expected = records.filter((r, i) => predicate(r, lines[i])).length;
    assert.ok(
      expected > 0 && expected < records.length,
      `"${query}" should split the data set (expected ${expected})`,
    );
    assert.equal(count(query), expected, query);
  }

  // Some exporters lower-case keys ("eventname", resources[].arn): the language documents that a
  // key is found case-insensitively when no exact key exists.
  const get = (o: Rec, key: string): Rec => {
    if (o === null || typeof o !== 'object') return undefined;
    if (key in o) return o[key];
    const k = Object.keys(o).find((x) => x.toLowerCase() === key.toLowerCase());
    return k === undefined ? undefined : o[k];
  };
  const lower = (v: unknown) => (typeof v === 'string' ? v.toLowerCase() : undefined);
  const present = (v: unknown) => v !== null && v !== undefined;
  // CloudTrail and exporters write "YYYY-MM-DDTHH:MM:SSZ" or "YYYY-MM-DD HH:MM:SS[.fff]", all UTC.
  const secondOf = (v: unknown) =>
    typeof v === 'string' && /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}/.test(v)
      ? v.slice(0, 10) + 'T' + v.slice(11, 19)
      : undefined;

  it('reads the whole file', () => {
    assert.ok(records.length > 500);
  });

  it('field:value is a case-insensitive exact match', () => {
    expectCount('eventName:consolelogin', (r) => lower(get(r, 'eventName')) === 'consolelogin');
    expectCount(
      'type:AssumedRole',
      (r) => lower(get(get(r, 'userIdentity'), 'type')) === 'assumedrole',
    );
  });

  it('field:* is present and not null, and NOT is its complement', () => {
    expectCount('errorCode:*', (r) => present(get(r, 'errorCode')));
    expectCount('-errorCode:*', (r) => !present(get(r, 'errorCode')));
    expectCount('userIdentity.sessionContext.sessionIssuer.userName:*', (r) =>
      present(get(get(get(get(r, 'userIdentity'), 'sessionContext'), 'sessionIssuer'), 'userName')),
    );
  });

  it('readOnly:true matches booleans and strings alike', () => {
    expectCount(
      'readOnly:true',
      (r) => String(get(r, 'readOnly')).toLowerCase() === 'true' && present(get(r, 'readOnly')),
    );
    expectCount(
      'readonly:false',
      (r) => get(r, 'readOnly') === false || lower(get(r, 'readOnly')) === 'false',
    );
  });

  it('array paths match when any element matches', () => {
    expectCount(
      'resources.ARN:*',
      (r) =>
        Array.isArray(get(r, 'resources')) &&
        get(r, 'resources').some((x: Rec) => present(get(x, 'ARN'))),
    );
    expectCount(
      'resources.ARN:arn:aws:s3:::*',
      (r) =>
        Array.isArray(get(r, 'resources')) &&
        get(r, 'resources').some((x: Rec) => lower(get(x, 'ARN'))?.startsWith('arn:aws:s3:::')),
    );
  });

  it('wildcards match prefixes, suffixes and infixes', () => {
    expectCount(
      'eventName:Create*',
      (r) => lower(get(r, 'eventName'))?.startsWith('create') === true,
    );
    expectCount(
      'sourceIPAddress:*.amazonaws.com',
      (r) => lower(get(r, 'sourceIPAddress'))?.endsWith('.amazonaws.com') === true,
    );
    expectCount(
      'eventName:*policy*',
      (r) => lower(get(r, 'eventName'))?.includes('policy') === true,
    );
  });

  it('time comparisons read both the CloudTrail and the exporter time formats', () => {
    expectCount('eventTime>=2024-01-01 eventTime<2025', (r) => {
      const t = secondOf(get(r, 'eventTime'));
      return t !== undefined && t >= '2024-01-01T00:00:00' && t < '2025-01-01T00:00:00';
    });
    expectCount('eventTime<=2020', (r) => {
      const t = secondOf(get(r, 'eventTime'));
      return t !== undefined && t < '2021-01-01T00:00:00';
    });
    expectCount(
      'eventTime:2025-01-21',
      (r) => secondOf(get(r, 'eventTime'))?.startsWith('2025-01-21T') === true,
    );
  });

  it('user: finds IAM users, roles and role session names', () => {
    const sessionOf = (r: Rec) => {
      const id = get(get(r, 'userIdentity'), 'principalId');
      return typeof id === 'string' && id.includes(':') ? id.slice(id.indexOf(':') + 1) : undefined;
    };
    for (const name of ['dr.evil', 'bob.ross', 'tester']) {
      expectCount(`user:${name}`, (r) =>
        [
          get(get(r, 'userIdentity'), 'userName'),
          get(get(get(get(r, 'userIdentity'), 'sessionContext'), 'sessionIssuer'), 'userName'),
          sessionOf(r),
        ].some((v) => lower(v) === name),
      );
    }
  });

  it('free text searches the raw record, case-insensitively', () => {
    expectCount('accessdenied', (_r, raw) => raw.toLowerCase().includes('accessdenied'));
    expectCount('"aws-cli/2"', (_r, raw) => raw.toLowerCase().includes('aws-cli/2'));
  });

  it('boolean structure combines as expected', () => {
    expectCount(
      'eventSource:(s3.amazonaws.com OR iam.amazonaws.com) NOT readOnly:true',
      (r) =>
        ['s3.amazonaws.com', 'iam.amazonaws.com'].includes(lower(get(r, 'eventSource')) ?? '') &&
        !(String(get(r, 'readOnly')).toLowerCase() === 'true'),
    );
    expectCount(
      'service:s3 OR error:*',
      (r) =>
        lower(get(r, 'eventSource')) === 's3.amazonaws.com' ||
        lower(get(r, 'eventSource')) === 's3' ||
        present(get(r, 'errorCode')) ||
        present(get(r, 'errorMessage')),
    );
    expectCount(
      '-(type:Root OR type:IAMUser) region:us-east-1',
      (r) =>
        !['root', 'iamuser'].includes(lower(get(get(r, 'userIdentity'), 'type')) ?? '') &&
        lower(get(r, 'awsRegion')) === 'us-east-1',
    );
  });
});
