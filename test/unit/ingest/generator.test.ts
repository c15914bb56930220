// The bucket generator other tests, the sample folder and the benchmarks rely on.
import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { parseCloudTrailKey } from '../../../src/core/sources/layout';
import { BucketTally, generateBucket } from '../../../src/core/synthetic/generator';

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name));
      else out.push(relative(dir, join(d, e.name)).split('\\').join('/'));
    }
  };
  walk(dir);
  return out.sort();
}

const sum = (m: Record<string, number>) => Object.values(m).reduce((a, b) => a + b, 0);

describe('the bucket generator', function () {
  this.timeout(60_000);
  let root: string;
  let a: BucketTally;
  let records: Record<string, any>[];

  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'ctl-gen-'));
    a = await generateBucket({ events: 5000, out: join(root, 'a'), seed: 9 });
    records = filesUnder(join(root, 'a')).flatMap(
      (k) => JSON.parse(gunzipSync(readFileSync(join(root, 'a', k))).toString()).Records,
    );
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it('writes exactly what its tally says', () => {
    const keys = filesUnder(join(root, 'a'));
    assert.deepEqual(keys, Object.keys(a.fileEvents).sort());
    assert.equal(keys.length, a.files);
    assert.equal(records.length, 5000);
    assert.equal(sum(a.fileEvents), a.events);
    const count = (f: (r: Record<string, any>) => boolean) => records.filter(f).length;
    for (const [name, n] of Object.entries(a.byEventName))
      assert.equal(
        count((r) => r.eventName === name),
        n,
        name,
      );
    for (const [acctRegion, n] of Object.entries(a.byAccountRegion))
      assert.equal(
        count((r) => `${r.recipientAccountId}/${r.awsRegion}` === acctRegion),
        n,
        acctRegion,
      );
    for (const [type, n] of Object.entries(a.byIdentityType))
      assert.equal(
        count((r) => r.userIdentity?.type === type),
        n,
        type,
      );
    assert.equal(
      count((r) => r.errorCode !== undefined),
      a.errors,
    );
    assert.equal(
      count((r) => r.eventCategory === 'Data'),
      a.dataEvents,
    );
    assert.equal(
      count((r) => r.eventName === 'ConsoleLogin' && r.responseElements.ConsoleLogin === 'Failure'),
      a.consoleLoginFailures,
    );
    const times = records.map((r) => r.eventTime).sort();
    assert.equal(times[0], a.firstEventTime);
    assert.equal(times[times.length - 1], a.lastEventTime);
  });

  it('uses the delivered layout, including an organization trail path', () => {
    const keys = Object.keys(a.fileEvents);
    for (const k of keys) {
      const info = parseCloudTrailKey(k);
      assert.ok(info && info.kind === 'log', k);
    }
    assert.ok(keys.some((k) => parseCloudTrailKey(k)!.organizationId === 'o-a1b2c3d4e5'));
    assert.ok(keys.some((k) => parseCloudTrailKey(k)!.organizationId === undefined));
    assert.ok(new Set(keys.map((k) => parseCloudTrailKey(k)!.region)).size >= 4);
  });

  it('has the variety an investigation needs', () => {
    for (const t of ['IAMUser', 'AssumedRole', 'Root', 'AWSService', 'FederatedUser'])
      assert.ok(a.byIdentityType[t] > 0, t);
    assert.ok(a.byErrorCode.AccessDenied > 50);
    assert.ok(
      a.byEventName.GetObject > 100 &&
        a.byEventName.ConsoleLogin > 0 &&
        a.byEventName.AssumeRole > 0,
    );
    // A role chain: a session whose role was assumed by another role's session.
    const issuers = new Set(
      records
        .filter((r) => r.userIdentity?.type === 'AssumedRole')
        .map((r) => r.userIdentity.sessionContext.sessionIssuer.userName),
    );
    assert.ok(issuers.has('DeployRole') && issuers.has('ArtifactPublisher'));
  });

  it('leaves records unsorted within files and files overlapping in time', () => {
    const key = Object.keys(a.fileEvents).find((k) => a.fileEvents[k] > 20)!;
    const t = JSON.parse(gunzipSync(readFileSync(join(root, 'a', key))).toString()).Records.map(
      (r: { eventTime: string }) => r.eventTime,
    );
    assert.notDeepEqual(t, [...t].sort());
  });

  it('is deterministic for a seed and differs between seeds', async () => {
    const again = await generateBucket({ events: 5000, out: join(root, 'b'), seed: 9 });
    assert.deepEqual(again, a);
    const key = Object.keys(a.fileEvents)[0];
    assert.deepEqual(readFileSync(join(root, 'b', key)), readFileSync(join(root, 'a', key)));
    const other = await generateBucket({ events: 5000, out: join(root, 'c'), seed: 10 });
    assert.notDeepEqual(other.byEventName, a.byEventName);
  });
});
