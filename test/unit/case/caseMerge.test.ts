// The three-way merge of two changes of one case (core/case/caseMerge.ts): entries keyed as the
// file keys them, neither side's additions lost.
import * as assert from 'node:assert/strict';
import {
  applyEdit,
  AnnotationEdit,
  CaseFile,
  deleteSearch,
  emptyCase,
  saveSearch,
} from '../../../src/core/case/caseFile';
import { mergeCases } from '../../../src/core/case/caseMerge';

const at = (minute: number) => new Date(Date.UTC(2024, 5, 1, 0, minute));
const edit = (c: CaseFile, id: string, e: AnnotationEdit, who: string, minute: number) =>
  applyEdit(c, [{ eventID: id, key: 'k', eventTime: '2024-05-01T00:00:00Z' }], e, who, at(minute));
const show = (c: CaseFile) =>
  c.annotations.map((a) => `${a.eventID}${a.starred ? '*' : ''}[${a.tags}]${a.note}`);

describe('merging two changes of one case', () => {
  const base = edit(
    edit(emptyCase(), 'E1', { kind: 'add-tags', tags: ['a', 'b'] }, 'x', 0),
    'E2',
    { kind: 'note', note: 'n2' },
    'x',
    0,
  );

  it('keeps the entries each side changed alone, and what both left alone', () => {
    const ours = edit(base, 'E3', { kind: 'star', starred: true }, 'ana', 1);
    const theirs = edit(base, 'E2', { kind: 'note', note: 'n2 revised' }, 'bo', 2);
    const { merged, conflicts } = mergeCases(base, ours, theirs);
    assert.deepEqual(show(merged), ['E1[a,b]', 'E2[]n2 revised', 'E3*[]']);
    assert.deepEqual(conflicts, []);
  });

  it('takes a deletion of one side when the other left the entry alone', () => {
    const ours = edit(base, 'E2', { kind: 'note', note: '' }, 'ana', 1);
    const theirs = edit(base, 'E1', { kind: 'remove-tags', tags: ['a', 'b'] }, 'bo', 2);
    assert.deepEqual(show(mergeCases(base, ours, theirs).merged), []);
  });

  it('merges one annotation both changed: stars, tags added and removed, notes both kept', () => {
    const ours = edit(
      edit(base, 'E1', { kind: 'add-tags', tags: ['mine'] }, 'ana', 1),
      'E1',
      { kind: 'remove-tags', tags: ['a'] },
      'ana',
      1,
    );
    const theirs = edit(
      edit(
        edit(base, 'E1', { kind: 'add-tags', tags: ['theirs'] }, 'bo', 2),
        'E1',
        { kind: 'star', starred: true },
        'bo',
        2,
      ),
      'E1',
      { kind: 'remove-tags', tags: ['b'] },
      'bo',
      2,
    );
    const { merged, conflicts } = mergeCases(base, ours, theirs);
    assert.deepEqual(show(merged), ['E1*[mine,theirs]', 'E2[]n2']);
    assert.equal(merged.annotations[0].by, 'bo', 'the later change says who');
    assert.deepEqual(conflicts, []);
    const notes = mergeCases(
      base,
      edit(base, 'E2', { kind: 'note', note: 'ours' }, 'ana', 1),
      edit(base, 'E2', { kind: 'note', note: 'theirs' }, 'bo', 2),
    );
    assert.deepEqual(show(notes.merged), ['E1[a,b]', 'E2[]theirs\nours']);
    assert.equal(notes.conflicts.length, 1);
  });

  it('keeps a note one side changed and the other removed (with the annotation)', () => {
    const ours = edit(base, 'E2', { kind: 'note', note: '' }, 'ana', 1);
    const theirs = edit(base, 'E2', { kind: 'note', note: 'n2 + more' }, 'bo', 2);
    const { merged, conflicts } = mergeCases(base, ours, theirs);
    assert.deepEqual(show(merged), ['E1[a,b]', 'E2[]n2 + more']);
    assert.match(conflicts[0], /removed on one side and changed on the other/);
  });

  it('keeps both of two different searches saved under one name', () => {
    const withSearch = saveSearch(base, { name: 'logins', filter: 'old' }, 'x', at(0));
    const ours = saveSearch(withSearch, { name: 'logins', filter: 'mine' }, 'ana', at(1));
    const theirs = saveSearch(withSearch, { name: 'logins', filter: 'theirs' }, 'bo', at(2));
    const { merged, conflicts } = mergeCases(withSearch, ours, theirs);
    assert.deepEqual(merged.searches.map((s) => `${s.name}=${s.filter}`).sort(), [
      'logins (2)=mine',
      'logins=theirs',
    ]);
    assert.match(conflicts[0], /"logins" was also saved by bo .*kept as "logins \(2\)"/);
  });

  it('keeps a search one side deleted and the other changed, and one deleted on one side only', () => {
    const two = saveSearch(
      saveSearch(base, { name: 's1', filter: 'a' }, 'x', at(0)),
      { name: 's2', filter: 'b' },
      'x',
      at(0),
    );
    const ours = deleteSearch(deleteSearch(two, 's1'), 's2');
    const theirs = saveSearch(two, { name: 's1', filter: 'a2' }, 'bo', at(2));
    const { merged, conflicts } = mergeCases(two, ours, theirs);
    assert.deepEqual(
      merged.searches.map((s) => `${s.name}=${s.filter}`),
      ['s1=a2'],
    );
    assert.equal(conflicts.length, 1);
  });

  it('reads a scope whose keys are listed in another order as the same search', () => {
    const s = { name: 's', filter: 'f', scope: { source: 'a', prefix: 'p' }, by: 'x', at: 'y' };
    const reordered = { ...s, scope: { prefix: 'p', source: 'a' } };
    const c = (search: typeof s) => ({ annotations: [], searches: [search] });
    const ours = deleteSearch(c(s), 's');
    assert.deepEqual(mergeCases(c(s), ours, c(reordered)).merged.searches, []);
  });
});
