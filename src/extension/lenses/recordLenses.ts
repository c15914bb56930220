// Code lenses above each record's userIdentity (who acted) and requestParameters (what the call
// did). provideCodeLenses only places unresolved lenses from the structural index; the text of
// a lens is computed in resolveCodeLens, which VS Code calls for the lenses on screen only.
import * as vscode from 'vscode';
import { cellText, revealHidden } from '../../core/output/visibleText';
import { describeIdentity } from '../../core/records/identity';
import { type IndexedRecord, parseRecord } from '../../core/records/recordIndex';
import { describeRequest } from '../../core/records/request';
import type { CloudTrailRecord } from '../../core/records/types';
import type { RecordIndexCache } from '../documents/recordIndexCache';
import { COMMANDS } from '../commands';

const LENS_TITLE_MAX = 1000;

/**
 * Log-derived text for a one-line label that VS Code renders with icons (lens titles, quick pick
 * items): hidden characters marked, and `$(name)` escaped so a value cannot show an icon.
 */
export function labelText(text: string, max = LENS_TITLE_MAX): string {
  return cellText(text, max).replace(/\$\(/g, '\\$(');
}

export type LensKind = 'identity' | 'request';

/** Arguments of the record actions command, as a lens passes them. */
export interface RecordActionArgs {
  uri: string;
  /** Offset of the record's first character in the document. */
  recordStart: number;
  kind: LensKind;
}

class RecordLens extends vscode.CodeLens {
  constructor(
    range: vscode.Range,
    readonly document: vscode.TextDocument,
    readonly version: number,
    readonly record: IndexedRecord,
    readonly kind: LensKind,
  ) {
    super(range);
  }
}

/** The record's text (only its own range is fetched from the document) parsed, or undefined. */
export function readRecord(document: vscode.TextDocument, record: IndexedRecord): CloudTrailRecord | undefined {
  const text = document.getText(new vscode.Range(document.positionAt(record.start), document.positionAt(record.end)));
  return parseRecord(text, record);
}

/**
 * The lens title for a record: who acted, or what the call did (hidden characters from the log
 * shown as markers, so `admin` plus invisible tags does not read as `admin`). Exported for tests.
 */
export function lensTitle(record: CloudTrailRecord, kind: LensKind): { title: string; tooltip: string } {
  if (kind === 'identity') {
    const who = describeIdentity(record.userIdentity, record);
    const icon = who.risk === 'high' ? '$(warning)' : '$(person)';
    return { title: `${icon} ${labelText(who.summary)}`, tooltip: revealHidden(who.facts.map((f) => `${f.label}: ${f.value}`).join('\n') || who.summary) };
  }
  const what = describeRequest(record);
  const title = what.risky ? `$(warning) ${labelText(`${what.summary} · ${what.risky}`)}` : `$(symbol-event) ${labelText(what.summary)}`;
  const params = what.keyParameters.slice(0, 12).map((p) => `${p.name}: ${p.value}`);
  return { title, tooltip: revealHidden([what.summary, ...(what.risky ? [`Why it matters: ${what.risky}`] : []), ...params, `API reference: ${what.apiReferenceUrl}`].join('\n')) };
}

export class RecordLensProvider implements vscode.CodeLensProvider<RecordLens> {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;

  constructor(private readonly cache: RecordIndexCache) {}

  refresh(): void {
    this.changed.fire();
  }

  provideCodeLenses(document: vscode.TextDocument, token: vscode.CancellationToken): RecordLens[] {
    if (!vscode.workspace.getConfiguration('cloudtrailLens').get<boolean>('codeLens.enabled', true)) return [];
    const index = this.cache.get(document);
    const lenses: RecordLens[] = [];
    const at = (offset: number): vscode.Range => {
      const p = document.positionAt(offset);
      return new vscode.Range(p, p);
    };
    for (const record of index.records) {
      if (token.isCancellationRequested) return [];
      if (record.userIdentity !== undefined) lenses.push(new RecordLens(at(record.userIdentity), document, document.version, record, 'identity'));
      const requestAnchor = record.requestParameters ?? record.eventName;
      if (requestAnchor !== undefined) lenses.push(new RecordLens(at(requestAnchor), document, document.version, record, 'request'));
    }
    return lenses;
  }

  resolveCodeLens(lens: RecordLens): RecordLens {
    const parsed = lens.document.version === lens.version ? readRecord(lens.document, lens.record) : undefined;
    if (!parsed) {
      lens.command = { title: lens.document.version === lens.version ? 'Not a valid CloudTrail record (invalid JSON)' : '…', command: '' };
      return lens;
    }
    const { title, tooltip } = lensTitle(parsed, lens.kind);
    const args: RecordActionArgs = { uri: lens.document.uri.toString(), recordStart: lens.record.start, kind: lens.kind };
    lens.command = { title, tooltip, command: COMMANDS.recordActions, arguments: [args] };
    return lens;
  }

  dispose(): void {
    this.changed.dispose();
  }
}
