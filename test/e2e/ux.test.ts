// What the investigator sees (issue 21), each fixed thing with a screenshot: failed calls marked
// in the table, the detail pane only when it shows something, digests validated only where there
// are digests, exports saved outside the evidence, one time zone, readable names.
import * as assert from 'node:assert/strict';
import { bodyData, cells, openTimeline, settled } from './support/timeline';
import { openWorkbench } from './support/workbench';

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
});
