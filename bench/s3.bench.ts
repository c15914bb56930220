// S3 source against a local S3-protocol server (s3rver on 127.0.0.1): what opening the explorer
// down to one day costs in requests, and loading that day's objects cold (downloads, 1 vs 8 at
// once) against reopening it from the on-disk cache (ETags from the listing, no GETs).
// Usage: npx tsx bench/s3.bench.ts [filesPerDay=300] [runs=3]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { CloudTrailCatalog, CatalogNode } from '../src/core/sources/layoutTree';
import { S3Source } from '../src/core/sources/s3';
import { S3ObjectCache } from '../src/core/sources/s3Cache';
import { S3RVER_CREDENTIALS, TestS3Server } from '../test/support/s3server';

const filesPerDay = Number(process.argv[2] ?? 300);
const runs = Number(process.argv[3] ?? 3);
const BUCKET = 'bench-trail-bucket';
const ACCT = '111122223333';
const days = ['2024/05/13', '2024/05/14', '2024/05/15'];

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function readAll(source: S3Source, keys: string[], lanes: number): Promise<number> {
  let next = 0;
  let bytes = 0;
  await Promise.all(
    Array.from({ length: lanes }, async () => {
      while (next < keys.length) {
        const read = await source.read(keys[next++]);
        bytes += read.length;
      }
    }),
  );
  return bytes;
}

async function main(): Promise<void> {
  const server = await new TestS3Server([BUCKET]).start();
  const dir = mkdtempSync(join(tmpdir(), 'ctl-s3-bench-'));
  try {
    const dayKeys: string[] = [];
    for (const day of days) {
      const n = day === '2024/05/14' ? filesPerDay : 20;
      const keys = Array.from(
        { length: n },
        (_, i) =>
          `AWSLogs/${ACCT}/CloudTrail/us-east-1/${day}/${ACCT}_CloudTrail_us-east-1_${day.replace(/\//g, '')}T${String(Math.floor(i / 60) % 24).padStart(2, '0')}${String(i % 60).padStart(2, '0')}Z_b${String(i).padStart(15, '0')}.json.gz`,
      );
      const body = (n: number) =>
        gzipSync(
          JSON.stringify({
            Records: Array.from({ length: 20 }, (_, r) => ({
              eventTime: `${day.replace(/\//g, '-')}T10:00:00Z`,
              eventName: 'GetObject',
              n,
              r,
              requestParameters: { bucketName: 'data', key: `k${r}`.repeat(20) },
            })),
          }),
        );
      for (let i = 0; i < keys.length; i += 25)
        await Promise.all(keys.slice(i, i + 25).map((k, j) => server.put(BUCKET, k, body(i + j))));
      if (day === '2024/05/14') dayKeys.push(...keys);
    }
    const open = (cache?: S3ObjectCache) =>
      new S3Source(
        { bucket: BUCKET, endpoint: server.endpoint, region: 'us-east-1' },
        { credentials: S3RVER_CREDENTIALS, cache },
      );

    // The explorer from the source root down to the day's files.
    const s = open();
    const catalog = new CloudTrailCatalog(s);
    const pick = async (
      nodes: CatalogNode[],
      type: string,
      pred: (n: CatalogNode) => boolean = () => true,
    ) => nodes.find((n) => n.type === type && pred(n))!;
    const levels: [string, number][] = [];
    let mark = s.requests;
    const roots = await catalog.roots();
    levels.push(['source root (find AWSLogs/, name trails)', s.requests - mark]);
    const location = await pick(roots, 'location');
    mark = s.requests;
    const account = await pick(await catalog.children(location), 'account');
    levels.push(['trail → accounts', s.requests - mark]);
    mark = s.requests;
    const region = await pick(await catalog.children(account), 'region');
    levels.push(['account → regions', s.requests - mark]);
    mark = s.requests;
    const day = await pick(
      await catalog.children(region),
      'day',
      (n) => n.type === 'day' && n.date === '2024-05-14',
    );
    levels.push(['region → days', s.requests - mark]);
    mark = s.requests;
    const files = await catalog.children(day);
    levels.push([`day → ${files.length} files`, s.requests - mark]);
    s.dispose();

    const cold1: number[] = [];
    const cold8: number[] = [];
    const warm: number[] = [];
    let warmGets = -1;
    let bytes = 0;
    for (let r = 0; r < runs; r++) {
      for (const [lanes, out] of [
        [1, cold1],
        [8, cold8],
      ] as const) {
        const cacheDir = join(dir, `cache-${r}-${lanes}`);
        const src = open(new S3ObjectCache(cacheDir, 1 << 30));
        const t = performance.now();
        await src.listLevel(
          day.type === 'day' ? `AWSLogs/${ACCT}/CloudTrail/us-east-1/2024/05/14/` : '',
        );
        bytes = await readAll(src, dayKeys, lanes);
        out.push(performance.now() - t);
        src.dispose();
        if (lanes === 8) {
          const again = open(new S3ObjectCache(cacheDir, 1 << 30)); // a new session, same cache
          const before = server.requests.length;
          const t2 = performance.now();
          await again.listLevel(`AWSLogs/${ACCT}/CloudTrail/us-east-1/2024/05/14/`);
          await readAll(again, dayKeys, 8);
          warm.push(performance.now() - t2);
          warmGets = server
            .since(before)
            .filter((q) => q.method === 'GET' && !q.query.includes('list-type')).length;
          again.dispose();
        }
      }
    }
    console.log(
      `S3 bench: ${filesPerDay} files on the opened day (${(bytes / 1024).toFixed(0)} KiB gzipped), ${runs} runs, s3rver on 127.0.0.1`,
    );
    console.log('\n| explorer level opened | S3 requests |\n|---|---|');
    for (const [name, n] of levels) console.log(`| ${name} | ${n} |`);
    console.log('\n| loading the day | median | against cold, 8 at once |\n|---|---|---|');
    console.log(
      `| cold, 1 at a time | ${median(cold1).toFixed(0)} ms | ${(median(cold1) / median(cold8)).toFixed(2)}× |`,
    );
    console.log(`| cold, 8 at once | ${median(cold8).toFixed(0)} ms | 1.00× |`);
    console.log(
      `| reopened from the cache (1 listing, ${warmGets} GETs) | ${median(warm).toFixed(0)} ms | ${(median(warm) / median(cold8)).toFixed(2)}× |`,
    );
  } finally {
    await server.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
}

void main();
