// Quick fixes in YAML and Terraform are text edits in the format's own syntax and layout. Every
// fix offered anywhere in the corpus (the project's equivalent renderings, and the real templates
// of ../shared/datasets/trail-configs-iac) must leave a document that parses and no longer has
// the finding; a few fixes are also checked word for word.
import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import {
  applyEdits,
  detectFormat,
  lintText,
  loadHclParser,
  readDocument,
  refactorsAt,
  type ConfigFormat,
  type Finding,
} from '../../../src/core/lint';
import { dataset, datasetsAvailable } from '../../support/datasets';

const FIXTURES = join(__dirname, '..', '..', 'fixtures', 'lint', 'iac');

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir).sort()) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) out.push(...filesUnder(p));
    else if (/\.(json|ya?ml|tf)$/.test(p)) out.push(p);
  }
  return out;
}

/** The corpus: the project's fixtures, and the dataset's templates when ../shared is there. */
function corpus(): string[] {
  const files = filesUnder(FIXTURES);
  if (datasetsAvailable()) files.push(...filesUnder(dataset('trail-configs-iac')));
  return files;
}

/** The same finding after a fix, by rule and message: the finding is gone when none is left that was not there before elsewhere. */
const count = (findings: Finding[], f: Finding) =>
  findings.filter((x) => x.ruleId === f.ruleId && x.message === f.message).length;

function checkEveryFix(file: string, text: string, format: ConfigFormat): number {
  const before = lintText(text, { format, reportSyntaxErrors: true });
  assert.deepEqual(readDocument(text, format).syntaxErrors, [], `${file} parses`);
  let fixes = 0;
  for (const f of before.findings) {
    for (const fix of f.fixes) {
      fixes++;
      const out = applyEdits(text, fix.edits);
      const doc = readDocument(out, format);
      assert.deepEqual(
        doc.syntaxErrors,
        [],
        `${file}: "${fix.title}" (${f.ruleId} at ${f.start.line}:${f.start.column}) leaves a syntax error:\n${out}`,
      );
      assert.equal(
        doc.targets.length,
        readDocument(text, format).targets.length,
        `${file}: "${fix.title}" loses a trail`,
      );
      const after = lintText(out, { format });
      assert.ok(
        count(after.findings, f) < count(before.findings, f),
        `${file}: "${fix.title}" leaves ${f.ruleId} at ${f.start.line}:${f.start.column}:\n${out}`,
      );
    }
  }
  return fixes;
}

describe('lint quick fixes in YAML and Terraform', () => {
  before(() => loadHclParser());

  it('every fix offered in the corpus parses and removes its finding', function () {
    this.timeout(120_000);
    let total = 0;
    const byFormat: Record<string, number> = {};
    for (const file of corpus()) {
      const text = readFileSync(file, 'utf8');
      const format = detectFormat(text, file);
      const n = checkEveryFix(file, text, format);
      total += n;
      byFormat[format] = (byFormat[format] ?? 0) + n;
    }
    // Fixes were offered (and checked) in each format.
    assert.ok(
      byFormat.yaml > 5 && byFormat.terraform > 5 && byFormat.json > 5,
      JSON.stringify(byFormat),
    );
    assert.ok(total > 30, String(total));
  });

  it('every basic → advanced conversion in the corpus parses, keeps the trail and ends mixed-selectors', () => {
    for (const file of corpus()) {
      const text = readFileSync(file, 'utf8');
      const format = detectFormat(text, file);
      for (const t of readDocument(text, format).targets) {
        const basic = t.object.children?.find((p) => p.children?.[0].value === 'EventSelectors');
        if (!basic || t.shape === 'output') continue;
        const i = readDocument(text, format).targets.findIndex(
          (x) => x.object.offset === t.object.offset,
        );
        const rulesBefore = new Set(lintText(text, { format }).findings.map((f) => f.ruleId));
        for (const fix of refactorsAt(text, basic.offset, format)) {
          const out = applyEdits(text, fix.edits);
          const doc = readDocument(out, format);
          assert.deepEqual(doc.syntaxErrors, [], `${file}: "${fix.title}"\n${out}`);
          const converted = doc.targets[i].object.children!.map((p) => p.children![0].value);
          assert.ok(
            !converted.includes('EventSelectors') && converted.includes('AdvancedEventSelectors'),
            `${file}: ${converted}`,
          );
          // The advanced selectors are equivalent: nothing new to report.
          const added = lintText(out, { format }).findings.filter(
            (f) => !rulesBefore.has(f.ruleId),
          );
          assert.deepEqual(
            added.map((f) => `${f.ruleId}: ${f.message}`),
            [],
            `${file}: "${fix.title}"\n${out}`,
          );
        }
      }
    }
  });

  const tf = `resource "aws_cloudtrail" "audit" {
  name           = "audit"
  s3_bucket_name = aws_s3_bucket.logs.id # the log bucket
  kms_key_id     = null

  event_selector {
    read_write_type           = "WriteOnly"
    include_management_events = true
  }

  tags = {
    team = "security"
  }
}
`;

  it('Terraform: inserts enable_log_file_validation = true in the resource block, after its last argument', () => {
    const f = lintText(tf).findings.find((x) => x.ruleId === 'log-file-validation-off')!;
    assert.equal(
      applyEdits(tf, f.fixes[0].edits),
      tf.replace('# the log bucket\n', '# the log bucket\n  enable_log_file_validation = true\n'),
    );
    // A short name lines its = up with the argument above, as terraform fmt does.
    const short =
      'resource "aws_cloudtrail" "a" {\n  name                          = "a"\n  s3_bucket_name                = "b"\n  include_global_service_events = false\n}\n';
    const g = lintText(short).findings.find((x) => x.ruleId === 'not-multi-region')!;
    assert.match(applyEdits(short, g.fixes[0].edits), /\n {2}is_multi_region_trail {9}= true\n/);
  });

  it('Terraform: an argument set to null is replaced, not repeated; an empty block is opened up', () => {
    assert.match(tf, /kms_key_id {5}= null/);
    const doc = readDocument(tf, 'terraform');
    const edits = doc.syntax.setProperty(
      doc.targets[0],
      doc.targets[0].object,
      'KMSKeyId',
      'alias/trail',
    );
    assert.equal(
      applyEdits(tf, edits),
      tf.replace('kms_key_id     = null', 'kms_key_id     = "alias/trail"'),
    );
    const empty = 'resource "aws_cloudtrail" "a" {}\n';
    const e = readDocument(empty, 'terraform');
    assert.equal(
      applyEdits(
        empty,
        e.syntax.setProperty(e.targets[0], e.targets[0].object, 'IsMultiRegionTrail', true),
      ),
      'resource "aws_cloudtrail" "a" {\n  is_multi_region_trail = true\n}\n',
    );
  });

  it('Terraform: converts event_selector blocks into advanced_event_selector blocks', () => {
    const [fix] = refactorsAt(tf, tf.indexOf('read_write_type'));
    assert.equal(fix.title, 'Convert basic event selectors to advanced event selectors');
    assert.equal(
      applyEdits(tf, fix.edits),
      tf.replace(
        '  event_selector {\n    read_write_type           = "WriteOnly"\n    include_management_events = true\n  }\n',
        '  advanced_event_selector {\n    name = "Log write management events"\n\n    field_selector {\n      field  = "eventCategory"\n      equals = ["Management"]\n    }\n\n    field_selector {\n      field  = "readOnly"\n      equals = ["false"]\n    }\n  }\n',
      ),
    );
  });

  const yaml = `Resources:
  Trail:
    Type: AWS::CloudTrail::Trail
    Properties:
      TrailName: audit
      S3BucketName: !Ref LogBucket   # created below
      IsLogging: true
      IsMultiRegionTrail: 'false'
      EventSelectors:
        - ReadWriteType: Readonly
          IncludeManagementEvents: true
      Tags: [{Key: team, Value: security}]
`;

  it('YAML: replaces a value in the style it was written, and inserts IsMultiRegionTrail: true into the mapping', () => {
    const f = lintText(yaml).findings.find((x) => x.ruleId === 'not-multi-region')!;
    // A boolean setting is written as a boolean, whichever way the string it replaces was written.
    assert.equal(
      applyEdits(yaml, f.fixes[0].edits),
      yaml.replace("IsMultiRegionTrail: 'false'", 'IsMultiRegionTrail: true'),
    );
    const rw = lintText(yaml).findings.find((x) => x.ruleId === 'read-write-type')!;
    assert.equal(applyEdits(yaml, rw.fixes[0].edits), yaml.replace('Readonly', 'ReadOnly'));
    const v = lintText(yaml).findings.find((x) => x.ruleId === 'log-file-validation-off')!;
    assert.equal(
      applyEdits(yaml, v.fixes[0].edits),
      `${yaml}      EnableLogFileValidation: true\n`,
    );
  });

  it('YAML: converts EventSelectors into an AdvancedEventSelectors block sequence at the same indentation', () => {
    const fixed = yaml.replace('Readonly', 'ReadOnly');
    const [fix] = refactorsAt(fixed, fixed.indexOf('ReadWriteType'));
    assert.equal(
      applyEdits(fixed, fix.edits),
      fixed.replace(
        '      EventSelectors:\n        - ReadWriteType: ReadOnly\n          IncludeManagementEvents: true\n',
        '      AdvancedEventSelectors:\n        - Name: Log read management events\n          FieldSelectors:\n            - Field: eventCategory\n              Equals:\n                - Management\n            - Field: readOnly\n              Equals:\n                - "true"\n',
      ),
    );
  });

  it('YAML: a setting merged from an anchor is overridden in the mapping, the anchor left alone', () => {
    const merged = `Defaults: &defaults
  IsMultiRegionTrail: false
  IsLogging: true
Resources:
  Trail:
    Type: AWS::CloudTrail::Trail
    Properties:
      <<: *defaults
      TrailName: audit
      S3BucketName: logs
`;
    const f = lintText(merged).findings.find((x) => x.ruleId === 'not-multi-region')!;
    assert.equal(f.start.line, 2, 'reported where the anchor sets it');
    assert.equal(applyEdits(merged, f.fixes[0].edits), `${merged}      IsMultiRegionTrail: true\n`);
  });
});
