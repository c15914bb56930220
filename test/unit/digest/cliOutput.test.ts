// The text output must be what `aws cloudtrail validate-logs` prints (spec §5.4), line for line,
// on stdout and stderr separately; and every verdict kind must be produced on our own chains.
import * as assert from 'node:assert/strict';
import { copyFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { signingKey } from '../../../src/core/synthetic/digests';
import { ARN, BUCKET, chainEndLine, cli, digestLine, logLine, Workspace } from './helpers';

const WINDOW = ['--start-time', '2024-05-14T09:00:00Z', '--end-time', '2024-05-15T00:00:00Z'];
const HEADER = `Validating log files for trail ${ARN} between 2024-05-14T09:00:00Z and 2024-05-15T00:00:00Z\n\n`;
const REQUESTED = 'Results requested for 2024-05-14T09:00:00Z to 2024-05-15T00:00:00Z\n';

describe('digest validation: aws-cli compatible text output', function () {
  this.timeout(60_000);
  let ws: Workspace;
  beforeEach(() => (ws = new Workspace()));
  afterEach(() => ws.dispose());

  it('a good chain: the summary, then where its digests end (long before the window does), exit 0', async () => {
    ws.bucket.chain().hours(3);
    const r = await ws.validate(WINDOW);
    assert.equal(r.err, '');
    assert.equal(
      r.out,
      HEADER +
        REQUESTED +
        'Results found for 2024-05-14T09:17:42Z to 2024-05-14T12:17:42Z:\n\n3/3 digest files valid\n6/6 log files valid\n' +
        chainEndLine('2024-05-14T12:17:42Z', '2024-05-14T13:32:42Z'),
    );
    assert.equal(r.code, 0);
  });

  it('a good chain, --verbose: every file newest first, digest before its logs in listed order', async () => {
    const [d0, d1] = ws.bucket.chain().hours(2);
    const r = await ws.validate([...WINDOW, '--verbose']);
    const lines = [
      digestLine(d1.key, 'valid'),
      ...d1.logKeys.map((k) => logLine(k, 'valid')),
      digestLine(d0.key, 'valid'),
      ...d0.logKeys.map((k) => logLine(k, 'valid')),
    ];
    assert.equal(
      r.out,
      HEADER +
        lines.join('\n') +
        '\n\n' +
        REQUESTED +
        'Results found for 2024-05-14T09:17:42Z to 2024-05-14T11:17:42Z:\n\n2/2 digest files valid\n4/4 log files valid\n' +
        chainEndLine('2024-05-14T11:17:42Z', '2024-05-14T12:32:42Z'),
    );
    assert.equal(r.err, '');
  });

  it('the end time caps "Results found" and digests past end + 1 h are not listed', async () => {
    ws.bucket.chain().hours(5); // ends 10:17:42 … 14:17:42
    const r = await ws.validate([
      '--start-time',
      '2024-05-14T09:00:00Z',
      '--end-time',
      '2024-05-14T11:30:00Z',
    ]);
    // Candidates stop at stamps <= 12:30:00, so the 12:17:42 digest is the newest walked.
    assert.match(
      r.out,
      /Results found for 2024-05-14T09:17:42Z to 2024-05-14T11:30:00Z:\n\n3\/3 digest files valid\n6\/6 log files valid\n$/,
    );
  });

  it('the CLI quirk: when the oldest digest starts at --start-time, "found" starts at the next digest', async () => {
    ws.bucket.chain().hours(3);
    const r = await ws.validate([
      '--start-time',
      '2024-05-14T09:17:42Z',
      '--end-time',
      '2024-05-15T00:00:00Z',
    ]);
    assert.match(
      r.out,
      /Results found for 2024-05-14T10:17:42Z to 2024-05-14T12:17:42Z:\n\n3\/3 digest files valid/,
    );
  });

  it('no digest in the window: "No digests found", exit 0', async () => {
    ws.bucket.chain().hours(2);
    const r = await ws.validate([
      '--trail-arn',
      ARN,
      '--start-time',
      '2024-06-01T00:00:00Z',
      '--end-time',
      '2024-06-02T00:00:00Z',
    ]);
    assert.equal(
      r.out,
      `Validating log files for trail ${ARN} between 2024-06-01T00:00:00Z and 2024-06-02T00:00:00Z\n\nResults requested for 2024-06-01T00:00:00Z to 2024-06-02T00:00:00Z\nNo digests found\n` +
        chainEndLine('2024-05-14T11:17:42Z', '2024-05-14T12:32:42Z', '2024-06-02T00:00:00Z'),
    );
    assert.equal(r.code, 0);
  });

  it('empty hours are valid digests with no logs', async () => {
    const c = ws.bucket.chain();
    c.hour();
    c.hour({ logs: 0 });
    c.hour({ logs: 0 });
    const r = await ws.validate(WINDOW);
    assert.ok(
      r.out.endsWith(
        '\n3/3 digest files valid\n2/2 log files valid\n' +
          chainEndLine('2024-05-14T12:17:42Z', '2024-05-14T13:32:42Z'),
      ),
      r.out,
    );
    assert.equal(r.code, 0);
  });

  it("a chain restart prints the gap notice on stderr after the newer digest's logs, not counted as invalid", async () => {
    const c = ws.bucket.chain();
    const [d0, d1] = c.hours(2);
    const d2 = c.hour({ gapHoursBefore: 3 });
    const r = await ws.validate([...WINDOW, '--verbose']);
    assert.equal(
      r.out,
      HEADER +
        [digestLine(d2.key, 'valid'), ...d2.logKeys.map((k) => logLine(k, 'valid'))].join('\n') +
        '\n' +
        [
          digestLine(d1.key, 'valid'),
          ...d1.logKeys.map((k) => logLine(k, 'valid')),
          digestLine(d0.key, 'valid'),
          ...d0.logKeys.map((k) => logLine(k, 'valid')),
        ].join('\n') +
        '\n\n' +
        REQUESTED +
        'Results found for 2024-05-14T09:17:42Z to 2024-05-14T15:17:42Z:\n\n3/3 digest files valid\n6/6 log files valid\n' +
        'FINDING\tgap\tThe chain stops: no digest covers 2024-05-14T11:17:42Z to 2024-05-14T14:17:42Z (logging or validation was off, or digests were removed)\n' +
        chainEndLine('2024-05-14T15:17:42Z', '2024-05-14T16:32:42Z'),
    );
    // After a verbose valid line, a stderr message starts with a blank line.
    assert.equal(
      r.err,
      '\nNo log files were delivered by CloudTrail between 2024-05-14T11:17:42Z and 2024-05-14T14:17:42Z\n\n',
    );
    assert.equal(r.code, 0);
  });

  it('a missing digest: "not found", counted invalid; the walk resumes at the next older listed digest; its logs are not checked', async () => {
    const [d0, d1, d2, d3] = ws.bucket.chain().hours(4);
    rmSync(ws.bucket.file(d2.key));
    const r = await ws.validate(WINDOW);
    assert.equal(r.err, digestLine(d2.key, 'INVALID: not found') + '\n\n');
    assert.match(
      r.out,
      /Results found for 2024-05-14T09:17:42Z to 2024-05-14T13:17:42Z:\n\n3\/4 digest files valid, 1\/4 digest files INVALID\n6\/6 log files valid\n/,
    );
    // The missing digest's logs are listed nowhere we could read: reported beyond the CLI.
    for (const k of d2.logKeys)
      assert.ok(r.out.includes(`FINDING\tunlisted-log\tLog file ${k} `), k);
    assert.equal(r.code, 1);
    void d0;
    void d1;
    void d3;
  });

  it("log verdicts: not found, hash value doesn't match, invalid format, in listed order", async () => {
    const [d0] = ws.bucket.chain().hours(1, { logs: 4 });
    const [l0, l1, l2, l3] = d0.logKeys;
    rmSync(ws.bucket.file(l0));
    writeFileSync(
      ws.bucket.file(l1),
      gzipSync(Buffer.from('{"Records":[{"eventName":"Tampered"}]}')),
    );
    writeFileSync(ws.bucket.file(l2), 'not gzip at all');
    const r = await ws.validate([...WINDOW, '--verbose']);
    assert.equal(
      r.out,
      HEADER +
        digestLine(d0.key, 'valid') +
        '\n' +
        logLine(l3, 'valid') +
        '\n\n' +
        REQUESTED +
        'Results found for 2024-05-14T09:17:42Z to 2024-05-14T10:17:42Z:\n\n1/1 digest files valid\n1/4 log files valid, 3/4 log files INVALID\n' +
        chainEndLine('2024-05-14T10:17:42Z', '2024-05-14T11:32:42Z'),
    );
    assert.equal(
      r.err,
      '\n' +
        logLine(l0, 'INVALID: not found') +
        '\n\n' +
        logLine(l1, "INVALID: hash value doesn't match") +
        '\n\n' +
        logLine(l2, 'INVALID: invalid format') +
        '\n\n',
    );
    assert.equal(r.code, 1);
  });

  it('digest verdicts: invalid format, signature verification failed, moved, public key not found, unable to load key', async () => {
    const c = ws.bucket.chain();
    const d = c.hours(7);
    // Newest first in the walk: d6 bad key value, d5 unknown key, d4 moved, d3 edited, d2 metadata missing, d1 not JSON.
    const other = signingKey(1);
    ws.bucket.resign(d[5].key, (j) => (j.digestPublicKeyFingerprint = other.fingerprint), other);
    ws.bucket.resign(
      d[4].key,
      (j) => (j.digestS3Object = d[4].key.replace('2024/05/14', '2024/05/13')),
      signingKey(0),
    );
    ws.bucket.edit(d[3].key, (j) => (j.logFiles = []));
    ws.bucket.signatures.set(d[2].key, {
      signature: ws.bucket.signatures.get(d[2].key)!.signature,
    });
    writeFileSync(ws.bucket.file(d[1].key), gzipSync(Buffer.from('{"digestStartTime": ')));
    // d6 is signed with key 2, whose listed Value cannot be loaded.
    ws.bucket.resign(
      d[6].key,
      (j) => (j.digestPublicKeyFingerprint = signingKey(2).fingerprint),
      signingKey(2),
    );
    const keysFile = ws.keys([signingKey(0), signingKey(2)]);
    const keys = JSON.parse(readFileSync(keysFile, 'utf8'));
    keys.PublicKeyList[1].Value = Buffer.from('not a DER key').toString('base64');
    writeFileSync(keysFile, JSON.stringify(keys));
    const r = await cli([
      ws.root,
      '--public-keys',
      keysFile,
      '--signatures',
      ws.signatures(),
      ...WINDOW,
    ]);
    assert.equal(
      r.err,
      [
        digestLine(
          d[6].key,
          `INVALID: Unable to load PKCS #1 key with fingerprint ${signingKey(2).fingerprint}`,
        ),
        digestLine(
          d[5].key,
          `INVALID: public key not found in region us-east-1 for fingerprint ${other.fingerprint}`,
        ),
        digestLine(d[4].key, 'INVALID: has been moved from its original location'),
        digestLine(d[3].key, 'INVALID: signature verification failed'),
        digestLine(d[2].key, 'INVALID: signature verification failed'),
        digestLine(d[1].key, 'INVALID: invalid format'),
      ].join('\n\n') +
        '\n\n' +
        `warning: ${keysFile}: the key listed with fingerprint ${signingKey(2).fingerprint} does not hash to that fingerprint (MD5 of its Value)\n`,
    );
    assert.match(
      r.out,
      /Results found for 2024-05-14T09:17:42Z to 2024-05-14T10:17:42Z:\n\n1\/7 digest files valid, 6\/7 digest files INVALID\n2\/2 log files valid\n/,
    );
    assert.equal(r.code, 1);
  });

  it("a keys file's fingerprint with a line break or an escape stays on the warning's line", async () => {
    ws.bucket.chain().hours(1);
    const keysFile = ws.keys([signingKey(0), signingKey(1)]);
    const keys = JSON.parse(readFileSync(keysFile, 'utf8'));
    keys.PublicKeyList[1].Fingerprint += '\nFINDING\tcoverage\u001b[2J';
    writeFileSync(keysFile, JSON.stringify(keys));
    const r = await cli([
      ws.root,
      '--public-keys',
      keysFile,
      '--signatures',
      ws.signatures(),
      ...WINDOW,
    ]);
    assert.equal(r.code, 0, r.err);
    assert.equal(
      r.err,
      `warning: ${keysFile}: the key listed with fingerprint ${signingKey(1).fingerprint}⟨U+000A⟩finding⟨U+0009⟩coverage⟨U+001B⟩[2j does not hash to that fingerprint (MD5 of its Value)\n`,
    );
  });

  it('an unsigned digest whose previous-digest bucket or object is not text is "invalid format", not a crash', async () => {
    for (const [field, value] of [
      ['previousDigestS3Bucket', 5],
      ['previousDigestS3Bucket', { name: BUCKET }],
      ['previousDigestS3Object', ['key']],
    ] as const) {
      const ws2 = new Workspace();
      try {
        const d = ws2.bucket.chain().hours(3);
        // The newest, with no signature on record: nothing stops an edit of it but its format.
        ws2.bucket.edit(d[2].key, (j) => (j[field] = value));
        ws2.bucket.signatures.delete(d[2].key);
        const r = await ws2.validate(WINDOW);
        assert.equal(
          r.err.split('\n\n')[0],
          digestLine(d[2].key, 'INVALID: invalid format'),
          `${field}: ${JSON.stringify(value)}`,
        );
        // The walk resumes at the next older listed digest, as after any INVALID digest.
        assert.match(
          r.out,
          /\n2\/3 digest files valid, 1\/3 digest files INVALID\n4\/4 log files valid\n/,
        );
        assert.equal(r.code, 1);
      } finally {
        ws2.dispose();
      }
    }
  });

  it('a malformed signature (bad hex) is "Unable to load PKCS #1 key", as in the CLI; upper-case hex is accepted', async () => {
    const [d0, d1] = ws.bucket.chain().hours(2);
    ws.bucket.signatures.set(d1.key, {
      signature: 'zz' + ws.bucket.signatures.get(d1.key)!.signature!.slice(2),
      'signature-algorithm': 'SHA256withRSA',
    });
    ws.bucket.signatures.set(d0.key, {
      signature: ws.bucket.signatures.get(d0.key)!.signature!.toUpperCase(),
      'signature-algorithm': 'bogus',
    });
    const r = await ws.validate(WINDOW);
    assert.equal(
      r.err,
      digestLine(
        d1.key,
        `INVALID: Unable to load PKCS #1 key with fingerprint ${signingKey(0).fingerprint}`,
      ) + '\n\n',
    );
    assert.match(
      r.out,
      /1\/2 digest files valid, 1\/2 digest files INVALID\n2\/2 log files valid\n/,
    );
  });

  it('a digest copied to another location is "moved"', async () => {
    const [d0, d1] = ws.bucket.chain().hours(2);
    // Replace the newest digest by a validly signed copy of the older one.
    copyFileSync(ws.bucket.file(d0.key), ws.bucket.file(d1.key));
    ws.bucket.signatures.set(d1.key, ws.bucket.signatures.get(d0.key)!);
    const r = await ws.validate(WINDOW);
    assert.equal(
      r.err,
      digestLine(d1.key, 'INVALID: has been moved from its original location') + '\n\n',
    );
  });

  it('only "No valid digests found in range" when nothing is valid', async () => {
    const [d0] = ws.bucket.chain().hours(1);
    ws.bucket.edit(d0.key, (j) => (j.logFiles = []));
    const r = await ws.validate(WINDOW);
    const [cliOut, ours] = r.out.split(/(?=^FINDING\t)/m);
    assert.equal(
      cliOut,
      HEADER +
        REQUESTED +
        'No valid digests found in range\n\n0/1 digest files valid, 1/1 digest files INVALID\n',
    );
    // The logs its edit dropped are vouched for by no valid digest.
    assert.match(
      ours,
      /^FINDING\tcoverage\t2 log file\(s\) in the window are listed by no digest: 2 NOT VALIDATED/,
    );
    assert.equal(r.code, 1);
  });
});
