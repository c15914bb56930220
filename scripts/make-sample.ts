// Composes sample-data/ (ignored by git): the CloudTrail folder that `npm start` opens and the
// integration and end-to-end tests run on. It is made from the project's own fixture
// generators: events from the seeded generator (several accounts and regions, an organization
// trail), a signed digest chain over them, and a trail configuration with lint findings. It is
// rebuilt only when one of its inputs changed or it is missing.
// Usage: npx tsx scripts/make-sample.ts [--force] [--out DIR]   (prints the folder's path last)
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { signSampleBucket } from '../src/core/synthetic/digests';
import { generateBucket } from '../src/core/synthetic/generator';

const root = resolve(__dirname, '..');
export const DEFAULT_SAMPLE_DIR = join(root, 'sample-data');
// Not *.json: the explorer would offer a loose .json file as a log.
const STAMP = '.cloudtrail-lens-sample.stamp';
const EVENTS = 3000;
const SEED = 2024;
// Small files spread the events over a few hours, so each region gets a digest chain of several links.
const EVENTS_PER_FILE = 8;
const BUCKET = 'cloudtrail-lens-sample-logs';

/** One ingredient of the sample. */
interface Piece {
  name: string;
  /** Files and folders whose content decides what the piece makes. */
  inputs: string[];
  /** Adds the piece to `dir`; returns one line for the sample's README. */
  add(dir: string): Promise<string>;
}

const pieces: Piece[] = [
  {
    name: 'events',
    inputs: ['src/core/synthetic/generator'],
    async add(dir) {
      const t = await generateBucket({ events: EVENTS, out: dir, seed: SEED, eventsPerFile: EVENTS_PER_FILE });
      const accounts = Object.keys(t.byAccount).sort();
      const regions = Object.keys(t.byRegion).sort();
      return `\`AWSLogs/\`: ${t.events} events in ${t.files} log files from ${t.firstEventTime} to ${t.lastEventTime}, accounts ${accounts.join(', ')} (two under an organization trail), regions ${regions.join(', ')}; ${t.errors} with an errorCode, ${t.consoleLoginFailures} failed console sign-ins`;
    },
  },
  {
    name: 'digest chain',
    inputs: ['src/core/synthetic/digests'],
    async add(dir) {
      const s = signSampleBucket(dir, { bucket: BUCKET, trailName: 'org-trail', homeRegion: 'us-east-1' });
      return `\`CloudTrail-Digest/\`: a valid signed digest chain (${s.digestKeys.length} hourly digests), with the public keys in \`${relative(dir, s.publicKeysFile)}\` and the signatures in \`${relative(dir, s.signaturesFile)}\``;
    },
  },
  {
    name: 'lint sample config',
    inputs: ['test/fixtures/lint/sample-trail-config.json', 'test/fixtures/lint/sample-trail-template.yaml', 'test/fixtures/lint/sample-trail.tf'],
    async add(dir) {
      copyFileSync(join(root, 'test/fixtures/lint/sample-trail-config.json'), join(dir, 'trail-config.json'));
      copyFileSync(join(root, 'test/fixtures/lint/sample-trail-template.yaml'), join(dir, 'trail-template.yaml'));
      copyFileSync(join(root, 'test/fixtures/lint/sample-trail.tf'), join(dir, 'trail.tf'));
      return '`trail-config.json` (JSON), `trail-template.yaml` (CloudFormation YAML) and `trail.tf` (Terraform): trail configurations with lint findings (see the Problems panel)';
    },
  },
];

function filesUnder(path: string): string[] {
  const abs = join(root, path);
  if (!existsSync(abs)) return [];
  if (statSync(abs).isFile()) return [path];
  return readdirSync(abs, { withFileTypes: true })
    .filter((e) => e.name !== 'node_modules')
    .flatMap((e) => filesUnder(join(path, e.name)));
}

/** A hash of everything the sample is made from, to know when to make it again. */
function inputsHash(from: Piece[]): string {
  const hash = createHash('sha256');
  const paths = ['scripts/make-sample.ts', 'src/core', ...from.flatMap((p) => p.inputs)];
  for (const file of [...new Set(paths.flatMap(filesUnder))].sort()) {
    hash.update(file).update('\0').update(readFileSync(join(root, file))).update('\0');
  }
  return hash.digest('hex');
}

function readStamp(dir: string): { hash?: string } {
  try {
    return JSON.parse(readFileSync(join(dir, STAMP), 'utf8'));
  } catch {
    return {};
  }
}

export async function ensureSample(options: { out?: string; force?: boolean; log?: (line: string) => void } = {}): Promise<string> {
  const out = resolve(options.out ?? DEFAULT_SAMPLE_DIR);
  const log = options.log ?? ((line: string) => console.error(`[sample] ${line}`));
  const hash = inputsHash(pieces);
  if (!options.force && existsSync(out) && readStamp(out).hash === hash) return out;

  // Made beside the target and renamed into place, so a failed run never leaves half a sample.
  const staging = mkdtempSync(join(dirname(out), `.${basename(out)}-making-`));
  try {
    const lines: string[] = [];
    for (const piece of pieces) {
      const started = Date.now();
      lines.push(await piece.add(staging));
      log(`${piece.name}: done in ${Date.now() - started} ms`);
    }
    writeFileSync(join(staging, 'README.md'), sampleReadme(lines));
    writeFileSync(join(staging, STAMP), JSON.stringify({ hash, pieces: pieces.map((p) => p.name), made: new Date().toISOString() }, null, 2) + '\n');
    rmSync(out, { recursive: true, force: true });
    try {
      renameSync(staging, out);
    } catch (e) {
      // Another run (tests share this tree) put the same sample in place first: that is fine.
      if (readStamp(out).hash !== hash) throw e;
    }
    log(`made ${relative(process.cwd(), out) || out}`);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  return out;
}

function sampleReadme(lines: string[]): string {
  return [
    '# CloudTrail Lens sample data',
    '',
    'Generated by `scripts/make-sample.ts` from the project\'s seeded fixture generators: no real',
    'account, user or key appears here. Regenerated automatically when its inputs change.',
    '',
    ...lines.map((l) => `- ${l}`),
    '',
  ].join('\n');
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const outAt = args.indexOf('--out');
  ensureSample({ force: args.includes('--force'), out: outAt >= 0 ? args[outAt + 1] : undefined })
    .then((dir) => console.log(dir))
    .catch((e: unknown) => {
      console.error(`[sample] could not make the sample folder: ${e instanceof Error ? e.stack : String(e)}`);
      process.exit(1);
    });
}
