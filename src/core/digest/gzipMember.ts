// SHA-256 of the decompressed bytes of a gzip object's FIRST member, which is what CloudTrail
// signs and what `aws cloudtrail validate-logs` hashes (spec §4: Python's decompressobj stops at
// the end of the first member; Node's gunzip would silently join further members, so a doctored
// file with an appended member would hash differently from the CLI).
//
// This uses node:zlib's raw inflate directly instead of the project's shared gzip module (only
// its header parser is shared):
// validation needs the member boundary, the CRC/size check, and streaming through SHA-256
// without holding a whole decompressed log (some are hundreds of MB) in memory.
import { createHash } from 'node:crypto';
import * as zlib from 'node:zlib';
import { gzipHeaderLength as memberHeaderLength } from '../ingest/gzip';

export class GzipFormatError extends Error {}

/** The decompressed member is larger than the cap asked for; inflating stopped there. */
export class GzipTooLargeError extends GzipFormatError {
  constructor(
    readonly limit: number,
    /** Bytes inflated when it stopped (at most the cap plus one zlib output chunk). */
    readonly inflated: number,
  ) {
    super(`larger than ${limit} bytes once decompressed`);
  }
}

/** Input is fed to zlib in slices so the output callbacks interleave with hashing. */
const SLICE = 1 << 20;
/** Inputs and caps up to these sizes are inflated synchronously (see hashFirstMember). */
const SYNC_INPUT = 1 << 20;
const SYNC_OUTPUT = 16 << 20;

/** Length of the gzip member header at the start of `buf`. Throws GzipFormatError. */
export function gzipHeaderLength(buf: Uint8Array): number {
  const length = buf.length < 18 ? 'not a gzip file' : memberHeaderLength(buf);
  if (typeof length === 'string') throw new GzipFormatError(length);
  return length;
}

export interface MemberDigest {
  /** Lowercase hex SHA-256 of the decompressed first member. */
  sha256: string;
  /** Decompressed size in bytes. */
  size: number;
  /**
   * The data ended before the member did. The hash then covers what could be decompressed, as
   * the CLI's streaming decompressor does for logs (a truncated log is a hash mismatch there).
   */
  truncated?: boolean;
  /**
   * Bytes after the first member's trailer (absent when none). CloudTrail writes one member; the
   * hash does not cover what follows, yet a further member is read as more records by gunzip
   * (and so by this product's own loading).
   */
  trailingBytes?: number;
}

export interface HashOptions {
  /** Also return the decompressed bytes (for digests, which are small and must then be parsed). */
  keep?: boolean;
  /** Stop and throw GzipTooLargeError once more than this many bytes are decompressed. */
  maxBytes?: number;
  signal?: AbortSignal;
}

/**
 * Streams the first gzip member of `buf` through SHA-256.
 *
 * Fast path: zlib's own gunzip, which checks the CRC inside the threadpool. It would also join
 * further members and skip trailing bytes that start with a zero, so its result is kept only
 * when it consumed the whole input and the decompressed size equals the ISIZE in the file's last
 * four bytes, which holds for a single member. Anything else (several members, trailing bytes,
 * truncation, errors) is decided by the exact path, which parses the member boundary itself.
 *
 * With `maxBytes`, both paths stop inflating as soon as the output passes the cap (a gzip bomb
 * costs at most the cap, twice, never its decompressed size).
 */
export async function hashFirstMember(
  buf: Uint8Array,
  options: HashOptions = {},
): Promise<MemberDigest & { bytes?: Buffer }> {
  // A small capped input (a digest) is inflated at once on this thread: a round trip through
  // zlib's threadpool costs more than its inflating, and a chain's walk waits on each one.
  if (
    buf.length >= 18 &&
    buf.length <= SYNC_INPUT &&
    options.maxBytes !== undefined &&
    options.maxBytes <= SYNC_OUTPUT
  ) {
    const view = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
    let out: Buffer | undefined;
    try {
      // `info` adds the engine, whose bytesWritten is the input consumed (@types/node omits it).
      const r = zlib.gunzipSync(view, {
        maxOutputLength: options.maxBytes + 1,
        info: true,
      }) as unknown as { buffer: Buffer; engine: { bytesWritten: number } };
      if (r.engine.bytesWritten === buf.length) out = r.buffer;
    } catch {
      out = undefined; // too large, several members, corrupt: the exact path decides, capped
    }
    if (
      out &&
      out.length <= options.maxBytes &&
      out.length % 0x100000000 === view.readUInt32LE(buf.length - 4)
    ) {
      return {
        sha256: createHash('sha256').update(out).digest('hex'),
        size: out.length,
        bytes: options.keep ? out : undefined,
      };
    }
  }
  if (buf.length >= 18) {
    const fast = await gunzipWhole(buf, options).catch(() => undefined);
    const view = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
    if (fast && fast.size % 0x100000000 === view.readUInt32LE(buf.length - 4)) return fast;
  }
  if (options.signal?.aborted) throw new Error('cancelled');
  return exactFirstMember(buf, options);
}

function gunzipWhole(
  buf: Uint8Array,
  options: HashOptions,
): Promise<MemberDigest & { bytes?: Buffer }> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    const kept: Buffer[] = [];
    let size = 0;
    const gunzip = zlib.createGunzip();
    const onAbort = () => gunzip.destroy(new Error('cancelled'));
    options.signal?.addEventListener('abort', onAbort, { once: true });
    gunzip.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (options.maxBytes !== undefined && size > options.maxBytes)
        return void gunzip.destroy(new GzipTooLargeError(options.maxBytes, size));
      hash.update(chunk);
      if (options.keep) kept.push(chunk);
    });
    gunzip.on('error', (e) => {
      options.signal?.removeEventListener('abort', onAbort);
      reject(e);
    });
    gunzip.on('end', () => {
      options.signal?.removeEventListener('abort', onAbort);
      // Input left over (trailing bytes zlib skipped): the exact path says how much.
      if (gunzip.bytesWritten !== buf.length) return void reject(new Error('input left over'));
      resolve({
        sha256: hash.digest('hex'),
        size,
        bytes: options.keep ? Buffer.concat(kept) : undefined,
      });
    });
    feed(gunzip, buf);
  });
}

/** Writes `body` in slices, respecting backpressure, then ends the stream. */
function feed(stream: zlib.Gzip | zlib.Gunzip | zlib.InflateRaw, body: Uint8Array): void {
  let at = 0;
  const pump = () => {
    while (at < body.length) {
      const slice = body.subarray(at, at + SLICE);
      at += slice.length;
      if (!stream.write(slice)) {
        stream.once('drain', pump);
        return;
      }
    }
    stream.end();
  };
  pump();
}

/** The first member exactly: header parsed here, raw inflate, CRC and size checked here. */
function exactFirstMember(
  buf: Uint8Array,
  options: HashOptions,
): Promise<MemberDigest & { bytes?: Buffer }> {
  return new Promise((resolve, reject) => {
    let start: number;
    try {
      start = gzipHeaderLength(buf);
    } catch (e) {
      reject(e);
      return;
    }
    const hash = createHash('sha256');
    const kept: Buffer[] = [];
    let crc = 0;
    let size = 0;
    const inflate = zlib.createInflateRaw();
    const onAbort = () => inflate.destroy(new Error('cancelled'));
    options.signal?.addEventListener('abort', onAbort, { once: true });
    inflate.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (options.maxBytes !== undefined && size > options.maxBytes)
        return void inflate.destroy(new GzipTooLargeError(options.maxBytes, size));
      hash.update(chunk);
      crc = zlib.crc32(chunk, crc);
      if (options.keep) kept.push(chunk);
    });
    inflate.on('error', (e: NodeJS.ErrnoException) => {
      options.signal?.removeEventListener('abort', onAbort);
      if (e instanceof GzipTooLargeError) return void reject(e);
      if (e.code === 'Z_BUF_ERROR' && !options.signal?.aborted) {
        resolve({
          sha256: hash.digest('hex'),
          size,
          truncated: true,
          bytes: options.keep ? Buffer.concat(kept) : undefined,
        });
        return;
      }
      reject(options.signal?.aborted ? e : new GzipFormatError(`corrupt gzip data (${e.message})`));
    });
    inflate.on('end', () => {
      options.signal?.removeEventListener('abort', onAbort);
      // bytesWritten is the compressed input zlib consumed, so the 8-byte trailer follows it.
      const trailer = start + inflate.bytesWritten;
      if (trailer + 8 > buf.length) {
        resolve({
          sha256: hash.digest('hex'),
          size,
          truncated: true,
          bytes: options.keep ? Buffer.concat(kept) : undefined,
        });
        return;
      }
      const view = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
      if (
        view.readUInt32LE(trailer) !== crc >>> 0 ||
        view.readUInt32LE(trailer + 4) !== size % 0x100000000
      ) {
        reject(new GzipFormatError('gzip checksum does not match its content'));
        return;
      }
      const trailing = buf.length - (trailer + 8);
      resolve({
        sha256: hash.digest('hex'),
        size,
        ...(trailing ? { trailingBytes: trailing } : {}),
        bytes: options.keep ? Buffer.concat(kept) : undefined,
      });
    });
    feed(inflate, buf.subarray(start));
  });
}
