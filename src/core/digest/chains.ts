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
  CloudTrailObjectKind,
  isCalendarDate,
  KIND_FOLDERS,
  logFolderOfDigestFolder,
  notDeliveredThere,
  parseCloudTrailKey,
  trailFolderOf,
} from '../sources/layout';
import { listedAsEvents } from '../sources/discover';
import { LogSource, SourceEntry } from '../sources/source';
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

/**
 * An object in a trail's folders that CloudTrail did not deliver there (layout.ts
 * notDeliveredThere): in a log, Insights or digest day folder, any; above a day folder, one that
 * loading the folder reads as events.
 */
export interface ForeignObject {
  key: string;
  /** ms, the start of its folder's day; undefined above a day folder (in every window). */
  day?: number;
  /** What CloudTrail writes where it lies: log, Insights or digest files, or nothing. */
  folderOf?: CloudTrailObjectKind;
  /** Why it is not a file CloudTrail delivered there. */
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
  /**
   * Insights files CloudTrail delivered (`…/CloudTrail-Insight/<region>/YYYY/MM/DD/`, named for
   * their folder), by group (groupKey()), with the group of each key.
   */
  insights: Map<string, LogObject[]>;
  insightGroups: Map<string, LogGroupId>;
  /**
   * Other objects in the trails' folders, by the group (groupKey()) of the folder; a folder above
   * the region level has the region '' (and above the account level, the account '').
   */
  foreign: Map<string, ForeignObject[]>;
  /** The folder of each key of `foreign`. */
  foreignGroups: Map<string, LogGroupId>;
  groups: Map<string, LogGroupId>;
  /** The AWSLogs roots listed (inventoryScope), when known. */
  roots?: string[];
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

const LIST_CONCURRENCY = 8;

/**
 * Lists only the prefixes a validation reads (issue 22): the AWSLogs roots, their accounts and
 * region folders within the scope, then per region the digest day folders
 * `…/CloudTrail-Digest/<region>/YYYY/MM/DD/` of the window's days (to an hour past its end) and
 * the log and Insights day folders `…/CloudTrail[-Insight]/<region>/YYYY/MM/DD/` of the same days,
 * one listing per day, several at once, found by listing the year and month folders that exist.
 * Works the same on a folder (no tree walk) and on S3 (no bucket-wide listing).
 *
 * The folders above the day folders are read whole, whatever the window: a file CloudTrail never
 * writes there (in AWSLogs/, an account's folder, its kind folders, a region,
 * year or month folder) or a folder it never makes (`us-east-1/evil/`, `2024/05/99/`, a
 * sub-folder of a day folder) is read by every load of the folder, so the validator reports it
 * (foreign-file). That costs a listing per account and per region, year and month folder.
 */
export async function inventoryScope(
  source: LogSource,
  scope: InventoryScope,
  signal?: AbortSignal,
): Promise<SourceInventory> {
  const catalog = new CloudTrailCatalog(source);
  const inventory = new InventoryBuilder();
  const scoped = scope.scopePrefix ? scopeCovers(scope.scopePrefix) : undefined;
  const touches = (p: string) =>
    !scoped || scoped.prefixes.some((s) => p.startsWith(s) || s.startsWith(p));
  /** An object found on the way to the day folders (a file there is foreign, see InventoryBuilder). */
  const onObject = (key: string) => {
    if (!scoped || scoped.covers(key)) inventory.add(key);
  };
  /** Folders found where CloudTrail makes none: whatever they hold, the loaders read. */
  const strayFolders: string[] = [];
  const onOther = (e: SourceEntry) => {
    if (e.kind === 'object') onObject(e.key);
    else if (touches(e.prefix)) strayFolders.push(e.prefix);
  };
  const { roots } = await catalog.discover(signal);
  const accounts = (
    await mapLimited(roots.filter(touches), LIST_CONCURRENCY, (root) =>
      catalog.accountsUnder(root, signal, onObject),
    )
  )
    .flat()
    .filter(
      (a) =>
        touches(accountPrefix(a)) &&
        (!scope.account || scope.account(a.accountId, a.organizationId)),
    );
  const folders: string[] = [];
  /** Region digest folders of the scope, to look at their newest day when the window has none. */
  const digestRegions: string[] = [];
  await mapLimited(accounts, LIST_CONCURRENCY, async (account) => {
    // CloudTrail-Insight/ is listed only when the account's folder holds one (few trails log
    // Insights): a load reads its files as events, and no digest lists them (validateInventory).
    const kinds: CloudTrailObjectKind[] = ['digest', 'log'];
    for (const e of await catalog.listQuiet(accountPrefix(account), signal))
      if (e.kind === 'object') onObject(e.key);
      else if (e.prefix === `${accountPrefix(account)}${KIND_FOLDERS.insight}/`)
        kinds.push('insight');
    const regionLists = await mapLimited(kinds, kinds.length, async (kind) => {
      const regions: string[] = [];
      const kindFolder = `${accountPrefix(account)}${KIND_FOLDERS[kind]}/`;
      for (const e of await catalog.listQuiet(kindFolder, signal)) {
        if (e.kind === 'object') onObject(e.key);
        else regions.push(lastSegment(e.prefix));
      }
      return regions;
    });
    const regions = [...new Set(regionLists.flat())].filter(
      (r) =>
        (!scope.region || r === scope.region) &&
        kinds.some((k) => touches(regionKindPrefix(account, k, r))),
    );
    await mapLimited(regions, LIST_CONCURRENCY, async (region) => {
      await mapLimited(kinds, kinds.length, async (kind, i) => {
        if (!regionLists[i].includes(region)) return;
        const regionFolder = regionKindPrefix(account, kind, region);
        if (kind === 'digest') digestRegions.push(regionFolder);
        const last = kind === 'digest' ? scope.end + 3_600_000 : scope.end;
        // Every year and month folder is listed, whatever the window: a file planted in one off
        // the window's path (`2023/evil.json.gz`, with events dated in the window) is read by
        // every load of the folder, so a short window must find it too.
        const lo = scope.start === undefined ? '' : isoDay(scope.start);
        const hi = isoDay(last);
        const found = await catalog.datesUnder(regionFolder, signal, onOther);
        // A folder shaped like a day that is no day (2024/05/99/) is one CloudTrail never makes.
        for (const d of found)
          if (!isCalendarDate(d))
            onOther({ kind: 'prefix', prefix: dayKindPrefix(account, kind, region, d) });
        const dates = found.filter((d) => isCalendarDate(d) && d >= lo && d <= hi);
        for (const d of dates) folders.push(dayKindPrefix(account, kind, region, d));
      });
    });
  });
  const listDays = (list: string[]) =>
    mapLimited(list, LIST_CONCURRENCY, async (folder) => {
      for (const e of await catalog.listQuiet(folder, signal)) {
        if (e.kind === 'object') inventory.add(e.key);
        // A sub-folder the loaders read (they list recursively): whatever it holds is foreign.
        else strayFolders.push(e.prefix);
      }
    });
  await listDays(folders.sort());
  // A region with no digest in the window still has a chain: its newest day of digests names the
  // trails (the AWS CLI's "No digests found" for each) and holds the newest digest, after which
  // the window's logs are judged (a chain whose digests stopped before the window). That is the
  // newest day up to the window's end that holds an hourly digest: a later or an empty day folder
  // (one planted as 2099/12/31/, say), or one with only a backfill digest, must not hide the chain
  // and turn its deleted digests into "no digests at all".
  const lastDay = isoDay(scope.end + 3_600_000);
  await mapLimited(
    digestRegions.filter((r) => !inventory.hasDigestUnder(r)),
    LIST_CONCURRENCY,
    async (r) => {
      const days = (await catalog.datesUnder(r, signal)).filter((d) => d <= lastDay).reverse();
      for (const d of days) {
        const folder = `${r}${d.replace(/-/g, '/')}/`;
        if (folders.includes(folder)) continue;
        await listDays([folder]);
        if (inventory.hasDigestUnder(r)) return;
      }
    },
  );
  // Every object under a stray folder, and one that cannot be listed named by its key.
  await mapLimited([...new Set(strayFolders)].sort(), LIST_CONCURRENCY, async (prefix) => {
    for await (const o of source.listAll(prefix, signal, (p) => inventory.add(p.key)))
      inventory.add(o.key);
  });
  return { ...inventory.done(), roots };
}

/**
 * What a scope prefix stands for: the prefix itself and, for a digest region or day folder (the
 * explorer's row of a chain or of its day), the log folder of the same region or day, whose logs
 * that chain judges.
 */
export function scopeCovers(scopePrefix: string): {
  prefixes: string[];
  covers: (key: string) => boolean;
} {
  const logs = logFolderOfDigestFolder(scopePrefix);
  const prefixes = logs ? [scopePrefix, logs] : [scopePrefix];
  return { prefixes, covers: (key) => prefixes.some((p) => key.startsWith(p)) };
}

/** Sorts CloudTrail digest and log keys into chains and log groups. */
class InventoryBuilder {
  private readonly chains = new Map<string, DigestChain>();
  private readonly logs = new Map<string, LogObject[]>();
  private readonly insights = new Map<string, LogObject[]>();
  private readonly insightGroups = new Map<string, LogGroupId>();
  private readonly foreign = new Map<string, ForeignObject[]>();
  private readonly foreignGroups = new Map<string, LogGroupId>();
  private readonly groups = new Map<string, LogGroupId>();

  /**
   * `…/CloudTrail-Digest/<region>/` folders that hold an hourly digest. A backfill digest does not
   * count: it lists late logs and links to no chain, so it neither names a chain's newest digest
   * nor shows where the logs after it stand.
   */
  private readonly digestFolders = new Set<string>();

  hasDigestUnder(regionFolder: string): boolean {
    return this.digestFolders.has(regionFolder);
  }

  add(key: string): void {
    if (key.endsWith('/')) return; // a folder marker
    const place = trailFolderOf(key);
    const why = place && notDeliveredThere(place);
    if (place && why) {
      // Above a day folder only what a load reads as events matters (not a `_$folder$` marker).
      if (place.date === undefined && !listedAsEvents(key)) return;
      const gk = groupKey({
        ...place,
        accountId: place.accountId ?? '',
        region: place.region ?? '',
      });
      if (!this.foreignGroups.has(gk))
        this.foreignGroups.set(gk, {
          prefix: place.prefix,
          organizationId: place.organizationId,
          accountId: place.accountId ?? '',
          region: place.region ?? '',
        });
      let list = this.foreign.get(gk);
      if (!list) this.foreign.set(gk, (list = []));
      const day = place.date === undefined ? undefined : (parseTime(place.date) ?? 0);
      list.push({ key, day, folderOf: place.date === undefined ? undefined : place.kind, why });
      return;
    }
    const info = parseCloudTrailKey(key);
    if (!info || !info.compressed) return;
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
    const nameTime = parseTime(info.deliveryTime) ?? 0;
    if (info.kind === 'insight') {
      if (!this.insightGroups.has(gk)) this.insightGroups.set(gk, group);
      let list = this.insights.get(gk);
      if (!list) this.insights.set(gk, (list = []));
      list.push({ key, nameTime });
      return;
    }
    if (!this.groups.has(gk)) this.groups.set(gk, group);
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
    else {
      chain.digests.push({ key, nameTime, stamp: digestStamp(key) });
      this.digestFolders.add(folder);
    }
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
    for (const list of [...this.logs.values(), ...this.insights.values()]) list.sort(byKey);
    for (const list of this.foreign.values()) list.sort(byKey);
    // Groups in key order, not in the order concurrent listings found them: the report's
    // findings about them come out the same from run to run, and from a folder and S3 alike.
    const inKeyOrder = <V>(m: Map<string, V>) =>
      new Map([...m].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    return {
      chains: sorted,
      logs: this.logs,
      insights: this.insights,
      insightGroups: inKeyOrder(this.insightGroups),
      foreign: this.foreign,
      foreignGroups: inKeyOrder(this.foreignGroups),
      groups: inKeyOrder(this.groups),
    };
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
