// Driving the built timeline view from playwright, shared by the browser and VS Code benches:
// the filters they time, a filter change timed end to end, and the rows in the DOM while scrolling.
import type { Frame } from 'playwright-core';

export const FILTERS = [
  'event:ConsoleLogin',
  'user:alice',
  'service:s3 -readonly:true',
  'ip:198.51.100.*',
  'eventName:Get* region:us-east-1',
  '',
];

export interface FilterTimes {
  /** The view's own figure: request → frame after render (data-last-query-ms). */
  view: number[];
  /** Enter → the new result shown, seen from here. */
  wall: number[];
  /** The view's render of the reply (data-last-render-ms). */
  render: number[];
}

export const dataset = (f: Frame): Promise<Record<string, string | undefined>> =>
  f.evaluate(() => ({ ...document.body.dataset }));

/** Types each of FILTERS into the filter box `rounds` times, Enter, until the new result is shown. */
export async function timeFilterChanges(
  view: Frame,
  rounds: number,
  into: FilterTimes,
): Promise<void> {
  const input = view.locator('.filter-input');
  for (let r = 0; r < rounds; r++) {
    for (const f of FILTERS) {
      const before = (await dataset(view)).queryId;
      await input.fill(f);
      const t = Date.now();
      await input.press('Enter');
      await view.waitForFunction(
        (prev) => document.body.dataset.busy === 'false' && document.body.dataset.queryId !== prev,
        before,
        { polling: 'raf', timeout: 120_000 },
      );
      into.wall.push(Date.now() - t);
      const d = await dataset(view);
      into.view.push(Number(d.lastQueryMs));
      into.render.push(Number(d.lastRenderMs));
    }
  }
}

/** The rows in the DOM with the table scrolled to each fraction of its height. */
export async function domRowsWhileScrolling(view: Frame, fractions: number[]): Promise<number[]> {
  const rows: number[] = [];
  for (const frac of fractions) {
    await view
      .locator('.table-viewport')
      .evaluate((el, f) => (el.scrollTop = (el.scrollHeight - el.clientHeight) * f), frac);
    await view.waitForTimeout(300);
    rows.push(await view.locator('.row').count());
  }
  return rows;
}
