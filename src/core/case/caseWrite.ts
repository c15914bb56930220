// Writes the case file as a whole or not at all: the text goes to a file beside it, which is
// renamed over it once complete. A save cut short (VS Code closed or crashed, a full disk) leaves
// the analysts' file as it was, never truncated; the watcher, which watches the case file's own
// name, does not see the file being written.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';

/** The file beside `file` that a save of it is written to first. */
export function savingPath(file: string): string {
  return path.join(path.dirname(file), `.${path.basename(file)}.saving-${process.pid}`);
}

export async function writeCaseFile(file: string, text: string): Promise<void> {
  // A case file kept behind a symbolic link is replaced where the link leads, the link kept.
  const target = await fs.realpath(file).catch(() => file);
  await fs.mkdir(path.dirname(target), { recursive: true });
  const partial = savingPath(target);
  try {
    const handle = await fs.open(partial, 'w');
    try {
      await handle.writeFile(text, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(partial, target);
  } catch (e) {
    await fs.rm(partial, { force: true }).catch(() => undefined);
    throw e;
  }
}
