// `cloudtrail-lens query` with detections: `--filter 'level:high'` / `detection:…` run the rules
// first, `--annotate` fills each line's detections (rule id, title, level, the fields that
// matched), `--fields detections` adds them to csv, `--rules DIR` adds the user's rules.
import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../support/cli';
import { builtinRules } from '../../../src/core/detect/builtinPack';
import { ruleMatches } from '../../../src/core/detect/evaluate';
import { TECHNIQUE_SCENARIOS } from '../../fixtures/detect/techniques';

const run = (...args: string[]) => runCli(['query', '--no-cache', ...args]);

describe('cloudtrail-lens query with detections', function () {
  this.timeout(120_000);
  let dir: string;
  let logs: string;
  let rules: string;
  const records = TECHNIQUE_SCENARIOS.flatMap((s) => s.records);
  const pack = builtinRules();
  const firedOn = (r: Record<string, unknown>) => pack.filter((rule) => ruleMatches(rule, r));

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'ctl-query-detect-'));
    logs = join(dir, 'logs');
    rules = join(dir, 'rules');
    mkdirSync(logs);
    mkdirSync(rules);
    writeFileSync(join(logs, 'trail.json'), JSON.stringify({ Records: records }));
    writeFileSync(
      join(rules, 'mine.yml'),
      'title: Any GetCallerIdentity\nid: 6f1c7a40-0000-4000-8000-0000000000aa\nlevel: informational\nlogsource:\n  product: aws\n  service: cloudtrail\ndetection:\n  sel:\n    eventName: GetCallerIdentity\n  condition: sel\n',
    );
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("--filter 'level:high' prints exactly the events a high rule fires on", async () => {
    const r = await run(logs, '--filter', 'level:high');
    assert.equal(r.code, 0, r.err);
    const got = r.out
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l).eventID)
      .sort();
    const want = records
      .filter((x) => firedOn(x).some((rule) => rule.level === 'high'))
      .map((x) => x.eventID as string)
      .sort();
    assert.ok(want.length > 3);
    assert.deepEqual(got, want);
    const none = await run(logs, '--filter', 'detection:"no such rule*"', '--count');
    assert.equal(none.out, '0\n');
  });

  it('--annotate fills detections with each rule that fired and the fields that matched', async () => {
    const r = await run(logs, '--format', 'jsonl', '--annotate');
    assert.equal(r.code, 0, r.err);
    const lines = r.out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    assert.equal(lines.length, records.length);
    let withHits = 0;
    for (const line of lines) {
      const want = firedOn(line.record)
        .map((x) => x.id)
        .sort();
      assert.deepEqual(
        line.detections.map((d: { id: string }) => d.id).sort(),
        want,
        line.record.eventName,
      );
      for (const d of line.detections) {
        const rule = pack.find((x) => x.id === d.id)!;
        assert.equal(d.title, rule.title);
        assert.equal(d.level, rule.level);
        assert.ok(d.matched.length > 0, `${rule.title}: matched fields`);
        assert.ok(d.matched.every((m: { condition: string }) => typeof m.condition === 'string'));
      }
      if (line.detections.length) withHits++;
    }
    assert.ok(withHits > 10 && withHits < lines.length);
    const stop = lines.find((l) => l.record.eventName === 'StopLogging');
    assert.ok(
      stop.detections.some((d: { matched: { field?: string; values: string[] }[] }) =>
        d.matched.some((m) => m.field === 'eventName' && m.values.includes('StopLogging')),
      ),
    );
  });

  it('--fields detections and --rules DIR', async () => {
    const r = await run(
      logs,
      '--format',
      'csv',
      '--fields',
      'eventName,detections',
      '--rules',
      rules,
      '--filter',
      'event:GetCallerIdentity',
    );
    assert.equal(r.code, 0, r.err);
    const rows = r.out.trim().split(/\r?\n/);
    assert.equal(rows[0], 'eventName,detections');
    assert.ok(rows.length > 1);
    for (const row of rows.slice(1)) assert.ok(row.includes('○ Any GetCallerIdentity'), row);
    const missing = await run(logs, '--filter', 'level:high', '--rules', join(dir, 'nope'));
    assert.equal(missing.code, 2);
    assert.match(missing.err, /nope.*no such folder/);
  });
});
