// The posture rules against real public Terraform and CloudFormation (../shared/datasets/
// trail-configs-iac, see its SOURCES.md): for every file, what the file's own project asserts
// (checkov / trivy / regula PASSED and FAILED, EPAM's green and red) is what CloudTrail Lens finds,
// or the difference is one the README explains ("Where the findings differ from checkov, trivy,
// regula and EPAM"); those differences are asserted here too, so README and behaviour agree.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import {
  detectFormat,
  lintText,
  loadHclParser,
  readDocument,
  type ConfigDocument,
} from '../../../src/core/lint';
import { anchorOf, type Target } from '../../../src/core/lint/recognise';
import { dataset, describeWithDatasets } from '../../support/datasets';

const file = (...p: string[]) => dataset('trail-configs-iac', ...p);

/** The resource a target is: a template's logical id, a Terraform resource's name, a plan's address. */
function resourceName(doc: ConfigDocument, t: Target): string {
  const a = t.anchor ?? anchorOf(t);
  const text = doc.text.slice(a.offset, a.offset + a.length);
  if (t.kind === 'terraform' && text.startsWith('resource')) return /"([^"]+)"\s*$/.exec(text)![1];
  return text.replace(/^"|"$/g, '');
}

/** Rule ids found per resource of a document. */
function findingsByResource(text: string, name?: string): Map<string, string[]> {
  const format = detectFormat(text, name);
  const doc = readDocument(text, format);
  assert.deepEqual(doc.syntaxErrors, [], name);
  const out = new Map<string, string[]>(doc.targets.map((t) => [resourceName(doc, t), []]));
  for (const f of lintText(text, { format }).findings) {
    const t = doc.targets.find((x) => {
      const a = anchorOf(x);
      return (
        (f.offset >= x.object.offset && f.offset < x.object.offset + x.object.length) ||
        (f.offset === a.offset && f.length === a.length)
      );
    });
    assert.ok(t, `${name}: ${f.ruleId} at ${f.start.line} belongs to no resource`);
    out.get(resourceName(doc, t))!.push(f.ruleId);
  }
  for (const ids of out.values()) ids.sort();
  return out;
}

const read = (...p: string[]) => readFileSync(file(...p), 'utf8');
const byResource = (...p: string[]) => findingsByResource(read(...p), p[p.length - 1]);

/** Asserts the rule fires on every FAILED resource and on no PASSED one. */
function agrees(
  found: Map<string, string[]>,
  rule: string,
  failed: string[],
  passed: string[],
): void {
  for (const r of failed)
    assert.ok(
      found.get(r)?.includes(rule),
      `${rule} expected on ${r}; got ${JSON.stringify(Object.fromEntries(found))}`,
    );
  for (const r of passed) {
    assert.ok(found.has(r), `${r} not read; got ${[...found.keys()]}`);
    assert.ok(!found.get(r)!.includes(rule), `${rule} not expected on ${r}; got ${found.get(r)}`);
  }
}

/** The snippets of a trivy check's example file, by language and verdict. */
function trivySnippets(
  name: string,
): Record<'cloudformation' | 'terraform', Record<'good' | 'bad', string[]>> {
  return parse(read('aquasecurity-trivy-checks', 'checks', 'cloud', 'aws', 'cloudtrail', name));
}

describeWithDatasets('lint: real Terraform and CloudFormation (trail-configs-iac)', () => {
  before(() => loadHclParser());

  describe('checkov', () => {
    const tf = (...p: string[]) => byResource('bridgecrewio-checkov', 'tests', 'terraform', ...p);
    const cfn = (...p: string[]) =>
      byResource(
        'bridgecrewio-checkov',
        'tests',
        'cloudformation',
        'checks',
        'resource',
        'aws',
        ...p,
      );

    it('CKV_AWS_251 logging enabled (Terraform): logging-stopped on fail only; pass2 takes the default (true)', () => {
      agrees(
        tf('checks', 'resource', 'aws', 'example_CloudtrailEnableLogging', 'main.tf'),
        'logging-stopped',
        ['fail'],
        ['pass', 'pass2'],
      );
    });

    it('CKV_AWS_35 KMS CMK (Terraform and CloudFormation YAML / JSON): no-kms-key', () => {
      agrees(
        tf('checks', 'resource', 'aws', 'example_CloudtrailEncryptedWithCMK', 'aws_cloudtrail.tf'),
        'no-kms-key',
        ['fail'],
        ['pass'],
      );
      agrees(
        cfn('example_CloudtrailEncryption', 'CloudTrailEncryption-FAILED.yaml'),
        'no-kms-key',
        ['myTrail'],
        [],
      );
      // KMSKeyId is a Ref to an AWS::KMS::Alias; the trail's TrailName is an Fn::Join and it has a Condition.
      agrees(
        cfn('example_CloudtrailEncryption', 'CloudTrailEncryption-PASSED.json'),
        'no-kms-key',
        [],
        ['acmeCWSTrail'],
      );
    });

    it('CKV_AWS_294 event data store CMK: no-kms-key on fail and on fail2 (an empty kms_key_id)', () => {
      agrees(
        tf('checks', 'resource', 'aws', 'example_CloudtrailEventDataStoreUsesCMK', 'main.tf'),
        'no-kms-key',
        ['fail', 'fail2'],
        ['pass'],
      );
    });

    it('CKV_AWS_36 log file validation (CloudFormation YAML): log-file-validation-off', () => {
      agrees(
        cfn('example_CloudtrailLogValidation', 'CloudTrailLogValidation-FAILED.yaml'),
        'log-file-validation-off',
        ['myTrail'],
        [],
      );
      agrees(
        cfn('example_CloudtrailLogValidation', 'CloudTrailLogValidation-PASSED.yaml'),
        'log-file-validation-off',
        [],
        ['myTrail'],
      );
    });

    it('CKV2_AWS_10 CloudWatch Logs: no-cloudwatch-logs on not_ok; ok has a log group but no role, which the API rejects', () => {
      const found = tf('graph', 'checks', 'resources', 'CloudtrailHasCloudwatch', 'main.tf');
      agrees(found, 'no-cloudwatch-logs', ['aws_cloudtrail_not_ok'], ['aws_cloudtrail_ok']);
      // Differences (README): checkov does not check the pair, nor the required s3_bucket_name.
      assert.ok(found.get('aws_cloudtrail_ok')!.includes('cloudwatch-logs-pair'));
      assert.ok(found.get('aws_cloudtrail_ok')!.includes('terraform-required-argument'));
    });

    it('CKV_AWS_252 SNS topic: no rule of CloudTrail Lens looks at notifications, so both trails read alike (README)', () => {
      const found = tf('checks', 'resource', 'aws', 'example_CloudtrailDefinesSNSTopic', 'main.tf');
      assert.deepEqual(found.get('pass'), found.get('fail'));
      assert.deepEqual(found.get('pass'), [
        'log-file-validation-off',
        'logging-stopped',
        'no-cloudwatch-logs',
        'no-kms-key',
        'not-multi-region',
      ]);
    });
  });

  describe('trivy', () => {
    const lintSnippet = (snippet: string, format: 'yaml' | 'terraform') =>
      lintText(snippet, { format, reportSyntaxErrors: true }).findings.map((f) => f.ruleId);

    it('AVD-AWS-0014 all Regions: not-multi-region on the bad snippets only (the Terraform bad one is an empty block: the default is single-Region)', () => {
      const s = trivySnippets('enable_all_regions.yaml');
      for (const snippet of s.cloudformation.bad)
        assert.ok(lintSnippet(snippet, 'yaml').includes('not-multi-region'));
      for (const snippet of s.terraform.bad)
        assert.ok(lintSnippet(snippet, 'terraform').includes('not-multi-region'));
      for (const snippet of s.cloudformation.good)
        assert.ok(!lintSnippet(snippet, 'yaml').includes('not-multi-region'));
      for (const snippet of s.terraform.good)
        assert.ok(!lintSnippet(snippet, 'terraform').includes('not-multi-region'));
    });

    it('AVD-AWS-0015 KMS key: no-kms-key on the bad snippets; the "good" CloudFormation one spells KmsKeyId, which AWS::CloudTrail::Trail does not have (README)', () => {
      const s = trivySnippets('encryption_customer_key.yaml');
      for (const snippet of s.cloudformation.bad)
        assert.ok(lintSnippet(snippet, 'yaml').includes('no-kms-key'));
      for (const snippet of s.terraform.bad)
        assert.ok(lintSnippet(snippet, 'terraform').includes('no-kms-key'));
      for (const snippet of s.terraform.good)
        assert.ok(!lintSnippet(snippet, 'terraform').includes('no-kms-key'));
      const [good] = s.cloudformation.good;
      assert.ok(good.includes('KmsKeyId:'));
      const ids = lintSnippet(good, 'yaml');
      assert.ok(ids.includes('cfn-unknown-property') && ids.includes('no-kms-key'), String(ids));
      // With the property spelt as CloudFormation spells it, the snippet passes.
      assert.ok(
        !lintSnippet(good.replace('KmsKeyId:', 'KMSKeyId:'), 'yaml').includes('no-kms-key'),
      );
    });
  });

  describe('regula', () => {
    const tfDir = ['fugue-regula', 'rego', 'tests', 'rules', 'tf', 'aws', 'cloudtrail', 'inputs'];
    const cfnDir = ['fugue-regula', 'rego', 'tests', 'rules', 'cfn'];

    it('FG_R00027 log file validation, in HCL and in its terraform show -json plan', () => {
      agrees(
        byResource(...tfDir, 'log_file_validation_infra.tf'),
        'log-file-validation-off',
        ['invalid_trail'],
        ['valid_trail'],
      );
      agrees(
        byResource(...tfDir, 'log_file_validation_infra.json'),
        'log-file-validation-off',
        ['aws_cloudtrail.invalid_trail'],
        ['aws_cloudtrail.valid_trail'],
      );
      // The plan and the configuration it was made from: the same findings.
      const hcl = byResource(...tfDir, 'log_file_validation_infra.tf');
      const plan = byResource(...tfDir, 'log_file_validation_infra.json');
      assert.deepEqual(plan.get('aws_cloudtrail.invalid_trail'), hcl.get('invalid_trail'));
      assert.deepEqual(plan.get('aws_cloudtrail.valid_trail'), hcl.get('valid_trail'));
    });

    it('FG_R00027 and FG_R00029 in CloudFormation YAML (short-form !Ref, !GetAtt, !Sub)', () => {
      agrees(
        byResource(
          ...cfnDir,
          'cloudtrail',
          'inputs',
          'invalid_log_validation_with_valid_infra.yaml',
        ),
        'log-file-validation-off',
        ['InvalidCloudTrailLogging'],
        ['ValidCloudTrailLogging'],
      );
      agrees(
        byResource(...cfnDir, 'cloudtrail', 'inputs', 'invalid_cloudwatch_with_valid_infra.yaml'),
        'no-cloudwatch-logs',
        ['InvalidCloudTrailLogging'],
        ['ValidCloudTrailLogging'],
      );
    });

    it('FG_R00354 / FG_R00355 S3 object events: the write selector names its bucket through !Sub, a value left alone, so no finding (README)', () => {
      const found = byResource(
        ...cfnDir,
        's3',
        'inputs',
        'invalid_cloudtrail_s3_data_logging_write_one_bucket_read_all_infra.yaml',
      );
      assert.ok(!found.get('CloudTrailLogging')!.includes('s3-data-events-incomplete'));
    });

    it('issue 355 (bucket access logging, FG_R00031, not a trail setting): the no-op plan’s trail settings are read', () => {
      assert.deepEqual(
        byResource(...tfDir, 'issue355_infra.json').get('aws_cloudtrail.cloudtrail'),
        [
          'global-events-excluded',
          'log-file-validation-off',
          'no-cloudwatch-logs',
          'no-kms-key',
          'not-multi-region',
        ],
      );
    });
  });

  describe('EPAM ecc-aws-rulepack', () => {
    const epam = (rule: string, variant: string) =>
      byResource('epam-ecc-aws-rulepack', 'terraform', rule, variant, 'cloudtrail.tf').get('this');

    it('ecc-aws-358 security trail: the green trails have nothing but the CloudWatch Logs remark (358 does not ask for it)', () => {
      assert.deepEqual(epam('ecc-aws-358-cloudtrail_security_trail_enabled', 'green1'), [
        'no-cloudwatch-logs',
      ]);
      assert.deepEqual(epam('ecc-aws-358-cloudtrail_security_trail_enabled', 'green2'), [
        'no-cloudwatch-logs',
      ]);
    });

    it('ecc-aws-358 red: excluded management event sources are not flagged (README)', () => {
      assert.deepEqual(epam('ecc-aws-358-cloudtrail_security_trail_enabled', 'red1'), [
        'no-cloudwatch-logs',
      ]);
      assert.deepEqual(epam('ecc-aws-358-cloudtrail_security_trail_enabled', 'red3'), [
        'no-cloudwatch-logs',
      ]);
    });

    it('ecc-aws-303 management events: green logs writes only (management-events-partial); red logs data events only, not flagged (README)', () => {
      assert.ok(
        epam('ecc-aws-303-cloudtrail_logs_management_events', 'green')!.includes(
          'management-events-partial',
        ),
      );
      const red = epam('ecc-aws-303-cloudtrail_logs_management_events', 'red')!;
      assert.ok(
        !red.includes('management-events-partial') && !red.includes('logs-nothing'),
        String(red),
      );
    });
  });

  describe('files without ground truth', () => {
    it('aws-samples: EnableLogFileValidation not set (default false), the rest from Fn::ImportValue / !Sub', () => {
      assert.deepEqual(
        byResource(
          'aws-samples-multi-env-oss-deployment-pipeline',
          'templates',
          'cloudtrail.yaml',
        ).get('auditTrail'),
        ['log-file-validation-off', 'no-cloudwatch-logs'],
      );
    });

    it('hashicorp: a trail with only name and bucket gets every default', () => {
      assert.deepEqual(
        byResource(
          'hashicorp-terraform-provider-aws',
          'internal',
          'service',
          'cloudtrail',
          'testdata',
          'Trail',
          'basic',
          'main_gen.tf',
        ).get('test'),
        ['log-file-validation-off', 'no-cloudwatch-logs', 'no-kms-key', 'not-multi-region'],
      );
    });

    it('cloudposse and nozaq modules: settings from variables and dynamic blocks are left alone: nothing to report', () => {
      assert.deepEqual(
        byResource('cloudposse-terraform-aws-cloudtrail', 'main.tf').get('default'),
        [],
      );
      assert.deepEqual(
        byResource(
          'nozaq-terraform-aws-secure-baseline',
          'modules',
          'cloudtrail-baseline',
          'main.tf',
        ).get('global'),
        [],
      );
      assert.equal(byResource('cloudposse-terraform-aws-cloudtrail', 'variables.tf').size, 0);
    });
  });
});
