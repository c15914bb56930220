// The packaged extension in a real VS Code, as a person sees it: the sample folder opens, the
// command palette runs commands, the extension is installed and its CloudTrail view fills in.
import * as assert from 'node:assert/strict';
import { basename } from 'node:path';
import { openWorkbench, sampleFolder, waitUntil } from './support/workbench';

describe('workbench on the sample folder', () => {
  it('opens the generated sample folder in the explorer', async function () {
    const wb = await openWorkbench(this);
    const rows = (await wb.viewRows(basename(sampleFolder()), 2)).map((r) => r.text);
    for (const name of ['AWSLogs', 'README.md']) assert.ok(rows.includes(name), `the explorer does not list ${name}: ${JSON.stringify(rows)}`);
    await wb.step('explorer lists the sample');
  });

  it('lists CloudTrail Lens as installed, from the command palette', async function () {
    const wb = await openWorkbench(this);
    await wb.runCommand('View: Show Extensions');
    const rows = (await wb.viewRows('Installed')).map((r) => r.text);
    await wb.step('installed extensions');
    assert.ok(rows.some((r) => r.startsWith('CloudTrail Lens')), `CloudTrail Lens is not among the installed extensions: ${JSON.stringify(rows)}`);
  });

  it("shows the sample's trail and accounts in the CloudTrail view", async function () {
    const wb = await openWorkbench(this);
    await wb.showViewContainer('CloudTrail');
    const top = await wb.viewRows('Explorer', 2);
    await wb.step('cloudtrail view');
    assert.ok(top[0]?.text.startsWith(basename(sampleFolder())), `the sample folder is not the first source: ${JSON.stringify(top)}`);
    assert.ok(top.some((r) => r.level === 2 && r.text === 'org-trail'), `the sample's trail (named by its digests) is missing: ${JSON.stringify(top)}`);

    const showsAll = async (ids: string[]) => {
      const rows = await wb.viewRows('Explorer');
      return ids.every((id) => rows.some((r) => r.level > 2 && r.text.includes(id)));
    };
    // The trail holds the standalone account and the organization with its two member accounts.
    await wb.clickRow('Explorer', 'org-trail');
    await waitUntil(() => showsAll(['111122223333', 'o-a1b2c3d4e5']), 30_000, 'the trail did not open onto its account and organization');
    await wb.clickRow('Explorer', 'o-a1b2c3d4e5');
    await waitUntil(() => showsAll(['444455556666', '777788889999']), 30_000, 'the organization did not open onto its member accounts');
    await wb.step('trail expanded');
  });
});
