// The persisted index in the real VS Code (issue 15 §2): a timeline closed and opened again on
// the same scope comes from the index cache in the extension's storage, with the same events;
// a file added meanwhile is read, the others are not.
import * as assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import * as vscode from 'vscode';
import { generateBucket } from '../../src/core/synthetic/generator';
import type { TimelinePanel } from '../../src/extension/timeline/timelinePanel';
import type { IndexTimelineData } from '../../src/extension/timeline/indexAdapter';
import { waitForActivation } from './support/host';

describe('timeline: the index cache', function () {
  this.timeout(120_000);
  let dir: string;

  before(async () => {
    await waitForActivation();
    dir = mkdtempSync(join(tmpdir(), 'ctl-index-cache-'));
    await generateBucket({ events: 600, out: dir, seed: 11, eventsPerFile: 50 });
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    rmSync(dir, { recursive: true, force: true });
  });

  async function open(): Promise<{
    panel: TimelinePanel;
    count: number;
    hits: number;
    misses: number;
  }> {
    const panel = await vscode.commands.executeCommand<TimelinePanel>(
      'cloudtrailLens.openTimeline',
      { source: { type: 'folder', path: dir } },
    );
    assert.ok(panel, 'the command returned no panel');
    await panel.loaded;
    const data = (panel as unknown as { data: IndexTimelineData }).data;
    const count = (await data.query('', null, 'asc')).size;
    const cache = panel.lastLoad?.cache;
    assert.ok(cache, 'the load used the index cache');
    panel.dispose();
    return { panel, count, hits: cache.hits, misses: cache.misses };
  }

  it('a reopened timeline reads only what changed and shows the same events', async () => {
    const first = await open();
    assert.equal(first.hits, 0);
    assert.ok(first.misses >= 10, `${first.misses} files read`);
    const second = await open();
    assert.deepEqual([second.hits, second.misses, second.count], [first.misses, 0, first.count]);
    writeFileSync(
      join(dir, 'extra.jsonl'),
      JSON.stringify({
        eventVersion: '1.08',
        eventTime: '2024-05-14T10:00:00Z',
        eventName: 'StopLogging',
        eventSource: 'cloudtrail.amazonaws.com',
        eventID: 'extra-1',
      }),
    );
    const third = await open();
    assert.deepEqual([third.hits, third.misses, third.count], [first.misses, 1, first.count + 1]);
  });

  it('saves the index once the loaded timeline is shown, without waiting for the panel to close', async () => {
    const openPanel = async () => {
      const panel = await vscode.commands.executeCommand<TimelinePanel>(
        'cloudtrailLens.openTimeline',
        { source: { type: 'folder', path: dir } },
      );
      await panel.loaded;
      const pack = panel.lastLoad?.cache?.path ?? '';
      assert.ok(pack.endsWith('.ctlindex'), `the pack: ${pack}`);
      return { panel, pack, snapshot: pack.replace(/\.ctlindex$/, '.ctlsnap') };
    };
    const first = await openPanel();
    first.panel.dispose();
    // The save goes on after the panel closes: both files are there once it is done.
    const saved = Date.now() + 20_000;
    const temporary = () => readdirSync(dirname(first.pack)).some((n) => n.endsWith('.tmp'));
    while ((!existsSync(first.snapshot) || temporary()) && Date.now() < saved)
      await new Promise((r) => setTimeout(r, 50));
    assert.ok(existsSync(first.pack) && existsSync(first.snapshot), 'saved after the panel closed');
    rmSync(first.pack, { force: true });
    rmSync(first.snapshot, { force: true });
    // Every file is read again; the panel stays open.
    const second = await openPanel();
    try {
      const deadline = Date.now() + 20_000;
      while (!existsSync(second.snapshot) && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 100));
      assert.ok(existsSync(second.snapshot), 'the snapshot is written while the panel is open');
    } finally {
      second.panel.dispose();
    }
  });
});
