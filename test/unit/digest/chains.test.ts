// Layouts (organization trails, prefixes, several regions), keys (rotation, SPKI), signatures
// offline, the findings beyond the CLI, and the JSON output.
import * as assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { signingKey } from '../../../src/core/synthetic/digests';
import { cli, digestLine, Workspace } from './helpers';

const WINDOW = ['--start-time', '2024-05-14T09:00:00Z', '--end-time', '2024-05-15T00:00:00Z'];

interface JsonReport {
  exitCode: number;
  chains: Array<{
    chain: {
      prefix: string;
      organizationId?: string;
      accountId: string;
      region: string;
      trailName: string;
      homeRegion: string;
    };
    trailArn: string;
    counts: Record<string, number>;
    events: Array<{
      type: string;
      kind?: string;
      key?: string;
      localPath?: string;
      signatureSource?: string;
      startTime?: string;
      endTime?: string;
      digestKey?: string;
    }>;
    findings: Array<{
      kind: string;
      key?: string;
      relatedKey?: string;
      from?: string;
      to?: string;
      keys?: string[];
    }>;
  }>;
  findings: Array<{ kind: string }>;
}

async function json(
  ws: Workspace,
  extra: string[] = [],
  keys = [signingKey(0)],
): Promise<JsonReport> {
  const r = await ws.validate([...WINDOW, '--format', 'json', ...extra], keys);
  assert.equal(r.err, '');
  const report = JSON.parse(r.out) as JsonReport;
  assert.equal(report.exitCode, r.code);
  return report;
}

describe('digest validation: layouts, keys, signatures and findings', function () {
  this.timeout(60_000);
  let ws: Workspace;
  beforeEach(() => (ws = new Workspace()));
  afterEach(() => ws.dispose());

  it('an organization trail under a key prefix validates, with the member account in the ARN we show', async () => {
    const c = ws.bucket.chain({
      prefix: 'corp/trails',
      organizationId: 'o-a1b2c3d4e5',
      accountId: '444455556666',
      trailName: 'org-trail',
    });
    const d = c.hours(3);
    assert.ok(
      d[0].key.startsWith(
        'corp/trails/AWSLogs/o-a1b2c3d4e5/444455556666/CloudTrail-Digest/us-east-1/',
      ),
    );
    const r = await ws.validate(WINDOW);
    assert.ok(
      r.out.startsWith(
        'Validating log files for trail arn:aws:cloudtrail:us-east-1:444455556666:trail/org-trail between',
      ),
    );
    assert.match(r.out, /3\/3 digest files valid\n6\/6 log files valid\n/);
    // The management account's ARN selects the organization trail for every member account.
    const byArn = await ws.validate([
      ...WINDOW,
      '--trail-arn',
      'arn:aws:cloudtrail:us-east-1:999999999999:trail/org-trail',
    ]);
    assert.match(
      byArn.out,
      /^Validating log files for trail arn:aws:cloudtrail:us-east-1:999999999999:trail\/org-trail/,
    );
    assert.match(byArn.out, /3\/3 digest files valid/);
  });

  it('every source region of a multi-region trail is validated in one run, each with its own block; --region picks one', async () => {
    ws.bucket.chain({ region: 'us-east-1', homeRegion: 'us-east-1' }).hours(2);
    const west = ws.bucket.chain({ region: 'us-west-2', homeRegion: 'us-east-1' }).hours(3);
    assert.match(west[0].key, /_us-west-2_management-events_us-east-1_\d{8}T\d{6}Z\.json\.gz$/);
    const r = await ws.validate(WINDOW);
    const blocks = r.out.split(/^# chain: /m).slice(1);
    assert.equal(blocks.length, 2);
    assert.match(
      blocks[0],
      /^111122223333 us-east-1 \(trail management-events, home us-east-1\)\nValidating log files for trail arn:aws:cloudtrail:us-east-1:111122223333:trail\/management-events between/,
    );
    assert.match(
      blocks[1],
      /^111122223333 us-west-2 \(trail management-events, home us-east-1\)\nValidating log files for trail arn:aws:cloudtrail:us-east-1:111122223333:trail\/management-events between/,
    );
    // Each chain's newest digest long before the window's end: its end is said (chain-end).
    assert.match(
      blocks[0],
      /2\/2 digest files valid\n4\/4 log files valid\nFINDING\tchain-end\tThe newest digest ends at 2024-05-14T11:17:42Z; [^\n]*\n$/,
    );
    assert.match(
      blocks[1],
      /3\/3 digest files valid\n6\/6 log files valid\nFINDING\tchain-end\tThe newest digest ends at 2024-05-14T12:17:42Z; [^\n]*\n$/,
    );
    const one = await json(ws, ['--region', 'us-west-2']);
    assert.deepEqual(
      one.chains.map((c) => c.chain.region),
      ['us-west-2'],
    );
  });

  it('key rotation: digests signed by two keys verify when both are listed; a missing key is "public key not found"', async () => {
    const c = ws.bucket.chain();
    c.hours(2);
    c.hours(2, { key: signingKey(1) });
    const both = await ws.validate(WINDOW, [signingKey(0), signingKey(1)]);
    assert.match(both.out, /4\/4 digest files valid/);
    const old = await ws.validate(WINDOW, [signingKey(0)]);
    assert.equal(
      (old.err.match(/INVALID: public key not found in region us-east-1 for fingerprint /g) ?? [])
        .length,
      2,
    );
    assert.match(old.out, /2\/4 digest files valid, 2\/4 digest files INVALID/);
  });

  it('keys given as SubjectPublicKeyInfo are accepted (PKCS#1 first, SPKI as fallback)', async () => {
    const c = ws.bucket.chain();
    c.hours(2);
    // Keep the fingerprint of the PKCS#1 form, as the digests name it, but list the SPKI encoding.
    const keysFile = ws.keys([signingKey(0)], { spki: true });
    const text = (await import('node:fs'))
      .readFileSync(keysFile, 'utf8')
      .replace(/"Fingerprint": "[0-9a-f]+"/, `"Fingerprint": "${signingKey(0).fingerprint}"`);
    writeFileSync(keysFile, text);
    const r = await cli([
      ws.root,
      '--public-keys',
      keysFile,
      '--signatures',
      ws.signatures(),
      ...WINDOW,
    ]);
    assert.match(r.out, /2\/2 digest files valid/);
  });

  it('without a signatures file, signatures come from the next digest; the newest of each chain segment is UNVERIFIED, never valid', async () => {
    const c = ws.bucket.chain();
    const [d0, d1] = c.hours(2);
    const d2 = c.hour({ gapHoursBefore: 2 });
    const r = await cli([ws.root, '--public-keys', ws.keys(), ...WINDOW, '--format', 'json']);
    const report = JSON.parse(r.out) as JsonReport;
    const digests = report.chains[0].events.filter((e) => e.type === 'digest');
    assert.deepEqual(
      digests.map((e) => [e.key, e.kind, e.signatureSource]),
      [
        [d2.key, 'unverifiable', undefined],
        [d1.key, 'unverifiable', undefined],
        [d0.key, 'valid', 'next-digest'],
      ],
    );
    assert.equal(r.code, 1);
    const text = await cli([ws.root, '--public-keys', ws.keys(), ...WINDOW]);
    assert.ok(
      text.err.startsWith(digestLine(d2.key, 'UNVERIFIED: no signature available offline')),
    );
    assert.match(
      text.out,
      /\n1\/3 digest files valid, 2\/3 digest files UNVERIFIED\n6\/6 log files valid\n/,
    );
  });

  it('with a signatures file that has no entry for the newest digest (one added later), the UNVERIFIED line names that file instead of asking for one', async () => {
    const [, d1] = ws.bucket.chain().hours(2);
    ws.bucket.signatures.delete(d1.key);
    const signatures = ws.signatures();
    const r = await cli([
      ws.root,
      '--public-keys',
      ws.keys(),
      '--signatures',
      signatures,
      ...WINDOW,
    ]);
    assert.ok(
      r.err.startsWith(
        digestLine(
          d1.key,
          `UNVERIFIED: no signature for this digest in ${signatures} (the signatures file given), and no newer digest signs it\n`,
        ),
      ),
      r.err,
    );
    assert.doesNotMatch(r.err, /give --signatures/);
    assert.equal(r.code, 1);
  });

  it('the signatures file at the bucket root is used by default', async () => {
    ws.bucket.chain().hours(2);
    ws.bucket.writeSignatures();
    const r = await cli([ws.root, '--public-keys', ws.keys(), ...WINDOW]);
    assert.match(r.out, /2\/2 digest files valid/);
    assert.equal(r.code, 0);
  });

  it('a forged next digest cannot make an older digest valid: the embedded signature must verify', async () => {
    const [d0, d1] = ws.bucket.chain().hours(2);
    ws.bucket.signatures.delete(d0.key);
    ws.bucket.edit(d1.key, (j) => (j.previousDigestSignature = 'ab'.repeat(256)));
    const report = await json(ws);
    const kinds = report.chains[0].events
      .filter((e) => e.type === 'digest')
      .map((e) => [e.key, e.kind]);
    assert.deepEqual(kinds, [
      [d1.key, 'signature-failed'],
      [d0.key, 'signature-failed'],
    ]);
  });

  it('finding: log files on disk that no digest lists', async () => {
    const c = ws.bucket.chain();
    c.hours(3);
    const forged = c.unlistedLog('2024-05-14T10:40:00Z');
    const outside = c.unlistedLog('2024-05-14T18:00:00Z'); // after the newest digest: chain-truncated, not unlisted-log
    const report = await json(ws);
    const unlisted = report.chains[0].findings.filter((f) => f.kind === 'unlisted-log');
    assert.deepEqual(
      unlisted.map((f) => f.key),
      [forged],
    );
    assert.equal(report.chains[0].counts.invalidLogs, 0, 'CLI-compatible counts are unchanged');
    // Not validated by any digest: exit 1 without --strict too (issue 20).
    assert.equal(report.chains[0].counts.notValidatedLogs, 2);
    assert.equal(report.exitCode, 1);
    assert.ok(!unlisted.some((f) => f.key === outside));
    assert.deepEqual(report.chains[0].findings.find((f) => f.kind === 'chain-truncated')?.keys, [
      outside,
    ]);
    const strict = await ws.validate([...WINDOW, '--strict']);
    assert.equal(strict.code, 1);
    assert.match(
      strict.out,
      /\nFINDING\tunlisted-log\tLog file .* is in no digest although digests cover its delivery time \(2024-05-14T10:40:00Z\)/,
    );
  });

  it('finding: newest digests deleted while later logs exist (the CLI only moves "Results found" back)', async () => {
    const d = ws.bucket.chain().hours(5);
    rmSync(ws.bucket.file(d[4].key));
    rmSync(ws.bucket.file(d[3].key));
    const report = await json(ws);
    const chain = report.chains[0];
    assert.equal(chain.counts.validDigests, 3);
    assert.equal(chain.counts.invalidDigests, 0);
    const t = chain.findings.find((f) => f.kind === 'chain-truncated');
    assert.ok(t, JSON.stringify(chain.findings));
    assert.equal(t.key, d[2].key);
    assert.equal(t.from, '2024-05-14T12:17:42Z');
    assert.deepEqual(t.keys, [...d[3].logKeys, ...d[4].logKeys]);
    assert.equal(chain.counts.notValidatedLogs, 4);
    // Deleting only the very newest is evidence too once its successor was due at the window's end
    // (issue 20; before, the logs of its hour passed unremarked): its logs are NOT VALIDATED.
    const ws2 = new Workspace();
    try {
      const e = ws2.bucket.chain().hours(3);
      rmSync(ws2.bucket.file(e[2].key));
      const r2 = await json(ws2);
      assert.deepEqual(
        r2.chains[0].findings.find((f) => f.kind === 'chain-truncated')?.keys,
        e[2].logKeys,
      );
    } finally {
      ws2.dispose();
    }
  });

  it('finding: the newest digests deleted before the window, and an empty day folder planted after it, are still a truncated chain (not "no digests at all")', async () => {
    const c = ws.bucket.chain();
    c.hours(3);
    const late = c.unlistedLog('2024-05-15T10:00:00Z');
    const window = ['--start-time', '2024-05-15T00:00:00Z', '--end-time', '2024-05-16T00:00:00Z'];
    const truncated = async () => {
      const r = await ws.validate([...window, '--format', 'json']);
      const report = JSON.parse(r.out) as JsonReport;
      return report.chains.flatMap((ch) =>
        ch.findings.filter((f) => f.kind === 'chain-truncated').flatMap((f) => f.keys ?? []),
      );
    };
    assert.deepEqual(await truncated(), [late]);
    // The newest day folder of digests is then a planted, empty one, after the window.
    mkdirSync(ws.bucket.file('AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2099/12/31'), {
      recursive: true,
    });
    assert.deepEqual(await truncated(), [late]);
  });

  it('finding: a middle digest edited and re-signed with the real key (CLI: all valid) breaks the previous-digest hash and signature links', async () => {
    const [d0, d1, d2] = ws.bucket.chain().hours(3);
    ws.bucket.resign(
      d1.key,
      (j) => (j.logFiles = (j.logFiles as unknown[]).slice(1)),
      signingKey(0),
    );
    const report = await json(ws);
    const chain = report.chains[0];
    assert.equal(chain.counts.validDigests, 3, 'the CLI would say 3/3 valid');
    const kinds = chain.findings.map((f) => [f.kind, f.key, f.relatedKey]);
    assert.deepEqual(
      kinds.filter(([k]) => k !== 'unlisted-log'),
      [
        ['previous-hash-mismatch', d2.key, d1.key],
        ['previous-signature-mismatch', d2.key, d1.key],
        ['chain-end', d2.key, undefined],
      ],
    );
    // The dropped log is still on disk and now listed nowhere.
    assert.deepEqual(
      chain.findings.filter((f) => f.kind === 'unlisted-log').map((f) => f.key),
      [d1.logKeys[0]],
    );
    void d0;
  });

  it('only the stored signature of a middle digest replaced: INVALID as in the CLI, and the link mismatch is reported', async () => {
    const [, d1, d2] = ws.bucket.chain().hours(3);
    ws.bucket.signatures.set(d1.key, {
      signature: 'ab'.repeat(256),
      'signature-algorithm': 'SHA256withRSA',
    });
    const report = await json(ws);
    const chain = report.chains[0];
    assert.deepEqual(
      chain.events.filter((e) => e.type === 'digest').map((e) => e.kind),
      ['valid', 'signature-failed', 'valid'],
    );
    assert.deepEqual(
      chain.findings.map((f) => [f.kind, f.key]),
      [
        ['previous-signature-mismatch', d2.key],
        ['chain-end', d2.key],
      ],
    );
  });

  it('finding: digest windows that do not join', async () => {
    const [d0, d1] = ws.bucket.chain().hours(2);
    ws.bucket.resign(d1.key, (j) => (j.digestStartTime = '2024-05-14T10:30:00Z'), signingKey(0));
    const report = await json(ws);
    const w = report.chains[0].findings.find((f) => f.kind === 'window-discontinuity');
    assert.ok(w);
    assert.deepEqual(
      [w.key, w.relatedKey, w.from, w.to],
      [d1.key, d0.key, '2024-05-14T10:17:42Z', '2024-05-14T10:30:00Z'],
    );
  });

  it("finding: a digest signed with a key outside the key's listed validity period", async () => {
    const [d0, d1] = ws.bucket.chain().hours(2);
    const keysFile = ws.bucket.writePublicKeys(join(ws.dir, 'late-keys.json'), [signingKey(0)]);
    const keys = JSON.parse((await import('node:fs')).readFileSync(keysFile, 'utf8'));
    keys.PublicKeyList[0].ValidityStartTime = '2024-05-14T10:30:00Z';
    writeFileSync(keysFile, JSON.stringify(keys));
    const r = await cli([
      ws.root,
      '--public-keys',
      keysFile,
      '--signatures',
      ws.signatures(),
      ...WINDOW,
      '--format',
      'json',
    ]);
    const report = JSON.parse(r.out) as JsonReport;
    assert.equal(
      report.chains[0].counts.validDigests,
      2,
      'still valid, as the CLI would say if it were given the key',
    );
    assert.deepEqual(
      report.chains[0].findings.map((f) => [f.kind, f.key]),
      [
        ['key-outside-validity', d0.key],
        ['chain-end', d1.key],
      ],
    );
  });

  it('finding: each gap with its time span', async () => {
    const c = ws.bucket.chain();
    c.hours(1);
    const d1 = c.hour({ gapHoursBefore: 2 });
    const d2 = c.hour({ gapHoursBefore: 1 });
    const gaps = (await json(ws)).chains[0].findings.filter((f) => f.kind === 'gap');
    assert.deepEqual(
      gaps.map((g) => [g.key, g.from, g.to]),
      [
        [d2.key, '2024-05-14T13:17:42Z', '2024-05-14T14:17:42Z'],
        [d1.key, '2024-05-14T10:17:42Z', '2024-05-14T12:17:42Z'],
      ],
    );
  });

  it('finding: a previous-digest pointer that loops back stops the walk', async () => {
    const [d0, d1] = ws.bucket.chain().hours(2);
    ws.bucket.resign(
      d0.key,
      (j) =>
        Object.assign(j, {
          previousDigestS3Bucket: ws.bucket.bucket,
          previousDigestS3Object: d1.key,
        }),
      signingKey(0),
    );
    const chain = (await json(ws)).chains[0];
    assert.deepEqual(
      chain.events.filter((e) => e.type === 'digest').map((e) => [e.key, e.kind]),
      [
        [d1.key, 'valid'],
        [d0.key, 'valid'],
      ],
    );
    assert.deepEqual(
      chain.findings.filter((f) => f.kind === 'chain-cycle').map((f) => f.key),
      [d1.key],
    );
  });

  it('backfill: a late log a signed backfill digest lists is vouched for, outside the AWS CLI lines; without it, or edited since, it fails', async () => {
    const chain = ws.bucket.chain();
    const [, , d2] = chain.hours(3);
    // A log delivered late for the 10:17–11:17 hour, which its digest does not list.
    const late = chain.unlistedLog('2024-05-14T10:40:00Z');
    const without = (await json(ws)).chains[0];
    assert.deepEqual(
      without.findings.map((f) => [f.kind, f.key]),
      [
        ['unlisted-log', late],
        ['chain-end', d2.key],
      ],
    );
    const written = chain.backfill([late], '2024-05-14T13:05:00Z');
    const r = await ws.validate(WINDOW);
    assert.equal(r.code, 0, r.out);
    const report = await json(ws);
    const c = report.chains[0];
    // The AWS CLI's lines and counts are those of the hourly digests only.
    assert.equal(c.counts.validDigests, 3);
    assert.equal(c.counts.validLogs, 6);
    assert.equal(c.counts.invalidBackfill, 0);
    assert.deepEqual(
      c.findings.map((f) => [f.kind, f.keys]),
      [
        ['backfill-validated', [written.key]],
        ['chain-end', undefined],
      ],
    );
    assert.ok(
      r.out.includes(
        "FINDING\tbackfill-validated\t1 backfill digest file(s) valid, vouching for 1 log file(s) delivered after their hour's digest",
      ),
      r.out,
    );
    assert.ok(!r.out.includes(written.key), 'not among the AWS CLI lines');

    // The late log edited: the backfill digest's hash no longer matches it.
    writeFileSync(ws.bucket.file(late), gzipSync('{"Records":[]}'));
    const edited = (await json(ws)).chains[0];
    assert.deepEqual(
      edited.findings.map((f) => [f.kind, f.key]),
      [
        ['backfill-log-invalid', late],
        ['backfill-validated', undefined],
        ['chain-end', d2.key],
      ],
    );
    assert.equal((await ws.validate(WINDOW)).code, 1);
  });

  it('backfill: a backfill digest copied from elsewhere or signed by another key fails, and its logs are NOT VALIDATED once', async () => {
    const chain = ws.bucket.chain();
    const [d0, d1] = chain.hours(2);
    // A copy of an hourly digest under a backfill name: its content names another location.
    const copy = d0.key.replace('.json.gz', '_backfill.json.gz');
    copyFileSync(ws.bucket.file(d0.key), ws.bucket.file(copy));
    // A forged one: listed logs, a signature by a key CloudTrail does not hold.
    const forgedLog = chain.unlistedLog('2024-05-14T10:20:00Z');
    const forger = ws.bucket.chain({ key: signingKey(1) });
    const forged = forger.backfill([forgedLog], '2024-05-14T12:00:00Z');
    const c = (await json(ws)).chains[0];
    assert.deepEqual(
      c.findings.map((f) => [f.kind, f.key]).sort(),
      [
        ['backfill-invalid', copy],
        ['backfill-invalid', forged.key],
        ['chain-end', d1.key],
      ].sort(),
    );
    assert.equal(c.counts.invalidBackfill, 2);
    assert.equal(c.counts.validDigests, 2, 'the AWS CLI lines unchanged');
    const r = await ws.validate(WINDOW);
    assert.equal(r.code, 1);
    assert.match(
      r.out,
      /Backfill digest \S+_backfill\.json\.gz is INVALID: has been moved from its original location/,
    );
  });

  it('JSON: every verdict with kind, key, local path and times', async () => {
    const [d0] = ws.bucket.chain().hours(1);
    rmSync(ws.bucket.file(d0.logKeys[1]));
    const report = await json(ws);
    const [digest, ok, missing] = report.chains[0].events;
    assert.deepEqual(
      {
        type: digest.type,
        kind: digest.kind,
        key: digest.key,
        localPath: digest.localPath,
        startTime: digest.startTime,
        endTime: digest.endTime,
        signatureSource: digest.signatureSource,
      },
      {
        type: 'digest',
        kind: 'valid',
        key: d0.key,
        localPath: join(ws.root, ...d0.key.split('/')),
        startTime: '2024-05-14T09:17:42Z',
        endTime: '2024-05-14T10:17:42Z',
        signatureSource: 'signatures-file',
      },
    );
    assert.equal(ok.kind, 'valid');
    assert.deepEqual(
      [missing.type, missing.kind, missing.key, missing.digestKey],
      ['log', 'not-found', d0.logKeys[1], d0.key],
    );
    assert.equal(report.exitCode, 1);
  });

  it('bad input: public keys and signatures files are named in the error; missing options are usage errors', async () => {
    ws.bucket.chain().hours(1);
    const bad = join(ws.dir, 'bad-keys.json');
    writeFileSync(bad, '{"Keys": []}');
    const r = await cli([ws.root, '--public-keys', bad]);
    assert.equal(r.code, 2);
    assert.match(r.err, /bad-keys\.json: has no "PublicKeyList" array/);
    const sig = join(ws.dir, 'sig.json');
    writeFileSync(sig, '[1,2]');
    const r2 = await cli([ws.root, '--public-keys', ws.keys(), '--signatures', sig]);
    assert.equal(r2.code, 2);
    assert.match(r2.err, /sig\.json: expected \{"bucket"/);
    assert.equal((await cli([ws.root])).code, 2);
    assert.match(
      (await cli([ws.root, '--public-keys', ws.keys(), '--start-time', 'yesterday'])).err,
      /--start-time "yesterday" is not a date/,
    );
    // An offset is not applied (as the AWS CLI reads it), and the user is told so.
    const shifted = await cli([
      ws.root,
      '--public-keys',
      ws.keys(),
      '--start-time',
      '2024-05-14T11:00:00+02:00',
    ]);
    assert.match(
      shifted.err,
      /note: --start-time 2024-05-14T11:00:00\+02:00: the offset \+02:00 is not applied: read as 2024-05-14T11:00:00Z/,
    );
    assert.match(
      (
        await cli([
          ws.root,
          '--public-keys',
          ws.keys(),
          '--start-time',
          '2024-05-15T00:00:00Z',
          '--end-time',
          '2024-05-14T00:00:00Z',
        ])
      ).err,
      /start-time must occur before end-time/,
    );
    assert.match(
      (await cli([ws.root, '--public-keys', ws.keys(), '--trail-arn', 'arn:nope'])).err,
      /Invalid trail ARN provided: arn:nope/,
    );
  });

  it('a folder with logs but no digests says so', async () => {
    const c = ws.bucket.chain();
    c.hours(1);
    rmSync(join(ws.root, 'AWSLogs', '111122223333', 'CloudTrail-Digest'), { recursive: true });
    const r = await ws.validate(WINDOW);
    assert.equal(r.code, 1);
    assert.match(r.err, /No digest files found under /);
    assert.match(
      r.out,
      /FINDING\tno-digests\t2 log file\(s\) under AWSLogs\/111122223333\/CloudTrail\/us-east-1\/ have no digest files at all/,
    );
    // In JSON too, without the signatures file (whose deleted digests would fail it anyway):
    // nothing vouched for is never "all valid" (it was exit 0 there).
    const json = await cli([ws.root, '--public-keys', ws.keys(), ...WINDOW, '--format', 'json']);
    assert.equal(json.code, 1);
    assert.equal((JSON.parse(json.out) as { exitCode: number }).exitCode, 1);
  });
});
