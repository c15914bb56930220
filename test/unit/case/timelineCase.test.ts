// The timeline over a case (issue 18): the Case column, the Tags facet whose click filters to
// exactly its count, tag: and starred: filters, and a change of the case seen at once (revision).
import * as assert from 'node:assert/strict';
import { applyEdit, CaseFile, emptyCase } from '../../../src/core/case/caseFile';
import type { EventIndex } from '../../../src/core/index/eventIndex';
import { WorkerPool } from '../../../src/core/ingest/pool';
import { IndexTimelineData } from '../../../src/extension/timeline/indexAdapter';
import { CaseWorkspace, refOf } from './helpers';

const WHEN = new Date('2026-12-05T20:00:00Z');

describe('timeline data over a case file', function () {
  this.timeout(60_000);
  let ws: CaseWorkspace;
  let pool: WorkerPool;
  let index: EventIndex;
  before(async () => {
    ws = new CaseWorkspace(2);
    pool = new WorkerPool(2);
    index = await ws.load(pool);
  });
  after(async () => {
    await pool.close();
    ws.dispose();
  });

  it('shows annotations in the Case column and the Tags facet, and filters on them; a change is seen at once', async () => {
    const source: { case: CaseFile; revision: number } = { case: emptyCase(), revision: 0 };
    const data = new IndexTimelineData(index, undefined, source);
    const all = await data.query('', null, 'asc');
    assert.equal(data.facet(all, 'tag', 10).values.length, 0);
    assert.equal((await data.query('tag:exfil', null, 'asc')).size, 0);
    const rows = data.ids(all, 0, all.size);
    let c = applyEdit(
      emptyCase(),
      [rows[1], rows[3], rows[5]].map((r) => refOf(index, r)),
      { kind: 'add-tags', tags: ['exfil'] },
      'a',
      WHEN,
    );
    c = applyEdit(c, [refOf(index, rows[3])], { kind: 'star', starred: true }, 'a', WHEN);
    c = applyEdit(c, [refOf(index, rows[3])], { kind: 'note', note: 'look' }, 'a', WHEN);
    source.case = c;
    source.revision++;
    const tagged = await data.query('tag:exfil', null, 'asc');
    assert.deepEqual(data.ids(tagged, 0, tagged.size), [rows[1], rows[3], rows[5]]);
    const again = await data.query('', null, 'asc');
    assert.deepEqual(data.facet(again, 'tag', 10).values, [
      { value: 'exfil', label: 'exfil', count: 3 },
    ]);
    const page = data.rows(again, 0, 6);
    assert.deepEqual(
      page.map((r) => r.tag),
      ['', 'exfil', '', '★ exfil ✎', '', 'exfil'],
    );
    const starred = await data.query('starred:true', null, 'desc');
    assert.deepEqual(data.ids(starred, 0, starred.size), [rows[3]]);
  });
});
