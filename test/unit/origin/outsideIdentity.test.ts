// An identity from outside IAM (a SAML, web identity or Identity Center subject) is keyed under
// its kind and issuer: its provider chose the subject, which may be written like an IAM user's
// ARN, and it must never be counted, grouped or matched as that user.
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventIndex } from '../../../src/core/index/eventIndex';
import { loadEventFiles } from '../../../src/core/ingest/load';
import { InlineRunner } from '../../../src/core/ingest/pool';
import { ORIGIN_FIELD } from '../../../src/core/query/fields';
import { parseQuery } from '../../../src/core/query/parse';
import { discover } from '../../../src/core/sources/discover';
import { FolderSource } from '../../../src/core/sources/folder';

const ADMIN = 'arn:aws:iam::111122223333:user/admin';
const ISSUER = 'https://idp.attacker.example/saml';
const SESSION = 'arn:aws:sts::111122223333:assumed-role/Ops/admin';

const admin = {
  eventVersion: '1.09',
  userIdentity: {
    type: 'IAMUser',
    principalId: 'AIDAEXAMPLEADMIN',
    arn: ADMIN,
    accountId: '111122223333',
    userName: 'admin',
    accessKeyId: 'AKIAEXAMPLEADMIN0001',
  },
  eventTime: '2024-05-14T10:00:00Z',
  eventSource: 's3.amazonaws.com',
  eventName: 'ListBuckets',
  eventID: 'by-the-iam-user',
  recipientAccountId: '111122223333',
};
// A SAML provider asserts a subject written as the IAM user's ARN.
const samlLogin = {
  eventVersion: '1.09',
  userIdentity: {
    type: 'SAMLUser',
    principalId: `QUALIFIEREXAMPLE=:${ADMIN}`,
    userName: ADMIN,
    identityProvider: 'QUALIFIEREXAMPLE=',
  },
  eventTime: '2024-05-14T10:01:00Z',
  eventSource: 'sts.amazonaws.com',
  eventName: 'AssumeRoleWithSAML',
  requestParameters: {
    roleArn: 'arn:aws:iam::111122223333:role/Ops',
    principalArn: 'arn:aws:iam::111122223333:saml-provider/Corp',
  },
  responseElements: {
    subject: ADMIN,
    issuer: ISSUER,
    credentials: { accessKeyId: 'ASIAEXAMPLESAML00001' },
    assumedRoleUser: { arn: SESSION },
  },
  eventID: 'saml-login',
  recipientAccountId: '111122223333',
};
const bySession = {
  eventVersion: '1.09',
  userIdentity: {
    type: 'AssumedRole',
    principalId: 'AROAEXAMPLEOPS:admin',
    arn: SESSION,
    accountId: '111122223333',
    accessKeyId: 'ASIAEXAMPLESAML00001',
    sessionContext: {
      sessionIssuer: {
        type: 'Role',
        arn: 'arn:aws:iam::111122223333:role/Ops',
        userName: 'Ops',
      },
    },
  },
  eventTime: '2024-05-14T10:02:00Z',
  eventSource: 'iam.amazonaws.com',
  eventName: 'DeleteUser',
  eventID: 'by-the-saml-session',
  recipientAccountId: '111122223333',
};

describe('origin: identities from outside IAM', () => {
  let dir: string;
  let index: EventIndex;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ctl-outside-'));
    writeFileSync(
      join(dir, 'events.json'),
      JSON.stringify({ Records: [admin, samlLogin, bySession] }),
    );
    const runner = new InlineRunner();
    index = new EventIndex({ runner });
    await loadEventFiles(index, runner, (await discover(new FolderSource(dir))).events);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const ids = async (filter: string) =>
    Array.from((await index.query(parseQuery(filter), { order: 'asc' })).rows)
      .map((r) => index.summary(r).eventID)
      .sort();

  it('keys a SAML subject under its kind and issuer, whatever it is written like', () => {
    const row = index.order().find((r) => index.summary(r).eventID === 'by-the-saml-session')!;
    const o = index.originOf(row);
    assert.equal(o.type, 'SAMLUser');
    assert.equal(o.arn, `saml:${ISSUER}:${ADMIN}`);
    assert.equal(o.name, ADMIN);
  });

  it('origin: with the IAM user’s ARN finds the IAM user only, not a subject so named', async () => {
    assert.deepEqual(await ids(`origin:"${ADMIN}"`), ['by-the-iam-user']);
    // The sign-in and the session's call, by the subject's key.
    assert.deepEqual(await ids(`origin:"saml:${ISSUER}:${ADMIN}"`), [
      'by-the-saml-session',
      'saml-login',
    ]);
  });

  it('the Origin facet counts them apart, the subject labelled with its kind and issuer', async () => {
    const all = await index.query(parseQuery(''), { order: 'asc' });
    const facet = index.facet(all, ORIGIN_FIELD, 10);
    assert.deepEqual(
      facet.values.map((v) => [v.value, v.label, v.count]).sort(),
      [
        [ADMIN, 'admin', 1],
        [`saml:${ISSUER}:${ADMIN}`, `${ADMIN} (SAML user of ${ISSUER})`, 2],
      ].sort(),
    );
  });
});
