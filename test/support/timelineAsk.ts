// Asking a TimelineSession as the webview does: a request in an envelope, the reply validated
// under the protocol (a malformed reply fails the test).
import * as assert from 'node:assert/strict';
import type { TimelineSession } from '../../src/extension/timeline/timelineSession';
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
