// Composes sample-data/ (ignored by git): the CloudTrail folder that `npm start` opens and the
// integration and end-to-end tests run on. It is made from the project's own fixture
// generators: events from the seeded generator (several accounts and regions, an organization
// trail), a signed digest chain over them, and a trail configuration with lint findings. It is
// rebuilt when one of its inputs changed, when it is missing, or when any file it made was
// changed or removed since (code-server autosaves, so a quick fix tried on the sample's
// trail-config.json would otherwise change it for good). Files the user added are kept.
// Usage: npx tsx scripts/make-sample.ts [--force] [--out DIR]   (prints the folder's path last)
import { createHash } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
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
      const t = await generateBucket({
        events: EVENTS,
        out: dir,
        seed: SEED,
        eventsPerFile: EVENTS_PER_FILE,
      });
      const accounts = Object.keys(t.byAccount).sort();
      const regions = Object.keys(t.byRegion).sort();
      return `\`AWSLogs/\`: ${t.events} events in ${t.files} log files from ${t.firstEventTime} to ${t.lastEventTime}, accounts ${accounts.join(', ')} (two under an organization trail), regions ${regions.join(', ')}; ${t.errors} with an errorCode, ${t.consoleLoginFailures} failed console sign-ins`;
    },
  },
  {
    name: 'digest chain',
    inputs: ['src/core/synthetic/digests'],
    async add(dir) {
      const s = signSampleBucket(dir, {
        bucket: BUCKET,
        trailName: 'org-trail',
        homeRegion: 'us-east-1',
      });
      return `\`CloudTrail-Digest/\`: a valid signed digest chain (${s.digestKeys.length} hourly digests), with the public keys in \`${relative(dir, s.publicKeysFile)}\` and the signatures in \`${relative(dir, s.signaturesFile)}\``;
    },
  },
  {
    name: 'lint sample config',
    inputs: [
      'test/fixtures/lint/sample-trail-config.json',
      'test/fixtures/lint/sample-trail-template.yaml',
      'test/fixtures/lint/sample-trail.tf',
    ],
    async add(dir) {
      copyFileSync(
        join(root, 'test/fixtures/lint/sample-trail-config.json'),
        join(dir, 'trail-config.json'),
      );
      copyFileSync(
        join(root, 'test/fixtures/lint/sample-trail-template.yaml'),
        join(dir, 'trail-template.yaml'),
      );
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
    hash
      .update(file)
      .update('\0')
      .update(readFileSync(join(root, file)))
      .update('\0');
  }
  return hash.digest('hex');
}

interface Stamp {
  hash?: string;
  /** SHA-256 of every file the sample was made with, by path relative to the folder. */
  files?: Record<string, string>;
}

function readStamp(dir: string): Stamp {
  try {
    return JSON.parse(readFileSync(join(dir, STAMP), 'utf8'));
  } catch {
    return {};
  }
}

/** Paths of the regular files under `dir`, relative to it, the stamp excluded. */
function madeFiles(dir: string, under = ''): string[] {
  return readdirSync(join(dir, under), { withFileTypes: true }).flatMap((e) => {
    const rel = under ? join(under, e.name) : e.name;
    if (e.isDirectory()) return madeFiles(dir, rel);
    return e.isFile() && rel !== STAMP ? [rel] : [];
  });
}

function sha256File(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

function manifest(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const rel of madeFiles(dir).sort()) files[rel] = sha256File(join(dir, rel));
  return files;
}

/** The first made file that is missing or differs from what was made, or undefined. */
function changedFile(dir: string, files: Record<string, string>): string | undefined {
  for (const [rel, sha] of Object.entries(files)) {
    const path = join(dir, rel);
    if (!existsSync(path) || sha256File(path) !== sha) return rel;
  }
  return undefined;
}

/** Files in `from` that the sample did not make (the user's own): moved into `to`. */
function keepUserFiles(from: string, to: string, made: Record<string, string>): void {
  if (!existsSync(from)) return;
  for (const rel of madeFiles(from)) {
    if (rel in made || existsSync(join(to, rel))) continue;
    mkdirSync(dirname(join(to, rel)), { recursive: true });
    renameSync(join(from, rel), join(to, rel));
  }
}

export async function ensureSample(
  options: { out?: string; force?: boolean; log?: (line: string) => void } = {},
): Promise<string> {
  const out = resolve(options.out ?? DEFAULT_SAMPLE_DIR);
  const log = options.log ?? ((line: string) => console.error(`[sample] ${line}`));
  const hash = inputsHash(pieces);
  const stamp = existsSync(out) ? readStamp(out) : {};
  if (!options.force && stamp.hash === hash) {
    const changed = stamp.files ? changedFile(out, stamp.files) : '(no list of made files)';
    if (!changed) return out;
    log(`${changed} differs from what was made: making the sample again`);
  }

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
    const files = manifest(staging);
    // Without a list of what it made (an older sample), everything in it was made: nothing to keep.
    if (stamp.files) keepUserFiles(out, staging, stamp.files);
    writeFileSync(
      join(staging, STAMP),
      JSON.stringify(
        { hash, pieces: pieces.map((p) => p.name), made: new Date().toISOString(), files },
        null,
        2,
      ) + '\n',
    );
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
    "Generated by `scripts/make-sample.ts` from the project's seeded fixture generators: no real",
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
      console.error(
        `[sample] could not make the sample folder: ${e instanceof Error ? e.stack : String(e)}`,
      );
      process.exit(1);
    });
}
