// The case in the real VS Code (issue 18): annotations made from a log document's code lens
// reach the case file (star, tag, note; who and when) and come back as the gutter hover; a saved
// search reopens the timeline as it was (scope, filter, time range), even when another timeline
// was used since.
import * as assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { parseCase } from '../../src/core/case/caseFile';
import type { CloudTrailLensApi } from '../../src/extension/extension';
import { recordActionItems } from '../../src/extension/lenses/recordActions';
import type { RecordActionArgs } from '../../src/extension/lenses/recordLenses';
import { indexRecords } from '../../src/core/records/recordIndex';
import type { TimelinePanel } from '../../src/extension/timeline/timelinePanel';
import { waitFor, waitForActivation } from './support/host';

const record = (id: string, t: string, eventName: string, user: string) => ({
  eventVersion: '1.09',
  userIdentity: {
    type: 'IAMUser',
    principalId: 'AIDAEXAMPLE',
    arn: `arn:aws:iam::111122223333:user/${user}`,
    accountId: '111122223333',
    userName: user,
  },
  eventTime: t,
  eventSource: 's3.amazonaws.com',
  eventName,
  awsRegion: 'us-east-1',
  sourceIPAddress: '198.51.100.7',
  userAgent: 'aws-cli/2.15.0',
  requestParameters: { bucketName: 'evidence' },
  eventID: id,
  eventType: 'AwsApiCall',
  recipientAccountId: '111122223333',
});

describe('case: code lens annotations and saved searches', function () {
  this.timeout(120_000);
  let api: CloudTrailLensApi;
  let dir: string;
  let caseFile: string;
  const config = () => vscode.workspace.getConfiguration('cloudtrailLens');

  before(async () => {
    api = await waitForActivation<CloudTrailLensApi>();
    dir = mkdtempSync(join(tmpdir(), 'ctl-case-int-'));
    caseFile = join(dir, 'case', 'case.json');
    // The case file named by the setting (an absolute path): nothing is written into the sample.
    await config().update('caseFile', caseFile, vscode.ConfigurationTarget.Global);
    await waitFor(
      () => api.caseStore.file === caseFile,
      10_000,
      'the case store did not follow cloudtrailLens.caseFile',
    );
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await config().update('caseFile', undefined, vscode.ConfigurationTarget.Global);
    rmSync(dir, { recursive: true, force: true });
  });

  const annotations = () => parseCase(readFileSync(caseFile, 'utf8'), caseFile).annotations;

  it("stars, tags and notes a record from its code lens; the case file keeps it under the document's key, the hover shows it", async () => {
    const logs = join(dir, 'logs');
    mkdirSync(logs);
    const file = join(
      logs,
      '111122223333_CloudTrail_us-east-1_20240514T1010Z_lensCaseTest0001.json',
    );
    writeFileSync(
      file,
      JSON.stringify(
        {
          Records: [
            record('lens-1', '2024-05-14T10:00:00Z', 'ListBuckets', 'alice'),
            record('lens-2', '2024-05-14T10:05:00Z', 'GetObject', 'mallory'),
          ],
        },
        null,
        2,
      ),
    );
    const document = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
    await vscode.window.showTextDocument(document);

    // The lenses VS Code shows on the second record, and the actions its click offers.
    const [first, indexed] = indexRecords(document.getText()).records;
    let lenses: vscode.CodeLens[] = [];
    await waitFor(
      async () => {
        lenses =
          (await vscode.commands.executeCommand<vscode.CodeLens[]>(
            'vscode.executeCodeLensProvider',
            document.uri,
            10,
          )) ?? [];
        return lenses.some((l) => l.command?.command === 'cloudtrailLens.recordActions');
      },
      20_000,
      'no record lens was shown',
    );
    const second = lenses
      .map((l) => l.command?.arguments?.[0] as RecordActionArgs | undefined)
      .find((a) => a && a.recordStart === indexed.start && a.kind === 'identity');
    assert.ok(second, JSON.stringify(lenses.map((l) => l.command)));
    const parsed = JSON.parse(document.getText().slice(indexed.start, indexed.end));
    assert.equal(parsed.eventID, 'lens-2');
    const items = recordActionItems(document, indexed, parsed, 'identity');
    const star = items.find((i) => i.label.includes('Star / unstar in the case'));
    assert.ok(
      star &&
        items.some((i) => i.label.includes('Tag in the case')) &&
        items.some((i) => i.label.includes('Note in the case')),
      items.map((i) => i.label).join(' | '),
    );

    // Star: the lens action as the quick pick runs it.
    await star.run();
    await waitFor(
      () => existsSync(caseFile) && annotations().some((a) => a.eventID === 'lens-2' && a.starred),
      10_000,
      'the star did not reach the case file',
    );
    // Tag and note: the same command the lens actions run, the text given instead of typed.
    const annotate = (action: string, text: string) =>
      vscode.commands.executeCommand('cloudtrailLens.case.annotateRecord', {
        uri: document.uri.toString(),
        recordStart: second.recordStart,
        action,
        text,
      });
    await annotate('tag', 'Exfil, c2');
    await annotate('note', 'Mallory read the <evidence> bucket');
    const [a] = annotations();
    assert.equal(annotations().length, 1);
    assert.equal(a.eventID, 'lens-2');
    assert.equal(a.eventTime, '2024-05-14T10:05:00Z');
    assert.equal(a.key, vscode.workspace.asRelativePath(document.uri, false).replace(/\\/g, '/'));
    assert.ok(a.key.endsWith('lensCaseTest0001.json'), a.key);
    assert.equal(a.starred, true);
    assert.deepEqual(a.tags, ['c2', 'exfil']);
    assert.equal(a.note, 'Mallory read the <evidence> bucket');
    assert.ok(a.by !== '' && Date.parse(a.at) > Date.now() - 60_000, `${a.by} ${a.at}`);

    // The hover on the record's first line says what the case holds; the first record has none.
    const line = document.positionAt(second.recordStart).line;
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>(
      'vscode.executeHoverProvider',
      document.uri,
      new vscode.Position(line, 0),
    );
    const text = hovers
      .flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value)))
      .join('\n');
    assert.match(text, /\*\*CloudTrail case\*\* · ★ starred/);
    assert.match(text, /Tags: `c2` `exfil`/);
    assert.match(text, /Note: Mallory read the \\<evidence\\> bucket/);
    const none = await vscode.commands.executeCommand<vscode.Hover[]>(
      'vscode.executeHoverProvider',
      document.uri,
      new vscode.Position(document.positionAt(first.start).line, 0),
    );
    assert.doesNotMatch(
      none.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n'),
      /CloudTrail case/,
    );

    // Starring again from the lens unstars; the tags and note stay.
    await star.run();
    await waitFor(
      () => annotations()[0]?.starred === false,
      10_000,
      'the second star did not unstar',
    );
    assert.deepEqual(annotations()[0].tags, ['c2', 'exfil']);
  });

  it('a saved search reopens the timeline as it was: scope, filter and time range', async () => {
    const folder = join(dir, 'scoped');
    mkdirSync(folder);
    const records = Array.from({ length: 12 }, (_, i) =>
      record(
        `s-${i}`,
        `2024-05-14T1${Math.floor(i / 6)}:0${i % 6}:00Z`,
        i % 2 ? 'GetObject' : 'PutObject',
        i % 3 ? 'alice' : 'bob',
      ),
    );
    writeFileSync(join(folder, 'events.json'), JSON.stringify({ Records: records }));
    const scope = { source: { type: 'folder', path: folder } };
    const panel = await vscode.commands.executeCommand<TimelinePanel>(
      'cloudtrailLens.openTimeline',
      scope,
    );
    assert.ok(panel);
    await panel.loaded;
    const range = {
      from: Date.parse('2024-05-14T10:02:00Z'),
      to: Date.parse('2024-05-14T11:03:00Z'),
    };
    // The filter and range as the page would show them: the page's own query makes them current.
    panel.showFilter('eventName:PutObject', range);
    await waitFor(
      () =>
        panel.currentQuery.filter === 'eventName:PutObject' &&
        panel.currentQuery.range?.from === range.from,
      20_000,
      `the page did not run the filter: ${JSON.stringify(panel.currentQuery)}`,
    );
    await vscode.commands.executeCommand('cloudtrailLens.case.saveSearch', 'puts in the window');
    const saved = parseCase(readFileSync(caseFile, 'utf8'), caseFile).searches.find(
      (s) => s.name === 'puts in the window',
    );
    assert.ok(saved);
    assert.equal(saved.filter, 'eventName:PutObject');
    assert.deepEqual(saved.range, range);
    assert.deepEqual(saved.scope, { source: { type: 'folder', path: folder } });
    panel.dispose();

    // Another timeline (the workspace's sample) is used since, with another filter.
    const other = await vscode.commands.executeCommand<TimelinePanel>(
      'cloudtrailLens.openTimeline',
      { filter: 'eventName:ListBuckets' },
    );
    assert.ok(other && other.scope.key !== panel.scope.key);
    await waitFor(
      () => api.timeline.panels[api.timeline.panels.length - 1] === other,
      10_000,
      'the workspace timeline is not the last used',
    );

    const reopened = await vscode.commands.executeCommand<TimelinePanel>(
      'cloudtrailLens.case.openSearch',
      'puts in the window',
    );
    assert.ok(reopened, 'the saved search opened no timeline');
    assert.notEqual(reopened, other);
    assert.equal(reopened.scope.key, panel.scope.key);
    await reopened.loaded;
    await waitFor(
      () => reopened.currentQuery.filter === 'eventName:PutObject',
      20_000,
      `reopened with ${JSON.stringify(reopened.currentQuery)}`,
    );
    assert.deepEqual(reopened.currentQuery.range, range);
    // What it shows: the PutObject events in the window, no others.
    const shown = await reopened.timelineData.query(
      reopened.currentQuery.filter,
      reopened.currentQuery.range,
      'asc',
    );
    const expected = records.filter(
      (r) =>
        r.eventName === 'PutObject' &&
        Date.parse(r.eventTime) >= range.from &&
        Date.parse(r.eventTime) < range.to,
    ).length;
    assert.equal(shown.size, expected);
    assert.ok(expected > 0 && expected < records.filter((r) => r.eventName === 'PutObject').length);
    // The other timeline kept its own filter.
    assert.equal(other.currentQuery.filter, 'eventName:ListBuckets');

    // A search saved over the workspace's sources reopens there, not in the timeline used last.
    other.reveal();
    // In front once VS Code said so (its view-state event): a panel's own `active` flag can
    // still be set from before another panel opened.
    await waitFor(
      () => other.panel.active && api.timeline.activePanel() === other,
      10_000,
      'the workspace timeline did not come to the front',
    );
    await vscode.commands.executeCommand(
      'cloudtrailLens.case.saveSearch',
      'workspace list buckets',
    );
    assert.equal(
      parseCase(readFileSync(caseFile, 'utf8'), caseFile).searches.find(
        (s) => s.name === 'workspace list buckets',
      )?.scope,
      undefined,
    );
    reopened.reveal();
    await waitFor(
      () =>
        reopened.panel.active && api.timeline.panels[api.timeline.panels.length - 1] === reopened,
      10_000,
      'the scoped timeline is not the last used',
    );
    const back = await vscode.commands.executeCommand<TimelinePanel>(
      'cloudtrailLens.case.openSearch',
      'workspace list buckets',
    );
    assert.equal(back, other);
    assert.equal(reopened.currentQuery.filter, 'eventName:PutObject');
  });

  it('writes an evidence report as a new file, never over the evidence or the case file', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'ctl-report-int-'));
    const evidence = join(folder, 'events.json');
    const text = JSON.stringify({
      Records: [record('r-1', '2024-05-14T10:00:00Z', 'GetObject', 'alice')],
    });
    writeFileSync(evidence, text);
    const panel = await vscode.commands.executeCommand<TimelinePanel>(
      'cloudtrailLens.openTimeline',
      { source: { type: 'folder', path: folder } },
    );
    assert.ok(panel);
    await panel.loaded;
    // The report covers the timeline in front (the one focused last).
    for (const p of [...api.timeline.panels]) if (p !== panel) p.dispose();
    panel.reveal();
    await waitFor(
      () => panel.panel.active && api.timeline.activePanel() === panel,
      10_000,
      "the report's timeline did not come to the front",
    );
    const all = await panel.timelineData.query('', null, 'asc');
    assert.equal(
      all.size,
      1,
      `the report's timeline: ${JSON.stringify(panel.indexedFiles.map((f) => [f.key, f.state, f.events]))}`,
    );
    const caseBefore = existsSync(caseFile) ? readFileSync(caseFile, 'utf8') : undefined;
    const report = (target: string, format = 'md') =>
      vscode.commands.executeCommand<string | undefined>('cloudtrailLens.case.exportReport', {
        format,
        cover: 'result',
        target,
      });
    assert.equal(await report(evidence), undefined, 'a log the timeline reads');
    assert.equal(await report(caseFile, 'timesketch'), undefined, 'the case file');
    assert.equal(readFileSync(evidence, 'utf8'), text);
    assert.equal(existsSync(caseFile) ? readFileSync(caseFile, 'utf8') : undefined, caseBefore);
    // A new file: the Timesketch lines are streamed to it.
    const fresh = join(dir, 'report.jsonl');
    assert.equal(await report(fresh, 'timesketch'), fresh);
    const written = readFileSync(fresh, 'utf8');
    const lines = written.split('\n').filter(Boolean);
    assert.equal(
      lines.length,
      1,
      `${JSON.stringify(panel.currentQuery)} → ${JSON.stringify(written)}`,
    );
    assert.equal((JSON.parse(lines[0]) as { eventName?: string }).eventName, 'GetObject');

    // A row's context menu acts in the panel right-clicked (its page names it), not the active one.
    const otherFolder = mkdtempSync(join(tmpdir(), 'ctl-report-int-other-'));
    writeFileSync(
      join(otherFolder, 'events.json'),
      JSON.stringify({ Records: [record('o-1', '2024-05-14T11:00:00Z', 'PutObject', 'bob')] }),
    );
    const active = await vscode.commands.executeCommand<TimelinePanel>(
      'cloudtrailLens.openTimeline',
      { source: { type: 'folder', path: otherFolder } },
    );
    await active.loaded;
    await waitFor(() => active.panel.active, 10_000, 'the other timeline is not in front');
    await vscode.commands.executeCommand('cloudtrailLens.timeline.star', {
      timelinePanel: panel.contextToken,
      rowId: 0,
      selectedIds: [0],
    });
    await waitFor(
      () =>
        parseCase(readFileSync(caseFile, 'utf8'), caseFile).annotations.some(
          (a) => a.eventID === 'r-1' && a.starred,
        ),
      10_000,
      "the right-clicked panel's event was not starred",
    );
    assert.ok(
      !parseCase(readFileSync(caseFile, 'utf8'), caseFile).annotations.some(
        (a) => a.eventID === 'o-1',
      ),
      "the active panel's event was starred",
    );
    active.dispose();
    rmSync(otherFolder, { recursive: true, force: true });
    panel.dispose();
    rmSync(folder, { recursive: true, force: true });
  });

  it('a command run from the palette acts on the timeline focused last, with timelines in two editor groups', async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const open = async (name: string, eventName: string) => {
      const folder = mkdtempSync(join(tmpdir(), `ctl-groups-int-${name}-`));
      writeFileSync(
        join(folder, 'events.json'),
        JSON.stringify({ Records: [record(`${name}-1`, '2024-05-14T11:00:00Z', eventName, name)] }),
      );
      const panel = await vscode.commands.executeCommand<TimelinePanel>(
        'cloudtrailLens.openTimeline',
        { source: { type: 'folder', path: folder } },
      );
      await panel.loaded;
      panel.showFilter(`eventName:${eventName}`, null);
      await waitFor(
        () => panel.currentQuery.filter === `eventName:${eventName}`,
        20_000,
        `the ${name} page did not run its filter`,
      );
      return { panel, folder };
    };
    const left = await open('left', 'GetObject');
    const right = await open('right', 'PutObject');
    // The second timeline goes to a group of its own, beside the first: both are in view.
    await vscode.commands.executeCommand('workbench.action.moveEditorToRightGroup');
    await waitFor(
      () => right.panel.panel.viewColumn === vscode.ViewColumn.Two && right.panel.panel.active,
      10_000,
      'the second timeline did not move to a group of its own',
    );
    left.panel.reveal();
    await waitFor(
      () => left.panel.panel.active && api.timeline.activePanel() === left.panel,
      10_000,
      'the first timeline did not come to the front',
    );
    // Focus went back and forth: the search saved is the one of the timeline focused last.
    right.panel.reveal();
    await waitFor(() => api.timeline.activePanel() === right.panel, 10_000, 'right in front');
    left.panel.reveal();
    await waitFor(() => api.timeline.activePanel() === left.panel, 10_000, 'left in front');
    await vscode.commands.executeCommand('cloudtrailLens.case.saveSearch', 'the left group');
    const saved = parseCase(readFileSync(caseFile, 'utf8'), caseFile).searches.find(
      (s) => s.name === 'the left group',
    );
    assert.equal(
      saved?.filter,
      'eventName:GetObject',
      `saved over the other group's timeline (right active: ${right.panel.panel.active})`,
    );
    assert.deepEqual(saved?.scope, { source: { type: 'folder', path: left.folder } });
    for (const { panel, folder } of [left, right]) {
      panel.dispose();
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
