// Reading a local file that may be hostile: only regular files are read, and never more bytes
// than asked for, whatever `stat` says. A named pipe (FIFO) blocks an ordinary open until
// someone writes to it, and a device such as /dev/zero reports size 0 and never ends; a link
// may point at either. Every command and the extension read local log files through here.
import * as fsCallbacks from 'node:fs';
import { constants as fsConstants, Stats } from 'node:fs';
import { promisify } from 'node:util';
import { SourceError } from './source';

/** What a stat says a non-regular file is, in words. */
export function specialKindOf(st: Stats): string | undefined {
  if (st.isFile()) return undefined;
  if (st.isDirectory()) return 'a folder';
  if (st.isFIFO()) return 'a named pipe (FIFO)';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}

export function notRegularFileError(key: string, file: string, kind: string): SourceError {
  return new SourceError(
    'special',
    key,
    `${file}: ${kind}, not a regular file; skipped (only regular files are read)`,
  );
}

// Opening a FIFO without O_NONBLOCK waits for a writer: the open itself would hang. Windows has
// no such flag (and no FIFOs on disk).
const OPEN_FLAGS = fsConstants.O_RDONLY | (fsConstants.O_NONBLOCK ?? 0);
const CHUNK = 1024 * 1024;

export interface RegularReadOptions {
  /** Refuse the file once it holds more than this many bytes (counted as read, not from stat). */
  maxBytes?: number;
  signal?: AbortSignal;
  /** The name used in messages (default: the path). */
  key?: string;
}

/**
 * The bytes of `file`, which must be a regular file (a link to one is fine). Throws SourceError:
 * 'special' for FIFOs, devices, sockets and folders (checked before opening and again on the open
 * handle, so a file swapped in between is caught), 'too-large' past `maxBytes`, and the usual
 * not-found / access-denied / loop / io.
 */
export async function readRegularFile(
  file: string,
  options: RegularReadOptions = {},
): Promise<Uint8Array> {
  const key = options.key ?? file;
  const max = options.maxBytes ?? Infinity;
  let fd: number | undefined;
  try {
    // Refused before opening: opening some devices has effects of its own.
    const before = await stat(file);
    const kind = specialKindOf(before);
    if (kind) throw notRegularFileError(key, file, kind);
    if (before.size > max) throw tooLarge(key, file, before.size, max);
    fd = await open(file, OPEN_FLAGS);
    const st = await fstat(fd);
    const kindNow = specialKindOf(st);
    if (kindNow) throw notRegularFileError(key, file, kindNow);
    return await readAll(fd, key, file, st.size, max, options.signal);
  } catch (e) {
    throw fileError(e, key, file);
  } finally {
    if (fd !== undefined) await close(fd).catch(() => undefined);
  }
}

// The callback API, promisified: FileHandle's promise methods cost about twice the CPU per file,
// and ingest reads thousands of files.
const stat = promisify(fsCallbacks.stat);
const open = promisify(fsCallbacks.open);
const fstat = promisify(fsCallbacks.fstat);
const close = promisify(fsCallbacks.close);
const read = (fd: number, buffer: Buffer, offset: number, length: number): Promise<number> =>
  new Promise((resolve, reject) =>
    fsCallbacks.read(fd, buffer, offset, length, null, (e, n) => (e ? reject(e) : resolve(n))),
  );

/**
 * Reads to the end: `size` is where a regular file is expected to end (one exact buffer, which
 * the worker pool can then transfer without a copy), but a file that grows, or a /proc-like file
 * that says 0, is read on in chunks up to `max`.
 */
async function readAll(
  fd: number,
  key: string,
  file: string,
  size: number,
  max: number,
  signal?: AbortSignal,
): Promise<Uint8Array> {
  const first = Buffer.allocUnsafeSlow(Math.min(size, max));
  let filled = 0;
  while (filled < first.length) {
    if (signal?.aborted) throw new SourceError('cancelled', key, 'cancelled');
    const bytesRead = await read(fd, first, filled, first.length - filled);
    if (bytesRead === 0) return first.subarray(0, filled); // shorter than stat said
    filled += bytesRead;
  }
  const chunks: Buffer[] = [first];
  let total = filled;
  for (;;) {
    if (signal?.aborted) throw new SourceError('cancelled', key, 'cancelled');
    // Usually this read only confirms the end: a small buffer for it.
    const chunk = Buffer.allocUnsafe(chunks.length === 1 ? 8192 : CHUNK);
    const bytesRead = await read(fd, chunk, 0, chunk.length);
    if (bytesRead === 0) break;
    total += bytesRead;
    if (total > max) throw tooLarge(key, file, total, max, true);
    chunks.push(chunk.subarray(0, bytesRead));
  }
  return chunks.length === 1 ? first : Buffer.concat(chunks, total);
}

function tooLarge(
  key: string,
  file: string,
  size: number,
  max: number,
  growing = false,
): SourceError {
  return new SourceError(
    'too-large',
    key,
    `${file}: ${growing ? 'more than ' : ''}${size} bytes is larger than the limit of ${max} bytes`,
  );
}

/** A node:fs failure on `file` (or folder) as a SourceError naming it. */
export function fileError(
  e: unknown,
  key: string,
  file: string,
  what: 'file' | 'folder' = 'file',
): SourceError {
  if (e instanceof SourceError) return e;
  const err = e as NodeJS.ErrnoException;
  switch (err?.code) {
    case 'ENOENT':
      return new SourceError('not-found', key, `${file}: no such ${what}`);
    case 'EACCES':
    case 'EPERM':
      return new SourceError(
        'access-denied',
        key,
        `${file}: permission denied (check the ${what}'s permissions)`,
      );
    case 'ELOOP':
      return new SourceError('loop', key, `${file}: symbolic link loop`);
    case 'ENXIO': // a socket cannot be opened
      return notRegularFileError(key, file, 'a socket');
    case 'ABORT_ERR':
      return new SourceError('cancelled', key, 'cancelled');
    default:
      return new SourceError('io', key, `${file}: ${err?.message ?? String(e)}`);
  }
}
