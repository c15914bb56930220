import * as assert from 'node:assert/strict';
import { gunzipSync, gzipSync } from 'node:zlib';
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
        assert.equal(Buffer.from(gunzipCapped(gz, 1 << 20, engine).data).toString(), text);
      });
      it('reads every member of a multi-member file', () => {
        const two = Buffer.concat([gzipSync('abc'), gzipSync('def')]);
        assert.equal(Buffer.from(gunzipCapped(two, 1 << 20, engine).data).toString(), 'abcdef');
      });
      it('gunzips whatever size the trailer gives: a large first member, a file that compresses 1,000 to 1, a trailer that lies', () => {
        // zlib's first buffer is sized from the last member's trailer (ISIZE): each of these
        // says too little or too much about the whole output.
        const big = Buffer.from(text.repeat(300));
        const parts = [gzipSync(big), gzipSync('{}')];
        assert.deepEqual(
          Buffer.from(gunzipCapped(Buffer.concat(parts), 64 << 20, engine).data),
          Buffer.concat([big, Buffer.from('{}')]),
        );
        const spaces = Buffer.alloc(8 << 20, 0x20);
        assert.deepEqual(
          Buffer.from(gunzipCapped(gzipSync(spaces), 64 << 20, engine).data),
          spaces,
        );
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
          Buffer.from(gunzipCapped(whole, 1 << 20, engine).data).toString(),
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

      it('reads the complete members before trailing garbage, and says how many bytes it ignored', () => {
        const two = [gzipSync('{"Records":[1]}'), gzipSync('{"Records":[2]}')];
        const whole = gunzipCapped(Buffer.concat(two), 1 << 20, engine);
        assert.equal(whole.ignoredBytes, 0);
        assert.equal(whole.warning, undefined);
        for (const [tail, said] of [
          [
            Buffer.from('not gzip at all'),
            /^15 bytes after the last complete gzip member were ignored: not the start of another member/,
          ],
          [Buffer.from([0x1f, 0x00]), /^2 bytes after/], // 1f, then not 8b: starts no member
          [Buffer.from([0x1f, 0x8b, 0x07, 1, 2, 3]), /^6 bytes after/], // not deflate (08)
          [
            Buffer.alloc(4096),
            /^4,096 zero bytes after the last complete gzip member were ignored: padding;/,
          ],
          // zlib stops at the first zero after a member: what follows is ignored too, and counted.
          [Buffer.concat([Buffer.alloc(3), Buffer.from('junk'), gzipSync('x')]), /^28 bytes after/],
        ] as const) {
          for (const members of [two.slice(0, 1), two]) {
            const read = gunzipCapped(Buffer.concat([...members, tail]), 1 << 20, engine);
            assert.equal(
              Buffer.from(read.data).toString(),
              members.map((m) => gunzipSync(m).toString()).join(''),
            );
            assert.equal(read.ignoredBytes, tail.length);
            assert.match(read.warning ?? '', said);
          }
        }
      });

      it('still refuses a member cut off or corrupt after complete ones: damage is not garbage', () => {
        const first = gzipSync('{"Records":[1]}');
        const second = gzipSync(text);
        const corrupt = Buffer.from(second);
        corrupt[20] ^= 0xff;
        corrupt[21] ^= 0xff;
        const crc = Buffer.from(second);
        crc[crc.length - 8] ^= 1;
        const flags = Buffer.from(second);
        flags[3] = 0x20; // a reserved flag
        for (const [what, bad] of [
          ['cut off in its data', second.subarray(0, 40)],
          ['cut off in its trailer', second.subarray(0, second.length - 3)],
          ['cut off in its header', second.subarray(0, 5)],
          ['its first 3 bytes', second.subarray(0, 3)],
          ['corrupt data', corrupt],
          ['a wrong CRC-32', crc],
          ['a reserved header flag', flags],
        ] as const) {
          for (const after of [Buffer.alloc(0), Buffer.from('garbage')]) {
            assert.throws(
              () => gunzipCapped(Buffer.concat([first, bad, after]), 1 << 20, engine),
              CorruptGzipError,
              `${what}${after.length ? ', then garbage' : ''}`,
            );
          }
        }
        // At the very end, as much of 1f 8b 08 as there is starts a member, cut off.
        for (const end of [[0x1f], [0x1f, 0x8b]])
          assert.throws(
            () => gunzipCapped(Buffer.concat([first, Buffer.from(end)]), 1 << 20, engine),
            CorruptGzipError,
          );
      });

      it('keeps the cap when it reads past trailing garbage', () => {
        const big = Buffer.concat([gzipSync(Buffer.alloc(2 << 20)), Buffer.from('garbage')]);
        assert.throws(() => gunzipCapped(big, 1 << 20, engine), DecompressionLimitError);
        assert.equal(gunzipCapped(big, 2 << 20, engine).data.length, 2 << 20);
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

  it('gives the same answer with either engine on a file damaged at the end', () => {
    const one = gzipSync('{"Records":[1]}');
    const two = gzipSync(text, { level: 1 });
    const answer = (bytes: Uint8Array, engine: 'zlib' | 'fflate') => {
      try {
        const read = gunzipCapped(bytes, 1 << 20, engine);
        return `${Buffer.from(read.data).toString('base64')} ${read.ignoredBytes}`;
      } catch (e) {
        return (e as Error).name;
      }
    };
    let read = 0;
    for (let at = 0; at <= two.length; at++) {
      for (const tail of [
        two.subarray(0, at),
        Buffer.concat([two.subarray(0, at), Buffer.from('zz')]),
      ]) {
        const flipped = Buffer.from(two);
        if (at < two.length) flipped[at] ^= 0x10;
        for (const bytes of [Buffer.concat([one, tail]), Buffer.concat([one, flipped])]) {
          const zlib = answer(bytes, 'zlib');
          assert.equal(answer(bytes, 'fflate'), zlib, bytes.toString('hex'));
          if (zlib !== CorruptGzipError.name) read++;
        }
      }
    }
    assert.ok(read > 0);
  });

  it('finds where a member ends with fflate even when its trailer bytes also occur inside its data', () => {
    // A stored member whose data holds its own CRC-32 and length (4 bytes chosen to force the
    // CRC): searching for the trailer finds that copy first.
    const length = 64;
    const data = Buffer.alloc(length, 'a');
    const crc = 0xdeadbeef;
    data.writeUInt32LE(crc, 10);
    data.writeUInt32LE(length, 14);
    forceCrc(data, length - 4, crc);
    assert.equal(crc32(data), crc);
    const member = gzipSync(data, { level: 0 });
    const garbage = Buffer.from('garbage');
    for (const engine of ['zlib', 'fflate'] as const) {
      const read = gunzipCapped(Buffer.concat([member, garbage]), 1 << 20, engine);
      assert.deepEqual(Buffer.from(read.data), data, engine);
      assert.equal(read.ignoredBytes, garbage.length, engine);
    }
  });

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

/** Sets data[at..at+4) so that the CRC-32 of `data` is `crc` (the CRC is affine in those bits). */
function forceCrc(data: Buffer, at: number, crc: number): void {
  const withBits = (bits: number) => {
    data.writeUInt32LE(bits >>> 0, at);
    return crc32(data);
  };
  const base = withBits(0);
  // Gauss-Jordan over GF(2): each row is one bit's effect on the CRC, with the bit it came from.
  const rows = Array.from({ length: 32 }, (_, i) => ({
    effect: (withBits(2 ** i) ^ base) >>> 0,
    bits: 2 ** i,
  }));
  let want = (crc ^ base) >>> 0;
  let bits = 0;
  for (let bit = 31, used = 0; bit >= 0; bit--) {
    const pivot = rows.findIndex((r, i) => i >= used && (r.effect >>> bit) & 1);
    if (pivot < 0) continue;
    [rows[used], rows[pivot]] = [rows[pivot], rows[used]];
    for (let i = 0; i < rows.length; i++)
      if (i !== used && (rows[i].effect >>> bit) & 1) {
        rows[i].effect = (rows[i].effect ^ rows[used].effect) >>> 0;
        rows[i].bits = (rows[i].bits ^ rows[used].bits) >>> 0;
      }
    if ((want >>> bit) & 1) {
      want = (want ^ rows[used].effect) >>> 0;
      bits = (bits ^ rows[used].bits) >>> 0;
    }
    used++;
  }
  withBits(bits);
}
