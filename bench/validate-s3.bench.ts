// `cloudtrail-lens validate s3://…` side by side with Debian's `aws cloudtrail validate-logs`
// (apt-get install awscli; /usr/bin/aws, 2.9.19), on the same signed chain served by the test S3
// server (test/support/s3server.ts, s3rver) on 127.0.0.1: requests, bytes and wall time of each.
//
//   node scripts/build.mjs && npx tsx bench/validate-s3.bench.ts [--hours 1440] [--regions 3] [--runs 3] [--latency 0]
//     [--concurrency N] [--ours-only] [--cpu-prof DIR] [--baseline-cli PATH]
//
// --concurrency passes --concurrency N to ours (default: the CLI's own); --ours-only skips the AWS CLI
// (no ratio, no verdict comparison: for exploring settings, never for a figure in BENCHMARKS.md);
// --cpu-prof writes a V8 CPU profile of each of our runs into DIR. --baseline-cli PATH (with
// --ours-only) also runs another build of the CLI (e.g. a copy of dist/ from before a change),
// alternating with this one in each run, for an A/B in the same run.
//
// Data (made once into bench/data/validate-s3/): --regions chains of --hours hourly digests with
// 2 logs each (1440 h × 3 regions = 4,320 digests, 8,640 logs), signed by the project's chain
// builder. The AWS CLI validates one region per run (its --region), so "all regions" is one run
// per region, one after the other; ours is one run for every region (and, for comparison, one per
// region too). Both are separate processes timed from spawn to exit. The AWS CLI is pointed at
// the local server by bench/awscli/ctl_s3_endpoint.py (its S3 clients; --endpoint-url reaches
// only CloudTrail), and its ListPublicKeys call goes to a stub on 127.0.0.1 that returns the
// chain's key, as the spec's runs did. Each run's verdict lines are compared byte for byte
// (ours without FINDING lines), and requests and response bytes are counted at the server, and
// the server's own CPU time (it runs in this process). --latency N holds every request N ms at
// the server before answering it, a stand-in for the round trip to S3 that loopback lacks.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { SignedBucket, signingKey } from '../src/core/synthetic/digests';
import { S3RVER_CREDENTIALS, TestS3Server } from '../test/support/s3server';

function arg(name: string, dflt: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
}

const HOURS = arg('hours', 1440);
const REGIONS = ['us-east-1', 'us-west-2', 'eu-west-1', 'ap-southeast-2', 'eu-central-1'].slice(
  0,
  arg('regions', 3),
);
const RUNS = arg('runs', 3);
/** ms added to every request at the server: a stand-in for S3's round trip (0: loopback as it is). */
const LATENCY = arg('latency', 0);
/** --concurrency for ours (0: the CLI's default). */
const CONCURRENCY = arg('concurrency', 0);
const OURS_ONLY = process.argv.includes('--ours-only');
const CPU_PROF = process.argv.includes('--cpu-prof')
  ? process.argv[process.argv.indexOf('--cpu-prof') + 1]
  : undefined;
const AWS = '/usr/bin/aws';
const BUCKET = 'bench-validate-bucket';
const ACCOUNT = '111122223333';
const ARN = `arn:aws:cloudtrail:us-east-1:${ACCOUNT}:trail/management-events`;
const FIRST = '2024-03-01T00:17:42Z';
const START = '2024-03-01T00:00:00Z';
const END = new Date(Date.parse(FIRST) + HOURS * 3600_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
const DATA = path.join(__dirname, 'data', 'validate-s3');
const STAMP = path.join(DATA, 'stamp.json');
const CLI = path.join(__dirname, '..', 'dist', 'cli.js');
const BASELINE_CLI = process.argv.includes('--baseline-cli')
  ? path.resolve(process.argv[process.argv.indexOf('--baseline-cli') + 1])
  : undefined;

interface Stamp {
  hours: number;
  regions: string[];
  digests: number;
  logs: number;
  signatures: Record<string, { signature?: string; 'signature-algorithm'?: string }>;
}

function ensureData(): Stamp {
  if (existsSync(STAMP)) {
    const s = JSON.parse(readFileSync(STAMP, 'utf8')) as Stamp;
    if (s.hours === HOURS && s.regions.join() === REGIONS.join()) return s;
  }
  rmSync(DATA, { recursive: true, force: true });
  mkdirSync(DATA, { recursive: true });
  console.log(
    `generating ${REGIONS.length} × ${HOURS} hourly digests with 2 logs each into ${DATA} …`,
  );
  const bucket = new SignedBucket(path.join(DATA, 'bucket'), BUCKET);
  for (const region of REGIONS)
    bucket.chain({ region, homeRegion: 'us-east-1', start: FIRST }).hours(HOURS, { logs: 2 });
  bucket.writePublicKeys(path.join(DATA, 'keys.json'), [signingKey(0)]);
  const stamp: Stamp = {
    hours: HOURS,
    regions: REGIONS,
    digests: bucket.digests.length,
    logs: bucket.digests.reduce((n, d) => n + d.logKeys.length, 0),
    signatures: Object.fromEntries(bucket.signatures),
  };
  writeFileSync(STAMP, JSON.stringify(stamp));
  return stamp;
}

/** CloudTrail's ListPublicKeys (JSON 1.1) on 127.0.0.1, answering with the chain's key. */
async function publicKeysStub(): Promise<{
  server: Server;
  endpoint: string;
  calls: () => number;
}> {
  const keys = JSON.parse(readFileSync(path.join(DATA, 'keys.json'), 'utf8')) as {
    PublicKeyList: Array<{ Value: string; Fingerprint: string }>;
  };
  const body = JSON.stringify({
    PublicKeyList: keys.PublicKeyList.map((k) => ({
      Value: k.Value,
      Fingerprint: k.Fingerprint,
      ValidityStartTime: Date.parse('2020-01-01T00:00:00Z') / 1000,
      ValidityEndTime: Date.parse('2030-01-01T00:00:00Z') / 1000,
    })),
  });
  let calls = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      calls++;
      const ok = String(req.headers['x-amz-target'] ?? '').endsWith('.ListPublicKeys');
      res.writeHead(ok ? 200 : 400, { 'Content-Type': 'application/x-amz-json-1.1' });
      res.end(ok ? body : JSON.stringify({ __type: 'UnknownOperationException' }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return { server, endpoint: `http://127.0.0.1:${port}`, calls: () => calls };
}

interface Run {
  ms: number;
  /** User + system CPU time of the process (GNU time), which the machine's load does not inflate. */
  cpuMs: number;
  code: number;
  out: string;
  err: string;
}

let timeFile = '';

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<Run> {
  return new Promise((resolve, reject) => {
    const t = performance.now();
    const child = spawn('/usr/bin/time', ['-f', '%U %S', '-o', timeFile, cmd, ...args], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (c) => (out += c));
    child.stderr.on('data', (c) => (err += c));
    child.on('error', reject);
    child.on('close', (code) => {
      const [user, sys] = readFileSync(timeFile, 'utf8').trim().split(/\s+/).slice(-2).map(Number);
      resolve({
        ms: performance.now() - t,
        cpuMs: (user + sys) * 1000,
        code: code ?? -1,
        out,
        err,
      });
    });
  });
}

interface Measure {
  ms: number;
  /** CPU time of the validating process(es). */
  cpuMs: number;
  /** CPU time of this process (the S3 server) meanwhile. */
  serverCpuMs: number;
  requests: number;
  listings: number;
  bytes: number;
  /** Requests in flight at the server, on average over the wall time, and at most. */
  inFlight: number;
  maxInFlight: number;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ours = (out: string) =>
  out
    .split('\n')
    .filter((l) => !l.startsWith('FINDING\t') && !l.startsWith('# chain:'))
    .join('\n');

async function main(): Promise<void> {
  if (!existsSync(AWS))
    throw new Error(
      `${AWS} not found: apt-get install -y awscli (Debian's AWS CLI), or read BENCHMARKS.md's recorded figures`,
    );
  if (!existsSync(CLI)) throw new Error(`${CLI} not found: run node scripts/build.mjs first`);
  const stamp = ensureData();
  const server = await new TestS3Server([BUCKET]).start();
  const stub = await publicKeysStub();
  const tmp = mkdtempSync(path.join(tmpdir(), 'ctl-bench-validate-'));
  timeFile = path.join(tmp, 'time');
  try {
    const t0 = performance.now();
    const uploaded = await server.uploadFolder(
      BUCKET,
      path.join(DATA, 'bucket'),
      new Map(Object.entries(stamp.signatures)),
    );
    console.log(
      `${stamp.digests} digests and ${stamp.logs} logs (${uploaded.length} objects) uploaded to s3rver on ${server.endpoint} in ${((performance.now() - t0) / 1000).toFixed(0)} s; ${LATENCY} ms added per request`,
    );
    server.latencyMs = LATENCY;
    const config = path.join(tmp, 'aws-config');
    writeFileSync(
      config,
      `[default]\nregion = us-east-1\n\n[plugins]\ncli_legacy_plugin_path = ${path.join(__dirname, 'awscli')}\nctl_s3_endpoint = ctl_s3_endpoint\n`,
    );
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: tmp,
      AWS_CONFIG_FILE: config,
      AWS_SHARED_CREDENTIALS_FILE: path.join(tmp, 'none'),
      AWS_ACCESS_KEY_ID: S3RVER_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: S3RVER_CREDENTIALS.secretAccessKey,
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_PAGER: '',
      CTL_BENCH_S3_ENDPOINT: server.endpoint,
    };
    const window = ['--start-time', START, '--end-time', END];
    const awsArgs = (region: string) => [
      'cloudtrail',
      'validate-logs',
      '--trail-arn',
      ARN,
      ...window,
      '--s3-bucket',
      BUCKET,
      '--region',
      region,
      '--endpoint-url',
      stub.endpoint,
    ];
    const ourArgs = (region?: string, cli = CLI) => [
      ...(CPU_PROF ? ['--cpu-prof', '--cpu-prof-dir', CPU_PROF] : []),
      cli,
      'validate',
      `s3://${BUCKET}`,
      '--endpoint',
      server.endpoint,
      '--bucket-region',
      'us-east-1',
      '--public-keys',
      path.join(DATA, 'keys.json'),
      '--trail-arn',
      ARN,
      ...window,
      ...(region ? ['--region', region] : []),
      ...(CONCURRENCY ? ['--concurrency', String(CONCURRENCY)] : []),
    ];

    /** Runs `cmd` once per region (or once), sums wall time, counts the server's requests and bytes. */
    const measure = async (
      label: string,
      runs: Array<() => Promise<Run>>,
      check: (r: Run, i: number) => void,
    ): Promise<Measure> => {
      const from = server.requests.length;
      const requestMsFrom = server.requestMs;
      server.maxInFlight = 0;
      const stubFrom = stub.calls();
      const cpu = process.cpuUsage();
      let ms = 0;
      let cpuMs = 0;
      for (const [i, go] of runs.entries()) {
        const r = await go();
        if (r.code !== 0) throw new Error(`${label}: exit ${r.code}\n${r.err.slice(0, 2000)}`);
        check(r, i);
        ms += r.ms;
        cpuMs += r.cpuMs;
      }
      const reqs = server.since(from);
      const used = process.cpuUsage(cpu);
      return {
        ms,
        cpuMs,
        serverCpuMs: (used.user + used.system) / 1000,
        requests: reqs.length + stub.calls() - stubFrom,
        listings: reqs.filter(
          (q) =>
            q.method === 'GET' && /^\/[^/]+\/?$/.test(q.path) && !/(^|&)location/.test(q.query),
        ).length,
        bytes: reqs.reduce((n, q) => n + (q.bytes ?? 0), 0),
        inFlight: (server.requestMs - requestMsFrom) / ms,
        maxInFlight: server.maxInFlight,
      };
    };

    const awsOut: Run[] = [];
    const results: Record<'aws' | 'ourAll' | 'ourEach', Measure[]> = {
      aws: [],
      ourAll: [],
      ourEach: [],
    };
    const sides = {
      aws: () =>
        measure(
          'aws',
          REGIONS.map((r) => () => run(AWS, awsArgs(r), env)),
          (r, i) => (awsOut[i] = r),
        ),
      ourAll: () =>
        measure(
          'cloudtrail-lens (all regions)',
          [() => run(process.execPath, ourArgs(), { ...env })],
          (r) => {
            // Same verdict lines as the AWS CLI's, chain by chain (chains come in key order).
            const blocks = r.out.split(/^# chain: .*\n/m).slice(1);
            const order = [...REGIONS].sort();
            for (const [i, region] of order.entries()) {
              const aws = awsOut[REGIONS.indexOf(region)];
              if (aws && ours(blocks[i]) !== aws.out)
                throw new Error(
                  `stdout differs for ${region}:\n--- aws\n${aws.out}\n--- ours\n${blocks[i]}`,
                );
            }
          },
        ),
      ourEach: () =>
        measure(
          'cloudtrail-lens (per region)',
          REGIONS.map((r) => () => run(process.execPath, ourArgs(r), { ...env })),
          (r, i) => {
            const aws = awsOut[i];
            if (aws && (ours(r.out) !== aws.out || r.err !== aws.err))
              throw new Error(
                `output differs for ${REGIONS[i]}:\n--- aws\n${aws.out}${aws.err}\n--- ours\n${r.out}${r.err}`,
              );
          },
        ),
    };
    const baselines: Measure[] = [];
    // The AWS CLI first in the first run (its output is the reference), then alternating.
    for (let i = 0; i < RUNS; i++) {
      const order: Array<keyof typeof sides> =
        i % 2 === 0 ? ['aws', 'ourAll', 'ourEach'] : ['ourAll', 'ourEach', 'aws'];
      const pair: Partial<Record<keyof typeof sides, Measure>> = {};
      if (OURS_ONLY) {
        const line = (name: string, m: Measure) =>
          `${name} ${(m.ms / 1000).toFixed(2)} s, CPU ${(m.cpuMs / 1000).toFixed(1)} s, server CPU ${(m.serverCpuMs / 1000).toFixed(1)} s, ${m.requests} requests (${m.listings} listings), in flight ${m.inFlight.toFixed(1)} on average (at most ${m.maxInFlight})`;
        const baseline = BASELINE_CLI
          ? () =>
              measure(
                'baseline',
                [() => run(process.execPath, ourArgs(undefined, BASELINE_CLI), { ...env })],
                () => undefined,
              )
          : undefined;
        // The baseline build first in odd runs, second in even ones.
        const b1 = baseline && i % 2 === 0 ? await baseline() : undefined;
        const m = await sides.ourAll();
        const b = b1 ?? (baseline ? await baseline() : undefined);
        results.ourAll.push(m);
        if (b) baselines.push(b);
        console.log(
          `run ${i + 1} (ours only): ${line('all regions', m)}${b ? `; baseline build: ${line('all regions', b)}; baseline ÷ this: ${(b.ms / m.ms).toFixed(2)}× wall, ${(b.cpuMs / m.cpuMs).toFixed(2)}× CPU` : ''}`,
        );
        continue;
      }
      for (const side of order) results[side].push((pair[side] = await sides[side]()));
      console.log(
        `run ${i + 1}: aws ${(pair.aws!.ms / 1000).toFixed(1)} s, ours all regions ${(pair.ourAll!.ms / 1000).toFixed(2)} s (${(pair.aws!.ms / pair.ourAll!.ms).toFixed(1)}×), ours per region ${(pair.ourEach!.ms / 1000).toFixed(2)} s (${(pair.aws!.ms / pair.ourEach!.ms).toFixed(1)}×)`,
      );
    }
    if (OURS_ONLY) {
      if (baselines.length) {
        const med = (ms: Measure[], f: (m: Measure) => number) => median(ms.map(f)) / 1000;
        console.log(
          `\nmedians of ${RUNS}: this build ${med(results.ourAll, (m) => m.ms).toFixed(2)} s wall, ${med(results.ourAll, (m) => m.cpuMs).toFixed(1)} s CPU; baseline build ${med(baselines, (m) => m.ms).toFixed(2)} s wall, ${med(baselines, (m) => m.cpuMs).toFixed(1)} s CPU`,
        );
      }
      return;
    }
    const summary = awsOut
      .map((r, i) => `${REGIONS[i]}: ${r.out.trim().split('\n').slice(-2).join(', ')}`)
      .join('; ');
    console.log(`\nverdicts identical in every run (${summary})`);
    console.log(
      `\n| ${HOURS} h × ${REGIONS.length} regions: ${stamp.digests} digests, ${stamp.logs} logs; +${LATENCY} ms per request | wall time, median of ${RUNS} | CPU time, median | server CPU, median | requests (listings) | response bytes | AWS CLI ÷ this: wall (median of the runs' ratios), CPU, requests |`,
    );
    console.log('|---|---|---|---|---|---|---|');
    const row = (name: string, m: Measure[], ratio: boolean) => {
      const ratios = results.aws.map((a, i) => a.ms / m[i].ms);
      const cpuRatio = median(results.aws.map((a) => a.cpuMs)) / median(m.map((x) => x.cpuMs));
      const last = m[m.length - 1];
      console.log(
        `| ${name} | ${(median(m.map((x) => x.ms)) / 1000).toFixed(2)} s | ${(median(m.map((x) => x.cpuMs)) / 1000).toFixed(1)} s | ${(median(m.map((x) => x.serverCpuMs)) / 1000).toFixed(1)} s | ${last.requests} (${last.listings}) | ${(last.bytes / 1e6).toFixed(1)} MB | ` +
          `${ratio ? `**${median(ratios).toFixed(1)}×**, ${cpuRatio.toFixed(1)}×, ${(results.aws[0].requests / last.requests).toFixed(2)}×` : '1×'} |`,
      );
    };
    row(`aws cloudtrail validate-logs, one run per region`, results.aws, false);
    row('cloudtrail-lens validate s3://…, one run for all regions', results.ourAll, true);
    row('cloudtrail-lens validate s3://…, one run per region', results.ourEach, true);
  } finally {
    await new Promise((r) => stub.server.close(r));
    await server.dispose();
    rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
