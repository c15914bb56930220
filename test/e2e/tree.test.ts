// The CloudTrail explorer as a person sees it: the activity bar's CloudTrail view lists the
// sample folder by itself, names the trail, and opens down to the log files of a day.
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { openWorkbench, sampleFolder, waitUntil } from './support/workbench';

describe('CloudTrail explorer view', () => {
  it('shows the sample folder down to the log files of a day, with counts', async function () {
    const wb = await openWorkbench(this);
    await wb.showViewContainer('CloudTrail');
    const top = (await wb.viewRows('Explorer', 3)).map((r) => r.text);
    assert.ok(
      top[0].startsWith(basename(sampleFolder())),
      `the first row is not the sample folder: ${JSON.stringify(top)}`,
    );
    assert.ok(
      top.some((t) => t.startsWith('org-trail')),
      `no trail row: ${JSON.stringify(top)}`,
    );
    assert.ok(
      top.some((t) => t.startsWith('Loose files')),
      `no loose files row: ${JSON.stringify(top)}`,
    );

    // Counts arrive in the background. (A row's text runs label and description together.)
    let seen: string[] = [];
    await waitUntil(
      async () => {
        seen = (await wb.viewRows('Explorer')).map((r) => r.text);
        return (
          seen.some((t) => /^org-trail\s*\d[\d,]* files · [\d.]+ (B|KiB|MiB)$/.test(t)) &&
          /workspace folder · \d[\d,]* files · /.test(seen[0])
        );
      },
      30_000,
      'the source and trail rows never showed their file counts and sizes',
    ).catch((e: Error) => {
      throw new Error(`${e.message}; rows: ${JSON.stringify(seen)}`);
    });
    await wb.step('sources and trail with counts');

    for (const row of ['org-trail', 'o-a1b2c3d4e5', '777788889999', 'us-east-1', '2024-05-14']) {
      await wb.clickRow('Explorer', row);
      await waitUntil(
        async () =>
          (await wb.viewRows('Explorer')).some(
            (r) => r.text.startsWith(row) && r.expanded === true,
          ),
        15_000,
        `${row} did not expand`,
      );
    }
    const isFile = (t: string) => /^\d\d:\d\d UTC\s*\w+ · [\d.]+ (B|KiB)$/.test(t);
    await waitUntil(
      async () => (await wb.viewRows('Explorer')).some((r) => isFile(r.text)),
      15_000,
      'the day shows no file rows',
    );
    const rows = await wb.viewRows('Explorer', 8);
    const files = rows.filter((r) => isFile(r.text));
    await wb.step('a day opened to its log files');
    assert.ok(files.length > 0, `no log file rows: ${JSON.stringify(rows.map((r) => r.text))}`);
    const day = rows.find((r) => r.text.startsWith('2024-05-14'));
    assert.ok(
      day && files.every((f) => f.level === day.level + 1),
      'the files are not the children of the day',
    );
    assert.match(day.text, /^2024-05-14\s*\d+ files · /);
  });

  it('welcomes an empty workspace and opens the sample the installed extension generates', async function () {
    const empty = mkdtempSync(join(tmpdir(), 'ctl-e2e-empty-'));
    // Not CloudTrail data; it gives the file explorer a row to show (the workbench is ready).
    writeFileSync(join(empty, 'notes.txt'), 'case notes');
    try {
      const wb = await openWorkbench(this, empty);
      await wb.showViewContainer('CloudTrail');
      const pane = await wb.view('Explorer');
      const welcome = pane.locator('.welcome-view-content');
      await welcome.waitFor({ state: 'visible' });
      assert.match(await welcome.innerText(), /No CloudTrail logs are open/);
      for (const button of ['Open Folder', 'Add Source', 'Open Sample']) {
        assert.equal(
          await welcome.getByRole('button', { name: button }).count(),
          1,
          `no "${button}" button`,
        );
      }
      await wb.step('welcome view');
      await welcome.getByRole('button', { name: 'Open Sample' }).click();
      const rows = await wb.viewRows('Explorer', 2, 90_000);
      await wb.step('generated sample');
      assert.ok(
        rows[0].text.startsWith('CloudTrail sample'),
        JSON.stringify(rows.map((r) => r.text)),
      );
      assert.ok(
        rows.some((r) => r.text.startsWith('org-trail')),
        JSON.stringify(rows.map((r) => r.text)),
      );
      await waitUntil(
        async () =>
          /^CloudTrail sample\s*sample data · \d[\d,]* files · /.test(
            (await wb.viewRows('Explorer'))[0].text,
          ),
        30_000,
        'the sample row never showed its total',
      );
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
