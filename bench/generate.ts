// Writes a generated CloudTrail bucket: npx tsx bench/generate.ts --events N --out DIR [--seed S] [--tally FILE]
// Prints a one-line summary; --tally writes the full tally (counts by event, account, region…)
// as JSON (keep it outside DIR: a JSON file inside would be read as an event file).
import { promises as fs } from 'node:fs';
import { generateBucket } from '../src/core/synthetic/generator';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<void> {
  const events = Number(arg('events'));
  const out = arg('out');
  if (!Number.isFinite(events) || events < 0 || !out) {
    console.error(
      'usage: npx tsx bench/generate.ts --events N --out DIR [--seed S] [--tally FILE]',
    );
    process.exit(2);
  }
  const started = Date.now();
  const tally = await generateBucket({
    events,
    out,
    seed: arg('seed') ? Number(arg('seed')) : undefined,
  });
  const tallyFile = arg('tally');
  if (tallyFile) await fs.writeFile(tallyFile, JSON.stringify(tally, null, 2));
  console.log(
    `${tally.events} events in ${tally.files} files (${tally.errors} with errorCode, ${tally.dataEvents} data events) from ${tally.firstEventTime} to ${tally.lastEventTime} → ${out} in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
