// The readers of CloudFormation YAML, Terraform HCL, Terraform JSON and `terraform show -json`:
// what becomes the configuration model (values left alone, defaults, blocks as lists), exact
// positions, suppression comments in each format's comments, syntax errors.
import * as assert from 'node:assert/strict';
import {
  completionsAt,
  detectFormat,
  hoverAt,
  lintText,
  loadHclParser,
  readDocument,
  type Finding,
} from '../../../src/core/lint';
import { readHcl } from '../../../src/core/lint/formats/hcl';
import { INTRINSIC_TAGS } from '../../../src/core/lint/formats/yaml';
import { nodeValue, prop, stringValue } from '../../../src/core/lint/tree';

const ids = (findings: Finding[]) => findings.map((f) => f.ruleId).sort();
const only = (text: string, ruleId: string) =>
  lintText(text).findings.filter((f) => f.ruleId === ruleId);
const at = (text: string, f: Finding) => text.slice(f.offset, f.offset + f.length);

describe('lint formats: detection', () => {
  it('by file name where it says, else by content', () => {
    assert.equal(detectFormat('{}', 'main.tf'), 'terraform');
    assert.equal(detectFormat('{}', 'main.tf.json'), 'json');
    assert.equal(detectFormat('a: 1', 'x.yml'), 'yaml');
    assert.equal(detectFormat('  // comment\n{"a": 1}'), 'json');
    assert.equal(detectFormat('[1]', 'stack.template'), 'json');
    assert.equal(detectFormat('Resources: {}', 'stack.template'), 'yaml');
    assert.equal(detectFormat('# trail\nresource "aws_cloudtrail" "t" {\n}\n'), 'terraform');
    assert.equal(detectFormat('terraform {\n  required_version = ">= 1.5"\n}\n'), 'terraform');
    assert.equal(
      detectFormat(
        'AWSTemplateFormatVersion: "2010-09-09"\nResources:\n  T:\n    Type: AWS::CloudTrail::Trail\n',
      ),
      'yaml',
    );
  });
});

const TEMPLATE = `AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Trail:
    Type: AWS::CloudTrail::Trail
    Properties:
      TrailName: !Sub "\${AWS::StackName}-trail"
      S3BucketName: !Ref LogBucket
      KMSKeyId: !GetAtt [Key, Arn]
      IsLogging: true
      IsMultiRegionTrail: !If [IsProd, true, false]
      EnableLogFileValidation: false
      CloudWatchLogsLogGroupArn: !GetAtt LogGroup.Arn
      CloudWatchLogsRoleArn: { "Fn::GetAtt": [Role, Arn] }
`;

describe('lint formats: CloudFormation YAML', () => {
  it('reads every short-form intrinsic function as a value it leaves alone', () => {
    // Each tag, on a scalar, a sequence and a mapping: no syntax error, no finding about the value.
    for (const tag of INTRINSIC_TAGS) {
      for (const value of [`${tag} Something`, `${tag} [a, b]`, `${tag} { a: b }`]) {
        const text = `Resources:\n  T:\n    Type: AWS::CloudTrail::Trail\n    Properties:\n      TrailName: ${value}\n      S3BucketName: ${value}\n      IsLogging: ${value}\n      IsMultiRegionTrail: ${value}\n      KMSKeyId: ${value}\n`;
        const doc = readDocument(text, 'yaml');
        assert.deepEqual(doc.syntaxErrors, [], value);
        assert.equal(prop(doc.targets[0].object, 'IsMultiRegionTrail')?.type, 'opaque', value);
        assert.deepEqual(
          ids(lintText(text, { reportSyntaxErrors: true }).findings).filter(
            (id) => id !== 'log-file-validation-off' && id !== 'no-cloudwatch-logs',
          ),
          [],
          value,
        );
      }
    }
    for (const tag of [
      '!Ref',
      '!Sub',
      '!GetAtt',
      '!If',
      '!Join',
      '!Select',
      '!FindInMap',
      '!ImportValue',
      '!Equals',
      '!Not',
      '!And',
      '!Or',
      '!Condition',
      '!Base64',
      '!Split',
      '!GetAZs',
      '!Cidr',
    ]) {
      assert.ok(INTRINSIC_TAGS.includes(tag), tag);
    }
  });

  it('reads a value under an unknown tag as unknown, whatever its shape, and reports it once at the tag', () => {
    const text = [
      'Shared: &rw !Custom WriteOnly',
      'Resources:',
      '  T:',
      '    Type: AWS::CloudTrail::Trail',
      '    Properties:',
      '      IsLogging: !Foo',
      '      S3BucketName: !Foo logs',
      '      IsMultiRegionTrail: !Foo [a]',
      '      KMSKeyId: !Foo { a: b }',
      '      SnsTopicName: !Foo |',
      '        topic',
      '      EventSelectors:',
      '        - ReadWriteType: *rw',
      '        - ReadWriteType: *rw',
      '',
    ].join('\n');
    const doc = readDocument(text, 'yaml');
    const trail = doc.targets[0].object;
    for (const key of [
      'IsLogging',
      'S3BucketName',
      'IsMultiRegionTrail',
      'KMSKeyId',
      'SnsTopicName',
    ])
      assert.equal(prop(trail, key)?.type, 'opaque', key);
    const bucket = prop(trail, 'S3BucketName')!;
    assert.equal(
      text.slice(bucket.offset, bucket.offset + bucket.length),
      'logs',
      'the value, not the tag',
    );
    const found = lintText(text, { reportSyntaxErrors: true }).findings.filter(
      (f) => f.ruleId === 'yaml-unknown-tag' || f.ruleId === 'yaml-syntax',
    );
    assert.deepEqual(
      found.map((f) => [f.ruleId, at(text, f), f.start.line]),
      [
        ['yaml-unknown-tag', '!Custom', 1],
        ['yaml-unknown-tag', '!Foo', 6],
        ['yaml-unknown-tag', '!Foo', 7],
        ['yaml-unknown-tag', '!Foo', 8],
        ['yaml-unknown-tag', '!Foo', 9],
        ['yaml-unknown-tag', '!Foo', 10],
      ],
    );
  });

  it('points at the exact line and column of the offending value, and of the resource for a missing setting', () => {
    const r = lintText(TEMPLATE);
    assert.deepEqual(ids(r.findings), ['log-file-validation-off']);
    const f = r.findings[0];
    assert.deepEqual(
      [f.start, f.end],
      [
        { line: 11, column: 32 },
        { line: 11, column: 37 },
      ],
    );
    assert.equal(at(TEMPLATE, f), 'false');
    // Missing settings: on the logical id when there is no TrailName.
    const bare =
      'Resources:\n  AuditTrail:\n    Type: AWS::CloudTrail::Trail\n    Properties:\n      IsLogging: true\n      S3BucketName: logs\n';
    const g = only(bare, 'not-multi-region')[0];
    assert.deepEqual(g.start, { line: 2, column: 3 });
    assert.equal(at(bare, g), 'AuditTrail');
  });

  it('resolves anchors and aliases (and merge keys), reporting at the anchored text', () => {
    const text = `Selectors: &sel
  - ReadWriteType: Readonly
Resources:
  A:
    Type: AWS::CloudTrail::Trail
    Properties: { TrailName: a-trail, S3BucketName: logs, IsLogging: true, EventSelectors: *sel }
  B:
    Type: AWS::CloudTrail::Trail
    Properties:
      TrailName: b-trail
      S3BucketName: logs
      IsLogging: true
      EventSelectors: *sel
`;
    const doc = readDocument(text, 'yaml');
    assert.equal(doc.targets.length, 2);
    assert.deepEqual(nodeValue(prop(doc.targets[1].object, 'EventSelectors')), [
      { ReadWriteType: 'Readonly' },
    ]);
    // Both trails use the one bad value: one finding, where it is written.
    const rw = only(text, 'read-write-type');
    assert.equal(rw.length, 1);
    assert.deepEqual(rw[0].start, { line: 2, column: 20 });
    // An alias bomb stays linear: each anchor is read once.
    let bomb = 'a0: &a0 [x, x]\n';
    for (let i = 1; i < 40; i++) bomb += `a${i}: &a${i} [*a${i - 1}, *a${i - 1}]\n`;
    const t0 = Date.now();
    readDocument(bomb, 'yaml');
    assert.ok(Date.now() - t0 < 2000);
  });

  it("merges a merge key's mapping written in place; a merge of what is not a mapping leaves the mapping unknown", () => {
    const template = (merge: string[]) =>
      [
        'Base: &base !Foo',
        '  IsMultiRegionTrail: true',
        'Resources:',
        '  Trail:',
        '    Type: AWS::CloudTrail::Trail',
        '    Properties:',
        ...merge,
        '      S3BucketName: b',
        '      IsLogging: true',
        '',
      ].join('\n');
    // `<<:` and a block mapping merges it, as an alias to one does (PyYAML, `aws cloudformation package`).
    const inPlace = template([
      '      <<:',
      '        IsMultiRegionTrail: true',
      '        IncludeGlobalServiceEvents: false',
    ]);
    const trail = readDocument(inPlace, 'yaml').targets[0].object;
    assert.equal(prop(trail, '<<'), undefined);
    assert.equal(prop(trail, 'IncludeGlobalServiceEvents')?.value, false);
    assert.deepEqual(ids(only(inPlace, 'multi-region-global-events')), [
      'multi-region-global-events',
    ]);
    assert.deepEqual(only(inPlace, 'cfn-unknown-property'), []);
    // What an unknown tag, an intrinsic function or a scalar stands for is not known: nor are the
    // settings merged from it, so none is judged absent.
    for (const merge of [
      ['      <<: *base'],
      ['      <<: !If [Prod, {IsMultiRegionTrail: true}, {}]'],
      ['      <<: [{EnableLogFileValidation: true}, !Ref Other]'],
    ]) {
      const text = template(merge);
      const r = lintText(text);
      assert.deepEqual(r.kinds, ['cloudformation'], merge[0]);
      for (const f of r.findings)
        assert.ok(
          ['yaml-unknown-tag', 'cfn-properties-not-checked', 'yaml-alias'].includes(f.ruleId),
          `${merge[0]}: ${f.ruleId} ${f.message}`,
        );
    }
  });

  it('reads suppression comments in # comments, not in strings or block scalars', () => {
    const text = `Resources:
  Trail:
    Type: AWS::CloudTrail::Trail
    Properties:
      TrailName: audit
      S3BucketName: logs
      IsLogging: true
      Tags:
        - Key: note
          Value: "# cloudtrail-lens-disable"
        - Key: more
          Value: |
            # cloudtrail-lens-disable
      # cloudtrail-lens-disable-next-line log-file-validation-off -- digest files are checked elsewhere
      EnableLogFileValidation: false
      IsMultiRegionTrail: false # cloudtrail-lens-disable-line not-multi-region
      KMSKeyId: ''
`;
    assert.deepEqual(ids(lintText(text).findings), ['no-cloudwatch-logs', 'no-kms-key']);
  });

  it('reads the documents of a stream, and reports YAML syntax errors at their place', () => {
    const stream =
      '---\nkind: ConfigMap\n---\nResources:\n  T:\n    Type: AWS::CloudTrail::Trail\n    Properties: {TrailName: t-1, S3BucketName: b, IsLogging: true, IsMultiRegionTrail: false}\n';
    assert.ok(ids(lintText(stream).findings).includes('not-multi-region'));
    const broken =
      'Resources:\n  T:\n    Type: AWS::CloudTrail::Trail\n    Properties:\n      TrailName: "unterminated\n';
    const errors = lintText(broken, { reportSyntaxErrors: true }).findings.filter(
      (f) => f.ruleId === 'yaml-syntax',
    );
    assert.ok(errors.length > 0);
    assert.match(errors[0].message, /^YAML syntax error: /);
    assert.equal(
      lintText(broken, { reportSyntaxErrors: true }).findings.some(
        (f) => f.ruleId === 'json-syntax',
      ),
      false,
    );
  });

  it('reads CLI output in YAML (aws cloudtrail describe-trails --output yaml)', () => {
    const text =
      'trailList:\n- Name: org\n  S3BucketName: logs\n  TrailARN: arn:aws:cloudtrail:us-east-1:123456789012:trail/org\n  IsMultiRegionTrail: true\n  IncludeGlobalServiceEvents: true\n  LogFileValidationEnabled: false\n  KmsKeyId: k\n  CloudWatchLogsLogGroupArn: g\n  CloudWatchLogsRoleArn: r\n';
    const r = lintText(text);
    assert.deepEqual(r.kinds, ['describe-trails']);
    assert.deepEqual(ids(r.findings), ['log-file-validation-off']);
    assert.deepEqual(r.findings[0].fixes, [], 'outputs get no fix');
  });
});

describe('lint formats: Terraform HCL', () => {
  before(() => loadHclParser());

  it('maps arguments and blocks to the API names, leaving expressions alone and taking Terraform defaults', () => {
    const text = `locals { name = "audit" }

resource "aws_cloudtrail" "audit" {
  count                      = var.enabled ? 1 : 0
  name                       = "\${local.name}-trail"
  s3_bucket_name             = aws_s3_bucket.logs.id
  kms_key_id                 = var.kms_key_arn
  enable_log_file_validation = true
  is_multi_region_trail      = "true"
  sns_topic_name             = null

  event_selector {
    read_write_type           = "All"
    include_management_events = true
    data_resource {
      type   = "AWS::S3::Object"
      values = ["arn:aws:s3:::logs/", "arn:aws:s3:::\${var.bucket}/"]
    }
  }
}
`;
    const doc = readDocument(text, 'terraform');
    assert.equal(doc.targets.length, 1);
    const o = doc.targets[0].object;
    assert.deepEqual(
      o.children!.map((p) => `${p.children![0].value}=${p.children![1].type}`),
      [
        'TrailName=opaque',
        'S3BucketName=opaque',
        'KMSKeyId=opaque',
        'EnableLogFileValidation=boolean',
        'IsMultiRegionTrail=string',
        'EventSelectors=array',
      ],
    );
    assert.deepEqual(nodeValue(prop(o, 'EventSelectors')), [
      {
        ReadWriteType: 'All',
        IncludeManagementEvents: true,
        DataResources: [{ Type: 'AWS::S3::Object', Values: ['arn:aws:s3:::logs/', undefined] }],
      },
    ]);
    // Absent enable_logging and include_global_service_events: Terraform's defaults (true).
    assert.deepEqual(ids(lintText(text).findings), ['no-cloudwatch-logs']);
  });

  it('takes Terraform defaults where an argument is absent: single-Region, no log file validation', () => {
    const text =
      'resource "aws_cloudtrail" "t" {\n  name           = "t-1"\n  s3_bucket_name = "logs"\n}\n';
    assert.deepEqual(ids(lintText(text).findings), [
      'log-file-validation-off',
      'no-cloudwatch-logs',
      'no-kms-key',
      'not-multi-region',
    ]);
    // An event data store is multi-Region unless it says otherwise.
    const store =
      'resource "aws_cloudtrail_event_data_store" "lake" {\n  name       = "lake"\n  kms_key_id = aws_kms_key.lake.arn\n}\n';
    assert.deepEqual(ids(lintText(store).findings), []);
    assert.deepEqual(
      ids(
        lintText(store.replace('kms_key_id', 'multi_region_enabled = false\n  kms_key_id'))
          .findings,
      ),
      ['not-multi-region'],
    );
  });

  it('a dynamic block makes its list unknown; advanced selectors of event data stores accept their own categories', () => {
    const dynamic = `resource "aws_cloudtrail" "t" {
  name           = "t-1"
  s3_bucket_name = "logs"
  is_multi_region_trail = true
  enable_log_file_validation = true
  kms_key_id = "k"
  cloud_watch_logs_group_arn = "g"
  cloud_watch_logs_role_arn = "r"
  event_selector {
    include_management_events = false
  }
  dynamic "event_selector" {
    for_each = var.selectors
    content {
      include_management_events = event_selector.value.management
    }
  }
}
`;
    assert.deepEqual(ids(lintText(dynamic).findings), [], 'logs-nothing cannot be known');
    assert.deepEqual(ids(lintText(dynamic.replace(/ {2}dynamic[\s\S]*?\n {2}}\n/, '')).findings), [
      'logs-nothing',
    ]);
    const store = `resource "aws_cloudtrail_event_data_store" "config" {
  name       = "config-items"
  kms_key_id = "k"
  advanced_event_selector {
    name = "Config items"
    field_selector {
      field  = "eventCategory"
      equals = ["ConfigurationItem"]
    }
  }
}
`;
    assert.deepEqual(ids(lintText(store).findings), []);
    assert.deepEqual(ids(lintText(store.replace('ConfigurationItem', 'ConfigItem')).findings), [
      'invalid-field-value',
    ]);
  });

  it('positions are exact, in UTF-16 columns past non-ASCII text, and strings are unescaped', () => {
    const text =
      '# Überwachung ✓ — 審計\nresource "aws_cloudtrail" "t" {\n  name = "t-1" # “audit”\n  s3_bucket_name = "logs"\n  s3_key_prefix = "a\\u00e9\\"b$${x}"\n  include_global_service_events = false\n}\n';
    const f = only(text, 'global-events-excluded')[0];
    assert.deepEqual(
      [f.start, f.end],
      [
        { line: 6, column: 35 },
        { line: 6, column: 40 },
      ],
    );
    assert.equal(at(text, f), 'false');
    const doc = readDocument(text, 'terraform');
    assert.equal(prop(doc.targets[0].object, 'S3KeyPrefix')?.value, 'aé"b${x}');
  });

  it('reads suppression comments in #, // and /* */ comments', () => {
    const text = `resource "aws_cloudtrail" "t" {
  /* cloudtrail-lens-disable no-cloudwatch-logs */
  # cloudtrail-lens-disable-next-line no-kms-key
  name           = "t-1"
  s3_bucket_name = "logs" // cloudtrail-lens-disable-line not-multi-region
  enable_log_file_validation = "# cloudtrail-lens-disable"
}
`;
    assert.deepEqual(ids(lintText(text).findings), ['not-multi-region']);
    assert.equal(
      only(text, 'not-multi-region')[0].start.line,
      4,
      'the missing setting is reported on name, which the comment on line 5 does not cover',
    );
  });

  it('reports HCL syntax errors, never JSON ones, and still lints what it could read', () => {
    const text =
      'resource "aws_cloudtrail" "t" {\n  name = "t-1"\n  s3_bucket_name = \n  is_multi_region_trail = false\n}\n';
    const r = lintText(text, { reportSyntaxErrors: true });
    assert.ok(r.findings.some((f) => f.ruleId === 'hcl-syntax'));
    assert.ok(!r.findings.some((f) => f.ruleId === 'json-syntax'));
    assert.ok(r.findings.some((f) => f.ruleId === 'not-multi-region'));
  });

  it('reports an argument set twice in one block at the second, and judges neither value', () => {
    const text = [
      'resource "aws_cloudtrail" "t" {',
      '  name                       = "t-1"',
      '  s3_bucket_name             = "logs"',
      '  enable_log_file_validation = true',
      '  enable_log_file_validation = false',
      '  is_multi_region_trail      = false',
      '  tags                       = {}',
      '  tags                       = {}',
      '  event_selector {',
      '    read_write_type = "All"',
      '    read_write_type = "Readonly"',
      '  }',
      '  is_multi_region_trail = true',
      '}',
      '',
    ].join('\n');
    // Read from the text and by walking the tree: the same.
    for (const treeOnly of [false, true]) {
      const { targets, errors } = readHcl(text, { treeOnly });
      assert.deepEqual(
        errors.map((e) => [text.slice(e.offset, e.offset + e.length), e.message]),
        [
          [
            'enable_log_file_validation',
            'HCL syntax error: the argument "enable_log_file_validation" is already set on line 4; Terraform refuses an argument set twice (Attribute redefined).',
          ],
          [
            'tags',
            'HCL syntax error: the argument "tags" is already set on line 7; Terraform refuses an argument set twice (Attribute redefined).',
          ],
          [
            'read_write_type',
            'HCL syntax error: the argument "read_write_type" is already set on line 10; Terraform refuses an argument set twice (Attribute redefined).',
          ],
          [
            'is_multi_region_trail',
            'HCL syntax error: the argument "is_multi_region_trail" is already set on line 6; Terraform refuses an argument set twice (Attribute redefined).',
          ],
        ],
      );
      const trail = targets[0].object;
      assert.equal(prop(trail, 'EnableLogFileValidation')?.type, 'opaque');
      assert.equal(prop(trail, 'IsMultiRegionTrail')?.type, 'opaque');
      assert.equal(
        prop(prop(trail, 'EventSelectors')?.children?.[0], 'ReadWriteType')?.type,
        'opaque',
      );
      assert.equal(stringValue(prop(trail, 'S3BucketName')), 'logs');
    }
    const r = lintText(text, { reportSyntaxErrors: true });
    assert.deepEqual(
      r.findings
        .filter((f) => f.ruleId === 'hcl-syntax')
        .map((f) => [f.start.line, f.start.column]),
      [
        [5, 3],
        [8, 3],
        [11, 5],
        [13, 3],
      ],
    );
    // Neither value is judged: not "validation off", not "single-Region", not an invalid ReadWriteType.
    for (const id of ['log-file-validation-off', 'not-multi-region', 'read-write-type'])
      assert.ok(!r.findings.some((f) => f.ruleId === id), id);
  });

  it('reports an argument set twice in any block of the file: Terraform refuses the whole file (Attribute redefined)', () => {
    const text = [
      'locals {',
      '  bucket = "a"',
      '  bucket = "b"',
      '}',
      'resource "aws_s3_bucket" "logs" {',
      '  bucket = local.bucket',
      '  versioning {',
      '    enabled = true',
      '    enabled = false',
      '  }',
      '}',
      'resource "aws_cloudtrail" "t" {',
      '  name           = "audit"',
      '  s3_bucket_name = "logs"',
      '  lifecycle {',
      '    prevent_destroy = true',
      '    prevent_destroy = false',
      '  }',
      '  dynamic "event_selector" {',
      '    for_each = var.selectors',
      '    content {',
      '      read_write_type = "All"',
      '      read_write_type = "ReadOnly"',
      '    }',
      '  }',
      '}',
      '# the same name in two blocks, or in a block and its parent, is fine',
      'variable "bucket" { default = "a" }',
      'variable "name" {',
      '  default = "a"',
      '  validation {',
      '    condition     = true',
      '    error_message = "x"',
      '  }',
      '}',
      'output "default" { value = { default = 1 } }',
      '',
    ].join('\n');
    for (const treeOnly of [false, true]) {
      const { errors } = readHcl(text, { treeOnly });
      assert.deepEqual(
        errors.map((e) => [text.slice(e.offset, e.offset + e.length), e.message]),
        [
          [
            'bucket',
            'HCL syntax error: the argument "bucket" is already set on line 2; Terraform refuses an argument set twice (Attribute redefined).',
          ],
          [
            'enabled',
            'HCL syntax error: the argument "enabled" is already set on line 8; Terraform refuses an argument set twice (Attribute redefined).',
          ],
          [
            'prevent_destroy',
            'HCL syntax error: the argument "prevent_destroy" is already set on line 16; Terraform refuses an argument set twice (Attribute redefined).',
          ],
          [
            'read_write_type',
            'HCL syntax error: the argument "read_write_type" is already set on line 22; Terraform refuses an argument set twice (Attribute redefined).',
          ],
        ],
        treeOnly ? 'from the tree' : 'from the text',
      );
    }
    assert.deepEqual(
      lintText(text)
        .findings.filter((f) => f.ruleId === 'hcl-syntax')
        .map((f) => f.start.line),
      [3, 9, 17, 23],
    );
  });

  it('ignores other resources, data sources and modules', () => {
    const text =
      'data "aws_cloudtrail_service_account" "main" {}\nmodule "trail" {\n  source = "./trail"\n}\nresource "aws_s3_bucket" "b" {\n  bucket = "x"\n}\n';
    assert.deepEqual(lintText(text), { format: 'terraform', kinds: [], findings: [] });
  });
});

describe('lint formats: Terraform JSON and terraform show -json', () => {
  it('reads *.tf.json configuration, a block as an object or a list, templates as expressions', () => {
    const text = JSON.stringify(
      {
        resource: {
          aws_cloudtrail: {
            audit: {
              name: 'audit',
              s3_bucket_name: '${aws_s3_bucket.logs.id}',
              kms_key_id: null,
              event_selector: { read_write_type: 'Readonly', include_management_events: true },
            },
          },
        },
      },
      null,
      2,
    );
    const r = lintText(text);
    assert.deepEqual(r.kinds, ['terraform']);
    assert.deepEqual(ids(r.findings), [
      'log-file-validation-off',
      'no-cloudwatch-logs',
      'no-kms-key',
      'not-multi-region',
      'read-write-type',
    ]);
    // Fixes are JSON with Terraform's names.
    const f = r.findings.find((x) => x.ruleId === 'not-multi-region')!;
    assert.match(f.fixes[0].edits[0].newText, /"is_multi_region_trail": true/);
  });

  const plan = (resourceChanges: unknown[], extra: Record<string, unknown> = {}) =>
    JSON.stringify(
      {
        format_version: '1.2',
        terraform_version: '1.9.0',
        resource_changes: resourceChanges,
        ...extra,
      },
      null,
      2,
    );
  const change = (after: unknown, afterUnknown: unknown = {}, actions = ['create']) => ({
    address: 'aws_cloudtrail.t',
    mode: 'managed',
    type: 'aws_cloudtrail',
    name: 't',
    change: { actions, before: null, after, after_unknown: afterUnknown },
  });
  const after = {
    name: 't-1',
    enable_logging: true,
    enable_log_file_validation: false,
    include_global_service_events: true,
    is_multi_region_trail: true,
    kms_key_id: null,
    cloud_watch_logs_group_arn: null,
    event_selector: [],
    advanced_event_selector: [],
    insight_selector: [],
  };

  it('reads resource_changes: null is unset, [] is no block, after_unknown values are set but unknown; no fixes', () => {
    const r = lintText(
      plan([change(after, { s3_bucket_name: true, kms_key_id: true, arn: true })]),
    );
    assert.deepEqual(r.kinds, ['terraform-plan']);
    assert.deepEqual(ids(r.findings), ['log-file-validation-off', 'no-cloudwatch-logs']);
    assert.ok(r.findings.every((f) => f.fixes.length === 0));
    const text = plan([change(after, { s3_bucket_name: true, kms_key_id: true, arn: true })]);
    const f = r.findings.find((x) => x.ruleId === 'log-file-validation-off')!;
    assert.equal(f.start.line, 18, 'on the planned value');
    assert.equal(text.split('\n')[17].slice(f.start.column - 1, f.end.column - 1), 'false');
  });

  it('skips resources being destroyed and data sources, and falls back to planned_values or the state', () => {
    assert.deepEqual(lintText(plan([change(null, {}, ['delete'])])).findings, []);
    const planned = JSON.stringify({
      format_version: '1.0',
      planned_values: {
        root_module: {
          child_modules: [
            {
              resources: [
                {
                  address: 'module.x.aws_cloudtrail.t',
                  mode: 'managed',
                  type: 'aws_cloudtrail',
                  values: { ...after, s3_bucket_name: 'b' },
                },
              ],
            },
          ],
        },
      },
    });
    assert.deepEqual(ids(lintText(planned).findings), [
      'log-file-validation-off',
      'no-cloudwatch-logs',
      'no-kms-key',
    ]);
    const state = JSON.stringify({
      format_version: '1.0',
      values: {
        root_module: {
          resources: [
            {
              address: 'aws_cloudtrail.t',
              mode: 'managed',
              type: 'aws_cloudtrail',
              values: { ...after, s3_bucket_name: 'b', kms_key_id: 'k' },
            },
          ],
        },
      },
    });
    assert.deepEqual(ids(lintText(state).findings), [
      'log-file-validation-off',
      'no-cloudwatch-logs',
    ]);
  });
});

describe('lint formats: documents nested too deep to read', () => {
  before(() => loadHclParser());

  const HEAD = 'Resources:\n  T:\n    Type: AWS::CloudTrail::Trail\n    Properties:\n';
  const deepBlockYaml = (d: number) =>
    `${HEAD}      EventSelectors:\n${Array.from({ length: d }, (_, i) => `${' '.repeat(8 + i)}- `).join('\n')}x\n`;
  // Each anchor nests 100 levels and holds the previous one: the model nests 100 × n deep while
  // no line of the text does.
  const aliasChainYaml = (n: number) => {
    let out = `Mappings:\n  A0: &a0 ${'['.repeat(100)}1${']'.repeat(100)}\n`;
    for (let i = 1; i < n; i++)
      out += `  A${i}: &a${i} ${'['.repeat(100)}*a${i - 1}${']'.repeat(100)}\n`;
    return `${out}${HEAD}      EventSelectors: *a${n - 1}\n`;
  };
  const deepHcl = (d: number) =>
    `resource "aws_cloudtrail" "t" {\n  name = "x"\n${'  event_selector {\n'.repeat(d)}${'  }\n'.repeat(d)}}\n`;

  it('warns once where the nesting passes 512 levels, in YAML blocks and alias chains, and reads nothing else', () => {
    for (const [name, text] of [
      ['block sequences 5,000 deep', deepBlockYaml(5000)],
      ['aliases nesting 30,000 deep', aliasChainYaml(300)],
    ] as const) {
      const r = lintText(text, { format: 'yaml' });
      assert.deepEqual(
        r.findings.map((f) => f.ruleId),
        ['yaml-too-deep'],
        name,
      );
      assert.match(
        r.findings[0].message,
        /^YAML nested more than 512 levels deep: not checked\./,
        name,
      );
      assert.equal(readDocument(text, 'yaml').targets.length, 0, name);
      // The assists read the same model: no help, and no stack overflow.
      assert.equal(completionsAt(text, text.length - 3, 'yaml'), undefined, name);
      assert.equal(hoverAt(text, text.indexOf('EventSelectors'), 'yaml'), undefined, name);
    }
    // Levels 1-4 are the maps of lines 1-4; line 6 (1-based) opens level 5, so line 514 opens level 513.
    assert.equal(
      lintText(deepBlockYaml(5000), { format: 'yaml' }).findings[0].start.line,
      514,
      'the line where the 513th level opens',
    );
  });

  it('Terraform blocks nested 30,000 deep are read (tree-sitter and the model do not recurse)', () => {
    const r = lintText(deepHcl(30_000), { format: 'terraform' });
    assert.ok(
      r.findings.some((f) => f.ruleId === 'not-multi-region'),
      JSON.stringify(r.findings.map((f) => f.ruleId)),
    );
  });

  it('reads the same documents when they nest less deep', () => {
    for (const [text, format] of [
      [deepBlockYaml(400), 'yaml'],
      [aliasChainYaml(4), 'yaml'],
      [deepHcl(400), 'terraform'],
    ] as const) {
      const r = lintText(text, { format });
      assert.ok(!r.findings.some((f) => /too-deep/.test(f.ruleId)), format);
      assert.equal(readDocument(text, format).targets.length, 1, format);
    }
  });
});
