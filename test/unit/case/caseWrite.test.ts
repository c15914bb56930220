// The case file is written whole or not at all (a save cut short never truncates it).
import * as assert from 'node:assert/strict';
import {
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { savingPath, writeCaseFile } from '../../../src/core/case/caseWrite';

describe('writing the case file', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ctl-case-write-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('creates its folder, replaces the file whole and leaves nothing beside it', async () => {
    const file = join(dir, '.cloudtrail-lens', 'case.json');
    await writeCaseFile(file, 'one');
    await writeCaseFile(file, 'two');
    assert.equal(readFileSync(file, 'utf8'), 'two');
    assert.deepEqual(readdirSync(join(dir, '.cloudtrail-lens')), ['case.json']);
  });

  it('leaves the file as it was when the save fails', async () => {
    const file = join(dir, 'case.json');
    writeFileSync(file, 'the analysts\u2019 work');
    mkdirSync(savingPath(file)); // the partial file cannot be written
    await assert.rejects(writeCaseFile(file, 'new'));
    assert.equal(readFileSync(file, 'utf8'), 'the analysts\u2019 work');
  });

  it('never writes through a link planted where the new text is first written', async () => {
    const file = join(dir, 'case.json');
    writeFileSync(file, 'old');
    const victim = join(dir, 'victim.txt');
    writeFileSync(victim, 'not the case');
    symlinkSync(victim, savingPath(file));
    await writeCaseFile(file, 'new');
    assert.equal(readFileSync(victim, 'utf8'), 'not the case');
    assert.equal(lstatSync(file).isFile(), true);
    assert.equal(readFileSync(file, 'utf8'), 'new');
    assert.deepEqual(readdirSync(dir).sort(), ['case.json', 'victim.txt']);
  });

  it('writes where a symbolic link leads, keeping the link', async () => {
    const real = join(dir, 'shared-case.json');
    writeFileSync(real, 'old');
    const link = join(dir, 'case.json');
    symlinkSync(real, link);
    await writeCaseFile(link, 'new');
    assert.equal(readFileSync(real, 'utf8'), 'new');
    assert.equal(readFileSync(link, 'utf8'), 'new');
  });
});
