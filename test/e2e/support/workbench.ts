// Helpers for end-to-end tests: a real VS Code 1.139 (code-server, started by
// scripts/vscode/run-e2e.mjs with the packaged extension installed) driven in Chromium. Each
// test opens its own browser context on the workbench and saves a screenshot per step under
// test-output/e2e/<test>/ (see ../README.md).
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  chromium,
  type Browser,
  type BrowserContext,
  type FrameLocator,
  type Locator,
  type Page,
} from 'playwright-core';

const env = (name: string): string => {
  const value = process.env[name];
  if (!value)
    throw new Error(
      `${name} is not set: run the e2e tests with "node scripts/vscode/run-e2e.mjs" (or "npm test -- e2e")`,
    );
  return value;
};

/** The generated sample folder the server opens by default. */
export const sampleFolder = (): string => env('CTL_E2E_FOLDER');

let browser: Browser | undefined;
let current: Workbench | undefined;

async function sharedBrowser(): Promise<Browser> {
  browser ??= await chromium.launch({
    executablePath: env('CTL_E2E_CHROMIUM'),
    headless: true,
    args: JSON.parse(env('CTL_E2E_CHROMIUM_ARGS')) as string[],
    timeout: 60_000,
  });
  return browser;
}

function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 80);
}

export class Workbench {
  private stepNo = 0;

  constructor(
    readonly page: Page,
    private readonly context: BrowserContext,
    /** test-output/e2e/<test>/ */
    readonly shotsDir: string,
  ) {}

  /** Saves `NN-<name>.png` for this step of the test and returns its path. */
  async step(name: string): Promise<string> {
    this.stepNo += 1;
    const path = join(this.shotsDir, `${String(this.stepNo).padStart(2, '0')}-${slug(name)}.png`);
    await this.page.screenshot({ path });
    return path;
  }

  /**
   * Runs a command by its title as shown in the palette, e.g. "CloudTrail: Open Timeline".
   * Returns Date.now() just before its row was clicked (benchmarks time from there).
   */
  async runCommand(title: string): Promise<number> {
    const input = this.page.locator('.quick-input-widget input');
    if (!(await input.isVisible())) {
      await this.page.keyboard.press('F1');
      await input.waitFor({ state: 'visible' });
    }
    await input.fill(`>${title}`);
    const row = this.page
      .locator('.quick-input-list .monaco-list-row')
      .filter({ hasText: title })
      .first();
    await row.waitFor({ state: 'visible' });
    // The row's label must be exactly the title, not a longer command that merely contains it.
    const label = ((await row.getAttribute('aria-label')) ?? '').split(',')[0]?.trim();
    if (label !== title) throw new Error(`the command palette offers "${label}", not "${title}"`);
    const clicked = Date.now();
    await row.click();
    await input.waitFor({ state: 'hidden' });
    return clicked;
  }

  /**
   * Waits until VS Code has registered the extension's contributions, by the palette offering
   * one of its commands. Its editor for *.json.gz is known only from then on: a log opened in
   * a window's first moments went to the text editor once in CI (VS Code's own race, which a
   * person opening a file that early would meet too; opening it again then takes the editor).
   */
  async contributionsRegistered(): Promise<void> {
    const input = this.page.locator('.quick-input-widget input');
    await this.page.keyboard.press('F1');
    await input.waitFor({ state: 'visible' });
    await input.fill('>CloudTrail: Open Timeline');
    await this.page
      .locator('.quick-input-list .monaco-list-row')
      .filter({ hasText: 'CloudTrail: Open Timeline' })
      .first()
      .waitFor({ state: 'visible', timeout: 60_000 });
    await this.page.keyboard.press('Escape');
    await input.waitFor({ state: 'hidden' });
  }

  /** Clicks a view container in the activity bar (e.g. "Explorer", "CloudTrail"). */
  async showViewContainer(title: string): Promise<void> {
    const item = this.page
      .locator(`.part.activitybar .action-item a.action-label[aria-label^="${title}"]`)
      .first();
    await item.waitFor({ state: 'visible' });
    const parent = item.locator('xpath=..');
    if ((await parent.getAttribute('class'))?.includes('checked')) return;
    await item.click();
  }

  /**
   * The pane of a view in the visible side bar or panel, expanded. `title` is the view's name
   * as its header shows it (a view alone in its container has its header merged into the
   * container's title; the Extensions views are prefixed with where they are installed).
   */
  async view(title: string): Promise<Locator> {
    const panes = this.page.locator('.pane:visible');
    let index = -1;
    await waitUntil(
      async () => {
        index = await panes.evaluateAll(
          (els, wanted) =>
            els.findIndex((el) => {
              const header = el.querySelector(':scope > .pane-header');
              const label = header?.getAttribute('aria-label') ?? '';
              const shown = header?.querySelector('.title')?.textContent?.trim() ?? '';
              return (
                shown === wanted ||
                shown.endsWith(` - ${wanted}`) ||
                label === `${wanted} Section` ||
                label.startsWith(`${wanted} Section:`)
              );
            }),
          title,
        );
        return index >= 0;
      },
      30_000,
      `no visible view is titled "${title}"`,
    );
    const pane = panes.nth(index);
    const header = pane.locator(':scope > .pane-header');
    const merged = (await header.getAttribute('class'))?.includes('hidden');
    if (!merged && (await header.getAttribute('aria-expanded')) !== 'true') await header.click();
    return pane;
  }

  /**
   * A view's rows (tree or list), top to bottom as displayed, once it shows at least `atLeast`
   * of them.
   */
  async viewRows(title: string, atLeast = 1, timeoutMs = 30_000): Promise<ViewRow[]> {
    const pane = await this.view(title);
    const rows = pane.locator('.monaco-list-row');
    await waitUntil(
      async () => (await rows.count()) >= atLeast,
      timeoutMs,
      `the "${title}" view shows fewer than ${atLeast} row(s)`,
    );
    return rows.evaluateAll((els) =>
      els
        .map((el) => ({
          top: (el as HTMLElement).offsetTop,
          row: {
            text: ((el as HTMLElement).innerText ?? '').replace(/\s+/g, ' ').trim(),
            level: Number(el.getAttribute('aria-level') ?? 1),
            expanded:
              el.getAttribute('aria-expanded') === null
                ? undefined
                : el.getAttribute('aria-expanded') === 'true',
          },
        }))
        .sort((a, b) => a.top - b.top)
        .map((r) => r.row),
    );
  }

  /** Clicks the first row of a view whose text starts with `text` (expands a tree node). */
  async clickRow(viewTitle: string, text: string): Promise<void> {
    const pane = await this.view(viewTitle);
    const row = pane.locator('.monaco-list-row').filter({ hasText: text }).first();
    await row.click();
    // Away from the row, so its hover does not cover the rows the test reads next.
    await this.page.mouse.move(800, 880);
  }

  /** The document of the most recently shown webview (it sits two iframes deep). */
  webview(): FrameLocator {
    return this.page
      .frameLocator('iframe.webview.ready')
      .last()
      .frameLocator('iframe#active-frame');
  }

  /** Messages of the notification toasts currently shown. */
  async notifications(): Promise<string[]> {
    return this.page.locator('.notification-list-item-message').allInnerTexts();
  }

  async close(): Promise<void> {
    await this.context.close().catch(() => {});
  }
}

export interface ViewRow {
  /** What the row shows (label, description, badges), whitespace collapsed. */
  text: string;
  /** Depth in a tree, 1 for top-level rows. */
  level: number;
  /** For tree nodes with children: whether they are open. */
  expanded?: boolean;
}

export async function waitUntil(
  condition: () => Promise<boolean>,
  timeoutMs: number,
  message: string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`${message} after ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * Opens the workbench on `folder` (default: the sample) in a fresh browser context, waits
 * until it is ready and saves the first screenshot. The hooks in hooks.ts close it after the
 * test and, when the test failed, save `failed.png` beside the step screenshots.
 */
export async function openWorkbench(
  test: Mocha.Context,
  folder = sampleFolder(),
): Promise<Workbench> {
  const title = test.currentTest?.fullTitle() ?? test.test?.fullTitle() ?? 'untitled';
  const shotsDir = join(env('CTL_E2E_OUTPUT'), slug(title));
  rmSync(shotsDir, { recursive: true, force: true });
  mkdirSync(shotsDir, { recursive: true });
  const context = await (
    await sharedBrowser()
  ).newContext({ viewport: { width: 1400, height: 900 } });
  context.setDefaultTimeout(30_000);
  const page = await context.newPage();
  const wb = new Workbench(page, context, shotsDir);
  current = wb;
  const url = `${env('CTL_E2E_URL')}/?${new URLSearchParams({ folder })}`;
  await page.goto(url);
  await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: 60_000 });
  // The explorer's folder row shows once the remote file system answered.
  await page
    .locator('.explorer-folders-view .monaco-list-row')
    .first()
    .waitFor({ state: 'visible', timeout: 60_000 });
  await wb.step('workbench opened');
  return wb;
}

/** Called by hooks.ts after each test; returns the failure screenshot's path, if one was taken. */
export async function finishTest(failed: boolean): Promise<string | undefined> {
  const wb = current;
  current = undefined;
  if (!wb) return undefined;
  let shot: string | undefined;
  if (failed) {
    const path = join(wb.shotsDir, 'failed.png');
    shot = await wb.page.screenshot({ path }).then(
      () => path,
      () => undefined,
    );
  }
  await wb.close();
  return shot;
}

/**
 * The server's user settings as the run started. Settings a test changes (a theme, a setting
 * under test) live on the server and would carry over into the next test's window.
 */
let initialSettings: string | undefined;

export function rememberUserSettings(): void {
  const file = process.env.CTL_E2E_SETTINGS_FILE;
  initialSettings = file && existsSync(file) ? readFileSync(file, 'utf8') : undefined;
}

export function restoreUserSettings(): void {
  const file = process.env.CTL_E2E_SETTINGS_FILE;
  if (!file || initialSettings === undefined) return;
  if (!existsSync(file) || readFileSync(file, 'utf8') !== initialSettings)
    writeFileSync(file, initialSettings);
}

/** Called by hooks.ts after all tests. */
export async function closeBrowser(): Promise<void> {
  await browser?.close().catch(() => {});
  browser = undefined;
}
