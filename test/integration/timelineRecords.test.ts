// The timeline's "Open raw record" and "Copy as JSON" in the real VS Code: what reaches the
// editor and the clipboard is the record's bytes in its file, not a re-serialisation (which
// turned 12345678901234567890 into 12345678901234567000, 1e400 into null and dropped duplicate
// keys). The actions are driven through the panel's session with the messages the page sends.
import * as assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { IndexTimelineData } from '../../src/extension/timeline/indexAdapter';
import type { TimelinePanel } from '../../src/extension/timeline/timelinePanel';
import type { TimelineSession } from '../../src/extension/timeline/timelineSession';
import { waitFor, waitForActivation } from './support/host';

const projectRoot = process.env.CTL_PROJECT_ROOT ?? join(__dirname, '..', '..');
const FIXTURE = join(
  projectRoot,
  'test',
  'fixtures',
  'hostile',
  'AWSLogs',
  '111122223333',
  'CloudTrail',
  'us-east-1',
  '2024',
  '05',
  '14',
  '111122223333_CloudTrail_us-east-1_20240514T1020Z_output0001.json',
);

/** The panel's session and data: what the page's messages reach (private to the panel). */
type PanelInside = { session: TimelineSession; data: IndexTimelineData };

describe('timeline: records leave as stored', function () {
  this.timeout(60_000);
  let dir: string;

  before(async () => {
    await waitForActivation();
    dir = mkdtempSync(join(tmpdir(), 'ctl-exact-'));
    mkdirSync(join(dir, 'logs'));
    copyFileSync(FIXTURE, join(dir, 'logs', 'output.json'));
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    rmSync(dir, { recursive: true, force: true });
  });

  it("Open raw record and Copy as JSON hand on exactly the record's bytes", async () => {
    const line = readFileSync(FIXTURE, 'utf8')
      .split('\n')
      .find((l) => l.includes('12345678901234567890'))!
      .replace(/,$/, '');
    assert.ok(
      line.includes('"huge":1e400') && line.includes('"dup":1,"dup":2'),
      'the fixture holds the tokens under test',
    );
    const panel = await vscode.commands.executeCommand<TimelinePanel>(
      'cloudtrailLens.openTimeline',
      { source: { type: 'folder', path: join(dir, 'logs') } },
    );
    assert.ok(panel, 'the command returned no panel');
    await panel.loaded;
    const { session, data } = panel as unknown as PanelInside;
    const result = await data.query('eventName:PutObject', null, 'asc');
    assert.equal(result.size, 1);
    const [id] = data.ids(result, 0, 1);

    await session.receive({ id: 1, body: { type: 'openRaw', id } });
    await waitFor(
      () => vscode.window.activeTextEditor?.document.isUntitled === true,
      10_000,
      'no raw record editor opened',
    );
    assert.equal(vscode.window.activeTextEditor!.document.getText(), line);

    await vscode.env.clipboard.writeText('');
    await session.receive({ id: 2, body: { type: 'copyJson', id } });
    assert.equal(await vscode.env.clipboard.readText(), line);
    panel.dispose();
  });
});
