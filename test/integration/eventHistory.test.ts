// An Event history source in the real VS Code, against the loopback CloudTrail server
// (LookupEvents): it shows in the explorer without looking anything up, and a timeline opened on
// it with a filter sends the filter's narrowest exact term to the API, one attribute per call,
// and every event looked up is in the timeline (where the whole filter runs).
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { CloudTrailLensApi } from '../../src/extension/extension';
import type { TimelinePanel } from '../../src/extension/timeline/timelinePanel';
import { generateBucket } from '../../src/core/synthetic/generator';
import { EventIndex } from '../../src/core/index/eventIndex';
import { loadEventFiles } from '../../src/core/ingest/load';
import { InlineRunner } from '../../src/core/ingest/pool';
import { discover } from '../../src/core/sources/discover';
import { FolderSource } from '../../src/core/sources/folder';
import { TestAwsQueryServer } from '../support/awsQueryServer';
import { waitFor, waitForActivation } from './support/host';

describe('Event history source (loopback LookupEvents)', function () {
  this.timeout(90_000);
  let api: CloudTrailLensApi;
  let server: TestAwsQueryServer;
  let dir: string;
  let records: Array<Record<string, unknown>>;
  const env: Record<string, string | undefined> = {};

  before(async () => {
    api = await waitForActivation<CloudTrailLensApi>();
    await api.explorer.ready;
    dir = mkdtempSync(join(tmpdir(), 'ctl-history-ide-'));
    await generateBucket({ events: 400, out: dir, seed: 77 });
    const index = new EventIndex({ runner: new InlineRunner() });
    await loadEventFiles(index, new InlineRunner(), (await discover(new FolderSource(dir))).events);
    records = (await index.rawRecords(Array.from({ length: index.size }, (_, i) => i))).map((t) =>
      JSON.parse(t),
    );
    server = await new TestAwsQueryServer().start();
    server.lookupEvents = records
      .filter((r) => r.awsRegion === 'us-east-1')
      .map((record) => ({ region: 'us-east-1', record }));
    for (const [k, v] of Object.entries({
      AWS_ACCESS_KEY_ID: 'AKIAHISTORYTEST00001',
      AWS_SECRET_ACCESS_KEY: 'historyFakeSecret/0123456789abcdefghijkl',
      AWS_SESSION_TOKEN: undefined,
      AWS_PROFILE: undefined,
    })) {
      env[k] = process.env[k];
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    await vscode.workspace
      .getConfiguration('cloudtrailLens')
      .update(
        'sources',
        [{ type: 'event-history', regions: ['us-east-1'], endpoint: server.endpoint }],
        vscode.ConfigurationTarget.Global,
      );
  });

  after(async () => {
    await vscode.workspace
      .getConfiguration('cloudtrailLens')
      .update('sources', undefined, vscode.ConfigurationTarget.Global);
    for (const [k, v] of Object.entries(env)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    await server?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("shows in the explorer and opens in the timeline with the filter's narrowest term sent to LookupEvents", async () => {
    const provider = api.explorer.provider;
    let source: Awaited<ReturnType<typeof provider.getChildren>>[number] | undefined;
    await waitFor(
      async () => {
        source = (await provider.getChildren()).find(
          (r) => r.kind === 'source' && r.entry.config.type === 'event-history',
        );
        return Boolean(source);
      },
      20_000,
      'the Event history source did not appear',
    );
    const item = provider.getTreeItem(source!);
    assert.equal(item.label, 'Event history (us-east-1)');
    assert.match(item.contextValue ?? '', /ctl-source-event-history/);
    assert.doesNotMatch(item.contextValue ?? '', /\bs3\b|\blocal\b/);
    const kids = await provider.getChildren(source!);
    assert.equal(kids.length, 1);
    assert.match(
      String(provider.getTreeItem(kids[0]).label),
      /Open the timeline to look up events/,
    );
    assert.equal(server.calls.length, 0, 'the explorer looked nothing up');

    const filter = 'eventName:AssumeRole -user:*deploy*';
    const times = records.map((r) => Date.parse(String(r.eventTime)));
    const range = { from: Math.min(...times), to: Math.max(...times) + 1 };
    const config = source!.kind === 'source' ? source!.entry.config : undefined;
    const panel = await vscode.commands.executeCommand<TimelinePanel | undefined>(
      'cloudtrailLens.openTimeline',
      { source: config, filter, range },
    );
    assert.ok(panel, 'no timeline opened');
    await panel.loaded;
    const calls = server.calls.filter((c) => c.target === 'CloudTrail_20131101.LookupEvents');
    assert.ok(calls.length >= 1);
    for (const c of calls)
      assert.deepEqual(c.body.LookupAttributes, [
        { AttributeKey: 'EventName', AttributeValue: 'AssumeRole' },
      ]);
    const looked = server.lookupEvents.filter((e) => e.record.eventName === 'AssumeRole').length;
    assert.ok(looked > 0);
    const indexed = panel.indexedFiles.reduce((n, f) => n + (f.events ?? 0), 0);
    assert.equal(indexed, looked, 'every looked-up event is in the timeline');
    assert.equal(
      panel.currentQuery.filter,
      filter,
      'the timeline shows the filter it was opened with',
    );
    // It holds only what was looked up, and says so: in its title, and under every result.
    assert.match(panel.panel.title, /EventName=AssumeRole/);
    const shown = await panel.timelineData.query('', null, 'asc');
    assert.match(
      (shown.notes ?? []).join(' '),
      /holds only the events with EventName = AssumeRole that Event history \(LookupEvents\) returned from /,
    );
    panel.dispose();
  });
});
