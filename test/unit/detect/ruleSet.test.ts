// User rule folders: every rule file under a folder is read; each rule runs or is reported with
// the reason. The fixtures are written in the style of SigmaHQ's CloudTrail rules.
import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { builtinRules } from '../../../src/core/detect/builtinPack';
import { ruleMatches } from '../../../src/core/detect/evaluate';
import { loadRuleSet, problemLine } from '../../../src/core/detect/ruleSet';

const FOLDER = join(__dirname, '..', '..', 'fixtures', 'detect', 'sigma-style');

describe('rule folders', () => {
  it('a rule problem is one line whatever the file name, title or reason hold', () => {
    const line = problemLine({
      source: '/rules/r\u001b[2J.yml',
      title: 'evil\nHIGH          Forged\r\u202e',
      id: 'x\u009b1',
      kind: 'unsupported',
      reason: "unknown modifier 'a\nb'",
    });
    assert.equal(
      line,
      '/rules/r⟨U+001B⟩[2J.yml: "evil⟨U+000A⟩HIGH          Forged⟨U+000D⟩⟨U+202E⟩" (x⟨U+009B⟩1) not run: unknown modifier \'a⟨U+000A⟩b\'',
    );
  });

  it('loads every rule that runs fully and reports every other with its reason', async () => {
    const set = await loadRuleSet([FOLDER], { builtin: false });
    assert.equal(set.files, 11); // .yml and .yaml, nested folders; notes.txt and README.md are not rules
    assert.deepEqual(set.rules.map((r) => r.title).sort(), [
      'Access Key Created For A User By Another Principal',
      'Console Login Failure',
      'Instance Role Used Outside Expected Services',
      'Public Lambda Function URL',
      'Snapshot Or Image Shared',
      'Templated Inline Policy With Placeholder Bucket',
      'Trail Tampering Via API',
    ]);
    const reasons = Object.fromEntries(
      set.problems.map((p) => [p.title ?? p.source, `${p.kind}: ${p.reason}`]),
    );
    assert.match(
      reasons['Many Secrets Read By One Identity'],
      /^unsupported: an aggregation in the condition/,
    );
    assert.match(
      reasons['Console Login From Unexpected Location'],
      /^unsupported: modifier \|expand/,
    );
    assert.match(reasons['Many Console Login Failures'], /^unsupported: a correlation rule/);
    assert.match(
      reasons['S3 Server Access Log Rule'],
      /^unsupported: logsource product: aws, service: s3 is not/,
    );
    assert.match(reasons['Broken Rule'] ?? reasons[join(FOLDER, 'aws_broken.yaml')], /^invalid: /);
    assert.equal(set.problems.length, 5);
    assert.match(
      problemLine(set.problems.find((p) => p.title === 'Many Secrets Read By One Identity')!),
      /aws_mass_secret_reads\.yml: "Many Secrets Read By One Identity" \(5a4b0e8c-6a1f-4d2e-9a53-0c6c3c9f1a04\) not run: an aggregation/,
    );
  });

  it('runs the loaded rules with their real semantics', async () => {
    const set = await loadRuleSet([FOLDER], { builtin: false });
    const byTitle = (t: string) => set.rules.find((r) => r.title === t)!;
    const policy =
      '{"Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::<BUCKET-PLACEHOLDER>/*"}]}';
    assert.equal(
      ruleMatches(byTitle('Templated Inline Policy With Placeholder Bucket'), {
        eventSource: 'iam.amazonaws.com',
        eventName: 'PutUserPolicy',
        userAgent: 'S3 Browser 11',
        requestParameters: { userName: 'x', policyDocument: policy },
      }),
      true,
    );
    const role = (arn: string, eventName: string) => ({
      userIdentity: { arn },
      eventSource: 'ec2.amazonaws.com',
      eventName,
      sourceIPAddress: '198.51.100.1',
    });
    assert.equal(
      ruleMatches(
        byTitle('Instance Role Used Outside Expected Services'),
        role('arn:aws:sts::1:assumed-role/web/i-0abc123', 'DescribeInstances'),
      ),
      true,
    );
    assert.equal(
      ruleMatches(
        byTitle('Instance Role Used Outside Expected Services'),
        role('arn:aws:sts::1:assumed-role/web/i-0abc123', 'UpdateInstanceInformation'),
      ),
      false,
    );
    const key = (arn: string, user: string) => ({
      eventSource: 'iam.amazonaws.com',
      eventName: 'CreateAccessKey',
      userIdentity: { arn },
      requestParameters: { userName: user },
    });
    assert.equal(
      ruleMatches(
        byTitle('Access Key Created For A User By Another Principal'),
        key('arn:aws:iam::1:user/admin', 'bob'),
      ),
      true,
    );
    assert.equal(
      ruleMatches(
        byTitle('Access Key Created For A User By Another Principal'),
        key('arn:aws:iam::1:user/bob', 'bob'),
      ),
      false,
    );
  });

  it('adds folders to the built-in pack; a duplicate id, a missing folder and a folder given twice are reported', async () => {
    const set = await loadRuleSet([FOLDER, '/nonexistent/rules', FOLDER]);
    assert.equal(set.rules.length, builtinRules().length + 7);
    assert.ok(
      set.problems.some(
        (p) => p.source === '/nonexistent/rules' && /no such folder/.test(p.reason),
      ),
    );
    const dup = set.problems.filter((p) => /already used by a rule from/.test(p.reason));
    assert.equal(dup.length, 7, 'the second reading of the folder adds nothing');
  });

  it('reports a rule file that holds no rule (empty, or only comments), and loads the rest', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ctl-rules-'));
    try {
      writeFileSync(join(dir, 'empty.yml'), '');
      writeFileSync(join(dir, 'comments.yaml'), '# to do\n---\n');
      writeFileSync(
        join(dir, 'ok.yml'),
        'title: Ok\nid: ok-1\nlogsource: {product: aws, service: cloudtrail}\ndetection: {sel: {eventName: X}, condition: sel}\n',
      );
      const set = await loadRuleSet([dir], { builtin: false });
      assert.deepEqual(
        set.rules.map((r) => r.id),
        ['ok-1'],
      );
      assert.deepEqual(set.problems.map(problemLine), [
        `${join(dir, 'comments.yaml')}: file not loaded: holds no rule (it is empty, or only comments)`,
        `${join(dir, 'empty.yml')}: file not loaded: holds no rule (it is empty, or only comments)`,
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads a rule file reached by a symbolic link, and names a link to a folder or one that leads nowhere', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ctl-rules-'));
    try {
      const repo = join(dir, 'repo');
      const rules = join(dir, 'rules');
      mkdirSync(repo);
      mkdirSync(rules);
      writeFileSync(
        join(repo, 'linked.yml'),
        'title: Linked\nid: linked-1\nlogsource: {product: aws, service: cloudtrail}\ndetection: {sel: {eventName: X}, condition: sel}\n',
      );
      symlinkSync(join(repo, 'linked.yml'), join(rules, 'linked.yml'));
      symlinkSync(repo, join(rules, 'repo-folder'));
      symlinkSync(join(repo, 'gone.yml'), join(rules, 'gone.yml'));
      symlinkSync(join(repo, 'linked.yml'), join(rules, 'notes.txt')); // not a rule file's name: ignored
      const set = await loadRuleSet([rules], { builtin: false });
      assert.deepEqual(
        set.rules.map((r) => r.id),
        ['linked-1'],
      );
      assert.deepEqual(set.problems.map(problemLine).sort(), [
        `${join(rules, 'gone.yml')}: file not loaded: a link that leads nowhere: not read`,
        `${join(rules, 'repo-folder')}: file not loaded: a link to a folder: not followed (add the folder itself to the rule folders)`,
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
