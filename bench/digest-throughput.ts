// Digest validation throughput against its floor: gunzip + SHA-256 of the same log files.
//
//   npx tsx bench/digest-throughput.ts [--gb 1.2] [--runs 3] [--concurrency 4]
//
// Generates (once) a signed bucket of at least --gb GB of uncompressed logs in bench/data/digest/
// (the seeded event generator, then a valid digest chain over it), then alternates, --runs times:
//   raw:      every log file read, gunzipped (node:zlib stream) and hashed with SHA-256, with the
//             same concurrency as the validator, nothing else;
//   validate: the full `validateSource` (listing, digests, signatures, every log hash).
// Each measurement runs in a fresh child process (so neither inherits the other's heap or
// threadpool state). Prints medians and validate/raw as a fraction of raw throughput, by wall
// time and by CPU time of the process (zlib's threadpool included). The machine is shared, so
// the CPU-time ratio and the median of per-run ratios (back-to-back pairs) are the figures to trust.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { createGunzip } from 'node:zlib';
import { loadPublicKeyFiles, loadSignaturesFile, validateSource } from '../src/core/digest';
import { FolderSource } from '../src/core/sources/folder';
import { parseCloudTrailKey } from '../src/core/sources/layout';
import { generateBucket } from '../src/core/synthetic/generator';
import { signSampleBucket } from '../src/core/synthetic/digests';

function arg(name: string, dflt: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
}

const GB = arg('gb', 1.2);
const RUNS = arg('runs', 3);
const CONCURRENCY = arg('concurrency', 4);
const DIR = path.join(__dirname, 'data', 'digest');
const STAMP = path.join(__dirname, 'data', 'digest.stamp.json');
// Measured on the generator: ~775 bytes of uncompressed log per event.
const EVENTS = Math.ceil((GB * 1e9) / 700);

interface Stamp {
  events: number;
  files: string[];
  bytes: number;
  publicKeysFile: string;
  signaturesFile: string;
}

async function ensureData(): Promise<Stamp> {
  if (existsSync(STAMP)) {
    const s = JSON.parse(readFileSync(STAMP, 'utf8')) as Stamp;
    if (s.events === EVENTS && s.bytes >= GB * 1e9) return s;
  }
  rmSync(DIR, { recursive: true, force: true });
  console.log(`generating ${EVENTS} events into ${DIR} …`);
  const t0 = Date.now();
  await generateBucket({ events: EVENTS, out: DIR, seed: 7, eventsPerFile: 2000 });
  const signed = signSampleBucket(DIR, {
    bucket: 'bench-cloudtrail-bucket',
    trailName: 'bench-trail',
    homeRegion: 'us-east-1',
  });
  const files: string[] = [];
  for await (const o of new FolderSource(DIR).listAll(''))
    if (parseCloudTrailKey(o.key)?.kind === 'log') files.push(path.join(DIR, ...o.key.split('/')));
  let bytes = 0;
  for (const f of files) bytes += (await rawHash(f)).size;
  const stamp: Stamp = {
    events: EVENTS,
    files,
    bytes,
    publicKeysFile: signed.publicKeysFile,
    signaturesFile: signed.signaturesFile,
  };
  writeFileSync(STAMP, JSON.stringify(stamp));
  console.log(
    `generated ${files.length} log files, ${(bytes / 1e9).toFixed(2)} GB uncompressed, ${signed.digestKeys.length} digests in ${((Date.now() - t0) / 1000).toFixed(0)} s`,
  );
  if (bytes < GB * 1e9) throw new Error(`only ${bytes} bytes generated; raise --gb`);
  return stamp;
}

/** The floor: stream the file through gunzip into SHA-256. */
function rawHash(file: string): Promise<{ sha: string; size: number }> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    let size = 0;
    createReadStream(file)
      .on('error', reject)
      .pipe(createGunzip())
      .on('data', (c: Buffer) => {
        hash.update(c);
        size += c.length;
      })
      .on('end', () => resolve({ sha: hash.digest('hex'), size }))
      .on('error', reject);
  });
}

interface Timing {
  wall: number;
  cpu: number;
}

async function timed(fn: () => Promise<unknown>): Promise<Timing> {
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  await fn();
  const c = process.cpuUsage(c0);
  return { wall: Number(process.hrtime.bigint() - t0) / 1e9, cpu: (c.user + c.system) / 1e6 };
}

function raw(files: string[]): Promise<Timing> {
  let next = 0;
  return timed(() =>
    Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < files.length) await rawHash(files[next++]);
      }),
    ),
  );
}

async function validate(stamp: Stamp): Promise<Timing> {
  const publicKeys = await loadPublicKeyFiles([stamp.publicKeysFile]);
  const signatures = await loadSignaturesFile(stamp.signaturesFile);
  let report!: Awaited<ReturnType<typeof validateSource>>;
  const timing = await timed(async () => {
    report = await validateSource(new FolderSource(DIR), {
      publicKeys,
      signatures,
      concurrency: CONCURRENCY,
      endTime: Date.parse('2030-01-01T00:00:00Z'),
    });
  });
  const logs = report.chains.reduce((n, c) => n + c.counts.validLogs, 0);
  const bad = report.chains.reduce(
    (n, c) => n + c.counts.invalidLogs + c.counts.invalidDigests + c.counts.unverifiableDigests,
    0,
  );
  if (logs !== stamp.files.length || bad)
    throw new Error(
      `validation checked ${logs}/${stamp.files.length} logs with ${bad} not valid: the benchmark data is wrong`,
    );
  return timing;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Runs one measurement in a child process: `--child raw|validate` prints {"wall","cpu"}. */
function inChild(what: 'raw' | 'validate'): Timing {
  const r = spawnSync(
    process.execPath,
    [
      '--require',
      'tsx/cjs',
      __filename,
      '--child',
      what,
      '--concurrency',
      String(CONCURRENCY),
      '--gb',
      String(GB),
    ],
    {
      cwd: path.join(__dirname, '..'),
      encoding: 'utf8',
    },
  );
  const line = r.stdout.trim().split('\n').pop() ?? '';
  if (r.status !== 0 || !line.startsWith('{')) throw new Error(`child ${what} failed: ${r.stderr}`);
  return JSON.parse(line) as Timing;
}

async function child(what: string): Promise<void> {
  const stamp = JSON.parse(readFileSync(STAMP, 'utf8')) as Stamp;
  const t = what === 'raw' ? await raw(stamp.files) : await validate(stamp);
  console.log(JSON.stringify(t));
}

async function main(): Promise<void> {
  const childAt = process.argv.indexOf('--child');
  if (childAt >= 0) return child(process.argv[childAt + 1]);
  const stamp = await ensureData();
  const gb = stamp.bytes / 1e9;
  console.log(
    `${stamp.files.length} log files, ${gb.toFixed(2)} GB uncompressed, ${((await dirSize(DIR)) / 1e6).toFixed(0)} MB on disk; concurrency ${CONCURRENCY}, ${RUNS} runs`,
  );
  await raw(stamp.files); // warm the page cache so neither side pays the first read
  const rawT: Timing[] = [];
  const valT: Timing[] = [];
  for (let i = 0; i < RUNS; i++) {
    // Alternate which goes first, so neither always runs right after the other.
    if (i % 2 === 0) {
      rawT.push(inChild('raw'));
      valT.push(inChild('validate'));
    } else {
      valT.push(inChild('validate'));
      rawT.push(inChild('raw'));
    }
    const [r, v] = [rawT[i], valT[i]];
    console.log(
      `run ${i + 1}: raw ${r.wall.toFixed(2)} s wall / ${r.cpu.toFixed(2)} s CPU (${(gb / r.wall).toFixed(3)} GB/s), ` +
        `validate ${v.wall.toFixed(2)} s wall / ${v.cpu.toFixed(2)} s CPU (${(gb / v.wall).toFixed(3)} GB/s); validate = ${((r.wall / v.wall) * 100).toFixed(0)}% of raw (wall), ${((r.cpu / v.cpu) * 100).toFixed(0)}% (CPU)`,
    );
  }
  const rw = median(rawT.map((t) => t.wall));
  const vw = median(valT.map((t) => t.wall));
  const rc = median(rawT.map((t) => t.cpu));
  const vc = median(valT.map((t) => t.cpu));
  const pairWall = median(rawT.map((r, i) => r.wall / valT[i].wall));
  console.log(
    `median: raw gunzip+SHA-256 ${(gb / rw).toFixed(3)} GB/s, validation ${(gb / vw).toFixed(3)} GB/s = ${((rw / vw) * 100).toFixed(0)}% of raw (wall medians); ` +
      `${(pairWall * 100).toFixed(0)}% (median of per-run wall ratios); ${((rc / vc) * 100).toFixed(0)}% by CPU time (raw ${(gb / rc).toFixed(3)} GB per CPU-s, validation ${(gb / vc).toFixed(3)})`,
  );
}

async function dirSize(dir: string): Promise<number> {
  let n = 0;
  for await (const o of new FolderSource(dir).listAll('')) n += o.size;
  return n;
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
