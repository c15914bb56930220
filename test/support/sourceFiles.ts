// The TypeScript files under a folder of the project's sources, for tests that hold every call
// site to a rule (command ids, messages with foreign text).
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

export function typeScriptFilesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? typeScriptFilesUnder(join(dir, e.name))
      : e.name.endsWith('.ts')
        ? [join(dir, e.name)]
        : [],
  );
}
