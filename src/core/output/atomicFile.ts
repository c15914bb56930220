// Writes a file the user asked for (an export, an evidence report) beside its target and renames
// it at the end, so that a failed or cancelled write never leaves a half-written file under the
// user's name, nor replaces a file that was there with one.
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { once } from 'node:events';
import { pipeline } from 'node:stream/promises';

/** Writes `chunks` (UTF-8) to `file` through `<file>.partial-<pid>`; on failure removes the partial file and throws. */
export async function writeFileAtomically(
  file: string,
  chunks: AsyncIterable<string> | Iterable<string>,
): Promise<void> {
  const partial = `${file}.partial-${process.pid}`;
  const out = createWriteStream(partial, { encoding: 'utf8' });
  try {
    // pipeline: the file's failure (it cannot be created, the disk is full), which may come
    // while the chunks are being made, ends the write with that error instead of leaving it
    // unheard and the write waiting on a stream that will never drain.
    await pipeline(chunks, out);
    await rename(partial, file);
  } catch (e) {
    out.destroy();
    // The file may still be being opened: remove it only once the stream has let go of it, or
    // the open would create it again after the removal.
    if (!out.closed) await once(out, 'close').catch(() => {});
    await rm(partial, { force: true });
    throw e;
  }
}
