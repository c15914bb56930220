// What clicking a lens offers: filter the timeline to this principal / access key / event name
// (and the timeline's other pivots: IP, session, resource), copy the ARN, show the raw record,
// open the API reference. The pivot filters come from the timeline's own pivotsFor, so a lens
// and the detail pane filter on exactly the same terms.
import * as vscode from 'vscode';
import { LIMITS, type PivotKind } from '../../protocol';
import { formatTermWithin } from '../../core/query/format';
import { describeIdentity } from '../../core/records/identity';
import { type IndexedRecord, recordAt, recordJson } from '../../core/records/recordIndex';
import { describeRequest } from '../../core/records/request';
import type { CloudTrailRecord } from '../../core/records/types';
import type { RecordIndexCache } from '../documents/recordIndexCache';
import { pivotsFor } from '../timeline/detailModel';
import { labelText, type LensKind, readRecord, type RecordActionArgs } from './recordLenses';
import { COMMANDS, INTERNAL_COMMANDS } from '../commands';
import { messageText } from '../messageText';

export interface RecordAction extends vscode.QuickPickItem {
  run: () => Thenable<unknown> | void;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

function filterTimeline(filter: string): Thenable<unknown> {
  return vscode.commands
    .executeCommand(COMMANDS.openTimeline, { filter })
    .then(undefined, (e: unknown) => {
      void vscode.window.showErrorMessage(
        messageText(
          `CloudTrail Lens: could not open the timeline (${e instanceof Error ? e.message : String(e)}).`,
        ),
      );
    });
}

async function copy(label: string, value: string): Promise<void> {
  await vscode.env.clipboard.writeText(value);
  vscode.window.setStatusBarMessage(`Copied ${label}: ${labelText(value, 200)}`, 3000);
}

async function showRaw(document: vscode.TextDocument, indexed: IndexedRecord): Promise<void> {
  const { start, end } = indexed;
  if (indexed.embedded) {
    // lookup-events holds the record as a JSON string: show it decoded (exactly the string's
    // content), in a new untitled editor.
    const json = recordJson(
      document.getText(new vscode.Range(document.positionAt(start), document.positionAt(end))),
      indexed,
    );
    if (json === undefined) return;
    const doc = await vscode.workspace.openTextDocument({ language: 'json', content: json });
    await vscode.window.showTextDocument(doc, {
      preview: true,
      viewColumn: vscode.ViewColumn.Beside,
    });
    return;
  }
  const editor = await vscode.window.showTextDocument(document, { preserveFocus: false });
  const range = new vscode.Range(document.positionAt(start), document.positionAt(end));
  editor.selection = new vscode.Selection(range.start, range.end);
  editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
}

/** The actions offered for a record, in the order shown (exported for the integration tests). */
export function recordActionItems(
  document: vscode.TextDocument,
  indexed: IndexedRecord,
  record: CloudTrailRecord,
  kind: LensKind,
): RecordAction[] {
  const who = describeIdentity(record.userIdentity, record);
  const what = describeRequest(record);
  const actions: RecordAction[] = [];
  const pivots = pivotsFor(record);
  const icons: Record<PivotKind, string> = {
    principal: '$(person)',
    accessKey: '$(key)',
    sourceIp: '$(globe)',
    session: '$(account)',
    resource: '$(database)',
  };
  const pivot = (pivotKind: PivotKind, label: string): void => {
    const p = pivots.find((x) => x.kind === pivotKind);
    if (p)
      actions.push({
        label: `${icons[pivotKind]} ${label}`,
        description: labelText(p.label),
        detail: labelText(p.filter),
        run: () => filterTimeline(p.filter),
      });
  };
  pivot('principal', 'Filter timeline to this principal');
  pivot('accessKey', 'Filter timeline to this access key');
  const eventName = str(record.eventName);
  const filter =
    eventName === undefined
      ? undefined
      : formatTermWithin('event', eventName, LIMITS.filterLength)?.term;
  if (eventName && filter) {
    actions.push({
      label: '$(symbol-event) Filter timeline to this event name',
      description: labelText(eventName),
      detail: labelText(filter),
      run: () => filterTimeline(filter),
    });
  }
  pivot('session', 'Filter timeline to this session');
  pivot('sourceIp', 'Filter timeline to this source IP');
  pivot('resource', 'Filter timeline to this resource');
  const arn = who.arn;
  if (arn)
    actions.push({
      label: '$(copy) Copy ARN',
      description: labelText(arn),
      run: () => copy('ARN', arn),
    });
  if (who.issuerArn && who.issuerArn !== arn) {
    const issuer = who.issuerArn;
    actions.push({
      label: '$(copy) Copy role/issuer ARN',
      description: labelText(issuer),
      run: () => copy('ARN', issuer),
    });
  }
  actions.push({
    label: '$(json) Show raw record',
    description: indexed.embedded ? 'decoded, in a new editor' : 'select it in the editor',
    run: () => showRaw(document, indexed),
  });
  actions.push({
    label: '$(book) Open API reference',
    description: labelText(`${what.service}:${what.operation}`),
    run: () => vscode.env.openExternal(vscode.Uri.parse(what.apiReferenceUrl)),
  });
  // The case file: star, tag or comment this event (src/extension/case/caseDocuments.ts).
  if (str(record.eventID)) {
    const annotate = (action: string) => () =>
      vscode.commands.executeCommand(INTERNAL_COMMANDS.caseAnnotateRecord, {
        uri: document.uri.toString(),
        recordStart: indexed.start,
        action,
      });
    actions.push({ label: '$(star-empty) Star / unstar in the case', run: annotate('star') });
    actions.push({ label: '$(tag) Tag in the case…', run: annotate('tag') });
    actions.push({ label: '$(comment) Note in the case…', run: annotate('note') });
  }
  // Lead with what the clicked lens is about.
  if (kind === 'request')
    actions.sort(
      (a, b) => Number(b.label.includes('event name')) - Number(a.label.includes('event name')),
    );
  return actions;
}

export function registerRecordActions(cache: RecordIndexCache): vscode.Disposable {
  return vscode.commands.registerCommand(
    COMMANDS.recordActions,
    async (args?: RecordActionArgs) => {
      if (!args || typeof args.uri !== 'string' || typeof args.recordStart !== 'number') return;
      const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === args.uri);
      if (!document) return;
      const indexed = recordAt(cache.get(document), args.recordStart);
      const record = indexed && readRecord(document, indexed);
      if (!indexed || !record) {
        void vscode.window.showWarningMessage(
          'CloudTrail Lens: this record changed or is no longer valid JSON.',
        );
        return;
      }
      const who = describeIdentity(record.userIdentity, record);
      const what = describeRequest(record);
      const actions = recordActionItems(document, indexed, record, args.kind);
      const picked = await vscode.window.showQuickPick(actions, {
        title: labelText(args.kind === 'identity' ? who.summary : what.summary),
        placeHolder: 'CloudTrail record actions',
        matchOnDescription: true,
      });
      await picked?.run();
    },
  );
}
