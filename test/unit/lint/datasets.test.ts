// The lint rules against real, public trail configurations (../shared/datasets): AWS CLI
// documentation examples, Cloud Custodian's recorded API responses and a Mozilla CloudFormation
// template. Expected findings are reasoned from each file's content in the comments.
import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseTree } from 'jsonc-parser';
import { lintText } from '../../../src/core/lint';
import { dataset, describeWithDatasets } from '../../support/datasets';

const sorted = (ids: string[]) => [...ids].sort();
const idsOf = (text: string) => sorted(lintText(text).findings.map((f) => f.ruleId));

function filesUnder(dir: string, suffix: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir).sort()) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) out.push(...filesUnder(p, suffix));
    else if (p.endsWith(suffix)) out.push(p);
  }
  return out;
}

/**
 * JSON documents in an AWS CLI example page (.rst): literal blocks holding JSON output, and the
 * JSON arguments of `put-event-selectors` commands turned into the equivalent --cli-input-json.
 */
export function jsonBlocksOfRst(rst: string): string[] {
  const lines = rst.split(/\r?\n/);
  const blocks: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!/::\s*$/.test(lines[i])) continue;
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length; j++) {
      if (lines[j].trim() !== '' && !/^\s/.test(lines[j])) break;
      body.push(lines[j]);
    }
    i = j - 1;
    const text = body.join('\n');
    const command =
      /aws cloudtrail put-event-selectors[\s\\]+--trail-name (\S+)[\s\\]+--(advanced-event-selectors|event-selectors) '([^']*)'/.exec(
        text,
      );
    if (command) {
      const key =
        command[2] === 'advanced-event-selectors' ? 'AdvancedEventSelectors' : 'EventSelectors';
      blocks.push(`{"TrailName": ${JSON.stringify(command[1])}, "${key}": ${command[3]}}`);
      continue;
    }
    const start = text.search(/^\s*[{[]/m);
    if (start < 0) continue;
    const rest = text.slice(start);
    const root = parseTree(rest, [], { allowTrailingComma: true });
    if (root) blocks.push(rest.slice(root.offset, root.offset + root.length));
  }
  return blocks;
}

describeWithDatasets('lint: AWS CLI documentation examples (aws-cli-examples)', () => {
  const dir = dataset('aws-cli-examples', 'awscli', 'examples', 'cloudtrail');
  const blocksOf = (name: string) => jsonBlocksOfRst(readFileSync(join(dir, name), 'utf8'));

  it('put-event-selectors: the three documented examples and their outputs', () => {
    const blocks = blocksOf('put-event-selectors.rst');
    assert.equal(blocks.length, 6, 'three commands, three outputs');
    // 1 (command and output): advanced selectors; the S3 selector keeps only PutObject/DeleteObject
    // and excludes one bucket, so S3 object reads and writes are not logged for every bucket (info).
    // Everything else is valid: Lambda and SNS data selectors, a management selector.
    // 2: basic selectors with two bucket prefixes and one function: same S3 remark.
    // 3: arn:aws:s3 and arn:aws:lambda (all buckets, all functions), ReadWriteType All: nothing.
    assert.deepEqual(blocks.map(idsOf), [
      ['s3-data-events-incomplete'],
      ['s3-data-events-incomplete'],
      ['s3-data-events-incomplete'],
      ['s3-data-events-incomplete'],
      [],
      [],
    ]);
    // The outputs of examples 2 and 3 have trailing commas (JSONC), which must not be syntax errors.
    assert.deepEqual(lintText(blocks[3]).kinds, ['get-event-selectors']);
  });

  it('describe-trails: two single-Region trails without log file validation', () => {
    const [block] = blocksOf('describe-trails.rst');
    // Trail1: validation off, single Region, no KMS key, CloudWatch Logs set (with its role).
    // Trail2: validation off, single Region, KMS key set, no CloudWatch Logs.
    assert.deepEqual(
      idsOf(block),
      sorted([
        'log-file-validation-off',
        'not-multi-region',
        'no-kms-key',
        'log-file-validation-off',
        'not-multi-region',
        'no-cloudwatch-logs',
      ]),
    );
  });

  it('create-trail / update-trail outputs: multi-Region, but no validation, KMS or CloudWatch Logs', () => {
    for (const name of ['create-trail.rst', 'update-trail.rst']) {
      const [block] = blocksOf(name);
      assert.deepEqual(lintText(block).kinds, ['trail-output'], name);
      assert.deepEqual(
        idsOf(block),
        ['log-file-validation-off', 'no-cloudwatch-logs', 'no-kms-key'],
        name,
      );
    }
  });

  it('create-subscription / update-subscription print a describe-trails output among other text', () => {
    for (const name of ['create-subscription.rst', 'update-subscription.rst']) {
      const [block] = blocksOf(name);
      assert.deepEqual(
        idsOf(block),
        ['log-file-validation-off', 'no-cloudwatch-logs', 'no-kms-key', 'not-multi-region'],
        name,
      );
    }
  });

  it('get-event-selectors (management events, no data) and get-trail-status (logging) are clean', () => {
    assert.deepEqual(blocksOf('get-event-selectors.rst').map(idsOf), [[]]);
    const [status] = blocksOf('get-trail-status.rst');
    assert.deepEqual(lintText(status).kinds, ['trail-status']);
    assert.deepEqual(idsOf(status), []);
  });

  it('every JSON block of every page lints without a crash; pages about other commands yield nothing', () => {
    const configPages = new Set([
      'put-event-selectors.rst',
      'describe-trails.rst',
      'create-trail.rst',
      'update-trail.rst',
      'create-subscription.rst',
      'update-subscription.rst',
      'get-event-selectors.rst',
      'get-trail-status.rst',
    ]);
    let blocks = 0;
    for (const name of readdirSync(dir).filter((n) => n.endsWith('.rst'))) {
      for (const block of blocksOf(name)) {
        blocks++;
        const r = lintText(block);
        assert.ok(
          !r.findings.some((f) => f.ruleId === 'json-syntax'),
          `${name}: extracted block parses`,
        );
        if (!configPages.has(name)) assert.deepEqual(r.findings, [], name);
      }
    }
    assert.ok(blocks >= 15, `found ${blocks} JSON blocks`);
  });
});

describeWithDatasets('lint: recorded CloudTrail API responses (cloud-custodian-placebo)', () => {
  const root = dataset('cloud-custodian-placebo', 'tests', 'data', 'placebo');
  const file = (p: string) => readFileSync(join(root, p), 'utf8');

  it('every file lints without a crash, and API outputs never get a correctness error', () => {
    // The API produced these responses for trails it had accepted, so an error-severity finding
    // (what the API would reject) on them would be a false positive.
    const files = filesUnder(root, '.json');
    assert.ok(files.length >= 90);
    for (const f of files) {
      const r = lintText(readFileSync(f, 'utf8'));
      const errors = r.findings.filter((x) => x.severity === 'error');
      assert.deepEqual(errors, [], relative(root, f));
    }
  });

  const expectations: [string, string[], string][] = [
    [
      'test_account_data_events/cloudtrail.DescribeTrails_1.json',
      ['no-cloudwatch-logs'],
      'validated, multi-Region, KMS key, no CloudWatch Logs',
    ],
    ['test_account_data_events/cloudtrail.DescribeTrails_2.json', [], 'empty trailList'],
    [
      'test_account_data_events/cloudtrail.GetEventSelectors_1.json',
      [],
      'management events, all, no data',
    ],
    [
      'test_account_data_events/cloudtrail.GetEventSelectors_2.json',
      [],
      'management off but S3 data events for every bucket (arn:aws:s3:::), All: logs something, covers S3',
    ],
    [
      'test_account_data_events/cloudtrail.CreateTrail_1.json',
      ['no-cloudwatch-logs', 'no-kms-key'],
      'create-trail output: validated, multi-Region, no KMS, no CloudWatch',
    ],
    ['test_account_data_events/cloudtrail.DeleteTrail_1.json', [], '{}: not a configuration'],
    [
      'test_cloudtrail_create/cloudtrail.CreateTrail_1.json',
      ['log-file-validation-off', 'no-cloudwatch-logs', 'no-kms-key', 'not-multi-region'],
      'nothing hardened; SnsTopicName "" is an unset topic',
    ],
    [
      'test_cloudtrail_create/cloudtrail.GetTrailStatus_1.json',
      ['logging-stopped'],
      'IsLogging false',
    ],
    ['test_cloudtrail_create/cloudtrail.GetTrailStatus_2.json', [], 'IsLogging true'],
    [
      'test_cloudtrail_enable/cloudtrail.UpdateTrail_1.json',
      ['global-events-excluded', 'no-cloudwatch-logs', 'no-kms-key', 'not-multi-region'],
      'single-Region trail without global events',
    ],
    [
      'test_cloudtrail_event_selectors/cloudtrail.DescribeTrails_1.json',
      [
        'global-events-excluded',
        'not-multi-region',
        ...Array(4).fill('no-cloudwatch-logs'),
        ...Array(4).fill('no-kms-key'),
      ],
      'four validated trails, none with KMS or CloudWatch; SingleCloudTrail is single-Region without global events',
    ],
    // Cloud Custodian's own "fail" cases for its management-events check: read-only management events.
    [
      'test_cloudtrail_fail_include_management_events/cloudtrail.GetEventSelectors_1.json',
      ['management-events-partial', 's3-data-events-incomplete'],
      'ReadOnly management events, ReadOnly data events for one bucket',
    ],
    [
      'test_cloudtrail_success_cloudtrail_include_management_events/cloudtrail.GetEventSelectors_1.json',
      ['s3-data-events-incomplete'],
      'All management events; data events for one bucket',
    ],
    [
      'test_s3_data_events/cloudtrail.GetEventSelectors_2.json',
      ['s3-data-events-incomplete'],
      'WriteOnly data events for one bucket',
    ],
    ['test_s3_data_events/cloudtrail.GetEventSelectors_1.json', [], 'management events only'],
    [
      'test_cloudtrail_success_management_advanced_events_included/cloudtrail.GetEventSelectors_1.json',
      [],
      'advanced: Management, eventSource NotEquals rdsdata',
    ],
    [
      'test_cloudtrail_fail_management_advanced_events_included/cloudtrail.GetEventSelectors_1.json',
      ['management-events-partial'],
      'advanced: Management, readOnly false (writes only), excluding kms and rdsdata',
    ],
    [
      'test_cloudtrail_is_shadow/cloudtrail.DescribeTrails_1.json',
      ['no-cloudwatch-logs', 'no-kms-key'],
      'organization trail, validated, multi-Region',
    ],
    [
      'test_s3_log_target/cloudtrail.DescribeTrails_1.json',
      ['log-file-validation-off', 'no-cloudwatch-logs', 'no-kms-key', 'not-multi-region'],
      'nothing hardened',
    ],
  ];
  for (const [path, expected, why] of expectations) {
    it(`${path}: ${why}`, () => {
      assert.deepEqual(idsOf(file(path)), sorted(expected));
    });
  }

  it('recognises each response by its content', () => {
    assert.deepEqual(lintText(file('test_cloudtrail_update/cloudtrail.UpdateTrail_1.json')).kinds, [
      'trail-output',
    ]);
    assert.deepEqual(
      lintText(file('test_cloudtrail_status/cloudtrail.GetTrailStatus_1.json')).kinds,
      ['trail-status'],
    );
    assert.deepEqual(
      lintText(file('test_account_data_events/cloudtrail.PutEventSelectors_1.json')).kinds,
      ['get-event-selectors'],
    );
  });
});

describeWithDatasets('lint: CloudFormation template (nubis-cloudtrail)', () => {
  it('finds the posture gaps of the AWS::CloudTrail::Trail and leaves Ref / Fn::If values alone', () => {
    const text = readFileSync(dataset('nubis-cloudtrail', 'cfn', 'cloudtrail.json'), 'utf8');
    const r = lintText(text);
    assert.deepEqual(r.kinds, ['cloudformation']);
    // Properties: S3BucketName Ref, SnsTopicName Fn::If, IsLogging true, IncludeGlobalServiceEvents
    // false; nothing else, so validation (default off), multi-Region (default off), KMS and
    // CloudWatch Logs are missing, and global events are excluded on a single-Region trail.
    assert.deepEqual(sorted(r.findings.map((f) => f.ruleId)), [
      'global-events-excluded',
      'log-file-validation-off',
      'no-cloudwatch-logs',
      'no-kms-key',
      'not-multi-region',
    ]);
    const global = r.findings.find((f) => f.ruleId === 'global-events-excluded')!;
    assert.equal(text.slice(global.offset, global.offset + global.length), 'false');
    // Missing settings point at the resource's logical id.
    const kms = r.findings.find((f) => f.ruleId === 'no-kms-key')!;
    assert.equal(text.slice(kms.offset, kms.offset + kms.length), '"CloudTrail"');
  });
});
