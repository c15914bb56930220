// `cloudtrail-lens lint`: output formats, exit codes, bad arguments, folders.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTrail, json, putAdvanced, mgmt } from './helpers';
import { runCli } from '../../support/cli';

const run = (args: string[]) => runCli(['lint', ...args]);

describe('cloudtrail-lens lint', () => {
  let dir: string;
  let bad: string;
  let warnOnly: string;
  let clean: string;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'ctl-lint-'));
    bad = join(dir, 'selectors.json');
    // readOnly with NotEquals (error) and a Management selector with eventName (error).
    writeFileSync(
      bad,
      putAdvanced([
        mgmt(
          { Field: 'readOnly', NotEquals: ['true'] },
          { Field: 'eventName', Equals: ['CreateUser'] },
        ),
      ]),
    );
    warnOnly = join(dir, 'trail.jsonc');
    writeFileSync(warnOnly, `// a trail\n${createTrail({ EnableLogFileValidation: false })}`);
    clean = join(dir, 'clean.json');
    writeFileSync(clean, createTrail());
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  it('prints file:line:col severity rule-id message and exits 1 on errors', async () => {
    const r = await run([bad]);
    assert.equal(r.code, 1);
    const lines = r.out.trim().split('\n');
    assert.equal(lines.length, 2);
    assert.match(
      lines[0],
      new RegExp(
        `^${bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+:\\d+ error equals-only-field "readOnly" accepts only the Equals operator, not NotEquals\\.$`,
      ),
    );
    assert.match(lines[1], / error field-not-allowed /);
  });

  it('exits 0 when there are only warnings', async () => {
    const r = await run([warnOnly]);
    assert.equal(r.code, 0);
    // Line 1 is the comment; EnableLogFileValidation is the 6th property; `false` starts at column 30.
    assert.match(r.out, /trail\.jsonc:7:30 warning log-file-validation-off /);
  });

  it('--format json prints an array with positions and fix titles', async () => {
    const r = await run(['--format', 'json', warnOnly, clean]);
    assert.equal(r.code, 0);
    const arr = JSON.parse(r.out);
    assert.equal(arr.length, 1);
    assert.deepEqual(arr[0], {
      file: warnOnly,
      line: 7,
      column: 30,
      endLine: 7,
      endColumn: 35,
      severity: 'warning',
      ruleId: 'log-file-validation-off',
      message:
        'Log file validation is off: tampering with delivered logs would go undetected (CIS 3.2).',
      fixes: ['Turn on log file validation'],
    });
    assert.deepEqual(JSON.parse((await run(['--format=json', clean])).out), []);
  });

  it('--disable and --disable-group switch rules off', async () => {
    assert.equal((await run(['--disable', 'equals-only-field,field-not-allowed', bad])).code, 0);
    assert.equal((await run(['--disable-group', 'correctness', bad])).out, '');
  });

  it('exits 2 on bad arguments', async () => {
    for (const args of [
      [],
      ['--format', 'xml', clean],
      ['--disable', 'no-such-rule', clean],
      ['--disable-group', 'style', clean],
      ['--frobnicate', clean],
      ['--format'],
    ]) {
      const r = await run(args);
      assert.equal(r.code, 2, args.join(' '));
      assert.ok(r.err.length > 0);
    }
  });

  it('names a missing file, still lints the others, and exits 2', async () => {
    const r = await run([join(dir, 'missing.json'), bad]);
    assert.equal(r.code, 2);
    assert.match(r.err, /missing\.json: no such file or folder/);
    assert.match(r.out, /equals-only-field/);
  });

  it('reports a syntax error in a named file as an error finding', async () => {
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, '{"Name": "t-1", "S3BucketName": "b" "IsMultiRegionTrail": true}');
    const r = await run([broken]);
    assert.equal(r.code, 1);
    assert.match(r.out, /broken\.json:1:\d+ error json-syntax JSON syntax error: comma expected\./);
  });

  it('says so when a named file is not a trail configuration', async () => {
    const other = join(dir, 'package.json');
    writeFileSync(other, json({ name: 'x' }));
    const r = await run([other]);
    assert.equal(r.code, 0);
    assert.match(r.err, /package\.json: not a trail or event selector configuration/);
  });

  it('searches folders for .json and .jsonc files, skipping broken JSON that is not a configuration', async () => {
    const sub = join(dir, 'tree', 'nested');
    mkdirSync(sub, { recursive: true });
    writeFileSync(join(sub, 'a.json'), readFileSync(bad));
    writeFileSync(join(sub, 'notes.txt'), readFileSync(bad));
    writeFileSync(join(sub, 'junk.json'), '{ not json');
    const r = await run([join(dir, 'tree')]);
    assert.equal(r.code, 1);
    assert.equal(r.out.trim().split('\n').length, 2);
    assert.ok(r.out.split('\n').every((l) => l === '' || l.includes('a.json')));
  });

  it('a file name with a line break or tab forges no line of the text output (CI reads its lines)', async () => {
    const sub = join(dir, 'names');
    mkdirSync(sub, { recursive: true });
    writeFileSync(join(sub, 'a\nclean.json:1:1 error\tx.json'), readFileSync(bad));
    const r = await run([sub]);
    assert.equal(r.code, 1);
    const lines = r.out.trim().split('\n');
    assert.equal(lines.length, 2, r.out);
    for (const l of lines) assert.ok(l.includes('a⟨U+000A⟩clean.json:1:1 error⟨U+0009⟩x.json:'), l);
  });

  it('a file of a folder that cannot be read is named on one line, whatever its name holds', async function () {
    if (process.platform === 'win32') this.skip(); // no FIFOs
    const sub = join(dir, 'fifo');
    mkdirSync(sub, { recursive: true });
    execFileSync('mkfifo', [join(sub, 'a\nFORGED.json')]);
    const r = await run([sub]);
    assert.equal(r.code, 2);
    assert.equal(r.err.trim().split('\n').length, 1, r.err);
    assert.match(r.err, /a⟨U\+000A⟩FORGED\.json: a named pipe \(FIFO\)/);
  });

  describe('YAML and Terraform', () => {
    const template = `AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Trail:
    Type: AWS::CloudTrail::Trail
    Properties:
      TrailName: audit
      S3BucketName: !Ref LogBucket
      IsLogging: true
      IsMultiRegionTrail: false
      EnableLogFileValidation: !If [IsProd, true, false]
      KMSKeyId: !GetAtt [Key, Arn]
      CloudWatchLogsLogGroupArn: !GetAtt LogGroup.Arn
      CloudWatchLogsRoleArn: !GetAtt Role.Arn
`;
    const tf =
      'resource "aws_cloudtrail" "audit" {\n  name           = "audit"\n  s3_bucket_name = aws_s3_bucket.logs.id\n  kms_key_id     = aws_kms_key.trail.arn\n\n  event_selector {\n    read_write_type = "Readonly"\n  }\n}\n';
    let iac: string;

    before(() => {
      iac = join(dir, 'iac');
      mkdirSync(join(iac, 'stacks'), { recursive: true });
      writeFileSync(join(iac, 'template.yaml'), template);
      writeFileSync(join(iac, 'stacks', 'trail.yml'), template.replace('audit', 'audit-2'));
      writeFileSync(join(iac, 'stacks', 'trail.template'), template.replace('audit', 'audit-3'));
      writeFileSync(join(iac, 'main.tf'), tf);
      writeFileSync(
        join(iac, 'main.tf.json'),
        JSON.stringify({
          resource: {
            aws_cloudtrail: {
              json: { name: 'json-trail', s3_bucket_name: 'b', is_multi_region_trail: false },
            },
          },
        }),
      );
      // Supported formats configuring no trail, and broken YAML that is none: skipped quietly.
      writeFileSync(join(iac, 'k8s.yaml'), 'apiVersion: v1\nkind: ConfigMap\n');
      writeFileSync(join(iac, 'broken.yml'), 'a: [unclosed\n');
      writeFileSync(join(iac, 'variables.tf'), 'variable "x" {}\n');
    });

    it('lints a named YAML template: no JSON syntax error, the single-Region trail found at its line', async () => {
      const r = await run([join(iac, 'template.yaml')]);
      assert.equal(r.err, '');
      assert.equal(
        r.out,
        `${join(iac, 'template.yaml')}:9:27 warning not-multi-region The trail logs one Region only; activity in other Regions goes unrecorded (CIS 3.1).\n`,
      );
      assert.equal(r.code, 0);
    });

    it('lints a named .tf file, errors first by position', async () => {
      const r = await run([join(iac, 'main.tf')]);
      assert.equal(r.code, 1);
      const lines = r.out
        .trim()
        .split('\n')
        .map((l) => l.slice(join(iac, 'main.tf').length));
      assert.deepEqual(lines, [
        ':2:3 warning log-file-validation-off Log file validation is off: tampering with delivered logs would go undetected (CIS 3.2).',
        ':2:3 warning no-cloudwatch-logs The trail does not deliver to CloudWatch Logs; nothing can alarm on its events (CIS 3.4).',
        ':2:3 warning not-multi-region The trail logs one Region only; activity in other Regions goes unrecorded (CIS 3.1).',
        ':7:23 error read-write-type read_write_type "Readonly" is not ReadOnly, WriteOnly, All.',
      ]);
    });

    it('searches folders for .yaml, .yml, .template, .tf and .tf.json files, skipping those that configure no trail', async () => {
      const r = await run(['--format', 'json', iac]);
      assert.equal(r.err, '');
      const byFile = new Map<string, string[]>();
      for (const f of JSON.parse(r.out) as { file: string; ruleId: string }[])
        byFile.set(f.file.slice(iac.length + 1), [
          ...(byFile.get(f.file.slice(iac.length + 1)) ?? []),
          f.ruleId,
        ]);
      assert.deepEqual([...byFile.keys()].sort(), [
        'main.tf',
        'main.tf.json',
        'stacks/trail.template',
        'stacks/trail.yml',
        'template.yaml',
      ]);
      assert.ok(byFile.get('main.tf.json')!.includes('not-multi-region'));
      assert.equal(r.code, 1);
    });

    it('reports YAML and HCL syntax errors in named files as such', async () => {
      const y = await run([join(iac, 'broken.yml')]);
      assert.match(y.out, /broken\.yml:\d+:\d+ error yaml-syntax YAML syntax error: /);
      assert.doesNotMatch(y.out, /json-syntax/);
      const brokenTf = join(iac, 'broken.tf');
      writeFileSync(brokenTf, tf.replace('= "audit"', '= "audit'));
      const t = await run([brokenTf]);
      assert.match(t.out, /broken\.tf:\d+:\d+ error hcl-syntax HCL syntax error: /);
      assert.doesNotMatch(t.out, /json-syntax/);
    });

    it('says so when a named file is in an unsupported format, and lints the others', async () => {
      const vars = join(iac, 'prod.tfvars');
      writeFileSync(vars, 'is_multi_region_trail = false\n');
      const r = await run([vars, join(iac, 'template.yaml')]);
      assert.equal(r.code, 2);
      assert.match(r.err, /prod\.tfvars: unsupported format; lint reads JSON, YAML and Terraform/);
      assert.match(r.out, /template\.yaml:9:27 warning not-multi-region/);
      // A named file with another ending that holds JSON is read as JSON, as it always was.
      const out = join(iac, 'trail-output.txt');
      writeFileSync(out, createTrail({ IsMultiRegionTrail: false }));
      assert.match((await run([out])).out, /trail-output\.txt:\d+:\d+ warning not-multi-region/);
    });
  });

  it('--list-rules prints every rule with its documentation link', async () => {
    const r = await run(['--list-rules']);
    assert.equal(r.code, 0);
    assert.match(
      r.out,
      /^logs-nothing\terror\tcorrectness\t.*\thttps:\/\/docs\.aws\.amazon\.com\//m,
    );
    assert.match(r.out, /^no-kms-key\twarning\tposture\t.*CIS AWS Foundations 3\.7/m);
  });

  it('--list-rules --format json prints the rules as a JSON array, and refuses files beside it', async () => {
    const r = await run(['--list-rules', '--format', 'json']);
    assert.equal(r.code, 0, r.err);
    const rules = JSON.parse(r.out) as Record<string, unknown>[];
    const kms = rules.find((x) => x.id === 'no-kms-key');
    assert.equal(kms?.severity, 'warning');
    assert.equal(kms?.group, 'posture');
    assert.ok((kms?.controls as string[]).some((c) => c.includes('CIS AWS Foundations 3.7')));
    assert.match(String(kms?.docUrl), /^https:\/\/docs\.aws\.amazon\.com\//);
    assert.ok(rules.every((x) => typeof x.title === 'string' && typeof x.description === 'string'));
    const both = await run(['--list-rules', '--format', 'json', clean]);
    assert.equal(both.code, 2);
    assert.match(both.err, /--list-rules with --format json/);
    assert.equal(both.out, '');
  });
});
