// The CLI on hostile input: special files, links leading out of the folder, unreadable
// sub-folders, deeply nested records and invalid JSON. Each case is made here for real.
import * as assert from 'node:assert/strict';
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { main } from '../../../src/cli/main';
import type { CliIo } from '../../../src/cli/io';
import { makeFifo, POSIX, runCliUnprivileged } from '../../support/specialFiles';
import { Workspace } from '../digest/helpers';

async function run(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIo = {
    out: (t) => void (out += t),
    err: (t) => void (err += t),
    stderrIsTTY: false,
  };
  const code = await main(args, io);
  return { code, out, err };
}

const record = (i: number, extra: Record<string, unknown> = {}) => ({
  eventVersion: '1.08',
  eventTime: `2024-05-14T10:${String(i).padStart(2, '0')}:00Z`,
  eventSource: 's3.amazonaws.com',
  eventName: 'GetObject',
  awsRegion: 'us-east-1',
  sourceIPAddress: '198.51.100.7',
  userIdentity: { type: 'IAMUser', userName: `user${i}` },
  requestParameters: { bucketName: 'evidence', key: `k${i}` },
  ...extra,
});
const logFile = (...records: object[]) => JSON.stringify({ Records: records });
/** A record whose `field` holds objects (or arrays) nested `depth` deep, as raw JSON. */
const deepRecord = (i: number, field: string, depth: number, open = '{"a":', close = '}') =>
  JSON.stringify(record(i)).replace(
    /}$/,
    `,"${field}":${open.repeat(depth)}1${close.repeat(depth)}}`,
  );
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';

describe('the CLI on hostile input', function () {
  this.timeout(60_000);
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'ctl-hostile-cli-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  describe('special files', () => {
    before(function () {
      if (!POSIX) this.skip();
    });

    it('query /dev/zero and a named pipe: named as not regular files at once, exit 1', async () => {
      const fifo = join(dir, 'pipe.json');
      makeFifo(fifo);
      for (const path of ['/dev/zero', fifo]) {
        const started = Date.now();
        const r = await run('query', path, '--count');
        assert.equal(r.code, 1, r.err);
        assert.match(
          r.err,
          new RegExp(
            `${path.replace(/[/.]/g, '\\$&')}: (a character device|a named pipe \\(FIFO\\)), not a regular file; skipped`,
          ),
        );
        assert.ok(Date.now() - started < 10_000);
      }
    });

    it('query a folder holding a FIFO, a link to /dev/zero and links out: the logs load, the rest is named', async () => {
      const folder = join(dir, 'mixed');
      mkdirSync(folder);
      writeFileSync(join(folder, 'a.json'), logFile(record(1), record(2)));
      makeFifo(join(folder, 'b.json'));
      symlinkSync('/dev/zero', join(folder, 'zero.json'));
      writeFileSync(join(dir, 'credentials'), `[default]\naws_secret_access_key = ${SECRET}\n`);
      symlinkSync(join(dir, 'credentials'), join(folder, 'creds.json'));
      const r = await run('query', folder, '--count');
      assert.equal(r.code, 0, r.err);
      assert.equal(r.out, '2\n');
      assert.match(r.err, /b\.json: a named pipe \(FIFO\), not a regular file; skipped/);
      assert.match(
        r.err,
        /warning: .*zero\.json: a symbolic link to \/dev\/zero, outside the folder/,
      );
      assert.match(
        r.err,
        /warning: .*creds\.json: a symbolic link to .*credentials, outside the folder .*not followed/,
      );
      assert.ok(!r.err.includes('wJalr') && !r.err.includes('aws_secret'), r.err);
      // Allowed to follow links: /dev/zero is still not read, and the credentials file is only
      // named as not CloudTrail, without quoting it.
      const followed = await run('query', folder, '--count', '--follow-links-outside');
      assert.equal(followed.out, '2\n');
      assert.match(followed.err, /zero\.json: a character device, not a regular file/);
      assert.match(followed.err, /creds\.json:1:\d+: invalid JSON/);
      assert.ok(
        !followed.err.includes('wJalr') &&
          !followed.err.includes('aws_secret') &&
          !followed.err.includes('[default'),
        followed.err,
      );
    });

    it('validate: a log and a digest replaced by named pipes are verdicts, not a hang', async () => {
      const ws = new Workspace();
      try {
        const [d0, d1] = ws.bucket.chain().hours(2);
        const log = d1.logKeys[0];
        const logFile = join(ws.root, ...log.split('/'));
        rmSync(logFile);
        makeFifo(logFile);
        rmSync(join(ws.root, ...d0.key.split('/')));
        makeFifo(join(ws.root, ...d0.key.split('/')));
        const r = await ws.validate();
        assert.equal(r.code, 1);
        const all = r.out + r.err;
        assert.ok(!all.includes(`${log}\tvalid`), all);
        assert.match(all, /named pipe \(FIFO\), not a regular file/);
      } finally {
        ws.dispose();
      }
    });

    it('a case file, --public-keys or --signatures that is a FIFO, a device or a folder is named, exit 2 (they used to hang)', async () => {
      const fifo = join(dir, 'named-pipe.json');
      makeFifo(fifo);
      const logs = join(dir, 'case-logs');
      mkdirSync(logs);
      writeFileSync(join(logs, 'a.json'), logFile(record(1)));
      const keys = join(dir, 'keys.json');
      writeFileSync(keys, JSON.stringify({ PublicKeyList: [] }));
      const hang = new Promise<'hang'>((resolve) =>
        setTimeout(() => resolve('hang'), 10_000).unref(),
      );
      for (const special of [fifo, '/dev/zero', logs]) {
        for (const args of [
          ['report', special, logs, '--no-cache'],
          ['query', logs, '--case', special, '--count', '--no-cache'],
          ['validate', logs, '--public-keys', special],
          ['validate', logs, '--public-keys', keys, '--signatures', special],
          ['report', join(dir, 'case.json'), logs, '--public-keys', special, '--no-cache'],
        ]) {
          if (args[1].endsWith('case.json'))
            writeFileSync(
              args[1],
              JSON.stringify({ format: 'cloudtrail-lens-case/1', annotations: [] }),
            );
          const r = await Promise.race([run(...args), hang]);
          assert.notEqual(r, 'hang', args.join(' '));
          if (r === 'hang') return;
          assert.equal(r.code, 2, `${args.join(' ')}: ${r.err}`);
          assert.match(
            r.err,
            /(a named pipe \(FIFO\)|a character device|a folder), not a regular file/,
            args.join(' '),
          );
          assert.ok(r.err.includes(special), r.err);
        }
      }
    });

    it('lint on a folder holding a FIFO names it and lints the rest (it used to hang)', async () => {
      const folder = join(dir, 'lint');
      mkdirSync(folder);
      writeFileSync(
        join(folder, 'trail.json'),
        JSON.stringify({
          Name: 'main',
          S3BucketName: 'b',
          IsMultiRegionTrail: false,
          EnableLogFileValidation: true,
          IncludeGlobalServiceEvents: true,
          KmsKeyId: 'k',
          CloudWatchLogsLogGroupArn: 'arn:g',
          CloudWatchLogsRoleArn: 'arn:r',
        }),
      );
      makeFifo(join(folder, 'fifo.json'));
      const r = await run('lint', folder);
      assert.match(r.err, /fifo\.json: a named pipe \(FIFO\), not a regular file; skipped/);
      assert.match(r.out, /trail\.json:\d+:\d+ warning not-multi-region/);
    });
  });

  it('-- ends the options: files named like options are read (query, detect, report, lint)', async () => {
    // A relative path that starts with a dash: a folder made in the working directory (the
    // workers resolve their loader from it, so the test cannot change it).
    const folder = mkdtempSync('-ctl-dashes-');
    try {
      writeFileSync(join(folder, 'x.json'), logFile(record(1)));
      writeFileSync(join(folder, '--count'), logFile(record(2), record(3)));
      writeFileSync(
        join(folder, 'case.json'),
        '{"format":"cloudtrail-lens-case/1","annotations":[]}',
      );
      writeFileSync(join(folder, 'trail.json'), JSON.stringify({ EventSelectors: [] }));
      const q = await run('query', '--count', '--no-cache', '--', folder);
      assert.equal(q.code, 0, q.err);
      assert.equal(q.out, '1\n');
      const named = await run('query', '--count', '--no-cache', '--', join(folder, '--count'));
      assert.equal(named.out, '2\n', named.err);
      const d = await run('detect', '--no-cache', '--format', 'json', '--', folder);
      assert.ok(d.code === 0 || d.code === 1, d.err);
      const r = await run(
        'report',
        '--no-cache',
        '--format',
        'timesketch',
        '--',
        join(folder, 'case.json'),
        folder,
      );
      assert.equal(r.code, 0, r.err);
      const l = await run('lint', '--format', 'json', '--', join(folder, 'trail.json'));
      assert.notEqual(l.code, 2, l.err);
      // After --, an option's name is a file: this one does not exist.
      const missing = await run('query', '--no-cache', '--', '--desc');
      assert.equal(missing.code, 2);
      assert.match(missing.err, /--desc: no such file or folder/);
      assert.equal((await run('sql', '--dialect', 'athena', '--', '--rows')).code, 2);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('reports an unreadable sub-folder like an unreadable file', function () {
    const folder = join(dir, 'perm');
    mkdirSync(join(folder, 'locked'), { recursive: true });
    writeFileSync(join(folder, 'a.json'), logFile(record(1), record(2), record(3)));
    writeFileSync(join(folder, 'locked', 'b.json'), logFile(record(4)));
    chmodSync(join(folder, 'locked'), 0o000);
    try {
      const r = runCliUnprivileged(['query', folder, '--count'], [dir, folder]);
      assert.equal(r.out, '3\n');
      assert.match(
        r.err,
        /locked: permission denied \(check the folder's permissions\); the files in it were not read/,
      );
      assert.match(r.err, /1 of 2 event files could not be read/);
    } finally {
      chmodSync(join(folder, 'locked'), 0o755);
    }
  });

  describe('deeply nested records', () => {
    let folder: string;
    before(() => {
      folder = join(dir, 'deep');
      mkdirSync(folder);
      // 32,000 levels in requestParameters (fast path), 16,000 levels of arrays in userIdentity
      // (the general path, JSON lines), next to ordinary records in the same files.
      writeFileSync(
        join(folder, 'a.json'),
        `{"Records":[${JSON.stringify(record(1))},${deepRecord(2, 'requestParameters', 32_000)},${JSON.stringify(record(3))}]}`,
      );
      writeFileSync(
        join(folder, 'b.jsonl'),
        [
          JSON.stringify(record(4)),
          deepRecord(5, 'userIdentity', 16_000, '[', ']'),
          JSON.stringify(record(6)),
        ].join('\n'),
      );
    });

    it('leaves out each record nested too deep, naming the file and the record, and loads the others', async () => {
      const r = await run('query', folder, '--count');
      assert.equal(r.code, 0, r.err);
      assert.equal(r.out, '4\n');
      assert.match(
        r.err,
        /warning: .*a\.json: 1 element\(s\) skipped: record 1 \(line 1\) is nested more than 512 levels deep; skipped/,
      );
      assert.match(
        r.err,
        /warning: .*b\.jsonl: 1 element\(s\) skipped: line 2 is nested more than 512 levels deep; skipped/,
      );
    });

    it('answers queries on fields that are not indexed, free text and CSV of whole objects', async () => {
      const byKey = await run(
        'query',
        folder,
        '--filter',
        'requestParameters.key:k3 OR userIdentity.userName:user6',
        '--count',
      );
      assert.equal(byKey.code, 0, byKey.err);
      assert.equal(byKey.out, '2\n');
      const text = await run('query', folder, '--filter', 'k4', '--count');
      assert.equal(text.out, '1\n');
      const csv = await run(
        'query',
        folder,
        '--format',
        'csv',
        '--fields',
        'time,requestParameters,userIdentity',
      );
      assert.equal(csv.code, 0, csv.err);
      assert.equal(csv.out.trim().split('\n').length, 5);
    });

    it('lint names a configuration nested 8,000 deep and goes on with the other files', async () => {
      const lintDir = join(dir, 'lint-deep');
      mkdirSync(lintDir);
      writeFileSync(
        join(lintDir, 'a-deep.json'),
        `{"EventSelectors":${'['.repeat(8000)}${']'.repeat(8000)}}`,
      );
      writeFileSync(
        join(lintDir, 'b-trail.json'),
        JSON.stringify({ Name: 'main', S3BucketName: 'b', IsMultiRegionTrail: false }),
      );
      const r = await run('lint', lintDir);
      assert.match(
        r.out,
        /a-deep\.json:1:\d+ warning json-too-deep JSON nested more than 512 levels deep: not checked\./,
      );
      assert.match(r.out, /b-trail\.json:\d+:\d+ warning not-multi-region/);
    });
  });

  it('--max-file-mb above 4096 still reads .gz files (zlib takes at most 4 GiB as its cap)', async () => {
    const folder = join(dir, 'big-cap');
    mkdirSync(folder);
    writeFileSync(join(folder, 'a.json.gz'), gzipSync(logFile(record(1), record(2))));
    const r = await run('query', folder, '--count', '--max-file-mb', '5000');
    assert.equal(r.code, 0, r.err);
    assert.equal(r.out, '2\n');
    assert.equal(r.err, '');
  });

  it('refuses invalid JSON that the fast path used to index and print verbatim', async () => {
    const folder = join(dir, 'invalid');
    mkdirSync(folder);
    const text = readFileSync(
      join(__dirname, '../../fixtures/hostile-input/invalid-json/not-json-object.json'),
      'utf8',
    );
    writeFileSync(
      join(folder, '111122223333_CloudTrail_us-east-1_20240514T1010Z_abcdEFGH12345678.json'),
      text,
    );
    const r = await run('query', folder);
    assert.equal(r.code, 1);
    assert.equal(r.out, '');
    assert.match(
      r.err,
      /abcdEFGH12345678\.json:1:\d+: invalid JSON: expected a property name in double quotes \(found "t"\)/,
    );
  });
});
