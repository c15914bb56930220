// The generated bucket the timeline benchmarks run on: made once under bench/data/ (ignored by
// git) and reused while the generator and the event count are unchanged.
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateBucket } from '../src/core/synthetic/generator';

export const SEED = 7;

// Bundled runs (bench/runBundled.mjs) live elsewhere; the data stays in bench/data/.
const BENCH_DIR = process.env.CTL_BENCH_ROOT
  ? join(process.env.CTL_BENCH_ROOT, 'bench')
  : __dirname;

export async function benchBucket(events: number): Promise<string> {
  const dir = join(BENCH_DIR, 'data', `timeline-${events}`);
  const stamp = join(BENCH_DIR, 'data', `timeline-${events}.stamp.json`);
  const want = JSON.stringify({ events, seed: SEED });
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === want && existsSync(dir)) return dir;
  rmSync(dir, { recursive: true, force: true });
  const started = Date.now();
  const t = await generateBucket({ events, out: dir, seed: SEED });
  writeFileSync(stamp, want);
  console.error(
    `generated ${t.events} events in ${t.files} files in ${((Date.now() - started) / 1000).toFixed(1)} s → ${dir}`,
  );
  return dir;
}
