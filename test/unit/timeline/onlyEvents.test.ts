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
import { EventIdSet } from '../../../src/core/sql/remote';
import { IndexTimelineData } from '../../../src/extension/timeline/indexAdapter';
import { TimelineSession } from '../../../src/extension/timeline/timelineSession';
import { Envelope, validateToWebview } from '../../../src/protocol';

describe('a timeline limited to matched events', () => {
  let dir: string;
  let index: EventIndex;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ctl-only-'));
    const records = ['a', 'b', 'c', 'd'].map((id, i) => ({
      eventID: id,
      eventTime: `2024-05-14T10:0${i}:00Z`,
      eventName: i % 2 ? 'GetObject' : 'AssumeRole',
      eventSource: 'sts.amazonaws.com',
    }));
    writeFileSync(join(dir, 'records.json'), JSON.stringify({ Records: records }));
    index = new EventIndex({ runner: new InlineRunner() });
    await loadEventFiles(index, new InlineRunner(), (await discover(new FolderSource(dir))).events);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('shows only those events, under any filter, and counts them as the total', async () => {
    const data = new IndexTimelineData(index, new EventIdSet(['a', 'B', 'c']));
    assert.equal((await data.query('', null, 'asc')).size, 3);
    assert.equal(data.total(), 3);
    assert.equal((await data.query('eventName:AssumeRole', null, 'asc')).size, 2);
    assert.equal((await data.query('eventName:GetObject', null, 'asc')).size, 1);
    const unlimited = new IndexTimelineData(index);
    assert.equal((await unlimited.query('', null, 'asc')).size, 4);
    assert.equal(unlimited.total(), 4);
    assert.equal(
      (await new IndexTimelineData(index, new EventIdSet([])).query('', null, 'asc')).size,
      0,
    );
  });

  it('answers the view with the matched events as the total, also right after more files loaded', async () => {
    const data = new IndexTimelineData(index, new EventIdSet(['a', 'd']));
    const posted: Envelope[] = [];
    const noop = () => undefined;
    const session = new TimelineSession(
      data,
      (e) => posted.push(e),
      {
        openRaw: noop,
        copyJson: noop,
        export: noop,
        cancelLoad: noop,
        shown: noop,
        invalidMessage: noop,
      },
      'limited',
      null,
    );
    await session.receive({
      id: 1,
      body: {
        type: 'query',
        filter: '',
        range: null,
        sort: 'asc',
        bins: 10,
        pageStart: 0,
        pageCount: 10,
      },
    });
    const reply = validateToWebview(posted.find((e) => e.replyTo === 1)!.body);
    assert.ok(reply && reply.type === 'queryResult');
    assert.equal(reply.matches, 2);
    assert.equal(reply.total, 2);
  });
});
