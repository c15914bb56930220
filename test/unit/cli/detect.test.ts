// `cloudtrail-lens detect` end to end through main(): text, json and SARIF output, --rules,
// --min-level and the exit codes.
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { builtinRules } from '../../../src/core/detect/builtinPack';
import { TECHNIQUE_SCENARIOS } from '../../fixtures/detect/techniques';
import { runCli } from '../../support/cli';

const run = (...args: string[]) => runCli(['detect', ...args]);

const scenario = (t: string) => TECHNIQUE_SCENARIOS.find((s) => s.technique === t)!.records;

describe('cloudtrail-lens detect', function () {
  this.timeout(120_000);
  let dir: string;
  let logs: string;
  let quiet: string;
  let rules: string;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'ctl-detect-cli-'));
    logs = join(dir, 'logs');
    quiet = join(dir, 'quiet');
    rules = join(dir, 'rules');
    for (const d of [logs, quiet, rules]) mkdirSync(d);
    writeFileSync(
      join(logs, 'trail.json'),
      JSON.stringify({
        Records: [
          ...scenario('aws.defense-evasion.cloudtrail-stop'),
          ...scenario('aws.persistence.iam-create-admin-user'),
        ],
      }),
    );
    writeFileSync(
      join(quiet, 'quiet.json'),
      JSON.stringify({
        Records: [scenario('aws.credential-access.ec2-steal-instance-credentials')[0]],
      }),
    );
    writeFileSync(
      join(rules, 'mine.yml'),
      'title: Any DescribeInstanceInformation\nid: 6f1c7a40-0000-4000-8000-000000000001\nlevel: high\ndescription: test rule\nlogsource:\n  product: aws\n  service: cloudtrail\ndetection:\n  sel:\n    eventName: DescribeInstanceInformation\n  condition: sel\n---\ntitle: Counting\nlogsource:\n  product: aws\n  service: cloudtrail\ndetection:\n  sel:\n    eventName: X\n  condition: sel | count() > 3\n',
    );
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('prints each hit with the matching fields and exits 1', async () => {
    const r = await run(logs);
    assert.equal(r.code, 1, r.err);
    assert.match(r.out, /^HIGH +CloudTrail logging stopped$/m);
    assert.match(r.out, /^HIGH +Administrator policy attached to a user, group or role$/m);
    assert.match(
      r.out,
      /matched: requestParameters\.policyArn endswith ':policy\/AdministratorAccess'.*\(arn:aws:iam::aws:policy\/AdministratorAccess\)/,
    );
    assert.match(r.out, /^LOW +IAM user created$/m);
    assert.match(r.out, /3 hits on 3 of 3 events/);
  });

  it('--min-level leaves lower rules out, and exits 0 when nothing is at or above it', async () => {
    const high = await run(logs, '--min-level', 'high');
    assert.equal(high.code, 1);
    assert.doesNotMatch(high.out, /IAM user created/);
    assert.match(high.out, /2 hits on 2 of 3 events/);
    const none = await run(quiet);
    assert.equal(none.code, 0, none.out);
    assert.match(none.out, /0 hits on 0 of 1 events/);
  });

  it('--rules adds a folder: its rules run, the ones that cannot are named on stderr', async () => {
    const r = await run(quiet, '--rules', rules);
    assert.equal(r.code, 1);
    assert.match(r.out, /^HIGH +Any DescribeInstanceInformation$/m);
    assert.match(r.err, /mine\.yml: "Counting" not run: an aggregation in the condition/);
    const only = await run(logs, '--rules', rules, '--no-builtin');
    assert.equal(only.code, 0);
    assert.match(only.out, /by 1 rules/);
    const missing = await run(logs, '--rules', join(dir, 'nope'));
    assert.equal(missing.code, 2);
    assert.match(missing.err, /nope: file not loaded: no such folder/);
  });

  it('--format json: rules, hits with event and matching fields', async () => {
    const r = await run(logs, '--format', 'json');
    assert.equal(r.code, 1);
    const doc = JSON.parse(r.out);
    assert.equal(doc.events, 3);
    assert.equal(doc.rulesLoaded, builtinRules().length);
    assert.equal(doc.hits.length, 3);
    const stop = doc.hits.find(
      (h: { rule: { title: string } }) => h.rule.title === 'CloudTrail logging stopped',
    );
    assert.equal(stop.event.eventName, 'StopLogging');
    assert.equal(stop.rule.level, 'high');
    assert.ok(stop.rule.tags.includes('attack.t1562.008'));
    assert.deepEqual(
      stop.matched.map((m: { field: string }) => m.field),
      ['eventSource', 'eventName'],
    );
    assert.match(stop.file, /trail\.json$/);
  });

  it('--format sarif: a valid SARIF 2.1.0 log (shape), one result per hit pointing at its rule', async () => {
    const r = await run(logs, '--format', 'sarif', '--min-level', 'medium');
    assert.equal(r.code, 1);
    const sarif = JSON.parse(r.out);
    assert.equal(sarif.version, '2.1.0');
    assert.match(sarif.$schema, /sarif-2\.1\.0/);
    assert.equal(sarif.runs.length, 1);
    const { driver } = sarif.runs[0].tool;
    assert.equal(driver.name, 'cloudtrail-lens');
    assert.ok(driver.rules.length > 40);
    for (const rule of driver.rules) {
      assert.equal(typeof rule.id, 'string');
      assert.equal(typeof rule.shortDescription.text, 'string');
      assert.ok(['error', 'warning', 'note'].includes(rule.defaultConfiguration.level));
    }
    const results = sarif.runs[0].results;
    assert.equal(results.length, 2);
    for (const res of results) {
      assert.equal(driver.rules[res.ruleIndex].id, res.ruleId);
      assert.ok(['error', 'warning', 'note', 'none'].includes(res.level));
      assert.equal(typeof res.message.text, 'string');
      assert.match(res.locations[0].physicalLocation.artifactLocation.uri, /trail\.json$/);
      assert.equal(typeof res.partialFingerprints['cloudtrailEventId/v1'], 'string');
    }
    assert.deepEqual(results.map((x: { level: string }) => x.level).sort(), ['error', 'error']);
  });

  it('under `| head` (stdout closed early) it still exits 1 on hits, not 0', async () => {
    // Enough hits that stdout is closed while they are printed. The real process, for its
    // stdout's EPIPE handler, from the sources as the tests run them.
    const many = join(dir, 'many');
    mkdirSync(many);
    const record = scenario('aws.defense-evasion.cloudtrail-stop')[0];
    writeFileSync(
      join(many, 'trail.json'),
      JSON.stringify({
        Records: Array.from({ length: 2000 }, (_, i) => ({ ...record, eventID: `e-${i}` })),
      }),
    );
    const child = spawn(
      process.execPath,
      [
        '--require',
        'tsx/cjs',
        join(__dirname, '../../../src/cli/main.ts'),
        'detect',
        many,
        '--no-cache',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    child.stdout.once('data', () => child.stdout.destroy()); // what `head -1` does
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    assert.equal(code, 1, err);
  });

  it('bad arguments exit 2', async () => {
    assert.equal((await run(logs, '--min-level', 'severe')).code, 2);
    assert.equal((await run(logs, '--format', 'xml')).code, 2);
    assert.equal((await run()).code, 2);
    assert.equal((await run(join(dir, 'nothing-here'))).code, 2);
  });
});
