// Completion and hover for selectors, computed from the rule catalogue.
import * as assert from 'node:assert/strict';
import { completionsAt, hoverAt } from '../../../src/core/lint';

/** Splits a text at the `|` cursor marker. */
function at(textWithCursor: string): [string, number] {
  const i = textWithCursor.indexOf('|');
  return [textWithCursor.slice(0, i) + textWithCursor.slice(i + 1), i];
}

const labels = (textWithCursor: string) => completionsAt(...at(textWithCursor))?.items.map((i) => i.label) ?? [];

describe('lint assist: completion', () => {
  it('offers the fields allowed for the selector’s event category', () => {
    const mgmt = labels('{"AdvancedEventSelectors": [{"FieldSelectors": [{"Field": "eventCategory", "Equals": ["Management"]}, {"Field": "|"}]}]}');
    assert.deepEqual(mgmt, ['eventCategory', 'eventSource', 'readOnly']);
    const dataFields = labels('{"AdvancedEventSelectors": [{"FieldSelectors": [{"Field": "eventCategory", "Equals": ["Data"]}, {"Field": "res|"}]}]}');
    assert.ok(dataFields.includes('resources.ARN') && dataFields.includes('eventName'));
  });

  it('replaces the whole partial string under the cursor', () => {
    const [text, offset] = at('{"AdvancedEventSelectors": [{"FieldSelectors": [{"Field": "res|"}]}]}');
    const c = completionsAt(text, offset)!;
    assert.equal(text.slice(c.replace.offset, c.replace.offset + c.replace.length), '"res"');
    assert.equal(c.items.find((i) => i.label === 'resources.type')?.insertText, '"resources.type"');
  });

  it('offers only Equals for readOnly, eventCategory and resources.type, and every operator otherwise', () => {
    assert.deepEqual(labels('{"AdvancedEventSelectors": [{"FieldSelectors": [{"Field": "readOnly", |}]}]}'), ['Equals']);
    assert.deepEqual(labels('{"AdvancedEventSelectors": [{"FieldSelectors": [{"Field": "eventName", |}]}]}'), ['Equals', 'NotEquals', 'StartsWith', 'NotStartsWith', 'EndsWith', 'NotEndsWith']);
  });

  it('offers values for eventCategory, readOnly and resources.type', () => {
    assert.deepEqual(labels('{"AdvancedEventSelectors": [{"FieldSelectors": [{"Field": "eventCategory", "Equals": ["|"]}]}]}'), ['Management', 'Data', 'NetworkActivity']);
    assert.deepEqual(labels('{"AdvancedEventSelectors": [{"FieldSelectors": [{"Field": "readOnly", "Equals": [|]}]}]}'), ['true', 'false']);
    assert.ok(labels('{"AdvancedEventSelectors": [{"FieldSelectors": [{"Field": "resources.type", "Equals": ["|"]}]}]}').includes('AWS::S3::Object'));
  });

  it('offers basic selector properties and values, in CloudFormation templates too', () => {
    assert.deepEqual(labels('{"TrailName": "t", "EventSelectors": [{"ReadWriteType": "|"}]}'), ['ReadOnly', 'WriteOnly', 'All']);
    assert.deepEqual(
      labels('{"Resources": {"T": {"Type": "AWS::CloudTrail::Trail", "Properties": {"EventSelectors": [{"DataResources": [{"Type": "|"}]}]}}}}'),
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
    const [t1, o1] = at('{"TrailName": "t-1", "AdvancedEventSelectors": [{"FieldSelectors": [{"Field": "read|Only", "Equals": ["true"]}]}]}');
    assert.match(hoverAt(t1, o1)!.markdown, /\*\*readOnly\*\*.*Equals.*\n\nAllowed in: Management, Data selectors/s);
    const [t2, o2] = at('{"TrailName": "t-1", "AdvancedEventSelectors": [{"FieldSelectors": [{"Field": "eventName", "NotStarts|With": ["Get"]}]}]}');
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
