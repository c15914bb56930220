// The sample configuration shipped in the sample workspace (test/fixtures/lint): each planted
// problem is found once, the suppressed one is not, and every quick fix it offers applies cleanly.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, ParseError } from 'jsonc-parser';
import { applyEdits, lintText, loadHclParser } from '../../../src/core/lint';

const SAMPLE = join(__dirname, '..', '..', 'fixtures', 'lint', 'sample-trail-config.json');

describe('lint: the sample trail configuration', () => {
  const text = readFileSync(SAMPLE, 'utf8');
  const { kinds, findings } = lintText(text);

  it('is recognised as a CloudFormation template and finds each planted problem', () => {
    assert.deepEqual(kinds, ['cloudformation']);
    assert.deepEqual(
      findings.map((f) => `${f.start.line} ${f.ruleId}`),
      [
        // PaymentsTrail: single Region, validation off, one bucket without the trailing slash.
        '21 not-multi-region',
        '23 log-file-validation-off',
        '25 s3-data-events-incomplete',
        '33 data-resource-arn',
        // LedgerTrail: no KMS key, "--" in its name, stopped, log group without role…
        '48 no-kms-key',
        '48 trail-name',
        '50 logging-stopped',
        '53 cloudwatch-logs-pair',
        '54 s3-data-events-incomplete',
        // …readOnly NotEquals, eventName in a management selector, a misspelt type, a repeated value.
        '59 equals-only-field',
        '60 field-not-allowed',
        '67 unknown-resource-type',
        '68 duplicate-value',
      ],
    );
  });

  it('honours its suppression comment (no-cloudwatch-logs on PaymentsTrail)', () => {
    assert.ok(!findings.some((f) => f.ruleId === 'no-cloudwatch-logs'));
    assert.ok(
      lintText(text.replace('cloudtrail-lens-disable-next-line', 'note:')).findings.some(
        (f) => f.ruleId === 'no-cloudwatch-logs',
      ),
    );
  });

  it('every quick fix yields valid JSONC without its finding', () => {
    let fixes = 0;
    for (const f of findings) {
      for (const fix of f.fixes) {
        fixes++;
        const out = applyEdits(text, fix.edits);
        const errors: ParseError[] = [];
        parse(out, errors, { allowTrailingComma: true });
        assert.deepEqual(errors, [], fix.title);
        const again = lintText(out).findings.filter(
          (x) => x.ruleId === f.ruleId && x.start.line === f.start.line,
        );
        assert.deepEqual(
          again.map((x) => x.message),
          [],
          fix.title,
        );
      }
    }
    assert.ok(fixes >= 7, `${fixes} fixes`);
  });
});

describe('lint: the sample YAML template and Terraform file', () => {
  before(() => loadHclParser());
  const read = (name: string) =>
    readFileSync(join(__dirname, '..', '..', 'fixtures', 'lint', name), 'utf8');

  it('trail-template.yaml: single Region, S3 events not covered, readOnly NotEquals; no-cloudwatch-logs suppressed by its # comment', () => {
    const { kinds, findings } = lintText(read('sample-trail-template.yaml'));
    assert.deepEqual(kinds, ['cloudformation']);
    assert.deepEqual(
      findings.map((f) => `${f.start.line} ${f.ruleId}`),
      ['19 not-multi-region', '23 s3-data-events-incomplete', '35 equals-only-field'],
    );
  });

  it('trail.tf: validation off (Terraform’s default), no CloudWatch Logs, a bucket ARN without its slash', () => {
    const { kinds, findings } = lintText(read('sample-trail.tf'));
    assert.deepEqual(kinds, ['terraform']);
    assert.deepEqual(
      findings.map((f) => `${f.start.line} ${f.ruleId}`),
      [
        '9 log-file-validation-off',
        '9 no-cloudwatch-logs',
        '15 s3-data-events-incomplete',
        '21 data-resource-arn',
      ],
    );
  });
});
