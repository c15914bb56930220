// Feeds the explorer the event counts of files some index has loaded (the timeline panels'),
// keyed by source location and key, so the tree never indexes anything itself.
import * as vscode from 'vscode';
import { CatalogNode } from '../../core/sources/layoutTree';
import { IndexedFileLike, indexedEvents, indexedHits } from '../../core/sources/layoutEvents';
import type { Level } from '../../core/detect/levels';
import { Summary } from '../../core/sources/layoutSummary';
import { LogSource } from '../../core/sources/source';
import type { SourceEntry } from '../sources/sourceRegistry';
import type { EventCountSource } from './explorerProvider';

export interface IndexedFileOfSource extends IndexedFileLike {
  source: LogSource;
}

export class IndexedEventCounts implements EventCountSource {
  private bySource: Map<string, Map<string, IndexedFileLike>> | undefined;

  /**
   * @param files every file currently held by an index (read again after each change)
   * @param onDidChange fires when an index loaded more files or went away
   * @param hitsOf a file's events with detection hits by highest level, once its index ran the rules over it
   */
  constructor(
    private readonly files: () => Iterable<IndexedFileOfSource>,
    readonly onDidChange: vscode.Event<void>,
    private readonly hitsOf: (
      file: IndexedFileLike,
    ) => Readonly<Record<Level, number>> | undefined = () => undefined,
  ) {
    onDidChange(() => (this.bySource = undefined));
  }

  eventsFor(
    entry: SourceEntry,
    node: CatalogNode,
    summary: Summary | undefined,
  ): number | undefined {
    if (!entry.source) return undefined;
    const files = this.table().get(entry.source.label);
    return files ? indexedEvents(node, files, summary) : undefined;
  }

  hitsFor(
    entry: SourceEntry,
    node: CatalogNode,
    summary: Summary | undefined,
  ): Record<Level, number> | undefined {
    if (!entry.source) return undefined;
    const files = this.table().get(entry.source.label);
    return files ? indexedHits(node, files, summary, this.hitsOf) : undefined;
  }

  private table(): Map<string, Map<string, IndexedFileLike>> {
    if (this.bySource) return this.bySource;
    const table = new Map<string, Map<string, IndexedFileLike>>();
    for (const f of this.files()) {
      let keys = table.get(f.source.label);
      if (!keys) table.set(f.source.label, (keys = new Map()));
      // Two timelines may hold the same file; a loaded copy wins over a pending one.
      const known = keys.get(f.key);
      if (!known || known.state === 'pending') keys.set(f.key, f);
    }
    return (this.bySource = table);
  }
}
