import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FolderSource } from '../../../src/core/sources/folder';
import { SourceError } from '../../../src/core/sources/source';

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
    assert.deepEqual(root.map((e) => (e.kind === 'object' ? e.key : e.prefix)), ['a/', 'dangling.json', 'top.json']);
    const a = await src.listLevel('a/');
    assert.deepEqual(a.map((e) => (e.kind === 'object' ? `${e.key}:${e.size}` : e.prefix)), ['a/b/', 'a/one.json:14']);
  });

  it('lists everything once, not looping through a link to an ancestor', async () => {
    const keys: string[] = [];
    for await (const o of new FolderSource(dir).listAll('')) keys.push(o.key);
    assert.deepEqual(keys, ['a/b/two.json.gz', 'a/one.json', 'dangling.json', 'top.json']);
  });

  it('reads bytes, and names the file and the problem on failure', async () => {
    const src = new FolderSource(dir);
    assert.equal(Buffer.from(await src.read('a/one.json')).toString(), '{"Records":[]}');
    await assert.rejects(src.read('nope.json'), (e: unknown) => e instanceof SourceError && e.code === 'not-found' && e.message.includes('nope.json'));
    await assert.rejects(src.read('a/one.json', { maxBytes: 4 }), (e: unknown) => e instanceof SourceError && e.code === 'too-large');
    await assert.rejects(src.read('dangling.json'), (e: unknown) => e instanceof SourceError && e.code === 'not-found');
    assert.throws(() => src.localPath('../etc/passwd'), SourceError);
  });
});
