import * as assert from 'node:assert/strict';
import { parseQuery } from '../../../src/core/index/query/parse';
import { fieldWarning, queryWarnings } from '../../../src/core/index/query/warnings';

describe('query warnings', () => {
  it('accepts aliases, record fields and free-form request data', () => {
    for (const f of ['user', 'IP', 'eventName', 'eventname', 'requestParameters.anything.deep', 'responseElements.x', 'additionalEventData.MFAUsed', 'userIdentity.sessionContext.sessionIssuer.userName', 'resources.ARN', 'tlsDetails.tlsVersion', 'userIdentity.inScopeOf.sourceArn', 'serviceEventDetails.x', 'userIdentity.onBehalfOf.userId']) {
      assert.equal(fieldWarning(f), undefined, f);
    }
  });

  it('flags unknown top-level names and userIdentity typos', () => {
    assert.match(fieldWarning('usr') ?? '', /"usr" is neither an alias nor a CloudTrail record field/);
    assert.match(fieldWarning('eventNmae') ?? '', /"eventNmae"/);
    assert.match(fieldWarning('userIdentity.usrName') ?? '', /not a userIdentity field/);
  });

  it('locates each suspicious term once, even when an alias expands into several', () => {
    const q = 'usr:bob OR (eventName:x -evnt:y) user:alice';
    const warnings = queryWarnings(parseQuery(q));
    assert.deepEqual(warnings.map((w) => q.slice(w.start, w.end)), ['usr:bob', 'evnt:y']);
    assert.deepEqual(queryWarnings(parseQuery('user:alice service:s3 "free text"')), []);
  });
});
