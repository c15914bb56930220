// The case file (issue 18): round trip, git's default merge of two analysts' edits, events found
// again after a reload, annotations of events not loaded kept, bad files refused with their name.
import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import {
  Annotation,
  applyEdit,
  CaseFile,
  CaseFileError,
  emptyCase,
  parseCase,
  saveSearch,
  serializeCase,
  tagCounts,
} from '../../../src/core/case/caseFile';
import { AnnotationResolver, editRef, resolveAnnotations } from '../../../src/core/case/resolve';
import { EventIndex } from '../../../src/core/index/eventIndex';
import { loadEventFiles } from '../../../src/core/ingest/load';
import { discover } from '../../../src/core/sources/discover';
import { WorkerPool } from '../../../src/core/ingest/pool';
import { parseQuery } from '../../../src/core/query/parse';
import { CaseWorkspace, refOf } from './helpers';
import { classifyObject } from '../../../src/core/sources/discover';
import { FolderSource } from '../../../src/core/sources/folder';

const WHEN = new Date('2026-12-05T20:00:00Z');
const ref = (
  n: number,
  key = `AWSLogs/111122223333/CloudTrail/us-east-1/2024/05/14/f${n}.json.gz`,
) => ({
  eventID: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
  key,
  eventTime: `2024-05-14T10:${String(n).padStart(2, '0')}:00Z`,
});

function sample(): CaseFile {
  let c = emptyCase();
  c = applyEdit(c, [ref(3), ref(1)], { kind: 'star', starred: true }, 'alice', WHEN);
  c = applyEdit(
    c,
    [ref(2)],
    { kind: 'add-tags', tags: ['Exfil', 'persistence', 'exfil'] },
    'bob',
    WHEN,
  );
  c = applyEdit(
    c,
    [ref(1)],
    { kind: 'note', note: 'first "login"\nfrom Tor, <script>alert(1)</script>' },
    'alice',
    WHEN,
  );
  c = saveSearch(
    c,
    {
      name: 'root logins',
      filter: 'type:Root event:ConsoleLogin',
      range: { from: Date.parse('2024-05-14T00:00:00Z'), to: Date.parse('2024-05-15T00:00:00Z') },
      scope: { source: { type: 'folder', path: '/cases/acme' } },
    },
    'alice',
    WHEN,
  );
  return c;
}

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1', HOME: cwd },
  });
}

describe('case file', () => {
  it('round-trips: parse(serialize(c)) is c, and serializing again gives the same bytes', () => {
    const c = sample();
    const text = serializeCase(c);
    const back = parseCase(text, 'case.json');
    assert.deepEqual(back.annotations, c.annotations);
    assert.deepEqual(back.searches, c.searches);
    assert.equal(serializeCase(back), text);
    // Plain JSON any tool reads.
    assert.equal(JSON.parse(text).format, 'cloudtrail-lens-case/1');
  });

  it('writes one annotation per line, sorted by event time, each line ending in a comma, between blank lines', () => {
    const lines = serializeCase(sample()).split('\n');
    const entries = lines.filter((l) => l.trim().startsWith('{"eventTime"'));
    assert.equal(entries.length, 3);
    assert.deepEqual(
      entries.map((l) => JSON.parse(l.trim().slice(0, -1)).eventID),
      [ref(1).eventID, ref(2).eventID, ref(3).eventID],
    );
    for (const e of entries) {
      assert.ok(e.endsWith(','), e);
      const i = lines.indexOf(e);
      assert.equal(lines[i - 1], '');
      assert.equal(lines[i + 1], '');
    }
    // The note's line break stays inside its line; who and when are kept.
    const first = JSON.parse(entries[0].trim().slice(0, -1)) as Annotation;
    assert.equal(first.note, 'first "login"\nfrom Tor, <script>alert(1)</script>');
    assert.equal(first.by, 'alice');
    assert.equal(first.at, '2026-12-05T20:00:00.000Z');
    assert.deepEqual(JSON.parse(entries[1].trim().slice(0, -1)).tags, ['exfil', 'persistence']);
  });

  it('applies edits to several events at once: toggle-star stars all unless all are starred; an emptied annotation is dropped', () => {
    let c = applyEdit(emptyCase(), [ref(1)], { kind: 'star', starred: true }, 'a', WHEN);
    c = applyEdit(c, [ref(1), ref(2)], { kind: 'toggle-star' }, 'a', WHEN);
    assert.deepEqual(
      c.annotations.map((a) => a.starred),
      [true, true],
    );
    c = applyEdit(c, [ref(1), ref(2)], { kind: 'toggle-star' }, 'a', WHEN);
    assert.equal(c.annotations.length, 0);
    c = applyEdit(c, [ref(1), ref(2)], { kind: 'add-tags', tags: ['x'] }, 'a', WHEN);
    c = applyEdit(c, [ref(2)], { kind: 'remove-tags', tags: ['X'] }, 'a', WHEN);
    assert.deepEqual(tagCounts(c), [{ tag: 'x', count: 1 }]);
  });

  it("two analysts' independent edits merge with git's default merge, without conflict", function () {
    this.timeout(30_000);
    const dir = mkdtempSync(join(tmpdir(), 'ctl-case-git-'));
    try {
      git(dir, 'init', '-q', '-b', 'main');
      git(dir, 'config', 'user.email', 'a@example.com');
      git(dir, 'config', 'user.name', 'base');
      git(dir, 'config', 'merge.conflictstyle', 'merge');
      const file = join(dir, 'case.json');
      const base = sample();
      writeFileSync(file, serializeCase(base));
      git(dir, 'add', 'case.json');
      git(dir, 'commit', '-q', '-m', 'base');
      // Alice: tags the neighbour of an annotated event, notes annotated event 1, adds an event at the start and one at the end, saves a search.
      git(dir, 'checkout', '-q', '-b', 'alice');
      let a = applyEdit(
        base,
        [ref(1)],
        { kind: 'add-tags', tags: ['initial-access'] },
        'alice',
        WHEN,
      );
      a = applyEdit(a, [ref(0), ref(9)], { kind: 'star', starred: true }, 'alice', WHEN);
      a = saveSearch(a, { name: 'alice search', filter: 'tag:exfil' }, 'alice', WHEN);
      writeFileSync(file, serializeCase(a));
      git(dir, 'commit', '-q', '-am', 'alice');
      // Bob, from the same base: changes the adjacent annotation 2, removes 3, adds events between existing ones.
      git(dir, 'checkout', '-q', 'main');
      let b = applyEdit(
        base,
        [ref(2)],
        { kind: 'note', note: 'bob: data left via S3' },
        'bob',
        WHEN,
      );
      b = applyEdit(b, [ref(3)], { kind: 'star', starred: false }, 'bob', WHEN);
      b = applyEdit(b, [ref(5)], { kind: 'add-tags', tags: ['exfil'] }, 'bob', WHEN);
      writeFileSync(file, serializeCase(b));
      git(dir, 'commit', '-q', '-am', 'bob');
      const merge = spawnSync('git', ['merge', '--no-edit', 'alice'], {
        cwd: dir,
        encoding: 'utf8',
        env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1', HOME: dir },
      });
      assert.equal(merge.status, 0, merge.stdout + merge.stderr);
      const merged = parseCase(readFileSync(file, 'utf8'), file);
      const byId = new Map(merged.annotations.map((x) => [x.eventID, x]));
      assert.deepEqual(
        [...byId.keys()],
        [ref(0), ref(1), ref(2), ref(5), ref(9)].map((r) => r.eventID),
      );
      assert.deepEqual(byId.get(ref(1).eventID)?.tags, ['initial-access']);
      assert.equal(byId.get(ref(2).eventID)?.note, 'bob: data left via S3');
      assert.equal(byId.get(ref(9).eventID)?.starred, true);
      assert.deepEqual(
        merged.searches.map((s) => s.name),
        ['alice search', 'root logins'],
      );
      // The merged file is what serializing the merged case writes: the layout survives merges.
      assert.equal(serializeCase(merged), readFileSync(file, 'utf8'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads entries for the same event twice (a union merge, a hand edit) as one', () => {
    const text = serializeCase(sample());
    const line = text.split('\n').find((l) => l.includes(ref(2).eventID))!;
    const other = line
      .replace('"tags":["exfil","persistence"]', '"tags":["c2"]')
      .replace('"starred":false', '"starred":true');
    const c = parseCase(text.replace(line, `${line}\n${other}`), 'case.json');
    const a = c.annotations.find((x) => x.eventID === ref(2).eventID)!;
    assert.equal(c.annotations.length, 3);
    assert.deepEqual(a.tags, ['c2', 'exfil', 'persistence']);
    assert.equal(a.starred, true);
  });

  it('keeps both of two different searches saved under one name (a union merge), the later under the name', () => {
    const text = serializeCase(sample());
    const line = text.split('\n').find((l) => l.includes('"name":"root logins"'))!;
    const theirs = line
      .replace('type:Root event:ConsoleLogin', 'event:ConsoleLogin')
      .replace(/"at":"[^"]+"/, '"at":"2026-12-06T00:00:00.000Z"');
    // The same search twice (only who/when differ) is one.
    const same = line.replace(/"by":"[^"]+"/, '"by":"bob"');
    const c = parseCase(text.replace(line, `${line}\n${theirs}\n${same}`), 'case.json');
    assert.deepEqual(
      c.searches.map((s) => [s.name, s.filter]),
      [
        ['root logins', 'event:ConsoleLogin'],
        ['root logins (2)', 'type:Root event:ConsoleLogin'],
      ],
    );
    // Written back and read again, both stay.
    assert.deepEqual(parseCase(serializeCase(c), 'case.json'), c);
  });

  it("reads a saved search's from and to as ISO times, the same on every machine", () => {
    const range = (from: string, to: string) =>
      parseCase(
        JSON.stringify({
          format: 'cloudtrail-lens-case/1',
          annotations: [],
          searches: [{ name: 's', filter: '', from, to }],
        }),
        'f.json',
      ).searches[0].range;
    const tz = process.env.TZ;
    try {
      // A hand-edited time without a zone is UTC, as everywhere else (not the machine's zone).
      process.env.TZ = 'America/New_York';
      assert.deepEqual(range('2024-05-14T10:00:00', '2024-05-14T12:00:00'), {
        from: Date.UTC(2024, 4, 14, 10),
        to: Date.UTC(2024, 4, 14, 12),
      });
    } finally {
      if (tz === undefined) delete process.env.TZ;
      else process.env.TZ = tz;
    }
    assert.deepEqual(range('2024-05-14T12:00:00+02:00', '2024-05-14T12:00:00Z'), {
      from: Date.UTC(2024, 4, 14, 10),
      to: Date.UTC(2024, 4, 14, 12),
    });
    // A day that does not exist is not the next one; a date in words is not ISO.
    for (const [from, to] of [
      ['2023-02-29T00:00:00Z', '2023-03-02T00:00:00Z'],
      ['May 14, 2024', '2024-05-15T00:00:00Z'],
    ])
      assert.throws(() => range(from, to), /"from" and "to" must be ISO times/, from);
  });

  it('refuses a bad or foreign file with its name and the problem, and never yields a partial case', () => {
    const bad = (text: string) =>
      assert.throws(
        () => parseCase(text, '/ws/.cloudtrail-lens/case.json'),
        (e: unknown) =>
          e instanceof CaseFileError &&
          e.message.startsWith('/ws/.cloudtrail-lens/case.json: ') &&
          e.file === '/ws/.cloudtrail-lens/case.json',
      );
    bad('{"format": "cloudtrail-lens-case/1", "annotations": [');
    bad('{"name": "my-package", "version": "1.0.0"}');
    bad('[1, 2]');
    bad('{"format": "cloudtrail-lens-case/1", "annotations": [{"eventID": 5}]}');
    bad('{"format": "cloudtrail-lens-case/1", "annotations": [{"eventID": "x", "tags": "exfil"}]}');
    bad(
      '{"format": "cloudtrail-lens-case/1", "annotations": [], "searches": [{"name": "s", "filter": "x", "from": "yesterday", "to": "now"}]}',
    );
    // A saved search's scope nested so deep that writing the case back would overflow the stack.
    const deep = `${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}`;
    assert.throws(
      () =>
        parseCase(
          `{"format": "cloudtrail-lens-case/1", "annotations": [], "searches": [{"name": "s", "filter": "", "scope": ${deep}}]}`,
          'f.json',
        ),
      /f\.json: saved search 1 \(s\): "scope" is nested more than 32 levels deep/,
    );
    assert.throws(
      () => parseCase('{"format": "other-tool/2"}', 'f.json'),
      /not a CloudTrail Lens case file.*"other-tool\/2"/,
    );
    const conflicted = serializeCase(sample()).replace(
      '  "annotations": [',
      '<<<<<<< HEAD\n  "annotations": [',
    );
    assert.throws(() => parseCase(conflicted, 'f.json'), /git conflict markers/);
  });

  it('refuses a file that names a key twice: reading only the last, a save would drop the first', () => {
    const text = serializeCase(sample());
    const line = text.split('\n').find((l) => l.includes(ref(1).eventID))!;
    // A second "annotations" list (a hand edit, a bad merge): the first would be read as absent.
    assert.throws(
      () => parseCase(text.replace(/\n}\n$/, ',\n  "annotations": [null]\n}\n'), 'f.json'),
      /^CaseFileError: f\.json: names a key more than once \(annotations\)/,
    );
    // An entry with two notes: the first would be lost.
    assert.throws(
      () =>
        parseCase(text.replace(line, line.replace('"note":', '"note":"mine","note":')), 'f.json'),
      /f\.json: names a key more than once \(annotations\[\d+\]\.note\)/,
    );
  });

  it('is not read as events when a workspace folder is loaded (unless named)', () => {
    const source = new FolderSource('/ws');
    const object = {
      kind: 'object' as const,
      key: '.cloudtrail-lens/case.json',
      size: 10,
      modified: 0,
    };
    assert.equal(classifyObject(source, object).kind, 'ignored');
    assert.equal(classifyObject(source, object, true).kind, 'event');
    assert.equal(classifyObject(source, { ...object, key: 'exports/case.json' }).kind, 'event');
  });

  describe('with loaded events', function () {
    this.timeout(60_000);
    let ws: CaseWorkspace;
    let pool: WorkerPool;
    before(() => {
      ws = new CaseWorkspace(2);
      pool = new WorkerPool(2);
    });
    after(async () => {
      await pool.close();
      ws.dispose();
    });

    it('finds the annotated events again after a reload, also from another root; an event not loaded is kept and listed', async () => {
      const first = await ws.load(pool);
      const all = (await first.query({ kind: 'all' })).rows;
      const picked = [all[1], all[4], all[7]];
      let c = applyEdit(
        emptyCase(),
        picked.map((r) => refOf(first, r)),
        { kind: 'add-tags', tags: ['exfil'] },
        'alice',
        WHEN,
      );
      c = applyEdit(c, [refOf(first, all[4])], { kind: 'star', starred: true }, 'alice', WHEN);
      const gone = {
        eventID: 'ffffffff-0000-4000-8000-000000000000',
        key: 'AWSLogs/111122223333/CloudTrail/us-east-1/2024/05/13/gone.json.gz',
        eventTime: '2024-05-13T00:00:00Z',
      };
      c = applyEdit(c, [gone], { kind: 'note', note: 'from the other account' }, 'bob', WHEN);
      const text = serializeCase(c);

      // A new index (rows may be numbered differently) over the AWSLogs folder instead of the bucket root.
      const again = await ws.load(pool, join(ws.root, 'AWSLogs', '111122223333'));
      assert.notEqual(again.files[0].key, first.files[0].key);
      const resolved = resolveAnnotations(again, parseCase(text, 'case.json'));
      const ids = (rows: Iterable<number>) => [...rows].map((r) => again.summary(r).eventID).sort();
      assert.deepEqual(
        ids(resolved.byRow.keys()),
        picked.map((r) => first.summary(r).eventID).sort(),
      );
      assert.deepEqual(
        resolved.notLoaded.map((a) => a.eventID),
        [gone.eventID],
      );
      // Serializing keeps the not-loaded annotation.
      assert.ok(serializeCase(parseCase(text, 'case.json')).includes(gone.eventID));

      // The query fields see them.
      const q = async (text: string) =>
        ids((await again.query(parseQuery(text), { annotations: resolved.byRow })).rows);
      assert.deepEqual(await q('tag:exfil'), ids(resolved.byRow.keys()));
      assert.deepEqual(await q('starred:true'), [first.summary(all[4]).eventID]);
      assert.equal(
        (await again.query(parseQuery('NOT tag:*'), { annotations: resolved.byRow })).rows.length,
        again.eventCount - 3,
      );
    });

    it('edits the annotation shown on an event loaded from another root, instead of adding a second one', async () => {
      const first = await ws.load(pool);
      const row = (await first.query({ kind: 'all' })).rows[2];
      let c = applyEdit(
        emptyCase(),
        [refOf(first, row)],
        { kind: 'star', starred: true },
        'alice',
        WHEN,
      );
      c = applyEdit(c, [refOf(first, row)], { kind: 'add-tags', tags: ['exfil'] }, 'alice', WHEN);

      const again = await ws.load(pool, join(ws.root, 'AWSLogs', '111122223333'));
      const id = first.summary(row).eventID;
      const shownRow = (await again.query({ kind: 'all' })).rows.find(
        (r) => again.summary(r).eventID === id,
      )!;
      const shown = resolveAnnotations(again, c).byRow.get(shownRow);
      assert.ok(shown?.starred);
      // Bob unstars it and removes the tag where he sees them.
      const ref = editRef(again.summary(shownRow), shown);
      c = applyEdit(c, [ref], { kind: 'toggle-star' }, 'bob', WHEN);
      c = applyEdit(c, [ref], { kind: 'remove-tags', tags: ['exfil'] }, 'bob', WHEN);
      assert.deepEqual(c.annotations, []);
      const after = resolveAnnotations(again, parseCase(serializeCase(c), 'case.json'));
      assert.equal(after.byRow.size, 0);
      assert.deepEqual(after.notLoaded, []);
    });

    it('while an index loads, the resolver reads only the new rows and ends where a whole pass ends', async () => {
      const full = await ws.load(pool);
      const all = (await full.query({ kind: 'all' })).rows;
      const c = applyEdit(
        emptyCase(),
        [all[0], all[all.length - 1]].map((r) => refOf(full, r)),
        { kind: 'star', starred: true },
        'a',
        WHEN,
      );
      const index = new EventIndex({ runner: pool });
      const files = (await discover(new FolderSource(ws.root))).events;
      const resolver = new AnnotationResolver(c);
      await loadEventFiles(index, pool, files.slice(0, 1));
      const early = resolver.update(index);
      await loadEventFiles(index, pool, files.slice(1));
      const late = resolver.update(index);
      assert.ok(early.byRow.size < 2 && early.notLoaded.length >= 1);
      const whole = resolveAnnotations(index, c);
      assert.deepEqual([...late.byRow.keys()].sort(), [...whole.byRow.keys()].sort());
      assert.equal(late.byRow.size, 2);
      assert.deepEqual(late.notLoaded, []);
    });

    it('puts the annotation of a hidden copy of an event on the copy shown', async () => {
      // The same log object kept twice under different names (a re-upload, a backup): the copy
      // listed later is hidden. An analyst who annotated the event in that copy (loaded alone,
      // or shown while loading) must still see the annotation on the event shown.
      const first = await ws.load(pool);
      const file = first.files[0];
      const copyDir = join(ws.dir, 'zz-copy');
      mkdirSync(copyDir, { recursive: true });
      copyFileSync(file.location, join(copyDir, 'renamed-copy.json.gz'));
      const copyOnly = await ws.load(pool, copyDir);
      const row = (await copyOnly.query({ kind: 'all' })).rows[0];
      const c = applyEdit(
        emptyCase(),
        [refOf(copyOnly, row)],
        { kind: 'star', starred: true },
        'a',
        WHEN,
      );
      try {
        const both = await ws.load(pool, ws.dir);
        const resolved = resolveAnnotations(both, c);
        assert.deepEqual(resolved.notLoaded, []);
        const [shown] = [...resolved.byRow.keys()];
        assert.equal(resolved.byRow.size, 1);
        assert.equal(both.isDuplicate(shown), false);
        assert.equal(both.summary(shown).eventID, copyOnly.summary(row).eventID);
        const starred = await both.query(parseQuery('starred:true'), {
          annotations: resolved.byRow,
        });
        assert.deepEqual([...starred.rows], [shown]);
      } finally {
        rmSync(copyDir, { recursive: true, force: true });
      }
    });

    it("never puts an annotation on another object's event of the same eventID and file name", async () => {
      // A record reusing the annotated event's eventID, in a file of the same name in another
      // folder (a forged log, or another trail's): it differs, so it is shown too; the analyst's
      // star and note are about the event in the object named, and not about it.
      const first = await ws.load(pool);
      const row = (await first.query({ kind: 'all' })).rows[0];
      const file = first.files[first.store.fileOf[row]];
      const log = JSON.parse(gunzipSync(readFileSync(file.location)).toString('utf8')) as {
        Records: Array<Record<string, unknown>>;
      };
      const forged = log.Records.find((r) => r.eventID === first.summary(row).eventID)!;
      forged.sourceIPAddress = '203.0.113.66';
      const other = join(ws.root, 'elsewhere');
      mkdirSync(other, { recursive: true });
      writeFileSync(
        join(other, file.key.split('/').pop()!),
        gzipSync(JSON.stringify({ Records: [forged] })),
      );
      try {
        const c = applyEdit(
          emptyCase(),
          [refOf(first, row)],
          { kind: 'star', starred: true },
          'a',
          WHEN,
        );
        const both = await ws.load(pool);
        const resolved = resolveAnnotations(both, c);
        assert.deepEqual(
          [...resolved.byRow.keys()].map((r) => both.summary(r).fileKey),
          [file.key],
        );
        // Loaded from another root (no key is equal), the event is still found by its object's path.
        const again = await ws.load(pool, ws.dir);
        const elsewhere = resolveAnnotations(again, c);
        assert.deepEqual(
          [...elsewhere.byRow.keys()].map((r) => again.summary(r).fileKey),
          [`bucket/${file.key}`],
        );
      } finally {
        rmSync(other, { recursive: true, force: true });
      }
    });

    it('keeps an event apart from another with the same eventID in another object', async () => {
      const index = await ws.load(pool);
      const row = (await index.query({ kind: 'all' })).rows[0];
      const r = refOf(index, row);
      const c = applyEdit(
        emptyCase(),
        [{ ...r, key: r.key.replace(/[^/]+$/, 'another-object.json.gz') }],
        { kind: 'star', starred: true },
        'a',
        WHEN,
      );
      const resolved = resolveAnnotations(index, c);
      assert.equal(resolved.byRow.size, 0);
      assert.equal(resolved.notLoaded.length, 1);
    });
  });
});
