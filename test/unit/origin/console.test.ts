// A console session's sign-in (core/origin/console.ts): linked only when one successful
// ConsoleLogin of the principal lies near the session's creation.
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventIndex } from '../../../src/core/index/eventIndex';
import { loadEventFiles } from '../../../src/core/ingest/load';
import { InlineRunner } from '../../../src/core/ingest/pool';
import { ConsoleLogins } from '../../../src/core/origin/console';
import { discover } from '../../../src/core/sources/discover';
import { FolderSource } from '../../../src/core/sources/folder';

const bob = {
  type: 'IAMUser',
  principalId: 'AIDAEXAMPLEBOB',
  arn: 'arn:aws:iam::111122223333:user/bob',
  accountId: '111122223333',
  userName: 'bob',
};
const login = (eventID: string, eventTime: string, sourceIPAddress: string) => ({
  eventVersion: '1.09',
  userIdentity: bob,
  eventTime,
  eventSource: 'signin.amazonaws.com',
  eventName: 'ConsoleLogin',
  sourceIPAddress,
  responseElements: { ConsoleLogin: 'Success' },
  eventID,
  recipientAccountId: '111122223333',
});
const call = {
  eventVersion: '1.09',
  userIdentity: {
    ...bob,
    accessKeyId: 'ASIAEXAMPLECONSOLE1',
    sessionContext: { attributes: { creationDate: '2024-05-14T10:00:00Z' } },
  },
  eventTime: '2024-05-14T10:05:00Z',
  eventSource: 'ec2.amazonaws.com',
  eventName: 'DescribeInstances',
  eventID: 'call',
  sessionCredentialFromConsole: 'true',
};

/** The eventID of the sign-in linked to `call` (the last record) when `files` are loaded, or undefined. */
async function signInOf(files: Record<string, unknown>[][]): Promise<string | undefined> {
  const dir = mkdtempSync(join(tmpdir(), 'ctl-console-'));
  try {
    files.forEach((records, n) =>
      writeFileSync(join(dir, `f${n}.json`), JSON.stringify({ Records: records })),
    );
    const runner = new InlineRunner();
    const index = new EventIndex({ runner });
    await loadEventFiles(index, runner, (await discover(new FolderSource(dir))).events);
    const row = index.order().find((r) => index.summary(r).eventID === 'call')!;
    const found = new ConsoleLogins(index).rowFor(row, call);
    return found < 0 ? undefined : index.summary(found).eventID;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('origin: a console session’s sign-in', () => {
  const real = login('real', '2024-05-14T10:00:02Z', '203.0.113.9');

  it('links the one successful sign-in of the principal near the session’s creation', async () => {
    assert.equal(await signInOf([[real, call]]), 'real');
    assert.equal(
      await signInOf([[login('early', '2024-05-14T09:58:00Z', '203.0.113.9'), real, call]]),
      'real',
    );
  });

  it('links none when two sign-ins of the principal lie near it, whichever is nearer or first', async () => {
    // A planted sign-in from another address, dated nearer the session's creation or as near.
    for (const planted of [
      login('planted', '2024-05-14T10:00:00Z', '198.51.100.66'),
      login('planted', '2024-05-14T10:00:02Z', '198.51.100.66'),
    ]) {
      assert.equal(await signInOf([[planted], [real, call]]), undefined);
      assert.equal(await signInOf([[real], [planted, call]]), undefined);
    }
    // The same sign-in loaded twice is one.
    assert.equal(await signInOf([[real], [real, call]]), 'real');
  });
});
