// File counts, sizes and time spans of explorer nodes. One scan of a node (LogSource.listAll
// over its prefixes) also yields the figures of every node below it, so expanding a summarised
// node shows its children's figures without listing again.
import { CatalogNode, FileKind, FileNode, isAwsLogsRoot, nodePrefixes } from './layoutTree';
import { KIND_FOLDERS, isAccountId, isOrganizationId, parseCloudTrailKey } from './layout';
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

/**
 * The ids of the catalog nodes (CloudTrailCatalog ids) whose scan counts the object at `key`,
 * outermost first: each node whose prefixes (nodePrefixes) hold the key. Read from the folders
 * the key lies in, never from its file name: a file named for another account, region or day
 * counts where it lies, as listing that folder shows it.
 */
export function ancestorIds(key: string): string[] {
  const parts = key.split('/');
  const at = parts.indexOf('AWSLogs');
  const root = `${parts.slice(0, at + 1).join('/')}/`;
  if (at < 0 || !isAwsLogsRoot(root)) return [];
  const ids = [`L:${root}`];
  // Each level is a folder only when something lies below it (the last part is the object's name).
  const folder = (i: number) => i < parts.length - 1;
  let i = at + 1;
  let base = root;
  if (folder(i) && isOrganizationId(parts[i])) ids.push(`O:${(base += `${parts[i++]}/`)}`);
  if (!folder(i) || !isAccountId(parts[i])) return ids;
  const account = `${base}${parts[i++]}/`;
  ids.push(`A:${account}`);
  if (!folder(i + 1) || !KIND_NAMES.has(parts[i])) return ids;
  const region = parts[i + 1];
  ids.push(`R:${account}${region}/`);
  const [yyyy, mm, dd] = parts.slice(i + 2, i + 5);
  if (folder(i + 4) && /^\d{4}$/.test(yyyy) && /^\d{2}$/.test(mm) && /^\d{2}$/.test(dd))
    ids.push(`D:${account}${region}/${yyyy}-${mm}-${dd}`);
  return ids;
}

const KIND_NAMES: ReadonlySet<string> = new Set(Object.values(KIND_FOLDERS));

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
   * of every layout node below it. Objects whose keys are not in the layout (a name CloudTrail
   * does not write, a sub-folder of a day) count as 'other' for every node whose folders hold them.
   */
  async scan(source: LogSource, node: CatalogNode, signal?: AbortSignal): Promise<Summary> {
    const own = emptySummary();
    const below = new Map<string, Summary>();
    for (const prefix of nodePrefixes(node)) {
      for await (const o of source.listAll(prefix, signal)) {
        if (signal?.aborted) throw new SourceError('cancelled', prefix, 'cancelled');
        const info = parseCloudTrailKey(o.key);
        const kind = info?.kind ?? 'other';
        addFile(own, kind, o.size, info?.deliveryTime);
        for (const id of ancestorIds(o.key)) {
          let s = below.get(id);
          if (!s) below.set(id, (s = emptySummary()));
          addFile(s, kind, o.size, info?.deliveryTime);
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
