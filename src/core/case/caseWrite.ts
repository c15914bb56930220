// Writes the case file as a whole or not at all: the text goes to a file beside it, which is
// renamed over it once complete. A save cut short (VS Code closed or crashed, a full disk) leaves
// the analysts' file as it was, never truncated; the watcher, which watches the case file's own
// name, does not see the file being written.
//
// The file is shared (two windows, a colleague on a shared drive, a `git pull`), so a save can
// be made to replace only the version it was made from (compare before replace): the file is read
// again once the new text is on disk beside it, and left alone when it is no longer that version.
// A file system has no atomic compare-and-rename: what is left is the moment between that read
// and the rename, instead of the whole save. A file that did not exist is created only if it
// still does not (a hard link fails on an existing name), where the file system allows links.
import { createHash } from 'node:crypto';
import { constants as fsConstants, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { readRegularFile } from '../sources/regularFile';
import { SourceError } from '../sources/source';
import { CaseFileError } from './caseFile';

/** The version of a case file that does not exist. */
export const ABSENT = 'absent';

/** A version of the case file: the SHA-256 of its bytes, or ABSENT for no file. */
export function caseVersion(bytes: Uint8Array | undefined): string {
  return bytes === undefined ? ABSENT : createHash('sha256').update(bytes).digest('hex');
}

/** A case file holds one line per annotation: far less than this. */
export const MAX_CASE_FILE_BYTES = 256 * 1024 * 1024;

/**
 * The case file's bytes, or undefined when there is no file. Only a regular file is read (a FIFO
 * would block the read for ever, /dev/zero never ends), up to MAX_CASE_FILE_BYTES: else a
 * SourceError naming the file and the problem.
 */
export async function readCaseBytes(file: string): Promise<Buffer | undefined> {
  try {
    const bytes = await readRegularFile(file, { maxBytes: MAX_CASE_FILE_BYTES });
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  } catch (e) {
    if (e instanceof SourceError && e.code === 'not-found') return undefined;
    throw e;
  }
}

/** The file beside `file` that a save of it is written to first. */
export function savingPath(file: string): string {
  return path.join(path.dirname(file), `.${path.basename(file)}.saving-${process.pid}`);
}

/**
 * Writes `text` as the case file. With `expected` (a caseVersion), only if the file is still that
 * version: returns false, the file left as it is, when it has changed.
 */
export async function writeCaseFile(
  file: string,
  text: string,
  expected?: string,
): Promise<boolean> {
  // A case file kept behind a symbolic link is replaced where the link leads, the link kept.
  const target = await fs.realpath(file).catch(() => file);
  // A link that leads nowhere (or around in a loop): nothing is made through it.
  const link = target === file ? await fs.readlink(file).catch(() => undefined) : undefined;
  if (link !== undefined)
    throw new CaseFileError(
      file,
      `it is a symbolic link to ${link}, which does not exist: create that file, or remove the link, to save changes`,
    );
  // The new text replaces the file by a rename, which its permissions do not stop: a file made
  // read-only (a closed case, a reviewed copy) is refused here, and one kept private (0600) stays so.
  const mode = await fs.stat(target).then(
    (s) => s.mode & 0o7777,
    () => undefined,
  );
  if (mode !== undefined && ((mode & 0o222) === 0 || !(await writable(target))))
    throw new CaseFileError(file, 'it is read-only (make it writable to save changes to it)');
  await fs.mkdir(path.dirname(target), { recursive: true });
  const partial = savingPath(target);
  try {
    // Created afresh ('wx' never opens an existing name, nor follows a link there): a symbolic
    // link planted under this name in an evidence folder would otherwise have the case written
    // where it leads, and then be renamed over the case file. A leftover (a save of this process
    // cut short) is removed first; rm removes a link, not what it leads to.
    await fs.rm(partial, { force: true });
    const handle = await fs.open(partial, 'wx');
    try {
      if (mode !== undefined) await handle.chmod(mode);
      await handle.writeFile(text, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    if (expected === ABSENT) {
      const created = await linkNew(partial, target);
      if (created !== undefined) {
        await fs.rm(partial, { force: true });
        return created;
      }
    }
    if (expected !== undefined && caseVersion(await readCaseBytes(target)) !== expected) {
      await fs.rm(partial, { force: true });
      return false;
    }
    await fs.rename(partial, target);
    return true;
  } catch (e) {
    await fs.rm(partial, { force: true }).catch(() => undefined);
    throw e;
  }
}

async function writable(file: string): Promise<boolean> {
  return fs.access(file, fsConstants.W_OK).then(
    () => true,
    () => false,
  );
}

/** Gives `from` the name `to` unless `to` exists: whether it did; undefined without hard links. */
async function linkNew(from: string, to: string): Promise<boolean | undefined> {
  try {
    await fs.link(from, to);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EEXIST' ? false : undefined;
  }
}
