// A gzip "bomb" for hostile-input tests: a valid gzip of `mib` MiB of zeros built without
// compressing them. One sync-flushed deflate block of 1 MiB of zeros is self-contained and
// byte-aligned, so it can be repeated; a final empty block, the CRC and the size close it.
// 2 GiB of zeros take about 2 MB.
import * as zlib from 'node:zlib';

export function zeroBomb(mib: number): Buffer {
  const zeros = Buffer.alloc(1 << 20);
  const block = zlib.deflateRawSync(zeros, { finishFlush: zlib.constants.Z_SYNC_FLUSH });
  let crc = 0;
  for (let i = 0; i < mib; i++) crc = zlib.crc32(zeros, crc);
  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE(crc >>> 0, 0);
  trailer.writeUInt32LE((mib * (1 << 20)) % 0x100000000, 4);
  const header = Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3]);
  return Buffer.concat([
    header,
    ...Array.from({ length: mib }, () => block),
    zlib.deflateRawSync(Buffer.alloc(0)),
    trailer,
  ]);
}
