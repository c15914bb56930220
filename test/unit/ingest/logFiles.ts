import { readdirSync } from 'node:fs';
import { join } from 'node:path';

/** The delivered log files (`.json.gz`, not digests) under `root`, sorted: what the cache tests touch, delete and copy. */
export function logFilesUnder(root: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name));
      else if (e.name.endsWith('.json.gz') && !e.name.includes('Digest')) out.push(join(d, e.name));
    }
  };
  walk(root);
  return out.sort();
}
