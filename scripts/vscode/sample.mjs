// Runs scripts/make-sample.ts (TypeScript, through tsx) and returns the sample folder's path.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { root } from '../setup.mjs';

export function ensureSampleFolder() {
  const tsx = join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs');
  const r = spawnSync(process.execPath, [tsx, join(root, 'scripts', 'make-sample.ts')], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const dir = r.stdout.trim().split('\n').pop();
  if (r.status !== 0 || !dir)
    throw new Error(
      `making the sample folder failed (exit ${r.status ?? r.signal}); see the output above`,
    );
  return dir;
}
