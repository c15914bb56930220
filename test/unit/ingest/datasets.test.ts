// Every file in ../shared/datasets that holds CloudTrail events loads with the right count; the
// others are reported (JSON that is not CloudTrail) or ignored (not JSON). Expected counts were
// taken with jq from the files themselves (e.g. `jq '.Records | length'`, `jq length` for arrays).
import * as assert from 'node:assert/strict';
import { EventIndex } from '../../../src/core/index/eventIndex';
import { loadEventFiles } from '../../../src/core/ingest/load';
import { InlineRunner } from '../../../src/core/ingest/pool';
import { discover } from '../../../src/core/sources/discover';
import { FolderSource } from '../../../src/core/sources/folder';
import { matchesRecord } from '../../../src/core/query/match';
import { parseQuery } from '../../../src/core/query/parse';
import { DATASETS_DIR, describeWithDatasets } from '../../support/datasets';

const EXPECTED: Record<string, number> = {
  'aws-cloudtrail-processing-library/src/test/resources/SerializerAllFieldsNull.json': 2,
  'aws-cloudtrail-processing-library/src/test/resources/SerializerTestFile.json': 6,
  'aws-cloudtrail-processing-library/src/test/resources/SerializerTestFileCompact.json.gz': 6,
  'aws-cloudtrail-processing-library/src/test/resources/SerializerTestFileMissField.json': 4,
  'aws-cloudtrail-processing-library/src/test/resources/SerializerTestFileNewFieldAtRandomPlaces.json': 2,
  'aws-cloudtrail-processing-library/src/test/resources/SerializerTestFileNewFieldsInRoot.json': 2,
  'aws-cloudtrail-processing-library/src/test/resources/SerializerTestFileNewFieldsInUserIdentity.json': 2,
  'cloud-snitch/backend/report/testdata/aws-cloudtrail-logs/AWSLogs/333333333333/CloudTrail/us-east-1/2025/03/06/333333333333_CloudTrail_us-east-1_20250306T0320Z_ZgdYr0lP8M9fWEH8.json.gz': 1,
  'cloud-snitch/backend/report/testdata/aws-cloudtrail-logs/AWSLogs/o-1234abcde/222222222222/CloudTrail/us-east-1/2025/03/06/222222222222_CloudTrail_us-east-1_20250306T0230Z_QF6qcgyiaVnSueXa.json.gz': 20,
  'flaws2-logs/AWSLogs/653711331788/CloudTrail/us_east_1/2018/11/28/653711331788_CloudTrail_us-east-1_20181128T2235Z_cR9ra7OH1rytWyXY.json.gz': 2,
  'flaws2-logs/AWSLogs/653711331788/CloudTrail/us_east_1/2018/11/28/653711331788_CloudTrail_us-east-1_20181128T2305Z_83VTWZ8Z0kiEC7Lq.json.gz': 1,
  'flaws2-logs/AWSLogs/653711331788/CloudTrail/us_east_1/2018/11/28/653711331788_CloudTrail_us-east-1_20181128T2305Z_zKlMhON7EpHala9u.json.gz': 4,
  'flaws2-logs/AWSLogs/653711331788/CloudTrail/us_east_1/2018/11/28/653711331788_CloudTrail_us-east-1_20181128T2310Z_7J9NEIxrjJsrlXSd.json.gz': 6,
  'flaws2-logs/AWSLogs/653711331788/CloudTrail/us_east_1/2018/11/28/653711331788_CloudTrail_us-east-1_20181128T2310Z_A1lhv3sWzzRIBFVk.json.gz': 2,
  'flaws2-logs/AWSLogs/653711331788/CloudTrail/us_east_1/2018/11/28/653711331788_CloudTrail_us-east-1_20181128T2310Z_jJW5HfNtz7kOnvcP.json.gz': 19,
  'flaws2-logs/AWSLogs/653711331788/CloudTrail/us_east_1/2018/11/28/653711331788_CloudTrail_us-east-1_20181128T2310Z_jQajCuiobojD8I4y.json.gz': 1,
  'flaws2-logs/AWSLogs/653711331788/CloudTrail/us_east_1/2018/11/28/653711331788_CloudTrail_us-east-1_20181128T2310Z_rp9i9zxR2Vcpqfnz.json.gz': 2,
  // 510 lines: 491 CloudTrail records, 1 with lower-cased keys (also a record), 18 Okta/other
  // Panther logs that are not CloudTrail (skipped with a warning).
  'panther-analysis/cloudtrail-test-events.jsonl': 492,
  'pwnedlabs-breach-in-the-cloud/INCIDENT-3252/107513503799_CloudTrail_us-east-1_20230826T2035Z_PjmwM7E4hZ6897Aq.json': 54,
  'pwnedlabs-breach-in-the-cloud/INCIDENT-3252/107513503799_CloudTrail_us-east-1_20230826T2040Z_UkDeakooXR09uCBm.json': 1,
  'pwnedlabs-breach-in-the-cloud/INCIDENT-3252/107513503799_CloudTrail_us-east-1_20230826T2050Z_iUtQqYPskB20yZqT.json': 15,
  'pwnedlabs-breach-in-the-cloud/INCIDENT-3252/107513503799_CloudTrail_us-east-1_20230826T2055Z_W0F5uypAbGttUgSn.json': 513,
  'pwnedlabs-breach-in-the-cloud/INCIDENT-3252/107513503799_CloudTrail_us-east-1_20230826T2100Z_APB7fBUnHmiWjHtg.json': 10,
  'pwnedlabs-breach-in-the-cloud/INCIDENT-3252/107513503799_CloudTrail_us-east-1_20230826T2105Z_fpp78PgremAcrW5c.json': 43,
  'pwnedlabs-breach-in-the-cloud/INCIDENT-3252/107513503799_CloudTrail_us-east-1_20230826T2120Z_UCUhsJa0zoFY3ZO0.json': 2,
};

const STRATUS: Record<string, number> = {
  'credential-access.ec2-get-password-data': 34,
  'credential-access.ec2-steal-instance-credentials': 45,
  'credential-access.secretsmanager-batch-retrieve-secrets': 5,
  'credential-access.secretsmanager-retrieve-secrets': 21,
  'credential-access.ssm-retrieve-securestring-parameters': 10,
  'defense-evasion.cloudtrail-delete': 1,
  'defense-evasion.cloudtrail-event-selectors': 1,
  'defense-evasion.cloudtrail-stop': 1,
  'defense-evasion.dns-delete-logs': 1,
  'defense-evasion.organizations-leave': 3,
  'defense-evasion.vpc-remove-flow-logs': 1,
  'discovery.ec2-download-user-data': 19,
  'execution.ec2-launch-unusual-instances': 3,
  'execution.ec2-user-data': 35,
  'execution.ssm-send-command': 56,
  'execution.ssm-start-session': 29,
  'exfiltration.ec2-security-group-open-port-22-ingress': 1,
  'exfiltration.ec2-share-ami': 1,
  'exfiltration.ec2-share-ebs-snapshot': 1,
  'exfiltration.rds-share-snapshot': 1,
  'impact.bedrock-invoke-model': 15,
  'initial-access.console-login-without-mfa': 1,
  'lateral-movement.ec2-instance-connect': 3,
  'lateral-movement.ec2-serial-console-send-ssh-public-key': 4,
  'persistence.iam-backdoor-role': 1,
  'persistence.iam-backdoor-user': 1,
  'persistence.iam-create-admin-user': 3,
  'persistence.iam-create-backdoor-role': 2,
  'persistence.iam-create-user-login-profile': 3,
  'persistence.lambda-backdoor-function': 1,
  'persistence.lambda-layer-extension': 1,
  'persistence.lambda-overwrite-code': 1,
  'persistence.rolesanywhere-create-trust-anchor': 2,
  'persistence.sts-federation-token': 2,
  'privilege-escalation.iam-update-user-login-profile': 1,
};
for (const [name, n] of Object.entries(STRATUS))
  EXPECTED[`stratus-red-team/docs/detonation-logs/aws.${name}.json`] = n;

describeWithDatasets('real datasets in ../shared/datasets', function () {
  this.timeout(60_000);
  let index: EventIndex;
  let digests: number;

  before(async () => {
    const runner = new InlineRunner();
    const found = await discover(new FolderSource(DATASETS_DIR));
    digests = found.digests.length;
    index = new EventIndex({ runner });
    await loadEventFiles(index, runner, found.events);
  });

  it('loads every file that holds CloudTrail events, with the right event count', () => {
    const loaded = new Map(
      index.files.filter((f) => f.state === 'loaded').map((f) => [f.key, f.events]),
    );
    for (const [key, n] of Object.entries(EXPECTED)) assert.equal(loaded.get(key), n, key);
    assert.deepEqual(
      [...loaded.keys()].sort(),
      Object.keys(EXPECTED).sort(),
      'no other file loads as events',
    );
    assert.equal(
      index.size,
      Object.values(EXPECTED).reduce((a, b) => a + b, 0),
    );
    assert.equal(digests, 0);
  });

  it('shows an event found twice once: records Panther reuses verbatim (same eventID, same JSON), one of them from Stratus', () => {
    // Counted independently with node:util isDeepStrictEqual over every record with an eventID, in listing order.
    const withCopies = index.files
      .filter((f) => f.duplicates > 0)
      .map((f) => [f.key, f.duplicates, [...f.duplicatesOf.keys()].map((kept) => kept.key)]);
    assert.deepEqual(withCopies, [
      [
        'panther-analysis/cloudtrail-test-events.jsonl',
        23,
        ['panther-analysis/cloudtrail-test-events.jsonl'],
      ],
      [
        'stratus-red-team/docs/detonation-logs/aws.execution.ec2-launch-unusual-instances.json',
        1,
        ['panther-analysis/cloudtrail-test-events.jsonl'],
      ],
    ]);
    assert.equal(index.eventCount, index.size - 24);
  });

  it('finds a value as the detail pane shows it, whatever escapes the log used (flaws2 writes "=" as \\u003d)', async () => {
    const rows = (await index.query(parseQuery('"EosL383wU="'))).rows;
    assert.deepEqual(
      Array.from(rows, (r) => index.files[index.store.fileOf[r]].key.split('/').pop()),
      ['653711331788_CloudTrail_us-east-1_20181128T2310Z_7J9NEIxrjJsrlXSd.json.gz'],
    );
  });

  it('takes account, region and organization from the AWSLogs path', () => {
    const org = index.files.find((f) => f.key.includes('o-1234abcde'))!;
    assert.equal(org.info?.organizationId, 'o-1234abcde');
    assert.equal(org.info?.accountId, '222222222222');
    const flaws = index.files.find((f) => f.key.startsWith('flaws2-logs/'))!;
    assert.equal(
      flaws.info?.region,
      'us-east-1',
      'the file name region wins over the renamed us_east_1 folder',
    );
    assert.equal(flaws.kind, 'log');
  });

  it('reports the broken and the non-CloudTrail JSON files, naming each', () => {
    const failed = index.problems.filter((p) => p.severity === 'error');
    const bad = failed.find((p) => p.key.endsWith('SerializerTestFileBadJsonFormat.json'));
    assert.equal(bad?.code, 'bad-json');
    assert.deepEqual(bad!.position, { line: 37, column: 9 });
    assert.equal(
      bad!.message,
      'invalid JSON: expected a property name in double quotes (found "{")',
    );
    const notCloudTrail = failed.filter((p) => p.code === 'not-cloudtrail').map((p) => p.key);
    assert.ok(notCloudTrail.includes('nubis-cloudtrail/cfn/cloudtrail.json'));
    assert.ok(notCloudTrail.includes('panther-analysis/detection-labels.jsonl'));
    assert.ok(notCloudTrail.filter((k) => k.startsWith('cloud-custodian-placebo/')).length > 50);
    const panther = index.problems.find(
      (p) =>
        p.key === 'panther-analysis/cloudtrail-test-events.jsonl' && p.code === 'skipped-elements',
    );
    assert.equal(panther?.severity, 'warning');
    assert.match(panther!.message, /^18 element\(s\) skipped/);
    // Panther's test events carry zone-less times (`2025-01-21 17:49:47.000000000`): read as UTC, and said.
    const times = index.problems.filter((p) => p.code === 'partial-time');
    assert.deepEqual(
      times.map((p) => [p.key, p.severity]),
      [['panther-analysis/cloudtrail-test-events.jsonl', 'warning']],
    );
    assert.match(
      times[0].message,
      /a time without a zone \(record \d+: "2025-01-21 17:49:47\.000000000"\), read as UTC/,
    );
  });

  it('answers queries on real records the same way as the reference matcher', async () => {
    const all = await index.query({ kind: 'all' });
    const raws = await index.rawRecords(all.rows);
    for (const q of [
      'eventName:AssumeRole',
      'error:*',
      'type:AssumedRole AND NOT readonly:true',
      'time>=2023-08-26T20:50:00Z AND time<2023-08-26T21:00:00Z',
      'user:backup*',
      'arn:*admin*',
      'GetObject',
    ]) {
      const node = parseQuery(q);
      const got = new Set((await index.query(node)).rows);
      all.rows.forEach((row, i) => {
        const expected = matchesRecord(node, JSON.parse(raws[i]), raws[i]);
        assert.equal(
          got.has(row),
          expected,
          `${q}: row ${row} (${index.files[index.store.fileOf[row]].key})`,
        );
      });
    }
  });
});
