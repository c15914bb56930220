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
