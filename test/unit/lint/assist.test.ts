// Completion and hover for selectors, computed from the rule catalogue.
import * as assert from 'node:assert/strict';
import { completionsAt, hoverAt, loadHclParser } from '../../../src/core/lint';

/** Splits a text at the `|` cursor marker. */
function at(textWithCursor: string): [string, number] {
  const i = textWithCursor.indexOf('|');
  return [textWithCursor.slice(0, i) + textWithCursor.slice(i + 1), i];
}

const labels = (textWithCursor: string) =>
  completionsAt(...at(textWithCursor))?.items.map((i) => i.label) ?? [];

describe('lint assist: completion', () => {
  it('offers the fields allowed for the selector’s event category', () => {
    const mgmt = labels(
      '{"AdvancedEventSelectors": [{"FieldSelectors": [{"Field": "eventCategory", "Equals": ["Management"]}, {"Field": "|"}]}]}',
    );
    assert.deepEqual(mgmt, ['eventCategory', 'eventSource', 'readOnly']);
    const dataFields = labels(
      '{"AdvancedEventSelectors": [{"FieldSelectors": [{"Field": "eventCategory", "Equals": ["Data"]}, {"Field": "res|"}]}]}',
    );
    assert.ok(dataFields.includes('resources.ARN') && dataFields.includes('eventName'));
  });

  it('replaces the whole partial string under the cursor', () => {
    const [text, offset] = at(
      '{"AdvancedEventSelectors": [{"FieldSelectors": [{"Field": "res|"}]}]}',
    );
    const c = completionsAt(text, offset)!;
    assert.equal(text.slice(c.replace.offset, c.replace.offset + c.replace.length), '"res"');
    assert.equal(c.items.find((i) => i.label === 'resources.type')?.insertText, '"resources.type"');
  });

  it('offers only Equals for readOnly, eventCategory and resources.type, and every operator otherwise', () => {
    assert.deepEqual(
      labels('{"AdvancedEventSelectors": [{"FieldSelectors": [{"Field": "readOnly", |}]}]}'),
      ['Equals'],
    );
    assert.deepEqual(
      labels('{"AdvancedEventSelectors": [{"FieldSelectors": [{"Field": "eventName", |}]}]}'),
      ['Equals', 'NotEquals', 'StartsWith', 'NotStartsWith', 'EndsWith', 'NotEndsWith'],
    );
  });

  it('offers values for eventCategory, readOnly and resources.type', () => {
    assert.deepEqual(
      labels(
        '{"AdvancedEventSelectors": [{"FieldSelectors": [{"Field": "eventCategory", "Equals": ["|"]}]}]}',
      ),
      ['Management', 'Data', 'NetworkActivity'],
    );
    assert.deepEqual(
      labels(
        '{"AdvancedEventSelectors": [{"FieldSelectors": [{"Field": "readOnly", "Equals": [|]}]}]}',
      ),
      ['true', 'false'],
    );
    assert.ok(
      labels(
        '{"AdvancedEventSelectors": [{"FieldSelectors": [{"Field": "resources.type", "Equals": ["|"]}]}]}',
      ).includes('AWS::S3::Object'),
    );
  });

  it('offers basic selector properties and values, in CloudFormation templates too', () => {
    assert.deepEqual(labels('{"TrailName": "t", "EventSelectors": [{"ReadWriteType": "|"}]}'), [
      'ReadOnly',
      'WriteOnly',
      'All',
    ]);
    assert.deepEqual(
      labels(
        '{"Resources": {"T": {"Type": "AWS::CloudTrail::Trail", "Properties": {"EventSelectors": [{"DataResources": [{"Type": "|"}]}]}}}}',
      ),
      ['AWS::S3::Object', 'AWS::Lambda::Function', 'AWS::DynamoDB::Table'],
    );
    assert.ok(labels('{"EventSelectors": [{|}]}').includes('IncludeManagementEvents'));
  });

  it('offers nothing elsewhere', () => {
    assert.deepEqual(labels('{"name": "|"}'), []);
    assert.deepEqual(labels('{"TrailName": "|"}'), []);
  });
});

describe('lint assist: hover', () => {
  it('explains field names, operators and trail settings', () => {
    const [t1, o1] = at(
      '{"TrailName": "t-1", "AdvancedEventSelectors": [{"FieldSelectors": [{"Field": "read|Only", "Equals": ["true"]}]}]}',
    );
    assert.match(
      hoverAt(t1, o1)!.markdown,
      /\*\*readOnly\*\*.*Equals.*\n\nAllowed in: Management, Data selectors/s,
    );
    const [t2, o2] = at(
      '{"TrailName": "t-1", "AdvancedEventSelectors": [{"FieldSelectors": [{"Field": "eventName", "NotStarts|With": ["Get"]}]}]}',
    );
    assert.match(hoverAt(t2, o2)!.markdown, /\*\*NotStartsWith\*\* — Excludes/);
    const [t3, o3] = at('{"Name": "t", "S3BucketName": "b", "EnableLogFile|Validation": false}');
    assert.match(hoverAt(t3, o3)!.markdown, /CIS 3\.2/);
  });

  it('says nothing over unrelated strings, nor in documents that configure no trail', () => {
    const [t, o] = at('{"Name": "my-tr|ail", "S3BucketName": "b"}');
    assert.equal(hoverAt(t, o), undefined);
    const [t2, o2] = at('{"settings": {"IsLog|ging": true}}');
    assert.equal(hoverAt(t2, o2), undefined);
  });
});

describe('lint assist: YAML and Terraform', () => {
  before(() => loadHclParser());

  const yaml = (body: string) =>
    `Resources:\n  T:\n    Type: AWS::CloudTrail::Trail\n    Properties:\n      TrailName: t\n      S3BucketName: b\n      IsLogging: true\n${body}`;
  const tf = (body: string) =>
    `resource "aws_cloudtrail" "t" {\n  name           = "t"\n  s3_bucket_name = "b"\n${body}}\n`;
  const complete = (textWithCursor: string) => {
    const [text, offset] = at(textWithCursor);
    const c = completionsAt(text, offset);
    return {
      items: c?.items ?? [],
      replaced: c ? text.slice(c.replace.offset, c.replace.offset + c.replace.length) : undefined,
    };
  };
  const selector = (fields: string) =>
    `      AdvancedEventSelectors:\n        - FieldSelectors:\n${fields}`;

  it('YAML: field names for the category, operators, values, plain or quoted as typed', () => {
    const fields = complete(
      yaml(
        selector(
          '            - Field: eventCategory\n              Equals: [Management]\n            - Field: read|\n',
        ),
      ),
    );
    assert.deepEqual(
      fields.items.map((i) => i.label),
      ['eventCategory', 'eventSource', 'readOnly'],
    );
    assert.equal(fields.replaced, 'read');
    assert.equal(fields.items[2].insertText, 'readOnly');
    // A new key under a field selector: the operators its field allows.
    assert.deepEqual(
      complete(yaml(selector('            - Field: readOnly\n              |\n'))).items.map(
        (i) => i.label,
      ),
      ['Equals'],
    );
    // Values in block and flow sequences; "true" must stay a string.
    assert.deepEqual(
      complete(
        yaml(
          selector(
            '            - Field: eventCategory\n              Equals:\n                - |\n',
          ),
        ),
      ).items.map((i) => i.label),
      ['Management', 'Data', 'NetworkActivity'],
    );
    const ro = complete(
      yaml(selector('            - Field: readOnly\n              Equals: [|]\n')),
    );
    assert.deepEqual(
      ro.items.map((i) => i.insertText),
      ['"true"', '"false"'],
    );
    assert.deepEqual(
      complete(yaml('      EventSelectors:\n        - ReadWriteType: |\n')).items.map(
        (i) => i.label,
      ),
      ['ReadOnly', 'WriteOnly', 'All'],
    );
    assert.ok(
      complete(
        yaml('      EventSelectors:\n        - ReadWriteType: All\n          Inc|\n'),
      ).items.some((i) => i.label === 'IncludeManagementEvents'),
    );
  });

  it('Terraform: field names and values as quoted HCL strings, snake_case operators and arguments', () => {
    const fields = complete(
      tf(
        '  advanced_event_selector {\n    field_selector {\n      field  = "eventCategory"\n      equals = ["Data"]\n    }\n    field_selector {\n      field = "res|"\n    }\n  }\n',
      ),
    );
    assert.ok(fields.items.some((i) => i.label === 'resources.ARN'));
    assert.equal(fields.replaced, '"res"');
    assert.equal(
      fields.items.find((i) => i.label === 'resources.type')?.insertText,
      '"resources.type"',
    );
    // Nothing typed after `=` yet.
    assert.equal(
      complete(
        tf('  advanced_event_selector {\n    field_selector {\n      field = |\n    }\n  }\n'),
      ).items[0].insertText,
      '"eventCategory"',
    );
    assert.deepEqual(
      complete(
        tf(
          '  advanced_event_selector {\n    field_selector {\n      field = "eventName"\n      |\n    }\n  }\n',
        ),
      ).items.map((i) => i.label),
      ['equals', 'not_equals', 'starts_with', 'not_starts_with', 'ends_with', 'not_ends_with'],
    );
    assert.deepEqual(
      complete(tf('  event_selector {\n    read_write_type = "|"\n  }\n')).items.map(
        (i) => i.label,
      ),
      ['ReadOnly', 'WriteOnly', 'All'],
    );
    assert.ok(
      complete(tf('  event_selector {\n    |\n  }\n')).items.some(
        (i) => i.label === 'include_management_events',
      ),
    );
    assert.deepEqual(
      complete(tf('  insight_selector {\n    insight_type = "|"\n  }\n')).items.map((i) => i.label),
      ['ApiCallRateInsight', 'ApiErrorRateInsight'],
    );
    assert.deepEqual(complete(tf('  kms_key_id = "|"\n')).items, []);
  });

  it('hovers explain settings, fields and operators under the names the document uses', () => {
    const [y, yo] = at(yaml('      EnableLogFile|Validation: false\n'));
    assert.match(hoverAt(y, yo)!.markdown, /^\*\*EnableLogFileValidation\*\* — .*CIS 3\.2/);
    const [t, to] = at(tf('  enable_log_file|_validation = false\n'));
    assert.match(hoverAt(t, to)!.markdown, /^\*\*enable_log_file_validation\*\* — .*CIS 3\.2/);
    const [t2, o2] = at(
      tf(
        '  advanced_event_selector {\n    field_selector {\n      field      = "readOnly"\n      not_eq|uals = ["true"]\n    }\n  }\n',
      ),
    );
    assert.match(hoverAt(t2, o2)!.markdown, /^\*\*not_equals\*\* — Excludes/);
    const [t3, o3] = at(
      tf(
        '  advanced_event_selector {\n    field_selector {\n      field  = "read|Only"\n      equals = ["true"]\n    }\n  }\n',
      ),
    );
    assert.match(hoverAt(t3, o3)!.markdown, /^\*\*readOnly\*\*/);
  });
});
