// What the index cache's two files (the pack, indexCache.ts; the snapshot, indexSnapshot.ts)
// share to be written and read whole at any size: 8-byte alignment of offsets and lengths, and
// reads and writes in steps of at most 1 GiB at 64-bit positions. At ten million events a pack
// passes 2 GiB, where 32-bit arithmetic (`& ~7`) wraps negative and readFileSync refuses the file.
import { closeSync, fstatSync, openSync, readSync, renameSync, rmSync, writeSync } from 'node:fs';

/** The multiple of 8 at or above `n` (any safe integer: no 32-bit bit operations). */
export const align8 = (n: number): number => n + ((8 - (n % 8)) % 8);

const STEP = 1 << 30;

/** Writes all of `b` at the file's current position. */
export function writeAll(fd: number, b: Uint8Array): void {
  for (let at = 0; at < b.length;) at += writeSync(fd, b, at, Math.min(b.length - at, STEP));
}

/** Fills `into` from `position` on; returns how many bytes there were (fewer at the file's end). */
export function readAll(fd: number, into: Uint8Array, position: number): number {
  let at = 0;
  while (at < into.length) {
    const n = readSync(fd, into, at, Math.min(into.length - at, STEP), position + at);
    if (n === 0) break;
    at += n;
  }
  return at;
}

/**
 * The whole file in a buffer of its own (not from Node's pool, so it starts 8-aligned for typed
 * array views), whatever its size; undefined when there is no such file. Throws when it cannot be
 * read (too big for one buffer, a folder, an I/O error).
 */
export function readWholeFile(path: string): Buffer | undefined {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  try {
    const bytes = Buffer.allocUnsafeSlow(fstatSync(fd).size);
    return bytes.subarray(0, readAll(fd, bytes, 0));
  } finally {
    closeSync(fd);
  }
}

/**
 * Writes `parts` one after the other, each padded to a multiple of 8, to a new file renamed over
 * `path` (a failure leaves `path` as it was and no new file behind).
 */
export function writePaddedAtomically(path: string, parts: Iterable<Uint8Array>): void {
  const tmp = `${path}.${process.pid}.tmp`;
  const fd = openSync(tmp, 'w');
  const pad = new Uint8Array(8);
  try {
    for (const p of parts) {
      writeAll(fd, p);
      writeAll(fd, pad.subarray(0, align8(p.length) - p.length));
    }
  } catch (e) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw e;
  }
  closeSync(fd);
  renameSync(tmp, path);
}
