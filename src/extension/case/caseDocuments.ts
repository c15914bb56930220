// The case in log documents: a gutter star beside each record the case file annotates, a hover
// saying what (star, tags, note, who and when), and the record's lens actions to star, tag or
// comment it (INTERNAL_COMMANDS.caseAnnotateRecord). A document names its log object by its path in the
// workspace; annotations match it by that path or by the file name (core/case/resolve.ts).
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Annotation } from '../../core/case/caseFile';
import { sameObject } from '../../core/case/resolve';
import { revealHidden } from '../../core/output/visibleText';
import { escapeMarkdown } from '../../core/output/markdown';
import { IndexedRecord, recordAt } from '../../core/records/recordIndex';
import type { AnnotateAction } from '../../protocol';
import { LOG_SCHEME, sourceOfLogDocument } from '../documents/logDocuments';
import type { RecordIndexCache } from '../documents/recordIndexCache';
import { INTERNAL_COMMANDS } from '../commands';
import { RECORD_DOCUMENTS } from '../lenses/registerRecordFeatures';
import { readRecord } from '../lenses/recordLenses';
import { annotateEvents } from './annotateCommands';
import type { CaseStore } from './caseStore';

/** The key a document's records are annotated under: its path in the workspace ('/' separated). */
export function documentKey(document: vscode.TextDocument): string {
  return vscode.workspace.asRelativePath(fileOf(document), false).replace(/\\/g, '/');
}

/** The file a document shows (a decompressed log's own .json.gz). */
function fileOf(document: vscode.TextDocument): vscode.Uri {
  return document.uri.scheme === LOG_SCHEME ? sourceOfLogDocument(document.uri) : document.uri;
}

/**
 * Whether an annotation's key names a file that exists, as the workspace holds it, and is not the
 * document's: then it is that file's, not this one of the same name (a forged copy elsewhere
 * reusing the eventID must not show the analyst's star). Otherwise the same name is the same
 * object loaded under another root (the bucket's copy, a mirror).
 */
function namesAnotherFile(annotationKey: string, document: vscode.TextDocument): boolean {
  const own = fileOf(document).fsPath;
  const candidates = path.isAbsolute(annotationKey)
    ? [annotationKey]
    : (vscode.workspace.workspaceFolders ?? [])
        .filter((f) => f.uri.scheme === 'file')
        .map((f) => path.join(f.uri.fsPath, annotationKey));
  return candidates.some((p) => p !== own && existsSync(p));
}

/** Whether an annotation is of the document's object (whose key is `key`: documentKey). */
function annotatesDocument(a: Annotation, key: string, document: vscode.TextDocument): boolean {
  return a.key === key || (sameObject(a.key, key) && !namesAnotherFile(a.key, document));
}

/** The annotated records of a document: each annotation of its object found by its eventID. */
export function annotatedRecords(
  document: vscode.TextDocument,
  cache: RecordIndexCache,
  annotations: readonly Annotation[],
): Array<{ record: IndexedRecord; annotation: Annotation }> {
  const key = documentKey(document);
  const mine = annotations.filter((a) => annotatesDocument(a, key, document));
  if (!mine.length) return [];
  const index = cache.get(document);
  if (index.shape === 'none') return [];
  const text = document.getText();
  const out: Array<{ record: IndexedRecord; annotation: Annotation }> = [];
  for (const a of mine) {
    // "eventID": "<id>" (also escaped inside lookup-events' embedded strings).
    const pattern = new RegExp(
      `\\\\?"eventID\\\\?"\\s*:\\s*\\\\?"${a.eventID.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\\\?"`,
    );
    const m = pattern.exec(text);
    const record = m ? recordAt(index, m.index) : undefined;
    if (record) out.push({ record, annotation: a });
  }
  return out;
}

function hoverText(a: Annotation): vscode.MarkdownString {
  const parts = [`**CloudTrail case**${a.starred ? ' · ★ starred' : ''}`];
  if (a.tags.length)
    parts.push(`Tags: ${a.tags.map((t) => `\`${revealHidden(t).replace(/`/g, "'")}\``).join(' ')}`);
  if (a.note) parts.push(`Note: ${escapeMarkdown(revealHidden(a.note))}`);
  parts.push(escapeMarkdown(revealHidden(`${a.by || 'unknown'}, ${a.at}`)));
  return new vscode.MarkdownString(parts.join('\n\n'));
}

export function registerCaseDocuments(
  context: vscode.ExtensionContext,
  store: CaseStore,
  cache: RecordIndexCache,
): void {
  const gutter = vscode.window.createTextEditorDecorationType({
    gutterIconPath: vscode.Uri.joinPath(context.extensionUri, 'media', 'icons', 'case-star.svg'),
    gutterIconSize: 'contain',
    overviewRulerColor: new vscode.ThemeColor('charts.yellow'),
    overviewRulerLane: vscode.OverviewRulerLane.Left,
  });
  const decorate = (editor: vscode.TextEditor) => {
    const marks = annotatedRecords(editor.document, cache, store.case.annotations).map(
      ({ record, annotation }) => {
        const at = editor.document.positionAt(record.start);
        return { range: new vscode.Range(at, at), hoverMessage: hoverText(annotation) };
      },
    );
    editor.setDecorations(gutter, marks);
  };
  const decorateAll = () => vscode.window.visibleTextEditors.forEach(decorate);
  context.subscriptions.push(
    gutter,
    store.onDidChange(decorateAll),
    vscode.window.onDidChangeVisibleTextEditors(decorateAll),
    vscode.workspace.onDidChangeTextDocument((e) =>
      vscode.window.visibleTextEditors.filter((ed) => ed.document === e.document).forEach(decorate),
    ),
    vscode.languages.registerHoverProvider(RECORD_DOCUMENTS, {
      // On the line where an annotated record starts (where its gutter star is).
      provideHover(document, position) {
        const hit = annotatedRecords(document, cache, store.case.annotations).find(
          ({ record }) => document.positionAt(record.start).line === position.line,
        );
        return hit ? new vscode.Hover(hoverText(hit.annotation)) : undefined;
      },
    }),
    // args.text (optional): the tag or note, instead of asking for it.
    vscode.commands.registerCommand(
      INTERNAL_COMMANDS.caseAnnotateRecord,
      async (args?: { uri?: unknown; recordStart?: unknown; action?: unknown; text?: unknown }) => {
        if (
          typeof args?.uri !== 'string' ||
          typeof args.recordStart !== 'number' ||
          !['star', 'tag', 'untag', 'note'].includes(String(args.action))
        )
          return;
        const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === args.uri);
        const indexed = document && recordAt(cache.get(document), args.recordStart);
        const record = document && indexed && readRecord(document, indexed);
        if (!document || !record || typeof record.eventID !== 'string') {
          void vscode.window.showWarningMessage(
            'CloudTrail: this record changed or has no eventID, so the case file cannot name it.',
          );
          return;
        }
        const key = documentKey(document);
        const current = store.case.annotations.find(
          (a) => a.eventID === record.eventID && annotatesDocument(a, key, document),
        );
        await annotateEvents(
          store,
          [
            {
              eventID: record.eventID,
              fileKey: current?.key ?? key,
              eventTime: typeof record.eventTime === 'string' ? record.eventTime : '',
              row: -1,
            },
          ],
          args.action as AnnotateAction,
          new Map(current ? [[-1, current]] : []),
          typeof args.text === 'string' ? args.text : undefined,
        );
      },
    ),
  );
  decorateAll();
}
