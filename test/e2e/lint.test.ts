// Linting trails where they are written, as a person sees it: the sample's CloudFormation YAML
// template and Terraform file (test/fixtures/lint/sample-trail-template.yaml, sample-trail.tf;
// code-server has no Terraform extension, so the .tf file is plain text) opened from Quick Open,
// their findings in the Problems panel, and a quick fix applied from the editor with Ctrl+. — the
// fix written in the file's own syntax. The workbench saves edits by itself (auto save), so the
// two files are put back as the sample makes them before and after each test.
import * as assert from 'node:assert/strict';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { openWorkbench, sampleFolder, waitUntil, type Workbench } from './support/workbench';

const FIXTURES = join(__dirname, '..', 'fixtures', 'lint');

function restoreSampleFiles(): void {
  copyFileSync(
    join(FIXTURES, 'sample-trail-template.yaml'),
    join(sampleFolder(), 'trail-template.yaml'),
  );
  copyFileSync(join(FIXTURES, 'sample-trail.tf'), join(sampleFolder(), 'trail.tf'));
}

async function quickOpen(page: Page, name: string): Promise<Locator> {
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  await input.fill(name);
  await page
    .locator('.quick-input-list .monaco-list-row')
    .filter({ hasText: name })
    .first()
    .waitFor({ state: 'visible' });
  await page.keyboard.press('Enter');
  await page
    .locator('.tabs-container .tab', { hasText: name })
    .first()
    .waitFor({ state: 'visible' });
  const editor = page.locator('.editor-instance .monaco-editor').first();
  await editor.locator('.view-lines').waitFor({ state: 'visible' });
  return editor;
}

/** The Problems panel's rows for the file open in the editor, once `expected` are all there. */
async function problems(wb: Workbench, expected: string[]): Promise<string[]> {
  const rows = wb.page.locator('.markers-panel .monaco-list-row');
  let texts: string[] = [];
  await waitUntil(
    async () => {
      texts = (await rows.allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
      return expected.every((e) => texts.some((t) => t.includes(e)));
    },
    30_000,
    `the Problems panel does not show ${JSON.stringify(expected)}`,
  ).catch((e: Error) => {
    throw new Error(`${e.message}; it shows ${JSON.stringify(texts)}`);
  });
  return texts;
}

/** Clicks a problem (the editor selects its range), opens the quick fixes with Ctrl+. and picks `title`. */
async function applyQuickFix(wb: Workbench, problem: string, title: string): Promise<void> {
  const { page } = wb;
  // Enter on a problem opens it in the editor, its range selected and the editor focused.
  await page
    .locator('.markers-panel .monaco-list-row')
    .filter({ hasText: problem })
    .first()
    .click();
  await page.keyboard.press('Enter');
  await page
    .locator('.editor-instance .monaco-editor.focused')
    .first()
    .waitFor({ state: 'visible' });
  // On a loaded machine the first Ctrl+. can come before the editor has asked for the actions at
  // the selection: press it again until the menu shows, as a person would.
  const menu = page.locator('.action-widget').first();
  await waitUntil(
    async () => {
      if (await menu.isVisible()) return true;
      await page.keyboard.press('Control+.');
      return menu.waitFor({ state: 'visible', timeout: 3_000 }).then(
        () => true,
        () => false,
      );
    },
    30_000,
    `no quick-fix menu for ${problem}`,
  );
  await wb.step(`quick fixes offered for ${problem}`);
  const item = page.locator('.action-widget .monaco-list-row').filter({ hasText: title }).first();
  await item.waitFor({ state: 'visible' }).catch(async (e: Error) => {
    throw new Error(
      `${e.message}; offered: ${JSON.stringify(await page.locator('.action-widget .monaco-list-row').allInnerTexts())}`,
    );
  });
  await item.click();
}

/** The editor's text, with the non-breaking spaces it renders as spaces. */
const editorText = async (editor: Locator): Promise<string> =>
  (await editor.locator('.view-lines').innerText()).replace(/\u00a0/g, ' ');

describe('trail configuration lint in YAML and Terraform', () => {
  beforeEach(restoreSampleFiles);
  afterEach(restoreSampleFiles);

  it('a CloudFormation YAML template: findings in the Problems panel, IsMultiRegionTrail fixed in YAML', async function () {
    const wb = await openWorkbench(this);
    const editor = await quickOpen(wb.page, 'trail-template.yaml');
    await wb.runCommand('Problems: Focus on Problems View');
    const rows = await problems(wb, [
      'not-multi-region',
      'equals-only-field',
      's3-data-events-incomplete',
    ]);
    // The suppression comment keeps no-cloudwatch-logs out.
    assert.ok(!rows.some((r) => r.includes('no-cloudwatch-logs')), JSON.stringify(rows));
    assert.ok(
      rows.some((r) => r.includes('not-multi-region') && /\[Ln 19, Col 27\]/.test(r)),
      JSON.stringify(rows),
    );
    await wb.step('template findings in the Problems panel');

    await applyQuickFix(wb, 'not-multi-region', 'Make the trail multi-Region');
    await waitUntil(
      async () => (await editorText(editor)).includes('IsMultiRegionTrail: true'),
      15_000,
      'the fix did not write IsMultiRegionTrail: true',
    );
    await waitUntil(
      async () =>
        !(await wb.page.locator('.markers-panel .monaco-list-row').allInnerTexts()).some((t) =>
          t.includes('not-multi-region'),
        ),
      15_000,
      'not-multi-region still in the Problems panel',
    );
    await wb.step('IsMultiRegionTrail fixed, gone from Problems');
  });

  it('a Terraform file (plain text, no Terraform extension): findings in the Problems panel, the S3 ARN fixed in HCL', async function () {
    const wb = await openWorkbench(this);
    const editor = await quickOpen(wb.page, 'trail.tf');
    await wb.runCommand('Problems: Focus on Problems View');
    const rows = await problems(wb, [
      'log-file-validation-off',
      'no-cloudwatch-logs',
      'data-resource-arn',
    ]);
    assert.ok(
      rows.some((r) => r.includes('data-resource-arn') && /\[Ln 21, Col 17\]/.test(r)),
      JSON.stringify(rows),
    );
    await wb.step('Terraform findings in the Problems panel');

    await applyQuickFix(wb, 'data-resource-arn', 'Add the trailing slash');
    await waitUntil(
      async () => (await editorText(editor)).includes('"arn:aws:s3:::payments-ledger/"'),
      15_000,
      'the fix did not add the slash',
    );
    await applyQuickFix(wb, 'log-file-validation-off', 'Turn on log file validation');
    await waitUntil(
      async () => /enable_log_file_validation += true/.test(await editorText(editor)),
      15_000,
      'the fix did not write enable_log_file_validation = true',
    );
    await waitUntil(
      async () => {
        const texts = await wb.page.locator('.markers-panel .monaco-list-row').allInnerTexts();
        return !texts.some(
          (t) => t.includes('data-resource-arn') || t.includes('log-file-validation-off'),
        );
      },
      15_000,
      'the fixed findings are still in the Problems panel',
    );
    await wb.step('Terraform fixed, gone from Problems');
  });
});
