// Finding digest chains in a source: one chain per (key prefix, organization, account, source
// region, trail name, home region), all read from the keys through layout.ts. Log objects are
// grouped by (prefix, organization, account, region) so digests can be compared with what is
// actually on disk.
import {
  accountPrefix,
  CloudTrailCatalog,
  dayKindPrefix,
  lastSegment,
  regionKindPrefix,
} from '../sources/layoutTree';
import { mapLimited } from '../mapLimited';
import {
  accountKindPrefix,
  KIND_FOLDERS,
  logDayFolderOf,
  notDeliveredThere,
  parseCloudTrailKey,
} from '../sources/layout';
import { LogSource } from '../sources/source';
import { parseTime } from './digestFile';
import { isoDay } from '../time';

export interface LogGroupId {
  prefix: string;
  organizationId?: string;
  accountId: string;
  region: string;
}

export interface ChainId extends LogGroupId {
  trailName: string;
  homeRegion: string;
}

export interface ChainDigestKey {
  key: string;
  /** ms, from the file name (the digest's end time). */
  nameTime: number;
  /** The 16 characters before `.json.gz`, which the CLI compares as a string. */
  stamp: string;
}

export interface LogObject {
  key: string;
  /** ms, delivery time to the minute from the file name. */
  nameTime: number;
}

/** An object in a log day folder that CloudTrail did not deliver there (layout.ts notDeliveredThere). */
export interface ForeignObject {
  key: string;
  /** ms, the start of its folder's day. */
  day: number;
  /** Why it is not a log CloudTrail delivered there. */
  why: string;
}

export interface DigestChain {
  id: ChainId;
  /** Ascending key order (as S3 lists them). Backfill digests are left out, as the CLI skips them. */
  digests: ChainDigestKey[];
  backfill: string[];
}

export interface SourceInventory {
  chains: DigestChain[];
  /** Log objects by log group (groupKey()). */
  logs: Map<string, LogObject[]>;
  /** Other objects in the log day folders, by the group (groupKey()) of the folder. */
  foreign: Map<string, ForeignObject[]>;
  groups: Map<string, LogGroupId>;
}

export function groupKey(g: LogGroupId): string {
  return [g.prefix, g.organizationId ?? '', g.accountId, g.region].join('|');
}

export function chainKey(c: ChainId): string {
  return [groupKey(c), c.trailName, c.homeRegion].join('|');
}

/** The 16 characters before `.json.gz` (the CLI's `extract_digest_key_date`). */
export function digestStamp(key: string): string {
  return key.endsWith('.json.gz') ? key.slice(-24, -8) : '';
}

/** ms from a stamp `YYYYMMDDTHHMMSSZ`, or undefined (e.g. a backfill name's shifted stamp). */
export function stampTime(stamp: string): number | undefined {
  return /^\d{8}T\d{6}Z$/.test(stamp) ? parseTime(stamp) : undefined;
}

/** Lists the whole source once and sorts every CloudTrail digest and log into chains and groups. */
export async function inventorySource(
  source: LogSource,
  signal?: AbortSignal,
): Promise<SourceInventory> {
  const inventory = new InventoryBuilder();
  for await (const obj of source.listAll('', signal)) inventory.add(obj.key);
  return inventory.done();
}

/** What a validation needs listed: the chains' accounts and regions, and the days of its window. */
export interface InventoryScope {
  /** Only this source region. */
  region?: string;
  /** Only these accounts (undefined: all). */
  account?: (accountId: string, organizationId: string | undefined) => boolean;
  /** Only accounts and regions whose folders lie on the way to or under this key prefix. */
  scopePrefix?: string;
  /** ms; undefined: every day (the default window reaches back to the oldest digest or log). */
  start?: number;
  /** ms; digests are listed for the days up to an hour after it (§5.2), logs up to it. */
  end: number;
}

/** Days listed one by one, without listing years and months, when a window has at most this many. */
const DAYS_LISTED_DIRECTLY = 31;
const LIST_CONCURRENCY = 8;
const DAY = 86_400_000;

/**
 * Lists only the prefixes a validation reads (issue 22): the AWSLogs roots, their accounts and
 * region folders within the scope, then per region the digest day folders
 * `…/CloudTrail-Digest/<region>/YYYY/MM/DD/` of the window's days (to an hour past its end) and
 * the log day folders `…/CloudTrail/<region>/YYYY/MM/DD/` of the same days, one listing per day,
 * several at once. A short window names its days directly; a long or open one lists the
 * year/month/day folders that exist. Works the same on a folder (no tree walk) and on S3 (no
 * bucket-wide listing).
 */
export async function inventoryScope(
  source: LogSource,
  scope: InventoryScope,
  signal?: AbortSignal,
): Promise<SourceInventory> {
  const catalog = new CloudTrailCatalog(source);
  const touches = (p: string) =>
    !scope.scopePrefix || p.startsWith(scope.scopePrefix) || scope.scopePrefix.startsWith(p);
  const { roots } = await catalog.discover(signal);
  const accounts = (
    await mapLimited(roots.filter(touches), LIST_CONCURRENCY, (root) =>
      catalog.accountsUnder(root, signal),
    )
  )
    .flat()
    .filter(
      (a) =>
        touches(accountPrefix(a)) &&
        (!scope.account || scope.account(a.accountId, a.organizationId)),
    );
  const days = (from: number, to: number) => {
    const out: string[] = [];
    for (let t = Math.floor(from / DAY) * DAY; t <= to; t += DAY) out.push(isoDay(t));
    return out;
  };
  const folders: string[] = [];
  /** The log day folders among them, whose sub-folders are listed too (a planted folder of logs). */
  const logFolders = new Set<string>();
  /** Region digest folders of the scope, to look at their newest day when the window has none. */
  const digestRegions: string[] = [];
  await mapLimited(accounts, LIST_CONCURRENCY, async (account) => {
    const kinds = ['digest', 'log'] as const;
    const regionLists = await mapLimited(kinds, 2, async (kind) =>
      (
        await catalog.prefixesIn(`${accountPrefix(account)}${KIND_FOLDERS[kind]}/`, signal, true)
      ).map(lastSegment),
    );
    const regions = [...new Set(regionLists.flat())].filter(
      (r) =>
        (!scope.region || r === scope.region) &&
        kinds.some((k) => touches(regionKindPrefix(account, k, r))),
    );
    await mapLimited(regions, LIST_CONCURRENCY, async (region) => {
      await mapLimited(kinds, 2, async (kind, i) => {
        if (!regionLists[i].includes(region)) return;
        if (kind === 'digest') digestRegions.push(regionKindPrefix(account, kind, region));
        const last = kind === 'digest' ? scope.end + 3_600_000 : scope.end;
        let dates: string[];
        if (scope.start !== undefined && days(scope.start, last).length <= DAYS_LISTED_DIRECTLY)
          dates = days(scope.start, last);
        else {
          const lo = scope.start === undefined ? '' : isoDay(scope.start);
          const hi = isoDay(last);
          dates = (
            await catalog.datesUnder(regionKindPrefix(account, kind, region), signal)
          ).filter((d) => d >= lo && d <= hi);
        }
        for (const d of dates) {
          const folder = dayKindPrefix(account, kind, region, d);
          folders.push(folder);
          if (kind === 'log') logFolders.add(folder);
        }
      });
    });
  });
  const inventory = new InventoryBuilder();
  const listDays = (list: string[]) =>
    mapLimited(list, LIST_CONCURRENCY, async (folder) => {
      for (const e of await catalog.listQuiet(folder, signal)) {
        if (e.kind === 'object') inventory.add(e.key);
        else if (logFolders.has(folder))
          // A sub-folder the loaders read (they list recursively): whatever it holds is foreign,
          // and one that cannot be listed is named by its key.
          for await (const o of source.listAll(e.prefix, signal, (p) => inventory.add(p.key)))
            inventory.add(o.key);
      }
    });
  await listDays(folders.sort());
  // A region with no digest in the window still has a chain: its newest day of digests names the
  // trails (the AWS CLI's "No digests found" for each) and holds the newest digest, after which
  // the window's logs are judged (a chain whose digests stopped before the window).
  const newest = await mapLimited(
    digestRegions.filter((r) => !inventory.hasDigestUnder(r)),
    LIST_CONCURRENCY,
    (r) => catalog.latestDay(r, signal),
  );
  await listDays(newest.filter((d): d is string => d !== undefined && !folders.includes(d)));
  return inventory.done();
}

/** Sorts CloudTrail digest and log keys into chains and log groups. */
class InventoryBuilder {
  private readonly chains = new Map<string, DigestChain>();
  private readonly logs = new Map<string, LogObject[]>();
  private readonly foreign = new Map<string, ForeignObject[]>();
  private readonly groups = new Map<string, LogGroupId>();

  /** `…/CloudTrail-Digest/<region>/` folders that hold a digest. */
  private readonly digestFolders = new Set<string>();

  hasDigestUnder(regionFolder: string): boolean {
    return this.digestFolders.has(regionFolder);
  }

  add(key: string): void {
    if (key.endsWith('/')) return; // a folder marker
    const day = logDayFolderOf(key);
    const why = day && notDeliveredThere(day);
    if (day && why) {
      const gk = groupKey(day);
      let list = this.foreign.get(gk);
      if (!list) this.foreign.set(gk, (list = []));
      list.push({ key, day: parseTime(day.date) ?? 0, why });
      return;
    }
    const info = parseCloudTrailKey(key);
    if (!info || !info.compressed || info.kind === 'insight') return;
    const group: LogGroupId = {
      prefix: info.prefix,
      organizationId: info.organizationId,
      accountId: info.accountId,
      region: info.region,
    };
    // The CLI's key pattern needs the folder account and region to equal those in the name.
    const folder = accountKindPrefix({ ...group, kind: info.kind }) + `${info.region}/`;
    if (!key.startsWith(folder)) return;
    const gk = groupKey(group);
    if (!this.groups.has(gk)) this.groups.set(gk, group);
    const nameTime = parseTime(info.deliveryTime) ?? 0;
    if (info.kind === 'log') {
      let list = this.logs.get(gk);
      if (!list) this.logs.set(gk, (list = []));
      list.push({ key, nameTime });
      return;
    }
    const id: ChainId = { ...group, trailName: info.trailName!, homeRegion: info.homeRegion! };
    const ck = chainKey(id);
    let chain = this.chains.get(ck);
    if (!chain) this.chains.set(ck, (chain = { id, digests: [], backfill: [] }));
    if (info.backfill) chain.backfill.push(key);
    else chain.digests.push({ key, nameTime, stamp: digestStamp(key) });
    this.digestFolders.add(folder);
  }

  done(): SourceInventory {
    const byKey = (a: { key: string }, b: { key: string }) =>
      a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
    const sorted = [...this.chains.values()].sort((a, b) =>
      chainKey(a.id) < chainKey(b.id) ? -1 : 1,
    );
    for (const c of sorted) {
      c.digests.sort(byKey);
      c.backfill.sort();
    }
    for (const list of this.logs.values()) list.sort(byKey);
    for (const list of this.foreign.values()) list.sort(byKey);
    return { chains: sorted, logs: this.logs, foreign: this.foreign, groups: this.groups };
  }
}

/** AWS partition of a region, for the trail ARN we show when none was given. */
export function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

export function trailArnOf(id: ChainId): string {
  return `arn:${partitionOf(id.homeRegion)}:cloudtrail:${id.homeRegion}:${id.accountId}:trail/${id.trailName}`;
}

export interface TrailArn {
  partition: string;
  homeRegion: string;
  accountId: string;
  trailName: string;
}

/** Parses a trail ARN as the CLI does (`arn:.+:cloudtrail:.+:\d{12}:trail/.+`); undefined when it does not match. */
export function parseTrailArn(arn: string): TrailArn | undefined {
  if (!/^arn:.+:cloudtrail:.+:\d{12}:trail\/.+$/.test(arn)) return undefined;
  const parts = arn.split(':');
  return {
    partition: parts[1],
    homeRegion: parts[3],
    accountId: parts[4],
    trailName: arn.slice(arn.lastIndexOf('/') + 1),
  };
}
