import * as assert from 'node:assert/strict';
import { CatalogNode, FileNode, LocationNode } from '../../../src/core/sources/layoutTree';
import { parseCloudTrailFileName } from '../../../src/core/sources/layout';
import { formatBytes } from '../../../src/core/output/bytes';
import {
  describeCounts,
  escapeMarkdown,
  presentMessage,
  presentNode,
} from '../../../src/extension/tree/presentation';

const ctx = { sourceLabel: '/cases/42', local: true, s3: false };

function file(key: string, size = 2048): FileNode {
  const name = key.slice(key.lastIndexOf('/') + 1);
  const info = parseCloudTrailFileName(name);
  return { type: 'file', id: `F:${key}`, key, size, fileKind: info?.kind ?? 'other', info };
}

describe('explorer presentation', () => {
  it('formats sizes and counts for descriptions', () => {
    assert.equal(formatBytes(0), '0 B');
    assert.equal(formatBytes(1023), '1023 B');
    assert.equal(formatBytes(1536), '1.5 KiB');
    assert.equal(formatBytes(250 * 1024 * 1024), '250 MiB');
    assert.equal(describeCounts({ files: 1, bytes: 10, byKind: {} }), '1 file · 10 B');
    assert.equal(
      describeCounts({ files: 12000, bytes: 3 * 1024 * 1024, byKind: {} }, 1204),
      '1,204 events · 12,000 files · 3 MiB',
    );
    assert.equal(describeCounts(undefined), undefined);
    // Detection hits by highest level, once the rules ran over the indexed events.
    const hits = { informational: 0, low: 4, medium: 0, high: 3, critical: 1 };
    assert.equal(
      describeCounts({ files: 2, bytes: 10, byKind: {} }, 1204, hits),
      '1,204 events · ◆ 1 critical · ▲ 3 high · ● 4 low · 2 files · 10 B',
    );
    assert.equal(
      describeCounts(undefined, 5, { ...hits, low: 0, high: 0, critical: 0 }),
      '5 events',
    );
  });

  it('names a location by its trails, or says its logs are not attributed to one', () => {
    const base: LocationNode = {
      type: 'location',
      id: 'L:org/AWSLogs/',
      root: 'org/AWSLogs/',
      prefix: 'org',
      trails: [],
      trailsSampled: false,
    };
    const none = presentNode(base, ctx);
    assert.equal(none.label, 'Not attributed to a trail');
    assert.equal(none.description, 'org/AWSLogs');
    assert.equal(none.icon, 'question');
    const two = presentNode(
      {
        ...base,
        trails: [
          { name: 'alpha', homeRegion: 'eu-west-1' },
          { name: 'audit', homeRegion: 'us-west-2' },
        ],
      },
      { ...ctx, summary: { files: 3, bytes: 4096, byKind: { log: 2, digest: 1 } } },
    );
    assert.equal(two.label, 'alpha, audit');
    assert.equal(two.description, 'org/AWSLogs · 3 files · 4 KiB');
    assert.match(two.tooltip, /same location/);
    assert.match(two.tooltip, /2 log files, 1 digest files/);
  });

  it('offers digest validation only on rows with digests', () => {
    const base: LocationNode = {
      type: 'location',
      id: 'L:AWSLogs/',
      root: 'AWSLogs/',
      prefix: '',
      trails: [],
      trailsSampled: false,
    };
    const offered = (
      node: CatalogNode,
      summary?: { files: number; bytes: number; byKind: Record<string, number> },
    ) => presentNode(node, { ...ctx, summary }).contextTokens.includes('digests');
    assert.equal(offered(base), false, 'a location no digest names a trail for');
    assert.equal(offered({ ...base, trails: [{ name: 'mgmt', homeRegion: 'us-east-1' }] }), true);
    assert.equal(
      offered(
        { ...base, trails: [{ name: 'mgmt', homeRegion: 'us-east-1' }] },
        { files: 2, bytes: 9, byKind: { log: 2 } },
      ),
      false,
      'counted: no digest files',
    );
    const account: CatalogNode = {
      type: 'account',
      id: 'A:x',
      root: 'AWSLogs/',
      accountId: '111111111111',
    };
    assert.equal(offered(account), true, 'not counted yet');
    assert.equal(offered(account, { files: 3, bytes: 9, byKind: { log: 2, digest: 1 } }), true);
    assert.equal(offered(account, { files: 2, bytes: 9, byKind: { log: 2 } }), false);
  });

  it('tells logs, Insights, digests and stray files apart by icon and says when each was delivered', () => {
    const log = presentNode(
      file(
        'AWSLogs/111111111111/CloudTrail/us-east-1/2024/05/14/111111111111_CloudTrail_us-east-1_20240514T1005Z_abc.json.gz',
      ),
      ctx,
    );
    const insight = presentNode(
      file(
        'AWSLogs/111111111111/CloudTrail-Insight/us-east-1/2024/05/14/111111111111_CloudTrail-Insight_us-east-1_20240514T1100Z_abc.json.gz',
      ),
      ctx,
    );
    const digest = presentNode(
      file(
        'AWSLogs/111111111111/CloudTrail-Digest/us-east-1/2024/05/14/111111111111_CloudTrail-Digest_us-east-1_mgmt_us-east-1_20240514T110000Z.json.gz',
        700,
      ),
      ctx,
    );
    const stray = presentNode(
      file('AWSLogs/111111111111/CloudTrail/us-east-1/2024/05/14/notes.txt', 9),
      ctx,
    );
    assert.deepEqual(
      [log.icon, insight.icon, digest.icon, stray.icon],
      ['file-zip', 'lightbulb', 'shield', 'warning'],
    );
    // The distinctive part of the name first (a narrow sidebar cuts the end of a description).
    assert.deepEqual([log.label, log.description], ['10:05 UTC', 'abc · 2 KiB']);
    assert.deepEqual([insight.label, insight.description], ['Insights 11:00 UTC', 'abc · 2 KiB']);
    assert.equal(
      presentNode(
        file(
          'AWSLogs/111111111111/CloudTrail/us-east-1/2024/05/14/111111111111_CloudTrail_us-east-1_20240514T1005Z_abc.json.gz',
        ),
        { ...ctx, events: 12 },
      ).description,
      'abc · 12 events · 2 KiB',
    );
    assert.deepEqual(
      [digest.label, digest.description],
      ['Digest 11:00:00 UTC', '700 B · trail mgmt'],
    );
    assert.equal(stray.label, 'notes.txt');
    assert.match(
      log.tooltip,
      /111111111111\\_CloudTrail\\_us\\-east\\-1\\_20240514T1005Z\\_abc\\.json\\.gz/,
    );
    assert.match(digest.tooltip, /trail mgmt/);
    assert.ok(
      log.contextTokens.includes('events') &&
        log.contextTokens.includes('file') &&
        log.contextTokens.includes('local'),
    );
    assert.ok(!digest.contextTokens.includes('events'), 'a digest has no events for the timeline');
    assert.ok(!log.contextTokens.includes('s3'));
  });

  it('warns about a log file named for another account, region or day than its folder, and shows its whole name', () => {
    const key =
      'AWSLogs/111111111111/CloudTrail/us-west-2/2024/05/14/444444444444_CloudTrail_eu-central-1_20240513T1005Z_abc.json.gz';
    const p = presentNode(
      { ...file(key), misplaced: 'its name is for account 444444444444' },
      { ...ctx, events: 3 },
    );
    assert.equal(p.icon, 'warning');
    assert.equal(p.label, '444444444444_CloudTrail_eu-central-1_20240513T1005Z_abc.json.gz');
    assert.equal(p.description, '3 events · 2 KiB');
    assert.match(
      p.tooltip,
      /Not where CloudTrail delivers such a file: its name is for account 444444444444/,
    );
    assert.ok(p.contextTokens.includes('events'), 'still opened in the timeline');
  });

  it('says why a file or folder lies outside the day folders, as a warning, not a listing error', () => {
    const planted = presentNode(
      {
        ...file('AWSLogs/111111111111/CloudTrail/us-west-2/planted.json'),
        misplaced:
          'it is not in a day folder (CloudTrail writes files only in us-west-2/YYYY/MM/DD/)',
      },
      ctx,
    );
    assert.equal(planted.icon, 'warning');
    assert.match(
      planted.tooltip,
      /Not where CloudTrail delivers such a file: it is not in a day folder/,
    );
    assert.doesNotMatch(planted.tooltip, /its name is not one CloudTrail writes/);
    const folder = presentNode(
      {
        type: 'problem',
        id: 'X:a',
        key: 'AWSLogs/111111111111/CloudTrail/us-west-2/2024/05/14/sub/',
        message: 'sub/: a sub-folder of the day folder, which CloudTrail does not make here',
        outOfPlace: true,
      },
      ctx,
    );
    assert.equal(folder.icon, 'warning');
    assert.match(folder.tooltip, /Not where CloudTrail delivers/);
    assert.doesNotMatch(folder.tooltip, /Could not list/);
  });

  it('shows indexed event counts when the index has them', () => {
    const day: CatalogNode = {
      type: 'day',
      id: 'D:x',
      root: 'AWSLogs/',
      accountId: '111111111111',
      region: 'us-east-1',
      date: '2024-05-14',
      kinds: ['log'],
    };
    assert.equal(
      presentNode(day, {
        ...ctx,
        summary: { files: 2, bytes: 100, byKind: { log: 2 } },
        events: 57,
      }).description,
      '57 events · 2 files · 100 B',
    );
    assert.equal(presentNode(day, ctx).description, undefined);
    assert.match(presentNode(day, ctx).tooltip, /Counting files/);
  });

  it('escapes log-controlled names so a tooltip cannot carry links or markup', () => {
    const evil = file('exports/[click](command:workbench.action.terminal.new)<img src=x>.json');
    const p = presentNode({ ...evil, fileKind: 'loose' }, ctx);
    // Every markdown-significant character arrives escaped (preceded by a backslash).
    assert.doesNotMatch(p.tooltip, /(^|[^\\])[[\]()<>]/);
    assert.match(p.tooltip, /\\\[click\\\]\\\(command:/);
    assert.equal(escapeMarkdown('a_b*c'), 'a\\_b\\*c');
  });

  it('reads loose files CloudTrail named like the AWSLogs tree: account, region and day rows with their counts', () => {
    const files = [
      {
        kind: 'object' as const,
        key: 'case/107513503799_CloudTrail_us-east-1_20230826T2035Z_a.json',
        size: 100,
      },
    ];
    const summary = { files: 7, bytes: 30_000, byKind: { log: 7 } };
    const account = presentNode(
      { type: 'loose-group', id: 'LG:1', level: 'account', accountId: '107513503799', files },
      { ...ctx, summary },
    );
    const region = presentNode(
      {
        type: 'loose-group',
        id: 'LG:2',
        level: 'region',
        accountId: '107513503799',
        region: 'us-east-1',
        files,
      },
      { ...ctx, summary },
    );
    const day = presentNode(
      {
        type: 'loose-group',
        id: 'LG:3',
        level: 'day',
        accountId: '107513503799',
        region: 'us-east-1',
        date: '2023-08-26',
        files,
      },
      { ...ctx, summary },
    );
    assert.deepEqual(
      [account.label, region.label, day.label],
      ['107513503799', 'us-east-1', '2023-08-26'],
    );
    assert.deepEqual([account.icon, region.icon, day.icon], ['account', 'globe', 'calendar']);
    assert.equal(day.description, '7 files · 29.3 KiB');
    assert.match(day.tooltip, /not in an AWSLogs\/ folder/);
    assert.ok(day.contextTokens.includes('events') && !day.contextTokens.includes('digests'));
  });

  it('marks hidden characters in names (bidi overrides, tags, control characters)', () => {
    const p = presentNode(
      { ...file('exports/report\u202egpj.\u{E0041}\u001b.json'), fileKind: 'loose' },
      ctx,
    );
    assert.equal(p.label, 'report⟨U+202E⟩gpj.⟨U+E0041⟩⟨U+001B⟩.json');
    assert.match(p.tooltip, /report⟨U\\\+202E⟩gpj\\\.⟨U\\\+E0041⟩⟨U\\\+001B⟩\\\.json/);
    assert.doesNotMatch(p.tooltip + p.label + (p.description ?? ''), /[\u202e\u001b]|\u{E0041}/u);
  });

  it('marks hidden characters and escapes markup in a message row (a listing error quoting a key)', () => {
    const error = 's3://b/AWSLogs/x\u202egpj.json: [Show](command:x) AccessDenied\u001b[2J';
    const p = presentMessage(error, `Could not list s3://b/: ${error}`);
    assert.equal(
      p.label,
      's3://b/AWSLogs/x⟨U+202E⟩gpj.json: [Show](command:x) AccessDenied⟨U+001B⟩[2J',
    );
    assert.doesNotMatch(p.tooltip + p.label, /[\u202e\u001b]/u);
    assert.doesNotMatch(p.tooltip, /\[Show\]\(command:/, 'no link in the Markdown tooltip');
  });

  it('flags a region folder whose name is not a region', () => {
    const region: CatalogNode = {
      type: 'region',
      id: 'R:x',
      root: 'AWSLogs/',
      accountId: '653711331788',
      region: 'us_east_1',
      kinds: ['log'],
    };
    assert.match(presentNode(region, ctx).tooltip, /is not a region name/);
  });
});
