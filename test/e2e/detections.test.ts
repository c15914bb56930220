// Detections in the timeline of a real VS Code: once the sample has loaded, the built-in pack's
// hits show in the Detections column (level icon and title) and the Detections facet (grouped by
// level); a level's click filters `level:…`, and the detail pane lists the rule, why it fired and
// what it means. Screenshots land in test-output/e2e/.
import * as assert from 'node:assert/strict';
import { bodyData, cells, openTimeline, settled } from './support/timeline';
import { openWorkbench, waitUntil } from './support/workbench';

describe('detections in the timeline', () => {
  it('shows the Detections column and facet, filters by level and explains a hit', async function () {
    const wb = await openWorkbench(this);
    const view = await openTimeline(wb);
    // The rules run once the load is done; the view is then refreshed.
    const facet = view.locator('.facet-value[data-facet="detection"]');
    await waitUntil(
      async () => (await facet.count()) > 0,
      60_000,
      'the Detections facet did not appear',
    );
    assert.ok(
      (await view.locator('.table-header .col-detection').count()) === 1,
      'the Detections column is shown',
    );
    const levels = view.locator('.facet-value[data-facet="detection"]:not(.facet-sub)');
    const levelLabels = await levels.locator('.facet-label').allTextContents();
    assert.ok(levelLabels.length > 0);
    for (const l of levelLabels)
      assert.match(l, /^[◆▲■●○] (critical|high|medium|low|informational)$/);
    assert.ok(
      (await view.locator('.facet-value.facet-sub[data-facet="detection"]').count()) >=
        levelLabels.length,
      'rules under their levels',
    );
    await wb.step('detections facet grouped by level');

    // A click on the first level filters on it; every row shown then has a hit.
    let data = await bodyData(view);
    const first = levels.first();
    const level = ((await first.locator('.facet-label').textContent()) ?? '').slice(2);
    const count = Number(
      ((await first.locator('.facet-count').textContent()) ?? '').replace(/,/g, ''),
    );
    await first.click();
    data = await settled(view, data.queryId);
    assert.equal(await view.locator('.filter-input').inputValue(), `level:${level}`);
    assert.ok(Number(data.matches) >= count && count > 0);
    const shown = await cells(view, 'detection');
    assert.ok(shown.length > 0);
    for (const c of shown) assert.match(c, /^[◆▲■●○] \S/);
    await wb.step('filtered on a level, the Detections column');

    // The detail pane: the rule, why it fired, and what it means.
    await view.locator('.row:not(.placeholder)').first().click();
    const section = view.locator('.detail section.detections');
    await section.waitFor({ state: 'visible', timeout: 30_000 });
    const text = (await section.textContent()) ?? '';
    assert.match(text, /Detections \(\d+\):/);
    assert.match(text, /Matched:/);
    assert.ok(text.length > 120, 'the rule’s description is shown');
    await wb.step('detail pane lists the rule and why');
  });
});
