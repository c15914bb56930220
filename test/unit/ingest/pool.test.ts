// The worker pool sends a worker the jobs given in one turn together (WorkerPool.send), and the
// files of one message share one dictionary (runJobs): each file's result must be what it is when
// indexed alone, and one failing job must not touch the others.
import * as assert from 'node:assert/strict';
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ColumnBatch } from '../../../src/core/ingest/batch';
import { IndexJob, IndexedText, runJob } from '../../../src/core/ingest/jobs';
import { WorkerPool } from '../../../src/core/ingest/pool';
import { generateBucket } from '../../../src/core/synthetic/generator';
import { logFilesUnder } from './logFiles';

/** A batch as the values of its rows (ids resolved), so that two dictionaries compare. */
function resolved(b: ColumnBatch): unknown {
  const value = (id: number) => (id >= 0xfffffffe ? `#${id}` : b.values[id]);
  return {
    count: b.count,
    times: [...b.times],
    elements: [...b.elements],
    scalars: b.scalars.map((ids) => [...ids].map(value)),
    resources: b.resources.map((ids) => [...ids].map(value)),
    resourceStart: [...b.resourceStart],
    eventIds: [...b.eventIds],
    irregular: [[...b.timeIrregular], [...b.resourceIrregular], [...b.rowIrregular]],
  };
}

describe('worker pool: several jobs in one message', function () {
  this.timeout(60_000);
  let dir: string;
  let files: string[];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ctl-pool-'));
    await generateBucket({ events: 600, out: dir, seed: 5, eventsPerFile: 50 });
    files = logFilesUnder(dir).slice(0, 6);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const jobOf = (file: string, extra: Partial<IndexJob> = {}): IndexJob => ({
    kind: 'index',
    bytes: readFileSync(file),
    maxUncompressedBytes: 1 << 28,
    ...extra,
  });

  it('jobs given in one turn share one dictionary, and each file reads as it does alone', async () => {
    const pool = new WorkerPool(1);
    try {
      const results = await Promise.all(files.slice(0, 4).map((f) => pool.run(jobOf(f))));
      const batches = results.map((r) => (r as IndexedText).batch);
      assert.ok(
        batches.every((b) => b.values === batches[0].values),
        'one values array for the files sent together',
      );
      files.slice(0, 4).forEach((f, k) => {
        const alone = runJob(jobOf(f)).result as IndexedText;
        assert.deepEqual(resolved(batches[k]), resolved(alone.batch), f);
        assert.deepEqual(results[k], { ...alone, batch: results[k].ok && batches[k] });
      });
      // A job given in a later turn goes in a message of its own.
      const later = (await pool.run(jobOf(files[4]))) as IndexedText;
      assert.notEqual(later.batch.values, batches[0].values);
    } finally {
      await pool.close();
    }
  });

  it('a job that fails fails alone: the others of its message have their results', async () => {
    const pool = new WorkerPool(1);
    try {
      const jobs = [
        pool.run(jobOf(files[0])),
        pool.run({ kind: 'index', maxUncompressedBytes: 1 << 20 } as IndexJob), // no bytes
        pool.run(jobOf(files[1], { bytes: Buffer.from('{"Records": [') })),
        pool.run(jobOf(files[1])),
      ];
      const [first, broken, bad, last] = await Promise.allSettled(jobs);
      assert.equal(first.status, 'fulfilled');
      assert.equal(broken.status, 'rejected');
      assert.match(String((broken as PromiseRejectedResult).reason), /without bytes/);
      assert.ok(bad.status === 'fulfilled' && !bad.value.ok, 'bad JSON is a failed result');
      assert.ok(last.status === 'fulfilled' && last.value.ok);
      assert.deepEqual(
        resolved((last.value as IndexedText).batch),
        resolved((runJob(jobOf(files[1])).result as IndexedText).batch),
      );
    } finally {
      await pool.close();
    }
  });
});
