// The index's time order as views see it while files load: rows arrive a file at a time, in
// whatever order the workers finish, and every query in between merges the new rows into the
// order kept so far. That order must always equal one full sort by (time, file id, element),
// with rows that have no time last, on every sort path: whole-second times within 136 years take
// the radix sort (one pass of 16 bits within 18 hours, two beyond), times further apart the
// packed numeric sort, and millisecond times the comparator.
import * as assert from 'node:assert/strict';
import { EventIndex } from '../../../src/core/index/eventIndex';
import { buildBatch } from '../../../src/core/ingest/batch';
import { InlineRunner } from '../../../src/core/ingest/pool';
import { FolderSource } from '../../../src/core/sources/folder';

/** A small deterministic generator, so a failure can be replayed. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function fullSort(index: EventIndex): number[] {
  const s = index.store;
  const key = (r: number) => (Number.isFinite(s.times[r]) ? s.times[r] : Infinity);
  return Array.from({ length: index.size }, (_, r) => r).sort(
    (a, b) => key(a) - key(b) || s.fileOf[a] - s.fileOf[b] || s.elementOf[a] - s.elementOf[b],
  );
}

function loadInPieces(
  wholeSeconds: boolean,
  seed: number,
  /** Seconds between the possible times (1: ties are common; years: times far apart). */
  step = 1,
): { index: EventIndex; checkpoints: number } {
  const next = random(seed);
  const index = new EventIndex({ runner: new InlineRunner() });
  const source = new FolderSource('/nonexistent');
  const files = Array.from({ length: 40 }, (_, i) =>
    index.addFile(source, `f${i}.json`, 1, 'loose'),
  );
  // Files finish out of order, as parallel workers do.
  const arrival = files.map((f) => f.id).sort(() => next() - 0.5);
  let checkpoints = 0;
  for (const id of arrival) {
    const n = 1 + Math.floor(next() * 30);
    const base = Date.parse('2024-05-14T00:00:00Z');
    const records = Array.from({ length: n }, () => {
      // Few distinct times, so ties between files and within a file are common.
      const ms =
        Math.floor(next() * 20) * step * 1000 + (wholeSeconds ? 0 : Math.floor(next() * 3));
      return next() < 0.05
        ? { eventName: 'NoTime' }
        : { eventName: 'E', eventTime: new Date(base + ms).toISOString() };
    });
    index.appendBatch(
      id,
      buildBatch(
        records,
        records.map((_, i) => i),
        'lines',
      ),
      '0'.repeat(64), // no file behind it: never read again
    );
    if (next() < 0.3) {
      checkpoints++;
      assert.deepEqual(Array.from(index.order()), fullSort(index), `after ${index.size} rows`);
    }
  }
  return { index, checkpoints };
}

describe('the time order while files load', () => {
  for (const wholeSeconds of [true, false]) {
    it(`merging new rows equals a full sort (${wholeSeconds ? 'whole-second' : 'millisecond'} times)`, () => {
      for (const seed of [1, 2, 3]) {
        const { index, checkpoints } = loadInPieces(wholeSeconds, seed);
        assert.ok(checkpoints > 3, `only ${checkpoints} intermediate orders were checked`);
        assert.ok(index.size > 100, `${index.size} rows`);
        assert.deepEqual(Array.from(index.order()), fullSort(index));
      }
    });
  }

  it("sorts times days apart (the radix sort's second pass)", () => {
    for (const seed of [6, 7]) {
      // 20 possible times 10,000 s apart: more than 16 bits of seconds.
      const { index } = loadInPieces(true, seed, 10_000);
      assert.ok(index.size > 100, `${index.size} rows`);
      assert.deepEqual(Array.from(index.order()), fullSort(index));
    }
  });

  it('sorts times centuries apart on the packed numeric path too', () => {
    // Seconds are counted from the earliest time, so 2024 to 2660 still leaves the row position
    // its bits (from 1970, times after 2038 left too few for 4 million rows).
    for (const seed of [4, 5]) {
      const { index } = loadInPieces(true, seed, 1_000_000_000);
      assert.ok(index.size > 100, `${index.size} rows`);
      assert.deepEqual(Array.from(index.order()), fullSort(index));
    }
  });
});
