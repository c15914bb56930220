// A timeline limited to some events (an Athena query's matches inside whole downloaded files):
// every filter runs within them, and they are the timeline's total.
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventIndex } from '../../../src/core/index/eventIndex';
import { loadEventFiles } from '../../../src/core/ingest/load';
import { InlineRunner } from '../../../src/core/ingest/pool';
import { discover } from '../../../src/core/sources/discover';
import { FolderSource } from '../../../src/core/sources/folder';
import { onlyEvents } from '../../../src/core/sql/remote';
import { IndexTimelineData } from '../../../src/extension/timeline/indexAdapter';

describe('a timeline limited to matched events', () => {
  let dir: string;
  let index: EventIndex;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ctl-only-'));
    const records = ['a', 'b', 'c', 'd'].map((id, i) => ({ eventID: id, eventTime: `2024-05-14T10:0${i}:00Z`, eventName: i % 2 ? 'GetObject' : 'AssumeRole', eventSource: 'sts.amazonaws.com' }));
    writeFileSync(join(dir, 'records.json'), JSON.stringify({ Records: records }));
    index = new EventIndex({ runner: new InlineRunner() });
    await loadEventFiles(index, new InlineRunner(), (await discover(new FolderSource(dir))).events);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('shows only those events, under any filter, and counts them as the total', async () => {
    const data = new IndexTimelineData(index, onlyEvents(['a', 'b', 'c']));
    assert.equal((await data.query('', null, 'asc')).size, 3);
    assert.equal(data.total(), 3);
    assert.equal((await data.query('eventName:AssumeRole', null, 'asc')).size, 2);
    assert.equal((await data.query('eventName:GetObject', null, 'asc')).size, 1);
    const unlimited = new IndexTimelineData(index);
    assert.equal((await unlimited.query('', null, 'asc')).size, 4);
    assert.equal(unlimited.total(), 4);
    assert.equal((await new IndexTimelineData(index, onlyEvents([])).query('', null, 'asc')).size, 0);
  });
});
