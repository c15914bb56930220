// Wires the record features to VS Code: readable .json.gz documents, code lenses, hovers and
// the record actions. Called once from activate().
import * as vscode from 'vscode';
import { LOG_SCHEME, registerLogDocuments } from '../documents/logDocuments';
import { RecordIndexCache } from '../documents/recordIndexCache';
import { RecordHoverProvider } from '../hovers/recordHovers';
import { registerRecordActions } from './recordActions';
import { RecordLensProvider } from './recordLenses';

/** Where lenses and hovers apply; the content decides (non-CloudTrail JSON gets none). */
export const RECORD_DOCUMENTS: vscode.DocumentSelector = [
  { language: 'json' },
  { language: 'jsonl' },
  { pattern: '**/*.jsonl' },
  { scheme: LOG_SCHEME },
];

/** Returns the documents' record index cache (the case features mark annotated records with it). */
export function registerRecordFeatures(context: vscode.ExtensionContext): RecordIndexCache {
  const cache = new RecordIndexCache();
  const lenses = new RecordLensProvider(cache);
  registerLogDocuments(context);
  context.subscriptions.push(
    cache,
    lenses,
    vscode.languages.registerCodeLensProvider(RECORD_DOCUMENTS, lenses),
    vscode.languages.registerHoverProvider(RECORD_DOCUMENTS, new RecordHoverProvider(cache)),
    registerRecordActions(cache),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('cloudtrailLens.codeLens.enabled')) lenses.refresh();
    }),
  );
  return cache;
}
