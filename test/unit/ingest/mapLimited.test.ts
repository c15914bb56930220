import * as assert from 'node:assert/strict';
import { mapLimited } from '../../../src/core/mapLimited';

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('mapLimited', () => {
  it('keeps the input order with at most `limit` calls in flight', async () => {
    let inFlight = 0;
    let most = 0;
    const out = await mapLimited([5, 1, 4, 2, 3, 0], 2, async (n, i) => {
      most = Math.max(most, ++inFlight);
      for (let k = 0; k < n; k++) await tick();
      inFlight--;
      return `${i}:${n}`;
    });
    assert.deepEqual(out, ['0:5', '1:1', '2:4', '3:2', '4:3', '5:0']);
    assert.equal(most, 2);
  });

  it('maps items pushed to the array while it runs', async () => {
    const items = [1, 2];
    const seen: number[] = [];
    await mapLimited(items, 1, async (n) => {
      seen.push(n);
      if (n < 4) items.push(n + 2);
    });
    assert.deepEqual(seen, [1, 2, 3, 4, 5]);
  });

  it('pulls an async iterable one item at a time, waiting for items still to come', async () => {
    let pulling = 0;
    let overlapped = false;
    const source: AsyncIterable<number> = {
      [Symbol.asyncIterator]() {
        let n = 0;
        return {
          async next() {
            if (++pulling > 1) overlapped = true;
            await tick();
            pulling--;
            return n < 5 ? { done: false, value: n++ } : { done: true, value: undefined };
          },
        };
      },
    };
    const out = await mapLimited(source, 3, async (n) => n * 10);
    assert.deepEqual(out, [0, 10, 20, 30, 40]);
    assert.equal(overlapped, false);
  });

  it('takes no more items once stop() says so', async () => {
    const seen: number[] = [];
    await mapLimited([1, 2, 3, 4, 5], 1, async (n) => void seen.push(n), {
      stop: () => seen.length >= 2,
    });
    assert.deepEqual(seen, [1, 2]);
  });

  it('rejects with the first error and takes no more items after it', async () => {
    const seen: number[] = [];
    await assert.rejects(
      mapLimited([1, 2, 3, 4, 5], 1, async (n) => {
        seen.push(n);
        if (n === 2) throw new Error('two failed');
      }),
      /two failed/,
    );
    await tick();
    assert.deepEqual(seen, [1, 2]);
  });

  it('resolves at once on no items', async () => {
    assert.deepEqual(await mapLimited([], 4, async () => 1), []);
  });
});
