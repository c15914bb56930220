// Reading a log file as a person does: a .json.gz from the sample opened from Quick Open goes
// through the extension's editor association to the decompressed, pretty-printed document, with
// code lenses saying who acted and what the call did, a hover explaining a field, and a lens
// opening the timeline filtered to its event name. Screenshots of each step land in test-output/e2e/.
import * as assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { openWorkbench, sampleFolder, waitUntil } from './support/workbench';

function firstLogFile(dir: string): string | undefined {
  for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
    a.name.localeCompare(b.name),
  )) {
    const p = join(dir, e.name);
    if (e.isDirectory() && e.name !== 'CloudTrail-Digest') {
      const found = firstLogFile(p);
      if (found) return found;
    } else if (e.isFile() && /_CloudTrail_.*\.json\.gz$/.test(e.name)) return p;
  }
  return undefined;
}

describe('reading a CloudTrail log file', () => {
  it('opens a .json.gz readable, with lenses over every record and hovers on fields', async function () {
    const file = firstLogFile(sampleFolder());
    assert.ok(file, 'the sample folder holds no CloudTrail log file');
    const name = basename(file);
    const wb = await openWorkbench(this);
    const { page } = wb;

    // Quick Open: the same path as a double-click in the explorer (the default editor of *.json.gz).
    await wb.contributionsRegistered();
    await page.keyboard.press('F1');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible' });
    await input.fill(name);
    await page
      .locator('.quick-input-list .monaco-list-row')
      .filter({ hasText: name })
      .first()
      .waitFor({ state: 'visible' });
    await page.keyboard.press('Enter');

    const editor = page.locator('.editor-instance .monaco-editor').first();
    await page
      .locator('.tabs-container .tab', { hasText: name })
      .first()
      .waitFor({ state: 'visible', timeout: 30_000 });
    await editor.locator('.view-lines').waitFor({ state: 'visible' });
    await waitUntil(
      async () => (await editor.locator('.view-line').first().innerText()).trim() === '{',
      30_000,
      'the document does not start with a pretty-printed "{"',
    );

    // Lenses appear once VS Code has resolved the visible ones.
    const lenses = editor.locator('.contentWidgets .codelens-decoration');
    let texts: string[] = [];
    await waitUntil(
      async () => (texts = await lenses.allInnerTexts()).some((t) => / — /.test(t)),
      30_000,
      'no resolved code lens appeared',
    ).catch((e: Error) => {
      throw new Error(`${e.message}; lenses: ${JSON.stringify(texts)}`);
    });
    await wb.step('log opened readable, with lenses');
    const who = texts.filter((t) =>
      /^(IAM user|Assumed role|Root user|AWS service|IAM Identity Center user|Federated user|Another AWS account|Anonymous)/.test(
        t.trim(),
      ),
    );
    const what = texts.filter((t) => /^[a-z0-9-]+:[A-Za-z0-9]+ — /.test(t.trim()));
    assert.ok(who.length > 0, `no "who acted" lens among ${JSON.stringify(texts)}`);
    assert.ok(what.length > 0, `no "what the call did" lens among ${JSON.stringify(texts)}`);

    // Hovers: a value decoded (time in UTC, the setting's zone being UTC here), a field name explained.
    // Several hover widgets exist (editor, lens, glyph margin): read them all.
    // Text from the log is rendered with non-breaking spaces: read them as spaces.
    const hoverText = async (): Promise<string> =>
      (
        await page
          .locator('.monaco-hover')
          .allInnerTexts()
          .catch(() => [])
      )
        .join('\n')
        .replace(/\u00a0/g, ' ');
    const value = editor
      .locator('.view-line span span')
      .filter({ hasText: /^"\d{4}-\d\d-\d\dT[\d:]+Z"$/ })
      .first();
    await value.hover();
    await waitUntil(
      async () => /UTC: \d{4}-\d\d-\d\d [\d:]+Z/.test(await hoverText()),
      15_000,
      'hovering an eventTime value decoded nothing',
    );
    await wb.step('hover decodes a time');
    await page.mouse.move(1200, 880);
    const key = editor
      .locator('.view-line span span')
      .filter({ hasText: /^"eventSource"$/ })
      .first();
    await key.hover();
    await waitUntil(
      async () => (await hoverText()).includes('The service the request was made to'),
      15_000,
      'hovering "eventSource" explained nothing',
    );
    await wb.step('hover explains eventSource');

    // Typing changes nothing: the document is read-only.
    const before = await editor.locator('.view-line').first().innerText();
    await editor.locator('.view-line').first().click();
    await page.keyboard.type('x');
    assert.equal(await editor.locator('.view-line').first().innerText(), before);

    // A "what the call did" lens filters the timeline to its event name: a new timeline opens on
    // the workspace with that filter in its box and only those events in its rows.
    const operation = /^[a-z0-9-]+:([A-Za-z0-9]+) — /.exec(what[0].trim())![1];
    await lenses.filter({ hasText: what[0].trim() }).first().locator('a').first().click();
    await page
      .locator('.quick-input-list .monaco-list-row', {
        hasText: 'Filter timeline to this event name',
      })
      .first()
      .click();
    const view = wb.webview();
    await view
      .locator('body[data-ready="true"][data-loading="false"][data-busy="false"]')
      .waitFor({ state: 'attached', timeout: 90_000 });
    await view.locator('.row:not(.placeholder)').first().waitFor({ state: 'visible' });
    assert.equal(await view.locator('.filter-input').inputValue(), `event:${operation}`);
    const names = await view.locator('.row:not(.placeholder) .col-eventName').allTextContents();
    assert.ok(
      names.length > 0 && names.every((n) => n === operation),
      `rows not filtered to ${operation}: ${JSON.stringify(names.slice(0, 5))}`,
    );
    assert.match(
      (await view.locator('.match-count').textContent()) ?? '',
      /^[\d,]+ of [\d,]+ events match$/,
    );
    await wb.step('lens filtered the timeline');
  });
});
