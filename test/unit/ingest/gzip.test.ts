import * as assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import {
  crc32,
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
        // The trailer is checked, so a lie is refused however the buffer was sized.
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

      it("checks each member's CRC-32 and length, as zlib does: a damaged member is refused, not read as if whole", () => {
        const members = [gzipSync(text), gzipSync('{"Records":[]}'), gzipSync(text.slice(0, 999))];
        const whole = Buffer.concat(members);
        assert.equal(
          Buffer.from(gunzipCapped(whole, 1 << 20, engine)).toString(),
          text + '{"Records":[]}' + text.slice(0, 999),
        );
        // Uncompressed (stored) data is inflated whatever its bytes: only the CRC-32 sees a change.
        const stored = gzipSync('{"Records":[{"eventName":"DeleteTrail"}]}', { level: 0 });
        const altered = Buffer.from(stored);
        altered[altered.indexOf('DeleteTrail')] = 'X'.charCodeAt(0);
        assert.throws(() => gunzipCapped(altered, 1 << 20, engine), /incorrect data check/);
        for (let m = 0; m < members.length; m++) {
          const end = members.slice(0, m + 1).reduce((n, b) => n + b.length, 0);
          for (const [at, what] of [
            [end - 8, 'crc'],
            [end - 4, 'isize'],
          ] as const) {
            const bad = Buffer.from(whole);
            bad[at] ^= 0x01;
            assert.throws(
              () => gunzipCapped(bad, 1 << 20, engine),
              CorruptGzipError,
              `member ${m + 1} ${what}`,
            );
          }
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

  it('computes the CRC-32 the gzip trailer holds (the fflate path checks it with this)', () => {
    for (const data of [Buffer.alloc(0), Buffer.from('a'), Buffer.from(text)]) {
      const gz = gzipSync(data);
      assert.equal(crc32(data), gz.readUInt32LE(gz.length - 8));
    }
    assert.equal(crc32(Buffer.from('123456789')), 0xcbf43926); // the standard check value
  });
});
