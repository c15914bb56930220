import { shapeFiles } from '../../fixtures/shapes';
import * as assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import {
  CatalogNode,
  CloudTrailCatalog,
  DayNode,
  FileNode,
  LocationNode,
  digestScope,
  eventScope,
  isLooseCandidate,
} from '../../../src/core/sources/layoutTree';
import { SummaryCache } from '../../../src/core/sources/layoutSummary';
import { FolderSource } from '../../../src/core/sources/folder';
import { LogSource, SourceEntry } from '../../../src/core/sources/source';
import { dataset, describeWithDatasets } from '../../support/datasets';
import { MemorySource, digestKey, insightKey, logKey, tempTree } from './layoutFixtures';

const A = '111111111111';
const B = '222222222222';

function labels(nodes: CatalogNode[]): string[] {
  return nodes.map((n) => {
    switch (n.type) {
      case 'location':
        return `location ${n.root} [${n.trails.map((t) => `${t.name}@${t.homeRegion}`).join(',')}]`;
      case 'organization':
        return `org ${n.organizationId}`;
      case 'account':
        return `account ${n.accountId}`;
      case 'region':
        return `region ${n.region} ${n.kinds.join('+')}`;
      case 'day':
        return `day ${n.date} ${n.kinds.join('+')}`;
      case 'file':
        return `${n.fileKind} ${n.key.slice(n.key.lastIndexOf('/') + 1)}`;
      case 'loose':
        return `loose ${n.files.map((f) => f.key).join(',')}`;
      case 'loose-group':
        return `${n.level} ${n.level === 'account' ? n.accountId : n.level === 'region' ? n.region : n.date} (${n.files.length})`;
      case 'problem':
        return `problem ${n.message}`;
    }
  });
}

async function only<T extends CatalogNode['type']>(
  catalog: CloudTrailCatalog,
  parent: CatalogNode,
  type: T,
): Promise<Extract<CatalogNode, { type: T }>[]> {
  const kids = await catalog.children(parent);
  return kids.filter((k): k is Extract<CatalogNode, { type: T }> => k.type === type);
}

describe('CloudTrailCatalog', () => {
  const dirs: string[] = [];
  after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
  function tree(files: Record<string, string | number | Uint8Array>): FolderSource {
    const dir = tempTree(files);
    dirs.push(dir);
    return new FolderSource(dir);
  }

  describe('one account with logs, Insights and digests, plus loose files', () => {
    let catalog: CloudTrailCatalog;
    before(() => {
      catalog = new CloudTrailCatalog(
        tree({
          [logKey({
            account: A,
            region: 'us-east-1',
            date: '2024-05-14',
            time: '1005',
            id: 'aaa',
          })]: 100,
          [logKey({
            account: A,
            region: 'us-east-1',
            date: '2024-05-14',
            time: '1010',
            id: 'bbb',
          })]: 200,
          [logKey({
            account: A,
            region: 'us-east-1',
            date: '2024-05-15',
            time: '0000',
            id: 'ccc',
          })]: 300,
          [logKey({
            account: A,
            region: 'eu-west-1',
            date: '2024-04-30',
            time: '2355',
            id: 'ddd',
          })]: 50,
          [insightKey({
            account: A,
            region: 'us-east-1',
            date: '2024-05-14',
            time: '1100',
            id: 'iii',
          })]: 10,
          [digestKey({
            account: A,
            region: 'us-east-1',
            date: '2024-05-14',
            time: '1100',
            trail: 'management',
            home: 'us-east-1',
          })]: 20,
          [digestKey({
            account: A,
            region: 'eu-west-1',
            date: '2024-04-30',
            time: '2300',
            trail: 'management',
            home: 'us-east-1',
          })]: 20,
          [`AWSLogs/${A}/CloudTrail/us-east-1/2024/05/14/notes.txt`]: 'not a log',
          'incident.json': '{"Records":[]}',
          'exports/batch.jsonl': '{}',
          'exports/batch2.json.gz': 3,
          'README.md': 'not json',
          'node_modules/pkg/package.json': '{}',
          '.git/config.json': '{}',
        }),
      );
    });

    it('shows one location named by its trail, then the loose files', async () => {
      const roots = await catalog.roots();
      assert.deepEqual(labels(roots), [
        'location AWSLogs/ [management@us-east-1]',
        'loose exports/batch.jsonl,exports/batch2.json.gz,incident.json',
      ]);
    });

    it('lists accounts → regions (all kinds merged) → days (oldest first) → files by kind', async () => {
      const [location] = (await catalog.roots()) as LocationNode[];
      const [account] = await only(catalog, location, 'account');
      assert.equal(account.accountId, A);
      const regions = await catalog.children(account);
      assert.deepEqual(labels(regions), [
        'region eu-west-1 log+digest',
        'region us-east-1 log+insight+digest',
      ]);
      const days = await catalog.children(regions[1]);
      assert.deepEqual(labels(days), ['day 2024-05-14 log+insight+digest', 'day 2024-05-15 log']);
      const files = await catalog.children(days[0]);
      assert.deepEqual(labels(files), [
        `log ${A}_CloudTrail_us-east-1_20240514T1005Z_aaa.json.gz`,
        `log ${A}_CloudTrail_us-east-1_20240514T1010Z_bbb.json.gz`,
        'other notes.txt',
        `insight ${A}_CloudTrail-Insight_us-east-1_20240514T1100Z_iii.json.gz`,
        `digest ${A}_CloudTrail-Digest_us-east-1_management_us-east-1_20240514T110000Z.json.gz`,
      ]);
      assert.equal((files[0] as FileNode).size, 100);
      assert.equal((files[0] as FileNode).info?.deliveryTime, '2024-05-14T10:05:00Z');
    });

    it('gives the timeline only log prefixes, and digest validation only digest prefixes', async () => {
      const [location] = (await catalog.roots()) as LocationNode[];
      const [account] = await only(catalog, location, 'account');
      const [euWest, usEast] = await only(catalog, account, 'region');
      const [day] = (await catalog.children(usEast)) as DayNode[];
      assert.deepEqual(eventScope(day), {
        prefix: `AWSLogs/${A}/CloudTrail/us-east-1/2024/05/14/`,
      });
      assert.deepEqual(digestScope(day), {
        prefix: `AWSLogs/${A}/CloudTrail-Digest/us-east-1/2024/05/14/`,
      });
      assert.deepEqual(eventScope(account), { prefix: `AWSLogs/${A}/CloudTrail/` });
      assert.deepEqual(digestScope(euWest), {
        prefix: `AWSLogs/${A}/CloudTrail-Digest/eu-west-1/`,
      });
      const files = (await catalog.children(day)) as FileNode[];
      assert.equal(eventScope(files.find((f) => f.fileKind === 'digest')!), undefined);
      assert.deepEqual(eventScope(files[0]), { keys: [files[0].key] });
    });

    it('counts files and bytes of a node and of every node below it in one scan', async () => {
      const summaries = new SummaryCache();
      const [location] = (await catalog.roots()) as LocationNode[];
      const total = await summaries.scan(catalog.source, location);
      assert.equal(total.files, 8);
      assert.equal(total.bytes, 100 + 200 + 300 + 50 + 10 + 20 + 20 + 'not a log'.length);
      assert.deepEqual(total.byKind, { log: 4, insight: 1, digest: 2, other: 1 });
      assert.equal(total.firstDelivery, '2024-04-30T23:00:00Z');
      assert.equal(total.lastDelivery, '2024-05-15T00:00:00Z');
      const [account] = await only(catalog, location, 'account');
      const [, usEast] = await only(catalog, account, 'region');
      const days = (await catalog.children(usEast)) as DayNode[];
      // notes.txt lies in one of its day folders (listed there as another file).
      assert.deepEqual(summaries.get(usEast.id), {
        files: 6,
        bytes: 630 + 'not a log'.length,
        byKind: { log: 3, insight: 1, digest: 1, other: 1 },
        firstDelivery: '2024-05-14T10:05:00Z',
        lastDelivery: '2024-05-15T00:00:00Z',
      });
      assert.equal(summaries.get(days[1].id)?.files, 1);
      assert.equal(summaries.get(days[1].id)?.bytes, 300);
    });
  });

  it("gives each node below a scanned one the figures its own scan gives: a file named for another account, one CloudTrail did not name, one in a day's sub-folder", async () => {
    const day = `AWSLogs/o-abc123def4/${A}/CloudTrail/us-west-2/2024/05/14/`;
    const source = tree({
      [logKey({
        org: 'o-abc123def4',
        account: A,
        region: 'us-west-2',
        date: '2024-05-14',
        time: '1005',
        id: 'aaa',
      })]: 100,
      // Named for account B, region eu-central-1 and the day before, in account A's folder.
      [`${day}${B}_CloudTrail_eu-central-1_20240513T1005Z_bbb.json.gz`]: 200,
      [`${day}planted.json.gz`]: 30,
      [`${day}sub/${A}_CloudTrail_us-west-2_20240514T1010Z_ccc.json.gz`]: 40,
    });
    const catalog = new CloudTrailCatalog(source);
    const [location] = await catalog.roots();
    const [org] = await catalog.children(location);
    const [account] = await catalog.children(org);
    const [region] = await catalog.children(account);
    const [dayNode] = await catalog.children(region);
    const fromLocation = new SummaryCache();
    await fromLocation.scan(source, location);
    for (const node of [org, account, region, dayNode]) {
      const own = await new SummaryCache().scan(source, node);
      assert.deepEqual(fromLocation.get(node.id), own, node.id);
    }
    assert.equal(fromLocation.get(account.id)?.files, 4);
    assert.equal(
      fromLocation.get(`A:AWSLogs/o-abc123def4/${B}/`),
      undefined,
      'no figures for an account with no folder',
    );
  });

  it('says why a file of a day folder is not one CloudTrail delivered there: a name for another account, region or day, or not compressed', async () => {
    const day = `AWSLogs/${A}/CloudTrail/us-west-2/2024/05/14/`;
    const catalog = new CloudTrailCatalog(
      tree({
        [`${day}${A}_CloudTrail_us-west-2_20240514T1005Z_aaa.json.gz`]: 1,
        [`${day}${B}_CloudTrail_us-west-2_20240514T1005Z_bbb.json.gz`]: 1,
        [`${day}${A}_CloudTrail_eu-central-1_20240514T1005Z_ccc.json.gz`]: 1,
        [`${day}${A}_CloudTrail_us-west-2_20240513T1005Z_ddd.json.gz`]: 1,
        [`${day}${A}_CloudTrail_us-west-2_20240514T1005Z_eee.json`]: 1,
      }),
    );
    const [location] = await catalog.roots();
    const [account] = await catalog.children(location);
    const [region] = await catalog.children(account);
    const [dayNode] = await catalog.children(region);
    const files = (await catalog.children(dayNode)) as FileNode[];
    assert.deepEqual(files.map((f) => [f.key.slice(-11), f.fileKind, f.misplaced]).sort(), [
      ['5Z_eee.json', 'log', 'it is not gzip-compressed (.json, not .json.gz)'],
      ['aaa.json.gz', 'log', undefined],
      ['bbb.json.gz', 'log', `its name is for account ${B}`],
      ['ccc.json.gz', 'log', 'its name is for region eu-central-1'],
      ['ddd.json.gz', 'log', 'its name says it was delivered on 2024-05-13'],
    ]);
  });

  it('lists what lies in a region outside its day folders, saying why: a timeline over the region reads it', async () => {
    const region = `AWSLogs/${A}/CloudTrail/us-west-2/`;
    const day = `${region}2024/05/14/`;
    const log = `${A}_CloudTrail_us-west-2_20240514T1005Z_aaa.json.gz`;
    const catalog = new CloudTrailCatalog(
      tree({
        [`${day}${log}`]: 1,
        [`${region}2024/${A}_CloudTrail_us-west-2_20240514T1010Z_bbb.json.gz`]: 1,
        [`${region}planted.json`]: 1,
        [`${region}.DS_Store`]: 1,
        [`${region}2024/extra/c.json`]: 1,
        [`${day}sub/d.json.gz`]: 1,
      }),
    );
    const [location] = await catalog.roots();
    const [account] = await catalog.children(location);
    const [regionNode] = await catalog.children(account);
    const kids = await catalog.children(regionNode);
    assert.deepEqual(
      kids.map((k) =>
        k.type === 'file'
          ? `${k.fileKind} ${k.key.slice(region.length)}: ${k.misplaced}`
          : labels([k])[0],
      ),
      [
        'day 2024-05-14 log',
        `log 2024/${A}_CloudTrail_us-west-2_20240514T1010Z_bbb.json.gz: it is not in a day folder (CloudTrail writes files only in us-west-2/YYYY/MM/DD/)`,
        'problem extra/: a folder, which CloudTrail does not make here (it writes only in us-west-2/YYYY/MM/DD/); a timeline over the folder above reads what it holds',
        'other planted.json: it is not in a day folder (CloudTrail writes files only in us-west-2/YYYY/MM/DD/)',
      ],
    );
    const dayKids = await catalog.children(kids[0]);
    assert.deepEqual(labels(dayKids), [
      `log ${log}`,
      'problem sub/: a sub-folder of the day folder, which CloudTrail does not make here (it writes only in us-west-2/YYYY/MM/DD/); a timeline over the folder above reads what it holds',
    ]);
    assert.ok(
      kids.concat(dayKids).every((k) => k.type !== 'problem' || k.outOfPlace),
      'said as out of place, not as a listing error',
    );
  });

  it('names trails per location: a prefix, an organization trail, and two trails in one bucket', async () => {
    const catalog = new CloudTrailCatalog(
      tree({
        [logKey({
          prefix: 'org',
          org: 'o-abc123def4',
          account: A,
          region: 'us-east-1',
          date: '2025-03-06',
          time: '0230',
          id: 'x1',
        })]: 1,
        [logKey({
          prefix: 'org',
          org: 'o-abc123def4',
          account: B,
          region: 'us-east-1',
          date: '2025-03-06',
          time: '0230',
          id: 'x2',
        })]: 1,
        [digestKey({
          prefix: 'org',
          org: 'o-abc123def4',
          account: B,
          region: 'us-east-1',
          date: '2025-03-06',
          time: '0300',
          trail: 'org-trail',
          home: 'us-east-1',
        })]: 1,
        [logKey({
          prefix: 'teams/alpha',
          account: A,
          region: 'eu-west-1',
          date: '2025-03-06',
          time: '0100',
          id: 'y1',
        })]: 1,
        [digestKey({
          prefix: 'teams/alpha',
          account: A,
          region: 'eu-west-1',
          date: '2025-03-05',
          time: '0100',
          trail: 'alpha-old',
          home: 'eu-west-1',
        })]: 1,
        [digestKey({
          prefix: 'teams/alpha',
          account: A,
          region: 'eu-west-1',
          date: '2025-03-06',
          time: '0100',
          trail: 'alpha',
          home: 'eu-west-1',
        })]: 1,
        [digestKey({
          prefix: 'teams/alpha',
          account: A,
          region: 'eu-west-1',
          date: '2025-03-06',
          time: '0200',
          trail: 'audit',
          home: 'us-west-2',
        })]: 1,
        [logKey({
          prefix: 'teams/beta',
          account: B,
          region: 'us-west-2',
          date: '2025-03-06',
          time: '0100',
          id: 'z1',
        })]: 1,
      }),
    );
    const roots = await catalog.roots();
    // The newest day of digests names the trails (an old trail name from an earlier day is not read).
    assert.deepEqual(labels(roots), [
      'location org/AWSLogs/ [org-trail@us-east-1]',
      'location teams/alpha/AWSLogs/ [alpha@eu-west-1,audit@us-west-2]',
      'location teams/beta/AWSLogs/ []',
    ]);
    const orgs = await catalog.children(roots[0]);
    assert.deepEqual(labels(orgs), ['org o-abc123def4']);
    const accounts = await catalog.children(orgs[0]);
    assert.deepEqual(labels(accounts), [`account ${A}`, `account ${B}`]);
    assert.deepEqual(eventScope(accounts[1]), {
      prefix: `org/AWSLogs/o-abc123def4/${B}/CloudTrail/`,
    });
    const regions = await catalog.children(accounts[1]);
    assert.deepEqual(labels(regions), ['region us-east-1 log+digest']);
  });

  it('names trails from the newest day that holds digests: a junk day folder planted after it does not hide them', async () => {
    const digest = digestKey({
      account: A,
      region: 'us-east-1',
      date: '2025-03-06',
      time: '0100',
      trail: 'org-trail',
      home: 'us-east-1',
    });
    const planted = `AWSLogs/${A}/CloudTrail-Digest/us-east-1/2099/12/31/junk.txt`;
    const catalog = new CloudTrailCatalog(tree({ [digest]: 1, [planted]: 1 }));
    assert.deepEqual(labels(await catalog.roots()), ['location AWSLogs/ [org-trail@us-east-1]']);
  });

  it('samples only the first accounts of a large organization when naming trails', async () => {
    const files: Record<string, number> = {};
    for (let i = 0; i < 4; i++) {
      const account = String(100000000000 + i);
      files[
        digestKey({
          org: 'o-abc123def4',
          account,
          region: 'us-east-1',
          date: '2025-01-01',
          time: '0100',
          trail: `t${i}`,
          home: 'us-east-1',
        })
      ] = 1;
    }
    const catalog = new CloudTrailCatalog(tree(files), { maxTrailAccounts: 2 });
    const [location] = (await catalog.roots()) as LocationNode[];
    assert.deepEqual(
      location.trails.map((t) => t.name),
      ['t0', 't1'],
    );
    assert.equal(location.trailsSampled, true);
  });

  it('keeps a renamed region folder as written (us_east_1) and still parses its files', async () => {
    const catalog = new CloudTrailCatalog(
      tree({
        [logKey({
          account: A,
          region: 'us-east-1',
          folderRegion: 'us_east_1',
          date: '2018-11-28',
          time: '2235',
          id: 'f1',
        })]: 5,
      }),
    );
    const [location] = await catalog.roots();
    const [account] = await catalog.children(location);
    const [region] = await catalog.children(account);
    assert.deepEqual(labels([region]), ['region us_east_1 log']);
    const [day] = await catalog.children(region);
    const [file] = (await catalog.children(day)) as FileNode[];
    assert.equal(file.fileKind, 'log');
    assert.equal(file.info?.region, 'us-east-1');
  });

  it('stops looking for AWSLogs below the depth limit and says the search was cut short', async () => {
    const catalog = new CloudTrailCatalog(tree({ 'a/b/c/d/AWSLogs/x.txt': 1, 'top.json': 1 }), {
      maxDepth: 2,
    });
    const roots = await catalog.roots();
    assert.deepEqual(labels(roots), ['loose top.json']);
    assert.equal((roots[0] as Extract<CatalogNode, { type: 'loose' }>).truncated, true);
    const deeper = await new CloudTrailCatalog(catalog.source).roots();
    assert.deepEqual(labels(deeper), ['location a/b/c/d/AWSLogs/ []', 'loose top.json']);
  });

  it('turns a level that cannot be listed into a problem node naming the key, not an exception', async () => {
    const failing: LogSource = {
      label: 'broken',
      type: 'test',
      async listLevel(prefix: string): Promise<SourceEntry[]> {
        if (prefix === '') return [{ kind: 'prefix', prefix: 'AWSLogs/' }];
        if (prefix === 'AWSLogs/') return [{ kind: 'prefix', prefix: `AWSLogs/${A}/` }];
        throw new Error(`${prefix}: access denied by the bucket policy`);
      },
      async *listAll() {},
      async read() {
        return new Uint8Array();
      },
    };
    const catalog = new CloudTrailCatalog(failing);
    const [location] = await catalog.roots();
    assert.equal(location.type, 'location');
    assert.match(
      (location as LocationNode).trailsError ?? '',
      /AWSLogs\/111111111111\/CloudTrail-Digest\/: access denied/,
    );
    const [account] = await catalog.children(location);
    const [notice] = await catalog.children(account);
    assert.equal(notice.type, 'problem');
    assert.match(
      (notice as Extract<CatalogNode, { type: 'problem' }>).message,
      /AWSLogs\/111111111111\/: access denied/,
    );
  });

  it('detects CloudTrail data by an AWSLogs folder or a delivered file name, not by any JSON', async () => {
    assert.equal(
      await new CloudTrailCatalog(tree({ 'logs/AWSLogs/readme.txt': 1 })).containsCloudTrail(),
      true,
    );
    assert.equal(
      await new CloudTrailCatalog(
        tree({ [`case/${A}_CloudTrail_us-east-1_20230826T2035Z_PjmwM7E4.json`]: 1 }),
      ).containsCloudTrail(),
      true,
    );
    assert.equal(
      await new CloudTrailCatalog(
        tree({ 'package.json': '{}', 'src/a.json': '{}', 'node_modules/AWSLogs/x': 1 }),
      ).containsCloudTrail(),
      false,
    );
    assert.equal(
      await new CloudTrailCatalog(tree({ 'a/b/c/d/e/AWSLogs/x': 1 })).containsCloudTrail(),
      false,
    );
  });

  it('detects a folder of exports by the CloudTrail fields in its JSON files, whatever their shape', async () => {
    const files = shapeFiles();
    for (const name of [
      'lookup-events.jsonl',
      'eventbridge-array.json',
      'cloudwatch-logs-payload.json.gz',
      'athena-lower-case.jsonl',
      'utf16-powershell.json',
    ]) {
      const content = files[name];
      assert.equal(
        await new CloudTrailCatalog(
          tree({ 'README.md': 'x', [`case/${name}`]: content }),
        ).containsCloudTrail(),
        true,
        name,
      );
    }
    assert.equal(
      await new CloudTrailCatalog(
        tree({
          'package.json': '{"name":"x","eventSource":1}'.replace('eventSource', 'events'),
          'tsconfig.json': '{}',
        }),
      ).containsCloudTrail(),
      false,
    );
  });

  it('lists a day of 100,000 log files in time order, reading only that day', async function () {
    this.timeout(30_000);
    const sizes = new Map<string, number>();
    const n = 100_000;
    for (let i = 0; i < n; i++) {
      const minute = Math.floor((i / n) * 1440);
      const time = `${String(Math.floor(minute / 60)).padStart(2, '0')}${String(minute % 60).padStart(2, '0')}`;
      sizes.set(
        logKey({
          account: A,
          region: 'us-east-1',
          date: '2024-05-14',
          time,
          id: i.toString(36).padStart(6, '0'),
        }),
        1000 + (i % 7),
      );
    }
    sizes.set(
      logKey({ account: A, region: 'us-east-1', date: '2024-05-15', time: '0000', id: 'next' }),
      1,
    );
    const source = new MemorySource(sizes);
    const catalog = new CloudTrailCatalog(source);
    const [location] = await catalog.roots();
    const [account] = await catalog.children(location);
    const [region] = await catalog.children(account);
    const [day] = await catalog.children(region);
    const before = source.listLevelCalls;
    const files = (await catalog.children(day)) as FileNode[];
    assert.equal(source.listLevelCalls - before, 1, 'expanding a day lists that one folder');
    assert.equal(files.length, n);
    assert.ok(files.every((f, i) => i === 0 || files[i - 1].key < f.key));
    assert.equal(files[0].info?.deliveryTime, '2024-05-14T00:00:00Z');
    assert.equal(files[n - 1].info?.deliveryTime, '2024-05-14T23:59:00Z');
    const summaries = new SummaryCache();
    await summaries.scan(source, location);
    assert.equal(summaries.get(day.id)?.files, n);
    assert.equal(summaries.get(location.id)?.files, n + 1);
  });

  it('groups loose files CloudTrail named by account, region and day, like the AWSLogs tree, with the others after', async () => {
    const name = (account: string, region: string, stamp: string, id: string) =>
      `${account}_CloudTrail_${region}_${stamp}_${id}.json`;
    const catalog = new CloudTrailCatalog(
      tree({
        [`case/${name(B, 'us-east-1', '20230826T2035Z', 'zzz')}`]: 10,
        [`case/${name(B, 'us-east-1', '20230826T2040Z', 'yyy')}`]: 20,
        [`case/${name(B, 'us-east-1', '20230827T0005Z', 'xxx')}`]: 30,
        [`case/${name(B, 'eu-west-1', '20230826T2035Z', 'www')}`]: 40,
        [`case/${name(A, 'us-east-1', '20230826T2035Z', 'vvv')}`]: 50,
        [`case/${B}_CloudTrail-Digest_us-east-1_mgmt_us-east-1_20230826T210000Z.json.gz`]: 60,
        'case/lookup-events.json': 70,
      }),
    );
    const [loose] = await catalog.roots();
    assert.equal(loose.type, 'loose');
    const top = await catalog.children(loose);
    assert.deepEqual(labels(top), [
      'account 111111111111 (1)',
      'account 222222222222 (5)',
      'loose lookup-events.json',
    ]);
    const regions = await catalog.children(top[1]);
    assert.deepEqual(labels(regions), ['region eu-west-1 (1)', 'region us-east-1 (4)']);
    const days = await catalog.children(regions[1]);
    assert.deepEqual(labels(days), ['day 2023-08-26 (3)', 'day 2023-08-27 (1)']);
    const files = (await catalog.children(days[0])) as FileNode[];
    assert.deepEqual(labels(files), [
      `log ${name(B, 'us-east-1', '20230826T2035Z', 'zzz')}`,
      `log ${name(B, 'us-east-1', '20230826T2040Z', 'yyy')}`,
      `digest ${B}_CloudTrail-Digest_us-east-1_mgmt_us-east-1_20230826T210000Z.json.gz`,
    ]);
    assert.equal(files[0].info?.deliveryTime, '2023-08-26T20:35:00Z');
    // The timeline opens the group's event files; its digests are not events.
    assert.deepEqual(eventScope(days[0])?.keys, [
      `case/${name(B, 'us-east-1', '20230826T2035Z', 'zzz')}`,
      `case/${name(B, 'us-east-1', '20230826T2040Z', 'yyy')}`,
    ]);
    assert.equal(digestScope(days[0]), undefined);
  });

  it('recognises loose CloudTrail files by name only', () => {
    for (const name of ['a.json', 'b.json.gz', 'c.jsonl', 'D.JSON'])
      assert.equal(isLooseCandidate(name), true, name);
    for (const name of ['a.txt', 'json', 'a.json.bak', 'a.gz'])
      assert.equal(isLooseCandidate(name), false, name);
    // What validation keeps beside the logs, and the case folder's files, are no events.
    for (const name of [
      'cloudtrail-public-keys.json',
      'cloudtrail-digest-signatures.json',
      'cases/.cloudtrail-lens/case.json',
    ])
      assert.equal(isLooseCandidate(name), false, name);
  });
});

describeWithDatasets('CloudTrailCatalog on real public data', () => {
  it('cloud-snitch: an organization trail beside a plain account, to file level', async () => {
    const catalog = new CloudTrailCatalog(
      new FolderSource(
        dataset('cloud-snitch', 'backend', 'report', 'testdata', 'aws-cloudtrail-logs'),
      ),
    );
    const [location] = await catalog.roots();
    const top = await catalog.children(location);
    assert.deepEqual(labels(top), ['account 333333333333', 'org o-1234abcde']);
    const [orgAccount] = await catalog.children(top[1]);
    const [region] = await catalog.children(orgAccount);
    const [day] = await catalog.children(region);
    assert.deepEqual(labels(await catalog.children(day)), [
      'log 222222222222_CloudTrail_us-east-1_20250306T0230Z_QF6qcgyiaVnSueXa.json.gz',
    ]);
  });

  it('flaws2: eight log files under a renamed region folder, counted in one scan', async () => {
    const catalog = new CloudTrailCatalog(new FolderSource(dataset('flaws2-logs')));
    const [location] = await catalog.roots();
    const summary = await new SummaryCache().scan(catalog.source, location);
    assert.equal(summary.files, 8);
    assert.equal(summary.byKind.log, 8);
  });
});
