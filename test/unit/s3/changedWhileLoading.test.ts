// An object rewritten or deleted between its listing and its reading (a local S3 server): the
// load names it and goes on with the others, and what is cached by the listed ETag (the index
// cache's entries and snapshot) never holds another version's events.
import { strict as assert } from 'node:assert';
import { DeleteObjectCommand } from '@aws-sdk/client-s3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { EventIndex } from '../../../src/core/index/eventIndex';
import { IndexCache } from '../../../src/core/ingest/indexCache';
import { loadEventFiles } from '../../../src/core/ingest/load';
import { InlineRunner } from '../../../src/core/ingest/pool';
import { parseQuery } from '../../../src/core/query/parse';
import { S3Source } from '../../../src/core/sources/s3';
import { SourceError, SourceObject } from '../../../src/core/sources/source';
import { S3RVER_CREDENTIALS, TestS3Server } from '../../support/s3server';

const BUCKET = 'changing-bucket';
const DAY = 'AWSLogs/111122223333/CloudTrail/us-east-1/2024/05/14/';
const key = (i: number): string =>
  `${DAY}111122223333_CloudTrail_us-east-1_20240514T100${i}Z_abcdefghijklmno${i}.json.gz`;
/** A log of one event named `name` (names of one length make logs of one size). */
const log = (name: string, i: number): Buffer =>
  gzipSync(
    JSON.stringify({
      Records: [
        {
          eventVersion: '1.08',
          eventTime: `2024-05-14T10:0${i}:00Z`,
          eventName: name,
          eventSource: 's3.amazonaws.com',
          eventID: `${name}-${i}`,
        },
      ],
    }),
  );

describe('an S3 object changed between its listing and its reading', function () {
  this.timeout(60_000);
  let server: TestS3Server;
  let dir: string;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ctl-s3changed-'));
    server = await new TestS3Server([BUCKET]).start();
    for (let i = 0; i < 3; i++) await server.put(BUCKET, key(i), log('Original', i));
  });
  afterEach(async () => {
    await server?.dispose();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const open = (): S3Source =>
    new S3Source(
      { bucket: BUCKET, endpoint: server.endpoint, region: 'us-east-1' },
      { credentials: S3RVER_CREDENTIALS, maxAttempts: 1 },
    );

  /** Lists the day, runs `meanwhile`, then loads what was listed with the index cache. */
  async function load(meanwhile?: () => Promise<void>) {
    const source = open();
    const listed: SourceObject[] = [];
    for await (const o of source.listAll(DAY)) listed.push(o);
    await meanwhile?.();
    const cache = IndexCache.open(join(dir, 'index'), 'the day');
    const index = new EventIndex({ runner: new InlineRunner() });
    await loadEventFiles(
      index,
      new InlineRunner(),
      listed.map((object) => ({ source, object, kind: 'log' as const })),
      { cache },
    );
    cache.save();
    source.dispose();
    const all = await index.query(parseQuery(''));
    return {
      names: index.summaries(all, 0, all.rows.length).map((s) => s.eventName),
      problems: index.problems.map((p) => [p.key, p.code, p.message]),
    };
  }

  it('a read of a listed key that is now another version is refused, naming the key', async () => {
    const source = open();
    await source.listLevel(DAY);
    await server.put(BUCKET, key(1), log('Replaced', 1));
    const err = await source.read(key(1)).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(err instanceof SourceError, String(err));
    assert.equal(err.code, 'changed');
    assert.equal(err.key, key(1));
    assert.match(err.message, new RegExp(`^s3://${BUCKET}/${key(1)}: changed since it was listed`));
    // Listed again, it is the new version that is read.
    await source.listLevel(DAY);
    assert.deepEqual(Buffer.from(await source.read(key(1))), log('Replaced', 1));
    source.dispose();
  });

  it('the load names the changed file and loads the others; the index cache keeps no other version under the listed ETag', async () => {
    assert.equal(log('Original', 1).length, log('Replaced', 1).length);
    const first = await load(() => server.put(BUCKET, key(1), log('Replaced', 1)));
    assert.deepEqual(first.names, ['Original', 'Original']);
    assert.deepEqual(
      first.problems.map(([k, code]) => [k, code]),
      [[key(1), 'changed']],
    );
    // The object is put back as it was listed (the same bytes: the same ETag, the same size).
    await server.put(BUCKET, key(1), log('Original', 1));
    const again = await load();
    assert.deepEqual(again.names, ['Original', 'Original', 'Original']);
    assert.deepEqual(again.problems, []);
  });

  it('an object deleted meanwhile is named (no such object) and the others load', async () => {
    const loaded = await load(async () => {
      const client = server.client();
      await client.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: key(2) }));
      client.destroy();
    });
    assert.deepEqual(loaded.names, ['Original', 'Original']);
    assert.equal(loaded.problems.length, 1);
    assert.equal(loaded.problems[0][0], key(2));
    assert.equal(loaded.problems[0][1], 'not-found');
    assert.match(String(loaded.problems[0][2]), /no such object/);
  });
});
