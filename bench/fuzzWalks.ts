// Differential fuzz of the fast path's two record walks (JavaScript over the text, WebAssembly
// over the bytes): seeded mutations of real records (test/unit/ingest/jsonMutations.ts
// recordMutations: pieces of JSON and of records replaced, inserted or removed, letters' case
// flipped, runs repeated), each held by assertWalksAgree: the same batch from both walks,
// dictionary order included, nothing indexed that JSON.parse refuses, and the general path's
// values for rows that are plainly records. The unit tests run 3,000 of these; this runs as many
// as asked, to check a change to either walk. Exits 1 at the first disagreement, naming the text.
//
//   npx tsx bench/fuzzWalks.ts [--count 30000] [--seed 1] [--dir DIR] [--datasets]
//
// The records come from DIR's delivered log files (default: 3,000 generated events), and with
// --datasets also from the delivered files in ../shared/datasets.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { generateBucket } from '../src/core/synthetic/generator';
import { recordMutations } from '../test/unit/ingest/jsonMutations';
import { deliveredNamesUnder, logFilesUnder } from '../test/unit/ingest/logFiles';
import { asciiJson, assertWalksAgree } from '../test/unit/ingest/walkAgreement';
import { DATASETS_DIR, datasetsAvailable } from '../test/support/datasets';
import { arg } from './bucket';

async function main(): Promise<void> {
  const count = Number(arg('count', '30000'));
  const seed = Number(arg('seed', '1'));
  let dir = arg('dir', '');
  const made = dir ? undefined : mkdtempSync(join(tmpdir(), 'ctl-fuzz-'));
  try {
    if (made) await generateBucket({ events: 3000, out: (dir = made), seed: 5 });
    const files = logFilesUnder(dir).slice(0, 200);
    if (process.argv.includes('--datasets')) {
      if (!datasetsAvailable()) throw new Error(`--datasets: ${DATASETS_DIR} is absent`);
      files.push(...deliveredNamesUnder(DATASETS_DIR));
    }
    // A few records at a time: short texts, so that each mutation is a good part of its text.
    const texts: string[] = [];
    for (const f of files) {
      const raw = readFileSync(f);
      const records = (
        JSON.parse((f.endsWith('.gz') ? gunzipSync(raw) : raw).toString()) as {
          Records: unknown[];
        }
      ).Records;
      for (let k = 0; k < records.length; k += 7)
        texts.push(JSON.stringify({ Records: records.slice(k, k + 3) }));
    }
    const tally = { declined: 0, indexed: 0, general: 0 };
    const t = performance.now();
    let n = 0;
    for (const text of recordMutations(texts, count, seed)) {
      try {
        tally[assertWalksAgree(asciiJson(text))]++;
      } catch (e) {
        throw new Error(`mutation ${n} (seed ${seed}): ${e instanceof Error ? e.message : e}`);
      }
      n++;
    }
    console.log(
      `${count} mutations of ${texts.length} texts from ${files.length} files (seed ${seed}), ${((performance.now() - t) / 1000).toFixed(1)} s: both walks agree. ` +
        `${tally.declined} declined by both (left to the general path), ${tally.indexed} with rows that are not all plainly records (the same), ${tally.general} indexed as the general path indexes them.`,
    );
  } finally {
    if (made) rmSync(made, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
