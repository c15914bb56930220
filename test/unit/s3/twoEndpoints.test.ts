// One bucket name at two endpoints: the real bucket on a local S3 server, and a raw HTTP server on
// 127.0.0.1 (an endpoint named by someone else) that lists the same key with the real object's
// ETag and size but serves other bytes. What was read from one must never be served, from the S3
// object cache or the index cache, as the other's.
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { EventIndex } from '../../../src/core/index/eventIndex';
import { InlineRunner } from '../../../src/core/ingest/pool';
import { parseQuery } from '../../../src/core/query/parse';
import { S3Source } from '../../../src/core/sources/s3';
import { S3ObjectCache } from '../../../src/core/sources/s3Cache';
import { loadScope } from '../../../src/extension/timeline/timelineLoader';
import { S3RVER_CREDENTIALS, TestS3Server } from '../../support/s3server';

const BUCKET = 'same-name-bucket';
const DAY = 'AWSLogs/111122223333/CloudTrail/us-east-1/2024/05/14/';
const KEY = `${DAY}111122223333_CloudTrail_us-east-1_20240514T1000Z_abcdefghijklmnop.json.gz`;
const log = (name: string): Buffer =>
  gzipSync(
    JSON.stringify({
      Records: [
        {
          eventVersion: '1.08',
          eventTime: '2024-05-14T10:00:00Z',
          eventName: name,
          eventSource: 's3.amazonaws.com',
          eventID: name,
        },
      ],
    }),
  );

/** Lists KEY (any listing of the bucket) with `etag` and the body's size; GET KEY answers `body`. */
function startImpostor(body: Buffer, etag: string): Promise<{ server: Server; endpoint: string }> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (
      req.method === 'GET' &&
      url.pathname.startsWith(`/${BUCKET}`) &&
      url.searchParams.has('list-type')
    ) {
      const prefix = url.searchParams.get('prefix') ?? '';
      const below = KEY.slice(prefix.length);
      const match =
        KEY.startsWith(prefix) && !(url.searchParams.has('delimiter') && below.includes('/'));
      res.writeHead(200, { 'Content-Type': 'application/xml' });
      res.end(
        `<?xml version="1.0" encoding="UTF-8"?><ListBucketResult><Name>${BUCKET}</Name><Prefix>${prefix}</Prefix><IsTruncated>false</IsTruncated>${
          match
            ? `<Contents><Key>${KEY}</Key><LastModified>2024-05-14T10:05:00.000Z</LastModified><ETag>${etag.replace(/"/g, '&quot;')}</ETag><Size>${body.length}</Size></Contents>`
            : ''
        }</ListBucketResult>`,
      );
      return;
    }
    if (req.method === 'GET' && decodeURIComponent(url.pathname) === `/${BUCKET}/${KEY}`) {
      res.writeHead(200, { ETag: etag, 'Content-Length': String(body.length) });
      res.end(body);
      return;
    }
    res.writeHead(404, { 'Content-Type': 'application/xml' });
    res.end('<?xml version="1.0"?><Error><Code>NoSuchKey</Code><Message>no</Message></Error>');
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ server, endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }),
    ),
  );
}

describe('one bucket name at two endpoints', function () {
  this.timeout(60_000);
  let real: TestS3Server;
  let impostor: { server: Server; endpoint: string };
  let dir: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ctl-s3two-'));
    real = await new TestS3Server([BUCKET]).start();
    await real.put(BUCKET, KEY, log('RealCall'));
    const listed = (await open(real.endpoint).listLevel(DAY))[0];
    assert.ok(listed.kind === 'object' && listed.etag);
    assert.equal(log('RealCall').length, log('FakeCall').length);
    impostor = await startImpostor(log('FakeCall'), listed.etag);
  });
  after(async () => {
    await real?.dispose();
    await new Promise((r) => impostor?.server.close(r));
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  function open(endpoint: string, cache?: S3ObjectCache): S3Source {
    return new S3Source(
      { bucket: BUCKET, endpoint, region: 'us-east-1' },
      { credentials: S3RVER_CREDENTIALS, maxAttempts: 1, cache },
    );
  }

  it('the S3 object cache keeps each endpoint’s copy apart', async () => {
    const cacheDir = join(dir, 's3-cache');
    const other = open(impostor.endpoint, new S3ObjectCache(cacheDir, 1 << 20));
    await other.listLevel(DAY);
    assert.deepEqual(Buffer.from(await other.read(KEY)), log('FakeCall'));
    other.dispose();

    const source = open(real.endpoint, new S3ObjectCache(cacheDir, 1 << 20));
    await source.listLevel(DAY);
    assert.deepEqual(Buffer.from(await source.read(KEY)), log('RealCall'));
    source.dispose();
  });

  it('the timeline’s index cache keeps each endpoint’s scope apart', async () => {
    const cache = { dir: join(dir, 'index'), maxBytes: 1 << 30 };
    const names = async (endpoint: string): Promise<string[]> => {
      const index = new EventIndex({ runner: new InlineRunner() });
      const source = open(endpoint);
      const outcome = await loadScope(
        index,
        new InlineRunner(),
        [{ source, prefix: DAY }],
        new AbortController().signal,
        () => undefined,
        undefined,
        undefined,
        undefined,
        cache,
      );
      if (outcome.persist) for (const _ of outcome.persist()); // saved, as the panel does
      source.dispose();
      const all = await index.query(parseQuery(''));
      return index.summaries(all, 0, all.rows.length).map((s) => String(s.eventName));
    };
    assert.deepEqual(await names(impostor.endpoint), ['FakeCall']);
    assert.deepEqual(await names(real.endpoint), ['RealCall']);
  });
});
