// The VS Code report's model: text with file links, Problems-panel entries, suspicious logs.
import * as assert from 'node:assert/strict';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { FolderSource } from '../../../src/core/sources/folder';
import { SourceError } from '../../../src/core/sources/source';
import {
  PublicKeyRing,
  parsePublicKeyFile,
  validateSource,
  parseSignaturesFile,
  serializeSignaturesFile,
  ValidationReport,
} from '../../../src/core/digest';
import {
  planProblems,
  renderReport,
  suspiciousLogKeys,
} from '../../../src/extension/digest/reportModel';
import { publicKeysJson, signingKey } from '../../../src/core/synthetic/digests';
import { Workspace } from './helpers';

describe('digest report model (VS Code side, without VS Code)', function () {
  this.timeout(60_000);
  let ws: Workspace;
  beforeEach(() => (ws = new Workspace()));
  afterEach(() => ws.dispose());

  async function validate() {
    return validateSource(new FolderSource(ws.root), {
      publicKeys: new PublicKeyRing(
        parsePublicKeyFile(publicKeysJson([signingKey(0)]), 'keys.json'),
      ),
      signatures: parseSignaturesFile(
        serializeSignaturesFile(ws.bucket.bucket, ws.bucket.signatures),
        'sig.json',
      ),
      startTime: Date.parse('2024-05-14T09:00:00Z'),
      endTime: Date.parse('2024-05-15T00:00:00Z'),
    });
  }

  it('problems: INVALID files as errors on the file, missing files on the digest naming them, NOT VALIDATED logs as errors', async () => {
    const c = ws.bucket.chain();
    const [d0, d1, d2] = c.hours(3);
    writeFileSync(
      ws.bucket.file(d0.logKeys[0]),
      gzipSync('{"Records":[{"eventName":"DeleteTrail"}]}'),
    );
    rmSync(ws.bucket.file(d0.logKeys[1]));
    rmSync(ws.bucket.file(d1.key));
    const forged = c.unlistedLog('2024-05-14T09:50:00Z');
    const report = await validate();
    const problems = planProblems(report, existsSync).map((p) => [p.path, p.severity, p.code]);
    const f = (k: string) => join(ws.root, ...k.split('/'));
    assert.deepEqual(problems, [
      [f(d2.key), 'error', 'not-found'], // the missing d1 is shown on d2, which points at it
      [f(d0.logKeys[0]), 'error', 'hash-mismatch'],
      [f(d0.key), 'error', 'not-found'], // the missing log on the digest that lists it
      // Unlisted (NOT VALIDATED): the forged log, and the logs only the missing digest listed.
      [f(forged), 'error', 'unlisted-log'],
      ...d1.logKeys.map((k) => [f(k), 'error', 'unlisted-log']),
    ]);
    assert.deepEqual(
      suspiciousLogKeys(report).sort(),
      [d0.logKeys[0], forged, ...d1.logKeys].sort(),
    );
  });

  it('report text: an UNVERIFIED digest says what the CLI says: no signature offline, or none in the signatures file given', async () => {
    const [, d1] = ws.bucket.chain().hours(2);
    ws.bucket.signatures.delete(d1.key);
    const line = (text: string) => text.split('\n').find((l) => l.includes('UNVERIFIED:'));
    const ctx = { when: '2024-05-15T00:00:00Z', keyFiles: ['/k.json'] };
    assert.equal(
      line(renderReport(await validate(), { ...ctx, signaturesFile: 'sig.json' }).text),
      '   Digest  UNVERIFIED: no signature for this digest in sig.json (the signatures file given), and no newer digest signs it  2024-05-14T10:17:42Z to 2024-05-14T11:17:42Z, 2 log file(s)',
    );
    const offline = await validateSource(new FolderSource(ws.root), {
      publicKeys: new PublicKeyRing(
        parsePublicKeyFile(publicKeysJson([signingKey(0)]), 'keys.json'),
      ),
      startTime: Date.parse('2024-05-14T09:00:00Z'),
      endTime: Date.parse('2024-05-15T00:00:00Z'),
    });
    assert.match(
      line(renderReport(offline, ctx).text)!,
      /^ {3}Digest {2}UNVERIFIED: no signature available offline {2}2024/,
    );
  });

  it('report text: keys found with the evidence are said to be so, with the fingerprints of the keys that verified a digest to compare', async () => {
    const c = ws.bucket.chain();
    c.hours(2);
    c.hour({ key: signingKey(1) }); // a rotation: two keys verify digests
    const keyFile = '/evidence/cloudtrail-public-keys.json';
    const report = await validateSource(new FolderSource(ws.root), {
      publicKeys: new PublicKeyRing(
        parsePublicKeyFile(publicKeysJson([0, 1, 2].map(signingKey)), keyFile),
      ),
      signatures: parseSignaturesFile(
        serializeSignaturesFile(ws.bucket.bucket, ws.bucket.signatures),
        'sig.json',
      ),
      startTime: Date.parse('2024-05-14T09:00:00Z'),
      endTime: Date.parse('2024-05-15T00:00:00Z'),
    });
    const ctx = { when: '2024-05-15T00:00:00Z', keyFiles: [keyFile], signaturesFile: 'sig.json' };
    const lines = renderReport(report, { ...ctx, keysFromEvidence: true }).text.split('\n');
    const at = lines.indexOf(`Public keys: ${keyFile}`);
    assert.ok(at > 0, lines.join('\n'));
    assert.match(lines[at + 1], /found in a file kept with the evidence, not chosen by you/);
    const used = [signingKey(0).fingerprint, signingKey(1).fingerprint].sort();
    assert.equal(
      lines[at + 2],
      `   Keys that verified a digest (fingerprints): ${used.join(', ')}. Compare them with the Fingerprint values that "aws cloudtrail list-public-keys" prints when run with your own credentials.`,
    );
    assert.ok(!lines[at + 2].includes(signingKey(2).fingerprint), 'a key that verified nothing');
    // Keys the user chose: no such warning.
    const chosen = renderReport(report, ctx).text;
    assert.doesNotMatch(chosen, /kept with the evidence|verified a digest/);
  });

  it('report text: each chain, each non-valid file with a link to its local path, findings; digest text shown verbatim', async () => {
    const [d0] = ws.bucket.chain().hours(2);
    writeFileSync(ws.bucket.file(d0.logKeys[0]), gzipSync('x'));
    const report = await validate();
    const { text, links } = renderReport(report, {
      when: '2024-05-15T00:00:00Z',
      keyFiles: ['/k.json'],
      signaturesFile: '/s.json',
    });
    const lines = text.split('\n');
    assert.match(text, /^CloudTrail digest validation: /);
    assert.match(
      text,
      /1 chain\(s\): 0 fully valid, 1 with INVALID, UNVERIFIED or NOT VALIDATED files or deleted digests/,
    );
    assert.match(text, /Digests: 2\/2 valid; log files: 3\/4 valid, 1 INVALID/);
    assert.ok(links.length >= 3);
    for (const l of links) assert.equal(lines[l.line].slice(l.start, l.end), l.path);
    const bad = join(ws.root, ...d0.logKeys[0].split('/'));
    const i = links.find((l) => l.path === bad)!.line;
    assert.match(lines[i - 1], /Log {2}INVALID: hash value doesn't match/);
  });

  it('a deleted newest digest (issue 20): counts in the text, each NOT VALIDATED log an error on itself, the deleted digest on the one before, all suspicious', async () => {
    const [d0, d1] = ws.bucket.chain().hours(2);
    rmSync(ws.bucket.file(d1.key));
    const report = await validate();
    const { text } = renderReport(report, {
      when: '2024-05-15T00:00:00Z',
      keyFiles: ['/k.json'],
      signaturesFile: '/s.json',
    });
    assert.match(text, /: NOT VALID\n/);
    assert.match(
      text,
      /\n {3}Beyond the AWS CLI's counts: 2 log file\(s\) in the window are listed by no digest: 2 NOT VALIDATED \(2 delivered after the newest digest, whose successor was due\); 1 digest file\(s\) deleted \(signature on record, file gone\)\n/,
    );
    assert.match(text, /FINDING deleted-digest: Digest file .* has a signature on record/);
    assert.match(
      text,
      /FINDING chain-truncated: The newest digest ends at 2024-05-14T10:17:42Z and its successor was due by 2024-05-14T11:32:42Z/,
    );
    const f = (k: string) => join(ws.root, ...k.split('/'));
    const source = new FolderSource(ws.root);
    const problems = planProblems(report, existsSync, (k) => source.localPath(k)).map((p) => [
      p.path,
      p.severity,
      p.code,
    ]);
    assert.deepEqual(problems, [
      [f(d0.key), 'error', 'chain-truncated'],
      ...d1.logKeys.map((k) => [f(k), 'error', 'chain-truncated']),
      [f(d0.key), 'error', 'deleted-digest'],
    ]);
    assert.deepEqual(suspiciousLogKeys(report), d1.logKeys);
  });
});

describe('digest report model: notices of files no digest vouches for', () => {
  it('insights-unvouched and outside-trails: the count on top, the message, the first files (linked where local), how many more; never a problem or a suspicious log', () => {
    const insight = (i: number) =>
      `AWSLogs/111122223333/CloudTrail-Insight/us-east-1/2024/05/14/111122223333_CloudTrail-Insight_us-east-1_20240514T10${String(i).padStart(2, '0')}Z_AAAAAAAAAAAAAAAA.json.gz`;
    const insights = Array.from({ length: 22 }, (_, i) => insight(i));
    const report: ValidationReport = {
      source: 's3://bucket',
      chains: [],
      keyWarnings: [],
      findings: [
        {
          kind: 'insights-unvouched',
          message: '22 CloudTrail Insights file(s) under … are read as events by a load',
          keys: insights,
        },
        { kind: 'outside-trails', message: '1 file(s) …', keys: ['exports/x.json'] },
      ],
    };
    const local = (key: string) => (key === insights[0] ? `/copy/${key}` : undefined);
    const { text, links } = renderReport(report, {
      when: 'now',
      keyFiles: [],
      localPathOf: local,
    });
    const lines = text.split('\n');
    assert.ok(
      lines.includes(
        '22 CloudTrail Insights file(s) in the window are vouched for by no digest (see Other findings)',
      ),
      text,
    );
    const at = lines.indexOf(
      '   FINDING insights-unvouched: 22 CloudTrail Insights file(s) under … are read as events by a load',
    );
    assert.ok(at > 0, text);
    assert.deepEqual(lines.slice(at + 1, at + 22), [
      `        /copy/${insights[0]}`,
      ...insights.slice(1, 20).map((k) => `        ${k}`),
      '        and 2 more',
    ]);
    assert.deepEqual(
      links.map((l) => [l.line, l.path]),
      [[at + 1, `/copy/${insights[0]}`]],
    );
    assert.deepEqual(lines.slice(at + 22, at + 24), [
      '   FINDING outside-trails: 1 file(s) …',
      '        exports/x.json',
    ]);
    assert.deepEqual(
      planProblems(report, () => true),
      [],
    );
    assert.deepEqual(suspiciousLogKeys(report), []);
  });
});

describe('digest validation: cancellation', function () {
  this.timeout(60_000);
  it('stops with a "cancelled" SourceError when the signal aborts mid-chain, without stray rejections', async () => {
    const ws = new Workspace();
    const stray: unknown[] = [];
    const onStray = (e: unknown) => stray.push(e);
    process.on('unhandledRejection', onStray);
    try {
      ws.bucket.chain().hours(6, { logs: 6 });
      const abort = new AbortController();
      let seen = 0;
      await assert.rejects(
        validateSource(new FolderSource(ws.root), {
          publicKeys: new PublicKeyRing(
            parsePublicKeyFile(publicKeysJson([signingKey(0)]), 'keys.json'),
          ),
          signatures: parseSignaturesFile(
            serializeSignaturesFile(ws.bucket.bucket, ws.bucket.signatures),
            'sig.json',
          ),
          concurrency: 2,
          signal: abort.signal,
          onProgress: (p) => {
            seen = p.logs;
            abort.abort();
          },
        }),
        (e: unknown) => e instanceof SourceError && e.code === 'cancelled',
      );
      await new Promise((r) => setTimeout(r, 50));
      assert.ok(seen < 36, 'it went on after the abort');
      assert.deepEqual(stray, []);
    } finally {
      process.off('unhandledRejection', onStray);
      ws.dispose();
    }
  });
});
