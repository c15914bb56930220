// `cloudtrail-lens query|validate s3://…` and downloading a bucket prefix to a folder, against a
// local S3 server seeded with a signed digest chain (signatures in the digests' S3 metadata).
// Validation from S3 must equal validation of the same objects downloaded (signatures written
// to the folder's signatures file) and of the original files with their signatures file.
import { strict as assert } from 'node:assert';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { runQuery } from '../../../src/cli/query';
import { runValidate } from '../../../src/cli/validate';
import { runReport } from '../../../src/cli/report';
import { applyEdit, emptyCase, serializeCase } from '../../../src/core/case/caseFile';
import { UsageError, CliIo } from '../../../src/cli/io';
import { parseSignaturesFile, SIGNATURES_FILE_NAME } from '../../../src/core/digest/signatures';
import { S3Source } from '../../../src/core/sources/s3';
import { downloadToFolder } from '../../../src/core/sources/s3Download';
import { SignedBucket, signingKey } from '../../../src/core/synthetic/digests';
import { S3RVER_CREDENTIALS, TestS3Server } from '../../support/s3server';

const BUCKET = 'cli-trail-bucket';
const PREFIX = 'trails';

async function run(
  cmd: (args: string[], io: CliIo) => Promise<number>,
  args: string[],
): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  let code: number;
  try {
    code = await cmd(args, { out: (t) => (out += t), err: (t) => (err += t), stderrIsTTY: false });
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    err += e.message;
    code = 2;
  }
  return { code, out, err };
}

describe('S3 from the CLI, and downloads for offline validation', function () {
  this.timeout(60_000);
  let server: TestS3Server;
  let dir: string;
  let bucket: SignedBucket;
  let keys: string;
  let tamperedLog: string;
  const savedEnv: Record<string, string | undefined> = {};
  const ENV = {
    AWS_ACCESS_KEY_ID: S3RVER_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: S3RVER_CREDENTIALS.secretAccessKey,
    AWS_REGION: 'us-east-1',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_PROFILE: undefined,
    AWS_SESSION_TOKEN: undefined,
  };

  const s3Source = (prefix = PREFIX): S3Source =>
    new S3Source(
      { bucket: BUCKET, prefix, endpoint: server.endpoint, region: 'us-east-1' },
      { credentials: S3RVER_CREDENTIALS, maxAttempts: 1 },
    );

  before(async () => {
    for (const [k, v] of Object.entries(ENV)) {
      savedEnv[k] = process.env[k];
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    dir = mkdtempSync(join(tmpdir(), 'ctl-s3cli-'));
    bucket = new SignedBucket(join(dir, 'original'), BUCKET);
    const chain = bucket.chain({
      prefix: PREFIX,
      accountId: '111122223333',
      region: 'us-east-1',
      trailName: 'management-events',
    });
    const digests = chain.hours(3);
    // A log changed after delivery: INVALID (hash) in every way of validating.
    tamperedLog = digests[1].logKeys[0];
    const json = JSON.parse(gunzipSync(readFileSync(bucket.file(tamperedLog))).toString('utf8'));
    json.Records[0].eventName = 'DeleteTrail';
    bucket.write(tamperedLog, gzipSync(Buffer.from(JSON.stringify(json))));
    bucket.writeSignatures();
    keys = bucket.writePublicKeys(join(dir, 'keys.json'), [signingKey(0)]);
    server = await new TestS3Server([BUCKET]).start();
    await server.uploadFolder(
      BUCKET,
      bucket.root,
      bucket.signatures,
      (k) => k === SIGNATURES_FILE_NAME,
    );
  });

  after(async () => {
    await server?.dispose();
    for (const [k, v] of Object.entries(savedEnv)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('query s3://bucket/prefix finds the same events as the local copy', async () => {
    const fromS3 = await run(runQuery, [
      `s3://${BUCKET}/${PREFIX}/`,
      '--endpoint',
      server.endpoint,
      '--format',
      'jsonl',
    ]);
    const local = await run(runQuery, [bucket.root, '--format', 'jsonl']);
    assert.equal(fromS3.code, 0, fromS3.err);
    assert.equal(local.code, 0, local.err);
    assert.equal(fromS3.out.trim().split('\n').length, 18);
    assert.equal(fromS3.out, local.out);
    const count = await run(runQuery, [
      `s3://${BUCKET}/${PREFIX}`,
      '--endpoint',
      server.endpoint,
      '--count',
      '--filter',
      'eventName:DeleteTrail',
    ]);
    assert.equal(count.out, '1\n');
  });

  it('query --endpoint with a password in its URL: the index cache it writes never holds the password', async () => {
    const cacheDir = join(dir, 'endpoint-password-cache');
    const endpoint = server.endpoint.replace('http://', 'http://alice:hunter2@');
    const args = [`s3://${BUCKET}/${PREFIX}/`, '--endpoint', endpoint, '--cache-dir', cacheDir];
    const first = await run(runQuery, [...args, '--count']);
    assert.equal(first.code, 0, first.err);
    assert.equal(first.out, '18\n');
    const files = readdirSync(cacheDir);
    assert.ok(files.length > 0, 'the pack and snapshot are written');
    for (const f of files)
      assert.ok(!readFileSync(join(cacheDir, f)).includes('hunter2'), `${f} holds the password`);
    // The same scope is found again (the snapshot serves the second run).
    const again = await run(runQuery, [...args, '--count']);
    assert.equal(again.out, '18\n');
    assert.deepEqual(readdirSync(cacheDir).sort(), files.sort());
  });

  it('query s3:// naming one object reads just that object', async () => {
    const one = await run(runQuery, [
      `s3://${BUCKET}/${tamperedLog}`,
      '--endpoint',
      server.endpoint,
      '--count',
    ]);
    assert.equal(one.code, 0, one.err);
    assert.equal(one.out, '3\n');
  });

  it('query: a missing bucket or an empty prefix is a clear error (exit 2)', async () => {
    const missing = await run(runQuery, [
      's3://no-such-bucket/x/',
      '--endpoint',
      server.endpoint,
      '--count',
    ]);
    assert.equal(missing.code, 2);
    assert.match(missing.err, /s3:\/\/no-such-bucket: no such bucket/);
    const empty = await run(runQuery, [
      `s3://${BUCKET}/nothing-here/`,
      '--endpoint',
      server.endpoint,
      '--count',
    ]);
    assert.equal(empty.code, 2);
    assert.match(empty.err, /nothing under this location/);
  });

  it('validate s3://… (signatures from S3 metadata) equals validating the original files with their signatures file', async () => {
    const fromS3 = await run(runValidate, [
      `s3://${BUCKET}/${PREFIX}`,
      '--endpoint',
      server.endpoint,
      '--public-keys',
      keys,
      '--end-time',
      '2025-01-01T00:00:00Z',
    ]);
    const local = await run(runValidate, [
      bucket.root,
      '--public-keys',
      keys,
      '--end-time',
      '2025-01-01T00:00:00Z',
    ]);
    assert.equal(fromS3.code, 1, fromS3.err);
    assert.match(
      fromS3.err,
      new RegExp(
        `Log file\\ts3://${BUCKET}/${tamperedLog.replace(/[.]/g, '\\.')}\\tINVALID: hash value doesn't match`,
      ),
    );
    assert.match(
      fromS3.out,
      /3\/3 digest files valid\n5\/6 log files valid, 1\/6 log files INVALID/,
    );
    assert.equal(fromS3.out, local.out);
    assert.equal(fromS3.err, local.err);
    assert.equal(fromS3.code, local.code);
  });

  it('report CASEFILE s3://… (digests validated from S3 metadata) equals the report of the local copy: events, hashes, verdicts', async () => {
    // Two events annotated: one of the tampered log, one of a log a valid digest lists.
    const listed = await run(runQuery, [
      bucket.root,
      '--format',
      'csv',
      '--fields',
      'eventID,time,file',
      '--no-cache',
    ]);
    const rows = listed.out
      .trim()
      .split(/\r?\n/)
      .slice(1)
      .map((l) => l.split(','));
    const validLog = bucket.digests[0].logKeys[0];
    const pick = (key: string) => rows.find((r) => r[2].endsWith(key.split('/').pop()!))!;
    const events = [pick(tamperedLog), pick(validLog)].map(([eventID, eventTime, file]) => ({
      eventID,
      eventTime,
      key: file.slice(bucket.root.length + 1),
    }));
    const caseFile = join(dir, 'case.json');
    writeFileSync(
      caseFile,
      serializeCase(
        applyEdit(
          emptyCase(),
          events,
          { kind: 'add-tags', tags: ['exfil'] },
          'alice',
          new Date('2026-12-05T20:00:00Z'),
        ),
      ),
    );
    const fromS3 = await run(runReport, [
      caseFile,
      `s3://${BUCKET}/${PREFIX}/`,
      '--endpoint',
      server.endpoint,
      '--public-keys',
      keys,
      '--no-cache',
    ]);
    const local = await run(runReport, [
      caseFile,
      bucket.root,
      '--public-keys',
      keys,
      '--no-cache',
    ]);
    assert.equal(fromS3.code, 0, fromS3.err);
    assert.equal(local.code, 0, local.err);
    assert.doesNotMatch(fromS3.err, /validated for folders/);
    /** The custody table, each row's file name, hashes and verdict (the locations differ: s3:// and a path). */
    const custody = (md: string) =>
      md
        .split('\n')
        .filter((l) => /^\| \d+ \| /.test(l))
        .map((l) => {
          const cells = l.split(' | ');
          return {
            file: cells[1].replace(/`/g, '').split('/').pop(),
            sha256: cells[2],
            content: cells[3],
            verdict: cells[4],
          };
        });
    const s3Custody = custody(fromS3.out);
    assert.equal(s3Custody.length, 2);
    assert.deepEqual(s3Custody, custody(local.out));
    assert.deepEqual(s3Custody.map((c) => c.verdict).sort(), ['**INVALID**', '**valid**']);
    assert.equal(
      s3Custody.find((c) => c.verdict === '**INVALID**')?.file,
      tamperedLog.split('/').pop(),
    );
    const sha = createHash('sha256')
      .update(readFileSync(bucket.file(tamperedLog)))
      .digest('hex');
    assert.ok(s3Custody.some((c) => c.sha256 === `\`${sha}\``));
    assert.ok(fromS3.out.includes(`\`s3://${BUCKET}/${tamperedLog}\``), 'the S3 location is named');
    // The events and what was said about them are the same.
    const events_ = (md: string) =>
      md
        .split('\n')
        .filter((l) => /^(### |- \*\*(Who|What|Where|Tags|Event ID|Detections):)/.test(l));
    assert.deepEqual(events_(fromS3.out), events_(local.out));
    assert.match(
      fromS3.out,
      /\*\*Covers:\*\* the starred, tagged or noted events of the case: 2 events/,
    );
  });

  it('downloads a prefix with bounded concurrency and writes the digests’ signatures; the copy validates exactly as S3 does', async () => {
    const target = join(dir, 'download');
    const source = s3Source();
    let progressCalls = 0;
    const res = await downloadToFolder(source, { prefix: source.prefix }, target, {
      concurrency: 3,
      onProgress: () => progressCalls++,
    });
    source.dispose();
    assert.equal(res.failed.length, 0, JSON.stringify(res.failed));
    assert.equal(res.written.length, 9, '6 logs and 3 digests');
    assert.equal(progressCalls, 9);
    assert.equal(res.signatures, 3);
    const sig = parseSignaturesFile(readFileSync(join(target, SIGNATURES_FILE_NAME), 'utf8'), 'x');
    assert.equal(sig.bucket, BUCKET);
    for (const d of bucket.digests) assert.equal(sig.objects.get(d.key)?.signature, d.signature);
    for (const k of res.written)
      assert.deepEqual(readFileSync(join(target, ...k.split('/'))), readFileSync(bucket.file(k)));

    const offline = await run(runValidate, [
      target,
      '--public-keys',
      keys,
      '--end-time',
      '2025-01-01T00:00:00Z',
    ]);
    const fromS3 = await run(runValidate, [
      `s3://${BUCKET}/${PREFIX}/`,
      '--endpoint',
      server.endpoint,
      '--public-keys',
      keys,
      '--end-time',
      '2025-01-01T00:00:00Z',
    ]);
    assert.equal(offline.out, fromS3.out);
    assert.equal(offline.err, fromS3.err);
    assert.equal(offline.code, fromS3.code);
    assert.match(offline.out, /3\/3 digest files valid/);
  });

  it('never overwrites a file already in the folder; merges into an existing signatures file of the same bucket', async () => {
    const target = join(dir, 'download2');
    const source = s3Source();
    const first = await downloadToFolder(source, { prefix: source.prefix }, target);
    const victim = bucket.digests[0].logKeys[0];
    writeFileSync(join(target, ...victim.split('/')), 'my own notes');
    const sigFile = join(target, SIGNATURES_FILE_NAME);
    const existing = JSON.parse(readFileSync(sigFile, 'utf8'));
    existing.objects['other/AWSLogs/x.json.gz'] = {
      signature: 'ab',
      'signature-algorithm': 'SHA256withRSA',
    };
    writeFileSync(sigFile, JSON.stringify(existing));
    const again = await downloadToFolder(source, { prefix: source.prefix }, target);
    source.dispose();
    assert.equal(first.written.length, 9);
    assert.equal(again.written.length, 0);
    assert.deepEqual(again.conflicts, [victim]);
    assert.equal(again.unchanged.length, 8);
    assert.equal(readFileSync(join(target, ...victim.split('/')), 'utf8'), 'my own notes');
    const merged = parseSignaturesFile(readFileSync(sigFile, 'utf8'), sigFile);
    assert.equal(merged.objects.size, 4);
    assert.ok(merged.objects.has('other/AWSLogs/x.json.gz'));
  });

  it('refuses to mix signatures of another bucket into a folder', async () => {
    const target = join(dir, 'download3');
    const other = new SignedBucket(target, 'some-other-bucket');
    other.signatures.set('AWSLogs/a.json.gz', {
      signature: 'cd',
      'signature-algorithm': 'SHA256withRSA',
    });
    other.writeSignatures();
    const source = s3Source();
    await assert.rejects(
      downloadToFolder(source, { prefix: source.prefix }, target),
      /some-other-bucket/,
    );
    source.dispose();
    assert.ok(existsSync(join(target, SIGNATURES_FILE_NAME)));
    assert.equal(
      parseSignaturesFile(readFileSync(join(target, SIGNATURES_FILE_NAME), 'utf8'), 'x').bucket,
      'some-other-bucket',
    );
  });
});
