import * as assert from 'node:assert/strict';
import {
  closeSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  align8,
  PaddedFileWriter,
  readAll,
  writeAll,
  writePaddedAtomically,
} from '../../../src/core/ingest/cacheFileIo';

describe('index cache file I/O (cacheFileIo)', () => {
  it('aligns offsets past 2 GiB and 4 GiB (a pack at ten million events is over 2 GiB)', () => {
    assert.equal(align8(0), 0);
    assert.equal(align8(1), 8);
    assert.equal(align8(8), 8);
    assert.equal(align8(2 ** 31 - 1), 2 ** 31);
    assert.equal(align8(2 ** 31 + 3), 2 ** 31 + 8);
    assert.equal(align8(2 ** 32 + 1), 2 ** 32 + 8);
    assert.equal(align8(5 * 2 ** 30 + 16), 5 * 2 ** 30 + 16);
  });

  it('writes padded pieces to a temporary file, renamed into place at commit and removed at abort', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ctl-cacheio-'));
    try {
      const path = join(dir, 'f');
      writeFileSync(path, 'old');
      const bytes = Uint8Array.from({ length: 100_003 }, (_, i) => (i * 31) & 0xff);
      const writer = new PaddedFileWriter(path);
      assert.equal(writer.append(bytes.subarray(0, 7)), 0);
      assert.equal(writer.append(bytes.subarray(7)), 8, 'each piece starts 8-aligned');
      assert.equal(writer.position, align8(8 + bytes.length - 7));
      assert.equal(readFileSync(path, 'utf8'), 'old', 'the file is unchanged until the commit');
      writer.commit();
      const back = readFileSync(path);
      assert.equal(back.length, writer.position);
      assert.deepEqual(new Uint8Array(back.subarray(0, 7)), bytes.subarray(0, 7));
      assert.deepEqual(new Uint8Array(back.subarray(7, 8)), new Uint8Array(1), 'padding');
      assert.deepEqual(new Uint8Array(back.subarray(8, 8 + bytes.length - 7)), bytes.subarray(7));
      const part = new Uint8Array(10);
      const fd = openSync(path, 'r');
      assert.equal(readAll(fd, part, back.length - 4), 4, 'fewer bytes at the end of the file');
      closeSync(fd);
      const dropped = new PaddedFileWriter(path);
      dropped.append(bytes);
      dropped.abort();
      dropped.abort();
      assert.deepEqual(readdirSync(dir), ['f'], 'no temporary file left');
      assert.equal(readFileSync(path).length, back.length, 'the file as it was');
      assert.throws(() => dropped.append(bytes), /closed/);
      writePaddedAtomically(path, [bytes.subarray(0, 3), bytes.subarray(3, 4)]);
      assert.deepEqual(
        [...readFileSync(path)],
        [...bytes.subarray(0, 3), 0, 0, 0, 0, 0, bytes[3], 0, 0, 0, 0, 0, 0, 0],
      );
      // writeAll writes everything at the current position.
      const wfd = openSync(join(dir, 'g'), 'w');
      writeAll(wfd, bytes.subarray(0, 5));
      writeAll(wfd, bytes.subarray(5));
      closeSync(wfd);
      assert.deepEqual(new Uint8Array(readFileSync(join(dir, 'g'))), bytes);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
