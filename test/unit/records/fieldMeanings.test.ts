import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { FIELD_CATALOG, fieldInfo } from '../../../src/core/records/fieldMeanings';
import type { CloudTrailRecord } from '../../../src/core/records/types';
import { dataset, describeWithDatasets } from '../../support/datasets';

// The record fields the CloudTrail User Guide lists ("CloudTrail record contents"), eventVersion
// 1.0 – 1.11, plus the userIdentity fields ("CloudTrail userIdentity element").
const DOCUMENTED_FIELDS = [
  'eventVersion',
  'userIdentity',
  'eventTime',
  'eventSource',
  'eventName',
  'awsRegion',
  'sourceIPAddress',
  'userAgent',
  'errorCode',
  'errorMessage',
  'requestParameters',
  'responseElements',
  'additionalEventData',
  'requestID',
  'eventID',
  'eventType',
  'apiVersion',
  'managementEvent',
  'readOnly',
  'resources',
  'recipientAccountId',
  'serviceEventDetails',
  'sharedEventID',
  'vpcEndpointId',
  'vpcEndpointAccountId',
  'eventCategory',
  'addendum',
  'sessionCredentialFromConsole',
  'edgeDeviceDetails',
  'tlsDetails',
  'insightDetails',
  'userIdentity.type',
  'userIdentity.principalId',
  'userIdentity.arn',
  'userIdentity.accountId',
  'userIdentity.accessKeyId',
  'userIdentity.userName',
  'userIdentity.invokedBy',
  'userIdentity.identityProvider',
  'userIdentity.credentialId',
  'userIdentity.onBehalfOf',
  'userIdentity.inScopeOf',
  'userIdentity.sessionContext',
  'userIdentity.sessionContext.sessionIssuer',
  'userIdentity.sessionContext.attributes.mfaAuthenticated',
  'userIdentity.sessionContext.attributes.creationDate',
  'userIdentity.sessionContext.sourceIdentity',
  'userIdentity.sessionContext.ec2RoleDelivery',
  'userIdentity.sessionContext.webIdFederationData',
];

describe('field catalogue', () => {
  it('explains every documented record and userIdentity field, with an AWS doc link', () => {
    for (const path of DOCUMENTED_FIELDS) {
      const info = FIELD_CATALOG.get(path);
      assert.ok(info, `no entry for ${path}`);
      assert.ok(info.meaning.length > 20, `${path}: meaning too thin`);
      assert.match(info.doc, /^https:\/\/docs\.aws\.amazon\.com\/awscloudtrail\//);
    }
  });

  it('looks fields up by JSON path, with array indices', () => {
    assert.equal(
      fieldInfo(['userIdentity', 'sessionContext', 'attributes', 'mfaAuthenticated'])?.path,
      'userIdentity.sessionContext.attributes.mfaAuthenticated',
    );
    assert.equal(fieldInfo(['resources', 3, 'ARN'])?.path, 'resources[].ARN');
    assert.equal(fieldInfo(['Events', 0, 'CloudTrailEvent'])?.path, 'Events[].CloudTrailEvent');
    assert.equal(fieldInfo(['requestParameters', 'bucketName']), undefined);
  });
});

function collectPaths(value: unknown, prefix: string, into: Set<string>, depth: number): void {
  if (!value || typeof value !== 'object' || Array.isArray(value) || depth === 0) return;
  for (const [k, v] of Object.entries(value)) {
    const path = prefix ? `${prefix}.${k}` : k;
    into.add(path);
    collectPaths(v, path, into, depth - 1);
  }
}

describeWithDatasets('field catalogue against real records', () => {
  it('covers every top-level and userIdentity field that appears in the datasets (flaws2, stratus, pwnedlabs, panther)', () => {
    const paths = new Set<string>();
    const add = (r: CloudTrailRecord): void => {
      for (const k of Object.keys(r)) paths.add(k);
      collectPaths({ userIdentity: r.userIdentity }, '', paths, 4);
    };
    const strat = dataset('stratus-red-team', 'docs', 'detonation-logs');
    for (const f of readdirSync(strat))
      (JSON.parse(readFileSync(`${strat}/${f}`, 'utf8')) as CloudTrailRecord[]).forEach(add);
    const pwned = dataset('pwnedlabs-breach-in-the-cloud', 'INCIDENT-3252');
    for (const f of readdirSync(pwned).filter((n) => n.endsWith('.json')))
      (
        JSON.parse(readFileSync(`${pwned}/${f}`, 'utf8')) as { Records: CloudTrailRecord[] }
      ).Records.forEach(add);
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
      (
        JSON.parse(gunzipSync(readFileSync(`${flaws}/${f}`)).toString('utf8')) as {
          Records: CloudTrailRecord[];
        }
      ).Records.forEach(add);
    for (const line of readFileSync(
      dataset('panther-analysis', 'cloudtrail-test-events.jsonl'),
      'utf8',
    ).split('\n')) {
      if (!line.trim()) continue;
      const r = JSON.parse(line) as CloudTrailRecord;
      // Panther's hand-written test events misspell nested keys (accesKeyId, sessioncontext):
      // only their top-level fields count here.
      if (r.eventVersion) for (const k of Object.keys(r)) paths.add(k);
    }
    // Panther adds its own p_* columns; webIdFederationData attributes are free-form claims.
    const missing = [...paths].filter(
      (p) =>
        !p.startsWith('p_') &&
        !/webIdFederationData\.attributes\./.test(p) &&
        !FIELD_CATALOG.has(p),
    );
    assert.deepEqual(missing, []);
  });
});
