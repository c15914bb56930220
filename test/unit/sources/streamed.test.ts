// Documents held in memory (Athena and Lake results, Event history pages) are read again for
// their records after they were indexed: the worker pool takes the buffer of the bytes it is
// given, so a source must not hand out its own copy.
import * as assert from 'node:assert/strict';
import { EventIndex } from '../../../src/core/index/eventIndex';
import { loadEventFiles } from '../../../src/core/ingest/load';
import { WorkerPool } from '../../../src/core/ingest/pool';
import { discover } from '../../../src/core/sources/discover';
import { StreamedSource } from '../../../src/core/sources/streamed';

describe('StreamedSource', function () {
  this.timeout(30_000);

  it('a document indexed by a worker is read again for its records', async () => {
    const records = Array.from({ length: 100 }, (_, i) => ({
      eventVersion: '1.08',
      eventTime: '2024-05-14T10:00:00Z',
      eventName: `Event${i}`,
      eventSource: 's3.amazonaws.com',
      eventID: `e-${i}`,
    }));
    // Its own buffer (as TextEncoder gives the results' documents): the pool would transfer it.
    const bytes = new TextEncoder().encode(JSON.stringify({ Records: records }));
    const source = new StreamedSource(
      'results',
      (async function* () {
        yield { key: 'page-1.json', bytes };
      })(),
    );
    const pool = new WorkerPool(1);
    try {
      const index = new EventIndex({ runner: pool });
      await loadEventFiles(index, pool, (await discover(source)).events);
      assert.equal(index.size, 100);
      assert.equal(bytes.length > 0, true, 'the document is still whole');
      const texts = await Promise.race([
        index.rawRecords([0, 99]),
        new Promise<never>((_, reject) =>
          setTimeout(() => reject(new Error('the read never answered')), 10_000),
        ),
      ]);
      assert.match(texts[0], /"Event0"/);
      assert.match(texts[1], /"Event99"/);
    } finally {
      await pool.close();
    }
  });
});
