// What the index cache's two files (the pack, indexCache.ts; the snapshot, indexSnapshot.ts)
// share to be written and read at any size: 8-byte alignment of offsets and lengths, reads and
// writes in steps of at most 1 GiB at 64-bit positions, new files written under a temporary name
// and renamed into place, and the layout around their bodies (a lead, and a header found from a
// footer at the end). At ten million events a pack passes 2 GiB, where 32-bit arithmetic
// (`& ~7`) wraps negative and readFileSync refuses the file.
import {
  closeSync,
  fstatSync,
  openSync,
  readdirSync,
  readSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';

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

let tempSerial = 0;
const TEMP = /\.(\d+)-\d+\.tmp$/;

/**
 * A new file written piece by piece, each piece padded to a multiple of 8, under a temporary name
 * beside `path` (`<path>.<pid>-<n>.tmp`), renamed over `path` by `commit` (a failure, or `abort`,
 * leaves `path` as it was and no temporary file behind). The index cache writes its pack entry by
 * entry while a load runs, so the entries never have to be held in memory together.
 */
export class PaddedFileWriter {
  readonly tempPath: string;
  /** Bytes written so far: the offset of the next piece (a multiple of 8). */
  position = 0;
  private fd: number | undefined;
  private static readonly PAD = new Uint8Array(8);

  constructor(readonly path: string) {
    this.tempPath = `${path}.${process.pid}-${tempSerial++}.tmp`;
    this.fd = openSync(this.tempPath, 'w');
  }

  /** Writes `bytes` padded to 8; returns the offset it was written at. */
  append(bytes: Uint8Array): number {
    const at = this.position;
    this.write(bytes);
    this.pad();
    return at;
  }

  /** Writes `bytes` as they are (a piece written in parts ends with `pad`). */
  write(bytes: Uint8Array): void {
    if (this.fd === undefined) throw new Error(`${this.tempPath} is closed`);
    try {
      writeAll(this.fd, bytes);
    } catch (e) {
      this.abort();
      throw e;
    }
    this.position += bytes.length;
  }

  /** Zeros up to the next multiple of 8; returns them (empty when aligned already). */
  pad(): Uint8Array {
    const zeros = PaddedFileWriter.PAD.subarray(0, align8(this.position) - this.position);
    this.write(zeros);
    return zeros;
  }

  /** Puts the new file in place of `path`. */
  commit(): void {
    if (this.fd === undefined) throw new Error(`${this.tempPath} is closed`);
    closeSync(this.fd);
    this.fd = undefined;
    try {
      renameSync(this.tempPath, this.path);
    } catch (e) {
      rmSync(this.tempPath, { force: true });
      throw e;
    }
  }

  /** Drops what was written (nothing happens to `path`); harmless when already done. */
  abort(): void {
    if (this.fd === undefined) return;
    try {
      closeSync(this.fd);
    } finally {
      this.fd = undefined;
      rmSync(this.tempPath, { force: true });
    }
  }
}

/**
 * Writes `parts` one after the other, each padded to a multiple of 8, to a new file renamed over
 * `path` (a failure leaves `path` as it was and no new file behind).
 */
export function writePaddedAtomically(path: string, parts: Iterable<Uint8Array>): void {
  const writer = new PaddedFileWriter(path);
  try {
    for (const p of parts) writer.append(p);
  } catch (e) {
    writer.abort();
    throw e;
  }
  writer.commit();
}

/**
 * Removes the temporary files in `dir` that processes no longer running left behind (a window
 * closed or a CLI killed in the middle of a load); returns how many. Another live process's
 * temporary file, still being written, is left alone.
 */
export function removeOrphanTemps(dir: string): number {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return 0;
  }
  let removed = 0;
  for (const name of names) {
    const pid = TEMP.exec(name)?.[1];
    if (pid === undefined || Number(pid) === process.pid || isRunning(Number(pid))) continue;
    rmSync(join(dir, name), { force: true });
    removed++;
  }
  return removed;
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'; // alive, another user's
  }
}

// Both cache files are laid out alike: a lead (the file's magic and a u32 format, padded to 8),
// the body, the header JSON (padded to 8), and a footer that finds the header: u64 its offset, u32
// its length, u32 its crc32. The header comes last so that the body can be written as it is made.
const FOOTER = 16;

/** The lead of a cache file: `magic`, then `format` (u32), padded to 8. */
export function leadOf(magic: Buffer, format: number): Buffer {
  const lead = Buffer.alloc(align8(magic.length + 4));
  magic.copy(lead);
  lead.writeUInt32LE(format, magic.length);
  return lead;
}

/** Ends a cache file: its header JSON and the footer that finds it. */
export function appendTrailer(writer: PaddedFileWriter, header: Buffer): void {
  const footer = Buffer.alloc(FOOTER);
  footer.writeBigUInt64LE(BigInt(writer.append(header)), 0);
  footer.writeUInt32LE(header.length, 8);
  footer.writeUInt32LE(crc32(header), 12);
  writer.append(footer);
}

/**
 * The header of the cache file open as `fd` (checked against its crc32), where it starts (the
 * body ends there; it starts at the lead's length) and the file's size; or what is wrong with the
 * file, as words for a notice. `what` names the kind of file ("an index snapshot").
 */
export function readTrailer(
  fd: number,
  magic: Buffer,
  format: number,
  what: string,
):
  { header: Buffer; headerOffset: number; bodyOffset: number; size: number } | { problem: string } {
  const size = fstatSync(fd).size;
  const bodyOffset = align8(magic.length + 4);
  const lead = Buffer.alloc(Math.min(size, bodyOffset));
  readAll(fd, lead, 0);
  if (lead.length < magic.length + 4 || !lead.subarray(0, magic.length).equals(magic))
    return { problem: `not ${what}` };
  const written = lead.readUInt32LE(magic.length);
  if (written !== format)
    return { problem: `written in format ${written}, this version reads format ${format}` };
  if (size < bodyOffset + FOOTER) return { problem: 'truncated' };
  const footer = Buffer.alloc(FOOTER);
  readAll(fd, footer, size - FOOTER);
  const headerOffset = Number(footer.readBigUInt64LE(0));
  const length = footer.readUInt32LE(8);
  if (headerOffset < bodyOffset || headerOffset + length > size - FOOTER)
    return { problem: 'truncated (or its footer is damaged)' };
  const header = Buffer.alloc(length);
  readAll(fd, header, headerOffset);
  if (crc32(header) !== footer.readUInt32LE(12))
    return { problem: 'its header is damaged (checksum)' };
  return { header, headerOffset, bodyOffset, size };
}
