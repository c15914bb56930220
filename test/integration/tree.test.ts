// The CloudTrail explorer in the real VS Code on the sample folder: the workspace folder shows
// up by itself, and the data provider yields the layout down to single log files, with file
// counts and sizes that agree with the folder on disk.
import * as assert from 'node:assert/strict';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import * as vscode from 'vscode';
import { CloudTrailCatalog } from '../../src/core/sources/layoutTree';
import { FolderSource } from '../../src/core/sources/folder';
import type { CloudTrailLensApi } from '../../src/extension/extension';
import { generateSample } from '../../src/extension/sources/sample';
import type { ExplorerElement, NodeElement } from '../../src/extension/tree/explorerProvider';
import { sampleFolder, waitFor, waitForActivation } from './support/host';

function filesUnder(dir: string): { count: number; bytes: number } {
  let count = 0;
  let bytes = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.isDirectory()) {
      const sub = filesUnder(join(dir, e.name));
      count += sub.count;
      bytes += sub.bytes;
    } else if (e.isFile()) {
      count += 1;
      bytes += statSync(join(dir, e.name)).size;
    }
  }
  return { count, bytes };
}

describe('CloudTrail explorer on the sample folder', function () {
  this.timeout(60_000);
  let api: CloudTrailLensApi;
  const label = (item: vscode.TreeItem) =>
    typeof item.label === 'string' ? item.label : (item.label?.label ?? '');

  before(async () => {
    api = await waitForActivation<CloudTrailLensApi>();
    assert.ok(api?.explorer, 'activate() does not return the explorer');
    await api.explorer.ready;
  });

  async function childNamed(parent: ExplorerElement, name: string): Promise<NodeElement> {
    const kids = await api.explorer.provider.getChildren(parent);
    const names = kids.map((k) => label(api.explorer.provider.getTreeItem(k)));
    const found = kids.find((k, i) => names[i] === name);
    assert.ok(found && found.kind === 'node', `no child "${name}" among ${JSON.stringify(names)}`);
    return found;
  }

  it('shows the workspace folder as a source, found automatically', async () => {
    const sources = await api.explorer.provider.getChildren();
    const sample = sources.find((s) => s.kind === 'source' && s.entry.origin === 'workspace');
    assert.ok(
      sample && sample.kind === 'source',
      `no workspace source among ${sources.length} sources`,
    );
    assert.equal(realpathSync(sample.entry.source!.label), realpathSync(sampleFolder().fsPath));
    const item = api.explorer.provider.getTreeItem(sample);
    assert.equal(item.collapsibleState, vscode.TreeItemCollapsibleState.Expanded);
    assert.match(item.contextValue ?? '', /ctl-source-folder/);
  });

  it('lists trail → organization → account → region → day → log files, with counts', async () => {
    const provider = api.explorer.provider;
    const [source] = (await provider.getChildren()).filter(
      (s) => s.kind === 'source' && s.entry.origin === 'workspace',
    );
    const tops = await provider.getChildren(source);
    const topLabels = tops.map((t) => label(provider.getTreeItem(t)));
    assert.ok(
      topLabels.includes('org-trail'),
      `the trail is not named from its digests: ${JSON.stringify(topLabels)}`,
    );
    const trail = await childNamed(source, 'org-trail');

    // The background count of the trail fills in its description and every node below it.
    await waitFor(
      () => provider.summaryOf(trail) !== undefined,
      30_000,
      'the trail was never counted',
    );
    const onDisk = filesUnder(join(sampleFolder().fsPath, 'AWSLogs'));
    assert.deepEqual(
      { count: provider.summaryOf(trail)!.files, bytes: provider.summaryOf(trail)!.bytes },
      onDisk,
    );
    assert.match(
      String(provider.getTreeItem(trail).description),
      new RegExp(`^${onDisk.count.toLocaleString('en-US')} files · `),
    );

    const org = await childNamed(trail, 'o-a1b2c3d4e5');
    assert.match(String(provider.getTreeItem(org).description), /^organization · \d+ files · /);
    const account = await childNamed(org, '777788889999');
    const region = await childNamed(account, 'us-east-1');
    const day = await childNamed(region, '2024-05-14');
    const dayFolder = join(sampleFolder().fsPath, 'AWSLogs', 'o-a1b2c3d4e5', '777788889999');
    const logs = readdirSync(join(dayFolder, 'CloudTrail', 'us-east-1', '2024', '05', '14'));
    const digests = readdirSync(
      join(dayFolder, 'CloudTrail-Digest', 'us-east-1', '2024', '05', '14'),
    );
    assert.match(
      String(provider.getTreeItem(day).description),
      new RegExp(`^${logs.length + digests.length} files · `),
    );

    const files = await provider.getChildren(day);
    const items = files.map((f) => provider.getTreeItem(f));
    const names = files.map((f) =>
      f.kind === 'node' && f.node.type === 'file' ? f.node.key.split('/').pop() : f.kind,
    );
    assert.deepEqual(names, [...logs.sort(), ...digests.sort()]);
    const firstLog = items[0];
    const lastDigest = items[items.length - 1];
    assert.equal((firstLog.iconPath as vscode.ThemeIcon).id, 'file-zip');
    assert.equal((lastDigest.iconPath as vscode.ThemeIcon).id, 'shield');
    assert.equal(
      label(firstLog),
      `${logs[0]
        .match(/T(\d\d)(\d\d)Z/)!
        .slice(1)
        .join(':')} UTC`,
    );
    assert.match(String(firstLog.description), /^\w+ · [\d.]+ (B|KiB)$/);
    assert.match(label(lastDigest), /^Digest \d\d:\d\d:\d\d UTC$/);
    assert.equal(lastDigest.description?.toString().endsWith('· trail org-trail'), true);
    assert.equal(firstLog.command?.command, 'cloudtrailLens.explorer.openFile');
    assert.equal(firstLog.collapsibleState, vscode.TreeItemCollapsibleState.None);
  });

  it('groups the JSON files outside AWSLogs as loose files', async () => {
    const provider = api.explorer.provider;
    const [source] = (await provider.getChildren()).filter(
      (s) => s.kind === 'source' && s.entry.origin === 'workspace',
    );
    const loose = await childNamed(source, 'Loose files');
    const names = (await provider.getChildren(loose)).map((f) => label(provider.getTreeItem(f)));
    // Not the public keys and signatures files validation keeps beside the logs: no events.
    const kept = ['cloudtrail-public-keys.json', 'cloudtrail-digest-signatures.json'];
    const expected = readdirSync(sampleFolder().fsPath)
      .filter((n) => /\.(json|json\.gz|jsonl)$/.test(n) && !kept.includes(n))
      .sort();
    assert.ok(expected.length > 0, 'the sample has loose files besides them');
    assert.deepEqual(names, expected);
  });

  it('Open Timeline on a day opens the timeline on that day, titled by the path in the tree', async () => {
    const provider = api.explorer.provider;
    const [source] = (await provider.getChildren()).filter(
      (s) => s.kind === 'source' && s.entry.origin === 'workspace',
    );
    const trail = await childNamed(source, 'org-trail');
    const account = await childNamed(await childNamed(trail, 'o-a1b2c3d4e5'), '777788889999');
    const day = await childNamed(await childNamed(account, 'us-east-1'), '2024-05-14');
    assert.match(provider.getTreeItem(day).contextValue ?? '', /\bevents\b/);
    await vscode.commands.executeCommand('cloudtrailLens.explorer.openTimeline', day);
    const title =
      'CloudTrail Timeline: org-trail › o-a1b2c3d4e5 › 777788889999 › us-east-1 › 2024-05-14';
    const tabs = () => vscode.window.tabGroups.all.flatMap((g) => g.tabs).map((t) => t.label);
    await waitFor(
      () => tabs().includes(title),
      20_000,
      `no timeline tab "${title}" among ${JSON.stringify(tabs())}`,
    );

    // Once the timeline has indexed the day, the day's row shows its event count: the records
    // of its log and Insights files on disk, counted here without the engine.
    let expected = 0;
    for (const kind of ['CloudTrail', 'CloudTrail-Insight']) {
      const dir = join(
        sampleFolder().fsPath,
        'AWSLogs',
        'o-a1b2c3d4e5',
        '777788889999',
        kind,
        'us-east-1',
        '2024',
        '05',
        '14',
      );
      if (!existsSync(dir)) continue;
      for (const f of readdirSync(dir).filter((n) => n.endsWith('.json.gz'))) {
        expected += (
          JSON.parse(gunzipSync(readFileSync(join(dir, f))).toString('utf8')).Records as unknown[]
        ).length;
      }
    }
    assert.ok(expected > 0, 'the sample day has no events');
    const shownEvents = () => {
      const m = /^([\d,]+) events?\b/.exec(String(provider.getTreeItem(day).description ?? ''));
      return m ? Number(m[1].replace(/,/g, '')) : undefined;
    };
    await waitFor(
      () => shownEvents() === expected,
      30_000,
      `the day's row should show ${expected} events once indexed; its description is "${provider.getTreeItem(day).description}"`,
    );
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('opens a log file from its row as a readable document', async () => {
    const provider = api.explorer.provider;
    const [source] = (await provider.getChildren()).filter(
      (s) => s.kind === 'source' && s.entry.origin === 'workspace',
    );
    const trail = await childNamed(source, 'org-trail');
    const account = await childNamed(await childNamed(trail, 'o-a1b2c3d4e5'), '777788889999');
    const day = await childNamed(await childNamed(account, 'us-east-1'), '2024-05-14');
    const [file] = await provider.getChildren(day);
    const item = provider.getTreeItem(file);
    await vscode.commands.executeCommand(item.command!.command, ...(item.command!.arguments ?? []));
    await waitFor(
      () => vscode.window.activeTextEditor?.document.getText().includes('"eventTime"') === true,
      20_000,
      'the log file did not open as text with its events',
    );
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });
});

describe('CloudTrail explorer sources from the setting', function () {
  this.timeout(60_000);
  let api: CloudTrailLensApi;
  let dir: string;
  const account = '210987654321';
  const day = ['2024', '06', '01'];
  const FILES = 1500;

  before(async () => {
    api = await waitForActivation<CloudTrailLensApi>();
    dir = mkdtempSync(join(tmpdir(), 'ctl-it-tree-'));
    const folder = join(dir, 'logs', 'AWSLogs', account, 'CloudTrail', 'eu-west-1', ...day);
    mkdirSync(folder, { recursive: true });
    for (let i = 0; i < FILES; i++) {
      const minute = Math.floor((i * 1440) / FILES);
      const hhmm = `${String(Math.floor(minute / 60)).padStart(2, '0')}${String(minute % 60).padStart(2, '0')}`;
      writeFileSync(
        join(
          folder,
          `${account}_CloudTrail_eu-west-1_${day.join('')}T${hhmm}Z_${String(i).padStart(5, '0')}.json.gz`,
        ),
        '',
      );
    }
  });

  after(async () => {
    await vscode.workspace
      .getConfiguration('cloudtrailLens')
      .update('sources', undefined, vscode.ConfigurationTarget.Global);
    rmSync(dir, { recursive: true, force: true });
  });

  async function sources() {
    return (await api.explorer.provider.getChildren()).filter((s) => s.kind === 'source');
  }

  it('shows configured folders and S3 entries, pages a long day, and drops removed entries', async () => {
    const provider = api.explorer.provider;
    await vscode.workspace
      .getConfiguration('cloudtrailLens')
      .update(
        'sources',
        [
          { type: 'folder', path: join(dir, 'logs') },
          { type: 's3', bucket: 'trail-bucket', prefix: 'org' },
          { type: 'folder' },
        ],
        vscode.ConfigurationTarget.Global,
      );
    await waitFor(
      async () => (await sources()).length >= 3,
      10_000,
      'the configured sources did not appear',
    );
    const all = await sources();
    const folder = all.find(
      (s) =>
        s.kind === 'source' && s.entry.config.type === 'folder' && s.entry.origin === 'setting',
    )!;
    const s3 = all.find((s) => s.kind === 'source' && s.entry.config.type === 's3')!;
    assert.ok(folder && s3, 'a configured source is missing');

    // A bucket that cannot be reached (no credentials or network here) is one row saying why.
    const s3Rows = await provider.getChildren(s3);
    assert.equal(
      s3Rows.length,
      1,
      JSON.stringify(s3Rows.map((r) => provider.getTreeItem(r).label)),
    );
    const failure = s3Rows[0];
    assert.ok(
      failure.kind === 'message' || (failure.kind === 'node' && failure.node.type === 'problem'),
      `not an explanation: ${failure.kind}`,
    );
    assert.equal((provider.getTreeItem(failure).iconPath as vscode.ThemeIcon).id, 'error');
    console.log(`S3 row: ${String(provider.getTreeItem(failure).label)}`);

    const [trail] = await provider.getChildren(folder);
    assert.equal(provider.getTreeItem(trail).label, 'Not attributed to a trail');
    const [acct] = await provider.getChildren(trail);
    const [region] = await provider.getChildren(acct);
    const [dayNode] = await provider.getChildren(region);
    const page = await provider.getChildren(dayNode);
    assert.equal(page.length, 1001);
    const more = page[1000];
    assert.equal(more.kind, 'more');
    assert.equal(provider.getTreeItem(more).label, 'Show 500 more files…');
    await vscode.commands.executeCommand(
      provider.getTreeItem(more).command!.command,
      ...(provider.getTreeItem(more).command!.arguments ?? []),
    );
    const whole = await provider.getChildren(dayNode);
    assert.equal(whole.length, FILES);
    assert.equal(whole.filter((e) => e.kind === 'more').length, 0);
    assert.equal(provider.getTreeItem(whole[FILES - 1]).label, '23:59 UTC');

    await api.explorer.registry.remove(
      (folder as Extract<typeof folder, { kind: 'source' }>).entry,
    );
    await waitFor(
      async () =>
        !(await sources()).some(
          (s) =>
            s.kind === 'source' && s.entry.origin === 'setting' && s.entry.config.type === 'folder',
        ),
      10_000,
      'the removed source is still shown',
    );
    assert.ok(
      (await sources()).some((s) => s.kind === 'source' && s.entry.config.type === 's3'),
      'removing one source removed another',
    );
  });
});

describe('CloudTrail explorer sample', function () {
  this.timeout(120_000);

  it('Open Sample shows the sample for the session without writing settings', async () => {
    const api = await waitForActivation<CloudTrailLensApi>();
    const before = vscode.workspace.getConfiguration('cloudtrailLens').inspect('sources');
    await vscode.commands.executeCommand('cloudtrailLens.openSample');
    // Run from the project, the sample is sample-data/ — here also the workspace folder, which
    // the explorer shows once, not twice.
    assert.ok(
      process.env.CTL_PROJECT_ROOT,
      'the runner did not say where the project is (CTL_PROJECT_ROOT)',
    );
    const sample = realpathSync(join(process.env.CTL_PROJECT_ROOT, 'sample-data'));
    const shown = api.explorer.registry.entries.filter(
      (e) => e.source && realpathSync(e.source.label) === sample,
    );
    assert.equal(shown.length, 1, `the sample is shown ${shown.length} times`);
    const after = vscode.workspace.getConfiguration('cloudtrailLens').inspect('sources');
    assert.deepEqual(
      [after?.globalValue, after?.workspaceValue],
      [before?.globalValue, before?.workspaceValue],
    );
  });

  it('an installed extension generates the sample: a named trail over three accounts', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'ctl-it-sample-')), 'sample');
    try {
      await generateSample(dir);
      const catalog = new CloudTrailCatalog(new FolderSource(dir));
      const [location] = await catalog.roots();
      assert.equal(location.type, 'location');
      assert.deepEqual(location.type === 'location' && location.trails.map((t) => t.name), [
        'org-trail',
      ]);
      const top = (await catalog.children(location)).map((n) =>
        n.type === 'account' ? n.accountId : n.type === 'organization' ? n.organizationId : n.type,
      );
      assert.equal(top.length, 2, JSON.stringify(top));
      // Made once: a second call finds it complete and leaves it alone.
      const stamp = statSync(join(dir, 'AWSLogs')).mtimeMs;
      await generateSample(dir);
      assert.equal(statSync(join(dir, 'AWSLogs')).mtimeMs, stamp);
    } finally {
      rmSync(dirname(dir), { recursive: true, force: true });
    }
  });
});
