// What the investigator sees (issue 21), each fixed thing with a screenshot: failed calls marked
// in the table, the detail pane only when it shows something, digests validated only where there
// are digests, exports saved outside the evidence, one time zone, readable names.
import * as assert from 'node:assert/strict';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { bodyData, cells, openTimeline, settled } from './support/timeline';
import { openWorkbench, sampleFolder, waitUntil, Workbench } from './support/workbench';

/** The labels of the context menu a right-click on the explorer row starting with `row` opens. */
async function contextMenu(wb: Workbench, row: string): Promise<string[]> {
  const pane = await wb.view('Explorer');
  await pane.locator('.monaco-list-row').filter({ hasText: row }).first().click({ button: 'right' });
  const items = wb.page.locator('.monaco-menu .action-item:not(.disabled) .action-label');
  await items.first().waitFor({ state: 'visible' });
  return (await items.allInnerTexts()).map((t) => t.trim()).filter(Boolean);
}

describe('what the investigator sees', () => {
  it('marks failed calls in the table; the detail pane takes space only with an event, and a click after closing it shows the event', async function () {
    const wb = await openWorkbench(this);
    const view = await openTimeline(wb);
    // Nothing selected yet: no empty pane beside the table.
    assert.equal(await view.locator('aside.detail').isHidden(), true, 'the empty detail pane is shown');
    const filter = view.locator('.filter-input');
    let data = await bodyData(view);
    await filter.fill('errorCode:*');
    await filter.press('Enter');
    data = await settled(view, data.queryId);
    assert.ok(Number(data.matches) > 0, 'the sample has failed calls');
    const errorRows = view.locator('.row.error:not(.placeholder)');
    assert.equal(await errorRows.count(), await view.locator('.row:not(.placeholder)').count(), 'a failed call is not marked');
    // The mark: an icon before the first cell and a bar at the row's edge, in the theme's error colour.
    const mark = await errorRows.first().evaluate((row) => {
      const first = row.firstElementChild as HTMLElement;
      const icon = getComputedStyle(first, '::before');
      const probe = document.createElement('span');
      probe.style.color = 'var(--vscode-list-errorForeground, var(--vscode-errorForeground))';
      document.body.append(probe);
      const errorColour = getComputedStyle(probe).color;
      probe.remove();
      return { icon: icon.content, iconColour: icon.color, bar: getComputedStyle(row).boxShadow, errorColour, title: first.title };
    });
    assert.match(mark.icon, /✖/);
    assert.equal(mark.iconColour, mark.errorColour);
    assert.ok(mark.bar.includes(mark.errorColour), `bar ${mark.bar}`);
    assert.match(mark.title, /Failed: \S+/);
    assert.ok((await cells(view, 'errorCode')).every((c) => c !== ''));
    const widthBefore = (await view.locator('.table').boundingBox())!.width;
    await wb.step('failed calls marked, no empty detail pane');

    // A click shows the event; closing the pane gives the table its width back.
    await errorRows.first().click();
    await view.locator('.record-json').waitFor({ state: 'visible' });
    assert.ok((await view.locator('.table').boundingBox())!.width < widthBefore);
    await wb.step('event shown beside the table');
    await view.locator('.detail-close').click();
    await view.locator('aside.detail').waitFor({ state: 'hidden' });
    assert.ok(Math.abs((await view.locator('.table').boundingBox())!.width - widthBefore) < 2);
    await wb.step('pane closed');
    // One click on another row shows it again.
    const second = errorRows.nth(1);
    const name = (await second.locator('.col-eventName').textContent()) ?? '';
    await second.click();
    await view.locator('.record-json').waitFor({ state: 'visible' });
    assert.ok(((await view.locator('.record-json').textContent()) ?? '').includes(`"eventName": "${name}"`));
    await wb.step('single click after closing shows the event');
  });

  it('offers Validate Digests Here only where there are digests, uses the keys kept with the evidence, and says why when the key prompt is escaped', async function () {
    // The sample's signed bucket, and a copy of one day's logs with no digests beside it.
    const dir = mkdtempSync(join(tmpdir(), 'ctl-e2e-digests-'));
    const sample = sampleFolder();
    cpSync(join(sample, 'AWSLogs'), join(dir, 'AWSLogs'), { recursive: true });
    for (const f of ['cloudtrail-public-keys.json', 'cloudtrail-digest-signatures.json']) copyFileSync(join(sample, f), join(dir, f));
    const day = 'AWSLogs/o-a1b2c3d4e5/777788889999/CloudTrail/us-east-1/2024/05/14';
    mkdirSync(join(dir, 'unsigned', day), { recursive: true });
    for (const f of readdirSync(join(sample, day)).slice(0, 2)) copyFileSync(join(sample, day, f), join(dir, 'unsigned', day, f));
    try {
      const wb = await openWorkbench(this, dir);
      await wb.showViewContainer('CloudTrail');
      let rows: string[] = [];
      await waitUntil(async () => {
        rows = (await wb.viewRows('Explorer', 3, 60_000)).map((r) => r.text);
        // Counted (the menus depend on what the files are).
        return rows.some((t) => /^org-trail.* files · /.test(t)) && rows.some((t) => /^Not attributed to a trail.* files · /.test(t));
      }, 60_000, 'the two locations were not listed with their counts').catch((e: Error) => {
        throw new Error(`${e.message}: ${JSON.stringify(rows)}`);
      });
      const unsignedMenu = await contextMenu(wb, 'Not attributed to a trail');
      await wb.step('no digest validation where there are no digests');
      assert.ok(unsignedMenu.includes('Open Timeline'), JSON.stringify(unsignedMenu));
      assert.ok(!unsignedMenu.includes('Validate Digests Here'), `offered without digests: ${JSON.stringify(unsignedMenu)}`);
      await wb.page.keyboard.press('Escape');
      const signedMenu = await contextMenu(wb, 'org-trail');
      assert.ok(signedMenu.includes('Validate Digests Here'), JSON.stringify(signedMenu));
      await wb.step('digest validation offered on the trail');
      // The keys are in the folder: the report opens without asking for them.
      await wb.page.locator('.monaco-menu .action-label', { hasText: 'Validate Digests Here' }).click();
      await wb.page.locator('.tab', { hasText: 'Digest validation' }).first().waitFor({ state: 'visible', timeout: 60_000 });
      assert.equal(await wb.page.locator('.quick-input-widget').isVisible(), false, 'a prompt opened');
      assert.match(await wb.page.locator('.monaco-editor .view-lines').first().innerText(), /org-trail|VALID/);
      await wb.step('validated with the keys kept in the folder');

      // Without them it asks; Escape says what it needs.
      renameSync(join(dir, 'cloudtrail-public-keys.json'), join(dir, 'keys-elsewhere.json'));
      await contextMenu(wb, 'org-trail');
      await wb.page.locator('.monaco-menu .action-label', { hasText: 'Validate Digests Here' }).click();
      const prompt = wb.page.locator('.quick-input-widget');
      await prompt.waitFor({ state: 'visible', timeout: 30_000 });
      await wb.page.keyboard.press('Escape');
      await waitUntil(async () => (await wb.notifications()).some((n) => /Digest validation cancelled: it needs CloudTrail's public keys/.test(n)), 15_000, 'Escape on the key prompt gave no message');
      await wb.step('escape on the key prompt explains');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('suggests an export path outside the evidence, and saves when a typed path is confirmed with Enter', async function () {
    const wb = await openWorkbench(this);
    const view = await openTimeline(wb);
    const filter = view.locator('.filter-input');
    const data = await bodyData(view);
    await filter.fill('event:ConsoleLogin');
    await filter.press('Enter');
    const shown = await settled(view, data.queryId);
    await view.locator('.export-button').click();
    await view.locator('.export-csv').click();
    const input = wb.page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible', timeout: 30_000 });
    // The dialog fills its input in steps (the folder, then the name).
    let suggested = '';
    await waitUntil(async () => (suggested = await input.inputValue()).endsWith('.csv'), 15_000, 'the save dialog suggested no file name').catch((e: Error) => {
      throw new Error(`${e.message}: ${suggested}`);
    });
    await wb.step('export suggests a path outside the evidence');
    assert.match(suggested, /\/cloudtrail-events\.csv$/);
    const evidence = resolve(sampleFolder());
    assert.ok(!resolve(suggested).startsWith(evidence + '/'), `the export is suggested inside the evidence: ${suggested}`);
    // A path typed over the suggestion, then Enter.
    const out = mkdtempSync(join(tmpdir(), 'ctl-e2e-export-'));
    const file = join(out, 'logins.csv');
    try {
      // Typed as a person types (the dialog filters its list on every key).
      await input.fill('');
      await input.pressSequentially(file, { delay: 20 });
      await input.press('Enter');
      await waitUntil(async () => existsSync(file) && (await wb.notifications()).some((n) => n.startsWith('Exported ')), 30_000, `Enter in the save dialog did not save ${file}`);
      const lines = readFileSync(file, 'utf8').trimEnd().split(/\r?\n/);
      assert.equal(lines.length, Number(shown.matches) + 1, 'one header line and a line per matching event');
      await wb.step('saved after typing a path and pressing Enter');
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
