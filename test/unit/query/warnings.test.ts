import * as assert from 'node:assert/strict';
import { parseQuery } from '../../../src/core/query/parse';
import { fieldWarning, queryWarnings } from '../../../src/core/query/warnings';

describe('query warnings', () => {
  it('accepts aliases, record fields and free-form request data', () => {
    for (const f of [
      'user',
      'IP',
      'eventName',
      'eventname',
      'requestParameters.anything.deep',
      'responseElements.x',
      'additionalEventData.MFAUsed',
      'userIdentity.sessionContext.sessionIssuer.userName',
      'resources.ARN',
      'tlsDetails.tlsVersion',
      'userIdentity.inScopeOf.sourceArn',
      'serviceEventDetails.x',
      'userIdentity.onBehalfOf.userId',
    ]) {
      assert.equal(fieldWarning(f), undefined, f);
    }
  });

  it('flags unknown top-level names and userIdentity typos', () => {
    assert.match(
      fieldWarning('usr') ?? '',
      /"usr" is neither an alias nor a CloudTrail record field/,
    );
    assert.match(fieldWarning('eventNmae') ?? '', /"eventNmae"/);
    assert.match(fieldWarning('userIdentity.usrName') ?? '', /not a userIdentity field/);
  });

  it('names the nearest known fields of a typo', () => {
    assert.equal(
      fieldWarning('usr'),
      '"usr" is neither an alias nor a CloudTrail record field: only records that have it can match (nearest known: user)',
    );
    assert.equal(
      fieldWarning('evntName'),
      '"evntName" is neither an alias nor a CloudTrail record field: only records that have it can match (nearest known: eventName)',
    );
    assert.equal(
      fieldWarning('userIdentity.usrName'),
      '"userIdentity.usrName" is not a userIdentity field: only records that have it can match (nearest known: userIdentity.userName)',
    );
    assert.equal(
      fieldWarning('zzzzzz'),
      '"zzzzzz" is neither an alias nor a CloudTrail record field: only records that have it can match',
    );
  });

  it('warns that a lower-case or, and, not between terms is searched as a word (not when quoted)', () => {
    const q = 'eventName:GetObject or user:bob and not "or" x';
    assert.deepEqual(
      queryWarnings(parseQuery(q), q).map((w) => [q.slice(w.start, w.end), w.message]),
      [
        ['or', '"or" is searched as a word: write OR (upper case) to combine terms'],
        ['and', '"and" is searched as a word: write AND (upper case) to combine terms'],
        ['not', '"not" is searched as a word: write NOT (upper case) to combine terms'],
      ],
    );
    assert.deepEqual(queryWarnings(parseQuery('a OR b'), 'a OR b'), []);
  });

  it('warns, in a view showing another zone, that a time typed without one is UTC', () => {
    const shown = (q: string, zone?: string) =>
      queryWarnings(parseQuery(q), q, zone).map((w) => [q.slice(w.start, w.end), w.message]);
    const q = 'time>=2024-05-14T10:00 time<2024-05-14T12:00Z eventTime<"2024-05-15T01:00+02:00"';
    assert.deepEqual(shown(q, 'America/New_York'), [
      [
        'time>=2024-05-14T10:00',
        'a time without a zone is read as UTC (2024-05-14T10:00:00Z), not in America/New_York as the table shows times: add Z or an offset (+02:00) to say which',
      ],
    ]);
    assert.deepEqual(shown('time>=2024-05-14', 'Europe/Paris').length, 1);
    assert.deepEqual(
      shown('time>=2024-05-14T10:00+0200 time<2024-05-14T10:00:00.123-05:00', 'Europe/Paris'),
      [],
    );
    // UTC views, the CLI, numbers and equality terms: nothing to say.
    assert.deepEqual(shown(q, 'UTC'), []);
    assert.deepEqual(shown(q), []);
    assert.deepEqual(shown('requestParameters.durationSeconds>=3600', 'Europe/Paris'), []);
  });

  it('warns that a Lucene range [a TO b] is an exact value and words, and gives the comparisons', () => {
    const shown = (q: string) =>
      queryWarnings(parseQuery(q), q).map((w) => [q.slice(w.start, w.end), w.message]);
    assert.deepEqual(shown('eventTime:[2024-05-14 TO 2024-05-15] user:bob'), [
      [
        'eventTime:[2024-05-14 TO 2024-05-15]',
        'the range syntax [a TO b] is not supported: this is read as eventTime equal to "[2024-05-14" and the free-text words "TO", "2024-05-15]"; write eventTime>=2024-05-14 eventTime<=2024-05-15',
      ],
    ]);
    // Exclusive bounds, an open bound (`*`, which makes `[*` a wildcard term), an alias.
    const instead = (q: string) => shown(q).map(([, m]) => /; write (.*)$/.exec(m)?.[1]);
    assert.deepEqual(instead('requestParameters.maxResults:{1 TO 10}'), [
      'requestParameters.maxResults>1 requestParameters.maxResults<10',
    ]);
    assert.deepEqual(instead('time:[2024-05-14T10:00:00Z TO *]'), ['time>=2024-05-14T10:00:00Z']);
    assert.deepEqual(instead('eventTime:[* TO 2024-05-15}'), ['eventTime<2024-05-15']);
    // What the filter means is unchanged: the warning only says so.
    assert.deepEqual(parseQuery('eventTime:[2024-05-14 TO 2024-05-15]'), {
      kind: 'and',
      children: [
        {
          kind: 'term',
          field: 'eventTime',
          fields: ['eventTime'],
          match: { op: 'eq', value: '[2024-05-14' },
          start: 0,
          end: 21,
        },
        { kind: 'text', text: 'TO', start: 22, end: 24 },
        { kind: 'text', text: '2024-05-15]', start: 25, end: 36 },
      ],
    });
    assert.deepEqual(shown('eventTime:"[2024-05-14" TO x'), []);
    assert.deepEqual(shown('errorMessage:[x]'), []);
  });

  it('warns that a space before the colon makes free-text words, and gives the term', () => {
    const shown = (q: string) =>
      queryWarnings(parseQuery(q), q).map((w) => [q.slice(w.start, w.end), w.message]);
    assert.deepEqual(shown('eventName : ConsoleLogin'), [
      [
        'eventName : ConsoleLogin',
        'read as free-text words, not a field filter (a space before ":"): write eventName:ConsoleLogin',
      ],
    ]);
    assert.deepEqual(shown('-user :"bob smith" x'), [
      [
        'user :"bob smith"',
        'read as free-text words, not a field filter (a space before ":"): write user:"bob smith"',
      ],
    ]);
    assert.deepEqual(parseQuery('eventName : ConsoleLogin'), {
      kind: 'and',
      children: [
        { kind: 'text', text: 'eventName', start: 0, end: 9 },
        { kind: 'text', text: ':', start: 10, end: 11 },
        { kind: 'text', text: 'ConsoleLogin', start: 12, end: 24 },
      ],
    });
    for (const q of ['eventName: ConsoleLogin', 'eventName:ConsoleLogin', '"a" : b', 'a b']) {
      assert.deepEqual(shown(q), [], q);
    }
  });

  it('locates each suspicious term once, even when an alias expands into several', () => {
    const q = 'usr:bob OR (eventName:x -evnt:y) user:alice';
    const warnings = queryWarnings(parseQuery(q));
    assert.deepEqual(
      warnings.map((w) => q.slice(w.start, w.end)),
      ['usr:bob', 'evnt:y'],
    );
    assert.deepEqual(queryWarnings(parseQuery('user:alice service:s3 "free text"')), []);
  });
});
