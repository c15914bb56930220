// Issue 20, "Integrity": what an attacker who can delete and edit objects (but has no signing key)
// can do to a chain, and what validation must say about it beyond the AWS CLI's lines, which
// stay byte-identical. Also the default window (issue 13) and the cap on digest sizes.
import * as assert from 'node:assert/strict';
import { rmSync, writeFileSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { signingKey } from '../../../src/core/synthetic/digests';
import {
  ARN,
  BUCKET,
  chainEndLine,
  cliLines,
  digestLine,
  tamperLog,
  Workspace,
  zeroBomb,
} from './helpers';

const WINDOW = ['--start-time', '2024-05-14T09:00:00Z', '--end-time', '2024-05-15T00:00:00Z'];

interface JsonChain {
  counts: Record<string, number>;
  events: Array<{ type: string; kind?: string; key?: string }>;
  findings: Array<{
    kind: string;
    key?: string;
    relatedKey?: string;
    keys?: string[];
    from?: string;
    to?: string;
    message: string;
  }>;
}
interface JsonReport {
  exitCode: number;
  chains: JsonChain[];
  findings: Array<{ kind: string; keys?: string[]; from?: string; to?: string; message: string }>;
}

async function json(ws: Workspace, args: string[]): Promise<JsonReport> {
  const r = await ws.validate([...args, '--format', 'json']);
  const report = JSON.parse(r.out) as JsonReport;
  assert.equal(report.exitCode, r.code);
  return report;
}

describe('digest validation: integrity beyond the AWS CLI (issue 20)', function () {
  this.timeout(60_000);
  let ws: Workspace;
  beforeEach(() => (ws = new Workspace()));
  afterEach(() => ws.dispose());

  it('reproduction: the newest digest deleted and a log of its hour edited is NOT VALIDATED and exits 1, the AWS CLI lines unchanged', async () => {
    const [, , d2] = ws.bucket.chain().hours(3);
    rmSync(ws.bucket.file(d2.key));
    tamperLog(ws, d2.logKeys[0]);
    const r = await ws.validate([...WINDOW, '--strict']);
    // What the AWS CLI prints for this data (it cannot see the deletion): unchanged, byte for byte.
    assert.equal(
      cliLines(r.out),
      `Validating log files for trail ${ARN} between 2024-05-14T09:00:00Z and 2024-05-15T00:00:00Z\n\n` +
        'Results requested for 2024-05-14T09:00:00Z to 2024-05-15T00:00:00Z\nResults found for 2024-05-14T09:17:42Z to 2024-05-14T11:17:42Z:\n\n2/2 digest files valid\n4/4 log files valid\n',
    );
    assert.equal(r.err, '');
    // Our summary line follows the AWS CLI's at once, then the findings.
    const ours = r.out.split('4/4 log files valid\n')[1].split('\n');
    assert.equal(
      ours[0],
      'FINDING\tcoverage\t2 log file(s) in the window are listed by no digest: 2 NOT VALIDATED (2 delivered after the newest digest, whose successor was due); 1 digest file(s) deleted (signature on record, file gone)',
    );
    assert.ok(
      ours.some((l) =>
        l.startsWith(`FINDING\tdeleted-digest\tDigest file ${d2.key} has a signature on record`),
      ),
      r.out,
    );
    for (const k of d2.logKeys)
      assert.ok(
        ours.includes(
          `FINDING\tchain-truncated\tNOT VALIDATED: log file ${k} is listed by no digest`,
        ),
        r.out,
      );
    assert.equal(r.code, 1);
    // Without --strict too: a deleted digest hiding logs is evidence, not a detail.
    assert.equal((await ws.validate(WINDOW)).code, 1);
  });

  it('JSON: the logs after the newest digest are counted as not validated, with their keys; the deleted digest is named', async () => {
    const [, d1, d2] = ws.bucket.chain().hours(3);
    rmSync(ws.bucket.file(d2.key));
    const chain = (await json(ws, WINDOW)).chains[0];
    assert.equal(chain.counts.validLogs, 4, 'the AWS CLI count is unchanged');
    assert.equal(chain.counts.notValidatedLogs, 2);
    assert.equal(chain.counts.deletedDigests, 1);
    const t = chain.findings.find((f) => f.kind === 'chain-truncated')!;
    assert.deepEqual([t.key, t.keys], [d1.key, d2.logKeys]);
    const deleted = chain.findings.filter((f) => f.kind === 'deleted-digest');
    assert.deepEqual(
      deleted.map((f) => [f.key, f.relatedKey]),
      [[d2.key, d1.key]],
    );
  });

  it('the default end time is now: a chain whose newest digest is long past is truncated without any --end-time', async () => {
    const [, , d2] = ws.bucket.chain().hours(3);
    rmSync(ws.bucket.file(d2.key));
    ws.bucket.signatures.delete(d2.key);
    const r = await json(ws, ['--start-time', '2024-05-14T09:00:00Z']);
    assert.deepEqual(
      r.chains[0].findings.find((f) => f.kind === 'chain-truncated')?.keys,
      d2.logKeys,
    );
    assert.equal(r.exitCode, 1);
  });

  it('logs after the newest digest whose successor is not yet due are awaiting their digest: reported, counted apart, exit 0 even --strict', async () => {
    const [, d1, d2] = ws.bucket.chain().hours(3);
    rmSync(ws.bucket.file(d2.key));
    ws.bucket.signatures.delete(d2.key); // as at a moment before CloudTrail delivered it
    // d1 ends 11:17:42; its successor is due by 12:17:42 plus the delivery slack.
    const end = ['--start-time', '2024-05-14T09:00:00Z', '--end-time', '2024-05-14T12:25:00Z'];
    const r = await json(ws, [...end, '--strict']);
    const chain = r.chains[0];
    assert.deepEqual(
      chain.findings.map((f) => [f.kind, f.key, f.keys]),
      [['awaiting-digest', d1.key, d2.logKeys]],
    );
    assert.equal(chain.counts.notValidatedLogs, 0);
    assert.equal(chain.counts.awaitingLogs, 2);
    assert.equal(r.exitCode, 0);
    const text = await ws.validate(end);
    assert.match(
      text.out,
      /\nFINDING\tcoverage\t2 log file\(s\) in the window are listed by no digest: 2 awaiting the digest after the newest, not yet due\n/,
    );
    // Past the slack, the same data is truncated.
    const later = await json(ws, [
      '--start-time',
      '2024-05-14T09:00:00Z',
      '--end-time',
      '2024-05-14T12:40:00Z',
    ]);
    assert.equal(
      later.chains[0].findings.find((f) => f.kind === 'chain-truncated')?.keys?.length,
      2,
    );
    assert.equal(later.exitCode, 1);
  });

  it('the newest digests deleted with every log they listed leave no trace, and the end of the chain is said: nothing after its newest digest is vouched for', async () => {
    const ds = ws.bucket.chain().hours(4);
    for (const d of ds.slice(2)) {
      for (const k of d.logKeys) rmSync(ws.bucket.file(k));
      rmSync(ws.bucket.file(d.key));
      ws.bucket.signatures.delete(d.key);
    }
    const r = await ws.validate([...WINDOW, '--strict']);
    assert.ok(
      r.out.endsWith(
        '2/2 digest files valid\n4/4 log files valid\n' +
          chainEndLine('2024-05-14T11:17:42Z', '2024-05-14T12:32:42Z'),
      ),
      r.out,
    );
    // Nothing a load reads is unvouched for: said, not failed, even --strict.
    assert.equal(r.code, 0);
    const chain = (await json(ws, WINDOW)).chains[0];
    assert.deepEqual(
      chain.findings.map((f) => [f.kind, f.key, f.from, f.to]),
      [['chain-end', ds[1].key, '2024-05-14T11:17:42Z', '2024-05-15T00:00:00Z']],
    );
    // Before the next digest was due (a copy made then), nothing is said.
    const early = ['--start-time', '2024-05-14T09:00:00Z', '--end-time', '2024-05-14T12:30:00Z'];
    assert.deepEqual((await json(ws, early)).chains[0].findings, []);
    // Logs left after the newest digest: chain-truncated says it, not chain-end too.
    const [later] = ws.bucket.chain({ start: '2024-05-14T11:17:42Z' }).hours(1);
    rmSync(ws.bucket.file(later.key));
    ws.bucket.signatures.delete(later.key);
    assert.deepEqual(
      (await json(ws, WINDOW)).chains[0].findings.map((f) => f.kind),
      ['chain-truncated'],
    );
  });

  it('a signatures entry for a digest that is gone is a deleted digest, even when its hour had no logs', async () => {
    const c = ws.bucket.chain();
    const [, d1] = c.hours(2);
    const d2 = c.hour({ logs: 0 });
    rmSync(ws.bucket.file(d2.key));
    const r = await json(ws, WINDOW);
    const chain = r.chains[0];
    assert.equal(chain.counts.validDigests, 2);
    assert.deepEqual(
      chain.findings.map((f) => [f.kind, f.key, f.relatedKey]),
      [
        ['chain-end', d1.key, undefined],
        ['deleted-digest', d2.key, d1.key],
      ],
    );
    assert.equal(chain.counts.deletedDigests, 1);
    assert.equal(r.exitCode, 1);
  });

  it('a missing middle digest is the AWS CLI\'s "not found", not also a deleted-digest finding', async () => {
    const [, d1] = ws.bucket.chain().hours(3);
    rmSync(ws.bucket.file(d1.key));
    const chain = (await json(ws, WINDOW)).chains[0];
    assert.equal(chain.counts.invalidDigests, 1);
    assert.equal(chain.counts.deletedDigests, 0);
    assert.ok(!chain.findings.some((f) => f.kind === 'deleted-digest'));
  });

  it('a forged log that no digest lists: the summary says how many logs no digest covers, and it exits 1', async () => {
    const c = ws.bucket.chain();
    c.hours(3);
    const forged = c.unlistedLog('2024-05-14T10:40:00Z');
    const r = await ws.validate(WINDOW);
    assert.match(
      r.out,
      /\n3\/3 digest files valid\n6\/6 log files valid\nFINDING\tcoverage\t1 log file\(s\) in the window are listed by no digest: 1 NOT VALIDATED \(1 inside hours that digests cover\)\nFINDING\tunlisted-log\t/,
    );
    assert.ok(r.out.includes(forged));
    assert.equal(r.code, 1);
  });

  it("two trails delivering into one folder, --trail-arn one of them: the other trail's logs are not NOT VALIDATED, a forged log still is", async () => {
    const mine = ws.bucket.chain();
    mine.hours(3);
    const other = ws.bucket.chain({ trailName: 'data-events' });
    const theirs = other.hours(3);
    const forged = mine.unlistedLog('2024-05-14T10:40:00Z');
    const r = await json(ws, [...WINDOW, '--trail-arn', ARN]);
    assert.equal(r.chains.length, 1, 'only the chosen trail is reported');
    const unlisted = r.chains[0].findings
      .filter((f) => f.kind === 'unlisted-log')
      .map((f) => f.key);
    assert.deepEqual(unlisted, [forged]);
    for (const d of theirs)
      for (const k of d.logKeys)
        assert.ok(
          !JSON.stringify(r).includes(k),
          `${k} (listed by the other trail) is not reported`,
        );
    assert.equal(r.chains[0].counts.validLogs, 6, "the other trail's logs are not counted as ours");
    assert.equal(r.exitCode, 1);
  });

  it("--trail-arn: a forged log listed only by another trail's digest that is not valid (unsigned or edited) is still NOT VALIDATED", async () => {
    const mine = ws.bucket.chain();
    mine.hours(3);
    const forged = [
      mine.unlistedLog('2024-05-14T10:30:00Z'),
      mine.unlistedLog('2024-05-14T11:30:00Z'),
    ];
    // Digests of made-up trails in the same folder naming the forged logs: one with no signature
    // on record (UNVERIFIED), one edited after signing (signature verification failed).
    const [unsigned] = ws.bucket.chain({ trailName: 'decoy-a' }).hours(1, { logs: 0 });
    const [edited] = ws.bucket.chain({ trailName: 'decoy-b' }).hours(1, { logs: 0 });
    ws.bucket.edit(unsigned.key, (j) =>
      (j.logFiles as unknown[]).push({ s3Bucket: BUCKET, s3Object: forged[0], hashValue: 'x' }),
    );
    ws.bucket.signatures.delete(unsigned.key);
    ws.bucket.edit(edited.key, (j) =>
      (j.logFiles as unknown[]).push({ s3Bucket: BUCKET, s3Object: forged[1], hashValue: 'x' }),
    );
    const r = await json(ws, [...WINDOW, '--trail-arn', ARN]);
    assert.equal(r.chains.length, 1);
    const unlisted = r.chains[0].findings.filter((f) => f.kind === 'unlisted-log');
    assert.deepEqual(
      unlisted.map((f) => f.key),
      forged,
    );
    assert.match(unlisted[0].message, /is listed only by .*decoy-a.*not valid here/);
    assert.equal(r.chains[0].counts.notValidatedLogs, 2);
    assert.equal(r.exitCode, 1);
  });

  it('a listed log with a gzip member appended (records the hash does not cover): the AWS CLI lines unchanged, a finding, exit 1', async () => {
    const [d, newest] = ws.bucket.chain().hours(2);
    const file = ws.bucket.file(d.logKeys[1]);
    const extra = gzipSync('{"Records":[{"eventName":"DeleteTrail"}]}');
    writeFileSync(file, Buffer.concat([readFileSync(file), extra]));
    const r = await ws.validate(WINDOW);
    assert.match(
      cliLines(r.out),
      /\n2\/2 digest files valid\n4\/4 log files valid\n/,
      'the AWS CLI hashes the first member only: valid',
    );
    assert.match(
      r.out,
      /\nFINDING\tcoverage\t1 listed log file\(s\) with data after what their digest hashes \(NOT VALIDATED\)\n/,
    );
    assert.ok(
      r.out.includes(
        `FINDING\tlog-trailing-data\tLog file ${d.logKeys[1]} has ${extra.length} byte(s) after the gzip member its digest hashes`,
      ),
    );
    assert.equal(r.code, 1);
    const chain = (await json(ws, WINDOW)).chains[0];
    assert.equal(chain.counts.trailingDataLogs, 1);
    assert.deepEqual(
      chain.findings.map((f) => [f.kind, f.key, f.relatedKey]),
      [
        ['log-trailing-data', d.logKeys[1], d.key],
        ['chain-end', newest.key, undefined],
      ],
    );
  });

  it('a digest with a gzip member appended (a forged log list the signature does not cover): the AWS CLI lines unchanged, a finding, --strict exit 1', async () => {
    const [d] = ws.bucket.chain().hours(2);
    const file = ws.bucket.file(d.key);
    const extra = gzipSync('{"logFiles":[{"s3Object":"forged.json.gz"}]}');
    writeFileSync(file, Buffer.concat([readFileSync(file), extra]));
    const r = await ws.validate(WINDOW);
    assert.match(
      cliLines(r.out),
      /\n2\/2 digest files valid\n4\/4 log files valid\n/,
      'the signature covers the first member only: valid, as the AWS CLI says',
    );
    assert.ok(
      r.out.includes(
        `FINDING\tdigest-trailing-data\tDigest file ${d.key} has ${extra.length} byte(s) after the gzip member its signature covers`,
      ),
      r.out,
    );
    assert.equal(r.code, 0, 'the logs it vouches for stand');
    const strict = await ws.validate([...WINDOW, '--strict']);
    assert.equal(strict.code, 1);
    const findings = (await json(ws, WINDOW)).chains[0].findings;
    assert.deepEqual(
      findings.filter((f) => f.kind === 'digest-trailing-data').map((f) => f.key),
      [d.key],
    );
  });

  it('a walk stopped short of a starting digest (an unsigned newest digest with no previous object): the logs before it are NOT VALIDATED', async () => {
    const c = ws.bucket.chain();
    const ds = c.hours(4);
    const forged = c.unlistedLog('2024-05-14T10:30:00Z');
    ws.bucket.edit(ds[3].key, (j) => (j.previousDigestS3Object = null));
    ws.bucket.signatures.delete(ds[3].key);
    const r = await json(ws, [
      '--start-time',
      '2024-05-14T09:00:00Z',
      '--end-time',
      '2024-05-14T13:20:00Z',
    ]);
    const chain = r.chains[0];
    assert.deepEqual(
      chain.events.filter((e) => e.type === 'digest').map((e) => [e.key, e.kind]),
      [[ds[3].key, 'unverifiable']],
    );
    const unlisted = chain.findings.filter((f) => f.kind === 'unlisted-log').map((f) => f.key);
    assert.deepEqual(
      [...unlisted].sort(),
      [...ds.slice(0, 3).flatMap((d) => d.logKeys), forged].sort(),
    );
    assert.match(
      chain.findings.find((f) => f.key === forged)!.message,
      /the walk of the chain stopped before its hour without reaching a starting digest/,
    );
    assert.equal(chain.counts.notValidatedLogs, 7);
  });

  it("a forged log named in the minute the chain began (neither wholly before nor inside its first digest's window) is reported, not left unjudged", async () => {
    // The first digest starts at 09:17:42; a log named 0917Z was delivered at 09:17:00-09:17:59.
    const c = ws.bucket.chain();
    c.hours(2);
    const forged = c.unlistedLog('2024-05-14T09:17:10Z');
    const r = await json(ws, [...WINDOW, '--strict']);
    const chain = r.chains[0];
    // The walk reached the starting digest: it may predate the chain, as a log just before it.
    assert.deepEqual(
      chain.findings.map((f) => [f.kind, f.keys]),
      [
        ['no-digests', [forged]],
        ['chain-end', undefined],
      ],
    );
    assert.equal(chain.counts.uncoveredLogs, 1);
    assert.equal(r.exitCode, 1, '--strict: a log no digest vouches for');
  });

  it('every hourly digest deleted, a backfill digest left: the logs no digest lists are NOT VALIDATED, not left unjudged', async () => {
    const c = ws.bucket.chain();
    const ds = c.hours(3);
    const late = c.unlistedLog('2024-05-14T10:30:00Z');
    c.backfill([late], '2024-05-14T12:40:00Z');
    for (const d of ds) {
      rmSync(ws.bucket.file(d.key));
      ws.bucket.signatures.delete(d.key);
    }
    tamperLog(ws, ds[1].logKeys[0]);
    const r = await json(ws, WINDOW);
    const chain = r.chains[0];
    const unlisted = chain.findings.filter((f) => f.kind === 'unlisted-log');
    assert.deepEqual(
      unlisted.map((f) => f.key),
      ds.flatMap((d) => d.logKeys),
    );
    assert.match(
      unlisted[0].message,
      /holds none of the hourly digests of trail management-events \(home us-east-1\), only backfill digests/,
    );
    assert.equal(chain.counts.notValidatedLogs, 6);
    assert.equal(r.exitCode, 1);
    assert.equal((await ws.validate(WINDOW)).code, 1);
  });

  it("a backfill digest in the window does not hide the chain's hourly digests before it: the logs after them are a truncated chain", async () => {
    const c = ws.bucket.chain({ start: '2024-05-13T09:17:42Z' });
    const ds = c.hours(2);
    const late = c.unlistedLog('2024-05-14T10:30:00Z');
    const after = c.unlistedLog('2024-05-14T10:45:00Z');
    c.backfill([late], '2024-05-14T12:40:00Z');
    const r = await json(ws, WINDOW);
    const chain = r.chains[0];
    const truncated = chain.findings.find((f) => f.kind === 'chain-truncated');
    assert.deepEqual([truncated?.key, truncated?.keys], [ds[1].key, [after]]);
    assert.equal(r.exitCode, 1);
  });

  it('every digest of a short window deleted (none on record) while the chain goes on after it: the logs of the window are NOT VALIDATED, not left unjudged', async () => {
    // Digests end 10:17, 11:17, 12:17, 13:17; the window 11:30-12:00 has only 12:17's hour.
    const ds = ws.bucket.chain().hours(4);
    rmSync(ws.bucket.file(ds[2].key));
    ws.bucket.signatures.delete(ds[2].key);
    for (const k of ds[2].logKeys) tamperLog(ws, k);
    const window = ['--start-time', '2024-05-14T11:30:00Z', '--end-time', '2024-05-14T12:00:00Z'];
    const r = await json(ws, window);
    const chain = r.chains[0];
    assert.equal(
      chain.counts.validDigests + chain.counts.invalidDigests,
      0,
      'the AWS CLI: No digests found',
    );
    assert.deepEqual(
      chain.findings.filter((f) => f.kind === 'unlisted-log').map((f) => f.key),
      ds[2].logKeys,
    );
    assert.match(
      chain.findings.find((f) => f.kind === 'unlisted-log')!.message,
      /the digest of its hour is missing or INVALID/,
    );
    assert.equal(chain.counts.notValidatedLogs, 2);
    assert.equal(r.exitCode, 1);
    assert.equal((await ws.validate(window)).code, 1);
  });

  it('logs only an UNVERIFIED digest lists are valid in the AWS CLI lines, and the summary says nothing signed vouches for them', async () => {
    // The newest digest has no signature on record (a folder copy without it, or one an attacker
    // added): its logs' hashes match, but its own signature cannot be checked.
    const ds = ws.bucket.chain().hours(3);
    ws.bucket.signatures.delete(ds[2].key);
    const r = await ws.validate(WINDOW);
    assert.match(
      r.out,
      /\n2\/3 digest files valid, 1\/3 digest files UNVERIFIED\n6\/6 log files valid\nFINDING\tcoverage\t2 of the valid log files are listed only by UNVERIFIED digests \(their hashes match, but no checked signature vouches for them\)\n/,
    );
    assert.equal(r.code, 1);
    const chain = (await json(ws, WINDOW)).chains[0];
    assert.equal(chain.counts.unverifiedLogs, ds[2].logKeys.length);
    assert.equal(chain.counts.validLogs, 6);
  });

  it('default window (issue 13): logs older than the first digest are reported as no-digests without --start-time', async () => {
    const c = ws.bucket.chain({ start: '2024-05-14T09:17:42Z' });
    const early = c.unlistedLog('2024-05-14T02:05:00Z');
    c.hours(2);
    const r = await json(ws, ['--end-time', '2024-05-15T00:00:00Z']);
    const nd = r.chains[0].findings.find((f) => f.kind === 'no-digests');
    assert.ok(nd, JSON.stringify(r.chains[0].findings));
    assert.deepEqual(nd.keys, [early]);
    assert.equal(r.chains[0].counts.uncoveredLogs, 1);
    assert.equal(r.exitCode, 0, 'validation off before the chain began is not tampering');
    assert.equal((await ws.validate(['--end-time', '2024-05-15T00:00:00Z', '--strict'])).code, 1);
    // The header names the window used, which reaches back to the oldest log.
    const text = await ws.validate(['--end-time', '2024-05-15T00:00:00Z']);
    assert.ok(
      text.out.startsWith(
        `Validating log files for trail ${ARN} between 2024-05-14T02:00:00Z and 2024-05-15T00:00:00Z\n`,
      ),
      text.out,
    );
    // A given --start-time is kept as the AWS CLI keeps it: the older log is then outside the window.
    const given = await json(ws, [
      '--start-time',
      '2024-05-14T09:00:00Z',
      '--end-time',
      '2024-05-15T00:00:00Z',
    ]);
    assert.ok(!given.chains[0].findings.some((f) => f.kind === 'no-digests'));
  });

  it('a digest larger than the cap once decompressed is INVALID: invalid format, even when validly signed', async () => {
    const [d0, d1] = ws.bucket.chain().hours(2);
    // 12 MiB of JSON whitespace, re-signed with the real key: without a cap this is valid.
    ws.bucket.resign(
      d1.key,
      (j) => (j.awsAccountId = `${j.awsAccountId}${' '.repeat(12 << 20)}`),
      signingKey(0),
    );
    const r = await ws.validate(WINDOW);
    assert.equal(r.err, digestLine(d1.key, 'INVALID: invalid format') + '\n\n');
    assert.match(
      r.out,
      /\n1\/2 digest files valid, 1\/2 digest files INVALID\n2\/2 log files valid\n/,
    );
    void d0;
  });

  it('a digest that is a gzip bomb (2 GiB of zeros) is INVALID: invalid format, found without inflating it', async () => {
    const [, d1] = ws.bucket.chain().hours(2);
    writeFileSync(ws.bucket.file(d1.key), zeroBomb(2048));
    const before = process.memoryUsage().rss;
    const r = await ws.validate(WINDOW);
    const grew = process.memoryUsage().rss - before;
    assert.equal(r.err, digestLine(d1.key, 'INVALID: invalid format') + '\n\n');
    assert.ok(grew < 512 << 20, `memory grew by ${grew} bytes`);
  });
});
