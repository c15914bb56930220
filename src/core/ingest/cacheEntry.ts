// One indexed file as an entry of the index cache's pack (indexCache.ts): its batch's typed arrays
// one after the other, each 8-byte aligned, after a JSON header (counts, the local dictionary,
// warnings and notes). Encoded when the cache is saved, from the file's rows read back from the
// index (ColumnStore.batches), so that a load spends nothing on it.
import { crc32 } from 'node:zlib';
import { BATCH_ARRAY_TYPES, batchArrays, batchOf, type ColumnBatch } from './batch';
import { align8 } from './cacheFileIo';
import { isSha256, type IndexedText } from './jobs';

/** What loading one file produced, as the loader appends it. */
export type CachedFile = Pick<
  IndexedText,
  | 'batch'
  | 'warnings'
  | 'skipped'
  | 'uncompressedBytes'
  | 'notes'
  | 'sha256'
  | 'fileWarning'
  | 'repeatedKeys'
  | 'textWarning'
  | 'timeWarning'
>;

/** A pack entry's bytes and their CRC-32 (the pack's header keeps it, to check the entry when read). */
export interface CacheEntry {
  bytes: Uint8Array;
  crc: number;
}

type Meta = Omit<CachedFile, 'batch'> & {
  count: number;
  shape: ColumnBatch['shape'];
  renamed: string[];
  /** values[1..] (values[0] is the absent value). */
  values: Array<string | number | boolean | null>;
  arrays: number[];
};

/**
 * Encodes entries into one buffer reused from entry to entry (grown as needed): an entry's bytes
 * hold until the next `encode`. The pack writes each one at once (IndexCache), so that a save of
 * thousands of entries allocates next to nothing.
 */
export class EntryEncoder {
  private buffer = Buffer.alloc(0);

  /** The entry of a file's batch (one with a dictionary of its own: ColumnStore.batches). */
  encode(r: CachedFile): CacheEntry {
    const b = r.batch;
    const arrays = batchArrays(b);
    const meta: Meta = {
      count: b.count,
      shape: b.shape,
      renamed: b.renamed,
      values: b.values.slice(1) as Meta['values'],
      warnings: r.warnings,
      skipped: r.skipped,
      uncompressedBytes: r.uncompressedBytes,
      notes: r.notes,
      sha256: r.sha256,
      ...(r.fileWarning ? { fileWarning: r.fileWarning } : {}),
      ...(r.repeatedKeys ? { repeatedKeys: r.repeatedKeys } : {}),
      ...(r.textWarning ? { textWarning: r.textWarning } : {}),
      ...(r.timeWarning ? { timeWarning: r.timeWarning } : {}),
      arrays: arrays.map((a) => a.length),
    };
    const metaJson = JSON.stringify(meta);
    const metaLength = Buffer.byteLength(metaJson, 'utf8');
    let size = align8(4 + metaLength);
    for (const a of arrays) size = align8(size + a.byteLength);
    if (this.buffer.length < size)
      this.buffer = Buffer.alloc(Math.max(size, this.buffer.length * 2));
    const out = this.buffer.subarray(0, size);
    out.writeUInt32LE(metaLength, 0);
    out.write(metaJson, 4, 'utf8');
    let at = 4 + metaLength;
    for (const a of arrays) {
      out.fill(0, at, align8(at)); // (the padding: the same batch always gives the same bytes)
      at = align8(at);
      out.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), at);
      at += a.byteLength;
    }
    out.fill(0, at, size);
    return { bytes: out, crc: crc32(out) };
  }
}

export function decodeEntry(bytes: Uint8Array): CachedFile {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const metaLength = buf.readUInt32LE(0);
  const meta = JSON.parse(buf.subarray(4, 4 + metaLength).toString('utf8')) as Meta;
  if (meta.arrays.length !== BATCH_ARRAY_TYPES.length) throw new Error('entry columns');
  // Without its fingerprint a file's records could not be checked when read again.
  if (!isSha256(meta.sha256)) throw new Error('entry fingerprint');
  let at = align8(4 + metaLength);
  const arrays = BATCH_ARRAY_TYPES.map((type, i) => {
    const n = meta.arrays[i];
    const byteLength = n * type.BYTES_PER_ELEMENT;
    if (at + byteLength > buf.length) throw new Error('entry truncated');
    const a = new type(buf.buffer as ArrayBuffer, buf.byteOffset + at, n);
    at = align8(at + byteLength);
    return a;
  });
  const batch = batchOf(arrays, {
    count: meta.count,
    shape: meta.shape,
    values: [undefined, ...meta.values],
    renamed: meta.renamed,
  });
  if (
    batch.elements.length !== meta.count ||
    batch.times.length !== meta.count ||
    batch.resourceStart.length !== meta.count + 1 ||
    batch.eventIds.length !== meta.count * 16
  )
    throw new Error('entry sizes');
  return {
    batch,
    warnings: meta.warnings,
    skipped: meta.skipped,
    uncompressedBytes: meta.uncompressedBytes,
    notes: meta.notes,
    sha256: meta.sha256,
    ...(meta.fileWarning ? { fileWarning: meta.fileWarning } : {}),
    ...(meta.repeatedKeys ? { repeatedKeys: meta.repeatedKeys } : {}),
    ...(meta.textWarning ? { textWarning: meta.textWarning } : {}),
    ...(meta.timeWarning ? { timeWarning: meta.timeWarning } : {}),
  };
}
