// Object keys that are not safe file names: downloads refuse them (and only them), the cache
// stores them under safe names, and a folder at a file system root is a folder like any other.
import { strict as assert } from 'node:assert';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, parse } from 'node:path';
import { safeFileName, unportableName } from '../../../src/core/sources/fileNames';
import { S3Source } from '../../../src/core/sources/s3';
import { S3ObjectCache } from '../../../src/core/sources/s3Cache';
import { downloadPath, downloadToFolder } from '../../../src/core/sources/s3Download';
import { LogSource, SourceError } from '../../../src/core/sources/source';
import { S3RVER_CREDENTIALS, TestS3Server } from '../../support/s3server';

const BUCKET = 'names-bucket';
const LONG = `${'é'.repeat(150)}.json.gz`; // 158 characters, 308 bytes

describe('hostile object names', function () {
  this.timeout(60_000);
  let dir: string;
  let server: TestS3Server;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ctl-names-'));
    server = await new TestS3Server([BUCKET]).start();
    for (const key of [
      'x/ok.json',
      'x/CON',
      'x/aux.json.gz',
      'x/a:b',
      'x/LPT1.txt',
      'x/trailing.',
      'x/nul/inner.json',
    ])
      await server.put(BUCKET, key, '{}');
  });
  after(async () => {
    await server?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a download writes the plain names and refuses device names and alternate data streams, naming why', async () => {
    const source = new S3Source(
      { bucket: BUCKET, endpoint: server.endpoint, region: 'us-east-1' },
      { credentials: S3RVER_CREDENTIALS, maxAttempts: 1 },
    );
    const target = join(dir, 'download');
    const result = await downloadToFolder(source, { prefix: 'x/' }, target);
    source.dispose();
    assert.deepEqual(result.written, ['x/ok.json']);
    const failed = new Map(result.failed.map((f) => [f.key, f.message]));
    assert.match(failed.get('x/CON') ?? '', /not written: "CON" is a device name Windows reserves/);
    assert.match(failed.get('x/aux.json.gz') ?? '', /device name/);
    assert.match(failed.get('x/LPT1.txt') ?? '', /device name/);
    assert.match(failed.get('x/nul/inner.json') ?? '', /"nul" is a device name/);
    assert.match(failed.get('x/a:b') ?? '', /alternate data stream/);
    assert.match(failed.get('x/trailing.') ?? '', /ends with a dot or a space/);
    assert.deepEqual(readdirSync(join(target, 'x')), ['ok.json']);
  });

  it('two keys that are one file name (a case-insensitive file system) write one and report the other as a conflict, never replacing it', async () => {
    // `C` is a link to `c` here: on macOS or Windows, C/a.json and c/a.json are one file.
    const target = join(dir, 'case-insensitive');
    mkdirSync(join(target, 'c'), { recursive: true });
    symlinkSync('c', join(target, 'C'));
    const bodies = new Map([
      ['C/a.json', 'planted'],
      ['c/a.json', 'genuine'],
    ]);
    // Both reads finish together, so both writes run at the same time.
    let release!: () => void;
    const together = new Promise<void>((resolve) => (release = resolve));
    let asked = 0;
    const source = {
      bucket: BUCKET,
      read: async (key: string) => {
        if (++asked === bodies.size) release();
        await together;
        return new TextEncoder().encode(bodies.get(key));
      },
    } as unknown as LogSource & { bucket: string };
    const objects = [...bodies.keys()].map((key) => ({ kind: 'object' as const, key, size: 7 }));
    const result = await downloadToFolder(source, { objects }, target);
    assert.equal(result.written.length, 1, `written: ${result.written.join(', ')}`);
    assert.equal(result.conflicts.length, 1);
    assert.equal(readFileSync(join(target, 'c', 'a.json'), 'utf8'), bodies.get(result.written[0]));
    assert.deepEqual(readdirSync(join(target, 'c')), ['a.json'], 'no part file is left');
  });

  it('a download into a file system root accepts ordinary keys', () => {
    const root = parse(dir).root;
    assert.equal(
      downloadPath(root, 'AWSLogs/111122223333/CloudTrail/x.json.gz'),
      join(root, 'AWSLogs', '111122223333', 'CloudTrail', 'x.json.gz'),
    );
    assert.throws(() => downloadPath(root, '../etc/passwd'), SourceError);
    assert.throws(() => downloadPath(join(dir, 'a'), 'b/../../c'), SourceError);
  });

  it('the cache stores a key whose name is longer than 255 bytes, and device names, under safe names', async () => {
    const cache = new S3ObjectCache(join(dir, 'cache'), 1 << 20);
    for (const key of [`AWSLogs/${LONG}`, 'AWSLogs/CON', 'AWSLogs/aux.json.gz']) {
      await cache.put(BUCKET, key, '"e"', Buffer.from(key));
      assert.equal(Buffer.from((await cache.get(BUCKET, key, '"e"'))!).toString(), key);
      const file = cache.pathOf(BUCKET, key)!;
      assert.ok(existsSync(file));
      assert.equal(unportableName(basename(file)), undefined, basename(file));
    }
    assert.match(basename(cache.pathOf(BUCKET, `AWSLogs/${LONG}`)!), /^[0-9a-f]{32}\.json\.gz$/);
    assert.equal(basename(cache.pathOf(BUCKET, 'AWSLogs/CON')!), '_CON');
    // Found again after a restart.
    const again = new S3ObjectCache(join(dir, 'cache'), 1 << 20);
    assert.ok(await again.get(BUCKET, `AWSLogs/${LONG}`, '"e"'));
    assert.equal(
      safeFileName('a/b/111122223333_CloudTrail_us-east-1_20240514T1010Z_abc.json.gz'),
      '111122223333_CloudTrail_us-east-1_20240514T1010Z_abc.json.gz',
    );
  });
});
