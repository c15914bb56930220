// What the 1M-event benchmarks share: their command-line options and the generated bucket they
// run on (made once per size, seed 1, with its tally beside it).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { BucketTally, generateBucket } from '../src/core/synthetic/generator';

/** The value of `--name` on the command line, or the fallback. */
export function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

export const median = (a: number[]) => [...a].sort((x, y) => x - y)[a.length >> 1];

/** The bucket of `events` generated events at `dir`, generated first when it is not there yet. */
/** The generated bucket of `events` events in `dir`, made once (with credential chains when `chains`). */
export async function generatedBucket(
  events: number,
  dir: string,
  chains = false,
): Promise<BucketTally> {
  const tallyFile = `${dir}.tally.json`;
  if (!existsSync(tallyFile)) {
    console.log(`generating ${events} events into ${dir} …`);
    const tally = await generateBucket({ events, out: dir, seed: 1, chains });
    writeFileSync(tallyFile, JSON.stringify(tally));
  }
  return JSON.parse(readFileSync(tallyFile, 'utf8')) as BucketTally;
}
