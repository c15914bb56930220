// One indexed file as an entry of the index cache's pack (indexCache.ts): its batch's typed arrays
// one after the other, each 8-byte aligned, after a JSON header (counts, the local dictionary,
// warnings and notes). Encoded where the file was indexed (an ingest worker, when the load keeps
// a cache), so that the thread holding the index only writes it.
import { crc32 } from 'node:zlib';
import { batchArrays, type ColumnBatch } from './batch';
import { align8 } from './cacheFileIo';
import { RESOURCE_FIELDS, STORED_FIELDS } from '../index/schema';
import type { IndexedText } from './jobs';

/** What loading one file produced, as the loader appends it. */
export type CachedFile = Pick<
  IndexedText,
  'batch' | 'warnings' | 'skipped' | 'uncompressedBytes' | 'notes'
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

export function encodeEntry(r: CachedFile): CacheEntry {
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
    arrays: arrays.map((a) => a.length),
  };
  const metaJson = Buffer.from(JSON.stringify(meta), 'utf8');
  let size = align8(4 + metaJson.length);
  for (const a of arrays) size = align8(size + a.byteLength);
  const out = Buffer.alloc(size);
  out.writeUInt32LE(metaJson.length, 0);
  metaJson.copy(out, 4);
  let at = align8(4 + metaJson.length);
  for (const a of arrays) {
    out.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), at);
    at = align8(at + a.byteLength);
  }
  return { bytes: out, crc: crc32(out) };
}

export function decodeEntry(bytes: Uint8Array): CachedFile {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const metaLength = buf.readUInt32LE(0);
  const meta = JSON.parse(buf.subarray(4, 4 + metaLength).toString('utf8')) as Meta;
  const nScalars = STORED_FIELDS.length;
  const nResources = RESOURCE_FIELDS.length;
  if (meta.arrays.length !== 7 + nScalars + nResources) throw new Error('entry columns');
  let at = align8(4 + metaLength);
  let i = 0;
  const take = <T extends Float64Array | Uint32Array | Uint8Array>(ctor: {
    new (b: ArrayBufferLike, o: number, n: number): T;
    BYTES_PER_ELEMENT: number;
  }): T => {
    const n = meta.arrays[i++];
    const byteLength = n * ctor.BYTES_PER_ELEMENT;
    if (at + byteLength > buf.length) throw new Error('entry truncated');
    const a = new ctor(buf.buffer, buf.byteOffset + at, n);
    at = align8(at + byteLength);
    return a;
  };
  const elements = take(Uint32Array);
  const times = take(Float64Array);
  const timeIrregular = take(Uint32Array);
  const scalars = Array.from({ length: nScalars }, () => take(Uint32Array));
  const resourceStart = take(Uint32Array);
  const resources = Array.from({ length: nResources }, () => take(Uint32Array));
  const resourceIrregular = take(Uint32Array);
  const rowIrregular = take(Uint32Array);
  const eventIds = take(Uint8Array);
  if (
    elements.length !== meta.count ||
    times.length !== meta.count ||
    resourceStart.length !== meta.count + 1 ||
    eventIds.length !== meta.count * 16
  )
    throw new Error('entry sizes');
  const batch: ColumnBatch = {
    count: meta.count,
    shape: meta.shape,
    elements,
    times,
    timeIrregular,
    values: [undefined, ...meta.values],
    scalars,
    resourceStart,
    resources,
    resourceIrregular,
    rowIrregular,
    eventIds,
    renamed: meta.renamed,
  };
  return {
    batch,
    warnings: meta.warnings,
    skipped: meta.skipped,
    uncompressedBytes: meta.uncompressedBytes,
    notes: meta.notes,
  };
}
