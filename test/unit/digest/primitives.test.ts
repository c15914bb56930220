// The building blocks: first-member gzip hashing, the signed string, public-key files.
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import {
  hashFirstMember,
  GzipFormatError,
  GzipTooLargeError,
} from '../../../src/core/digest/gzipMember';
import { zeroBomb } from './helpers';
import { ignoredOffset, signedString, parseTime } from '../../../src/core/digest/digestFile';
import { parsePublicKeyFile, PublicKeyRing } from '../../../src/core/digest/publicKeys';
import { publicKeysJson, signingKey } from '../../../src/core/synthetic/digests';
import { readFileSync } from 'node:fs';
import { dataset, describeWithDatasets } from '../../support/datasets';

const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

describe('digest primitives', function () {
  this.timeout(30_000);

  describe('hashFirstMember', () => {
    const data = Buffer.from('{"Records":[]}'.repeat(50_000));
    it('hashes the decompressed bytes, streaming large input', async () => {
      const h = await hashFirstMember(gzipSync(data));
      assert.equal(h.sha256, sha(data));
      assert.equal(h.size, data.length);
      assert.equal(h.truncated, undefined);
    });
    it('stops at the end of the first member, as the CLI (a joined second member is ignored)', async () => {
      const h = await hashFirstMember(Buffer.concat([gzipSync(data), gzipSync('appended')]));
      assert.equal(h.sha256, sha(data));
    });
    it('ignores bytes after the first member that are not gzip, and appended empty members', async () => {
      assert.equal(
        (await hashFirstMember(Buffer.concat([gzipSync(data), Buffer.from('trailing garbage')])))
          .sha256,
        sha(data),
      );
      assert.equal(
        (await hashFirstMember(Buffer.concat([gzipSync(data), gzipSync(Buffer.alloc(0))]))).sha256,
        sha(data),
      );
    });
    it('says how many bytes follow the first member, on every path (none for a single member)', async () => {
      const small = Buffer.from('{"Records":[]}');
      for (const body of [data, small]) {
        const one = gzipSync(body);
        for (const opts of [{}, { keep: true, maxBytes: 1 << 22 }]) {
          assert.equal((await hashFirstMember(one, opts)).trailingBytes, undefined);
          for (const tail of [gzipSync('{"Records":[{}]}'), Buffer.from('junk'), Buffer.alloc(9)]) {
            const h = await hashFirstMember(Buffer.concat([one, tail]), opts);
            assert.equal(h.sha256, sha(body));
            assert.equal(h.trailingBytes, tail.length);
          }
        }
      }
    });
    it('with maxBytes, a gzip bomb stops once past the cap on both paths, inflating no more than the cap and a chunk', async () => {
      const bomb = zeroBomb(2048); // 2 GiB of zeros in ~2 MB
      for (const input of [bomb, Buffer.concat([bomb, gzipSync('second member')])]) {
        await assert.rejects(
          hashFirstMember(input, { keep: true, maxBytes: 4 << 20 }),
          (e: unknown) => {
            assert.ok(e instanceof GzipTooLargeError, String(e));
            assert.ok(
              e.inflated > 4 << 20 && e.inflated <= (4 << 20) + (1 << 20),
              String(e.inflated),
            );
            return true;
          },
        );
      }
      // At the cap exactly, it is read.
      assert.equal(
        (await hashFirstMember(gzipSync(data), { maxBytes: data.length })).size,
        data.length,
      );
    });
    it('a truncated file hashes what could be decompressed (a hash mismatch, as in the CLI)', async () => {
      const gz = gzipSync(data);
      const h = await hashFirstMember(gz.subarray(0, gz.length - 100));
      assert.equal(h.truncated, true);
      assert.notEqual(h.sha256, sha(data));
    });
    it('rejects non-gzip input and a wrong CRC', async () => {
      await assert.rejects(
        hashFirstMember(Buffer.from('{"Records":[]} plain json text')),
        GzipFormatError,
      );
      const gz = Buffer.from(gzipSync(data));
      gz[gz.length - 6] ^= 0xff;
      await assert.rejects(hashFirstMember(gz), /checksum/);
    });
    it('keeps the bytes when asked (for digests)', async () => {
      const h = await hashFirstMember(gzipSync('{"a":1}'), { keep: true });
      assert.equal(h.bytes?.toString(), '{"a":1}');
    });
  });

  it('the signed string: four LF-separated parts, no trailing newline, literal null for a starting digest', () => {
    const d = {
      digestEndTime: '2024-05-14T11:17:42Z',
      digestS3Bucket: 'b',
      digestS3Object: 'AWSLogs/1/x.json.gz',
      previousDigestSignature: null,
    } as unknown as Parameters<typeof signedString>[0];
    assert.equal(signedString(d, 'abc'), '2024-05-14T11:17:42Z\nb/AWSLogs/1/x.json.gz\nabc\nnull');
    assert.equal(
      signedString({ ...d, previousDigestSignature: 'ff00' }, 'abc'),
      '2024-05-14T11:17:42Z\nb/AWSLogs/1/x.json.gz\nabc\nff00',
    );
  });

  it('times: CloudTrail formats, offsets ignored as the CLI does, nonsense refused', () => {
    assert.equal(parseTime('2024-05-14T11:17:42Z'), Date.UTC(2024, 4, 14, 11, 17, 42));
    assert.equal(parseTime('20240514T111742Z'), Date.UTC(2024, 4, 14, 11, 17, 42));
    assert.equal(parseTime('2024-05-14'), Date.UTC(2024, 4, 14));
    assert.equal(parseTime('20160129T19:00:00Z'), Date.UTC(2016, 0, 29, 19)); // the validate-logs doc example
    assert.equal(parseTime('2024-05-14T11:17:42+02:00'), Date.UTC(2024, 4, 14, 11, 17, 42));
    assert.equal(parseTime('2024-02-30T00:00:00Z'), undefined);
    assert.equal(parseTime('yesterday'), undefined);
    // A minute or second past 59, an hour past 23, is refused (dateutil does), not rolled over.
    assert.equal(parseTime('2024-05-14T10:60:00Z'), undefined);
    assert.equal(parseTime('2024-05-14T10:59:60Z'), undefined);
    assert.equal(parseTime('2024-05-14T24:00:00Z'), undefined);
    // The offset the CLI ignores is named, so that validate can say so.
    assert.equal(ignoredOffset('2024-05-14T11:17:42+02:00'), '+02:00');
    assert.equal(ignoredOffset('2024-05-14T11:17-0530'), '-0530');
    for (const none of [
      '2024-05-14T11:17:42Z',
      '2024-05-14',
      '2024-05-14T11:17:42+00:00',
      '20240514T111742Z',
    ])
      assert.equal(ignoredOffset(none), undefined, none);
    // Years 0000-0099 as written (Date.UTC reads them as 1900-1999).
    assert.equal(
      new Date(parseTime('0050-05-14T11:17:42Z')!).toISOString(),
      '0050-05-14T11:17:42.000Z',
    );
    assert.equal(
      new Date(parseTime('00990101T000000Z')!).toISOString(),
      '0099-01-01T00:00:00.000Z',
    );
  });

  describe('public keys', () => {
    it('reads list-public-keys output (epoch or ISO validity), checks fingerprints and loads PKCS#1 keys', () => {
      const entries = parsePublicKeyFile(
        publicKeysJson([signingKey(0), signingKey(1)]),
        'keys.json',
      );
      assert.equal(entries.length, 2);
      assert.equal(entries[0].validityStart, '2020-01-01T00:00:00Z');
      assert.equal(entries[0].validityEnd, '2030-01-01T00:00:00Z');
      assert.ok(entries.every((e) => e.fingerprintMatches));
      const ring = new PublicKeyRing(entries);
      const found = ring.lookup(signingKey(1).fingerprint);
      assert.ok(found.ok);
      assert.equal(ring.lookup('0'.repeat(32)).ok, false);
    });
    it('names the file and the problem', () => {
      assert.throws(() => parsePublicKeyFile('nope', '/k/a.json'), /\/k\/a\.json: not valid JSON/);
      assert.throws(
        () => parsePublicKeyFile('{"PublicKeyList":[{"Value":1}]}', '/k/b.json'),
        /\/k\/b\.json: PublicKeyList\[0\] needs string "Value" and "Fingerprint"/,
      );
    });
  });
});

describeWithDatasets('digest primitives on AWS documentation data', () => {
  it('the list-public-keys example from the AWS CLI docs: PKCS#1 DER whose MD5 is the Fingerprint, loadable', () => {
    const rst = readFileSync(
      dataset('aws-cli-examples/awscli/examples/cloudtrail/list-public-keys.rst'),
      'utf8',
    );
    const jsonText = rst.slice(rst.indexOf('{'), rst.lastIndexOf('}') + 1);
    const [entry] = parsePublicKeyFile(jsonText, 'list-public-keys.rst');
    assert.equal(entry.fingerprint, '7f3f401420072e50a65a141430817ab3');
    assert.equal(entry.fingerprintMatches, true);
    assert.equal(entry.validityStart, '2016-01-18T00:25:02Z');
    const found = new PublicKeyRing([entry]).lookup(entry.fingerprint);
    assert.ok(found.ok && found.key.asymmetricKeyDetails?.modulusLength === 2048);
  });
});
