// The layout-aware view of a LogSource: what the children of each node of the explorer are.
//
//   source → location (one `[prefix/]AWSLogs/` root, named after the trail(s) its digests name)
//          → organization → account → region → day → files
//   source → loose files (CloudTrail-looking files outside any AWSLogs tree)
//                 → account → region → day → files, for those named the way CloudTrail names
//                   its deliveries (a copied-out set of logs reads like the AWSLogs tree)
//                 → the other files
//
// Every call lists one level (or the handful of levels a node folds together, such as
// YYYY/MM/DD → days) through LogSource.listLevel, so it works the same on a folder and on S3,
// and expanding a node never walks the whole source. Pure: no vscode here.
import {
  CloudTrailFileNameInfo,
  CloudTrailObjectKind,
  KIND_FOLDERS,
  accountKindPrefix,
  awsLogsFolder,
  isAccountId,
  isOrganizationId,
  notDeliveredThere,
  parseCloudTrailFileName,
  trailFolderOf,
} from './layout';
import { isKeptBesideLogs } from './discover';
import { LogSource, SourceEntry, SourceError, SourceObject } from './source';
import { gunzipCapped } from '../ingest/gzip';
import { decodeFileText } from '../ingest/textEncoding';
import { mapLimited } from '../mapLimited';

/** Loose files read to decide whether a workspace folder holds CloudTrail exports, and their size cap. */
const SNIFFED_FILES = 20;
const SNIFF_MAX_BYTES = 8 * 1024 * 1024;
/** Keys of a CloudTrail record or of lookup-events output, also when escaped inside a JSON string. */
const CLOUDTRAIL_FIELDS = /\\?"(eventSource|CloudTrailEvent)\\?"\s*:/i;

export type FileKind = CloudTrailObjectKind | 'other' | 'loose';

export interface TrailRef {
  name: string;
  homeRegion: string;
}

/** Where the account-level folders of one node live: `[prefix/]AWSLogs/[org/]<acct>/`. */
export interface AccountScope {
  /** The AWSLogs root key, e.g. `logs/AWSLogs/` or `AWSLogs/`. */
  root: string;
  organizationId?: string;
  accountId: string;
}

export interface LocationNode {
  type: 'location';
  id: string;
  root: string;
  /** Everything before `AWSLogs/` without the trailing slash ('' when the root is at the top). */
  prefix: string;
  /** Trails named by the digest files found under this root (none when there are no digests). */
  trails: TrailRef[];
  /** True when trail discovery looked at only some of the accounts (large organizations). */
  trailsSampled: boolean;
  /** Why the trails could not be named (the digests could not be listed). */
  trailsError?: string;
}

export interface OrganizationNode {
  type: 'organization';
  id: string;
  root: string;
  organizationId: string;
}

export interface AccountNode extends AccountScope {
  type: 'account';
  id: string;
}

export interface RegionNode extends AccountScope {
  type: 'region';
  id: string;
  /** The region folder as written (real data has e.g. `us_east_1`). */
  region: string;
  kinds: CloudTrailObjectKind[];
}

export interface DayNode extends AccountScope {
  type: 'day';
  id: string;
  region: string;
  /** YYYY-MM-DD */
  date: string;
  kinds: CloudTrailObjectKind[];
}

export interface FileNode {
  type: 'file';
  id: string;
  key: string;
  size: number;
  modified?: number;
  fileKind: FileKind;
  /** What the name says, for files CloudTrail named. */
  info?: CloudTrailFileNameInfo;
  /**
   * In a day folder, why CloudTrail would not have delivered a file so named there (its name is
   * for another account, region or day; it is not compressed): a renamed or moved file, or
   * tampering. Its name is not believed over its folder without saying so.
   */
  misplaced?: string;
}

export interface LooseFilesNode {
  type: 'loose';
  id: string;
  files: SourceObject[];
  /** The search for loose files stopped early (too many folders or too deep). */
  truncated: boolean;
}

/**
 * Loose files that CloudTrail named, grouped the way the AWSLogs tree groups them: by the
 * account, region and delivery day their names carry.
 */
export interface LooseGroupNode {
  type: 'loose-group';
  id: string;
  level: 'account' | 'region' | 'day';
  accountId: string;
  region?: string;
  /** YYYY-MM-DD, at the day level. */
  date?: string;
  files: SourceObject[];
}

/** A notice in place of children: the reason a level could not be listed. */
export interface ProblemNode {
  type: 'problem';
  id: string;
  message: string;
  key: string;
  /**
   * Listed, but not where CloudTrail writes (a folder it does not make, such as a day folder's
   * sub-folder): said, not an error. Absent: the level could not be listed.
   */
  outOfPlace?: true;
}

export type CatalogNode =
  | LocationNode
  | OrganizationNode
  | AccountNode
  | RegionNode
  | DayNode
  | FileNode
  | LooseFilesNode
  | LooseGroupNode
  | ProblemNode;

export interface DiscoveryOptions {
  /** How many folder levels below the source root to look for AWSLogs/ and loose files. */
  maxDepth?: number;
  /** How many folders to list at most while looking. */
  maxFolders?: number;
  /** How many accounts per root to read digest names from when naming trails. */
  maxTrailAccounts?: number;
}

const DEFAULTS: Required<DiscoveryOptions> = {
  maxDepth: 6,
  maxFolders: 2000,
  maxTrailAccounts: 10,
};
const LIST_CONCURRENCY = 8;
/** Day folders newestDigests looks in before it gives up (an hourly chain fills every day). */
const NEWEST_DAYS_TRIED = 64;
const LOOSE_NAME = /\.(json|json\.gz|jsonl|jsonl\.gz)$/i;
const SKIPPED_FOLDERS = new Set([
  'node_modules',
  '.git',
  '.hg',
  '.svn',
  '.vscode',
  '.idea',
  '__pycache__',
]);
const KIND_ORDER: readonly CloudTrailObjectKind[] = ['log', 'insight', 'digest'];

/**
 * Merges the names (regions, dates) listed under each kind folder: every name once, sorted,
 * with the kinds it was found under in KIND_ORDER. `namesPerKind[i]` belongs to `kinds[i]`.
 */
function namesByKind(
  kinds: readonly CloudTrailObjectKind[],
  namesPerKind: readonly (readonly string[])[],
): Map<string, CloudTrailObjectKind[]> {
  const found = new Map<string, Set<CloudTrailObjectKind>>();
  kinds.forEach((kind, i) => {
    for (const name of namesPerKind[i]) {
      let set = found.get(name);
      if (!set) found.set(name, (set = new Set()));
      set.add(kind);
    }
  });
  return new Map(
    [...found.keys()]
      .sort()
      .map((name) => [name, KIND_ORDER.filter((k) => found.get(name)!.has(k))]),
  );
}

/** True for a file name the explorer shows as a possible CloudTrail file outside the layout. */
export function isLooseCandidate(key: string): boolean {
  return LOOSE_NAME.test(key) && !isKeptBesideLogs(key);
}

export function prefixOfRoot(root: string): string {
  return root.slice(0, -'AWSLogs/'.length).replace(/\/$/, '');
}

/**
 * True for an AWSLogs folder the layout can name: one its prefix (prefixOfRoot) leads back to.
 * S3 keeps an empty segment (`p//AWSLogs/`, `/AWSLogs/`) where a folder cannot: such a folder
 * would be listed as its own root but read as `p/AWSLogs/`, the trail's folders counted twice
 * and the planted tree never listed. It is an ordinary folder, what it holds read like any other.
 */
export function isAwsLogsRoot(prefix: string): boolean {
  return lastSegment(prefix) === 'AWSLogs' && awsLogsFolder(prefixOfRoot(prefix)) === prefix;
}

/** `[prefix/]AWSLogs/[org/]<acct>/` */
export function accountPrefix(scope: AccountScope): string {
  return `${scope.root}${scope.organizationId ? `${scope.organizationId}/` : ''}${scope.accountId}/`;
}

/** The folder of one kind of object for a region: `…/<acct>/<KindFolder>/<region>/`. */
export function regionKindPrefix(
  scope: AccountScope,
  kind: CloudTrailObjectKind,
  region: string,
): string {
  return `${accountKindPrefix({ prefix: prefixOfRoot(scope.root), organizationId: scope.organizationId, accountId: scope.accountId, kind })}${region}/`;
}

/** The folder of one kind of object for a day: `…/<KindFolder>/<region>/YYYY/MM/DD/`. */
export function dayKindPrefix(
  scope: AccountScope,
  kind: CloudTrailObjectKind,
  region: string,
  date: string,
): string {
  return `${regionKindPrefix(scope, kind, region)}${date.replace(/-/g, '/')}/`;
}

/**
 * The key prefixes a node covers (objects of every kind). A location covers its whole root; a
 * region or day covers one folder per kind of object present.
 */
export function nodePrefixes(node: CatalogNode): string[] {
  switch (node.type) {
    case 'location':
      return [node.root];
    case 'organization':
      return [`${node.root}${node.organizationId}/`];
    case 'account':
      return [accountPrefix(node)];
    case 'region':
      return node.kinds.map((k) => regionKindPrefix(node, k, node.region));
    case 'day':
      return node.kinds.map((k) => dayKindPrefix(node, k, node.region, node.date));
    case 'file':
      return [node.key];
    case 'loose':
    case 'loose-group':
    case 'problem':
      return [];
  }
}

/**
 * What to hand to the timeline: the one key prefix holding the node's CloudTrail events (log
 * files only, never digests) or, for loose files, the keys themselves.
 */
export function eventScope(node: CatalogNode): { prefix?: string; keys?: string[] } | undefined {
  switch (node.type) {
    case 'location':
      return { prefix: node.root };
    case 'organization':
      return { prefix: `${node.root}${node.organizationId}/` };
    case 'account':
      return {
        prefix: accountKindPrefix({
          prefix: prefixOfRoot(node.root),
          organizationId: node.organizationId,
          accountId: node.accountId,
          kind: 'log',
        }),
      };
    case 'region':
      return node.kinds.includes('log')
        ? { prefix: regionKindPrefix(node, 'log', node.region) }
        : undefined;
    case 'day':
      return node.kinds.includes('log')
        ? { prefix: dayKindPrefix(node, 'log', node.region, node.date) }
        : undefined;
    case 'file':
      return node.fileKind === 'digest' ? undefined : { keys: [node.key] };
    case 'loose':
      return { keys: node.files.map((f) => f.key) };
    case 'loose-group': {
      const keys = looseFileNodes(node.files)
        .filter((f) => f.fileKind !== 'digest')
        .map((f) => f.key);
      return keys.length ? { keys } : undefined;
    }
    case 'problem':
      return undefined;
  }
}

/** The digest prefix to validate for a node, when it has digests below it. */
export function digestScope(node: CatalogNode): { prefix: string } | undefined {
  switch (node.type) {
    case 'location':
      return { prefix: node.root };
    case 'organization':
      return { prefix: `${node.root}${node.organizationId}/` };
    case 'account':
      return { prefix: accountPrefix(node) };
    case 'region':
      return node.kinds.includes('digest')
        ? { prefix: regionKindPrefix(node, 'digest', node.region) }
        : undefined;
    case 'day':
      return node.kinds.includes('digest')
        ? { prefix: dayKindPrefix(node, 'digest', node.region, node.date) }
        : undefined;
    default:
      return undefined;
  }
}

export class CloudTrailCatalog {
  private readonly options: Required<DiscoveryOptions>;

  constructor(
    readonly source: LogSource,
    options: DiscoveryOptions = {},
  ) {
    this.options = { ...DEFAULTS, ...options };
  }

  /** The top level: one node per AWSLogs root (named by its trails), then the loose files. */
  async roots(signal?: AbortSignal): Promise<CatalogNode[]> {
    const found = await this.discover(signal);
    const locations = await mapLimited(
      found.roots,
      LIST_CONCURRENCY,
      async (root): Promise<CatalogNode> => {
        const location: LocationNode = {
          type: 'location',
          id: `L:${root}`,
          root,
          prefix: prefixOfRoot(root),
          trails: [],
          trailsSampled: false,
        };
        try {
          const { trails, sampled } = await this.trailsOf(root, signal);
          return { ...location, trails, trailsSampled: sampled };
        } catch (e) {
          if (e instanceof SourceError && e.code === 'cancelled') throw e;
          // The logs may still be listable even where the digests are not.
          return { ...location, trailsError: e instanceof Error ? e.message : String(e) };
        }
      },
    );
    const nodes: CatalogNode[] = [...locations, ...found.problems];
    if (found.loose.length > 0 || (found.truncated && found.roots.length === 0)) {
      nodes.push({ type: 'loose', id: 'loose', files: found.loose, truncated: found.truncated });
    }
    return nodes;
  }

  async children(node: CatalogNode, signal?: AbortSignal): Promise<CatalogNode[]> {
    try {
      switch (node.type) {
        case 'location':
          return await this.locationChildren(node, signal);
        case 'organization':
          return await this.organizationChildren(node, signal);
        case 'account':
          return await this.regionsOf(node, signal);
        case 'region':
          return await this.daysOf(node, signal);
        case 'day':
          return await this.filesOf(node, signal);
        case 'loose':
        case 'loose-group':
          return looseChildren(node);
        default:
          return [];
      }
    } catch (e) {
      if (e instanceof SourceError && e.code === 'cancelled') throw e;
      return [problem(e, nodePrefixes(node)[0] ?? '')];
    }
  }

  /**
   * Finds the AWSLogs roots and loose files, breadth first, listing one folder at a time and
   * never descending into an AWSLogs tree (its layout is known) or tool folders.
   */
  async discover(signal?: AbortSignal): Promise<{
    roots: string[];
    loose: SourceObject[];
    truncated: boolean;
    problems: ProblemNode[];
  }> {
    const roots: string[] = [];
    const loose: SourceObject[] = [];
    const problems: ProblemNode[] = [];
    const { truncated } = await this.walk(this.options, signal, problems, (e) => {
      if (e.kind === 'object') {
        if (isLooseCandidate(e.key)) loose.push(e);
      } else if (isAwsLogsRoot(e.prefix)) {
        roots.push(e.prefix);
      }
      return false;
    });
    roots.sort();
    loose.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    return { roots, loose, truncated, problems };
  }

  /**
   * True when the source holds CloudTrail data near its top: an AWSLogs/ folder, a file named the
   * way CloudTrail names its deliveries, or else a loose JSON file (an export: lookup-events
   * output, EventBridge events, CloudWatch Logs payloads…) whose first bytes have a CloudTrail
   * record's fields. Cheap enough to run on every workspace folder: a few folders listed, and at
   * most SNIFFED_FILES small files read.
   */
  async containsCloudTrail(
    signal?: AbortSignal,
    limits: { maxDepth?: number; maxFolders?: number } = {},
  ): Promise<boolean> {
    let found = false;
    const loose: SourceObject[] = [];
    await this.walk(
      { maxDepth: limits.maxDepth ?? 3, maxFolders: limits.maxFolders ?? 200 },
      signal,
      [],
      (e) => {
        found =
          e.kind === 'prefix'
            ? lastSegment(e.prefix) === 'AWSLogs'
            : parseCloudTrailFileName(lastSegment(e.key)) !== undefined;
        if (
          !found &&
          e.kind === 'object' &&
          isLooseCandidate(e.key) &&
          e.size <= SNIFF_MAX_BYTES &&
          loose.length < SNIFFED_FILES
        )
          loose.push(e);
        return found;
      },
    );
    for (const o of found ? [] : loose) {
      let text: string;
      try {
        let bytes = await this.source.read(o.key, { maxBytes: SNIFF_MAX_BYTES, signal });
        if (bytes[0] === 0x1f && bytes[1] === 0x8b)
          bytes = gunzipCapped(bytes, 4 * SNIFF_MAX_BYTES).data;
        text = decodeFileText(bytes.subarray(0, 256 * 1024)).text;
      } catch (e) {
        if (e instanceof SourceError && e.code === 'cancelled') throw e;
        continue; // unreadable, too large, not gzip after all: not evidence of CloudTrail
      }
      if (CLOUDTRAIL_FIELDS.test(text)) return true;
    }
    return found;
  }

  /**
   * Lists the source breadth first, level by level, handing each entry to `visit` (which returns
   * true to stop). Does not descend into AWSLogs/, hidden or tool folders.
   */
  private async walk(
    limits: { maxDepth: number; maxFolders: number },
    signal: AbortSignal | undefined,
    problems: ProblemNode[],
    visit: (e: SourceEntry) => boolean,
  ): Promise<{ truncated: boolean }> {
    let frontier = [''];
    let listed = 0;
    for (let depth = 0; frontier.length > 0; depth++) {
      if (depth > limits.maxDepth) return { truncated: true };
      const room = limits.maxFolders - listed;
      const cut = frontier.length > room;
      if (cut) frontier = frontier.slice(0, room);
      listed += frontier.length;
      const levels = await mapLimited(frontier, LIST_CONCURRENCY, async (prefix) => {
        try {
          return await this.source.listLevel(prefix, signal);
        } catch (e) {
          if (e instanceof SourceError && e.code === 'cancelled') throw e;
          // The root itself failing is the source's problem; a sub-folder failing is noted and skipped.
          if (prefix === '') throw e;
          problems.push(problem(e, prefix));
          return [] as SourceEntry[];
        }
      });
      const next: string[] = [];
      for (const entries of levels) {
        for (const e of entries) {
          if (visit(e)) return { truncated: false };
          if (e.kind !== 'prefix') continue;
          const name = lastSegment(e.prefix);
          if (!isAwsLogsRoot(e.prefix) && !SKIPPED_FOLDERS.has(name) && !name.startsWith('.'))
            next.push(e.prefix);
        }
      }
      if (cut) return { truncated: true };
      frontier = next;
    }
    return { truncated: false };
  }

  /**
   * Trail names from digest file names (`<acct>_CloudTrail-Digest_<region>_<trail>_<home>_…`):
   * the most recent day of digests in every region of the first accounts under the root.
   */
  async trailsOf(
    root: string,
    signal?: AbortSignal,
  ): Promise<{ trails: TrailRef[]; sampled: boolean }> {
    const accounts = await this.accountsUnder(root, signal);
    const sample = accounts.slice(0, this.options.maxTrailAccounts);
    const found = new Map<string, TrailRef>();
    await mapLimited(sample, LIST_CONCURRENCY, async (scope) => {
      const digestRoot = accountKindPrefix({
        prefix: prefixOfRoot(root),
        organizationId: scope.organizationId,
        accountId: scope.accountId,
        kind: 'digest',
      });
      const regions = await this.prefixesIn(digestRoot, signal, true);
      await mapLimited(regions, LIST_CONCURRENCY, async (regionPrefix) => {
        for (const info of await this.newestDigests(regionPrefix, signal))
          if (info.trailName && info.homeRegion)
            found.set(`${info.trailName}\u0000${info.homeRegion}`, {
              name: info.trailName,
              homeRegion: info.homeRegion,
            });
      });
    });
    const trails = [...found.values()].sort(
      (a, b) => a.name.localeCompare(b.name) || a.homeRegion.localeCompare(b.homeRegion),
    );
    return { trails, sampled: accounts.length > sample.length };
  }

  private async locationChildren(node: LocationNode, signal?: AbortSignal): Promise<CatalogNode[]> {
    const out: CatalogNode[] = [];
    for (const e of await this.source.listLevel(node.root, signal)) {
      if (e.kind !== 'prefix') continue;
      const name = lastSegment(e.prefix);
      if (isOrganizationId(name))
        out.push({
          type: 'organization',
          id: `O:${e.prefix}`,
          root: node.root,
          organizationId: name,
        });
      else if (isAccountId(name))
        out.push({ type: 'account', id: `A:${e.prefix}`, root: node.root, accountId: name });
    }
    return out;
  }

  private async organizationChildren(
    node: OrganizationNode,
    signal?: AbortSignal,
  ): Promise<CatalogNode[]> {
    const out: CatalogNode[] = [];
    for (const e of await this.source.listLevel(`${node.root}${node.organizationId}/`, signal)) {
      const name = e.kind === 'prefix' ? lastSegment(e.prefix) : '';
      if (e.kind === 'prefix' && isAccountId(name)) {
        out.push({
          type: 'account',
          id: `A:${e.prefix}`,
          root: node.root,
          organizationId: node.organizationId,
          accountId: name,
        });
      }
    }
    return out;
  }

  /**
   * The accounts under an AWSLogs root, organization members included. `onObject` is handed the
   * objects lying directly in the root and organization folders.
   */
  async accountsUnder(
    root: string,
    signal?: AbortSignal,
    onObject?: (key: string) => void,
  ): Promise<AccountScope[]> {
    const accounts: AccountScope[] = [];
    const orgs: string[] = [];
    for (const e of await this.source.listLevel(root, signal)) {
      if (e.kind !== 'prefix') {
        onObject?.(e.key);
        continue;
      }
      const name = lastSegment(e.prefix);
      if (isAccountId(name)) accounts.push({ root, accountId: name });
      else if (isOrganizationId(name)) orgs.push(name);
    }
    for (const org of orgs) {
      for (const e of await this.source.listLevel(`${root}${org}/`, signal)) {
        if (e.kind !== 'prefix') {
          onObject?.(e.key);
          continue;
        }
        const name = lastSegment(e.prefix);
        if (isAccountId(name)) accounts.push({ root, organizationId: org, accountId: name });
      }
    }
    return accounts;
  }

  /** Regions of an account: the union of the region folders of every kind of object. */
  private async regionsOf(node: AccountNode, signal?: AbortSignal): Promise<CatalogNode[]> {
    const base = accountPrefix(node);
    const present = new Set<string>();
    for (const e of await this.source.listLevel(base, signal))
      if (e.kind === 'prefix') present.add(lastSegment(e.prefix));
    const kinds = KIND_ORDER.filter((k) => present.has(KIND_FOLDERS[k]));
    const lists = await mapLimited(kinds, LIST_CONCURRENCY, async (k) =>
      (await this.prefixesIn(`${base}${KIND_FOLDERS[k]}/`, signal, false)).map(lastSegment),
    );
    return [...namesByKind(kinds, lists)].map(([region, regionKinds]) => ({
      type: 'region' as const,
      id: `R:${base}${region}/`,
      root: node.root,
      organizationId: node.organizationId,
      accountId: node.accountId,
      region,
      kinds: regionKinds,
    }));
  }

  /**
   * Days of a region: YYYY/MM/DD folders of every kind, merged, oldest first; then what else its
   * region, year and month folders hold (outOfPlace), which a timeline over the region reads too.
   */
  private async daysOf(node: RegionNode, signal?: AbortSignal): Promise<CatalogNode[]> {
    const others: SourceEntry[] = [];
    const lists = await mapLimited(node.kinds, LIST_CONCURRENCY, (kind) =>
      this.datesUnder(regionKindPrefix(node, kind, node.region), signal, (e) => others.push(e)),
    );
    const base = accountPrefix(node);
    const days = [...namesByKind(node.kinds, lists)].map(([date, dayKinds]) => ({
      type: 'day' as const,
      id: `D:${base}${node.region}/${date}`,
      root: node.root,
      organizationId: node.organizationId,
      accountId: node.accountId,
      region: node.region,
      date,
      kinds: dayKinds,
    }));
    const odd = others.flatMap(outOfPlace) as Array<FileNode | ProblemNode>;
    return [...days, ...odd.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))];
  }

  /** Files of a day: logs, then Insights, then digests, each in key (= time) order. */
  private async filesOf(node: DayNode, signal?: AbortSignal): Promise<CatalogNode[]> {
    const lists = await mapLimited(node.kinds, LIST_CONCURRENCY, (k) =>
      this.source.listLevel(dayKindPrefix(node, k, node.region, node.date), signal),
    );
    const out: CatalogNode[] = [];
    node.kinds.forEach((kind, i) => {
      for (const e of lists[i]) {
        if (e.kind !== 'object') {
          out.push(...outOfPlace(e));
          continue;
        }
        const info = parseCloudTrailFileName(lastSegment(e.key));
        const file = fileNode(e, info?.kind === kind ? kind : 'other', info);
        const place = file.fileKind === 'other' ? undefined : trailFolderOf(e.key);
        const misplaced = place && notDeliveredThere(place);
        out.push(misplaced ? { ...file, misplaced } : file);
      }
    });
    return out;
  }

  /**
   * The YYYY-MM-DD of every YYYY/MM/DD/ folder under a region folder, oldest first. `onOther` is
   * handed what else the region, year and month folders hold: objects, and folders that are not
   * years, months or days.
   */
  async datesUnder(
    regionPrefix: string,
    signal?: AbortSignal,
    onOther?: (e: SourceEntry) => void,
  ): Promise<string[]> {
    const dates: string[] = [];
    const level = async (prefix: string, digits: number) => {
      const out: string[] = [];
      const pattern = new RegExp(`^\\d{${digits}}$`);
      for (const e of await this.source.listLevel(prefix, signal)) {
        if (e.kind === 'prefix' && pattern.test(lastSegment(e.prefix))) out.push(e.prefix);
        else onOther?.(e);
      }
      return out;
    };
    const years = await level(regionPrefix, 4);
    const months = (await mapLimited(years, LIST_CONCURRENCY, (y) => level(y, 2))).flat();
    const dayLists = await mapLimited(months, LIST_CONCURRENCY, (m) => level(m, 2));
    for (const list of dayLists)
      for (const d of list) dates.push(d.slice(regionPrefix.length, -1).replace(/\//g, '-'));
    return dates;
  }

  /**
   * The digests of the newest day folder under a region's digest folder that holds any, going back
   * from the newest folder by name: an empty or junk folder planted as the newest (2099/12/31/)
   * does not hide them. Gives up, empty, after NEWEST_DAYS_TRIED day folders without a digest.
   */
  async newestDigests(
    regionPrefix: string,
    signal?: AbortSignal,
  ): Promise<CloudTrailFileNameInfo[]> {
    let tried = 0;
    const newestFirst = async (prefix: string, digits: number) =>
      (await this.prefixesIn(prefix, signal, true))
        .filter((p) => new RegExp(`^\\d{${digits}}$`).test(lastSegment(p)))
        .reverse();
    for (const year of await newestFirst(regionPrefix, 4))
      for (const month of await newestFirst(year, 2))
        for (const day of await newestFirst(month, 2)) {
          if (tried++ >= NEWEST_DAYS_TRIED) return [];
          const digests = (await this.listQuiet(day, signal))
            .map((e) =>
              e.kind === 'object' ? parseCloudTrailFileName(lastSegment(e.key)) : undefined,
            )
            .filter((i): i is CloudTrailFileNameInfo => i?.kind === 'digest');
          if (digests.length) return digests;
        }
    return [];
  }

  async prefixesIn(
    prefix: string,
    signal: AbortSignal | undefined,
    quiet: boolean,
  ): Promise<string[]> {
    const entries = quiet
      ? await this.listQuiet(prefix, signal)
      : await this.source.listLevel(prefix, signal);
    return entries
      .filter((e): e is Extract<SourceEntry, { kind: 'prefix' }> => e.kind === 'prefix')
      .map((e) => e.prefix);
  }

  /** Lists a level where a missing folder simply means "nothing here" (optional kinds). */
  async listQuiet(prefix: string, signal?: AbortSignal): Promise<SourceEntry[]> {
    try {
      return await this.source.listLevel(prefix, signal);
    } catch (e) {
      if (e instanceof SourceError && e.code === 'not-found') return [];
      throw e;
    }
  }
}

/**
 * Loose files as file nodes: a file CloudTrail named is shown as what its name says (a log, an
 * Insights file or a digest), any other as a loose file.
 */
export function looseFileNodes(files: readonly SourceObject[]): FileNode[] {
  return files.map((f) => {
    const info = parseCloudTrailFileName(lastSegment(f.key));
    return info ? fileNode(f, info.kind, info) : fileNode(f, 'loose');
  });
}

const GROUP_LEVELS = ['account', 'region', 'day'] as const;

function groupValue(level: LooseGroupNode['level'], info: CloudTrailFileNameInfo): string {
  return level === 'account'
    ? info.accountId
    : level === 'region'
      ? info.region
      : info.deliveryTime.slice(0, 10);
}

/**
 * The next level below the loose files or one of their groups: the groups of the files
 * CloudTrail named (accounts, then regions, then days, sorted), then the other files.
 */
function looseChildren(node: LooseFilesNode | LooseGroupNode): CatalogNode[] {
  const files = looseFileNodes(node.files);
  if (node.type === 'loose-group' && node.level === 'day') {
    // As a day of the AWSLogs tree lists them: logs, then Insights, then digests, each by time.
    const rank = (f: FileNode) => KIND_ORDER.indexOf(f.fileKind as CloudTrailObjectKind);
    const time = (f: FileNode) => f.info?.deliveryTime ?? '';
    return files.sort(
      (a, b) =>
        rank(a) - rank(b) ||
        (time(a) < time(b)
          ? -1
          : time(a) > time(b)
            ? 1
            : a.key < b.key
              ? -1
              : a.key > b.key
                ? 1
                : 0),
    );
  }
  const level =
    node.type === 'loose' ? 'account' : GROUP_LEVELS[GROUP_LEVELS.indexOf(node.level) + 1];
  const groups = new Map<string, SourceObject[]>();
  const others: FileNode[] = [];
  files.forEach((f, i) => {
    if (!f.info) return others.push(f);
    const value = groupValue(level, f.info);
    const list = groups.get(value);
    if (list) list.push(node.files[i]);
    else groups.set(value, [node.files[i]]);
  });
  const parent = node.type === 'loose-group' ? node : undefined;
  const grouped = [...groups.keys()].sort().map((value): LooseGroupNode => {
    const accountId = level === 'account' ? value : parent!.accountId;
    const region = level === 'region' ? value : parent?.region;
    const date = level === 'day' ? value : undefined;
    return {
      type: 'loose-group',
      id: `LG:${[accountId, region, date].filter(Boolean).join('/')}`,
      level,
      accountId,
      region,
      date,
      files: groups.get(value)!,
    };
  });
  return [...grouped, ...others];
}

/**
 * An entry of a trail's folders that is not where CloudTrail writes (an object in a region, year
 * or month folder; a folder that is no year, month or day, or inside a day folder): shown with
 * why, since a timeline over the folder above reads it. Nothing for what a file manager leaves.
 */
function outOfPlace(e: SourceEntry): CatalogNode[] {
  if (e.kind === 'object') {
    if (isKeptBesideLogs(e.key)) return [];
    const place = trailFolderOf(e.key);
    const misplaced = place && notDeliveredThere(place);
    if (!misplaced) return [];
    const info = parseCloudTrailFileName(lastSegment(e.key));
    const kind = info && place.kind === info.kind ? info.kind : 'other';
    return [{ ...fileNode(e, kind, info), misplaced }];
  }
  if (e.kind !== 'prefix') return [];
  const place = trailFolderOf(`${e.prefix}x`);
  const inDay = place?.date !== undefined;
  return [
    {
      type: 'problem',
      id: `X:${e.prefix}`,
      key: e.prefix,
      outOfPlace: true,
      message: `${lastSegment(e.prefix)}/: ${inDay ? 'a sub-folder of the day folder' : 'a folder'}, which CloudTrail does not make here${place?.region ? ` (it writes only in ${place.region}/YYYY/MM/DD/)` : ''}; a timeline over the folder above reads what it holds`,
    },
  ];
}

function fileNode(o: SourceObject, fileKind: FileKind, info?: CloudTrailFileNameInfo): FileNode {
  return {
    type: 'file',
    id: `F:${o.key}`,
    key: o.key,
    size: o.size,
    modified: o.modified,
    fileKind,
    info,
  };
}

function problem(e: unknown, key: string): ProblemNode {
  const message = e instanceof Error ? e.message : String(e);
  return { type: 'problem', id: `P:${key}`, message, key };
}

/** The last path segment of a key or prefix ('a/b/' → 'b', 'a/b.json' → 'b.json'). */
export function lastSegment(keyOrPrefix: string): string {
  const trimmed = keyOrPrefix.endsWith('/') ? keyOrPrefix.slice(0, -1) : keyOrPrefix;
  return trimmed.slice(trimmed.lastIndexOf('/') + 1);
}
