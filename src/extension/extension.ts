// Activation: wires each feature of the extension to VS Code. Features live in their own
// modules under src/extension/ and adapt src/core; this file only registers them.
import * as vscode from 'vscode';
import { registerRecordFeatures } from './lenses/registerRecordFeatures';
import { Explorer, registerExplorer } from './tree/registerExplorer';
import { registerDigestCommands } from './digest/registerDigestCommands';
import { registerTimeline, TimelineRegistration } from './timeline/registerTimeline';
import { CaseStore } from './case/caseStore';
import { registerCase } from './case/registerCase';
import { registerCaseDocuments } from './case/caseDocuments';
import { IndexedEventCounts } from './tree/indexedEventCounts';
import type { IndexedFile } from '../core/index/eventIndex';
import { registerLint } from './lint/registerLint';
import { registerS3 } from './s3/s3Runtime';
import { registerRemoteQueries } from './sql/registerRemoteQueries';
import { registerDetections } from './detect/registerDetections';
import { lineSafeLog } from './lineSafeLog';

/** What activate() returns: the explorer, the timelines and the case, for the extension-host tests. */
export interface CloudTrailLensApi {
  explorer: Explorer;
  timeline: TimelineRegistration;
  caseStore: CaseStore;
}

export function activate(context: vscode.ExtensionContext): CloudTrailLensApi {
  const channel = vscode.window.createOutputChannel('CloudTrail Lens', { log: true });
  context.subscriptions.push(channel);
  // Messages quote names and values from the evidence: one line each (lineSafeLog).
  const output = lineSafeLog(channel);
  output.info('CloudTrail Lens activated');
  const records = registerRecordFeatures(context);
  registerS3(context, output); // before the explorer opens any S3 source: they share its cache
  const explorer = registerExplorer(context, output);
  const caseStore = new CaseStore(output);
  context.subscriptions.push(caseStore);
  const timeline = registerTimeline(
    context,
    output,
    { entries: () => explorer.registry.entries, ready: explorer.ready },
    caseStore,
  );
  registerCase(context, caseStore, timeline, output);
  registerCaseDocuments(context, caseStore, records.cache);
  // The explorer shows event counts of the files the open timelines have indexed.
  explorer.provider.setEventCounts(
    new IndexedEventCounts(
      () => timeline.panels.flatMap((p) => p.indexedFiles),
      timeline.onDidChangeIndexedFiles,
      (file) => timeline.panels.map((p) => p.detectionCountsOf(file as IndexedFile)).find(Boolean),
    ),
  );
  // Lenses name who is behind a session from the events the open timelines loaded, newest panel first.
  records.setOriginLookup(
    (eventID) =>
      timeline.panels
        .slice()
        .reverse()
        .map((p) => p.originOfEvent(eventID))
        .find(Boolean),
    timeline.onDidChangeIndexedFiles,
  );
  registerDigestCommands(context);
  registerRemoteQueries(context, output, timeline, explorer.registry);
  registerLint(context);
  registerDetections(context, output);
  return { explorer, timeline, caseStore };
}

export function deactivate(): void {
  // Every resource is owned by context.subscriptions.
}
