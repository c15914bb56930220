// Quick fixes are text edits computed by the engine: applying one must remove its finding,
// keep the rest of the document (comments included) and leave valid JSONC.
import * as assert from 'node:assert/strict';
import { parse, ParseError } from 'jsonc-parser';
import {
  applyEdits,
  basicToAdvanced,
  lintText,
  refactorsAt,
  type Finding,
} from '../../../src/core/lint';
import { recognise } from '../../../src/core/lint/recognise';
import { parseTree } from 'jsonc-parser';
import { cfn, createTrail, data, goodCfnProps, json, mgmt, putAdvanced, putBasic } from './helpers';

function only(text: string, ruleId: string): Finding {
  const found = lintText(text).findings.filter((f) => f.ruleId === ruleId);
  assert.equal(found.length, 1, `${ruleId}: ${JSON.stringify(found)}`);
  return found[0];
}

function applyFirstFix(text: string, ruleId: string): string {
  const f = only(text, ruleId);
  assert.ok(f.fixes.length, `${ruleId} has a fix`);
  const out = applyEdits(text, f.fixes[0].edits);
  const errors: ParseError[] = [];
  parse(out, errors, { allowTrailingComma: true });
  assert.deepEqual(errors, [], `valid JSONC after the fix:\n${out}`);
  assert.equal(
    lintText(out).findings.filter((x) => x.ruleId === ruleId).length,
    0,
    `${ruleId} gone after the fix:\n${out}`,
  );
  return out;
}

describe('lint quick fixes', () => {
  it('turns on log file validation, inserting the property when absent and keeping comments', () => {
    const text = `{
  // production trail
  "Name": "prod-trail",
  "S3BucketName": "amzn-s3-demo-bucket",
  "IsMultiRegionTrail": true
}`;
    const out = applyFirstFix(text, 'log-file-validation-off');
    assert.match(out, /\/\/ production trail/);
    assert.equal(parse(out).EnableLogFileValidation, true);
  });

  it('turns on log file validation in a CloudFormation template by replacing "false"', () => {
    const out = applyFirstFix(
      cfn(goodCfnProps({ EnableLogFileValidation: false })),
      'log-file-validation-off',
    );
    assert.equal(parse(out).Resources.Trail.Properties.EnableLogFileValidation, true);
  });

  it('makes a trail multi-Region, and includes global service events that a multi-Region trail requires', () => {
    const text = createTrail({ IsMultiRegionTrail: false, IncludeGlobalServiceEvents: false });
    const out = applyFirstFix(text, 'not-multi-region');
    const v = parse(out);
    assert.equal(v.IsMultiRegionTrail, true);
    assert.equal(v.IncludeGlobalServiceEvents, true);
    assert.deepEqual(lintText(out).findings, []);
  });

  it('inserts a missing setting into compact and empty objects too', () => {
    const compact =
      '{"Resources": {"T": {"Type": "AWS::CloudTrail::Trail", "Properties": {"TrailName": "t-1", "S3BucketName": "b", "IsLogging": true}}}}';
    assert.equal(
      parse(applyFirstFix(compact, 'log-file-validation-off')).Resources.T.Properties
        .EnableLogFileValidation,
      true,
    );
    const empty = '{"Resources": {"T": {"Type": "AWS::CloudTrail::Trail", "Properties": {}}}}';
    const out = applyFirstFix(empty, 'not-multi-region');
    assert.deepEqual(parse(out).Resources.T.Properties, { IsMultiRegionTrail: true });
  });

  it('offers no fix on API outputs, which describe a trail rather than configure it', () => {
    const f = only(
      json({
        trailList: [
          {
            Name: 'a-trail',
            TrailARN: 'arn:aws:cloudtrail:us-east-1:123456789012:trail/a-trail',
            LogFileValidationEnabled: false,
            IsMultiRegionTrail: true,
            KmsKeyId: 'k',
            CloudWatchLogsLogGroupArn: 'g',
            CloudWatchLogsRoleArn: 'r',
          },
        ],
      }),
      'log-file-validation-off',
    );
    assert.deepEqual(f.fixes, []);
  });

  it('offers no fix on a get-event-selectors output or a Terraform plan that logs nothing', () => {
    const output = json({
      TrailARN: 'arn:aws:cloudtrail:us-east-1:123456789012:trail/a-trail',
      EventSelectors: [{ ReadWriteType: 'All', IncludeManagementEvents: false, DataResources: [] }],
    });
    assert.deepEqual(only(output, 'logs-nothing').fixes, []);
    const plan = json({
      format_version: '1.2',
      resource_changes: [
        {
          address: 'aws_cloudtrail.t',
          mode: 'managed',
          type: 'aws_cloudtrail',
          name: 't',
          change: {
            actions: ['create'],
            after: {
              name: 'a-trail',
              s3_bucket_name: 'amzn-s3-demo-bucket',
              event_selector: [{ read_write_type: 'All', include_management_events: false }],
            },
          },
        },
      ],
    });
    assert.deepEqual(only(plan, 'logs-nothing').fixes, []);
  });

  it('replaces an unsupported operator with Equals', () => {
    const out = applyFirstFix(
      putAdvanced([data('AWS::S3::Object')]).replace(
        '"Equals": [\n            "AWS::S3::Object"',
        '"StartsWith": [\n            "AWS::S3::Object"',
      ),
      'equals-only-field',
    );
    assert.deepEqual(parse(out).AdvancedEventSelectors[0].FieldSelectors[1], {
      Field: 'resources.type',
      Equals: ['AWS::S3::Object'],
    });
  });

  it('turns readOnly NotEquals "true" into the equivalent Equals "false"', () => {
    const out = applyFirstFix(
      putAdvanced([mgmt({ Field: 'readOnly', NotEquals: ['true'] })]),
      'equals-only-field',
    );
    assert.deepEqual(parse(out).AdvancedEventSelectors[0].FieldSelectors[1], {
      Field: 'readOnly',
      Equals: ['false'],
    });
  });

  it('removes a duplicate value with its comma', () => {
    const out = applyFirstFix(
      putAdvanced([
        data('AWS::S3::Object', {
          Field: 'eventName',
          Equals: ['PutObject', 'GetObject', 'PutObject'],
        }),
      ]),
      'duplicate-value',
    );
    assert.deepEqual(parse(out).AdvancedEventSelectors[0].FieldSelectors[2].Equals, [
      'PutObject',
      'GetObject',
    ]);
  });

  it('adds the trailing slash to an S3 bucket ARN', () => {
    const out = applyFirstFix(
      putBasic([
        { DataResources: [{ Type: 'AWS::S3::Object', Values: ['arn:aws:s3:::my-bucket'] }] },
      ]),
      'data-resource-arn',
    );
    assert.deepEqual(parse(out).EventSelectors[0].DataResources[0].Values, [
      'arn:aws:s3:::my-bucket/',
    ]);
  });

  it('turns management events back on for a trail that logs nothing', () => {
    const out = applyFirstFix(
      putBasic([{ ReadWriteType: 'All', IncludeManagementEvents: false, DataResources: [] }]),
      'logs-nothing',
    );
    assert.equal(parse(out).EventSelectors[0].IncludeManagementEvents, true);
  });

  it('moves basic selectors into the advanced ones when both are set', () => {
    const text = json({
      TrailName: 't-1',
      EventSelectors: [
        {
          ReadWriteType: 'All',
          IncludeManagementEvents: false,
          DataResources: [{ Type: 'AWS::Lambda::Function', Values: ['arn:aws:lambda'] }],
        },
      ],
      AdvancedEventSelectors: [mgmt()],
    });
    const out = applyFirstFix(text, 'mixed-selectors');
    const v = parse(out);
    assert.equal(v.EventSelectors, undefined);
    assert.deepEqual(
      v.AdvancedEventSelectors.map((s: { FieldSelectors: unknown[] }) => s.FieldSelectors),
      [
        [{ Field: 'eventCategory', Equals: ['Management'] }],
        [
          { Field: 'eventCategory', Equals: ['Data'] },
          { Field: 'resources.type', Equals: ['AWS::Lambda::Function'] },
        ],
      ],
    );
  });
});

describe('converting basic event selectors to advanced ones', () => {
  const convert = (selectors: unknown[]) =>
    basicToAdvanced(recognise(parseTree(putBasic(selectors)))[0]);

  it('maps management, read/write, exclusions and each data resource type', () => {
    const out = convert([
      {
        ReadWriteType: 'WriteOnly',
        IncludeManagementEvents: true,
        ExcludeManagementEventSources: ['kms.amazonaws.com'],
        DataResources: [
          {
            Type: 'AWS::S3::Object',
            Values: [
              'arn:aws:s3:::amzn-s3-demo-bucket/prefix',
              'arn:aws:s3:::amzn-s3-demo-bucket2/',
            ],
          },
          {
            Type: 'AWS::Lambda::Function',
            Values: ['arn:aws:lambda:us-west-2:123456789012:function:hello'],
          },
          { Type: 'AWS::DynamoDB::Table', Values: ['arn:aws:dynamodb'] },
        ],
      },
    ]);
    assert.ok(Array.isArray(out));
    assert.deepEqual(
      out.map((s) => s.FieldSelectors),
      [
        [
          { Field: 'eventCategory', Equals: ['Management'] },
          { Field: 'readOnly', Equals: ['false'] },
          { Field: 'eventSource', NotEquals: ['kms.amazonaws.com'] },
        ],
        [
          { Field: 'eventCategory', Equals: ['Data'] },
          { Field: 'resources.type', Equals: ['AWS::S3::Object'] },
          { Field: 'readOnly', Equals: ['false'] },
          {
            Field: 'resources.ARN',
            StartsWith: [
              'arn:aws:s3:::amzn-s3-demo-bucket/prefix',
              'arn:aws:s3:::amzn-s3-demo-bucket2/',
            ],
          },
        ],
        [
          { Field: 'eventCategory', Equals: ['Data'] },
          { Field: 'resources.type', Equals: ['AWS::Lambda::Function'] },
          { Field: 'readOnly', Equals: ['false'] },
          {
            Field: 'resources.ARN',
            Equals: ['arn:aws:lambda:us-west-2:123456789012:function:hello'],
          },
        ],
        [
          { Field: 'eventCategory', Equals: ['Data'] },
          { Field: 'resources.type', Equals: ['AWS::DynamoDB::Table'] },
          { Field: 'readOnly', Equals: ['false'] },
        ],
      ],
    );
  });

  it('merges ReadOnly and WriteOnly management selectors into one for all events', () => {
    const out = convert([{ ReadWriteType: 'ReadOnly' }, { ReadWriteType: 'WriteOnly' }]);
    assert.ok(Array.isArray(out));
    assert.deepEqual(
      out.map((s) => s.FieldSelectors),
      [[{ Field: 'eventCategory', Equals: ['Management'] }]],
    );
  });

  it('refuses when there is no exact equivalent', () => {
    const out = convert([
      { ReadWriteType: 'ReadOnly', ExcludeManagementEventSources: ['kms.amazonaws.com'] },
      { ReadWriteType: 'WriteOnly' },
    ]);
    assert.ok(!Array.isArray(out) && /different settings/.test(out.reason));
  });

  it('is offered as a refactoring inside EventSelectors, and its result lints clean', () => {
    const text = putBasic([
      {
        ReadWriteType: 'All',
        IncludeManagementEvents: true,
        DataResources: [{ Type: 'AWS::S3::Object', Values: ['arn:aws:s3:::'] }],
      },
    ]);
    assert.deepEqual(refactorsAt(text, text.indexOf('TrailName')), []);
    const [fix] = refactorsAt(text, text.indexOf('ReadWriteType'));
    assert.equal(fix.title, 'Convert basic event selectors to advanced event selectors');
    const out = applyEdits(text, fix.edits);
    assert.deepEqual(lintText(out).findings, []);
    assert.equal(parse(out).AdvancedEventSelectors.length, 2);
  });
});
