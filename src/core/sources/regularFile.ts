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
  const steps = readSteps(file, options);
  let step = steps.next();
  while (!step.done) {
    let answer: FsAnswer;
    try {
      answer = { value: await runAsync(step.value) };
    } catch (e) {
      answer = { error: e };
    }
    step = 'error' in answer ? steps.throw(answer.error) : steps.next(answer.value);
  }
  return step.value;
}

/** A local file another thread reads itself (an ingest worker; see LogSource.workerFile). */
export interface WorkerFile {
  path: string;
  /** The name used in messages. */
  key: string;
  /** The file must not be a symbolic link: the read declines one (LinkDeclined), to be read by its source. */
  noFollow: boolean;
}

/** A WorkerFile read refused because the file is a symbolic link: its source reads it instead. */
export class LinkDeclined extends Error {}

/**
 * readRegularFile on the calling thread, blocking it (a worker's; never the extension host's):
 * the same steps, the same errors. With `noFollow` a symbolic link throws LinkDeclined, and the
 * file is opened with O_NOFOLLOW where there is one, so no link can be swapped in once checked.
 */
export function readRegularFileSync(
  file: string,
  options: Omit<RegularReadOptions, 'signal'> & { noFollow?: boolean } = {},
): Uint8Array {
  const steps = readSteps(file, options);
  let step = steps.next();
  while (!step.done) {
    let answer: FsAnswer;
    try {
      answer = { value: runSync(step.value) };
    } catch (e) {
      answer = { error: e };
    }
    step = 'error' in answer ? steps.throw(answer.error) : steps.next(answer.value);
  }
  return step.value;
}

/** One file system call of a read (readSteps), made by runAsync or runSync. */
type FsStep =
  | { op: 'stat' | 'lstat'; path: string }
  | { op: 'open'; path: string; flags: number }
  | { op: 'fstat' | 'close'; fd: number }
  | { op: 'read'; fd: number; buffer: Uint8Array; offset: number; length: number };
type FsAnswer = { value: unknown } | { error: unknown };

/**
 * How a regular file is read, as the file system calls it takes, each yielded and answered by
 * the caller: readRegularFile answers them asynchronously and readRegularFileSync in place, so
 * both read by exactly these rules.
 */
function* readSteps(
  file: string,
  options: RegularReadOptions & { noFollow?: boolean },
): Generator<FsStep, Uint8Array, unknown> {
  const key = options.key ?? file;
  const max = options.maxBytes ?? Infinity;
  let fd: number | undefined;
  try {
    // Refused before opening: opening some devices has effects of its own.
    const before = (yield { op: options.noFollow ? 'lstat' : 'stat', path: file }) as Stats;
    if (options.noFollow && before.isSymbolicLink()) throw new LinkDeclined(file);
    const kind = specialKindOf(before);
    if (kind) throw notRegularFileError(key, file, kind);
    if (before.size > max) throw tooLarge(key, file, before.size, max);
    const flags = OPEN_FLAGS | (options.noFollow ? (fsConstants.O_NOFOLLOW ?? 0) : 0);
    try {
      fd = (yield { op: 'open', path: file, flags }) as number;
    } catch (e) {
      // O_NOFOLLOW refuses a link swapped in since the lstat with ELOOP.
      if (options.noFollow && (e as NodeJS.ErrnoException)?.code === 'ELOOP')
        throw new LinkDeclined(file);
      throw e;
    }
    const st = (yield { op: 'fstat', fd }) as Stats;
    const kindNow = specialKindOf(st);
    if (kindNow) throw notRegularFileError(key, file, kindNow);
    return yield* readToEnd(fd, key, file, st.size, max, options.signal);
  } catch (e) {
    if (e instanceof LinkDeclined) throw e;
    throw fileError(e, key, file);
  } finally {
    if (fd !== undefined) {
      try {
        yield { op: 'close', fd };
      } catch {
        // the bytes are read; a failed close loses nothing
      }
    }
  }
}

// The callback API, promisified: FileHandle's promise methods cost about twice the CPU per file,
// and ingest reads thousands of files.
const stat = promisify(fsCallbacks.stat);
const lstat = promisify(fsCallbacks.lstat);
const open = promisify(fsCallbacks.open);
const fstat = promisify(fsCallbacks.fstat);
const close = promisify(fsCallbacks.close);
const read = (fd: number, buffer: Uint8Array, offset: number, length: number): Promise<number> =>
  new Promise((resolve, reject) =>
    fsCallbacks.read(fd, buffer, offset, length, null, (e, n) => (e ? reject(e) : resolve(n))),
  );

function runAsync(step: FsStep): Promise<unknown> {
  switch (step.op) {
    case 'stat':
      return stat(step.path);
    case 'lstat':
      return lstat(step.path);
    case 'open':
      return open(step.path, step.flags);
    case 'fstat':
      return fstat(step.fd);
    case 'close':
      return close(step.fd);
    case 'read':
      return read(step.fd, step.buffer, step.offset, step.length);
  }
}

function runSync(step: FsStep): unknown {
  switch (step.op) {
    case 'stat':
      return fsCallbacks.statSync(step.path);
    case 'lstat':
      return fsCallbacks.lstatSync(step.path);
    case 'open':
      return fsCallbacks.openSync(step.path, step.flags);
    case 'fstat':
      return fsCallbacks.fstatSync(step.fd);
    case 'close':
      return fsCallbacks.closeSync(step.fd);
    case 'read':
      return fsCallbacks.readSync(step.fd, step.buffer, step.offset, step.length, null);
  }
}

/**
 * Reads to the end: `size` is where a regular file is expected to end (one exact buffer, which
 * the worker pool can then transfer without a copy), but a file that grows, or a /proc-like file
 * that says 0, is read on in chunks up to `max`.
 */
function* readToEnd(
  fd: number,
  key: string,
  file: string,
  size: number,
  max: number,
  signal?: AbortSignal,
): Generator<FsStep, Uint8Array, unknown> {
  const first = Buffer.allocUnsafeSlow(Math.min(size, max));
  let filled = 0;
  while (filled < first.length) {
    if (signal?.aborted) throw new SourceError('cancelled', key, 'cancelled');
    const bytesRead = (yield {
      op: 'read',
      fd,
      buffer: first,
      offset: filled,
      length: first.length - filled,
    }) as number;
    if (bytesRead === 0) return first.subarray(0, filled); // shorter than stat said
    filled += bytesRead;
  }
  const chunks: Buffer[] = [first];
  let total = filled;
  for (;;) {
    if (signal?.aborted) throw new SourceError('cancelled', key, 'cancelled');
    // Usually this read only confirms the end: a small buffer for it.
    const chunk = Buffer.allocUnsafe(chunks.length === 1 ? 8192 : CHUNK);
    const bytesRead = (yield {
      op: 'read',
      fd,
      buffer: chunk,
      offset: 0,
      length: chunk.length,
    }) as number;
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
