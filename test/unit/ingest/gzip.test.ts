import * as assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import {
  CorruptGzipError,
  DecompressionLimitError,
  gunzipCapped,
  isGzip,
} from '../../../src/core/ingest/gzip';

describe('gzip', () => {
  const text = JSON.stringify({
    Records: Array.from({ length: 200 }, (_, i) => ({ eventName: `E${i}` })),
  });
  const gz = gzipSync(text);

  for (const engine of ['zlib', 'fflate'] as const) {
    describe(engine, () => {
      it('gunzips', () => {
        assert.equal(Buffer.from(gunzipCapped(gz, 1 << 20, engine)).toString(), text);
      });
      it('reads every member of a multi-member file', () => {
        const two = Buffer.concat([gzipSync('abc'), gzipSync('def')]);
        assert.equal(Buffer.from(gunzipCapped(two, 1 << 20, engine)).toString(), 'abcdef');
      });
      it('gunzips whatever size the trailer gives: a large first member, a file that compresses 1,000 to 1, a trailer that lies', () => {
        // zlib's first buffer is sized from the last member's trailer (ISIZE): each of these
        // says too little or too much about the whole output.
        const big = Buffer.from(text.repeat(300));
        const parts = [gzipSync(big), gzipSync('{}')];
        assert.deepEqual(
          Buffer.from(gunzipCapped(Buffer.concat(parts), 64 << 20, engine)),
          Buffer.concat([big, Buffer.from('{}')]),
        );
        const spaces = Buffer.alloc(8 << 20, 0x20);
        assert.deepEqual(Buffer.from(gunzipCapped(gzipSync(spaces), 64 << 20, engine)), spaces);
        // zlib checks the trailer, so a lie is refused however the buffer was sized. (fflate,
        // used only where node:zlib does not exist, checks neither CRC nor ISIZE.)
        if (engine === 'zlib')
          for (const isize of [0, 10, 0xffffffff]) {
            const liar = Buffer.from(gzipSync(big));
            liar.writeUInt32LE(isize, liar.length - 4);
            assert.throws(
              () => gunzipCapped(liar, 64 << 20, engine),
              CorruptGzipError,
              `ISIZE ${isize}`,
            );
          }
      });

      it('stops a decompression bomb at the cap with a clear message', () => {
        const bomb = gzipSync(Buffer.alloc(8 * 1024 * 1024));
        assert.ok(bomb.length < 20_000);
        assert.throws(
          () => gunzipCapped(bomb, 1024 * 1024, engine),
          (e: unknown) =>
            e instanceof DecompressionLimitError && /exceeds the limit of 1 MiB/.test(e.message),
        );
      });
      it('reports corrupt data', () => {
        const bad = Buffer.from(gz);
        bad[20] ^= 0xff;
        bad[21] ^= 0xff;
        assert.throws(() => gunzipCapped(bad, 1 << 20, engine), CorruptGzipError);
      });
      it('reports a truncated file', () => {
        assert.throws(
          () => gunzipCapped(gz.subarray(0, gz.length - 30), 1 << 20, engine),
          CorruptGzipError,
        );
      });
    });
  }

  it('recognises gzip by its magic number', () => {
    assert.equal(isGzip(gz), true);
    assert.equal(isGzip(Buffer.from('{"Records":[]}')), false);
  });
});
