// Builders for the documents the rules see, and a record of which rules some test made fire,
// so that rules.test.ts can insist every rule has a failing example.
import * as assert from 'node:assert/strict';
import { lintText, type EngineOptions, type Finding } from '../../../src/core/lint';

export const firedInTests = new Set<string>();

export function lint(text: string, options?: EngineOptions): Finding[] {
  return lintText(text, options).findings;
}

export function ruleIds(text: string, options?: EngineOptions): string[] {
  return lint(text, options).map((f) => f.ruleId);
}

/** Asserts `ruleId` fires on `text` (and records it); returns its findings. */
export function expectFires(text: string, ruleId: string, count?: number): Finding[] {
  const found = lint(text).filter((f) => f.ruleId === ruleId);
  assert.ok(
    found.length > 0,
    `${ruleId} should fire; got ${JSON.stringify(lint(text).map((f) => f.ruleId))}`,
  );
  if (count !== undefined) assert.equal(found.length, count, `${ruleId} count`);
  firedInTests.add(ruleId);
  return found;
}

export function expectQuiet(text: string, ruleId: string): void {
  const found = lint(text).filter((f) => f.ruleId === ruleId);
  assert.deepEqual(
    found.map((f) => f.message),
    [],
    `${ruleId} should not fire`,
  );
}

export const json = (v: unknown): string => JSON.stringify(v, null, 2);

export const putAdvanced = (selectors: unknown[]): string =>
  json({ TrailName: 'my-trail', AdvancedEventSelectors: selectors });
export const putBasic = (selectors: unknown[]): string =>
  json({ TrailName: 'my-trail', EventSelectors: selectors });

export const mgmt = (...extra: unknown[]) => ({
  Name: 'mgmt',
  FieldSelectors: [{ Field: 'eventCategory', Equals: ['Management'] }, ...extra],
});
export const data = (type: string, ...extra: unknown[]) => ({
  Name: 'data',
  FieldSelectors: [
    { Field: 'eventCategory', Equals: ['Data'] },
    { Field: 'resources.type', Equals: [type] },
    ...extra,
  ],
});

/** A create-trail --cli-input-json that passes every posture rule, with overrides. */
export const goodTrail = (overrides: Record<string, unknown> = {}) => ({
  Name: 'org-trail',
  S3BucketName: 'amzn-s3-demo-bucket',
  IsMultiRegionTrail: true,
  IncludeGlobalServiceEvents: true,
  EnableLogFileValidation: true,
  KmsKeyId: 'arn:aws:kms:us-east-1:123456789012:key/4c5ae5ac-3c13-421e-8335-c7868ef6a769',
  CloudWatchLogsLogGroupArn: 'arn:aws:logs:us-east-1:123456789012:log-group:CloudTrail:*',
  CloudWatchLogsRoleArn: 'arn:aws:iam::123456789012:role/CloudTrail_CloudWatchLogs_Role',
  ...overrides,
});

export const createTrail = (overrides: Record<string, unknown> = {}): string =>
  json(goodTrail(overrides));

/** A CloudFormation template with one AWS::CloudTrail::Trail resource. */
export const cfn = (properties: Record<string, unknown>): string =>
  json({
    AWSTemplateFormatVersion: '2010-09-09',
    Resources: { Trail: { Type: 'AWS::CloudTrail::Trail', Properties: properties } },
  });

export const goodCfnProps = (overrides: Record<string, unknown> = {}) => {
  const { Name, KmsKeyId, ...rest } = goodTrail();
  return { TrailName: Name, KMSKeyId: KmsKeyId, IsLogging: true, ...rest, ...overrides };
};
