// What clicking a lens offers: filter the timeline to this principal / access key / event name,
// copy the ARN, show the raw record, open the API reference. Filters are written with the
// query language's own formatter, on the same fields the timeline's pivots use.
import * as vscode from 'vscode';
import { formatTerm } from '../../core/index/query/format';
import { describeIdentity } from '../../core/records/identity';
import { recordAt } from '../../core/records/recordIndex';
import { describeRequest } from '../../core/records/request';
import type { CloudTrailRecord } from '../../core/records/types';
import type { RecordIndexCache } from '../documents/recordIndexCache';
import { readRecord, type RecordActionArgs } from './recordLenses';

export const OPEN_TIMELINE_COMMAND = 'cloudtrailLens.openTimeline';

interface Action extends vscode.QuickPickItem {
  run: () => Thenable<unknown> | void;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** The timeline filter that selects this record's principal (a role's sessions count as one). */
export function principalFilter(record: CloudTrailRecord): string | undefined {
  const id = record.userIdentity && typeof record.userIdentity === 'object' ? record.userIdentity : undefined;
  const issuerArn = str(id?.sessionContext?.sessionIssuer?.arn);
  if (issuerArn) return formatTerm('role', issuerArn);
  const arn = str(id?.arn);
  if (arn) return formatTerm('userIdentity.arn', arn);
  const principalId = str(id?.principalId);
  return principalId ? formatTerm('principal', principalId) : undefined;
}

function filterTimeline(filter: string): Thenable<unknown> {
  return vscode.commands.executeCommand(OPEN_TIMELINE_COMMAND, { filter }).then(undefined, (e: unknown) => {
    void vscode.window.showErrorMessage(`CloudTrail Lens: could not open the timeline (${e instanceof Error ? e.message : String(e)}).`);
  });
}

async function copy(label: string, value: string): Promise<void> {
  await vscode.env.clipboard.writeText(value);
  vscode.window.setStatusBarMessage(`Copied ${label}: ${value}`, 3000);
}

async function showRaw(document: vscode.TextDocument, start: number, end: number, record: CloudTrailRecord, embedded: boolean): Promise<void> {
  if (embedded) {
    // lookup-events holds the record as a JSON string: show it decoded, in a new untitled editor.
    const doc = await vscode.workspace.openTextDocument({ language: 'json', content: `${JSON.stringify(record, null, 2)}\n` });
    await vscode.window.showTextDocument(doc, { preview: true, viewColumn: vscode.ViewColumn.Beside });
    return;
  }
  const editor = await vscode.window.showTextDocument(document, { preserveFocus: false });
  const range = new vscode.Range(document.positionAt(start), document.positionAt(end));
  editor.selection = new vscode.Selection(range.start, range.end);
  editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
}

export function registerRecordActions(cache: RecordIndexCache): vscode.Disposable {
  return vscode.commands.registerCommand('cloudtrailLens.recordActions', async (args?: RecordActionArgs) => {
    if (!args || typeof args.uri !== 'string' || typeof args.recordStart !== 'number') return;
    const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === args.uri);
    if (!document) return;
    const indexed = recordAt(cache.get(document), args.recordStart);
    const record = indexed && readRecord(document, indexed);
    if (!indexed || !record) {
      void vscode.window.showWarningMessage('CloudTrail Lens: this record changed or is no longer valid JSON.');
      return;
    }
    const who = describeIdentity(record.userIdentity, record);
    const what = describeRequest(record);
    const actions: Action[] = [];
    const principal = principalFilter(record);
    if (principal) actions.push({ label: '$(filter) Filter timeline to this principal', description: principal, run: () => filterTimeline(principal) });
    if (who.accessKeyId) {
      const filter = formatTerm('key', who.accessKeyId);
      actions.push({ label: '$(key) Filter timeline to this access key', description: `${who.accessKeyId}${who.accessKeyKind ? ` (${who.accessKeyKind})` : ''}`, run: () => filterTimeline(filter) });
    }
    const eventName = str(record.eventName);
    if (eventName) {
      const filter = formatTerm('event', eventName);
      actions.push({ label: '$(symbol-event) Filter timeline to this event name', description: eventName, run: () => filterTimeline(filter) });
    }
    const arn = who.arn;
    if (arn) actions.push({ label: '$(copy) Copy ARN', description: arn, run: () => copy('ARN', arn) });
    if (who.issuerArn && who.issuerArn !== arn) {
      const issuer = who.issuerArn;
      actions.push({ label: '$(copy) Copy role/issuer ARN', description: issuer, run: () => copy('ARN', issuer) });
    }
    actions.push({ label: '$(json) Show raw record', description: indexed.embedded ? 'decoded, in a new editor' : 'select it in the editor', run: () => showRaw(document, indexed.start, indexed.end, record, indexed.embedded !== undefined) });
    actions.push({ label: '$(book) Open API reference', description: `${what.service}:${what.operation}`, run: () => vscode.env.openExternal(vscode.Uri.parse(what.apiReferenceUrl)) });
    // Lead with what the clicked lens is about.
    if (args.kind === 'request') actions.sort((a, b) => Number(b.label.includes('event name')) - Number(a.label.includes('event name')));
    const picked = await vscode.window.showQuickPick(actions, {
      title: args.kind === 'identity' ? who.summary : what.summary,
      placeHolder: 'CloudTrail record actions',
      matchOnDescription: true,
    });
    await picked?.run();
  });
}
