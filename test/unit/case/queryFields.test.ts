// The query fields starred / tag / note (issue 18): parsed to the annotation fields, answered by
// the index from the case's annotations exactly as the reference matcher answers them, refused by
// the SQL compiler (Athena and Lake do not hold annotations).
import * as assert from 'node:assert/strict';
import { applyEdit, emptyCase } from '../../../src/core/case/caseFile';
import { resolveAnnotations } from '../../../src/core/case/resolve';
import type { EventIndex } from '../../../src/core/index/eventIndex';
import { matchesRecord } from '../../../src/core/query/match';
import { parseQuery } from '../../../src/core/query/parse';
import { queryWarnings } from '../../../src/core/query/warnings';
import { WorkerPool } from '../../../src/core/ingest/pool';
import { compileQuery, SqlCompileError } from '../../../src/core/sql/compile';
import { CaseWorkspace, refOf } from './helpers';

const WHEN = new Date('2026-12-05T20:00:00Z');

describe('query fields starred, tag, note', function () {
  this.timeout(60_000);

  it('parse to the annotation fields, with no unknown-field warning', () => {
    for (const [text, field] of [
      ['starred:true', '@starred'],
      ['tag:exfil', '@tag'],
      ['note:*tor*', '@note'],
    ] as const) {
      const node = parseQuery(text);
      assert.equal(node.kind, 'term');
      assert.deepEqual(node.kind === 'term' && node.fields, [field]);
      assert.deepEqual(queryWarnings(node, text), []);
    }
    assert.deepEqual((parseQuery('note:*tor*') as { match: unknown }).match, {
      op: 'wildcard',
      pattern: '*tor*',
    });
  });

  it('the reference matcher reads them from the annotation, never from the record', () => {
    const record = {
      eventName: 'GetObject',
      '@tag': 'exfil',
      tag: 'exfil',
      starred: true,
      note: 'x',
    };
    const raw = JSON.stringify(record);
    const m = (q: string, a?: { starred: boolean; tags: string[]; note: string }) =>
      matchesRecord(parseQuery(q), record, raw, { annotation: a });
    assert.equal(m('tag:exfil'), false);
    assert.equal(m('starred:true'), false);
    assert.equal(m('starred:false'), true);
    assert.equal(m('note:*'), false);
    const a = { starred: true, tags: ['exfil', 'c2'], note: 'Data left via Tor exit node' };
    assert.equal(m('tag:exfil', a), true);
    assert.equal(m('tag:EXFIL', a), true);
    assert.equal(m('tag:persistence', a), false);
    assert.equal(m('tag:*', a), true);
    assert.equal(m('starred:true AND eventName:GetObject', a), true);
    assert.equal(m('note:*tor*', a), true);
    assert.equal(m('note:*phish*', a), false);
    assert.equal(m('tag:*', { starred: true, tags: [], note: '' }), false);
  });

  it('SQL refuses them with a message naming the term', () => {
    for (const dialect of ['athena', 'lake'] as const) {
      assert.throws(
        () =>
          compileQuery(parseQuery('eventName:GetObject AND tag:exfil'), {
            dialect,
            from: dialect === 'athena' ? 'cloudtrail_logs' : 'eds-1',
          }),
        (e: unknown) =>
          e instanceof SqlCompileError &&
          /^tag:exfil: tag is an annotation from the case file/.test(e.message) &&
          e.start === 24,
      );
    }
  });

  describe('in the index', () => {
    let ws: CaseWorkspace;
    let pool: WorkerPool;
    let index: EventIndex;
    before(async () => {
      ws = new CaseWorkspace(3);
      pool = new WorkerPool(2);
      index = await ws.load(pool);
    });
    after(async () => {
      await pool.close();
      ws.dispose();
    });

    it('agree with the reference matcher on every row, alone and mixed with record terms, bare text and NOT', async () => {
      const rows = (await index.query({ kind: 'all' })).rows;
      let c = applyEdit(
        emptyCase(),
        [0, 2, 5, 9].map((i) => refOf(index, rows[i])),
        { kind: 'add-tags', tags: ['exfil'] },
        'a',
        WHEN,
      );
      c = applyEdit(
        c,
        [2, 3].map((i) => refOf(index, rows[i])),
        { kind: 'star', starred: true },
        'a',
        WHEN,
      );
      c = applyEdit(
        c,
        [refOf(index, rows[9])],
        { kind: 'note', note: 'Via a Tor exit node' },
        'a',
        WHEN,
      );
      const annotations = resolveAnnotations(index, c).byRow;
      assert.equal(annotations.size, 5);
      const raws = await index.rawRecords(rows);
      const queries = [
        'starred:true',
        'starred:false',
        'tag:exfil',
        'tag:*',
        'NOT tag:*',
        'note:*tor*',
        'tag:exfil AND eventName:PutObject',
        'tag:exfil OR starred:true',
        'NOT (starred:true OR note:*exit*)',
        'tag:exfil alice',
        '(tag:exfil OR ListBuckets) AND NOT starred:true',
      ];
      for (const q of queries) {
        const node = parseQuery(q);
        const got = new Set((await index.query(node, { annotations })).rows);
        const want = new Set(
          rows.filter((r, i) =>
            matchesRecord(node, JSON.parse(raws[i]), raws[i], { annotation: annotations.get(r) }),
          ),
        );
        assert.deepEqual(got, want, q);
      }
      assert.equal((await index.query(parseQuery('tag:exfil'), { annotations })).rows.length, 4);
      // Without a case, no event is annotated.
      assert.equal((await index.query(parseQuery('tag:*'))).rows.length, 0);
      assert.equal((await index.query(parseQuery('starred:false'))).rows.length, rows.length);
    });
  });
});
