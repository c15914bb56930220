// Keys S3 holds as written but a folder cannot (`//`, `./`, `../`, a key ending in `/`), and other
// planted keys, under a bucket prefix: what a load reads and what validation says of it.
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { PublicKeyRing, parsePublicKeyFile, validateSource } from '../../../src/core/digest';
import { SIGNATURES_FILE_NAME } from '../../../src/core/digest/signatures';
import { CloudTrailCatalog } from '../../../src/core/sources/layoutTree';
import { S3Source } from '../../../src/core/sources/s3';
import { publicKeysJson, SignedBucket, signingKey } from '../../../src/core/synthetic/digests';
import { S3RVER_CREDENTIALS, TestS3Server } from '../../support/s3server';

const BUCKET = 'hostile-keys-bucket';
const DAY = 'trails/AWSLogs/111122223333/CloudTrail/us-east-1/2024/05/14/';
const LOG = '111122223333_CloudTrail_us-east-1_20240514T1040Z_AAAAAAAAAAAAAAAA.json.gz';
const WINDOW = {
  startTime: Date.parse('2024-05-14T09:00:00Z'),
  endTime: Date.parse('2024-05-15T00:00:00Z'),
};
const events = (name: string) =>
  gzipSync(
    JSON.stringify({
      Records: [
        {
          eventVersion: '1.08',
          eventTime: '2024-05-14T10:39:00Z',
          eventSource: 'cloudtrail.amazonaws.com',
          eventName: name,
          awsRegion: 'us-east-1',
          recipientAccountId: '111122223333',
          eventID: `planted-${name}`,
        },
      ],
    }),
  );

describe('hostile keys under an S3 prefix', function () {
  this.timeout(60_000);
  let server: TestS3Server;
  let dir: string;
  let bucket: SignedBucket;
  const keys = () =>
    new PublicKeyRing(parsePublicKeyFile(publicKeysJson([signingKey(0)]), 'keys.json'));
  const source = () =>
    new S3Source(
      { bucket: BUCKET, prefix: 'trails', endpoint: server.endpoint, region: 'us-east-1' },
      { credentials: S3RVER_CREDENTIALS, maxAttempts: 1 },
    );

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ctl-hostile-keys-'));
    bucket = new SignedBucket(join(dir, 'bucket'), BUCKET);
    bucket
      .chain({ prefix: 'trails', region: 'us-east-1', start: '2024-05-14T09:17:42Z' })
      .hours(3, { logs: 1 });
    server = await new TestS3Server([BUCKET]).start();
    await server.uploadFolder(
      BUCKET,
      bucket.root,
      bucket.signatures,
      (k) => k === SIGNATURES_FILE_NAME,
    );
    // A log no digest lists, in the trail's own day folder.
    await server.put(BUCKET, `${DAY}${LOG}`, events('Unlisted'));
  });

  afterEach(async () => {
    await server?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('an AWSLogs folder after an empty segment (`trails//AWSLogs/`) is not taken for the trail’s own: its folders are not listed, nor the trail counted twice', async () => {
    await server.plant(
      BUCKET,
      `trails//AWSLogs/111122223333/CloudTrail/us-east-1/2024/05/14/${LOG}`,
      events('Slash'),
    );
    const s3 = source();
    try {
      const roots = await new CloudTrailCatalog(s3).roots();
      assert.deepEqual(
        roots.filter((n) => n.type === 'location').map((n) => n.type === 'location' && n.root),
        ['trails/AWSLogs/'],
      );
      const report = await validateSource(s3, { ...WINDOW, publicKeys: keys(), bucket: BUCKET });
      assert.equal(report.chains.length, 1);
      const c = report.chains[0];
      assert.equal(c.counts.validDigests, 3);
      assert.equal(c.counts.validLogs, 3);
      assert.equal(c.counts.notValidatedLogs, 1, 'the unlisted log, once');
      // The newest digest (the first walked) ends long before the window does: said (chain-end).
      const newest = c.events.find((e) => e.type === 'digest')!;
      assert.deepEqual(
        c.findings.map((f) => [f.kind, f.key]),
        [
          ['unlisted-log', `${DAY}${LOG}`],
          ['chain-end', newest.type === 'digest' ? newest.key : undefined],
        ],
      );
    } finally {
      s3.dispose();
    }
  });

  it("files a load reads outside the trails' folders are named (outside-trails) as from a folder, keys S3 alone can hold among them, listing only what lies outside the trails", async () => {
    const log = (root: string) => `${root}111122223333/CloudTrail/us-east-1/2024/05/14/${LOG}`;
    const outside = [
      'trails/exports/lookup-events.json',
      log('trails/.x/AWSLogs/'),
      log('trails/AWSLogs/AWSLogs/'),
      'trails/AWSLogs/111122223333/cloudtrail/us-east-1/x.json.gz',
      log('trails/awslogs/'),
      // Only S3 holds these as written: a folder has no empty or dot segment.
      log('trails//AWSLogs/'),
      log('trails/AWSLogs//'),
      log('trails/./AWSLogs/'),
      log('trails/../AWSLogs/'),
    ].sort();
    for (const key of outside) await server.plant(BUCKET, key, events('Outside'));
    // Not outside: a foreign file in the trail's folders (failed as such), what a load never reads
    // (a key ending in '/', a folder marker, the public keys file), and anything outside the prefix.
    await server.plant(BUCKET, `${DAY}./evil.json.gz`, events('Foreign'));
    await server.plant(BUCKET, `trails/exports/ends-with-slash.json/`, events('Slash'));
    await server.put(BUCKET, 'trails/exports/', new Uint8Array(0));
    await server.put(BUCKET, 'trails/cloudtrail-public-keys.json', '{"PublicKeyList":[]}');
    await server.put(
      BUCKET,
      log('AWSLogs/').replace('AWSLogs/', 'elsewhere/AWSLogs/'),
      events('X'),
    );
    const s3 = source();
    const from = server.requests.length;
    try {
      const report = await validateSource(s3, { ...WINDOW, publicKeys: keys(), bucket: BUCKET });
      assert.deepEqual(
        report.findings.filter((f) => f.kind === 'outside-trails').map((f) => f.keys),
        [outside],
      );
      assert.deepEqual(
        report.chains[0].findings.filter((f) => f.kind === 'foreign-file').map((f) => f.key),
        [`${DAY}./evil.json.gz`],
      );
    } finally {
      s3.dispose();
    }
    // What lies outside the trails' folders is listed whole, one listing for each such folder
    // (and the sub-folder of a day folder, as the inventory lists it for foreign files); the
    // trails' folders and those on the way to them are listed a level at a time.
    const whole = server
      .since(from)
      .filter((r) => r.method === 'GET' && /(^|&)list-type=2/.test(r.query))
      .map((r) => new URLSearchParams(r.query))
      .filter((q) => q.get('delimiter') !== '/')
      .map((q) => q.get('prefix'));
    assert.deepEqual(whole.sort(), [
      'trails/../',
      'trails/./',
      'trails/.x/',
      'trails//',
      'trails/AWSLogs//',
      `${DAY}./`,
      'trails/AWSLogs/111122223333/cloudtrail/',
      'trails/AWSLogs/AWSLogs/',
      'trails/awslogs/',
      'trails/exports/',
    ]);
  });

  it('keys with characters XML cannot carry as written (a carriage return, control characters) are listed and read as they are, each its own object', async () => {
    const names = ['a\rb.json', 'a\nb.json', 'c\r\nd.json', 'e\u0001f.json', 'g h+i%41.json'];
    for (const [i, name] of names.entries())
      await server.plant(BUCKET, `trails/exports/${name}`, `{"n":${i}}`);
    const s3 = source();
    try {
      const keys = names.map((n) => `trails/exports/${n}`).sort();
      const all: string[] = [];
      for await (const o of s3.listAll('trails/exports/')) all.push(o.key);
      assert.deepEqual(all.sort(), keys);
      const level = (await s3.listLevel('trails/exports/')).map((e) =>
        e.kind === 'object' ? e.key : e.prefix,
      );
      assert.deepEqual(level.sort(), keys);
      const top = await s3.listLevel('trails/');
      assert.ok(top.some((e) => e.kind === 'prefix' && e.prefix === 'trails/exports/'));
      for (const [i, name] of names.entries())
        assert.equal(
          Buffer.from(await s3.read(`trails/exports/${name}`)).toString(),
          `{"n":${i}}`,
          JSON.stringify(name),
        );
    } finally {
      s3.dispose();
    }
  });
});
