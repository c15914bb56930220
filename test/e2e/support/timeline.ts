// The timeline webview as the e2e tests drive it: open it from the palette, read the body's data
// attributes (the contract in src/webview/probe.ts), wait for a new result, read a column.
import type { FrameLocator } from 'playwright-core';
import { waitUntil, Workbench } from './workbench';

export async function openTimeline(wb: Workbench): Promise<FrameLocator> {
  // On a loaded machine the palette can be filled before the extension's commands are known;
  // it does not refresh while open, so close it and ask again.
  for (let attempt = 1; ; attempt++) {
    try {
      await wb.runCommand('CloudTrail: Open Timeline');
      break;
    } catch (e) {
      if (attempt >= 4) throw e;
      await wb.page.keyboard.press('Escape');
      await wb.page.waitForTimeout(3000);
    }
  }
  const view = wb.webview();
  await view
    .locator('body[data-ready="true"][data-loading="false"][data-busy="false"]')
    .waitFor({ state: 'attached', timeout: 90_000 });
  await view.locator('.row:not(.placeholder)').first().waitFor({ state: 'visible' });
  return view;
}

export async function bodyData(view: FrameLocator): Promise<Record<string, string | undefined>> {
  return view.locator('body').evaluate((b) => ({ ...(b as HTMLElement).dataset }));
}

/** Waits for the view to show a new query's result (after a filter, range or facet change). */
export async function settled(
  view: FrameLocator,
  previousQueryId: string | undefined,
): Promise<Record<string, string | undefined>> {
  await waitUntil(
    async () => {
      const d = await bodyData(view);
      return d.busy === 'false' && d.queryId !== previousQueryId;
    },
    30_000,
    'the timeline did not show the new result',
  );
  return bodyData(view);
}

export async function cells(view: FrameLocator, column: string): Promise<string[]> {
  return view.locator(`.row:not(.placeholder) .col-${column}`).allTextContents();
}
