// Attribution (core/origin) against the generator's ground truth: every event of a bucket with
// credential chains (1–4 hops, across accounts, from IAM users, SAML, web identity, Identity
// Center, AWS services, with broken chains) gets the origin the generator says is true. Then the
// same on the real datasets where chains exist.
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventIndex } from '../../../src/core/index/eventIndex';
import { buildBatch } from '../../../src/core/ingest/batch';
import { matchesRecord } from '../../../src/core/query/match';
import { parseQuery } from '../../../src/core/query/parse';
import { loadEventFiles } from '../../../src/core/ingest/load';
import { InlineRunner, WorkerPool } from '../../../src/core/ingest/pool';
import {
  ISSUED_OUTSIDE,
  Origin,
  OriginColumn,
  describeOrigin,
  originJson,
  originMatchValues,
  resolveOrigins,
} from '../../../src/core/origin/resolve';
import { recordOriginSource } from '../../../src/core/origin/recordSource';
import {
  documentKeys,
  documentMaySayMore,
  originInDocument,
} from '../../../src/core/origin/documentOrigin';
import { IndexedRecord, indexRecords, parseRecord } from '../../../src/core/records/recordIndex';
import { discover } from '../../../src/core/sources/discover';
import { FolderSource } from '../../../src/core/sources/folder';
import { BucketTally, generateBucket } from '../../../src/core/synthetic/generator';
import { TrueOrigin, originKeyOf } from '../../../src/core/synthetic/generator/chains';
import { DATASETS_DIR, dataset, describeWithDatasets } from '../../support/datasets';
import { claimedKey, deepChain, randomChainGraph } from './chainGraphs';

/** The computed origin in the tally's terms. */
function asTruth(o: Origin): TrueOrigin {
  const { missing, ...rest } = originJson(o) as unknown as TrueOrigin & {
    missing?: { accessKeyId?: string };
  };
  return { ...rest, ...(missing?.accessKeyId ? { missingKey: missing.accessKeyId } : {}) };
}

/** Every row's origin from the index equals the one resolved from its parsed record. */
function assertSameOrigins(index: EventIndex, records: Record<string, unknown>[]): OriginColumn {
  const fromRecords = resolveOrigins(recordOriginSource(records));
  const fromIndex = index.origins();
  for (let row = 0; row < index.size; row++)
    assert.deepEqual(
      fromIndex.origins[fromIndex.ids[row]],
      fromRecords.origins[fromRecords.ids[row]],
      `row ${row}`,
    );
  return fromRecords;
}

async function indexFolder(
  dir: string,
  runner: WorkerPool | InlineRunner,
  only?: (key: string) => boolean,
): Promise<EventIndex> {
  const index = new EventIndex({ runner });
  const found = (await discover(new FolderSource(dir))).events.filter(
    (f) => !only || only(f.object.key),
  );
  await loadEventFiles(index, runner, found);
  return index;
}

/** An index of `records` as one file of JSON lines (no file behind it: never read again). */
function indexOfRecords(records: Record<string, unknown>[]): EventIndex {
  const index = new EventIndex({ runner: new InlineRunner() });
  const file = index.addFile(new FolderSource('/nonexistent'), 'f.json', 1, 'loose');
  index.appendBatch(
    file.id,
    buildBatch(
      records,
      records.map((_, i) => i),
      'lines',
    ),
    '0'.repeat(64),
  );
  return index;
}

describe('origin: attribution against the generator ground truth', function () {
  this.timeout(180_000);
  let dir: string;
  let pool: WorkerPool;
  let index: EventIndex;
  let tally: BucketTally;
  let records: Record<string, unknown>[];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ctl-origin-'));
    tally = await generateBucket({ events: 6000, out: dir, seed: 5, chains: true });
    pool = new WorkerPool(2);
    index = await indexFolder(dir, pool);
    const all = Uint32Array.from({ length: index.size }, (_, i) => i);
    records = (await index.rawRecords(all)).map((t) => JSON.parse(t) as Record<string, unknown>);
  });

  after(async () => {
    await pool.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('gives every event the origin the generator knows to be true', () => {
    const origins = index.origins();
    let checked = 0;
    for (let row = 0; row < index.size; row++) {
      const key = originKeyOf(records[row].userIdentity as Record<string, unknown>);
      assert.ok(key, `row ${row} has no origin key in the tally`);
      const expected = tally.origins![key];
      assert.ok(expected, `no true origin for ${key}`);
      assert.deepEqual(
        asTruth(origins.origins[origins.ids[row]]),
        expected,
        `row ${row} (${records[row].eventName} by ${key})`,
      );
      checked++;
    }
    assert.equal(checked, tally.events);
  });

  it('covers chains of 1–4 hops across accounts, every kind of origin, and broken chains', () => {
    const seen = index.origins().ids.reduce((s, id) => s.add(id), new Set<number>());
    const shown = [...seen].map((id) => index.origins().origins[id]);
    const hops = new Set(shown.filter((o) => o.complete).map((o) => o.hops.length));
    for (const n of [1, 2, 3, 4]) assert.ok(hops.has(n), `a complete chain of ${n} hops`);
    const types = new Set(shown.filter((o) => o.complete && o.hops.length > 0).map((o) => o.type));
    for (const t of ['IAMUser', 'SAMLUser', 'WebIdentityUser', 'IdentityCenterUser', 'AWSService'])
      assert.ok(types.has(t as Origin['type']), `a chain from ${t}`);
    // A name an outside provider chose (it may read like an IAM user's) is said with its issuer.
    for (const o of shown.filter((x) => x.complete && x.type === 'SAMLUser'))
      assert.equal(
        describeOrigin(o),
        `for ${o.name} (SAML user of ${o.issuer}${o.hops.length ? `, via ${o.hops.length} role hop${o.hops.length === 1 ? '' : 's'}` : ''})${o.sourceIdentity && o.sourceIdentity !== o.name ? `, source identity ${o.sourceIdentity}` : ''}`,
      );
    for (const o of shown.filter((x) => x.complete && x.type === 'WebIdentityUser'))
      assert.match(
        describeOrigin(o),
        new RegExp(`^for .+ \\(web identity user of [^,)]+(, via \\d+ role hops?)?\\)`),
      );
    const crossAccount = shown.some(
      (o) => new Set(o.hops.map((h) => h.arn.split(':')[4])).size >= 3,
    );
    assert.ok(crossAccount, 'a chain through three accounts');
    const broken = shown.filter((o) => !o.complete && o.missing?.accessKeyId && o.hops.length > 0);
    assert.ok(broken.length > 0, 'a chain broken after its first hop');
    for (const o of broken) {
      assert.equal(o.missing!.reason, ISSUED_OUTSIDE);
      assert.match(
        describeOrigin(o),
        new RegExp(`key ${o.missing!.accessKeyId} issued outside the loaded events`),
      );
    }
    assert.ok(
      shown.some((o) => o.sourceIdentity),
      'a source identity carried along',
    );
    assert.ok(
      shown.some((o) => o.hops.some((h) => h.eventName === 'AssumeRoot')),
      'an AssumeRoot session followed to its caller',
    );
  });

  it('reads the same origins from parsed records as from the index columns (fast scanner and general path)', () => {
    assertSameOrigins(index, records);
  });

  it('stops where an issuing event is not loaded, naming the key, never guessing', async () => {
    // Leave out the files holding the AssumeRole calls into ChainHop2 (and whatever else they hold).
    const issuedKey = new Map<string, string>();
    const issuedBy = new Map<string, string>();
    for (const r of records) {
      const key = (r.responseElements as { credentials?: { accessKeyId?: string } } | null)
        ?.credentials?.accessKeyId;
      if (key) issuedKey.set(r.eventID as string, key);
      issuedBy.set(r.eventID as string, r.eventName as string);
    }
    const hop2 = records.filter(
      (r) =>
        r.eventName === 'AssumeRole' &&
        JSON.stringify(r.requestParameters ?? {}).includes('role/ChainHop2'),
    );
    assert.ok(hop2.length > 0);
    const hop2Ids = new Set(hop2.map((r) => r.eventID as string));
    const skipFiles = new Set<string>();
    for (let row = 0; row < index.size; row++)
      if (hop2Ids.has(records[row].eventID as string))
        skipFiles.add(index.files[index.store.fileOf[row]].key);
    const partial = await indexFolder(dir, new InlineRunner(), (k) => !skipFiles.has(k));
    assert.ok(partial.size < index.size);
    const texts = await partial.rawRecords(Uint32Array.from({ length: partial.size }, (_, i) => i));
    const loaded = new Set(texts.map((t) => (JSON.parse(t) as { eventID: string }).eventID));
    let stoppedAtHop2 = 0;
    for (let row = 0; row < partial.size; row++) {
      const rec = JSON.parse(texts[row]) as Record<string, unknown>;
      const truth = tally.origins![originKeyOf(rec.userIdentity as Record<string, unknown>)!];
      const o = asTruth(partial.originOf(row));
      // The chain now stops after the last hop whose issuing event is gone.
      let cut = -1;
      truth.hops.forEach((h, i) => (loaded.has(h.eventID) ? undefined : (cut = i)));
      if (cut < 0) {
        assert.deepEqual(o, truth);
        continue;
      }
      if (
        ['GetSessionToken', 'GetFederationToken'].includes(issuedBy.get(truth.hops[cut].eventID)!)
      ) {
        // Issued to an IAM user's own session, which names the user (userIdentity, or the
        // federated user's sessionIssuer): the origin is still known, without that hop.
        assert.deepEqual(o, { ...truth, hops: truth.hops.slice(cut + 1) });
        continue;
      }
      assert.equal(o.complete, false);
      assert.equal(o.arn, truth.hops[cut].arn);
      assert.equal(o.missingKey, issuedKey.get(truth.hops[cut].eventID));
      assert.deepEqual(o.hops, truth.hops.slice(cut + 1));
      if (hop2Ids.has(truth.hops[cut].eventID)) stoppedAtHop2++;
    }
    assert.ok(stoppedAtHop2 > 0);
  });

  it('answers origin: from the index as the reference matcher does with the origin given', async () => {
    const origins = index.origins();
    for (const text of [
      'origin:chain-alice',
      'origin:bob*',
      'origin:*:user/chain-ci',
      'origin:lambda.amazonaws.com',
      'origin:erin AND eventName:AssumeRole',
      'NOT origin:* ',
      'origin:carl',
      'type:AssumedRole AND origin:*chain*',
    ]) {
      const node = parseQuery(text);
      const got = Array.from((await index.query(node)).rows).sort((a, b) => a - b);
      const expected: number[] = [];
      for (let row = 0; row < index.size; row++) {
        const context = { origin: originMatchValues(origins.origins[origins.ids[row]]) };
        if (matchesRecord(node, records[row], JSON.stringify(records[row]), context))
          expected.push(row);
      }
      assert.deepEqual(got, expected, text);
      if (!text.startsWith('NOT')) assert.ok(got.length > 0, `${text} finds events`);
    }
  });
});

describe('origin: callers without an access key, told apart by every field of their identity', () => {
  it('gives each the origin its parsed record gives, however little its identity differs', () => {
    const base = {
      eventVersion: '1.08',
      eventTime: '2024-05-14T10:00:00Z',
      eventSource: 'signin.amazonaws.com',
      eventName: 'ConsoleLogin',
      userIdentity: {
        type: 'IAMUser',
        arn: 'arn:aws:iam::111122223333:user/alice',
        accountId: '111122223333',
        principalId: 'AIDAEXAMPLEALICE',
        userName: 'alice',
      },
    };
    // Each record differs from the first in one field that attribution reads of such a caller.
    const variants: [string, unknown][] = [
      ['type', 'Root'],
      ['arn', 'arn:aws:iam::111122223333:user/bob'],
      ['accountId', '444455556666'],
      ['principalId', 'AIDAEXAMPLEBOB'],
      ['userName', 'bob'],
      ['invokedBy', 'cloudformation.amazonaws.com'],
      [
        'onBehalfOf',
        {
          userId: 'u-1',
          identityStoreArn: 'arn:aws:identitystore::111122223333:identitystore/d-1',
        },
      ],
      ['sessionContext', { sessionIssuer: { arn: 'arn:aws:iam::111122223333:role/r' } }],
    ];
    const records: Record<string, unknown>[] = [
      base,
      ...variants.map(([field, value]) => ({
        ...base,
        userIdentity: { ...base.userIdentity, [field]: value },
      })),
      { ...base, eventName: 'GetCallerIdentity', eventSource: 'sts.amazonaws.com' },
      { ...base, userIdentity: { type: 'AWSService', invokedBy: 'ec2.amazonaws.com' } },
      { ...base, userIdentity: { type: 'AWSService', invokedBy: 'lambda.amazonaws.com' } },
      // An empty access key is no key: these are told apart by their identity too.
      {
        ...base,
        userIdentity: { type: 'AWSService', invokedBy: 'sns.amazonaws.com', accessKeyId: '' },
      },
      {
        ...base,
        userIdentity: { type: 'AWSService', invokedBy: 'sqs.amazonaws.com', accessKeyId: '' },
      },
    ];
    const twice = [...records, ...records]; // the same callers again: the shortcut's memo is used
    const index = indexOfRecords(twice);
    const fromRecords = assertSameOrigins(index, twice);
    // The variants are not all one origin: the test tells callers apart.
    assert.ok(new Set(fromRecords.ids).size >= 6, `${new Set(fromRecords.ids).size} origins`);
  });
});

describe('origin: callers from another account and anonymous callers', () => {
  const s3 = (userIdentity: Record<string, unknown>) => ({
    eventVersion: '1.05',
    eventTime: '2018-11-28T23:03:12Z',
    eventSource: 's3.amazonaws.com',
    eventName: 'ListObjects',
    recipientAccountId: '653711331788',
    userIdentity,
  });
  const [anonymous, otherAccount] = ((c: OriginColumn) => Array.from(c.ids, (id) => c.origins[id]))(
    resolveOrigins(
      recordOriginSource([
        // As flaws2's logs hold an unauthenticated S3 listing.
        s3({ type: 'AWSAccount', principalId: '', accountId: 'ANONYMOUS_PRINCIPAL' }),
        s3({ type: 'AWSAccount', principalId: 'AIDAEXAMPLE', accountId: '111122223333' }),
      ]),
    ),
  );

  it('an anonymous request is nobody’s: no account, nothing left to follow', () => {
    assert.equal(anonymous.complete, true);
    assert.equal(anonymous.name, 'anonymous');
    assert.equal(describeOrigin(anonymous), 'for anonymous');
    assert.ok(originMatchValues(anonymous).includes('anonymous'));
  });

  it('a call from another account stops there, naming the account', () => {
    assert.equal(otherAccount.complete, false);
    assert.equal(otherAccount.name, 'account 111122223333');
    assert.equal(
      describeOrigin(otherAccount),
      'chain stops at account 111122223333: called from another account, which does not name its principal',
    );
  });

  it('a chain that ends in another account says which, and the hops it followed', () => {
    const session = 'arn:aws:sts::653711331788:assumed-role/Audit/s';
    const records = [
      // The AssumeRole as the role's account logs a call from another account.
      {
        ...s3({ type: 'AWSAccount', principalId: 'AIDAEXAMPLE', accountId: '111122223333' }),
        eventSource: 'sts.amazonaws.com',
        eventName: 'AssumeRole',
        responseElements: {
          credentials: { accessKeyId: 'ASIAAUDIT' },
          assumedRoleUser: { arn: session },
        },
      },
      s3({
        type: 'AssumedRole',
        arn: session,
        accountId: '653711331788',
        accessKeyId: 'ASIAAUDIT',
      }),
    ];
    const c = resolveOrigins(recordOriginSource(records));
    assert.equal(
      describeOrigin(c.origins[c.ids[1]]),
      'chain stops at account 111122223333 (via 1 role hop): called from another account, which does not name its principal',
    );
  });
});

describeWithDatasets('origin: real logs with credential chains', function () {
  it('pwnedlabs: the AdminRole session goes back to the IAM user temp-user in one hop', async () => {
    const index = await indexFolder(dataset('pwnedlabs-breach-in-the-cloud'), new InlineRunner());
    const rows = (
      await index.query(
        parseQuery('userIdentity.arn:"arn:aws:sts::107513503799:assumed-role/AdminRole/MySession"'),
      )
    ).rows;
    assert.ok(rows.length > 0);
    for (const row of rows) {
      const o = index.originOf(row);
      assert.equal(o.complete, true);
      assert.equal(o.type, 'IAMUser');
      assert.equal(o.arn, 'arn:aws:iam::107513503799:user/temp-user');
      assert.equal(o.hops.length, 1);
      assert.equal(index.summary(o.hops[0].row).eventName, 'AssumeRole');
      assert.equal(describeOrigin(o), 'for temp-user (via 1 role hop)');
    }
  });

  it('every dataset together: each issuance precedes its key’s use, and the time rule refuses no real chain', async () => {
    const runner = new InlineRunner();
    const index = new EventIndex({ runner });
    await loadEventFiles(index, runner, (await discover(new FolderSource(DATASETS_DIR))).events);
    // Reality first: how long after its issuing event each key was first used.
    const claims = new Map<string, number[]>();
    const firstUse = new Map<string, number>();
    const panther = (row: number) =>
      index.files[index.store.fileOf[row]].key.startsWith('panther-analysis/');
    const records = (
      await index.rawRecords(Uint32Array.from({ length: index.size }, (_, i) => i))
    ).map((t) => JSON.parse(t));
    records.forEach((r, row) => {
      const t = index.store.times[row];
      const issued = r.responseElements?.credentials?.accessKeyId;
      if (issued && !r.errorCode && !panther(row))
        claims.set(issued, [...(claims.get(issued) ?? []), t]);
      const key = r.userIdentity?.accessKeyId;
      if (key && !(t >= (firstUse.get(key) ?? Infinity))) firstUse.set(key, t);
    });
    const gaps = [...claims].flatMap(([key, times]) =>
      firstUse.has(key) ? times.map((t) => (firstUse.get(key)! - t) / 1000) : [],
    );
    // pwnedlabs, flaws2, Stratus: used 0 s (the same second) to 37 min after being issued.
    assert.deepEqual(
      gaps.sort((a, b) => a - b),
      [0, 0, 1, 1, 1, 1, 326, 2249],
    );
    // Then the resolver: every chain is followed as before the rule but one, whose "key" is
    // Panther's placeholder SAMPLE_ACCESS_KEY, shared by unrelated test records (sessions
    // leroy.jenkins, bobson.dugnutt, SampleSession…) weeks apart: not one session's key.
    const o = index.origins();
    const refused = new Set<string>();
    let followed = 0;
    for (let row = 0; row < index.size; row++) {
      const origin = o.origins[o.ids[row]];
      if (origin.hops.length) followed++;
      if (/dated after the key was first used/.test(origin.missing?.reason ?? ''))
        refused.add(`${origin.missing!.accessKeyId} ${index.summary(row).eventName}`);
    }
    assert.deepEqual([...refused], ['SAMPLE_ACCESS_KEY LeaveOrganization']);
    assert.equal(followed, 63 - 1);
  });

  it('flaws2: Lambda and ECS task sessions go back to the AWS service that assumed their role', async () => {
    const index = await indexFolder(dataset('flaws2-logs'), new InlineRunner());
    let followed = 0;
    for (let row = 0; row < index.size; row++) {
      const s = index.summary(row);
      if (!s.accessKeyId.startsWith('ASIA')) continue;
      const o = index.originOf(row);
      if (o.hops.length === 0) {
        assert.equal(
          o.complete,
          false,
          `${s.principalArn}: a temporary key with no issuing event is not complete`,
        );
        continue;
      }
      followed++;
      assert.equal(o.type, 'AWSService');
      assert.match(o.name, /^(lambda|ecs-tasks)\.amazonaws\.com$/);
    }
    assert.ok(followed > 0);
  });
});

describe('origin: from a document’s own events (the code lens)', function () {
  this.timeout(120_000);
  it('finds, for every record of one log document, the origin the generator knows, parsing only the chain', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ctl-origin-doc-'));
    try {
      const tally = await generateBucket({ events: 1500, out: dir, seed: 21, chains: true });
      const runner = new InlineRunner();
      const index = await indexFolder(dir, runner);
      const texts = await index.rawRecords(Uint32Array.from({ length: index.size }, (_, i) => i));
      const text = `{"Records":[\n${texts.join(',\n')}\n]}`;
      const { records } = indexRecords(text);
      const keys = documentKeys(text);
      assert.equal(records.length, tally.events);
      let parsed = 0;
      const parse = (r: IndexedRecord) => {
        parsed++;
        return parseRecord(text.slice(r.start, r.end), r);
      };
      let chains = 0;
      for (const r of records) {
        const rec = parseRecord(text.slice(r.start, r.end), r)!;
        const truth = tally.origins![originKeyOf(rec.userIdentity as Record<string, unknown>)!];
        const o = originInDocument(keys, records, r, parse)!;
        assert.deepEqual(asTruth(o), truth, `${rec.eventName} ${rec.eventID}`);
        if (truth.hops.length >= 2) chains++;
      }
      assert.ok(chains > 0);
      // Each lens parses its record and the issuing records it finds, not the document.
      assert.ok(parsed < records.length * 6, `${parsed} parses for ${records.length} records`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the lens says "for <origin> (via N role hops)" and where a chain stops', () => {
    const o = (hops: number, complete = true): Origin => ({
      arn: 'arn:aws:iam::111122223333:user/bob',
      type: 'IAMUser',
      name: 'bob',
      hops: Array.from({ length: hops }, (_, i) => ({
        eventID: `e${i}`,
        arn: `arn:aws:sts::111122223333:assumed-role/R${i}/s`,
        eventName: 'AssumeRole',
        row: i,
      })),
      complete,
      ...(complete ? {} : { missing: { reason: ISSUED_OUTSIDE, accessKeyId: 'ASIAEXAMPLE' } }),
    });
    assert.equal(describeOrigin(o(2)), 'for bob (via 2 role hops)');
    assert.equal(describeOrigin(o(1)), 'for bob (via 1 role hop)');
    assert.equal(
      describeOrigin({ ...o(1, false), name: 'R0/s' }),
      'chain stops at R0/s (via 1 role hop): key ASIAEXAMPLE issued outside the loaded events',
    );
  });
});

describe('origin: issuing events a planted record may add', () => {
  const ACCOUNT = '111122223333';
  const SESSION = `arn:aws:sts::${ACCOUNT}:assumed-role/Admin/ops`;
  const KEY = 'ASIAREALSESSIONKEY';
  const user = (name: string, principalId: string) => ({
    type: 'IAMUser',
    arn: `arn:aws:iam::${ACCOUNT}:user/${name}`,
    accountId: ACCOUNT,
    principalId,
    userName: name,
    accessKeyId: `AKIA${name.toUpperCase()}`,
  });
  const alice = user('alice', 'AIDAALICE');
  const mallory = user('mallory', 'AIDAMALLORY');
  const assumeRole = (
    eventID: string,
    userIdentity: Record<string, unknown>,
    issuedTo = SESSION,
  ): Record<string, unknown> => ({
    eventVersion: '1.08',
    eventTime: '2024-05-14T10:00:00Z',
    eventSource: 'sts.amazonaws.com',
    eventName: 'AssumeRole',
    eventID,
    recipientAccountId: ACCOUNT,
    userIdentity,
    responseElements: {
      credentials: { accessKeyId: KEY, sessionToken: 't', expiration: 'x' },
      assumedRoleUser: { arn: issuedTo, assumedRoleId: 'AROAADMIN:ops' },
    },
  });
  const use: Record<string, unknown> = {
    eventVersion: '1.08',
    eventTime: '2024-05-14T10:05:00Z',
    eventSource: 'iam.amazonaws.com',
    eventName: 'CreateAccessKey',
    eventID: 'use',
    recipientAccountId: ACCOUNT,
    userIdentity: {
      type: 'AssumedRole',
      arn: SESSION,
      accountId: ACCOUNT,
      principalId: 'AROAADMIN:ops',
      accessKeyId: KEY,
    },
  };
  const real = assumeRole('real', alice);

  /** The origin of `use` (last) from the records, the index and the code lens, which must agree. */
  function originOfUse(records: Record<string, unknown>[]): Origin {
    const all = [...records, use];
    const index = indexOfRecords(all);
    const c = assertSameOrigins(index, all);
    const o = c.origins[c.ids[all.length - 1]];
    const text = `{"Records":[\n${all.map((r) => JSON.stringify(r)).join(',\n')}\n]}`;
    const { records: indexed } = indexRecords(text);
    const lens = originInDocument(documentKeys(text), indexed, indexed[indexed.length - 1], (r) =>
      parseRecord(text.slice(r.start, r.end), r),
    );
    assert.deepEqual(originJson(lens!), originJson(o), 'the code lens agrees');
    return o;
  }

  it('follows the one event that issued the key', () => {
    const o = originOfUse([real]);
    assert.equal(describeOrigin(o), 'for alice (via 1 role hop)');
  });

  it('never picks between events that name different callers for one key, whatever their order', () => {
    const planted = assumeRole('planted', mallory);
    for (const records of [
      [real, planted],
      [planted, real],
    ]) {
      const o = originOfUse(records);
      assert.equal(o.complete, false, describeOrigin(o));
      assert.equal(o.hops.length, 0);
      assert.equal(o.arn, SESSION);
      assert.equal(o.missing?.accessKeyId, KEY);
      assert.match(o.missing!.reason, /different callers/);
      assert.match(o.missing!.reason, /real/);
      assert.match(o.missing!.reason, /planted/);
      assert.doesNotMatch(describeOrigin(o), /^for /);
      assert.ok(!originMatchValues(o).includes('mallory'));
      assert.ok(!originMatchValues(o).includes('alice'));
    }
  });

  it('takes the same issuance logged twice, or in the role’s account naming only the calling account', () => {
    const copy = assumeRole('copy-in-role-account', {
      type: 'AWSAccount',
      accountId: ACCOUNT,
      principalId: 'AIDAALICE',
    });
    for (const records of [[real, real], [copy, real], [real, copy], [copy]]) {
      const o = originOfUse(records);
      if (records.includes(real)) assert.equal(describeOrigin(o), 'for alice (via 1 role hop)');
      else assert.equal(o.type, 'AWSAccount');
    }
  });

  it('does not take a caller of the same account as the one an account-only copy names', () => {
    const copy = assumeRole('copy-in-role-account', {
      type: 'AWSAccount',
      accountId: ACCOUNT,
      principalId: 'AIDAALICE',
    });
    const planted = assumeRole('planted', mallory);
    for (const records of [
      [copy, planted],
      [planted, copy],
    ]) {
      const o = originOfUse(records);
      assert.equal(o.complete, false, describeOrigin(o));
      assert.match(o.missing!.reason, /different callers/);
    }
  });

  it('an issuing event that names another session (account, partition) did not issue this one’s key', () => {
    for (const elsewhere of [
      `arn:aws:sts::999999999999:assumed-role/Admin/ops`,
      `arn:aws-cn:sts::${ACCOUNT}:assumed-role/Admin/ops`,
      `arn:aws:sts::${ACCOUNT}:assumed-role/Other/ops`,
    ]) {
      const planted = assumeRole('planted', mallory, elsewhere);
      const alone = originOfUse([planted]);
      assert.equal(alone.complete, false, describeOrigin(alone));
      assert.equal(alone.hops.length, 0);
      assert.equal(alone.missing?.accessKeyId, KEY);
      assert.match(alone.missing!.reason, /planted/);
      assert.ok(!originMatchValues(alone).includes('mallory'));
      // Beside the real issuance it is no rival.
      for (const records of [
        [planted, real],
        [real, planted],
      ])
        assert.equal(describeOrigin(originOfUse(records)), 'for alice (via 1 role hop)');
    }
  });

  it('the code lens keeps a timeline’s refusal: the document alone may hold only the planted claim', () => {
    // The timeline loaded the real issuance, or the key's first use, from another file; the
    // document of the event the lens is over holds only the planted claim, and alone follows it.
    const planted = assumeRole('planted', mallory);
    const lateUse = { ...use, eventID: 'later-use', eventTime: '2024-05-14T12:00:00Z' };
    const latePlanted = { ...planted, eventTime: '2024-05-14T11:00:00Z' };
    for (const [loaded, document] of [
      [
        [real, planted, use],
        [planted, use],
      ],
      [
        [use, latePlanted, lateUse],
        [latePlanted, lateUse],
      ],
    ]) {
      const all = resolveOrigins(recordOriginSource(loaded));
      const timeline = all.origins[all.ids[2]];
      assert.equal(timeline.complete, false, describeOrigin(timeline));
      const text = `{"Records":[\n${document.map((r) => JSON.stringify(r)).join(',\n')}\n]}`;
      const { records: indexed } = indexRecords(text);
      const alone = originInDocument(documentKeys(text), indexed, indexed[1], (r) =>
        parseRecord(text.slice(r.start, r.end), r),
      )!;
      assert.equal(describeOrigin(alone), 'for mallory (via 1 role hop)');
      assert.equal(documentMaySayMore(timeline), false, describeOrigin(timeline));
    }
    // Where the timeline did not load the issuance, the document may say more.
    const outside = resolveOrigins(recordOriginSource([use]));
    assert.equal(documentMaySayMore(outside.origins[outside.ids[0]]), true);
    assert.equal(documentMaySayMore(undefined), true);
  });

  it('a claim by a call that does not issue the session’s kind of key, naming no session, is not followed', () => {
    // Without assumedRoleUser or federatedUser a claim names no session: the call it is still
    // says which kind of session it could have issued a key to.
    const unnamed = (eventID: string, eventName: string, caller = mallory) => ({
      ...assumeRole(eventID, caller),
      eventName,
      responseElements: { credentials: { accessKeyId: KEY } },
    });
    const originOf = (
      records: Record<string, unknown>[],
      userIdentity: Record<string, unknown>,
    ) => {
      const all = [...records, { ...use, userIdentity }];
      const c = resolveOrigins(recordOriginSource(all));
      return c.origins[c.ids[all.length - 1]];
    };
    const kinds: [Record<string, unknown>, string[], string][] = [
      // Alice's own session key (GetSessionToken, by her).
      [
        { ...alice, accessKeyId: KEY },
        ['AssumeRole', 'GetFederationToken', 'AssumeRoot'],
        'GetSessionToken',
      ],
      // A role session's key.
      [
        use.userIdentity as Record<string, unknown>,
        ['GetSessionToken', 'GetFederationToken', 'AssumeRoot'],
        'AssumeRole',
      ],
    ];
    for (const [session, others, issuing] of kinds) {
      for (const eventName of others) {
        const o = originOf([unnamed('planted', eventName)], session);
        assert.equal(o.complete, false, `${eventName}: ${describeOrigin(o)}`);
        assert.equal(o.hops.length, 0);
        assert.equal(o.missing?.accessKeyId, KEY);
        assert.match(o.missing!.reason, new RegExp(`planted \\(${eventName}\\)`));
        assert.ok(!originMatchValues(o).includes('mallory'), eventName);
      }
      // GetSessionToken issues the caller's own session a key.
      const followed = originOf([unnamed('issuing', issuing, alice)], session);
      assert.equal(
        describeOrigin(followed),
        `for alice (via 1 ${issuing === 'AssumeRole' ? 'role hop' : 'hop'})`,
      );
    }
  });

  it('a federated session’s key was issued by the principal its every event names as session issuer', () => {
    // GetFederationToken is called with an IAM user's (or root's) long-term key, and every event
    // of the federated session names that principal (sessionContext.sessionIssuer).
    const fed = `arn:aws:sts::${ACCOUNT}:federated-user/ops`;
    const getFederationToken = (eventID: string, caller: Record<string, unknown>) => ({
      ...assumeRole(eventID, caller),
      eventName: 'GetFederationToken',
      responseElements: {
        credentials: { accessKeyId: KEY },
        federatedUser: { arn: fed, federatedUserId: `${ACCOUNT}:ops` },
      },
    });
    const fedUse = {
      ...use,
      userIdentity: {
        type: 'FederatedUser',
        arn: fed,
        accountId: ACCOUNT,
        principalId: `${ACCOUNT}:ops`,
        accessKeyId: KEY,
        sessionContext: {
          sessionIssuer: { type: 'IAMUser', arn: alice.arn, userName: 'alice' },
        },
      },
    };
    const originOf = (records: Record<string, unknown>[]) => {
      const all = [...records, fedUse];
      const c = resolveOrigins(recordOriginSource(all));
      return c.origins[c.ids[all.length - 1]];
    };
    assert.equal(describeOrigin(originOf([])), 'for alice');
    assert.equal(
      describeOrigin(originOf([getFederationToken('real', alice)])),
      'for alice (via 1 hop)',
    );
    // A planted GetFederationToken by mallory, alone, contradicts what the session's events say.
    const o = originOf([getFederationToken('planted', mallory)]);
    assert.equal(o.complete, false, describeOrigin(o));
    assert.equal(o.hops.length, 0);
    assert.equal(o.missing?.accessKeyId, KEY);
    assert.match(o.missing!.reason, /planted/);
    assert.match(o.missing!.reason, /user\/alice/);
    assert.ok(!originMatchValues(o).includes('mallory'));
    // Beside the real one it is no rival.
    assert.equal(
      describeOrigin(
        originOf([getFederationToken('planted', mallory), getFederationToken('real', alice)]),
      ),
      'for alice (via 1 hop)',
    );
  });

  it('tells apart events signed with one federated key that name different session issuers', () => {
    // A planted event signed with the real session's key, naming mallory as its issuer and loaded
    // first, must not lend its answer to the real events, which name alice.
    const fed = `arn:aws:sts::${ACCOUNT}:federated-user/ops`;
    const fedUse = (eventID: string, issuer: Record<string, unknown>) => ({
      ...use,
      eventID,
      userIdentity: {
        type: 'FederatedUser',
        arn: fed,
        accountId: ACCOUNT,
        principalId: `${ACCOUNT}:ops`,
        accessKeyId: KEY,
        sessionContext: { sessionIssuer: { type: 'IAMUser', arn: issuer.arn } },
      },
    });
    const planted = {
      ...assumeRole('planted', mallory),
      eventName: 'GetFederationToken',
      responseElements: { credentials: { accessKeyId: KEY }, federatedUser: { arn: fed } },
    };
    const records = [planted, fedUse('planted-use', mallory), fedUse('real-use', alice)];
    const index = indexOfRecords(records);
    const c = assertSameOrigins(index, records);
    assert.equal(describeOrigin(c.origins[c.ids[1]]), 'for mallory (via 1 hop)');
    const real = c.origins[c.ids[2]];
    assert.equal(real.complete, false, describeOrigin(real));
    assert.match(real.missing!.reason, /user\/alice/);
  });

  describe('a key is used after it is issued', () => {
    const dated = (r: Record<string, unknown>, eventTime: unknown) => ({ ...r, eventTime });
    /** Another event signed with the session's key, at `eventTime`. */
    const usedAt = (eventID: string, eventTime: unknown) => ({ ...use, eventID, eventTime });

    it('does not follow a lone claim dated after the key’s first use, and says why', () => {
      // use: 10:05. A forged AssumeRole written an hour later, in a file no digest vouches for.
      const planted = dated(assumeRole('planted', mallory), '2024-05-14T11:00:00Z');
      const o = originOfUse([planted]);
      assert.equal(o.complete, false);
      assert.equal(o.hops.length, 0);
      assert.equal(o.arn, SESSION);
      assert.equal(o.missing?.accessKeyId, KEY);
      assert.equal(
        describeOrigin(o),
        `chain stops at Admin/ops: key ${KEY} claimed only by planted, dated after the key was first used (use at 2024-05-14T10:05:00Z): a key is not used before it is issued`,
      );
      assert.ok(!originMatchValues(o).includes('mallory'));
      assert.ok(!originMatchValues(o).includes(mallory.arn));
    });

    it('takes the first use as the earliest event signed with the key, wherever it is', () => {
      const claim = dated(real, '2024-05-14T10:00:00Z');
      // Before any of these the claim is followed; an earlier use than it, anywhere, refuses it.
      assert.equal(
        describeOrigin(originOfUse([usedAt('later', '2024-05-14T12:00:00Z'), claim])),
        'for alice (via 1 role hop)',
      );
      const o = originOfUse([
        usedAt('later', '2024-05-14T12:00:00Z'),
        claim,
        usedAt('earliest', '2024-05-14T09:00:00Z'),
      ]);
      assert.equal(o.complete, false);
      assert.match(o.missing!.reason, /first used \(earliest at 2024-05-14T09:00:00Z\)/);
    });

    it('allows five minutes of clock skew between hosts, to the second', () => {
      // use: 10:05:00.
      for (const [eventTime, followed] of [
        ['2024-05-14T10:05:00Z', true],
        ['2024-05-14T10:10:00Z', true],
        ['2024-05-14T10:10:00.500Z', false],
        ['2024-05-14T10:10:01Z', false],
      ] as const) {
        const o = originOfUse([dated(real, eventTime)]);
        assert.equal(o.complete, followed, `${eventTime}: ${describeOrigin(o)}`);
      }
    });

    it('takes an event without a readable time as evidence of nothing', () => {
      for (const none of [undefined, null, '', 'yesterday', 42, { t: 1 }]) {
        // A claim without a time is followed as before; a use without one is no first use.
        assert.equal(
          describeOrigin(originOfUse([dated(real, none)])),
          'for alice (via 1 role hop)',
          String(none),
        );
        const o = originOfUse([usedAt('untimed', none), dated(real, '2024-05-14T10:00:00Z')]);
        assert.equal(describeOrigin(o), 'for alice (via 1 role hop)', String(none));
      }
    });

    it('a late claim never makes another win: beside a rival it is compared as before', () => {
      // A real issuance and a forged one dated after the first use: they name different callers,
      // and none is followed (as without dates). Following the timely one would let a forger win:
      // a forged use dated before the real issuance, and a forged claim before that, would make
      // the real issuance the late one.
      const late = dated(assumeRole('planted', mallory), '2024-05-14T11:00:00Z');
      const early = dated(assumeRole('planted', mallory), '2024-05-14T07:59:00Z');
      for (const records of [
        [real, late],
        [late, real],
        [early, usedAt('forged-use', '2024-05-14T08:00:00Z'), real],
        [real, usedAt('forged-use', '2024-05-14T08:00:00Z'), early],
      ]) {
        const o = originOfUse(records);
        assert.equal(o.complete, false, describeOrigin(o));
        assert.match(o.missing!.reason, /different callers \(real, planted|planted, real\)/);
        assert.ok(!originMatchValues(o).includes('mallory'));
      }
      // The same issuance logged again, later (another account's copy, a file loaded twice).
      const copy = dated(
        assumeRole('copy-in-role-account', {
          type: 'AWSAccount',
          accountId: ACCOUNT,
          principalId: 'AIDAALICE',
        }),
        '2024-05-14T11:00:00Z',
      );
      assert.equal(describeOrigin(originOfUse([real, copy])), 'for alice (via 1 role hop)');
    });

    it('a forged use dated before a real issuance refuses it, naming the use (it never picks)', () => {
      const o = originOfUse([real, usedAt('forged-use', '2024-05-14T09:00:00Z')]);
      assert.equal(o.complete, false);
      assert.match(o.missing!.reason, /claimed only by real, dated after .*forged-use/);
    });

    it('refuses a late claim one hop up, and the sessions below stop there', () => {
      // alice's key: issued by a claim dated after alice's session was first used.
      const ALICE_SESSION = `arn:aws:sts::${ACCOUNT}:assumed-role/Alice/a`;
      const aliceSession = {
        type: 'AssumedRole',
        arn: ALICE_SESSION,
        accountId: ACCOUNT,
        principalId: 'AROAALICE:a',
        accessKeyId: 'ASIAALICESESSION',
      };
      const issueAlice = {
        ...assumeRole('issue-alice', mallory, ALICE_SESSION),
        eventTime: '2024-05-14T11:00:00Z',
        responseElements: {
          credentials: { accessKeyId: 'ASIAALICESESSION' },
          assumedRoleUser: { arn: ALICE_SESSION },
        },
      };
      const o = originOfUse([assumeRole('real', aliceSession), issueAlice]);
      assert.equal(o.complete, false);
      assert.deepEqual(
        o.hops.map((h) => h.eventID),
        ['real'],
      );
      assert.equal(o.missing?.accessKeyId, 'ASIAALICESESSION');
      assert.match(
        o.missing!.reason,
        /claimed only by issue-alice, dated after the key was first used \(real at 2024-05-14T10:00:00Z\)/,
      );
    });
  });

  it('follows none of a key claimed more often than one issuance is logged', () => {
    const o = originOfUse(Array.from({ length: 65 }, () => real));
    assert.equal(o.complete, false, describeOrigin(o));
    assert.match(o.missing!.reason, /claimed by 65 events/);
  });

  it('says where a chain loops and where it is too long to follow, telling the two apart', () => {
    const session = (accessKeyId: string) => ({ ...(use.userIdentity as object), accessKeyId });
    const chained = (from: string, to: string) => ({
      ...assumeRole(`issue-${to}`, session(from)),
      responseElements: {
        credentials: { accessKeyId: to },
        assumedRoleUser: { arn: SESSION },
      },
    });
    const loop = originOfUse([chained('ASIALOOP', KEY), chained(KEY, 'ASIALOOP')]);
    assert.equal(loop.complete, false);
    assert.match(loop.missing!.reason, /loop back on themselves/);
    // A session in the loop goes round it once and names its own key.
    assert.equal(loop.missing!.accessKeyId, KEY);
    assert.deepEqual(
      loop.hops.map((h) => h.eventID),
      [`issue-ASIALOOP`, `issue-${KEY}`],
    );
    // A session leading into it says so too, one hop more, naming the key where the loop closes.
    const into = originOfUse([
      chained('ASIALOOP', 'ASIAINTO'),
      chained('ASIAINTO', 'ASIALOOP'),
      chained('ASIAINTO', KEY),
    ]);
    assert.equal(into.missing!.reason, 'the credentials loop back on themselves (ASIAINTO)');
    assert.equal(into.missing!.accessKeyId, 'ASIAINTO');
    assert.deepEqual(
      into.hops.map((h) => h.eventID),
      ['issue-ASIALOOP', 'issue-ASIAINTO', `issue-${KEY}`],
    );
    const keys = Array.from({ length: 70 }, (_, i) => (i === 69 ? KEY : `ASIAHOP${i}`));
    const long = originOfUse([
      {
        ...assumeRole('first', alice),
        responseElements: {
          credentials: { accessKeyId: keys[0] },
          assumedRoleUser: { arn: SESSION },
        },
      },
      ...keys.slice(1).map((k, i) => chained(keys[i], k)),
    ]);
    assert.equal(long.complete, false);
    assert.equal(long.hops.length, 64);
    assert.doesNotMatch(long.missing!.reason, /loop/);
    assert.match(long.missing!.reason, /more than 64/);
    // Counted from the session itself: the 64 hops nearest it, stopping at the key above them.
    assert.equal(long.missing!.accessKeyId, keys[5]);
    assert.equal(long.hops[0].eventID, `issue-${keys[6]}`);
    assert.equal(long.hops[63].eventID, `issue-${KEY}`);
  });

  it('a code lens asking by eventID gets no origin when records sharing it have different ones', () => {
    // A planted file, loaded first, gives its own use of mallory's session the eventID of the
    // real use: both are shown (they differ), and the lens over the real record asks by eventID.
    const mallorySession = `arn:aws:sts::${ACCOUNT}:assumed-role/Admin/m`;
    const plantedIssue = {
      ...assumeRole('planted', mallory, mallorySession),
      responseElements: {
        credentials: { accessKeyId: 'ASIAMALLORY' },
        assumedRoleUser: { arn: mallorySession },
      },
    };
    const plantedUse = {
      ...use,
      userIdentity: {
        ...(use.userIdentity as object),
        arn: mallorySession,
        accessKeyId: 'ASIAMALLORY',
      },
    };
    const index = new EventIndex({ runner: new InlineRunner() });
    for (const [name, records] of [
      ['planted.json', [plantedIssue, plantedUse]],
      ['real.json', [real, use]],
      ['copy.json', [use]], // the same record again: one answer still
    ] as const) {
      const file = index.addFile(new FolderSource('/nonexistent'), name, 1, 'loose');
      index.appendBatch(
        file.id,
        buildBatch(
          records as unknown as Record<string, unknown>[],
          records.map((_, i) => i),
          'lines',
        ),
        '0'.repeat(64),
      );
    }
    assert.equal(describeOrigin(index.originOf(1)), 'for mallory (via 1 role hop)');
    assert.equal(describeOrigin(index.originOf(3)), 'for alice (via 1 role hop)');
    assert.equal(index.originOfEventId('use'), undefined);
    assert.equal(describeOrigin(index.originOfEventId('real')!), 'for alice');
    assert.equal(index.originOfEventId('absent'), undefined);
  });
});

describe('origin: chains a planted file makes deep, looped, or used by many callers', function () {
  this.timeout(120_000);
  const arnOf = (i: number) => `arn:aws:sts::111122223333:assumed-role/Hop/s${i}`;
  const keyOf = (i: number) => `ASIACHAIN${String(i).padStart(7, '0')}`;

  /** Every row's origin, and how many times resolution went from a session to its key's issuer. */
  function resolveCounting(records: Record<string, unknown>[]) {
    const stats = { hopSteps: -1, claimsRead: -1 };
    const column = resolveOrigins(recordOriginSource(records), { stats });
    const at = (row: number) => column.origins[column.ids[row]];
    return { at, ...stats };
  }

  it('walks each session to its key’s issuer once: 20,000 events cost 20,000 steps, not 20,000 × the chain’s length', () => {
    const rows = 20_000;
    for (const [shape, records] of [
      ['a chain of 20,000 sessions', deepChain({ sessions: rows })],
      ['a loop of 20,000 sessions', deepChain({ sessions: rows, loop: true })],
      ['20,000 callers over 60 chained sessions', deepChain({ sessions: 60, uses: rows })],
      [
        '20,000 callers over 60 sessions in a loop',
        deepChain({ sessions: 60, loop: true, uses: rows }),
      ],
      ['20,000 callers over 100 chained sessions', deepChain({ sessions: 100, uses: rows })],
    ] as const) {
      const { hopSteps } = resolveCounting([...records]);
      assert.ok(hopSteps >= 0, `${shape}: resolution says how many steps it took`);
      assert.ok(
        hopSteps <= records.length + 2 * 64,
        `${shape}: ${hopSteps} steps for ${records.length} events`,
      );
    }
  });

  it('reads the claims to have issued a key once for all the sessions no claim names', () => {
    const records = claimedKey({ claims: 64, uses: 20_000 });
    const { at, claimsRead } = resolveCounting(records);
    assert.ok(claimsRead >= 0, 'resolution says how many claims it read');
    assert.ok(claimsRead <= 4 * 64, `${claimsRead} claims read for 20,000 sessions`);
    for (const j of [0, 19_999]) {
      const o = at(64 + j);
      assert.equal(describeOrigin(o), 'for alice (via 1 role hop)');
      assert.equal(o.hops[0].arn, arnOf(j).replace('/s', '/c'));
    }
    // A claim that names a session still counts for that session only.
    const named = claimedKey({ claims: 2, uses: 3 });
    named[1] = {
      ...named[1],
      userIdentity: {
        ...(named[1].userIdentity as object),
        arn: 'arn:aws:iam::111122223333:user/mallory',
      },
      responseElements: {
        credentials: { accessKeyId: 'ASIACLAIMED' },
        assumedRoleUser: { arn: arnOf(1).replace('/s', '/c') },
      },
    };
    const n = resolveCounting(named);
    assert.equal(describeOrigin(n.at(2)), 'for alice (via 1 role hop)');
    assert.match(
      n.at(3).missing!.reason,
      /claimed by events naming different callers \(claim-0, claim-1\)/,
    );
    assert.equal(describeOrigin(n.at(4)), 'for alice (via 1 role hop)');
  });

  it('answers each of them as a walk from the event itself does', () => {
    const sixty = resolveCounting(deepChain({ sessions: 60, uses: 120 }));
    // Uses start after the 60 issuing events; use j is made by session j % 60.
    const deepest = sixty.at(60 + 59);
    assert.equal(
      describeOrigin(deepest),
      'for alice (via 60 role hops), source identity source-59',
    );
    assert.equal(deepest.hops[0].eventID, 'issue-0');
    assert.equal(deepest.sourceIdentity, 'source-59');
    assert.equal(
      describeOrigin(sixty.at(60 + 60)),
      'for alice (via 1 role hop), source identity source-60',
    );

    const loop = resolveCounting(deepChain({ sessions: 60, loop: true, uses: 120 }));
    for (const j of [0, 17, 59]) {
      const o = loop.at(60 + j);
      assert.equal(o.complete, false);
      assert.equal(o.missing!.reason, `the credentials loop back on themselves (${keyOf(j)})`);
      assert.equal(o.arn, arnOf(j));
      assert.equal(o.hops.length, 60);
      assert.equal(o.hops[59].eventID, `issue-${j}`);
    }

    const hundred = resolveCounting(deepChain({ sessions: 100, uses: 200 }));
    for (const [j, complete] of [
      [63, true],
      [64, false],
      [99, false],
    ] as const) {
      const o = hundred.at(100 + j);
      assert.equal(o.complete, complete, describeOrigin(o));
      assert.equal(o.hops.length, Math.min(j + 1, 64));
      assert.equal(o.hops[o.hops.length - 1].eventID, `issue-${j}`);
      if (!complete) {
        assert.equal(o.missing!.reason, 'not followed: the chain is more than 64 hops long');
        assert.equal(o.missing!.accessKeyId, keyOf(j - 64));
        assert.equal(o.arn, arnOf(j - 64));
      }
    }

    const bigLoop = resolveCounting(deepChain({ sessions: 500, loop: true }));
    const o = bigLoop.at(0);
    assert.equal(o.missing!.reason, 'not followed: the chain is more than 64 hops long');
    assert.equal(o.missing!.accessKeyId, keyOf(499 - 64));
  });

  it('gives every row of random graphs the origin a walk from it gives, loops, chains past 64 hops and rival claims included', () => {
    const tally = new Map<string, number>();
    for (let seed = 1; seed <= 120; seed++) {
      const src = recordOriginSource(randomChainGraph(seed));
      const memo = resolveOrigins(src);
      const walked = resolveOrigins(src, { direct: true });
      for (let row = 0; row < src.size; row++) {
        const o = memo.origins[memo.ids[row]];
        assert.deepEqual(o, walked.origins[walked.ids[row]], `seed ${seed}, row ${row}`);
        const kind = o.complete ? 'complete' : o.missing!.reason.replace(/ \(.*|,.*/, '');
        tally.set(kind, (tally.get(kind) ?? 0) + 1);
        if (o.hops.length === 64) tally.set(`64 hops, ${kind}`, 1);
      }
      // Equal origins share one entry, as before.
      assert.deepEqual(memo.ids, walked.ids, `seed ${seed}`);
      assert.equal(memo.origins.length, walked.origins.length, `seed ${seed}`);
    }
    for (const kind of [
      'complete',
      'the credentials loop back on themselves',
      'not followed: the chain is more than 64 hops long',
      'claimed by events naming different callers (e',
      ISSUED_OUTSIDE,
      '64 hops, complete',
      '64 hops, the credentials loop back on themselves',
      '64 hops, not followed: the chain is more than 64 hops long',
    ])
      assert.ok(tally.has(kind.replace(/ \(.*/, '')), `the graphs hold: ${kind}`);
    assert.ok([...tally.keys()].some((k) => k.startsWith('claimed only by')));
  });
});

describe('documentKeys (where a document writes each temporary key)', () => {
  it('finds every "ASIA…" string where it starts, once per pass, and no key inside a longer string or written with escapes', () => {
    const text =
      '{"Records":[{"a":"ASIAONE","b":["ASIATWO","ASIAONE"]},' +
      '{"c":"the key ASIAONE in a sentence","d":"ASIA\\u0054HREE","e":"ASIAFOUR"}]}';
    const { at } = documentKeys(text);
    assert.deepEqual([...at.keys()], ['ASIAONE', 'ASIATWO', 'ASIAFOUR']);
    assert.deepEqual(
      at.get('ASIAONE')!.map((o) => text.slice(o, o + 'ASIAONE'.length)),
      ['ASIAONE', 'ASIAONE'],
    );
    assert.equal(at.get('ASIAONE')!.length, 2);
    assert.equal(text.slice(at.get('ASIAFOUR')![0] - 1, at.get('ASIAFOUR')![0]), '"');
  });
});
