import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, openSync, closeSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { align8, readAll, readWholeFile, writeAll } from '../../../src/core/ingest/cacheFileIo';

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

  it('writes and reads a whole file, and says when there is none or it cannot be read', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ctl-cacheio-'));
    try {
      const path = join(dir, 'f');
      const bytes = Uint8Array.from({ length: 100_003 }, (_, i) => (i * 31) & 0xff);
      const fd = openSync(path, 'w');
      writeAll(fd, bytes.subarray(0, 7));
      writeAll(fd, bytes.subarray(7));
      closeSync(fd);
      const back = readWholeFile(path)!;
      assert.deepEqual(new Uint8Array(back), bytes);
      assert.equal(back.byteOffset % 8, 0);
      const part = new Uint8Array(10);
      const rfd = openSync(path, 'r');
      assert.equal(readAll(rfd, part, bytes.length - 4), 4, 'fewer bytes at the end of the file');
      closeSync(rfd);
      assert.equal(readWholeFile(join(dir, 'none')), undefined);
      mkdirSync(join(dir, 'folder'));
      assert.throws(() => readWholeFile(join(dir, 'folder')), /EISDIR/);
      writeFileSync(join(dir, 'empty'), '');
      assert.equal(readWholeFile(join(dir, 'empty'))!.length, 0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
