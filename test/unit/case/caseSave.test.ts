// Two writers of one case file (two windows, a colleague on a shared drive, a pull): a save
// replaces only the version it was made from, merges with a newer one, and never writes over a
// file that was deleted or is no longer a case file.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AnnotationEdit,
  applyEdit,
  CaseFile,
  CaseFileError,
  emptyCase,
  parseCase,
  saveSearch,
  serializeCase,
} from '../../../src/core/case/caseFile';
import { CaseRead, readCase, saveCase } from '../../../src/core/case/caseSave';
import { ABSENT, caseVersion, savingPath, writeCaseFile } from '../../../src/core/case/caseWrite';
import { makeFifo, POSIX } from '../../support/specialFiles';

const T = '2024-05-01T10:00:00Z';
const event = (id: string) => [{ eventID: id, key: 'AWSLogs/1/x.json.gz', eventTime: T }];
const edit = (c: CaseFile, id: string, e: AnnotationEdit, who = 'ana') =>
  applyEdit(c, event(id), e, who, new Date('2024-06-01T00:00:00Z'));

describe('saving a change to a shared case file', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ctl-case-save-'));
    file = join(dir, 'case.json');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const onDisk = () => parseCase(readFileSync(file, 'utf8'), file);
  const notes = (c: CaseFile) => c.annotations.map((a) => `${a.eventID}:${a.note}`);

  it('keeps both of two writers that read the same version (neither overwrites the other)', async () => {
    writeFileSync(file, serializeCase(edit(emptyCase(), 'E0', { kind: 'note', note: 'before' })));
    const a = await readCase(file);
    const b = await readCase(file);
    const savedA = await saveCase(file, a, edit(a.case, 'EA', { kind: 'note', note: 'from A' }));
    const savedB = await saveCase(file, b, edit(b.case, 'EB', { kind: 'note', note: 'from B' }));
    assert.ok(savedA.saved && !savedA.merged);
    assert.ok(savedB.saved && savedB.merged);
    assert.deepEqual(savedB.conflicts, []);
    assert.deepEqual(notes(onDisk()), ['E0:before', 'EA:from A', 'EB:from B']);
    // B now holds what it wrote: its next save needs no merge.
    const again = await saveCase(
      file,
      savedB.read,
      edit(savedB.read.case, 'EC', { kind: 'star', starred: true }),
    );
    assert.ok(again.saved && !again.merged);
    assert.equal(onDisk().annotations.length, 4);
  });

  it('merges a change made to the file between its read and the replace (and tries again)', async () => {
    writeFileSync(file, serializeCase(emptyCase()));
    const base = await readCase(file);
    const open = fs.promises.open;
    let colleague = false;
    // The colleague's save lands while this one is being written beside the file.
    fs.promises.open = (async (...args: Parameters<typeof open>) => {
      if (!colleague && String(args[0]).includes('.saving-')) {
        colleague = true;
        writeFileSync(
          file,
          serializeCase(edit(emptyCase(), 'EC', { kind: 'add-tags', tags: ['c2'] }, 'bo')),
        );
      }
      return open(...args);
    }) as typeof open;
    try {
      const saved = await saveCase(
        file,
        base,
        edit(base.case, 'EA', { kind: 'add-tags', tags: ['exfil'] }),
      );
      assert.ok(saved.saved && saved.merged);
    } finally {
      fs.promises.open = open;
    }
    assert.ok(colleague);
    assert.deepEqual(
      onDisk().annotations.map((a) => `${a.eventID}:${a.tags.join(',')}`),
      ['EA:exfil', 'EC:c2'],
    );
    assert.deepEqual(readdirSync(dir), ['case.json']);
  });

  it('applies a change to the event the other writer changed too, field by field', async () => {
    writeFileSync(file, serializeCase(edit(emptyCase(), 'E1', { kind: 'note', note: 'seen' })));
    const mine = await readCase(file);
    const theirs = await readCase(file);
    // They star E1 and rewrite its note; this window (which saw neither) stars it and rewrites the note.
    await saveCase(
      file,
      theirs,
      edit(
        edit(theirs.case, 'E1', { kind: 'star', starred: true }, 'bo'),
        'E1',
        { kind: 'note', note: 'their note' },
        'bo',
      ),
    );
    const toggled = edit(mine.case, 'E1', { kind: 'toggle-star' });
    const saved = await saveCase(
      file,
      mine,
      edit(toggled, 'E1', { kind: 'note', note: 'my note' }),
    );
    assert.ok(saved.saved);
    const [a] = onDisk().annotations;
    assert.equal(a.starred, true, 'starring what this window showed unstarred stars it');
    assert.equal(a.note, 'their note\nmy note');
    assert.equal(saved.conflicts.length, 1);
    assert.match(saved.conflicts[0], /note on event E1 was changed on both sides/);
  });

  it('creates a missing file, and merges with one another writer created first', async () => {
    const a = await readCase(file);
    const b = await readCase(file);
    assert.equal(a.version, ABSENT);
    assert.ok(
      (await saveCase(file, a, saveSearch(a.case, { name: 'mine', filter: 'x' }, 'ana'))).saved,
    );
    const saved = await saveCase(
      file,
      b,
      saveSearch(b.case, { name: 'theirs', filter: 'y' }, 'bo'),
    );
    assert.ok(saved.saved && saved.merged);
    assert.deepEqual(
      onDisk()
        .searches.map((s) => s.name)
        .sort(),
      ['mine', 'theirs'],
    );
  });

  it('does not recreate a file deleted since it was read (unless asked, with the case as read)', async () => {
    writeFileSync(file, serializeCase(edit(emptyCase(), 'E0', { kind: 'note', note: 'before' })));
    const base = await readCase(file);
    rmSync(file);
    const ours = edit(base.case, 'EA', { kind: 'star', starred: true });
    assert.deepEqual(await saveCase(file, base, ours), { saved: false, reason: 'deleted' });
    assert.deepEqual(readdirSync(dir), []);
    // "Recreate File": saved as a new file, with everything the window showed.
    const again = await saveCase(file, { case: base.case, version: ABSENT }, ours);
    assert.ok(again.saved && !again.merged);
    assert.deepEqual(notes(onDisk()), ['E0:before', 'EA:']);
  });

  it('never writes over a file replaced by invalid JSON or another program\u2019s file', async () => {
    writeFileSync(file, serializeCase(edit(emptyCase(), 'E0', { kind: 'note', note: 'before' })));
    const base = await readCase(file);
    for (const text of ['{"format": "cloudtrail-lens-case/1", "annotations": [', '{"other": 1}']) {
      writeFileSync(file, text);
      const saved = await saveCase(
        file,
        base,
        edit(base.case, 'EA', { kind: 'star', starred: true }),
      );
      assert.equal(saved.saved, false);
      assert.ok(!saved.saved && saved.reason === 'unreadable');
      assert.ok(!saved.saved && saved.reason === 'unreadable' && saved.problem.startsWith(file));
      assert.equal(readFileSync(file, 'utf8'), text);
      assert.deepEqual(readdirSync(dir), ['case.json']);
    }
  });

  it('refuses a file that is not UTF-8 (Latin-1 notes), and never writes it back changed', async () => {
    const latin1 = Buffer.from(
      '{"format": "cloudtrail-lens-case/1", "annotations": [{"eventID": "E0", "note": "caf\u00e9"}]}',
      'latin1',
    );
    writeFileSync(file, latin1);
    await assert.rejects(
      readCase(file),
      (e: unknown) => e instanceof CaseFileError && /: not valid UTF-8 text/.test(e.message),
    );
    // A window that read the file before it was re-encoded: its save is refused too.
    const saved = await saveCase(
      file,
      { case: emptyCase(), version: caseVersion(latin1) },
      edit(emptyCase(), 'EA', { kind: 'star', starred: true }),
    );
    assert.ok(!saved.saved && saved.reason === 'unreadable');
    assert.deepEqual(readFileSync(file), latin1);
  });

  it('refuses to save over fields a case does not keep (hand-added ones), naming them, and reads the rest', async () => {
    const text =
      '{"format": "cloudtrail-lens-case/1", "owner": "ir-team", "annotations": [' +
      '{"eventID": "E0", "note": "seen", "severity": "high"}], "searches": [' +
      '{"name": "s", "filter": "x", "color": "red"}]}';
    writeFileSync(file, text);
    const base = await readCase(file);
    assert.deepEqual(notes(base.case), ['E0:seen']);
    assert.deepEqual(base.case.unkeptFields, [
      'the file: "owner"',
      'annotation 1 (E0): "severity"',
      'saved search 1 (s): "color"',
    ]);
    const saved = await saveCase(
      file,
      base,
      edit(base.case, 'EA', { kind: 'star', starred: true }),
    );
    assert.ok(!saved.saved && saved.reason === 'unreadable');
    assert.ok(!saved.saved && saved.reason === 'unreadable' && /"severity"/.test(saved.problem));
    assert.equal(readFileSync(file, 'utf8'), text);
    // A case file as the tool writes it has none.
    assert.equal(parseCase(serializeCase(base.case), file).unkeptFields, undefined);
  });

  it('refuses to replace a read-only file, saying so, and keeps a private file private', async function () {
    if (!POSIX) this.skip();
    const text = serializeCase(edit(emptyCase(), 'E0', { kind: 'note', note: 'closed case' }));
    writeFileSync(file, text);
    fs.chmodSync(file, 0o444);
    const base = await readCase(file);
    const refused = await saveCase(
      file,
      base,
      edit(base.case, 'EA', { kind: 'star', starred: true }),
    );
    assert.ok(!refused.saved && refused.reason === 'unwritable');
    assert.equal(
      refused.problem,
      `${file}: it is read-only (make it writable to save changes to it)`,
    );
    assert.equal(readFileSync(file, 'utf8'), text);
    assert.equal(fs.statSync(file).mode & 0o777, 0o444);
    assert.deepEqual(readdirSync(dir), ['case.json']);

    fs.chmodSync(file, 0o600);
    const saved = await saveCase(
      file,
      base,
      edit(base.case, 'EA', { kind: 'star', starred: true }),
    );
    assert.ok(saved.saved);
    assert.equal(fs.statSync(file).mode & 0o777, 0o600);
  });

  it('says that a case file which is a link leading nowhere cannot be saved, not that it kept changing', async function () {
    if (!POSIX) this.skip();
    fs.symlinkSync(join(dir, 'gone', 'case.json'), file);
    const base = await readCase(file);
    const saved = await saveCase(
      file,
      base,
      edit(base.case, 'EA', { kind: 'star', starred: true }),
    );
    assert.ok(!saved.saved && saved.reason === 'unwritable', JSON.stringify(saved));
    assert.ok(
      !saved.saved &&
        saved.reason === 'unwritable' &&
        /is a symbolic link to .*gone.*, which does not exist/.test(saved.problem),
    );
    assert.equal(
      fs.readlinkSync(file),
      join(dir, 'gone', 'case.json'),
      'the link is left as it is',
    );
  });

  it('says why a save failed, naming the file, instead of throwing', async () => {
    const text = serializeCase(edit(emptyCase(), 'E0', { kind: 'note', note: 'before' }));
    writeFileSync(file, text);
    const base = await readCase(file);
    mkdirSync(savingPath(file)); // the new text cannot be written beside it
    const saved = await saveCase(
      file,
      base,
      edit(base.case, 'EA', { kind: 'star', starred: true }),
    );
    assert.ok(!saved.saved && saved.reason === 'unwritable');
    assert.ok(saved.problem.startsWith(`${file}: could not be written: `), saved.problem);
    assert.equal(readFileSync(file, 'utf8'), text);
  });
});

describe('replacing the case file only while it is the version expected', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ctl-case-cas-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('replaces the version expected, and leaves any other as it is', async () => {
    const file = join(dir, 'case.json');
    writeFileSync(file, 'one');
    const one = caseVersion(Buffer.from('one'));
    assert.equal(await writeCaseFile(file, 'two', one), true);
    assert.equal(readFileSync(file, 'utf8'), 'two');
    assert.equal(await writeCaseFile(file, 'three', one), false);
    assert.equal(readFileSync(file, 'utf8'), 'two');
    assert.deepEqual(readdirSync(dir), ['case.json']);
  });

  it('creates a file expected absent only while there is none', async () => {
    const file = join(dir, 'case.json');
    assert.equal(await writeCaseFile(file, 'first', ABSENT), true);
    assert.equal(await writeCaseFile(file, 'second', ABSENT), false);
    assert.equal(readFileSync(file, 'utf8'), 'first');
    assert.deepEqual(readdirSync(dir), ['case.json']);
  });

  it('reads a missing file as an empty case of version ABSENT', async () => {
    const read: CaseRead = await readCase(join(dir, 'none.json'));
    assert.deepEqual(read, { case: emptyCase(), version: ABSENT });
  });

  // The extension's cloudtrailLens.caseFile setting reaches readCase: it used to hang on a FIFO
  // (fs.readFile waits for a writer) and read /dev/zero until memory ran out.
  it('refuses a case file that is a FIFO, a device or a folder, naming it (no hang)', async function () {
    if (!POSIX) this.skip();
    const fifo = join(dir, 'pipe.json');
    makeFifo(fifo);
    const zero = join(dir, 'zero.json');
    fs.symlinkSync('/dev/zero', zero);
    const hang = new Promise<'hang'>((resolve) =>
      setTimeout(() => resolve('hang'), 10_000).unref(),
    );
    for (const [special, kind] of [
      [fifo, 'a named pipe (FIFO)'],
      [zero, 'a character device'],
      [dir, 'a folder'],
    ]) {
      const outcome = await Promise.race([
        readCase(special).then(
          () => 'read',
          (e: unknown) => e,
        ),
        hang,
      ]);
      if (outcome === 'hang') {
        // Let the blocked read end, so that the test run can.
        fs.writeFileSync(fifo, '');
        assert.fail(`${special}: the read hung`);
      }
      assert.ok(outcome instanceof CaseFileError, `${special}: ${String(outcome)}`);
      assert.equal(
        outcome.message,
        `${special}: ${kind}, not a regular file; skipped (only regular files are read)`,
      );
    }
  });
});
