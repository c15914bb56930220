// One failing and one passing example per rule. The closing test checks that every rule of the
// engine fired in some example here, so a new rule cannot land untested.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { lintText, loadHclParser, RULES } from '../../../src/core/lint';
import {
  cfn,
  createTrail,
  data,
  expectFires,
  expectQuiet,
  firedInTests,
  goodCfnProps,
  json,
  lint,
  mgmt,
  putAdvanced,
  putBasic,
  ruleIds,
} from './helpers';
import { withLintRules } from '../../../scripts/lintRulesSetting';

const s3All = { Type: 'AWS::S3::Object', Values: ['arn:aws:s3:::'] };

describe('lint rules: basic event selectors', () => {
  it('mixed-selectors: basic and advanced selectors on one trail', () => {
    const both = json({
      TrailName: 't-1',
      EventSelectors: [{ ReadWriteType: 'All' }],
      AdvancedEventSelectors: [mgmt()],
    });
    const [f] = expectFires(both, 'mixed-selectors', 1);
    assert.equal(f.severity, 'error');
    expectQuiet(putAdvanced([mgmt()]), 'mixed-selectors');
    expectQuiet(putBasic([{ ReadWriteType: 'All' }]), 'mixed-selectors');
  });

  it('too-many-event-selectors: more than 5', () => {
    const six = Array.from({ length: 6 }, () => ({
      ReadWriteType: 'All',
      IncludeManagementEvents: true,
    }));
    expectFires(putBasic(six), 'too-many-event-selectors', 1);
    expectQuiet(putBasic(six.slice(0, 5)), 'too-many-event-selectors');
  });

  it('too-many-data-resources: more than 250 values across selectors', () => {
    const values = (n: number, from = 0) =>
      Array.from({ length: n }, (_, i) => `arn:aws:s3:::bucket-${from + i}/`);
    const over = putBasic([
      { DataResources: [{ Type: 'AWS::S3::Object', Values: values(200) }] },
      { DataResources: [{ Type: 'AWS::S3::Object', Values: values(51, 200) }] },
    ]);
    const [f] = expectFires(over, 'too-many-data-resources', 1);
    assert.match(f.message, /251/);
    expectQuiet(
      putBasic([{ DataResources: [{ Type: 'AWS::S3::Object', Values: values(250) }] }]),
      'too-many-data-resources',
    );
  });

  it('read-write-type: only ReadOnly, WriteOnly, All', () => {
    const [f] = expectFires(putBasic([{ ReadWriteType: 'readonly' }]), 'read-write-type');
    assert.equal(f.fixes[0]?.title, 'Change to "ReadOnly"');
    expectFires(putBasic([{ ReadWriteType: 'Write' }]), 'read-write-type');
    for (const ok of ['ReadOnly', 'WriteOnly', 'All'])
      expectQuiet(putBasic([{ ReadWriteType: ok }]), 'read-write-type');
  });

  it('basic-data-resource-type: only S3 objects, Lambda functions, DynamoDB tables', () => {
    expectFires(
      putBasic([
        {
          DataResources: [
            { Type: 'AWS::SNS::Topic', Values: ['arn:aws:sns:us-east-1:123456789012:t'] },
          ],
        },
      ]),
      'basic-data-resource-type',
    );
    expectQuiet(
      putBasic([
        {
          DataResources: [
            {
              Type: 'AWS::DynamoDB::Table',
              Values: ['arn:aws:dynamodb:us-east-1:123456789012:table/orders'],
            },
          ],
        },
      ]),
      'basic-data-resource-type',
    );
  });

  it('data-resource-arn: S3 bucket ARNs need the trailing slash; Lambda and DynamoDB ARN forms', () => {
    const [slash] = expectFires(
      putBasic([
        { DataResources: [{ Type: 'AWS::S3::Object', Values: ['arn:aws:s3:::my-bucket'] }] },
      ]),
      'data-resource-arn',
    );
    assert.match(slash.message, /trailing slash/);
    assert.equal(slash.fixes[0].edits[0].newText, '"arn:aws:s3:::my-bucket/"');
    expectFires(
      putBasic([
        {
          DataResources: [
            {
              Type: 'AWS::Lambda::Function',
              Values: ['arn:aws:lambda:us-east-1:123456789012:my-function'],
            },
          ],
        },
      ]),
      'data-resource-arn',
    );
    expectFires(
      putBasic([{ DataResources: [{ Type: 'AWS::DynamoDB::Table', Values: ['orders'] }] }]),
      'data-resource-arn',
    );
    const good = putBasic([
      {
        DataResources: [
          {
            Type: 'AWS::S3::Object',
            Values: [
              'arn:aws:s3:::',
              'arn:aws:s3',
              'arn:aws:s3:::my-bucket/',
              'arn:aws-cn:s3:::my-bucket/logs/2024',
            ],
          },
          {
            Type: 'AWS::Lambda::Function',
            Values: [
              'arn:aws:lambda',
              'arn:aws:lambda:us-west-2:123456789012:function:hello-world-python-function',
            ],
          },
          {
            Type: 'AWS::DynamoDB::Table',
            Values: ['arn:aws:dynamodb', 'arn:aws:dynamodb:us-east-1:123456789012:table/orders'],
          },
        ],
      },
    ]);
    expectQuiet(good, 'data-resource-arn');
  });

  it('exclude-management-event-sources: only kms and rdsdata', () => {
    expectFires(
      putBasic([{ ExcludeManagementEventSources: ['s3.amazonaws.com'] }]),
      'exclude-management-event-sources',
    );
    expectQuiet(
      putBasic([{ ExcludeManagementEventSources: ['kms.amazonaws.com', 'rdsdata.amazonaws.com'] }]),
      'exclude-management-event-sources',
    );
  });

  it('logs-nothing: management events off and no data resources', () => {
    const [f] = expectFires(
      putBasic([{ ReadWriteType: 'All', IncludeManagementEvents: false, DataResources: [] }]),
      'logs-nothing',
      1,
    );
    assert.equal(f.severity, 'error');
    assert.equal(f.fixes[0].title, 'Turn management events on');
    expectFires(
      putBasic([
        { IncludeManagementEvents: false },
        {
          IncludeManagementEvents: false,
          DataResources: [{ Type: 'AWS::S3::Object', Values: [] }],
        },
      ]),
      'logs-nothing',
    );
    // Management events default to on; data resources alone are enough; one logging selector is enough.
    expectQuiet(putBasic([{ ReadWriteType: 'All' }]), 'logs-nothing');
    expectQuiet(
      putBasic([{ IncludeManagementEvents: false, DataResources: [s3All] }]),
      'logs-nothing',
    );
    expectQuiet(
      putBasic([{ IncludeManagementEvents: false }, { IncludeManagementEvents: true }]),
      'logs-nothing',
    );
  });
});

describe('lint rules: advanced event selectors', () => {
  it('unknown-field: names are case-sensitive, with a suggestion', () => {
    const [f] = expectFires(
      putAdvanced([
        data('AWS::S3::Object', { Field: 'resources.arn', StartsWith: ['arn:aws:s3:::b/'] }),
      ]),
      'unknown-field',
      1,
    );
    assert.match(f.message, /did you mean "resources.ARN"/);
    expectFires(
      putAdvanced([mgmt({ Field: 'sourceIPAddress', Equals: ['10.0.0.1'] })]),
      'unknown-field',
    );
    expectQuiet(
      putAdvanced([
        data('AWS::S3::Object', { Field: 'resources.ARN', StartsWith: ['arn:aws:s3:::b/'] }),
      ]),
      'unknown-field',
    );
  });

  it('unknown-operator: keys other than Field and the six operators', () => {
    const [f] = expectFires(
      putAdvanced([mgmt({ Field: 'readOnly', Equal: ['true'] })]),
      'unknown-operator',
    );
    assert.match(f.message, /did you mean "Equals"/);
    expectQuiet(
      putAdvanced([mgmt({ Field: 'eventSource', NotEquals: ['kms.amazonaws.com'] })]),
      'unknown-operator',
    );
  });

  it('missing-event-category: every advanced selector needs one', () => {
    expectFires(
      putAdvanced([{ Name: 'x', FieldSelectors: [{ Field: 'readOnly', Equals: ['true'] }] }]),
      'missing-event-category',
      1,
    );
    expectQuiet(
      putAdvanced([mgmt({ Field: 'readOnly', Equals: ['true'] })]),
      'missing-event-category',
    );
  });

  it('invalid-field-value: eventCategory and readOnly values', () => {
    expectFires(
      putAdvanced([{ FieldSelectors: [{ Field: 'eventCategory', Equals: ['Insight'] }] }]),
      'invalid-field-value',
    );
    const [f] = expectFires(
      putAdvanced([mgmt({ Field: 'readOnly', Equals: ['True'] })]),
      'invalid-field-value',
    );
    assert.equal(f.fixes[0].edits[0].newText, '"true"');
    expectQuiet(
      putAdvanced([
        mgmt({ Field: 'readOnly', Equals: ['false'] }),
        {
          FieldSelectors: [
            { Field: 'eventCategory', Equals: ['NetworkActivity'] },
            { Field: 'eventSource', Equals: ['kms.amazonaws.com'] },
          ],
        },
      ]),
      'invalid-field-value',
    );
  });

  it('field-not-allowed: fields per event category', () => {
    const [f] = expectFires(
      putAdvanced([mgmt({ Field: 'eventName', Equals: ['CreateUser'] })]),
      'field-not-allowed',
      1,
    );
    assert.match(f.message, /not allowed in a Management selector/);
    expectFires(
      putAdvanced([
        {
          FieldSelectors: [
            { Field: 'eventCategory', Equals: ['NetworkActivity'] },
            { Field: 'readOnly', Equals: ['true'] },
          ],
        },
      ]),
      'field-not-allowed',
    );
    expectQuiet(
      putAdvanced([
        data(
          'AWS::S3::Object',
          { Field: 'eventName', Equals: ['PutObject'] },
          {
            Field: 'userIdentity.arn',
            NotStartsWith: ['arn:aws:sts::123456789012:assumed-role/Backup'],
          },
        ),
        {
          FieldSelectors: [
            { Field: 'eventCategory', Equals: ['NetworkActivity'] },
            { Field: 'eventSource', Equals: ['s3.amazonaws.com'] },
            { Field: 'errorCode', Equals: ['VpceAccessDenied'] },
          ],
        },
      ]),
      'field-not-allowed',
    );
  });

  it('duplicate-field: one resources.type per selector', () => {
    expectFires(
      putAdvanced([
        data('AWS::S3::Object', { Field: 'resources.type', Equals: ['AWS::Lambda::Function'] }),
      ]),
      'duplicate-field',
      1,
    );
    expectQuiet(
      putAdvanced([data('AWS::S3::Object'), data('AWS::Lambda::Function')]),
      'duplicate-field',
    );
  });

  it('equals-only-field: readOnly, eventCategory and resources.type take Equals only', () => {
    const [ro] = expectFires(
      putAdvanced([mgmt({ Field: 'readOnly', NotEquals: ['true'] })]),
      'equals-only-field',
      1,
    );
    assert.equal(ro.fixes[0].title, 'Replace with Equals ["false"]');
    const [rt] = expectFires(
      putAdvanced([
        {
          FieldSelectors: [
            { Field: 'eventCategory', Equals: ['Data'] },
            { Field: 'resources.type', StartsWith: ['AWS::S3::'] },
          ],
        },
      ]),
      'equals-only-field',
    );
    assert.equal(rt.fixes[0].title, 'Replace StartsWith with Equals');
    expectQuiet(putAdvanced([mgmt({ Field: 'readOnly', Equals: ['true'] })]), 'equals-only-field');
  });

  it('empty-values: empty operator lists, empty strings, selectors without operators', () => {
    expectFires(putAdvanced([mgmt({ Field: 'eventSource', NotEquals: [] })]), 'empty-values');
    expectFires(putAdvanced([mgmt({ Field: 'eventSource', NotEquals: [''] })]), 'empty-values');
    expectFires(putAdvanced([mgmt({ Field: 'eventSource' })]), 'empty-values');
    expectFires(putAdvanced([{ Name: 'none', FieldSelectors: [] }]), 'empty-values');
    expectQuiet(
      putAdvanced([mgmt({ Field: 'eventSource', NotEquals: ['kms.amazonaws.com'] })]),
      'empty-values',
    );
  });

  it('duplicate-value: the same value twice in one operator', () => {
    const [f] = expectFires(
      putAdvanced([
        data('AWS::S3::Object', {
          Field: 'eventName',
          Equals: ['PutObject', 'GetObject', 'PutObject'],
        }),
      ]),
      'duplicate-value',
      1,
    );
    assert.equal(f.severity, 'warning');
    expectQuiet(
      putAdvanced([
        data('AWS::S3::Object', { Field: 'eventName', Equals: ['PutObject', 'GetObject'] }),
      ]),
      'duplicate-value',
    );
  });

  it('data-selector-missing-resource-type', () => {
    expectFires(
      putAdvanced([
        {
          FieldSelectors: [
            { Field: 'eventCategory', Equals: ['Data'] },
            { Field: 'eventName', Equals: ['PutObject'] },
          ],
        },
      ]),
      'data-selector-missing-resource-type',
      1,
    );
    expectQuiet(putAdvanced([data('AWS::S3::Object')]), 'data-selector-missing-resource-type');
    // Management selectors need no resources.type.
    expectQuiet(putAdvanced([mgmt()]), 'data-selector-missing-resource-type');
  });

  it('network-selector-missing-event-source', () => {
    const net = (...extra: unknown[]) => ({
      FieldSelectors: [{ Field: 'eventCategory', Equals: ['NetworkActivity'] }, ...extra],
    });
    expectFires(
      putAdvanced([net({ Field: 'vpcEndpointId', Equals: ['vpce-0123456789abcdef0'] })]),
      'network-selector-missing-event-source',
      1,
    );
    expectQuiet(
      putAdvanced([net({ Field: 'eventSource', Equals: ['s3.amazonaws.com'] })]),
      'network-selector-missing-event-source',
    );
    expectQuiet(
      putAdvanced([mgmt(), data('AWS::S3::Object')]),
      'network-selector-missing-event-source',
    );
  });

  it('invalid-field-value: errorCode of network activity events is VpceAccessDenied', () => {
    const net = (errorCode: unknown) =>
      putAdvanced([
        {
          FieldSelectors: [
            { Field: 'eventCategory', Equals: ['NetworkActivity'] },
            { Field: 'eventSource', Equals: ['s3.amazonaws.com'] },
            { Field: 'errorCode', ...(errorCode as object) },
          ],
        },
      ]);
    const [f] = expectFires(net({ Equals: ['AccessDenied'] }), 'invalid-field-value', 1);
    assert.match(f.message, /"AccessDenied" is not a valid errorCode value.*VpceAccessDenied/);
    const [g] = expectFires(net({ Equals: ['vpceaccessdenied'] }), 'invalid-field-value', 1);
    assert.equal(g.fixes[0].edits[0].newText, '"VpceAccessDenied"');
    expectQuiet(net({ Equals: ['VpceAccessDenied'] }), 'invalid-field-value');
    expectQuiet(net({ StartsWith: ['Vpce'] }), 'invalid-field-value');
  });

  it('unknown-resource-type: warns, suggests the right spelling', () => {
    const [f] = expectFires(putAdvanced([data('AWS::S3::object')]), 'unknown-resource-type', 1);
    assert.equal(f.severity, 'warning');
    assert.match(f.message, /did you mean "AWS::S3::Object"/);
    expectFires(putAdvanced([data('AWS::Made::Up')]), 'unknown-resource-type');
    for (const t of [
      'AWS::S3::Object',
      'AWS::SNS::Topic',
      'AWS::DynamoDB::Stream',
      'AWS::S3Express::Object',
    ])
      expectQuiet(putAdvanced([data(t)]), 'unknown-resource-type');
  });

  it('value-too-long: values over 2048 characters, names over 1000', () => {
    expectFires(
      putAdvanced([
        data('AWS::S3::Object', {
          Field: 'resources.ARN',
          StartsWith: [`arn:aws:s3:::b/${'x'.repeat(2040)}`],
        }),
      ]),
      'value-too-long',
    );
    expectFires(putAdvanced([{ ...mgmt(), Name: 'n'.repeat(1001) }]), 'value-too-long');
    expectQuiet(
      putAdvanced([
        data('AWS::S3::Object', {
          Field: 'resources.ARN',
          StartsWith: [`arn:aws:s3:::b/${'x'.repeat(2000)}`],
        }),
      ]),
      'value-too-long',
    );
  });

  it('too-many-advanced-values: more than 500 values across the trail', () => {
    const names = (n: number) => Array.from({ length: n }, (_, i) => `Action${i}`);
    // Each data() selector holds 2 values (eventCategory, resources.type) plus the event names.
    const over = putAdvanced([
      data('AWS::S3::Object', { Field: 'eventName', Equals: names(300) }),
      data('AWS::Lambda::Function', { Field: 'eventName', Equals: names(197) }),
    ]);
    const [f] = expectFires(over, 'too-many-advanced-values', 1);
    assert.match(f.message, /501/);
    expectQuiet(
      putAdvanced([
        data('AWS::S3::Object', { Field: 'eventName', Equals: names(300) }),
        data('AWS::Lambda::Function', { Field: 'eventName', Equals: names(196) }),
      ]),
      'too-many-advanced-values',
    );
  });
});

describe('lint rules: trail settings', () => {
  it('trail-name: the CloudTrail naming requirements', () => {
    for (const bad of [
      'ab',
      'my trail',
      '-trail',
      'trail-',
      'my-_trail',
      'my..trail',
      '192.168.5.4',
      'x'.repeat(129),
    ]) {
      expectFires(createTrail({ Name: bad }), 'trail-name');
    }
    for (const good of [
      'abc',
      'My_Trail.2024-prod',
      'aws-controltower-BaselineCloudTrail',
      'x'.repeat(128),
    ])
      expectQuiet(createTrail({ Name: good }), 'trail-name');
    // update-trail and put-event-selectors accept an ARN in place of the name.
    expectQuiet(
      json({
        Name: 'arn:aws:cloudtrail:us-east-1:123456789012:trail/my-trail',
        IsMultiRegionTrail: true,
      }),
      'trail-name',
    );
    expectFires(putBasic([{}]).replace('my-trail', 'my trail'), 'trail-name');
  });

  it('yaml-unknown-tag: a tag that is not an intrinsic function, at the tag, its value not judged', () => {
    const text = [
      'Resources:',
      '  Trail:',
      '    Type: AWS::CloudTrail::Trail',
      '    Properties:',
      '      IsLogging: !Foo false',
      '      S3BucketName: !Ref Logs',
      '      EnableLogFileValidation: !Reff true',
      '      IsMultiRegionTrail: true',
      '',
    ].join('\n');
    const found = expectFires(text, 'yaml-unknown-tag', 2);
    assert.deepEqual(
      found.map((f) => [text.slice(f.offset, f.offset + f.length), f.start.line, f.severity]),
      [
        ['!Foo', 5, 'error'],
        ['!Reff', 7, 'error'],
      ],
    );
    assert.match(found[0].message, /^!Foo is not a CloudFormation intrinsic function/);
    // `IsLogging: !Foo false` is not "logging stopped"; `!Reff true` is not "validation on" either.
    expectQuiet(text, 'logging-stopped');
    expectQuiet(text, 'log-file-validation-off');
    // Intrinsic functions and YAML's own tags are not reported.
    expectQuiet(
      text.replace('!Foo false', '!If [Prod, true, false]').replace('!Reff true', '!!bool true'),
      'yaml-unknown-tag',
    );
  });

  it('yaml-alias: CloudFormation refuses YAML aliases and merge keys; the values they resolve to are still judged', () => {
    const text = [
      'Metadata:',
      '  Defaults: &defaults',
      '    IsLogging: true',
      '    S3BucketName: logs',
      'Resources:',
      '  Trail:',
      '    Type: AWS::CloudTrail::Trail',
      '    Properties:',
      '      <<: *defaults',
      '      IsMultiRegionTrail: false',
      '      EventSelectors: &selectors',
      '        - ReadWriteType: All',
      '  Other:',
      '    Type: AWS::CloudTrail::Trail',
      '    Properties:',
      '      <<: {IsLogging: true}',
      '      S3BucketName: logs',
      '      IsMultiRegionTrail: true',
      '      EventSelectors: *selectors',
      '',
    ].join('\n');
    const found = expectFires(text, 'yaml-alias', 3);
    assert.deepEqual(
      found.map((f) => [text.slice(f.offset, f.offset + f.length), f.start.line, f.severity]),
      [
        ['*defaults', 9, 'warning'],
        ['<<', 16, 'warning'],
        ['*selectors', 19, 'warning'],
      ],
    );
    assert.equal(
      found[0].message,
      '*defaults is a YAML alias: CloudFormation refuses a template that uses one ("YAML aliases are not allowed in CloudFormation templates") unless a tool resolves it before the upload (aws cloudformation package, sam); it is read here as the value it stands for.',
    );
    assert.equal(
      found[1].message,
      '<< is a YAML merge key: CloudFormation does not support hash merges unless a tool resolves them before the upload (aws cloudformation package, sam); it is read here as merged.',
    );
    // Still read through: the merged IsLogging and S3BucketName count as set.
    expectQuiet(text, 'cfn-required-property');
    expectFires(text, 'not-multi-region', 1);
    // An anchor alone is accepted; a YAML document that is not a template (a CLI input) may use aliases.
    expectQuiet(
      text
        .replace('*selectors', '[{ReadWriteType: All}]')
        .replace(/<<: .*\n/g, 'IsLogging: true\n')
        .replace(
          '      IsLogging: true\n      IsMultiRegionTrail: false',
          '      IsLogging: true\n      S3BucketName: logs\n      IsMultiRegionTrail: false',
        ),
      'yaml-alias',
    );
    expectQuiet(
      ['Name: my-trail', 'S3BucketName: &b logs', 'S3KeyPrefix: *b', ''].join('\n'),
      'yaml-alias',
    );
  });

  it('yaml-unknown-tag: a tag on a key is reported, and the value of that key is not judged', () => {
    const text = [
      'Resources:',
      '  Trail:',
      '    Type: AWS::CloudTrail::Trail',
      '    Properties:',
      '      S3BucketName: b',
      '      !Foo IsLogging: false',
      '      IsMultiRegionTrail: true',
      '      !Ref IncludeGlobalServiceEvents: false',
      '      EventSelectors: [{!Bar ReadWriteType: None}]',
      '',
    ].join('\n');
    const found = expectFires(text, 'yaml-unknown-tag', 3);
    assert.deepEqual(
      found.map((f) => [text.slice(f.offset, f.offset + f.length), f.start.line, f.severity]),
      [
        ['!Foo', 6, 'error'],
        ['!Ref', 8, 'error'],
        ['!Bar', 9, 'error'],
      ],
    );
    assert.match(found[0].message, /^!Foo on the key IsLogging:/);
    expectQuiet(text, 'read-write-type');
    // The key is there (IsLogging is not missing), but what it is set to is not known.
    expectQuiet(text, 'cfn-required-property');
    expectQuiet(text, 'logging-stopped');
    expectQuiet(text, 'multi-region-global-events');
    // A YAML core tag on a key is a plain name.
    expectQuiet(
      text
        .replace('!Foo IsLogging', '!!str IsLogging')
        .replace('!Ref Include', 'Include')
        .replace('!Bar ', ''),
      'yaml-unknown-tag',
    );
    expectFires(text.replace('!Ref Include', 'Include'), 'multi-region-global-events');
  });

  it('repeated-key: a key set twice in one object, in JSON and YAML, at the later one; a YAML merge key is no repeat', () => {
    const json = [
      '{',
      '  "Resources": {',
      '    "Trail": {',
      '      "Type": "AWS::CloudTrail::Trail",',
      '      "Properties": {',
      '        "IsLogging": true, "S3BucketName": "b", "IsMultiRegionTrail": true,',
      '        "EnableLogFileValidation": false,',
      '        "EnableLogFileValidation": true',
      '      }',
      '    },',
      '    "Trail": { "Type": "AWS::CloudTrail::Trail", "Properties": { "S3BucketName": "c" } }',
      '  }',
      '}',
    ].join('\n');
    const found = expectFires(json, 'repeated-key', 2);
    assert.deepEqual(
      found.map((f) => [json.slice(f.offset, f.offset + f.length), f.start.line, f.severity]),
      [
        ['"EnableLogFileValidation"', 8, 'error'],
        ['"Trail"', 11, 'error'],
      ],
    );
    assert.equal(
      found[0].message,
      '"EnableLogFileValidation" is set again here (first on line 7): only this last value counts, so the one on line 7 is ignored.',
    );
    const yaml = [
      'Base: &base',
      '  IsLogging: true',
      '  S3BucketName: b',
      'Resources:',
      '  Trail:',
      '    Type: AWS::CloudTrail::Trail',
      '    Properties:',
      '      <<: *base',
      '      IsLogging: false',
      '      IsMultiRegionTrail: true',
      '      IsMultiRegionTrail: false',
      '',
    ].join('\n');
    const [y] = expectFires(yaml, 'repeated-key', 1);
    assert.deepEqual(
      [y.start.line, yaml.slice(y.offset, y.offset + y.length)],
      [11, 'IsMultiRegionTrail'],
    );
    expectQuiet(yaml.replace('      IsMultiRegionTrail: false\n', ''), 'repeated-key');
  });

  it('repeated-key: anywhere in a template that holds a trail (cfn-lint E0000), each once; a second Resources section is read too', () => {
    const yaml = [
      'Parameters:',
      '  Env: {Type: String}',
      '  Env: {Type: Number}',
      'Conditions:',
      '  Prod: !Equals [!Ref Env, prod]',
      '  Prod: !Equals [!Ref Env, dev]',
      'Resources:',
      '  Bucket:',
      '    Type: AWS::S3::Bucket',
      '    Type: AWS::S3::Bucket',
      '  Trail:',
      '    Type: AWS::CloudTrail::Trail',
      '    Properties: {IsLogging: true, S3BucketName: b, IsMultiRegionTrail: true}',
      '  Other:',
      '    Type: AWS::CloudTrail::Trail',
      '    Properties: {IsLogging: true, S3BucketName: c, IsMultiRegionTrail: true}',
      'Outputs:',
      '  Arn: {Value: !GetAtt Trail.Arn}',
      '  Arn: {Value: !GetAtt Other.Arn}',
      'Resources:',
      '  Topic:',
      '    Type: AWS::SNS::Topic',
      '---',
      'Unrelated: 1',
      'Unrelated: 2',
      '',
    ].join('\n');
    const found = expectFires(yaml, 'repeated-key', 5);
    assert.deepEqual(
      found.map((f) => [f.start.line, yaml.slice(f.offset, f.offset + f.length)]),
      [
        [3, 'Env'],
        [6, 'Prod'],
        [10, 'Type'],
        [19, 'Arn'],
        [20, 'Resources'],
      ],
    );
    // The trails of the first Resources section are still checked: CloudFormation reads the last,
    // and the error says so; what the user wrote there is not passed over in silence.
    const r = lintText(yaml);
    assert.deepEqual(r.kinds, ['cloudformation']);
    assert.ok(r.findings.some((f) => f.ruleId === 'no-kms-key' && f.start.line === 11));
    // In JSON too, and in a CLI input.
    const input = '{"Name": "my-trail", "S3BucketName": "b", "Tags": [{"Key": "a", "Key": "b"}]}';
    const [t] = expectFires(input, 'repeated-key', 1);
    assert.equal(input.slice(t.offset, t.offset + t.length), '"Key"');
  });

  it('cfn-properties-not-checked: a trail whose whole Properties is an intrinsic function or under an unknown tag is recognised, never judged', () => {
    const template = (properties: string[]) =>
      [
        'Conditions:',
        '  Prod: !Equals [a, b]',
        'Resources:',
        '  Trail:',
        '    Type: AWS::CloudTrail::Trail',
        ...properties,
        '',
      ].join('\n');
    const ifShort = template([
      '    Properties: !If',
      '      - Prod',
      '      - {S3BucketName: b, IsLogging: false, IsMultiRegionTrail: true, IncludeGlobalServiceEvents: false}',
      '      - {S3BucketName: c, IsLogging: true}',
    ]);
    const ifLong = template([
      '    Properties:',
      '      Fn::If: [Prod, {S3BucketName: b, IsLogging: false}, {S3BucketName: c, IsLogging: true}]',
    ]);
    const ifJson = json({
      Resources: {
        Trail: {
          Type: 'AWS::CloudTrail::Trail',
          Properties: { 'Fn::If': ['Prod', { S3BucketName: 'b' }, { Ref: 'AWS::NoValue' }] },
        },
      },
    });
    for (const text of [ifShort, ifLong, ifJson]) {
      const r = lintText(text);
      assert.deepEqual(r.kinds, ['cloudformation']);
      // Nothing is judged: not "IsLogging and S3BucketName missing", not Fn::If as a property,
      // not the posture of either branch.
      assert.deepEqual(
        r.findings.map((f) => [f.ruleId, f.severity]),
        [['cfn-properties-not-checked', 'warning']],
      );
      const [f] = expectFires(text, 'cfn-properties-not-checked', 1);
      assert.match(f.message, /^Trail: its Properties are computed by an intrinsic function/);
    }
    // Under an unknown tag: the tag is the error, and said once.
    const tagged = template([
      '    Properties: !Foo',
      '      S3BucketName: b',
      '      IsLogging: false',
    ]);
    const r = lintText(tagged);
    assert.deepEqual(r.kinds, ['cloudformation']);
    assert.deepEqual(
      r.findings.map((f) => [f.ruleId, tagged.slice(f.offset, f.offset + f.length)]),
      [['yaml-unknown-tag', '!Foo']],
    );
    // An unknown tag anywhere in the template is reported: CloudFormation refuses the template.
    const [p] = expectFires(
      tagged.replace('!Foo', '').replace('Prod: !Equals', 'Prod: !Equalz'),
      'yaml-unknown-tag',
      1,
    );
    assert.equal(p.start.line, 2);
  });

  it('terraform-required-argument: name and s3_bucket_name of aws_cloudtrail, name of an event data store', async () => {
    await loadHclParser();
    const [f] = expectFires(
      'resource "aws_cloudtrail" "audit" {\n  name = "audit"\n}\n',
      'terraform-required-argument',
      1,
    );
    assert.equal(f.message, 'The resource lacks the required argument s3_bucket_name.');
    assert.deepEqual(
      [f.start, f.end],
      [
        { line: 2, column: 3 },
        { line: 2, column: 7 },
      ],
      'on the name argument',
    );
    // Neither: on the resource header.
    const [g] = expectFires(
      'resource "aws_cloudtrail" "audit" {}\n',
      'terraform-required-argument',
      1,
    );
    assert.equal(g.message, 'The resource lacks the required arguments name and s3_bucket_name.');
    assert.deepEqual(
      [g.start, g.end],
      [
        { line: 1, column: 1 },
        { line: 1, column: 34 },
      ],
    );
    expectFires(
      'resource "aws_cloudtrail_event_data_store" "lake" {}\n',
      'terraform-required-argument',
      1,
    );
    // References count as set; nothing is evaluated.
    expectQuiet(
      'resource "aws_cloudtrail" "audit" {\n  name           = local.name\n  s3_bucket_name = aws_s3_bucket.logs.id\n}\n',
      'terraform-required-argument',
    );
    // A CloudFormation template is not Terraform.
    expectQuiet(cfn({ IsLogging: true }), 'terraform-required-argument');
  });

  it('terraform-not-created: a resource with count = 0 or an empty for_each is not judged, in HCL and in JSON', async () => {
    await loadHclParser();
    // Settings that would give findings (single-Region, no KMS key, a two-letter name) if it existed.
    const tf = (meta: string, type = 'aws_cloudtrail') =>
      `resource "${type}" "off" {\n  ${meta}\n  name           = "x"\n  s3_bucket_name = "logs"\n}\n`;
    const cases: [string, string][] = [
      [
        'count = 0',
        '`count = 0`: Terraform creates no instance of this resource, so none of its settings is checked.',
      ],
      [
        'for_each = {}',
        '`for_each = {}` is empty: Terraform creates no instance of this resource, so none of its settings is checked.',
      ],
      [
        'for_each = toset([ ])',
        '`for_each = toset([])` is empty: Terraform creates no instance of this resource, so none of its settings is checked.',
      ],
      [
        'for_each = tomap({})',
        '`for_each = tomap({})` is empty: Terraform creates no instance of this resource, so none of its settings is checked.',
      ],
      [
        'for_each = []',
        '`for_each = []` is a list, which Terraform refuses (for_each takes a map or a set of strings, such as toset([])): no instance is created, so none of its settings is checked.',
      ],
    ];
    for (const [meta, message] of cases) {
      const text = tf(meta);
      assert.deepEqual(
        lint(text).map((f) => [f.ruleId, f.severity, f.message, f.start.line]),
        [['terraform-not-created', 'info', message, 2]],
        meta,
      );
    }
    expectFires(
      tf('count = 0', 'aws_cloudtrail_event_data_store').replace(/  s3_bucket_name.*\n/, ''),
      'terraform-not-created',
      1,
    );
    // What Terraform itself refuses whatever the count still is: a required argument missing.
    assert.deepEqual(
      ruleIds('resource "aws_cloudtrail" "off" {\n  count = 0\n  name  = "audit"\n}\n'),
      ['terraform-not-created', 'terraform-required-argument'],
    );
    // A count known only when applied, or one or more instances: judged as written.
    for (const meta of [
      'count = var.enabled ? 1 : 0',
      'count = 1',
      'for_each = var.trails',
      'for_each = toset(["a"])',
    ]) {
      const ids = ruleIds(tf(meta));
      assert.ok(!ids.includes('terraform-not-created'), meta);
      assert.ok(ids.includes('not-multi-region') && ids.includes('trail-name'), meta);
    }
    // Terraform JSON syntax: the same.
    const tfJson = (meta: Record<string, unknown>) =>
      json({
        resource: { aws_cloudtrail: { off: { ...meta, name: 'x', s3_bucket_name: 'logs' } } },
      });
    for (const meta of [
      { count: 0 },
      { count: '0' },
      { for_each: {} },
      { for_each: [] },
      { for_each: '${toset([])}' },
    ])
      assert.deepEqual(ruleIds(tfJson(meta)), ['terraform-not-created'], JSON.stringify(meta));
    for (const meta of [
      { count: 1 },
      { count: '${var.n}' },
      { for_each: { a: 1 } },
      { for_each: '${var.x}' },
    ])
      assert.ok(ruleIds(tfJson(meta)).includes('not-multi-region'), JSON.stringify(meta));
  });

  it('cfn-unknown-property: a property AWS::CloudTrail::Trail does not have, misspelt case fixed', () => {
    const { KMSKeyId, ...rest } = goodCfnProps();
    const [f] = expectFires(cfn({ ...rest, KmsKeyId: KMSKeyId }), 'cfn-unknown-property', 1);
    assert.equal(
      f.message,
      'AWS::CloudTrail::Trail has no property KmsKeyId (did you mean KMSKeyId?); CloudFormation rejects the template.',
    );
    assert.deepEqual(
      f.fixes[0].edits.map((e) => e.newText),
      ['"KMSKeyId"'],
    );
    expectFires(cfn({ ...goodCfnProps(), Logging: true }), 'cfn-unknown-property', 1);
    expectQuiet(
      cfn(goodCfnProps({ Tags: [{ Key: 'team', Value: 'security' }] })),
      'cfn-unknown-property',
    );
    // Only templates: API inputs spell it KmsKeyId.
    expectQuiet(createTrail(), 'cfn-unknown-property');
  });

  it('cfn-required-property: IsLogging and S3BucketName in a template', () => {
    const { IsLogging: _l, ...noLogging } = goodCfnProps();
    const [f] = expectFires(cfn(noLogging), 'cfn-required-property', 1);
    assert.match(f.message, /required IsLogging property/);
    assert.equal(f.fixes[0].title, 'Add "IsLogging": true');
    const { S3BucketName: _b, ...noBucket } = goodCfnProps();
    expectFires(cfn(noBucket), 'cfn-required-property');
    expectQuiet(cfn(goodCfnProps({ S3BucketName: { Ref: 'Bucket' } })), 'cfn-required-property');
    // A create-trail input is not a template.
    expectQuiet(createTrail(), 'cfn-required-property');
    // A trail resource without Properties lacks both (it was "not a trail configuration").
    for (const props of ['', '    Properties:\n']) {
      const text = `Resources:\n  Audit:\n    Type: AWS::CloudTrail::Trail\n${props}`;
      const r = lintText(text);
      assert.deepEqual(r.kinds, ['cloudformation']);
      assert.deepEqual(
        r.findings.map((x) => [x.ruleId, text.slice(x.offset, x.offset + x.length)]),
        [['cfn-required-property', 'Audit']],
      );
    }
    // An event data store has no required property.
    assert.deepEqual(
      lintText('Resources:\n  Lake:\n    Type: AWS::CloudTrail::EventDataStore\n').kinds,
      [],
    );
  });

  it('s3-key-prefix-length and sns-topic-name-length', () => {
    expectFires(createTrail({ S3KeyPrefix: 'p'.repeat(201) }), 's3-key-prefix-length');
    expectQuiet(createTrail({ S3KeyPrefix: 'p'.repeat(200) }), 's3-key-prefix-length');
    expectFires(createTrail({ SnsTopicName: 't'.repeat(257) }), 'sns-topic-name-length');
    expectQuiet(createTrail({ SnsTopicName: 't'.repeat(256) }), 'sns-topic-name-length');
  });

  it('cloudwatch-logs-pair: log group and role go together', () => {
    expectFires(createTrail({ CloudWatchLogsRoleArn: undefined }), 'cloudwatch-logs-pair');
    expectFires(createTrail({ CloudWatchLogsLogGroupArn: undefined }), 'cloudwatch-logs-pair');
    expectQuiet(createTrail(), 'cloudwatch-logs-pair');
    expectQuiet(
      createTrail({ CloudWatchLogsRoleArn: undefined, CloudWatchLogsLogGroupArn: undefined }),
      'cloudwatch-logs-pair',
    );
    // A CloudFormation intrinsic counts as set.
    expectQuiet(
      cfn(goodCfnProps({ CloudWatchLogsRoleArn: { 'Fn::GetAtt': ['Role', 'Arn'] } })),
      'cloudwatch-logs-pair',
    );
  });

  it('multi-region-global-events: a multi-Region trail must include global service events', () => {
    const [f] = expectFires(
      createTrail({ IncludeGlobalServiceEvents: false }),
      'multi-region-global-events',
      1,
    );
    assert.equal(f.severity, 'error');
    expectQuiet(
      createTrail({ IncludeGlobalServiceEvents: false, IsMultiRegionTrail: false }),
      'multi-region-global-events',
    );
  });

  it('insight-type: ApiCallRateInsight or ApiErrorRateInsight, once each', () => {
    expectFires(
      json({ TrailName: 't-1', InsightSelectors: [{ InsightType: 'ApiCallRate' }] }),
      'insight-type',
    );
    expectFires(
      cfn(
        goodCfnProps({
          InsightSelectors: [
            { InsightType: 'ApiCallRateInsight' },
            { InsightType: 'ApiCallRateInsight' },
          ],
        }),
      ),
      'insight-type',
    );
    expectQuiet(
      cfn(
        goodCfnProps({
          InsightSelectors: [
            { InsightType: 'ApiCallRateInsight', EventCategories: ['Management', 'Data'] },
            { InsightType: 'ApiErrorRateInsight' },
          ],
        }),
      ),
      'insight-type',
    );
  });

  it('insight-type: EventCategories are Management or Data, as the API spells them', () => {
    const found = expectFires(
      json({
        TrailName: 't-1',
        InsightSelectors: [
          { InsightType: 'ApiCallRateInsight', EventCategories: ['Network', 'management'] },
        ],
      }),
      'insight-type',
      2,
    );
    assert.match(found[0].message, /"Network" is not an event category/);
    assert.match(found[1].message, /"management".*"Management", as the API spells it/);
  });
  it('insights-management-events: Insights need the management events the trail logs', async () => {
    const withInsights = (selectors: Record<string, unknown>, ...types: unknown[]) =>
      cfn(
        goodCfnProps({
          ...selectors,
          InsightSelectors: types.map((t) => (typeof t === 'string' ? { InsightType: t } : t)),
        }),
      );
    const readOnly = { EventSelectors: [{ ReadWriteType: 'ReadOnly' }] };
    // API call rate needs write management events; error rate is served by reads.
    const [f] = expectFires(
      withInsights(readOnly, 'ApiCallRateInsight', 'ApiErrorRateInsight'),
      'insights-management-events',
      1,
    );
    assert.equal(f.severity, 'error');
    assert.match(f.message, /^ApiCallRateInsight .* write management events.*only read ones/);
    // No management events at all: both types fail, each at its InsightType.
    const none = {
      AdvancedEventSelectors: [data('AWS::S3::Object')],
    };
    const both = expectFires(
      withInsights(none, 'ApiCallRateInsight', 'ApiErrorRateInsight'),
      'insights-management-events',
      2,
    );
    assert.match(both[1].message, /^ApiErrorRateInsight .* read or write .* log none/);
    expectFires(
      withInsights(
        { EventSelectors: [{ IncludeManagementEvents: false, DataResources: [s3All] }] },
        'ApiErrorRateInsight',
      ),
      'insights-management-events',
    );
    expectFires(
      withInsights(
        { AdvancedEventSelectors: [mgmt({ Field: 'readOnly', Equals: ['true'] })] },
        'ApiCallRateInsight',
      ),
      'insights-management-events',
    );
    // Enough management events; or none stated (the default logs them all); or Insights on data events only.
    expectQuiet(
      withInsights({ EventSelectors: [{ ReadWriteType: 'WriteOnly' }] }, 'ApiCallRateInsight'),
      'insights-management-events',
    );
    expectQuiet(
      withInsights({ AdvancedEventSelectors: [mgmt()] }, 'ApiCallRateInsight'),
      'insights-management-events',
    );
    expectQuiet(withInsights({}, 'ApiCallRateInsight'), 'insights-management-events');
    expectQuiet(
      withInsights(none, { InsightType: 'ApiCallRateInsight', EventCategories: ['Data'] }),
      'insights-management-events',
    );
    // Unknown selectors (an intrinsic) are not judged.
    expectQuiet(
      withInsights({ EventSelectors: [{ ReadWriteType: { Ref: 'Mode' } }] }, 'ApiCallRateInsight'),
      'insights-management-events',
    );
    // Terraform: the same resource's event_selector and insight_selector blocks.
    await loadHclParser();
    const [tf] = expectFires(
      [
        'resource "aws_cloudtrail" "audit" {',
        '  name           = "audit"',
        '  s3_bucket_name = "logs"',
        '  event_selector {',
        '    read_write_type = "ReadOnly"',
        '  }',
        '  insight_selector {',
        '    insight_type = "ApiCallRateInsight"',
        '  }',
        '}',
        '',
      ].join('\n'),
      'insights-management-events',
      1,
    );
    assert.equal(tf.start.line, 8);
  });
});

describe('lint rules: posture', () => {
  it('log-file-validation-off: explicit false, or absent on create-trail / CloudFormation', () => {
    const [f] = expectFires(
      createTrail({ EnableLogFileValidation: false }),
      'log-file-validation-off',
      1,
    );
    assert.equal(f.severity, 'warning');
    expectFires(createTrail({ EnableLogFileValidation: undefined }), 'log-file-validation-off');
    expectFires(cfn(goodCfnProps({ EnableLogFileValidation: 'false' })), 'log-file-validation-off');
    expectQuiet(createTrail(), 'log-file-validation-off');
    // An update-trail input (no S3BucketName) that leaves validation unchanged says nothing about it.
    expectQuiet(json({ Name: 'my-trail', IsMultiRegionTrail: true }), 'log-file-validation-off');
    // Outputs use LogFileValidationEnabled.
    expectFires(
      json({
        trailList: [
          {
            Name: 'a-trail',
            TrailARN: 'arn:aws:cloudtrail:us-east-1:123456789012:trail/a-trail',
            LogFileValidationEnabled: false,
          },
        ],
      }),
      'log-file-validation-off',
    );
  });

  it('not-multi-region', () => {
    expectFires(createTrail({ IsMultiRegionTrail: false }), 'not-multi-region');
    expectFires(cfn(goodCfnProps({ IsMultiRegionTrail: undefined })), 'not-multi-region');
    expectQuiet(createTrail(), 'not-multi-region');
    expectQuiet(
      cfn(goodCfnProps({ IsMultiRegionTrail: { Ref: 'MultiRegion' } })),
      'not-multi-region',
    );
  });

  it('global-events-excluded: only on single-Region trails (multi-Region is an API error instead)', () => {
    expectFires(
      createTrail({ IsMultiRegionTrail: false, IncludeGlobalServiceEvents: false }),
      'global-events-excluded',
    );
    expectQuiet(createTrail({ IncludeGlobalServiceEvents: false }), 'global-events-excluded');
    // Default is true.
    expectQuiet(
      createTrail({ IsMultiRegionTrail: false, IncludeGlobalServiceEvents: undefined }),
      'global-events-excluded',
    );
  });

  it('no-kms-key', () => {
    expectFires(createTrail({ KmsKeyId: undefined }), 'no-kms-key');
    expectFires(cfn(goodCfnProps({ KMSKeyId: undefined })), 'no-kms-key');
    expectQuiet(createTrail(), 'no-kms-key');
    expectQuiet(cfn(goodCfnProps({ KMSKeyId: { Ref: 'TrailKey' } })), 'no-kms-key');
  });

  it('no-cloudwatch-logs', () => {
    expectFires(
      createTrail({ CloudWatchLogsLogGroupArn: undefined, CloudWatchLogsRoleArn: undefined }),
      'no-cloudwatch-logs',
    );
    expectQuiet(createTrail(), 'no-cloudwatch-logs');
  });

  it('logging-stopped: CloudFormation IsLogging false, get-trail-status output', () => {
    const [f] = expectFires(cfn(goodCfnProps({ IsLogging: false })), 'logging-stopped', 1);
    assert.equal(f.fixes[0].title, 'Start logging');
    expectFires(
      json({ IsLogging: false, TimeLoggingStopped: '2024-01-01T00:00:00Z' }),
      'logging-stopped',
    );
    expectQuiet(
      json({ IsLogging: true, TimeLoggingStarted: '2024-01-01T00:00:00Z' }),
      'logging-stopped',
    );
    expectQuiet(cfn(goodCfnProps()), 'logging-stopped');
  });

  it('management-events-partial: management events with only reads or only writes', () => {
    const [f] = expectFires(
      putBasic([{ ReadWriteType: 'ReadOnly', IncludeManagementEvents: true }]),
      'management-events-partial',
      1,
    );
    assert.match(f.message, /Only read management events/);
    expectFires(
      putAdvanced([mgmt({ Field: 'readOnly', Equals: ['false'] })]),
      'management-events-partial',
    );
    expectQuiet(
      putBasic([{ ReadWriteType: 'ReadOnly' }, { ReadWriteType: 'WriteOnly' }]),
      'management-events-partial',
    );
    expectQuiet(
      putAdvanced([mgmt({ Field: 'eventSource', NotEquals: ['kms.amazonaws.com'] })]),
      'management-events-partial',
    );
    // A selector whose management events are not known (an intrinsic) may log the rest.
    expectQuiet(
      cfn(
        goodCfnProps({
          EventSelectors: [
            { ReadWriteType: 'ReadOnly' },
            { ReadWriteType: 'WriteOnly', IncludeManagementEvents: { Ref: 'LogWrites' } },
          ],
        }),
      ),
      'management-events-partial',
    );
    // A data-only selector set says nothing about management events.
    expectQuiet(
      putBasic([
        { ReadWriteType: 'ReadOnly', IncludeManagementEvents: false, DataResources: [s3All] },
      ]),
      'management-events-partial',
    );
  });

  it('s3-data-events-incomplete: data selectors that miss S3 object reads or writes for every bucket', () => {
    const [w] = expectFires(
      putBasic([{ ReadWriteType: 'WriteOnly', DataResources: [s3All] }]),
      's3-data-events-incomplete',
      1,
    );
    assert.match(w.message, /read events/);
    assert.equal(w.severity, 'info');
    expectFires(putAdvanced([mgmt(), data('AWS::Lambda::Function')]), 's3-data-events-incomplete');
    expectFires(
      putAdvanced([
        data('AWS::S3::Object', {
          Field: 'resources.ARN',
          StartsWith: ['arn:aws:s3:::one-bucket/'],
        }),
      ]),
      's3-data-events-incomplete',
    );
    expectQuiet(
      putBasic([{ ReadWriteType: 'All', DataResources: [s3All] }]),
      's3-data-events-incomplete',
    );
    expectQuiet(
      putAdvanced([
        data('AWS::S3::Object', { Field: 'readOnly', Equals: ['true'] }),
        data('AWS::S3::Object', { Field: 'readOnly', Equals: ['false'] }),
      ]),
      's3-data-events-incomplete',
    );
    // Selectors that claim no data coverage are not this rule's business.
    expectQuiet(
      putBasic([{ ReadWriteType: 'All', IncludeManagementEvents: true, DataResources: [] }]),
      's3-data-events-incomplete',
    );
  });
});

describe('lint rules: coverage', () => {
  it('every rule has a failing example in this file', () => {
    const untested = RULES.map((r) => r.meta.id).filter((id) => !firedInTests.has(id));
    assert.deepEqual(untested, []);
  });

  it('every rule has a title, a description and an AWS documentation link; posture rules name their controls', () => {
    for (const { meta } of RULES) {
      assert.ok(meta.title && meta.description.length > 40, meta.id);
      // Terraform's own rules link to the AWS provider's documentation, where its requirements are
      // stated, or to the Terraform language's.
      assert.match(
        meta.docUrl,
        meta.id.startsWith('terraform-')
          ? /^https:\/\/(?:registry\.terraform\.io\/providers\/hashicorp\/aws\/|developer\.hashicorp\.com\/terraform\/language\/)/
          : /^https:\/\/docs\.aws\.amazon\.com\//,
        meta.id,
      );
      if (meta.group === 'posture')
        assert.ok(
          meta.controls?.some((c) => c.startsWith('CIS')),
          meta.id,
        );
    }
  });

  it('package.json offers exactly the engine rules in cloudtrailLens.lint.disabledRules, as scripts/lintRulesSetting.ts writes them', () => {
    const text = readFileSync(join(__dirname, '..', '..', '..', 'package.json'), 'utf8');
    const setting =
      JSON.parse(text).contributes.configuration.properties['cloudtrailLens.lint.disabledRules'];
    assert.deepEqual(
      setting.items.enum,
      RULES.map((r) => r.meta.id),
    );
    assert.equal(
      withLintRules(text),
      text,
      'package.json is out of date: run npm run sync:lint-rules',
    );
  });

  it('a fully hardened trail gets no findings at all', () => {
    assert.deepEqual(lint(createTrail()), []);
    assert.deepEqual(lint(cfn(goodCfnProps())), []);
  });
});
