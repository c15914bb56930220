// The numbering of id tuples that attribution's shortcut uses (origin/indexSource.ts): equal
// tuples get one number, different ones different numbers, in the order first met, through the
// table's growth and its collisions.
import * as assert from 'node:assert/strict';
import { IdTuples } from '../../../src/core/origin/indexSource';

describe('origin: IdTuples', () => {
  it('numbers each distinct tuple once, in the order first met', () => {
    let s = 12345;
    const next = (n: number) => {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      return (s >>> 12) % n;
    };
    const rows = 40_000;
    // Three columns of few values each: many repeats and about 6,000 distinct tuples, so that the
    // table grows several times and probes pass other tuples.
    const columns = [30, 20, 10].map((n) => Uint32Array.from({ length: rows }, () => next(n)));
    const tuples = new IdTuples(columns);
    const reference = new Map<string, number>();
    for (let row = 0; row < rows; row++) {
      const text = columns.map((c) => c[row]).join(',');
      if (!reference.has(text)) reference.set(text, reference.size);
      assert.equal(tuples.numberOf(row), reference.get(text), `row ${row}`);
    }
    assert.ok(reference.size > 5000, `${reference.size} tuples`);
  });
});
