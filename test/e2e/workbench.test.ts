// The packaged extension in a real VS Code, as a person sees it after `npm start`: the
// generated sample folder is the workspace, and the command palette shows CloudTrail Lens
// installed. (The CloudTrail view, the timeline and log files have their own tests.)
import * as assert from 'node:assert/strict';
import { basename } from 'node:path';
import { openWorkbench, sampleFolder } from './support/workbench';

describe('workbench after npm start', () => {
  it('opens the sample folder with CloudTrail Lens installed', async function () {
    const wb = await openWorkbench(this);
    const files = (await wb.viewRows(basename(sampleFolder()), 3)).map((r) => r.text);
    // The sample's pieces: generated logs and digests, the digest keys, the lint sample config.
    for (const name of [
      'AWSLogs',
      'cloudtrail-public-keys.json',
      'trail-config.json',
      'README.md',
    ]) {
      assert.ok(
        files.includes(name),
        `the explorer does not list ${name}: ${JSON.stringify(files)}`,
      );
    }
    await wb.step('explorer lists the sample');

    await wb.runCommand('View: Show Extensions');
    const installed = (await wb.viewRows('Installed')).map((r) => r.text);
    await wb.step('installed extensions');
    assert.ok(
      installed.some((r) => r.startsWith('CloudTrail Lens')),
      `CloudTrail Lens is not among the installed extensions: ${JSON.stringify(installed)}`,
    );
  });
});
