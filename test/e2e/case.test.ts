// Issue 18 in a real VS Code: star and tag two events in the timeline, filter on the tag, close
// and reopen the timeline and find them again (the case file on disk holds them); note one with
// hostile HTML; export the evidence report as HTML (detections, custody) and open it in Chromium:
// nothing is requested, the note is text. Screenshots in test-output/e2e/.
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FrameLocator } from 'playwright-core';
import { openWorkbench, sampleFolder, waitUntil, Workbench } from './support/workbench';
import { bodyData, cells, openTimeline, settled } from './support/timeline';

/** A note that would run, load or link if it were not escaped. */
const HOSTILE_NOTE =
  '<img src=x onerror=alert(1)><script>alert(2)</script><a href="https://evil.example/">link</a>';

/** Answers the quick input the host opened (a tag, a quick pick item) and waits for it to close. */
async function answer(wb: Workbench, text: string, pick?: string): Promise<void> {
  const input = wb.page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  if (pick) {
    await input.fill(pick);
    await wb.page
      .locator('.quick-input-list .monaco-list-row')
      .filter({ hasText: pick })
      .first()
      .click();
  } else {
    await input.fill(text);
    await input.press('Enter');
  }
  await input.waitFor({ state: 'hidden' });
}

/** Filters the timeline on tag:exfil and checks it shows the two events tagged, starred. */
async function showsTheTwo(view: FrameLocator, queryId: string | undefined): Promise<void> {
  const filter = view.locator('.filter-input');
  await filter.fill('tag:exfil');
  await filter.press('Enter');
  const data = await settled(view, queryId);
  assert.equal(Number(data.matches), 2);
  assert.deepEqual(await cells(view, 'tag'), ['★ exfil', '★ exfil']);
}

/** Picks an item of the quick pick titled `title` (or of the one open) without waiting for it to close. */
async function pick(wb: Workbench, title: string | undefined, item: string): Promise<void> {
  const row = wb.page
    .locator('.quick-input-list .monaco-list-row')
    .filter({ hasText: item })
    .first();
  if (title)
    await wb.page
      .locator(`.quick-input-widget input[aria-label="${title}"]`)
      .waitFor({ state: 'visible' });
  await row.waitFor({ state: 'visible' });
  await row.click();
}

describe('case: annotations and the evidence report', () => {
  const caseDir = join(sampleFolder(), '.cloudtrail-lens');
  const reportFile = join(sampleFolder(), 'evidence-report.html');
  const cleanUp = () => {
    rmSync(caseDir, { recursive: true, force: true });
    rmSync(reportFile, { force: true });
  };
  before(cleanUp);
  after(cleanUp);

  it('stars and tags two events, filters tag:, finds them after reopening, exports the HTML report', async function () {
    this.timeout(300_000);
    // The sample's public keys in the user settings, for the report's digest validation (the
    // hooks put the settings back after the test).
    const settingsFile = process.env.CTL_E2E_SETTINGS_FILE!;
    const settings = existsSync(settingsFile) ? JSON.parse(readFileSync(settingsFile, 'utf8')) : {};
    writeFileSync(
      settingsFile,
      JSON.stringify(
        {
          ...settings,
          'cloudtrailLens.publicKeys': [join(sampleFolder(), 'cloudtrail-public-keys.json')],
        },
        null,
        2,
      ),
    );
    const wb = await openWorkbench(this);
    let view = await openTimeline(wb);
    const data = await bodyData(view);

    // Two events: the first row, and the third added with Ctrl-click; S stars both, T tags both.
    const rows = view.locator('.row:not(.placeholder)');
    await rows.nth(0).click();
    await rows.nth(2).click({ modifiers: ['Control'] });
    assert.equal(await view.locator('.row.marked').count(), 2);
    const ids = await view
      .locator('.row.marked')
      .evaluateAll((els) =>
        els.map(
          (e) => JSON.parse((e as HTMLElement).dataset.vscodeContext ?? '{}').rowId as number,
        ),
      );
    await view.locator('.table-viewport').press('s');
    await waitUntil(
      async () => (await cells(view, 'tag')).filter((c) => c === '★').length === 2,
      30_000,
      'the two events were not starred',
    );
    await view.locator('.table-viewport').press('t');
    await answer(wb, 'exfil');
    await waitUntil(
      async () => (await cells(view, 'tag')).filter((c) => c === '★ exfil').length === 2,
      30_000,
      'the two events were not tagged',
    );
    assert.deepEqual(ids.length, 2);
    await wb.step('two events starred and tagged');

    // The case file on disk: two annotations, one per line, with who and when.
    const caseFile = join(caseDir, 'case.json');
    const text = readFileSync(caseFile, 'utf8');
    const entries = text.split('\n').filter((l) => l.trim().startsWith('{"eventTime"'));
    assert.equal(entries.length, 2, text);
    for (const e of entries) {
      const a = JSON.parse(e.trim().replace(/,$/, ''));
      assert.equal(a.starred, true);
      assert.deepEqual(a.tags, ['exfil']);
      assert.ok(a.by && a.at && a.key && a.eventID, e);
    }

    // Filter on the tag.
    await showsTheTwo(view, data.queryId);
    await wb.step('filtered tag:exfil');

    // Close the timeline and open it again: a new index, the annotations found again.
    await wb.runCommand('View: Close All Editors');
    await wb.page.locator('iframe.webview.ready').waitFor({ state: 'detached' });
    view = await openTimeline(wb);
    await showsTheTwo(view, (await bodyData(view)).queryId);
    await wb.step('reopened: tag:exfil finds both');

    // The Case view lists the tag with its count.
    await wb.showViewContainer('CloudTrail');
    const caseRows = await wb.viewRows('Case', 3);
    assert.ok(
      caseRows.some((r) => /^exfil ?2$/.test(r.text)),
      JSON.stringify(caseRows),
    );
    await wb.step('the Case view');

    // A note on the first of the two (N), written as an attacker would write log content: the
    // report must show it as text.
    const filterBox = view.locator('.filter-input');
    await view.locator('.row:not(.placeholder)').nth(0).click();
    await view.locator('.table-viewport').press('n');
    await answer(wb, HOSTILE_NOTE);
    await waitUntil(
      async () => (await cells(view, 'tag')).includes('★ exfil ✎'),
      30_000,
      'the note did not reach the Case column',
    );
    assert.equal(await filterBox.inputValue(), 'tag:exfil');
    await wb.step('a note on the first event');

    // The evidence report, as HTML, its custody validated with the sample's public keys.
    // (One quick input follows another, so the palette's helper, which waits for it to close, is not used.)
    await wb.page.keyboard.press('F1');
    const input = wb.page.locator('.quick-input-widget input');
    await input.fill('>CloudTrail: Export Evidence Report');
    await wb.page
      .locator('.quick-input-list .monaco-list-row')
      .filter({ hasText: 'Export Evidence Report' })
      .first()
      .click();
    await pick(wb, 'Evidence report format', 'HTML (one self-contained file)');
    await pick(wb, 'Events in the evidence report', 'The starred, tagged or noted events (2)');
    // The save dialog (VS Code's own in the browser) proposes evidence-report.html in the folder.
    await waitUntil(
      async () => /evidence-report\.html$/.test(await input.inputValue()),
      30_000,
      'the save dialog did not propose evidence-report.html',
    );
    await input.press('Enter');
    await waitUntil(async () => existsSync(reportFile), 60_000, 'the report was not written');
    const html = readFileSync(reportFile, 'utf8');
    assert.match(html, /<title>CloudTrail evidence report<\/title>/);
    assert.match(html, /2 events, 2 starred/);
    assert.equal((html.match(/<section class="event">/g) ?? []).length, 2);
    assert.match(html, /Chain of custody/);
    assert.doesNotMatch(html, /Digest validation was not run/);
    assert.equal((html.match(/<tr><td>\d+<\/td>/g) ?? []).length >= 1, true);
    assert.match(html, /<td><span class="v-(valid|invalid|unverified-offline|not-covered)">/);
    // The detections: the built-in pack ran over the reported events (hit or not).
    assert.match(
      html,
      /<dt>Detections<\/dt><dd>(no hit \(\d+ rules run\)|\d+ rules? hit on [12] events? \(\d+ run\))/,
    );
    assert.ok(
      html.includes(
        '&#60;img src=x onerror=alert(1)&#62;&#60;script&#62;alert(2)&#60;/script&#62;',
      ),
      'the note is escaped in the file',
    );

    // Opened in Chromium as a file: it loads nothing from anywhere.
    const page = await wb.page.context().newPage();
    const requests: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    const dialogs: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await page.goto(`file://${reportFile}`);
    await page.locator('h1').waitFor({ state: 'visible' });
    // The hostile note is text on the page: no element of it exists, nothing ran or loaded.
    assert.equal(
      await page.locator('body img, body script, body a, body iframe, body object').count(),
      0,
    );
    assert.ok((await page.locator('.note').first().innerText()).includes(HOSTILE_NOTE));
    assert.deepEqual(dialogs, []);
    assert.deepEqual(requests, [`file://${reportFile}`]);
    const shot = join(wb.shotsDir, 'evidence-report.png');
    await page.screenshot({ path: shot, fullPage: true });
    await page.close();
  });
});
