// Validation is a trail-wide setting: a region (or, for an organization trail, a member account)
// with log files but none of the trail's digests, when the trail's digests show it delivers beyond
// its home region (or account), is far more likely a deletion than validation being off. Those
// logs are NOT VALIDATED (region-digests-missing, exit 1); with nothing showing such a trail, the
// plain no-digests notice (exit 0) stays. The AWS CLI's lines never change.
import * as assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { ValidationVerdicts } from '../../../src/core/case/custody';
import type { ValidationReport } from '../../../src/core/digest/types';
import {
  planProblems,
  renderReport,
  suspiciousLogKeys,
} from '../../../src/extension/digest/reportModel';
import type { WrittenDigest } from '../../../src/core/synthetic/digests';
import { ARN, cliLines, tamperLog, Workspace } from './helpers';

const WINDOW = ['--start-time', '2024-05-14T09:00:00Z', '--end-time', '2024-05-15T00:00:00Z'];

interface JsonReport extends ValidationReport {
  exitCode: number;
}

async function json(ws: Workspace, args: string[] = []): Promise<JsonReport> {
  const r = await ws.validate([...WINDOW, ...args, '--format', 'json']);
  const report = JSON.parse(r.out) as JsonReport;
  assert.equal(report.exitCode, r.code);
  return report;
}

/**
 * Deletes digests, their signatures on record too (a signatures file made after the deletion, or
 * none): only the logs left show anything.
 */
function deleteDigests(ws: Workspace, digests: WrittenDigest[]): void {
  for (const d of digests) {
    rmSync(ws.bucket.file(d.key));
    ws.bucket.signatures.delete(d.key);
  }
}

describe('digest validation: a region of a multi-region trail with no digests', function () {
  this.timeout(60_000);
  let ws: Workspace;
  beforeEach(() => (ws = new Workspace()));
  afterEach(() => ws.dispose());

  it("every digest of one region of a multi-region trail deleted and a log there edited: NOT VALIDATED, exit 1, the AWS CLI's lines unchanged", async () => {
    ws.bucket.chain({ region: 'us-east-1' }).hours(3);
    ws.bucket.chain({ region: 'eu-west-1', homeRegion: 'us-east-1' }).hours(3);
    const west = ws.bucket.chain({ region: 'us-west-2', homeRegion: 'us-east-1' }).hours(3);
    const before = await ws.validate(WINDOW);
    assert.equal(before.code, 0);
    deleteDigests(ws, west);
    tamperLog(ws, west[1].logKeys[0]);
    const r = await ws.validate(WINDOW);
    assert.equal(r.code, 1);
    // The AWS CLI's lines of the two other regions, unchanged (it finds no us-west-2 chain).
    const blocks = before.out.split(/(?=^# chain: )/m);
    assert.equal(
      cliLines(r.out),
      cliLines(blocks.filter((b) => !b.startsWith('# chain: 111122223333 us-west-2')).join('')),
    );
    assert.equal(r.err, before.err);
    const logs = west.flatMap((d) => d.logKeys);
    assert.ok(
      r.out.includes(
        'FINDING\tregion-digests-missing\t6 log file(s) under AWSLogs/111122223333/CloudTrail/us-west-2/ in the window are NOT VALIDATED: no digest of trail management-events (home us-east-1) covers them, yet that trail delivers digests for 2 other region(s) (eu-west-1, us-east-1); validation is set for a whole trail, so the digests of this region may have been deleted, or these logs come from another trail that does not validate\n',
      ),
      r.out,
    );
    for (const k of logs)
      assert.ok(
        r.out.includes(
          `FINDING\tregion-digests-missing\tNOT VALIDATED: log file ${k} is listed by no digest\n`,
        ),
      );
    assert.doesNotMatch(r.out, /no-digests/);
    const j = await json(ws);
    const f = j.findings.find((x) => x.kind === 'region-digests-missing')!;
    assert.deepEqual(f.keys, logs);
    assert.equal(f.from, '2024-05-14T09:38:00Z');
    // --strict fails it too; the AWS CLI would validate us-west-2 alone: "No digests found".
    assert.equal((await ws.validate([...WINDOW, '--strict'])).code, 1);
  });

  it("the home region's digests deleted, another region's left: NOT VALIDATED too", async () => {
    const home = ws.bucket.chain({ region: 'us-east-1' }).hours(2);
    ws.bucket.chain({ region: 'us-west-2', homeRegion: 'us-east-1' }).hours(2);
    deleteDigests(ws, home);
    const j = await json(ws);
    assert.equal(j.exitCode, 1);
    const f = j.findings.find((x) => x.kind === 'region-digests-missing')!;
    assert.deepEqual(
      f.keys,
      home.flatMap((d) => d.logKeys),
    );
    assert.match(f.message, /delivers digests for 1 other region\(s\) \(us-west-2\)/);
  });

  it('a single-region trail and logs of another region with no digests (validation off there): the no-digests notice, exit 0', async () => {
    ws.bucket.chain({ region: 'us-east-1' }).hours(2);
    deleteDigests(ws, ws.bucket.chain({ region: 'us-west-2' }).hours(2));
    const r = await ws.validate(WINDOW);
    assert.equal(r.code, 0);
    assert.match(
      r.out,
      /FINDING\tno-digests\t4 log file\(s\) under AWSLogs\/111122223333\/CloudTrail\/us-west-2\/ have no digest files at all/,
    );
    assert.doesNotMatch(r.out, /region-digests-missing/);
    // A multi-region trail of another account shows nothing about this one.
    ws.bucket
      .chain({ accountId: '444455556666', region: 'eu-west-1', homeRegion: 'us-east-1' })
      .hours(1);
    assert.equal((await ws.validate(WINDOW)).code, 0);
  });

  it("a trail's digests of another region only before the window show nothing about the window: the no-digests notice", async () => {
    ws.bucket.chain({ region: 'us-east-1' }).hours(2);
    ws.bucket
      .chain({ region: 'eu-west-1', homeRegion: 'us-east-1', start: '2024-05-10T09:17:42Z' })
      .hours(1, { logs: 0 });
    deleteDigests(ws, ws.bucket.chain({ region: 'us-west-2', homeRegion: 'us-east-1' }).hours(2));
    const j = await json(ws);
    assert.deepEqual(
      j.findings.map((f) => f.kind),
      ['no-digests'],
    );
    assert.equal(j.exitCode, 0);
  });

  it('an organization trail: a member account with logs and none of its digests is NOT VALIDATED', async () => {
    const org = { prefix: 'corp', organizationId: 'o-a1b2c3d4e5', trailName: 'org-trail' };
    ws.bucket.chain({ ...org, accountId: '444455556666' }).hours(2);
    const member = ws.bucket.chain({ ...org, accountId: '777788889999' }).hours(2);
    deleteDigests(ws, member);
    const j = await json(ws);
    assert.equal(j.exitCode, 1);
    const f = j.findings.find((x) => x.kind === 'region-digests-missing')!;
    assert.deepEqual(
      f.keys,
      member.flatMap((d) => d.logKeys),
    );
    assert.match(
      f.message,
      /^4 log file\(s\) under corp\/AWSLogs\/o-a1b2c3d4e5\/777788889999\/CloudTrail\/us-east-1\/ in the window are NOT VALIDATED: no digest of trail org-trail \(home us-east-1\) covers them, yet that trail delivers digests for 1 other region\(s\) \(444455556666 us-east-1\)/,
    );
  });

  it("--trail-arn: a region with only another trail's digests, the chosen multi-region trail's deleted: its logs NOT VALIDATED, the other trail's not", async () => {
    ws.bucket.chain({ region: 'us-east-1' }).hours(2);
    ws.bucket.chain({ region: 'eu-west-1', homeRegion: 'us-east-1' }).hours(2);
    const west = ws.bucket.chain({ region: 'us-west-2', homeRegion: 'us-east-1' }).hours(2);
    const other = ws.bucket.chain({ region: 'us-west-2', trailName: 'local' }).hours(2);
    deleteDigests(ws, west);
    const j = await json(ws, ['--trail-arn', ARN]);
    assert.equal(j.exitCode, 1);
    const f = j.findings.find((x) => x.kind === 'region-digests-missing')!;
    assert.deepEqual(
      f.keys,
      west.flatMap((d) => d.logKeys),
    );
    for (const k of other.flatMap((d) => d.logKeys)) assert.ok(!f.keys!.includes(k));
  });

  it("--trail-arn: the logs another trail's digests list in the same folder are not hashed, and a notice counts them", async () => {
    ws.bucket.chain().hours(2);
    ws.bucket.chain({ trailName: 'data-events' }).hours(3);
    const r = await ws.validate([...WINDOW, '--trail-arn', ARN]);
    assert.equal(r.code, 0);
    assert.match(
      r.out,
      /\nFINDING\tother-trail-logs\t6 log file\(s\) under AWSLogs\/111122223333\/CloudTrail\/us-east-1\/ in the window are listed by the digests of another trail \(data-events\) and were not checked: validating trail management-events, their hashes were not compared \(validate without --trail-arn to check them\)\n/,
    );
    assert.equal((await ws.validate([...WINDOW, '--trail-arn', ARN, '--strict'])).code, 1);
    // Without --trail-arn every trail's logs are checked: no notice.
    assert.doesNotMatch((await ws.validate(WINDOW)).out, /other-trail-logs/);
  });

  it("the extension's report: the finding fails the validation, its logs are problems and worth a look", async () => {
    ws.bucket.chain({ region: 'us-east-1' }).hours(1);
    ws.bucket.chain({ region: 'eu-west-1', homeRegion: 'us-east-1' }).hours(1);
    const west = ws.bucket.chain({ region: 'us-west-2', homeRegion: 'us-east-1' }).hours(1);
    deleteDigests(ws, west);
    const report = await json(ws);
    const local = (key: string) => ws.bucket.file(key);
    const text = renderReport(report, { when: 'now', keyFiles: [], localPathOf: local }).text;
    assert.match(text, /1 more outside the chains: files NOT VALIDATED/);
    assert.match(text, /FINDING region-digests-missing: 2 log file\(s\) under /);
    for (const k of west[0].logKeys) assert.ok(text.includes(local(k)), k);
    const problems = planProblems(report, () => true, local);
    for (const k of west[0].logKeys)
      assert.ok(
        problems.some(
          (p) =>
            p.path === local(k) && p.severity === 'error' && p.code === 'region-digests-missing',
        ),
      );
    assert.deepEqual(
      suspiciousLogKeys(report).filter((k) => k.includes('us-west-2')),
      west[0].logKeys,
    );
    // The evidence report's custody: invalid, not "not covered".
    const custody = new ValidationVerdicts([report]).verdictOf(
      west[0].logKeys[0],
      local(west[0].logKeys[0]),
    );
    assert.equal(custody.verdict, 'invalid');
    assert.match(custody.reason, /NOT VALIDATED: no digest of trail management-events/);
  });
});
