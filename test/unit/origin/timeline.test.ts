// The origin in the timeline's detail pane: the chain hop by hop, each hop the id of the event
// that issued the credentials (the pane's link opens it), and the reply valid under the protocol.
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BucketTally, generateBucket } from '../../../src/core/synthetic/generator';
import { originKeyOf } from '../../../src/core/synthetic/generator/chains';
import type { TimelineSession } from '../../../src/extension/timeline/timelineSession';
import { Envelope, ToWebview, validateToWebview } from '../../../src/protocol';
import { asker, sessionOverFolder } from '../../support/timelineAsk';

describe('timeline detail pane: origin chain', function () {
  this.timeout(60_000);
  let dir: string;
  let tally: BucketTally;
  let session: TimelineSession;
  const posted: Envelope[] = [];
  const ask = asker(() => session, posted);

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ctl-origin-timeline-'));
    tally = await generateBucket({ events: 2000, out: dir, seed: 12, chains: true });
    ({ session } = await sessionOverFolder(dir, posted));
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  it('shows who is behind the event and links each hop to its issuing event', async () => {
    const q = await ask<'queryResult'>({
      type: 'query',
      filter: 'origin:chain-alice AND userIdentity.arn:*ChainHop4*',
      range: null,
      sort: 'asc',
      bins: 10,
      pageStart: 0,
      pageCount: 5,
    });
    assert.ok(q.rows.length > 0, 'events four hops from chain-alice');
    const d = await ask<'detailResult'>({ type: 'detail', id: q.rows[0].id });
    const rec = JSON.parse(d.json) as { userIdentity: Record<string, unknown> };
    const truth = tally.origins![originKeyOf(rec.userIdentity)!];
    assert.ok(d.origin);
    assert.equal(d.origin.summary, `for ${truth.name} (via 4 role hops)`);
    assert.deepEqual(
      d.origin.hops.map((h) => ({ eventID: h.eventID, arn: h.arn })),
      truth.hops,
    );
    for (const hop of d.origin.hops) {
      // The link: the hop's id opens the event that issued the credentials.
      const issuing = await ask<'detailResult'>({ type: 'detail', id: hop.id });
      const r = JSON.parse(issuing.json) as {
        eventID: string;
        eventName: string;
        responseElements: { assumedRoleUser: { arn: string } };
      };
      assert.equal(r.eventID, hop.eventID);
      assert.equal(r.eventName, 'AssumeRole');
      assert.equal(r.responseElements.assumedRoleUser.arn, hop.arn);
    }
  });

  it('says where a chain stops and which key was issued outside the loaded events', async () => {
    const q = await ask<'queryResult'>({
      type: 'query',
      filter: 'userIdentity.arn:*AfterGap*',
      range: null,
      sort: 'asc',
      bins: 10,
      pageStart: 0,
      pageCount: 5,
    });
    assert.ok(q.rows.length > 0);
    const d = await ask<'detailResult'>({ type: 'detail', id: q.rows[0].id });
    const rec = JSON.parse(d.json) as { userIdentity: Record<string, unknown> };
    const truth = tally.origins![originKeyOf(rec.userIdentity)!];
    assert.equal(truth.complete, false);
    assert.match(
      d.origin!.summary,
      new RegExp(
        `^chain stops at Withheld/gap(-2)? \\(via 1 role hop\\): key ${truth.missingKey} issued outside the loaded events, source identity carl`,
      ),
    );
    assert.equal(d.origin!.hops.length, 1);
  });
});

describe('timeline detail pane: a console session links to its ConsoleLogin', function () {
  this.timeout(60_000);
  let dir: string;
  const posted: Envelope[] = [];
  let session: TimelineSession;
  let nextId = 1;
  const bob = {
    type: 'IAMUser',
    principalId: 'AIDAEXAMPLEBOB',
    arn: 'arn:aws:iam::111122223333:user/bob',
    accountId: '111122223333',
    userName: 'bob',
  };
  const login = (id: string, time: string, failed = false) => ({
    eventVersion: '1.09',
    userIdentity: bob,
    eventTime: time,
    eventSource: 'signin.amazonaws.com',
    eventName: 'ConsoleLogin',
    awsRegion: 'us-east-1',
    sourceIPAddress: '203.0.113.9',
    userAgent: 'Mozilla/5.0',
    ...(failed ? { errorMessage: 'Failed authentication' } : {}),
    requestParameters: null,
    responseElements: { ConsoleLogin: failed ? 'Failure' : 'Success' },
    eventID: id,
    eventType: 'AwsConsoleSignIn',
    recipientAccountId: '111122223333',
  });
  const call = (id: string, time: string, created: string, who = bob) => ({
    eventVersion: '1.09',
    userIdentity: {
      ...who,
      accessKeyId: 'ASIAEXAMPLECONSOLE1',
      sessionContext: { attributes: { creationDate: created, mfaAuthenticated: 'true' } },
    },
    eventTime: time,
    eventSource: 'ec2.amazonaws.com',
    eventName: 'DescribeInstances',
    awsRegion: 'us-east-1',
    sourceIPAddress: '203.0.113.9',
    userAgent: 'AWS Internal',
    requestParameters: null,
    responseElements: null,
    eventID: id,
    eventType: 'AwsApiCall',
    recipientAccountId: '111122223333',
    sessionCredentialFromConsole: 'true',
  });
  const ask = async <T extends ToWebview['type']>(
    body: object,
  ): Promise<Extract<ToWebview, { type: T }>> => {
    const id = nextId++;
    await session.receive({ id, body });
    const msg = validateToWebview(posted.find((e) => e.replyTo === id)!.body);
    assert.ok(msg);
    return msg as Extract<ToWebview, { type: T }>;
  };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ctl-origin-console-'));
    const records = [
      login('login-early', '2024-05-14T07:00:00Z'),
      login('login-failed', '2024-05-14T09:59:40Z', true),
      login('login-ok', '2024-05-14T10:00:02Z'),
      call('call-1', '2024-05-14T10:05:00Z', '2024-05-14T10:00:00Z'),
      call('call-late', '2024-05-14T11:05:00Z', '2024-05-14T10:30:00Z'),
      call('call-alice', '2024-05-14T10:06:00Z', '2024-05-14T10:00:00Z', {
        ...bob,
        arn: 'arn:aws:iam::111122223333:user/alice',
        userName: 'alice',
      }),
    ];
    writeFileSync(join(dir, 'console.json'), JSON.stringify({ Records: records }));
    ({ session } = await sessionOverFolder(dir, posted));
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  const detailOf = async (eventID: string) => {
    const q = await ask<'queryResult'>({
      type: 'query',
      filter: `eventID:${eventID}`,
      range: null,
      sort: 'asc',
      bins: 10,
      pageStart: 0,
      pageCount: 5,
    });
    assert.equal(q.rows.length, 1);
    return ask<'detailResult'>({ type: 'detail', id: q.rows[0].id });
  };

  it('links the session to the successful ConsoleLogin of the same principal at its creationDate', async () => {
    const d = await detailOf('call-1');
    assert.equal(d.origin?.summary, 'for bob');
    const link = d.origin!.consoleLogin!;
    assert.equal(link.eventID, 'login-ok');
    const opened = await ask<'detailResult'>({ type: 'detail', id: link.id });
    assert.equal((JSON.parse(opened.json) as { eventID: string }).eventID, 'login-ok');
  });

  it('makes no link without a sign-in of that principal near the session’s creation', async () => {
    assert.equal((await detailOf('call-late')).origin!.consoleLogin, undefined);
    assert.equal((await detailOf('call-alice')).origin!.consoleLogin, undefined);
    assert.equal((await detailOf('login-ok')).origin!.consoleLogin, undefined);
  });
});
