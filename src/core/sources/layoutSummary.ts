// File counts, sizes and time spans of explorer nodes. One scan of a node (LogSource.listAll
// over its prefixes) also yields the figures of every node below it, so expanding a summarised
// node shows its children's figures without listing again.
import { CatalogNode, FileKind, FileNode, nodePrefixes } from './layoutTree';
import { CloudTrailKeyInfo, parseCloudTrailKey } from './layout';
import { SourceError } from './source';
import type { LogSource } from './source';

export interface Summary {
  files: number;
  bytes: number;
  byKind: Partial<Record<FileKind, number>>;
  /** Earliest and latest delivery time named by the files (ISO 8601), when any file says. */
  firstDelivery?: string;
  lastDelivery?: string;
}

export function emptySummary(): Summary {
  return { files: 0, bytes: 0, byKind: {} };
}

export function addFile(s: Summary, kind: FileKind, size: number, deliveryTime?: string): void {
  s.files += 1;
  s.bytes += size;
  s.byKind[kind] = (s.byKind[kind] ?? 0) + 1;
  if (deliveryTime) {
    if (!s.firstDelivery || deliveryTime < s.firstDelivery) s.firstDelivery = deliveryTime;
    if (!s.lastDelivery || deliveryTime > s.lastDelivery) s.lastDelivery = deliveryTime;
  }
}

/** Summary of files already listed (a day's or the loose files). */
export function summarizeFiles(files: readonly FileNode[]): Summary {
  const s = emptySummary();
  for (const f of files) addFile(s, f.fileKind, f.size, f.info?.deliveryTime);
  return s;
}

/** The ids of the nodes a parsed layout key belongs to, outermost first (matching CloudTrailCatalog ids). */
export function ancestorIds(info: CloudTrailKeyInfo): string[] {
  const root = info.prefix ? `${info.prefix}/AWSLogs/` : 'AWSLogs/';
  const org = info.organizationId ? `${info.organizationId}/` : '';
  const account = `${root}${org}${info.accountId}/`;
  const ids = [`L:${root}`];
  if (info.organizationId) ids.push(`O:${root}${org}`);
  ids.push(
    `A:${account}`,
    `R:${account}${info.folderRegion}/`,
    `D:${account}${info.folderRegion}/${info.folderDate}`,
  );
  return ids;
}

/** Summaries by node id, filled by scans and by listings. */
export class SummaryCache {
  private readonly byId = new Map<string, Summary>();

  get(id: string): Summary | undefined {
    return this.byId.get(id);
  }

  set(id: string, summary: Summary): void {
    this.byId.set(id, summary);
  }

  clear(): void {
    this.byId.clear();
  }

  /**
   * Counts every object under the node (cancellable), and records the figures of the node and
   * of every layout node below it. Objects whose keys are not in the layout count for the node
   * itself as 'other'.
   */
  async scan(source: LogSource, node: CatalogNode, signal?: AbortSignal): Promise<Summary> {
    const own = emptySummary();
    const below = new Map<string, Summary>();
    for (const prefix of nodePrefixes(node)) {
      for await (const o of source.listAll(prefix, signal)) {
        if (signal?.aborted) throw new SourceError('cancelled', prefix, 'cancelled');
        const info = parseCloudTrailKey(o.key);
        addFile(own, info?.kind ?? 'other', o.size, info?.deliveryTime);
        if (!info) continue;
        for (const id of ancestorIds(info)) {
          let s = below.get(id);
          if (!s) below.set(id, (s = emptySummary()));
          addFile(s, info.kind, o.size, info.deliveryTime);
        }
      }
    }
    // Only strict descendants take the per-id figures; ancestors' figures would be partial.
    const scope = node.id.slice(2);
    for (const [id, s] of below)
      if (id !== node.id && id.slice(2).startsWith(scope)) this.byId.set(id, s);
    this.byId.set(node.id, own);
    return own;
  }
}
