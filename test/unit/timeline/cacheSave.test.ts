// The timeline's index cache save goes on after its panel closes (timelinePanel.ts); a new load of
// the same scope waits for it (saveUnderway), so that it takes the index just saved rather than
// read every file again.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventIndex } from '../../../src/core/index/eventIndex';
import { InlineRunner } from '../../../src/core/ingest/pool';
import { FolderSource } from '../../../src/core/sources/folder';
import { generateBucket } from '../../../src/core/synthetic/generator';
import {
  loadScope,
  savesSettled,
  saveUnderway,
} from '../../../src/extension/timeline/timelineLoader';

describe('the timeline: a save under way and a new load of the same scope', function () {
  this.timeout(60_000);
  let dir: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ctl-cache-save-'));
    await generateBucket({ events: 400, out: join(dir, 'bucket'), seed: 3, eventsPerFile: 40 });
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const load = () =>
    loadScope(
      new EventIndex({ runner: new InlineRunner() }),
      new InlineRunner(),
      [{ source: new FolderSource(join(dir, 'bucket')) }],
      new AbortController().signal,
      () => {},
      undefined,
      undefined,
      undefined,
      { dir: join(dir, 'cache'), maxBytes: 1 << 30 },
    );

  it('waits for the save, then takes the index it saved', async () => {
    const first = await load();
    assert.equal(first.cache?.hits, 0);
    const files = first.cache?.misses ?? 0;
    assert.ok(files >= 5, `${files} files read`);
    let saved!: () => void;
    const run = new Promise<void>((resolve) => (saved = resolve));
    saveUnderway(first, run);
    const second = load(); // while the first load's save has not even begun
    await new Promise((resolve) => setTimeout(resolve, 50));
    for (const steps = first.persist!(); !steps.next().done;);
    saved();
    const reopened = await second;
    assert.equal(reopened.cache?.snapshot, true, 'the whole index from the snapshot just saved');
    assert.equal(reopened.cache?.hits, files);
    assert.equal(reopened.progress.events, first.progress.events);
  });

  it('says when every save under way has ended (Clear Index Cache waits for them)', async () => {
    const first = await load();
    let saved!: () => void;
    const run = new Promise<void>((resolve) => (saved = resolve));
    saveUnderway(first, run);
    let settled = false;
    const waiting = savesSettled().then(() => (settled = true));
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(settled, false, 'not while the save runs');
    saved();
    await waiting;
    assert.equal(settled, true);
    await savesSettled(); // none under way: at once
  });
});
