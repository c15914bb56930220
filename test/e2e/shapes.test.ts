// Evidence as it often arrives, in the real VS Code: a folder with a lookup-events JSONL, an
// EventBridge file, Kinesis Data Firehose's CloudWatch Logs payloads, a concatenation of
// delivered logs and a JSON file that is not CloudTrail (test/fixtures/shapes.ts). The explorer
// finds the folder by its content and lists the files; the timeline shows every event and says
// what each file was.
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { SHAPE_RECORDS, mixedFolder } from '../fixtures/shapes';
import { openWorkbench, waitUntil } from './support/workbench';

describe('evidence in every shape', () => {
  it("loads a mixed folder in the explorer and the timeline, with the right total and each file's notes", async function () {
    const dir = mkdtempSync(join(tmpdir(), 'ctl-e2e-mixed-'));
    const files = mixedFolder();
    for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
    try {
      const wb = await openWorkbench(this, dir);
      await wb.showViewContainer('CloudTrail');
      // No AWSLogs/ and no delivered file names: the folder is found by what its files hold.
      const top = await wb.viewRows('Explorer', 2, 60_000);
      assert.ok(top[0].text.startsWith(basename(dir)), JSON.stringify(top.map((r) => r.text)));
      await wb.clickRow('Explorer', 'Loose files');
      let rows: string[] = [];
      await waitUntil(
        async () => {
          rows = (await wb.viewRows('Explorer')).map((r) => r.text);
          return Object.keys(files).every((name) => rows.some((t) => t.includes(name)));
        },
        15_000,
        'the loose files are not all listed',
      ).catch((e: Error) => {
        throw new Error(`${e.message}: ${JSON.stringify(rows)}`);
      });
      await wb.step('explorer lists the mixed folder');

      await wb.runCommand('CloudTrail: Open Timeline');
      const view = wb.webview();
      await view
        .locator('body[data-ready="true"][data-loading="false"][data-busy="false"]')
        .waitFor({ state: 'attached', timeout: 90_000 });
      await view.locator('.row:not(.placeholder)').first().waitFor({ state: 'visible' });
      const data = await view.locator('body').evaluate((b) => ({ ...(b as HTMLElement).dataset }));
      assert.equal(Number(data.total), SHAPE_RECORDS.length);
      assert.equal(
        await view.locator('.match-count').textContent(),
        `${SHAPE_RECORDS.length} events`,
      );
      // The one event without a time is listed last, marked.
      const times = await view.locator('.row:not(.placeholder) .col-time').allTextContents();
      assert.equal(times.at(-1), '⚠ no time');
      // Each file's notes: what it is, and the one that is not CloudTrail, not read and why.
      await view.locator('.file-notes-summary').click();
      const notes = await view.locator('.file-note').allTextContents();
      for (const expected of [
        /^lookup-events\.jsonl 2 lookup-events Event objects, one per line/,
        /^eventbridge\.json 2 EventBridge events \("AWS API Call via CloudTrail"\)/,
        /^cloudwatch-logs-firehose\.json\.gz 2 CloudWatch Logs subscription payloads back to back/,
        /^cloudwatch-logs-firehose\.json\.gz 1 CONTROL_MESSAGE payload skipped/,
        /^all-logs\.json 2 delivered log files/,
        /^all-logs\.json 1 event without a readable eventTime/,
        /^s3-event-notification\.json not read: not CloudTrail: an AWS event notification \("eventSource": "aws:s3"\)/,
      ]) {
        assert.ok(
          notes.some((n) => expected.test(n)),
          `no note ${expected}: ${JSON.stringify(notes)}`,
        );
      }
      assert.match(
        (await view.locator('.file-notes-summary').textContent()) ?? '',
        /^Files: 7 notes$/,
      );
      await wb.step('timeline with every event and the notes of each file');
      // The list closes like a menu: Escape (or a click elsewhere).
      await view.locator('body').press('Escape');
      await view.locator('.file-notes-list').waitFor({ state: 'hidden' });

      // A query warning shows under the filter box; an anonymous caller is found as one.
      const filter = view.locator('.filter-input');
      await filter.fill('principal:anonymous or usr:x');
      await filter.press('Enter');
      await view.locator('.filter-warnings:not([hidden])').waitFor({ state: 'visible' });
      const warnings = await view.locator('.filter-warning').allTextContents();
      assert.deepEqual(
        warnings.map((w) => w.split(':')[0]),
        ['or', 'usr'],
      );
      await wb.step('filter warnings under the box');
      await filter.fill('principal:anonymous');
      await filter.press('Enter');
      await waitUntil(
        async () => (await view.locator('body').getAttribute('data-matches')) === '1',
        15_000,
        'principal:anonymous does not find the anonymous caller',
      );
      assert.deepEqual(
        await view.locator('.row:not(.placeholder) .col-principal').allTextContents(),
        ['anonymous'],
      );
      await wb.step('anonymous caller and a filter warning');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
