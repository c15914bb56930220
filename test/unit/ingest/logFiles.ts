import { readdirSync } from 'node:fs';
import { join } from 'node:path';

/** The files under `root` (at any depth) whose names `take` takes, sorted. */
function filesUnder(root: string, take: (name: string) => boolean): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name));
      else if (take(e.name)) out.push(join(d, e.name));
    }
  };
  walk(root);
  return out.sort();
}

/** The delivered log files (`.json.gz`, not digests) under `root`, sorted: what the cache tests touch, delete and copy. */
export function logFilesUnder(root: string): string[] {
  return filesUnder(root, (name) => name.endsWith('.json.gz') && !name.includes('Digest'));
}

/** Files under `root` with CloudTrail's delivered names (`…CloudTrail_….json`, gzipped or not), sorted. */
export function deliveredNamesUnder(root: string): string[] {
  return filesUnder(root, (name) => /CloudTrail_.*\.json(\.gz)?$/.test(name));
}
