// Finding digest chains in a source: one chain per (key prefix, organization, account, source
// region, trail name, home region), all read from the keys through layout.ts. Log objects are
// grouped by (prefix, organization, account, region) so digests can be compared with what is
// actually on disk.
import { accountKindPrefix, parseCloudTrailKey } from '../sources/layout';
import { LogSource } from '../sources/source';
import { parseTime } from './digestFile';

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
export async function inventorySource(source: LogSource, signal?: AbortSignal): Promise<SourceInventory> {
  const chains = new Map<string, DigestChain>();
  const logs = new Map<string, LogObject[]>();
  const groups = new Map<string, LogGroupId>();
  for await (const obj of source.listAll('', signal)) {
    const info = parseCloudTrailKey(obj.key);
    if (!info || !info.compressed || info.kind === 'insight') continue;
    const group: LogGroupId = { prefix: info.prefix, organizationId: info.organizationId, accountId: info.accountId, region: info.region };
    // The CLI's key pattern needs the folder account and region to equal those in the name.
    const folder = accountKindPrefix({ ...group, kind: info.kind }) + `${info.region}/`;
    if (!obj.key.startsWith(folder)) continue;
    const gk = groupKey(group);
    if (!groups.has(gk)) groups.set(gk, group);
    const nameTime = parseTime(info.deliveryTime) ?? 0;
    if (info.kind === 'log') {
      let list = logs.get(gk);
      if (!list) logs.set(gk, (list = []));
      list.push({ key: obj.key, nameTime });
      continue;
    }
    const id: ChainId = { ...group, trailName: info.trailName!, homeRegion: info.homeRegion! };
    const ck = chainKey(id);
    let chain = chains.get(ck);
    if (!chain) chains.set(ck, (chain = { id, digests: [], backfill: [] }));
    if (info.backfill) chain.backfill.push(obj.key);
    else chain.digests.push({ key: obj.key, nameTime, stamp: digestStamp(obj.key) });
  }
  const sorted = [...chains.values()].sort((a, b) => (chainKey(a.id) < chainKey(b.id) ? -1 : 1));
  for (const c of sorted) c.digests.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return { chains: sorted, logs, groups };
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
  return { partition: parts[1], homeRegion: parts[3], accountId: parts[4], trailName: arn.slice(arn.lastIndexOf('/') + 1) };
}
