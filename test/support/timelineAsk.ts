// Asking a TimelineSession as the webview does: a request in an envelope, the reply validated
// under the protocol (a malformed reply fails the test).
import * as assert from 'node:assert/strict';
import { EventIndex } from '../../src/core/index/eventIndex';
import { InlineRunner } from '../../src/core/ingest/pool';
import { FolderSource } from '../../src/core/sources/folder';
import { IndexTimelineData } from '../../src/extension/timeline/indexAdapter';
import { loadScope } from '../../src/extension/timeline/timelineLoader';
import { HostActions, TimelineSession } from '../../src/extension/timeline/timelineSession';
import { Envelope, ToWebview, validateToWebview } from '../../src/protocol';

export type Ask = <T extends ToWebview['type']>(
  body: object,
) => Promise<Extract<ToWebview, { type: T }>>;

/** `ask(body)` on the session whose posted messages land in `posted`. */
export function asker(session: () => TimelineSession, posted: Envelope[]): Ask {
  let nextId = 1;
  return async <T extends ToWebview['type']>(body: object) => {
    const id = nextId++;
    await session().receive({ id, body });
    const reply = posted.find((e) => e.replyTo === id);
    assert.ok(reply, `no reply to ${JSON.stringify(body)}`);
    const msg = validateToWebview(reply.body);
    assert.ok(msg, `malformed reply ${JSON.stringify(reply.body).slice(0, 300)}`);
    return msg as Extract<ToWebview, { type: T }>;
  };
}

/** Host actions that do nothing: a session in a test or a bench, with no VS Code around it. */
export const QUIET_HOST: HostActions = {
  openRaw() {},
  copyJson() {},
  export() {},
  cancelLoad() {},
  shown() {},
  invalidMessage() {},
};

/** A timeline session over a new index of the folder `dir`, loaded whole, posting into `posted`. */
export async function sessionOverFolder(
  dir: string,
  posted: Envelope[],
): Promise<{ index: EventIndex; session: TimelineSession }> {
  const index = new EventIndex({ runner: new InlineRunner() });
  const noop = () => undefined;
  const session = new TimelineSession(
    new IndexTimelineData(index),
    (e) => posted.push(e),
    QUIET_HOST,
    'test',
    null,
  );
  await loadScope(
    index,
    new InlineRunner(),
    [{ source: new FolderSource(dir) }],
    new AbortController().signal,
    noop,
  );
  return { index, session };
}
