import * as assert from 'node:assert/strict';
import {
  existsSync,
  promises as fsPromises,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import type { Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join, parse, relative, sep } from 'node:path';
import { FolderSource, isInside } from '../../../src/core/sources/folder';
import {
  LinkDeclined,
  readRegularFile,
  readRegularFileSync,
} from '../../../src/core/sources/regularFile';
import { SourceError } from '../../../src/core/sources/source';
import { makeFifo, makeSocket, POSIX } from '../../support/specialFiles';

describe('FolderSource', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'ctl-folder-'));
    mkdirSync(join(dir, 'a', 'b'), { recursive: true });
    writeFileSync(join(dir, 'top.json'), '{}');
    writeFileSync(join(dir, 'a', 'one.json'), '{"Records":[]}');
    writeFileSync(join(dir, 'a', 'b', 'two.json.gz'), 'xx');
    symlinkSync(dir, join(dir, 'a', 'b', 'loop')); // a link back to the root
    symlinkSync(join(dir, 'missing'), join(dir, 'dangling.json'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('lists one level with prefixes, in key order', async () => {
    const src = new FolderSource(dir);
    const root = await src.listLevel('');
    assert.deepEqual(
      root.map((e) => (e.kind === 'object' ? e.key : e.prefix)),
      ['a/', 'dangling.json', 'top.json'],
    );
    const a = await src.listLevel('a/');
    assert.deepEqual(
      a.map((e) => (e.kind === 'object' ? `${e.key}:${e.size}` : e.prefix)),
      ['a/b/', 'a/one.json:14'],
    );
  });

  it('lists everything once, not looping through a link to an ancestor', async () => {
    const keys: string[] = [];
    for await (const o of new FolderSource(dir).listAll('')) keys.push(o.key);
    assert.deepEqual(keys, ['a/b/two.json.gz', 'a/one.json', 'dangling.json', 'top.json']);
  });

  it('a deep tree: listing and reading it asks realpath for the root and links only, not once per folder', async () => {
    // realpath walks every component of its path: asked at every level of a tree thousands of
    // folders deep, listing took minutes (depth cubed); here, how often it is asked.
    const deep = mkdtempSync(join(tmpdir(), 'ctl-deep-'));
    const realpath = fsPromises.realpath;
    let calls = 0;
    try {
      let at = deep;
      for (let i = 0; i < 40; i++) mkdirSync((at = join(at, 'd')));
      writeFileSync(join(at, 'bottom.json'), '{}');
      symlinkSync(deep, join(at, 'up')); // a link back to the root, still found
      fsPromises.realpath = ((...args: Parameters<typeof realpath>) => {
        calls++;
        return realpath(...args);
      }) as typeof realpath;
      const src = new FolderSource(deep);
      const problems: SourceError[] = [];
      const keys: string[] = [];
      for await (const o of src.listAll('', undefined, (p) => problems.push(p))) keys.push(o.key);
      assert.deepEqual(keys, [`${'d/'.repeat(40)}bottom.json`]);
      assert.deepEqual(
        problems.map((p) => p.code),
        ['duplicate'],
      );
      assert.equal(Buffer.from(await src.read(keys[0])).toString(), '{}');
      assert.ok(calls <= 4, `realpath asked ${calls} times`);
    } finally {
      fsPromises.realpath = realpath;
      rmSync(deep, { recursive: true, force: true });
    }
  });

  it('reads bytes, and names the file and the problem on failure', async () => {
    const src = new FolderSource(dir);
    assert.equal(Buffer.from(await src.read('a/one.json')).toString(), '{"Records":[]}');
    await assert.rejects(
      src.read('nope.json'),
      (e: unknown) =>
        e instanceof SourceError && e.code === 'not-found' && e.message.includes('nope.json'),
    );
    await assert.rejects(
      src.read('a/one.json', { maxBytes: 4 }),
      (e: unknown) => e instanceof SourceError && e.code === 'too-large',
    );
    await assert.rejects(
      src.read('dangling.json'),
      (e: unknown) => e instanceof SourceError && e.code === 'not-found',
    );
    assert.throws(() => src.localPath('../etc/passwd'), SourceError);
  });
});

describe('FolderSource: the evidence boundary', function () {
  this.timeout(20_000);
  let base: string;
  let dir: string;
  let outside: string;
  let socket: Server | undefined;
  const record = JSON.stringify({
    Records: [{ eventVersion: '1.08', eventTime: '2024-05-14T10:00:00Z', eventName: 'GetObject' }],
  });
  const secret = 'aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';

  before(async () => {
    base = mkdtempSync(join(tmpdir(), 'ctl-boundary-'));
    dir = join(base, 'case');
    outside = join(base, 'elsewhere');
    mkdirSync(join(dir, 'logs'), { recursive: true });
    mkdirSync(join(outside, 'more'), { recursive: true });
    writeFileSync(join(dir, 'logs', 'real.json'), record);
    writeFileSync(join(outside, 'other-case.json'), record);
    writeFileSync(join(outside, 'more', 'x.json'), record);
    writeFileSync(join(outside, 'credentials'), `[default]\n${secret}\n`);
    symlinkSync(join(outside, 'other-case.json'), join(dir, 'logs', 'link1.json'));
    symlinkSync(join(outside, 'other-case.json'), join(dir, 'logs', 'link2.json'));
    symlinkSync(join(outside, 'more'), join(dir, 'outdir'));
    symlinkSync(join(outside, 'credentials'), join(dir, 'creds.json'));
    symlinkSync('logs/real.json', join(dir, 'inside-link.json')); // a second path to a file inside
    if (POSIX) {
      makeFifo(join(dir, 'logs', 'pipe.json'));
      symlinkSync('/dev/zero', join(dir, 'zero.json'));
      socket = await makeSocket(join(dir, 'logs', 'sock.json'));
    }
  });

  after(() => {
    socket?.close();
    rmSync(base, { recursive: true, force: true });
  });

  async function list(src: FolderSource): Promise<{ keys: string[]; problems: SourceError[] }> {
    const keys: string[] = [];
    const problems: SourceError[] = [];
    for await (const o of src.listAll('', undefined, (p) => problems.push(p))) keys.push(o.key);
    return { keys, problems };
  }

  it('does not follow links out of the folder, names each, and lists a file reached twice once', async () => {
    const { keys, problems } = await list(new FolderSource(dir));
    assert.deepEqual(keys, ['logs/real.json']);
    const byKey = new Map(problems.map((p) => [p.key, p]));
    for (const key of ['logs/link1.json', 'logs/link2.json', 'outdir', 'creds.json']) {
      const p = byKey.get(key);
      assert.equal(p?.code, 'outside', key);
      assert.match(
        p.message,
        /outside the folder .*not followed \(allowed by --follow-links-outside/,
      );
    }
    assert.match(byKey.get('creds.json')!.message, /a symbolic link to .*elsewhere.credentials/);
    assert.equal(byKey.get('inside-link.json')?.code, 'duplicate');
    assert.match(
      byKey.get('inside-link.json')!.message,
      /a link to .*real\.json, which is read at its own path/,
    );
    // Reading a link that leads outside is refused too, and nothing of the target is quoted.
    await assert.rejects(
      new FolderSource(dir).read('creds.json'),
      (e: unknown) =>
        e instanceof SourceError && e.code === 'outside' && !e.message.includes('wJalr'),
    );
    await assert.rejects(
      new FolderSource(dir).listLevel('outdir/'),
      (e: unknown) => e instanceof SourceError && e.code === 'outside',
    );
  });

  it('follows links outside when allowed, still reading each file once', async () => {
    const { keys, problems } = await list(new FolderSource(dir, { followLinksOutside: true }));
    assert.deepEqual(keys, ['creds.json', 'logs/link1.json', 'logs/real.json', 'outdir/x.json']);
    assert.deepEqual(
      problems
        .filter((p) => p.code === 'duplicate')
        .map((p) => p.key)
        .sort(),
      ['inside-link.json', 'logs/link2.json'],
    );
  });

  it('names FIFOs, sockets and links to devices and never reads them, whatever stat says their size is', async function () {
    if (!POSIX) this.skip();
    const { problems } = await list(new FolderSource(dir, { followLinksOutside: true }));
    const special = new Map(
      problems.filter((p) => p.code === 'special').map((p) => [p.key, p.message]),
    );
    assert.match(
      special.get('logs/pipe.json') ?? '',
      /pipe.json: a named pipe \(FIFO\), not a regular file; skipped/,
    );
    assert.match(special.get('logs/sock.json') ?? '', /a socket, not a regular file/);
    assert.match(special.get('zero.json') ?? '', /a character device, not a regular file/);
    // Direct reads (a key named by the user, a digest listing it) are refused at once.
    const src = new FolderSource(dir, { followLinksOutside: true });
    for (const key of ['logs/pipe.json', 'logs/sock.json', 'zero.json']) {
      await assert.rejects(
        src.read(key, { maxBytes: 1024 }),
        (e: unknown) => e instanceof SourceError && e.code === 'special',
        key,
      );
    }
    await assert.rejects(
      readRegularFile('/dev/zero', { maxBytes: 1024 }),
      (e: unknown) => e instanceof SourceError && e.code === 'special',
    );
  });

  it('reads a regular file that says it is empty (like /proc files) up to the limit', async function () {
    if (!existsSync('/proc/self/status')) this.skip();
    assert.ok((await readRegularFile('/proc/self/status')).length > 0);
    assert.ok(readRegularFileSync('/proc/self/status').length > 0);
    await assert.rejects(
      readRegularFile('/proc/self/status', { maxBytes: 8 }),
      (e: unknown) => e instanceof SourceError && e.code === 'too-large',
    );
    assert.throws(
      () => readRegularFileSync('/proc/self/status', { maxBytes: 8 }),
      (e: unknown) => e instanceof SourceError && e.code === 'too-large',
    );
  });

  it("a worker's read of a file (workerFile, readRegularFileSync) gives what `read` gives, and declines every link", async () => {
    const keys = [
      'logs/real.json',
      'logs/link1.json',
      'creds.json',
      'inside-link.json',
      'outdir/x.json',
      'logs/missing.json',
      ...(POSIX ? ['logs/pipe.json', 'logs/sock.json', 'zero.json'] : []),
    ];
    const outcome = (f: () => Uint8Array) => {
      try {
        return { bytes: Buffer.from(f()).toString() };
      } catch (e) {
        if (e instanceof LinkDeclined) return { declined: true };
        assert.ok(e instanceof SourceError, String(e));
        return { code: e.code, message: e.message };
      }
    };
    for (const followLinksOutside of [false, true]) {
      const src = new FolderSource(dir, { followLinksOutside });
      for (const key of keys) {
        const read = await src.read(key, { maxBytes: 1024 }).then(
          (b) => ({ bytes: Buffer.from(b).toString() }),
          (e: SourceError) => ({ code: e.code, message: e.message }),
        );
        const file = await src.workerFile(key);
        const worker = file
          ? outcome(() =>
              readRegularFileSync(file.path, {
                maxBytes: 1024,
                key: file.key,
                noFollow: file.noFollow,
              }),
            )
          : undefined;
        const link = lstatSync(src.localPath(key), { throwIfNoEntry: false })?.isSymbolicLink();
        const inLinkedFolder = key.startsWith('outdir/');
        if (!followLinksOutside && inLinkedFolder)
          assert.equal(worker, undefined, `${key}: a linked folder's files are read by the source`);
        else if (!followLinksOutside && link)
          assert.deepEqual(worker, { declined: true }, `${key}: a link is left to the source`);
        else assert.deepEqual(worker, read, key);
      }
    }
    // Only regular files are read on either side, whatever stat says their size is.
    if (POSIX)
      assert.throws(
        () => readRegularFileSync('/dev/zero', { maxBytes: 1024 }),
        (e: unknown) => e instanceof SourceError && e.code === 'special',
      );
  });

  it('reads keys of a folder source at the file system root', async () => {
    const root = new FolderSource(parse(base).root);
    const key = relative(parse(base).root, join(dir, 'logs', 'real.json'))
      .split(sep)
      .join('/');
    assert.equal(root.localPath(key), join(dir, 'logs', 'real.json'));
    assert.equal(Buffer.from(await root.read(key)).toString(), record);
    assert.equal(isInside('/', '/etc'), true);
    assert.equal(isInside('/a', '/ab'), false);
    assert.equal(isInside('/a', '/a/..b'), true);
  });
});
