// Wires the record features to VS Code: readable .json.gz documents, code lenses, hovers and
// the record actions. Called once from activate().
import * as vscode from 'vscode';
import { LOG_SCHEME, registerLogDocuments } from '../documents/logDocuments';
import { RecordIndexCache } from '../documents/recordIndexCache';
import { RecordHoverProvider } from '../hovers/recordHovers';
import { registerRecordActions } from './recordActions';
import { OriginLookup, RecordLensProvider } from './recordLenses';

/** Where lenses and hovers apply; the content decides (non-CloudTrail JSON gets none). */
export const RECORD_DOCUMENTS: vscode.DocumentSelector = [
  { language: 'json' },
  { language: 'jsonl' },
  { pattern: '**/*.jsonl' },
  { scheme: LOG_SCHEME },
];

export interface RecordFeatures {
  /** The documents' record index cache (the case features mark annotated records with it). */
  readonly cache: RecordIndexCache;
  /** Lets the lenses name who is behind a session from the open timelines' events. */
  setOriginLookup(lookup: OriginLookup, changed: vscode.Event<void>): void;
}

export function registerRecordFeatures(context: vscode.ExtensionContext): RecordFeatures {
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
  return {
    cache,
    setOriginLookup(lookup, changed) {
      lenses.setOriginLookup(lookup);
      context.subscriptions.push(changed(() => lenses.refresh()));
    },
  };
}
