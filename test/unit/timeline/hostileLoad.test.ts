// The timeline's load (loadScope, as the panel runs it) on a hostile folder: what the listing
// leaves out is named like a file that failed, and the budget stops the load with a message the
// view shows.
import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventIndex } from '../../../src/core/index/eventIndex';
import { InlineRunner } from '../../../src/core/ingest/pool';
import { FolderSource } from '../../../src/core/sources/folder';
import { loadScope } from '../../../src/extension/timeline/timelineLoader';
import { LoadProgress, validateToWebview } from '../../../src/protocol';
import { makeFifo, POSIX } from '../../support/specialFiles';

const record = (i: number) => ({
  eventVersion: '1.08',
  eventTime: `2024-05-14T10:${String(i).padStart(2, '0')}:00Z`,
  eventSource: 's3.amazonaws.com',
  eventName: 'GetObject',
});
const log = (from: number, n: number) =>
  JSON.stringify({ Records: Array.from({ length: n }, (_, i) => record(from + i)) });

describe('the timeline load on a hostile folder', function () {
  this.timeout(30_000);
  let base: string;
  let dir: string;
  before(() => {
    base = mkdtempSync(join(tmpdir(), 'ctl-timeline-hostile-'));
    dir = join(base, 'case');
    mkdirSync(join(dir, 'AWSLogs'), { recursive: true });
    writeFileSync(join(dir, 'a.json'), log(0, 3));
    writeFileSync(join(dir, 'b.json'), log(10, 3));
    writeFileSync(join(base, 'outside.json'), log(20, 3));
    symlinkSync(join(base, 'outside.json'), join(dir, 'link.json'));
    if (POSIX) makeFifo(join(dir, 'fifo.json'));
  });
  after(() => rmSync(base, { recursive: true, force: true }));

  it('loads the logs, names the FIFO as a failure and the link out of the folder as a notice', async () => {
    const index = new EventIndex({ runner: new InlineRunner() });
    const outcome = await loadScope(
      index,
      new InlineRunner(),
      [{ source: new FolderSource(dir) }],
      new AbortController().signal,
      () => {},
    );
    assert.equal(index.size, 6);
    const link = index.problems.find((p) => p.key === 'link.json');
    assert.equal(link?.code, 'outside');
    assert.equal(link?.severity, 'warning');
    if (POSIX) {
      assert.equal(outcome.progress.failedFiles, 1);
      assert.match(
        outcome.progress.lastError ?? '',
        /fifo\.json: a named pipe \(FIFO\), not a regular file; skipped/,
      );
    }
  });

  it('stops at the budget, keeps what was read, and tells the view why and how to raise it', async () => {
    const index = new EventIndex({ runner: new InlineRunner() });
    const seen: LoadProgress[] = [];
    const outcome = await loadScope(
      index,
      new InlineRunner(),
      [{ source: new FolderSource(dir) }],
      new AbortController().signal,
      (p) => seen.push(p),
      new Set(),
      undefined,
      {
        limits: { maxRecords: 4 },
        raise: {
          records: 'raise the setting cloudtrailLens.load.maxRecords',
          bytes: 'raise the setting cloudtrailLens.load.maxTotalMB',
          memory: 'raise the setting cloudtrailLens.load.maxMemoryMB',
        },
      },
    );
    assert.equal(index.size, 4);
    assert.equal(outcome.stopped?.budget, 'records');
    assert.match(
      outcome.progress.stopped ?? '',
      /^loading stopped at .*b\.json: the budget of 4 records per load is used up; what was read before is kept \(raise the setting cloudtrailLens\.load\.maxRecords to load more\)$/,
    );
    // The progress message carrying it passes the protocol's validation.
    assert.ok(
      validateToWebview({
        type: 'progress',
        progress: outcome.progress,
        total: index.size,
        bounds: null,
        version: 1,
      }),
    );
  });
});
