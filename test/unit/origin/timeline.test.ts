// The origin in the timeline's detail pane: the chain hop by hop, each hop the id of the event
// that issued the credentials (the pane's link opens it), and the reply valid under the protocol.
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventIndex } from '../../../src/core/index/eventIndex';
import { InlineRunner } from '../../../src/core/ingest/pool';
import { FolderSource } from '../../../src/core/sources/folder';
import { BucketTally, generateBucket } from '../../../src/core/synthetic/generator';
import { originKeyOf } from '../../../src/core/synthetic/generator/chains';
import { IndexTimelineData } from '../../../src/extension/timeline/indexAdapter';
import { loadScope } from '../../../src/extension/timeline/timelineLoader';
import { TimelineSession } from '../../../src/extension/timeline/timelineSession';
import { Envelope, ToWebview, validateToWebview } from '../../../src/protocol';

describe('timeline detail pane: origin chain', function () {
  this.timeout(60_000);
  let dir: string;
  let tally: BucketTally;
  let index: EventIndex;
  let session: TimelineSession;
  const posted: Envelope[] = [];
  let nextId = 1;

  async function ask<T extends ToWebview['type']>(body: object): Promise<Extract<ToWebview, { type: T }>> {
    const id = nextId++;
    await session.receive({ id, body });
    const reply = posted.find((e) => e.replyTo === id);
    assert.ok(reply);
    const msg = validateToWebview(reply.body);
    assert.ok(msg, `malformed reply ${JSON.stringify(reply.body).slice(0, 300)}`);
    return msg as Extract<ToWebview, { type: T }>;
  }

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ctl-origin-timeline-'));
    tally = await generateBucket({ events: 2000, out: dir, seed: 12, chains: true });
    index = new EventIndex({ runner: new InlineRunner() });
    const noop = () => undefined;
    session = new TimelineSession(new IndexTimelineData(index), (e) => posted.push(e), { openRaw: noop, copyJson: noop, export: noop, cancelLoad: noop, shown: noop, invalidMessage: noop }, 'test', null);
    await loadScope(index, new InlineRunner(), [{ source: new FolderSource(dir) }], new AbortController().signal, noop);
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  it('shows who is behind the event and links each hop to its issuing event', async () => {
    const q = await ask<'queryResult'>({ type: 'query', filter: 'origin:chain-alice AND userIdentity.arn:*ChainHop4*', range: null, sort: 'asc', bins: 10, pageStart: 0, pageCount: 5 });
    assert.ok(q.rows.length > 0, 'events four hops from chain-alice');
    const d = await ask<'detailResult'>({ type: 'detail', id: q.rows[0].id });
    const rec = JSON.parse(d.json) as { userIdentity: Record<string, unknown> };
    const truth = tally.origins![originKeyOf(rec.userIdentity)!];
    assert.ok(d.origin);
    assert.equal(d.origin.summary, `for ${truth.name} (via 4 role hops)`);
    assert.deepEqual(d.origin.hops.map((h) => ({ eventID: h.eventID, arn: h.arn })), truth.hops);
    for (const hop of d.origin.hops) {
      // The link: the hop's id opens the event that issued the credentials.
      const issuing = await ask<'detailResult'>({ type: 'detail', id: hop.id });
      const r = JSON.parse(issuing.json) as { eventID: string; eventName: string; responseElements: { assumedRoleUser: { arn: string } } };
      assert.equal(r.eventID, hop.eventID);
      assert.equal(r.eventName, 'AssumeRole');
      assert.equal(r.responseElements.assumedRoleUser.arn, hop.arn);
    }
  });

  it('says where a chain stops and which key was issued outside the loaded events', async () => {
    const q = await ask<'queryResult'>({ type: 'query', filter: 'userIdentity.arn:*AfterGap*', range: null, sort: 'asc', bins: 10, pageStart: 0, pageCount: 5 });
    assert.ok(q.rows.length > 0);
    const d = await ask<'detailResult'>({ type: 'detail', id: q.rows[0].id });
    const rec = JSON.parse(d.json) as { userIdentity: Record<string, unknown> };
    const truth = tally.origins![originKeyOf(rec.userIdentity)!];
    assert.equal(truth.complete, false);
    assert.match(d.origin!.summary, new RegExp(`^chain stops at Withheld/gap(-2)? \\(via 1 role hop\\): key ${truth.missingKey} issued outside the loaded events, source identity carl`));
    assert.equal(d.origin!.hops.length, 1);
  });
});
