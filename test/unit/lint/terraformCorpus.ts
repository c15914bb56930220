// What the HCL reader's agreement tests run over: the project's .tf fixtures and, when present,
// 30 of the shared Terraform files; and a seeded random pick, so a failing edit repeats.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { dataset, datasetsAvailable } from '../../support/datasets';

/** The project's lint fixtures. */
export const FIXTURES = join(__dirname, '..', '..', 'fixtures', 'lint');

function tfFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) tfFiles(p, out);
    else if (name.endsWith('.tf')) out.push(p);
  }
  return out;
}

/** The .tf files to read; `sharedPresent` says whether the shared ones are among them. */
export function terraformCorpus(): { files: string[]; sharedPresent: boolean } {
  const files = tfFiles(FIXTURES);
  const sharedPresent = datasetsAvailable();
  if (sharedPresent) files.push(...tfFiles(dataset('trail-configs-iac')).slice(0, 30));
  return { files, sharedPresent };
}

/** A small seeded generator of picks in [0, n), so a failure repeats. */
export function random(seed: number): (n: number) => number {
  let s = seed >>> 0;
  return (n) => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s % n;
  };
}
