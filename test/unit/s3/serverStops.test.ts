// The S3 server goes away in the middle of a download of many objects: what was fetched is on
// disk whole, what was not is reported with a network error, and no partial file is left.
import { strict as assert } from 'node:assert';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { S3Source } from '../../../src/core/sources/s3';
import { downloadToFolder } from '../../../src/core/sources/s3Download';
import { S3RVER_CREDENTIALS, TestS3Server } from '../../support/s3server';

const BUCKET = 'stopping-bucket';
const DAY = 'AWSLogs/111122223333/CloudTrail/us-east-1/2024/05/14/';

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) out.push(...filesUnder(full));
    else out.push(full);
  }
  return out;
}

describe('S3 server stopped mid-download', function () {
  this.timeout(60_000);
  let server: TestS3Server;
  let dir: string;
  const bodies = new Map<string, string>();

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ctl-s3stop-'));
    server = await new TestS3Server([BUCKET]).start();
    for (let i = 0; i < 30; i++) {
      const key = `${DAY}111122223333_CloudTrail_us-east-1_20240514T10${String(i).padStart(2, '0')}Z_abcdefghijklmn${String(i).padStart(2, '0')}.json.gz`;
      const body = JSON.stringify({
        Records: [{ eventTime: '2024-05-14T10:00:00Z', n: i, pad: 'x'.repeat(2000) }],
      });
      bodies.set(key, body);
      await server.put(BUCKET, key, body);
    }
  });

  after(async () => {
    await server?.dispose();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('keeps every finished file whole, reports the rest as network errors, leaves no partial files', async () => {
    const source = new S3Source(
      { bucket: BUCKET, endpoint: server.endpoint, region: 'us-east-1' },
      { credentials: S3RVER_CREDENTIALS, maxAttempts: 1 },
    );
    const target = join(dir, 'copy');
    let stopping: Promise<void> | undefined;
    const result = await downloadToFolder(source, { prefix: DAY }, target, {
      concurrency: 2,
      onProgress: (p) => {
        if (p.objectsDone === 5 && !stopping) stopping = server.stop();
      },
    });
    await stopping;
    source.dispose();
    assert.ok(
      result.written.length >= 5 && result.written.length < 30,
      `written ${result.written.length}`,
    );
    assert.equal(result.written.length + result.failed.length, 30);
    for (const f of result.failed)
      assert.match(f.message, /cannot reach S3|connection lost|network/, f.message);
    const files = filesUnder(target);
    assert.equal(files.length, result.written.length, 'only finished files are on disk');
    for (const key of result.written)
      assert.equal(readFileSync(join(target, ...key.split('/')), 'utf8'), bodies.get(key));
    assert.ok(files.every((f) => !f.endsWith('.part')));
  });
});
