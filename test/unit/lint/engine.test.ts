// The engine around the rules: recognition by content, syntax errors, positions, settings
// that switch rules or groups off, and suppression comments.
import * as assert from 'node:assert/strict';
import { applyEdits, lintText, mayHoldTrailConfig } from '../../../src/core/lint';
import { cfn, createTrail, goodCfnProps, json, putBasic, ruleIds } from './helpers';

describe('lint engine: recognising configurations by content', () => {
  const kinds = (text: string) => lintText(text).kinds;

  it('recognises each supported document', () => {
    assert.deepEqual(kinds(putBasic([{}])), ['put-event-selectors']);
    assert.deepEqual(
      kinds(
        json({
          TrailARN: 'arn:aws:cloudtrail:us-east-1:123456789012:trail/t',
          AdvancedEventSelectors: [],
        }),
      ),
      ['get-event-selectors'],
    );
    assert.deepEqual(kinds(createTrail()), ['trail-input']);
    assert.deepEqual(
      kinds(
        json({
          Name: 't-1',
          TrailARN: 'arn:aws:cloudtrail:us-east-1:123456789012:trail/t-1',
          S3BucketName: 'b',
        }),
      ),
      ['trail-output'],
    );
    assert.deepEqual(kinds(json({ trailList: [] })), ['describe-trails']);
    assert.deepEqual(kinds(json({ Trail: { Name: 't-1', S3BucketName: 'b', TrailARN: 'x' } })), [
      'get-trail',
    ]);
    assert.deepEqual(kinds(json({ IsLogging: true, LatestDeliveryTime: 1 })), ['trail-status']);
    assert.deepEqual(kinds(cfn(goodCfnProps())), ['cloudformation']);
  });

  it('the editor’s cheap pre-check never skips a document the engine recognises', () => {
    const docs = [
      putBasic([{}]),
      json({ TrailARN: 'x', AdvancedEventSelectors: [] }),
      createTrail(),
      json({ trailList: [] }),
      json({ Trail: { Name: 't-1', S3BucketName: 'b' } }),
      json({ IsLogging: true, LatestDeliveryTime: 1 }),
      cfn(goodCfnProps()),
      json({ Name: 't-1', IsOrganizationTrail: true }),
    ];
    for (const d of docs) {
      assert.ok(lintText(d).kinds.length > 0);
      assert.ok(mayHoldTrailConfig(d), d);
    }
    assert.equal(
      mayHoldTrailConfig(
        json({
          Records: [
            { eventName: 'CreateTrail', requestParameters: { name: 't', s3BucketName: 'b' } },
          ],
        }),
      ),
      false,
    );
  });

  it('ignores JSON that configures no trail, whatever the file is called', () => {
    for (const other of [
      json({ name: 'pkg', version: '1.0.0' }),
      json({ Records: [{ eventName: 'PutObject' }] }),
      json({ Resources: { B: { Type: 'AWS::S3::Bucket' } } }),
      '[]',
      '',
      '42',
    ]) {
      const r = lintText(other);
      assert.deepEqual(r.kinds, []);
      assert.deepEqual(r.findings, []);
    }
  });

  it('reads JSONC: comments and trailing commas', () => {
    const text = `// create-trail input
{
  "Name": "t-1", /* the name */
  "S3BucketName": "b",
  "IsMultiRegionTrail": false,
}`;
    const r = lintText(text);
    assert.deepEqual(r.kinds, ['trail-input']);
    assert.ok(r.findings.some((f) => f.ruleId === 'not-multi-region'));
    assert.ok(!r.findings.some((f) => f.ruleId === 'json-syntax'));
  });

  it('reports syntax errors with their position, and still lints what parsed', () => {
    const text = '{\n  "Name": "t-1",\n  "S3BucketName": "b"\n  "IsMultiRegionTrail": false\n}';
    const r = lintText(text);
    const syntax = r.findings.find((f) => f.ruleId === 'json-syntax');
    assert.ok(syntax);
    assert.equal(syntax.start.line, 4);
    assert.match(syntax.message, /comma expected/);
    assert.ok(r.findings.some((f) => f.ruleId === 'not-multi-region'));
    assert.ok(
      !lintText(text, { reportSyntaxErrors: false }).findings.some(
        (f) => f.ruleId === 'json-syntax',
      ),
    );
  });

  it('gives exact 1-based positions of the offending value', () => {
    const text =
      '{\n  "Name": "t-1",\n  "S3BucketName": "b",\n  "EnableLogFileValidation": false\n}';
    const f = lintText(text).findings.find((x) => x.ruleId === 'log-file-validation-off')!;
    assert.deepEqual(f.start, { line: 4, column: 30 });
    assert.deepEqual(f.end, { line: 4, column: 35 });
    assert.equal(text.slice(f.offset, f.offset + f.length), 'false');
  });

  it('leaves CloudFormation intrinsic functions alone', () => {
    const props = goodCfnProps({
      TrailName: { 'Fn::Sub': '${AWS::StackName}-trail' },
      EnableLogFileValidation: { Ref: 'Validate' },
      IsMultiRegionTrail: { 'Fn::If': ['Prod', true, false] },
      EventSelectors: [
        {
          ReadWriteType: { Ref: 'Rw' },
          IncludeManagementEvents: { Ref: 'Mgmt' },
          DataResources: [
            { Type: 'AWS::S3::Object', Values: [{ 'Fn::Sub': 'arn:aws:s3:::${Bucket}/' }] },
          ],
        },
      ],
    });
    assert.deepEqual(ruleIds(cfn(props)), []);
  });

  it('lints every trail of a describe-trails output and every trail resource of a template', () => {
    const template = json({
      Resources: {
        A: {
          Type: 'AWS::CloudTrail::Trail',
          Properties: goodCfnProps({ EnableLogFileValidation: false }),
        },
        B: { Type: 'AWS::S3::Bucket' },
        C: {
          Type: 'AWS::CloudTrail::Trail',
          Properties: goodCfnProps({ EnableLogFileValidation: false }),
        },
      },
    });
    assert.deepEqual(ruleIds(template), ['log-file-validation-off', 'log-file-validation-off']);
  });

  it('reads the last of a repeated key, as the AWS CLI and CloudFormation do, and fixes that one', () => {
    const last = (json: string) => json.replace(/\n}$/, ',\n  "EnableLogFileValidation": false\n}');
    const input = last(createTrail());
    const finding = lintText(input).findings.find((f) => f.ruleId === 'log-file-validation-off');
    assert.ok(finding, 'the effective value (false) is reported');
    assert.equal(finding.start.line, input.split('\n').length - 1);
    const fixed = applyEdits(input, finding.fixes[0].edits);
    assert.equal(JSON.parse(fixed).EnableLogFileValidation, true);
    // The key is still set twice (repeated-key), whatever its values.
    assert.deepEqual(ruleIds(fixed), ['repeated-key']);
    // The reverse order: the effective value is true, nothing to report.
    assert.deepEqual(
      ruleIds(
        createTrail({ EnableLogFileValidation: false }).replace(
          /\n}$/,
          ',\n  "EnableLogFileValidation": true\n}',
        ),
      ),
      ['repeated-key'],
    );
    const yaml = [
      'Resources:',
      '  Trail:',
      '    Type: AWS::CloudTrail::Trail',
      '    Properties:',
      '      TrailName: prod-trail',
      '      S3BucketName: amzn-s3-demo-bucket',
      '      IsLogging: true',
      '      IsMultiRegionTrail: true',
      '      EnableLogFileValidation: true',
      '      KMSKeyId: alias/trail',
      '      CloudWatchLogsLogGroupArn: arn:aws:logs:us-east-1:123456789012:log-group:CT:*',
      '      CloudWatchLogsRoleArn: arn:aws:iam::123456789012:role/CT',
      '      EnableLogFileValidation: false',
      '',
    ].join('\n');
    const y = lintText(yaml).findings;
    assert.deepEqual(
      y.map((f) => [f.ruleId, f.start.line]),
      [
        ['repeated-key', 13],
        ['log-file-validation-off', 13],
      ],
    );
    assert.match(
      applyEdits(yaml, y[1].fixes[0].edits),
      /KMSKeyId[^]*EnableLogFileValidation: true\n$/,
    );
  });
});

describe('lint engine: switching rules off', () => {
  const text = createTrail({ EnableLogFileValidation: false, Name: 'a' });

  it('by rule id', () => {
    assert.deepEqual(ruleIds(text), ['trail-name', 'log-file-validation-off']);
    assert.deepEqual(ruleIds(text, { disabledRules: ['trail-name'] }), ['log-file-validation-off']);
  });

  it('by group', () => {
    assert.deepEqual(ruleIds(text, { disabledGroups: ['posture'] }), ['trail-name']);
    assert.deepEqual(ruleIds(text, { disabledGroups: ['correctness'] }), [
      'log-file-validation-off',
    ]);
  });
});

describe('lint engine: suppression comments', () => {
  const base = (comment: string, where: 'before' | 'line' | 'top') => `{
${where === 'top' ? `  ${comment}\n` : ''}  "Name": "t-1",
  "S3BucketName": "b",
  "KmsKeyId": "alias/trail",
  "CloudWatchLogsLogGroupArn": "arn:aws:logs:us-east-1:123456789012:log-group:CloudTrail:*",
  "CloudWatchLogsRoleArn": "arn:aws:iam::123456789012:role/CloudTrail_CloudWatchLogs_Role",
${where === 'before' ? `  ${comment}\n` : ''}  "EnableLogFileValidation": false,${where === 'line' ? ` ${comment}` : ''}
  "IsMultiRegionTrail": false
}`;

  it('disable-next-line silences the named rule on the next line only', () => {
    const ids = ruleIds(
      base('// cloudtrail-lens-disable-next-line log-file-validation-off', 'before'),
    );
    assert.deepEqual(ids, ['not-multi-region']);
  });

  it('disable-line silences the rule on its own line', () => {
    assert.deepEqual(
      ruleIds(base('// cloudtrail-lens-disable-line log-file-validation-off', 'line')),
      ['not-multi-region'],
    );
  });

  it('disable without ids silences every rule from there on; with ids only those', () => {
    assert.deepEqual(ruleIds(base('// cloudtrail-lens-disable', 'top')), []);
    assert.deepEqual(
      ruleIds(base('/* cloudtrail-lens-disable not-multi-region, no-kms-key */', 'top')),
      ['log-file-validation-off'],
    );
  });

  it('enable turns a rule back on', () => {
    const text = `{
  // cloudtrail-lens-disable
  "Name": "t-1",
  "S3BucketName": "b",
  "EnableLogFileValidation": false,
  "KmsKeyId": "alias/trail",
  // cloudtrail-lens-enable not-multi-region
  "IsMultiRegionTrail": false
}`;
    assert.deepEqual(ruleIds(text), ['not-multi-region']);
  });

  it('is not fooled by the directive inside a string, and ignores a reason after --', () => {
    const inString = createTrail({
      S3KeyPrefix: '// cloudtrail-lens-disable',
      EnableLogFileValidation: false,
    });
    assert.deepEqual(ruleIds(inString), ['log-file-validation-off']);
    assert.deepEqual(
      ruleIds(
        base(
          '// cloudtrail-lens-disable-next-line log-file-validation-off -- validated by the org trail',
          'before',
        ),
      ),
      ['not-multi-region'],
    );
  });
});
