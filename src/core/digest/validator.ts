// Walks each digest chain newest → oldest with the rules of `aws cloudtrail validate-logs`
// (../shared/specs/digest-validation.md §5), over any LogSource, and adds what the CLI does not
// check as separate findings.
import { constants, verify } from 'node:crypto';
import { isNoticeCode, keyLocation, LogSource, SourceError, SourceObject } from '../sources/source';
import {
  accountKindPrefix,
  isAccountId,
  isOrganizationId,
  KIND_FOLDERS,
  parseCloudTrailKey,
  trailFolderOf,
} from '../sources/layout';
import { classifyObject } from '../sources/discover';
import {
  ChainId,
  chainKey,
  DigestChain,
  digestStamp,
  ForeignObject,
  groupKey,
  inventoryScope,
  LogGroupId,
  LogObject,
  scopeCovers,
  parseTrailArn,
  SourceInventory,
  stampTime,
  TrailArn,
  trailArnOf,
} from './chains';
import {
  compactTime,
  DigestJson,
  DigestLogEntry,
  hasRequiredKeys,
  parseDigestJson,
  parseTime,
  signedString,
} from './digestFile';
import { hashFirstMember } from './gzipMember';
import { noSignatureIn } from './report';
import { PublicKeyRing } from './publicKeys';
import { DigestMetadata, SignaturesFile } from './signatures';
import {
  ChainReport,
  DigestVerdict,
  Finding,
  LogVerdict,
  SignatureSource,
  StatusEvent,
  ValidationReport,
} from './types';
import { formatSeconds } from '../time';
import { mapLimited } from '../mapLimited';

const HOUR = 3600_000;
const MINUTE = 60_000;
const DAY = 24 * HOUR;
/**
 * How late CloudTrail may deliver a digest after its window ends. A chain's next digest is due an
 * hour after the newest one ends; only once the window's end passes that plus this slack are logs
 * after the newest digest taken as NOT VALIDATED (its successor deleted) rather than awaiting it.
 */
export const DIGEST_DELIVERY_SLACK = 15 * MINUTE;
/** Added when the window ends "now" (no --end-time): this machine's clock against AWS's. */
export const CLOCK_SLACK = 5 * MINUTE;
/**
 * A digest lists one entry (~400 bytes) per log file of its hour; even the busiest account and
 * region stays far below this. Larger, once decompressed, is "invalid format", found without
 * inflating more than this (a gzip bomb costs no more).
 */
export const MAX_DIGEST_BYTES = 8 << 20;
const CHAINS_AT_ONCE = 4;
/** Default log reads in flight: a remote store's reads mostly wait, a folder's mostly hash. */
export const DEFAULT_CONCURRENCY = { s3: 48, folder: 4 } as const;
/** Digests of a chain read ahead of the walk (the older digests it will most likely go to next), at most. */
const DIGEST_READ_AHEAD = 16;

export interface ValidateOptions {
  publicKeys: PublicKeyRing;
  signatures?: SignaturesFile;
  /** The bucket the source is a copy of (else the signatures file's, else the digests' own digestS3Bucket). */
  bucket?: string;
  /** Only this trail (its name and home region; its account unless --account-id or an organization trail). */
  trailArn?: string;
  /** Only this source region (the CLI's --region). */
  region?: string;
  /** Only this account (the member account of an organization trail). */
  accountId?: string;
  /** Only chains with digests under this key prefix (a node picked in the explorer). */
  scopePrefix?: string;
  /** ms since the epoch. Default: an hour before the oldest digest. */
  startTime?: number;
  /** ms since the epoch. Default: now. */
  endTime?: number;
  /** Log files read and hashed at once (default: 48 from S3, where each read mostly waits on the network; 4 from a folder). */
  concurrency?: number;
  signal?: AbortSignal;
  onProgress?: (p: ValidationProgress) => void;
}

export interface ValidationProgress {
  chain: string;
  digests: number;
  logs: number;
  bytes: number;
}

export class ValidationAbort extends Error {}

/**
 * Validates every selected chain in the source, listing only the prefixes the selection and the
 * window need (inventoryScope). A scope prefix that is one day's folder validates that day.
 */
export async function validateSource(
  source: LogSource,
  options: ValidateOptions,
): Promise<ValidationReport> {
  const arn = options.trailArn ? parseTrailArn(options.trailArn) : undefined;
  if (options.trailArn && !arn)
    throw new ValidationAbort(`Invalid trail ARN provided: ${options.trailArn}`);
  const day = options.scopePrefix
    ? /\/(\d{4})\/(\d{2})\/(\d{2})\/$/.exec(options.scopePrefix)
    : null;
  if (day && options.startTime === undefined && options.endTime === undefined) {
    const from = Date.UTC(+day[1], +day[2] - 1, +day[3]);
    options = { ...options, startTime: from, endTime: Math.min(from + 24 * HOUR, Date.now()) };
  }
  const inventory = await inventoryScope(
    source,
    {
      region: options.region,
      // As the chain filter below: --account-id, else the ARN's account unless an organization trail.
      account: (accountId, organizationId) =>
        (!options.accountId || accountId === options.accountId) &&
        (!arn || !!options.accountId || !!organizationId || accountId === arn.accountId),
      scopePrefix: options.scopePrefix,
      start: options.startTime,
      end: options.endTime ?? Date.now(),
    },
    options.signal,
  );
  const report = await validateInventory(source, inventory, options);
  report.findings.push(
    ...(await outsideTrailFindings(source, report, inventory.roots ?? [], options)),
  );
  return report;
}

/**
 * The files a load of the source reads as events and that no validation judges: outside the
 * AWSLogs folders the validator finds (exports beside them, a tree in a hidden folder, nested in
 * another AWSLogs folder or after an empty S3 key segment), or in an account's folder CloudTrail
 * does not make (`cloudtrail/`, `Other/`). No digest here vouches for them; they are named, not
 * failed (--strict fails), as logs of a region with no digests are. Files in a trail's folders
 * outside the window or the chosen regions are not: they are judged in theirs.
 *
 * The folders on the way to a trail's kind folders (those above an AWSLogs root, the root, its
 * organization and account folders) are listed one level at a time and the kind folders are
 * never entered; any other folder is listed whole (listAll), as a load lists it. So a source
 * holding only trails costs a listing per level on the way (on S3, one request each, most of
 * them already made by the inventory); what else it holds costs what a load's listing of it
 * costs, one request per 1,000 keys on S3: never a listing of the trails themselves.
 */
async function outsideTrailFindings(
  source: LogSource,
  report: ValidationReport,
  roots: string[],
  options: ValidateOptions,
): Promise<Finding[]> {
  const judged = new Set<string>();
  const note = (f: Finding) => {
    if (f.key) judged.add(f.key);
    for (const k of f.keys ?? []) judged.add(k);
  };
  for (const c of report.chains) {
    for (const e of [...c.events, ...c.backfill]) if (e.type === 'log') judged.add(e.key);
    c.findings.forEach(note);
  }
  report.findings.forEach(note);
  /**
   * Where a folder lies: on the way to a trail's kind folders (above an AWSLogs root, the root,
   * an organization or account folder in it), in a kind folder (judged there, in its own window
   * or region), or elsewhere.
   */
  const placeOf = (prefix: string): 'way' | 'trail' | 'other' => {
    if (roots.some((r) => r.startsWith(prefix))) return 'way';
    for (const r of roots) {
      if (!prefix.startsWith(r)) continue;
      const parts = prefix.slice(r.length, -1).split('/');
      if (isOrganizationId(parts[0])) parts.shift();
      if (parts.length === 0) return 'way';
      if (!isAccountId(parts[0])) continue;
      if (parts.length === 1) return 'way';
      if (KIND_FOLDER_NAMES.has(parts[1])) return 'trail';
    }
    return 'other';
  };
  /** In a trail's folders of a root the validator lists (one above them is foreign-file). */
  const inListedTrail = (key: string) => {
    const place = trailFolderOf(key);
    return !!place && roots.includes(`${place.prefix ? `${place.prefix}/` : ''}AWSLogs/`);
  };
  const outside: string[] = [];
  /**
   * Folders that could not be listed: a load reports them; here, where none of their files could
   * be looked at, they are said (as a file found there would be), never taken for folders with
   * nothing outside the trails.
   */
  const unlisted: Finding[] = [];
  const notListed = (prefix: string, e: unknown) => {
    const at = keyLocation(source, prefix);
    const why = e instanceof Error ? e.message : String(e);
    unlisted.push({
      kind: 'outside-trails',
      message: `${at}: could not be listed (${why.startsWith(`${at}: `) ? why.slice(at.length + 2) : why}): files a load reads there are not looked at, and no digest here vouches for them`,
      keys: [prefix],
    });
  };
  const consider = (o: SourceObject) => {
    if (judged.has(o.key) || classifyObject(source, o).kind !== 'event') return;
    if (!inListedTrail(o.key)) outside.push(o.key);
  };
  const scope = options.scopePrefix ?? '';
  let level = placeOf(scope) === 'trail' ? [] : [scope];
  while (level.length) {
    const next: string[] = [];
    await mapLimited(level, 8, async (prefix) => {
      try {
        if (placeOf(prefix) === 'way') {
          for (const e of await source.listLevel(prefix, options.signal)) {
            if (e.kind === 'object') consider(e);
            else if (placeOf(e.prefix) !== 'trail') next.push(e.prefix);
          }
        } else {
          // (A sub-folder it cannot read; not what it leaves out on purpose, links and FIFOs.)
          const onProblem = (p: SourceError) => {
            if (p.key.endsWith('/') && !isNoticeCode(p.code)) notListed(p.key, p);
          };
          for await (const o of source.listAll(prefix, options.signal, onProblem)) consider(o);
        }
      } catch (e) {
        if (e instanceof SourceError && e.code === 'cancelled') throw e;
        notListed(prefix, e);
      }
    });
    level = next;
  }
  unlisted.sort((a, b) => (a.keys![0] < b.keys![0] ? -1 : a.keys![0] > b.keys![0] ? 1 : 0));
  outside.sort();
  if (!outside.length) return unlisted;
  return [
    ...unlisted,
    {
      kind: 'outside-trails',
      message: `${outside.length} file(s) that loading this ${source.type === 's3' ? 'location' : 'folder'} reads as events lie outside the trails' folders that validation judges (files beside the AWSLogs folders, a tree in a hidden folder or nested in another AWSLogs folder, an account folder CloudTrail does not make): no digest here vouches for their events`,
      keys: outside,
    },
  ];
}

const KIND_FOLDER_NAMES: ReadonlySet<string> = new Set(Object.values(KIND_FOLDERS));

export async function validateInventory(
  source: LogSource,
  inventory: SourceInventory,
  options: ValidateOptions,
): Promise<ValidationReport> {
  const arn = options.trailArn ? parseTrailArn(options.trailArn) : undefined;
  if (options.trailArn && !arn)
    throw new ValidationAbort(`Invalid trail ARN provided: ${options.trailArn}`);
  const inScope = (c: DigestChain) => {
    const id = c.id;
    if (options.region && id.region !== options.region) return false;
    if (options.accountId && id.accountId !== options.accountId) return false;
    if (options.scopePrefix && !c.digests.some((d) => d.key.startsWith(options.scopePrefix!)))
      return false;
    return true;
  };
  const ofTrail = (c: DigestChain) =>
    !arn ||
    (c.id.trailName === arn.trailName &&
      c.id.homeRegion === arn.homeRegion &&
      (!!options.accountId || !!c.id.organizationId || c.id.accountId === arn.accountId));
  const chains = inventory.chains.filter((c) => inScope(c) && ofTrail(c));
  // Another trail delivering into the same folders as a chosen chain: its digests are read for
  // what they list (verified, its logs not hashed, nothing reported), so its logs are not taken
  // for logs no digest lists.
  const chosenGroups = new Set(chains.map((c) => groupKey(c.id)));
  const endTime = options.endTime ?? Date.now();
  const startTime = options.startTime ?? defaultStart(chains, inventory, endTime);
  if (startTime > endTime)
    throw new ValidationAbort(
      'Invalid time range specified: start-time must occur before end-time',
    );
  // Where a trail delivers digests, shown by the chosen trail's chains (or every trail's) with a
  // digest among the window's candidates (§5.2).
  const trailsMissingFrom = deliveringTrails(
    inventory.chains.filter(
      (c) =>
        ofTrail(c) &&
        c.digests.some((d) => d.nameTime >= startTime && d.nameTime <= endTime + HOUR),
    ),
  );
  // So too, with --trail-arn, another trail's chain in a folder where the chosen trail's digests
  // are due but missing (trailsMissingFrom): its logs are not taken for the chosen trail's.
  const neighbours = inventory.chains.filter(
    (c) =>
      inScope(c) &&
      !ofTrail(c) &&
      (chosenGroups.has(groupKey(c.id)) || (!!arn && trailsMissingFrom(c.id).length > 0)),
  );
  const inWindow = (l: LogObject) => l.nameTime >= startTime && l.nameTime <= endTime;
  // An object above a day folder has no day: it is in every window.
  const dayInWindow = (f: ForeignObject) =>
    f.day === undefined || (f.day <= endTime && f.day + DAY > startTime);

  const reports: ChainReport[] = [];
  // Chains are walked a few at a time, sharing one limit on the log files being hashed, so the
  // hashing never waits at the start or end of a chain.
  const concurrency = Math.max(
    1,
    options.concurrency ??
      (source.type === 's3' ? DEFAULT_CONCURRENCY.s3 : DEFAULT_CONCURRENCY.folder),
  );
  const limiter = new Limiter(concurrency);
  const walkers = chains.map(
    (chain) =>
      new ChainWalker(
        source,
        chain,
        options,
        startTime,
        endTime,
        arn ? options.trailArn! : trailArnOf(chain.id),
        limiter,
      ),
  );
  const listers = neighbours.map(
    (chain) =>
      new ChainWalker(
        source,
        chain,
        { ...options, onProgress: undefined },
        startTime,
        endTime,
        trailArnOf(chain.id),
        limiter,
        true,
      ),
  );
  const all = [...walkers, ...listers];
  await mapLimited(all, CHAINS_AT_ONCE, async (walker, i) => {
    const report = await walker.walk();
    if (i < walkers.length) reports[i] = report;
  });
  // Logs that no digest lists are judged against every chain of the same account and region, so
  // two trails delivering into one folder don't flag each other's logs. The findings go to the
  // group's first chain.
  const dueBy = (newestEnd: number) =>
    newestEnd + HOUR + DIGEST_DELIVERY_SLACK + (options.endTime === undefined ? CLOCK_SLACK : 0);
  for (const [i, chain] of chains.entries()) {
    const gk = groupKey(chain.id);
    if (chains.findIndex((c) => groupKey(c.id) === gk) !== i) continue;
    const group = all.filter((w) => groupKey(w.chain.id) === gk);
    const logs = (inventory.logs.get(gk) ?? []).filter(inWindow);
    coverageFindings(source, reports[i], logs, group, endTime, dueBy);
    if (arn) otherTrailFindings(reports[i], logs, group, arn);
    foreignFindings(reports[i], (inventory.foreign.get(gk) ?? []).filter(dayInWindow), group);
  }
  for (const [i, walker] of walkers.entries())
    deletedDigestFindings(reports[i], walker, options.signatures, startTime, endTime);

  // Logs of a folder with no digest chain of the chosen trails: NOT VALIDATED where a trail's
  // digests show it delivers there too (region-digests-missing), else validation was off there
  // (no-digests). With --trail-arn, a folder holding only other trails' chains is theirs to judge,
  // unless the chosen trail's digests are due there: then what those chains list is theirs.
  const findings: Finding[] = [];
  const chainGroups = new Set(inventory.chains.map((c) => groupKey(c.id)));
  for (const [gk, group] of inventory.groups) {
    const logs = inventory.logs.get(gk) ?? [];
    if (chosenGroups.has(gk) || !logs.length) continue;
    if (options.region && group.region !== options.region) continue;
    if (options.accountId && group.accountId !== options.accountId) continue;
    const missing = trailsMissingFrom(group);
    if (chainGroups.has(gk) && !(arn && missing.length)) continue;
    const theirs = new Set<string>();
    for (const w of listers)
      if (groupKey(w.chain.id) === gk) for (const k of w.listedLogs) theirs.add(k);
    const uncovered = logs.filter((l) => inWindow(l) && !theirs.has(l.key));
    if (!uncovered.length) continue;
    const where = accountKindPrefix({ ...group, kind: 'log' }) + `${group.region}/`;
    const span = {
      from: iso(minOf(uncovered.map((l) => l.nameTime))),
      to: iso(maxOf(uncovered.map((l) => l.nameTime))),
      keys: uncovered.map((l) => l.key),
    };
    findings.push(
      missing.length
        ? {
            kind: 'region-digests-missing',
            message: `${uncovered.length} log file(s) under ${where} in the window are NOT VALIDATED: ${missingDigestsWhy(group, missing)}; validation is set for a whole trail, so the digests of this region may have been deleted, or these logs come from another trail that does not validate`,
            ...span,
          }
        : {
            kind: 'no-digests',
            message: `${uncovered.length} log file(s) under ${where} have no digest files at all (log file validation off, or digests deleted)`,
            ...span,
          },
    );
  }
  // Foreign objects where no chain's report takes them: a region folder without any digest chain,
  // or a file above the region folders (an account's, its kind folders, AWSLogs/). A folder with
  // another trail's chain is that trail's to judge.
  const anyChainGroups = new Set(inventory.chains.map((c) => groupKey(c.id)));
  const scoped = options.scopePrefix ? scopeCovers(options.scopePrefix) : undefined;
  for (const [gk, group] of inventory.foreignGroups) {
    if (anyChainGroups.has(gk)) continue;
    if (options.region && group.region && group.region !== options.region) continue;
    if (options.accountId && group.accountId !== options.accountId) continue;
    const objects = (inventory.foreign.get(gk) ?? []).filter(
      (f) => dayInWindow(f) && (!scoped || scoped.covers(f.key)),
    );
    findings.push(...objects.map((f) => foreignFinding(f, (key) => localPathOf(source, key))));
  }
  // Insights files of the window and regions: a load reads them as events, but no digest vouches
  // for them. AWS documents a digest as listing "the log files that were delivered to your Amazon
  // S3 bucket during the last hour" and Insights as delivered "to the /CloudTrail-Insight folder",
  // and nowhere says that digests list Insights files: taken as not covered. One a chosen chain's
  // digest does list has that digest's verdict.
  const listedByChains = new Set<string>();
  for (const w of walkers) for (const k of w.listedLogs) listedByChains.add(k);
  for (const [gk, group] of inventory.insightGroups) {
    if (options.region && group.region !== options.region) continue;
    if (options.accountId && group.accountId !== options.accountId) continue;
    const files = (inventory.insights.get(gk) ?? []).filter(
      (l) => inWindow(l) && !listedByChains.has(l.key) && (!scoped || scoped.covers(l.key)),
    );
    if (!files.length) continue;
    const where = accountKindPrefix({ ...group, kind: 'insight' }) + `${group.region}/`;
    findings.push({
      kind: 'insights-unvouched',
      message: `${files.length} CloudTrail Insights file(s) under ${where} in the window are read as events by a load, but no digest lists them (AWS documents digests as listing a trail's log files, not its Insights files): nothing here vouches for their events`,
      from: iso(minOf(files.map((l) => l.nameTime))),
      to: iso(maxOf(files.map((l) => l.nameTime))),
      keys: files.map((l) => l.key),
    });
  }
  findings.push(...orphanSignatureFindings(inventory, options, arn, startTime, endTime));

  const keyWarnings = options.publicKeys
    .list()
    .filter((k) => !k.fingerprintMatches)
    .map(
      (k) =>
        `${k.file}: the key listed with fingerprint ${k.fingerprint} does not hash to that fingerprint (MD5 of its Value)`,
    );
  return { source: source.label, chains: reports, findings, keyWarnings };
}

/**
 * From the digest chains of the trails, what answers, for a log folder (a group), the trails whose
 * digests show they deliver there though none of their chains is there, each as its chains: one of
 * the same key prefix and organization (and account, unless an organization trail) with a chain
 * of a region other than its home region (a multi-region trail delivers to every region), or an
 * organization trail when the folder is of its home region (it delivers for every member
 * account). Validation is set for a whole trail, so the folder's digests of such a trail were most
 * likely deleted. A single-region trail (or no digest at all) shows nothing about another region.
 */
function deliveringTrails(chains: DigestChain[]): (group: LogGroupId) => ChainId[][] {
  // By the folders a trail can deliver to (prefix, organization, and account unless an
  // organization trail), then by trail: one pass, so a bucket of many chains costs no more.
  const where = (g: LogGroupId) =>
    [g.prefix, g.organizationId ?? '', g.organizationId ? '' : g.accountId].join('|');
  const trails = new Map<string, Map<string, ChainId[]>>();
  for (const { id } of chains) {
    const byTrail = trails.get(where(id)) ?? new Map<string, ChainId[]>();
    trails.set(where(id), byTrail);
    const tk = `${id.trailName}|${id.homeRegion}`;
    const ids = byTrail.get(tk) ?? [];
    byTrail.set(tk, ids);
    ids.push(id);
  }
  return (group) => {
    const gk = groupKey(group);
    return [...(trails.get(where(group))?.values() ?? [])].filter(
      (ids) =>
        !ids.some((id) => groupKey(id) === gk) &&
        ids.some(
          (id) =>
            id.region !== id.homeRegion || (!!id.organizationId && group.region === id.homeRegion),
        ),
    );
  };
}

/** Why a folder's logs are NOT VALIDATED (region-digests-missing): which trails deliver digests where. */
function missingDigestsWhy(group: LogGroupId, trails: ChainId[][]): string {
  const trail = (ids: ChainId[]) => `${ids[0].trailName} (home ${ids[0].homeRegion})`;
  const where = (ids: ChainId[]) => {
    const others = ids
      .map((id) => (id.accountId === group.accountId ? id.region : `${id.accountId} ${id.region}`))
      .sort();
    return `${others.length} other region(s) (${others.join(', ')})`;
  };
  if (trails.length === 1)
    return `no digest of trail ${trail(trails[0])} covers them, yet that trail delivers digests for ${where(trails[0])}`;
  return `no digest of trails ${trails.map(trail).join(', ')} covers them, yet each delivers digests for other regions (${trails.map((ids) => `${ids[0].trailName}: ${where(ids)}`).join('; ')})`;
}

/**
 * With --trail-arn: the logs of a chosen chain's folder that only another trail's valid digests
 * list are that trail's, so none of them is hashed here; a notice counts them (other-trail-logs).
 */
function otherTrailFindings(
  report: ChainReport,
  logs: LogObject[],
  walkers: ChainWalker[],
  arn: TrailArn,
): void {
  const ours = new Set<string>();
  for (const w of walkers) if (!w.listOnly) for (const k of w.listedLogs) ours.add(k);
  const trails = new Set<string>();
  let count = 0;
  for (const l of logs) {
    if (ours.has(l.key)) continue;
    const by = walkers.filter((w) => w.listOnly && w.listedLogs.has(l.key));
    if (!by.length) continue;
    count++;
    for (const w of by) trails.add(w.chain.id.trailName);
  }
  if (!count) return;
  const c = report.chain;
  const names = [...trails].sort().join(', ');
  report.findings.push({
    kind: 'other-trail-logs',
    message: `${count} log file(s) under ${accountKindPrefix({ ...c, kind: 'log' })}${c.region}/ in the window are listed by the digests of ${trails.size === 1 ? 'another trail' : 'other trails'} (${names}) and were not checked: validating trail ${arn.trailName}, their hashes were not compared (validate without --trail-arn to check them)`,
  });
}

/**
 * Without --start-time the window reaches back to everything in scope (issue 13): an hour before
 * the oldest digest, as before, or the hour of the oldest log or Insights file of the same account
 * and region when that is older, so logs from before the chain began are reported instead of
 * silently left out.
 */
function defaultStart(chains: DigestChain[], inventory: SourceInventory, endTime: number): number {
  let oldest = Infinity;
  const groups = new Set<string>();
  for (const c of chains) {
    if (c.digests.length) oldest = Math.min(oldest, c.digests[0].nameTime - HOUR);
    groups.add(groupKey(c.id));
  }
  for (const gk of groups) {
    for (const l of [...(inventory.logs.get(gk) ?? []), ...(inventory.insights.get(gk) ?? [])])
      if (l.nameTime < oldest) oldest = l.nameTime;
    // A foreign object is in the window when its folder's day is: reach back to that day.
    for (const f of inventory.foreign.get(gk) ?? [])
      if (f.day !== undefined && f.day + DAY <= oldest) oldest = f.day;
  }
  return Number.isFinite(oldest) ? Math.floor(oldest / HOUR) * HOUR : endTime - HOUR;
}

/** How far (in digests) a chain's walk may run ahead of the reading and hashing of its logs. */
const QUEUED_DIGESTS = 64;

interface QueuedDigest {
  verdict: DigestVerdict;
  /** Its logs' verdicts in listed order (valid and unverifiable digests only) … */
  logs?: Promise<LogVerdict[]>;
  /** … once they are all in. */
  done?: LogVerdict[];
  /** Reported after its logs: the gap notice of a starting digest. */
  after: StatusEvent[];
}

/** At most `max` tasks at once, in the order they asked. */
class Limiter {
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(readonly max: number) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    // A finished task hands its slot straight to the next waiter, so the limit is never exceeded.
    if (this.running >= this.max) await new Promise<void>((r) => this.waiting.push(r));
    else this.running++;
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }
}

interface LoadedDigest {
  key: string;
  bucket: string;
  /** Parsed JSON when it could be read (even if invalid for another reason). */
  json?: Record<string, unknown>;
  sha256?: string;
  signature?: string;
  signatureSource?: SignatureSource;
  /** The signature from the source's metadata or the signatures file, for the linkage check. */
  storedSignature?: string;
  /** Bytes after the first gzip member, which the signature does not cover (digest-trailing-data). */
  trailingBytes?: number;
}

class ChainWalker {
  readonly listedLogs = new Set<string>();
  /**
   * Another trail's chain only (listOnly): logs listed by its digests that are not valid, with the
   * digest. Nothing reports that digest's verdict, so its listing vouches for nothing: anyone can
   * write an unsigned digest of a made-up trail naming a forged log.
   */
  readonly unvouchedLogs = new Map<string, string>();
  /** [start, end] windows of the digests read. */
  readonly coverage: Array<[number, number]> = [];
  /** [end of the older digest, start of the starting digest] of each stop in the chain. */
  readonly gaps: Array<[number, number]> = [];
  /** Digests the walk found missing ("not found"). */
  readonly missing = new Set<string>();
  /** The walk ended at a valid starting digest with nothing older listed: no digest covers what came before. */
  startReached = false;
  private readonly report: ChainReport;
  private bucket = '';
  private readonly cache = new Map<string, Promise<Uint8Array>>();
  private progress = { digests: 0, logs: 0, bytes: 0 };
  /** Walked digests whose lines are not reported yet, oldest-walked first (see reportQueued()). */
  private readonly queue: QueuedDigest[] = [];

  constructor(
    private readonly source: LogSource,
    readonly chain: DigestChain,
    private readonly options: ValidateOptions,
    private readonly start: number,
    private readonly end: number,
    trailArn: string,
    private readonly limiter: Limiter,
    /** Only what the chain's digests list is wanted (another trail's chain in the same folder): its logs are not read. */
    readonly listOnly = false,
  ) {
    this.report = {
      chain: chain.id,
      trailArn,
      bucket: '',
      requestedStart: iso(start),
      requestedEnd: iso(end),
      events: [],
      backfill: [],
      findings: [],
      counts: {
        validDigests: 0,
        invalidDigests: 0,
        unverifiableDigests: 0,
        validLogs: 0,
        invalidLogs: 0,
        notValidatedLogs: 0,
        truncatedLogs: 0,
        awaitingLogs: 0,
        uncoveredLogs: 0,
        deletedDigests: 0,
        trailingDataLogs: 0,
        foreignFiles: 0,
        invalidBackfill: 0,
        unverifiedLogs: 0,
      },
    };
  }

  async walk(): Promise<ChainReport> {
    const { chain, report } = this;
    // §5.2: candidates by the stamp in the name, up to an hour past the end.
    const lo = compactTime(this.start);
    const hi = compactTime(this.end + HOUR);
    const candidates = chain.digests.filter((d) => d.stamp >= lo && d.stamp <= hi);
    this.bucket =
      this.options.bucket ??
      this.options.signatures?.bucket ??
      (await this.bucketFromDigests(candidates.map((c) => c.key)));
    report.bucket = this.bucket;

    let pos = candidates.length - 1;
    let current: string | undefined = candidates[pos]?.key;
    let lastStart = candidates[pos]?.nameTime ?? 0;
    let newer: LoadedDigest | undefined; // the digest walked just before (the successor of `current`)
    let newerValid = false;
    const visited = new Set<string>();
    /** The newest listed candidate strictly older (by name stamp) than `key`, as the CLI pops its list. */
    const olderThan = (key: string): string | undefined => {
      const t = stampTime(key.endsWith('.json.gz') ? key.slice(-24, -8) : '') ?? -Infinity;
      while (pos >= 0 && !(candidates[pos].nameTime < t)) pos--;
      return pos >= 0 ? candidates[pos].key : undefined;
    };

    const positions = new Map(candidates.map((c, i) => [c.key, i]));
    while (current !== undefined && this.start <= lastStart) {
      this.checkAborted();
      this.readAhead(positions.get(current), candidates, positions);
      if (visited.has(current)) {
        report.findings.push({
          kind: 'chain-cycle',
          message: `The previous-digest pointer leads back to ${current}, which was already validated; the walk stops here`,
          key: current,
        });
        break;
      }
      visited.add(current);
      const key: string = current;
      const { verdict, loaded } = await this.checkDigest(key, newer);
      this.progress.digests++;
      this.emitProgress();
      if (loaded.trailingBytes)
        report.findings.push({
          kind: 'digest-trailing-data',
          message: `Digest file ${key} has ${loaded.trailingBytes} byte(s) after the gzip member its signature covers: its verdict stands on that member (as the AWS CLI reads it), but the object was changed after CloudTrail delivered it, and gunzip (and the editor's view of the digest) also shows what was appended`,
          key,
        });
      if (loaded.json && hasRequiredKeys(loaded.json))
        this.linkageFindings(newer, newerValid, loaded);
      // Pipelining: the walk goes on while this digest's logs are read and hashed (the shared
      // limiter bounds how many at once); the lines are still reported in the CLI's order.
      const trusted = verdict.kind === 'valid' || verdict.kind === 'unverifiable';
      const logs =
        trusted && !this.listOnly
          ? this.hashLogs(key, (loaded.json as unknown as DigestJson).logFiles)
          : undefined;
      const queued: QueuedDigest = { verdict, logs, after: [] };
      logs?.then((v) => (queued.done = v)).catch(() => undefined); // awaited in report(); this keeps an abort from being "unhandled"
      this.queue.push(queued);
      await this.reportQueued(QUEUED_DIGESTS);
      if (verdict.kind === 'not-found') this.missing.add(key);
      if (this.listOnly && verdict.kind !== 'valid') {
        if (Array.isArray(loaded.json?.logFiles))
          for (const l of loaded.json.logFiles as DigestLogEntry[])
            if (typeof l?.s3Object === 'string') this.unvouchedLogs.set(l.s3Object, key);
      }
      if (!trusted) {
        report.counts.invalidDigests++;
        // Logs an INVALID digest lists are not "unlisted": that digest's own verdict says what is wrong.
        if (!this.listOnly && Array.isArray(loaded.json?.logFiles))
          for (const l of loaded.json.logFiles as DigestLogEntry[])
            if (typeof l?.s3Object === 'string') this.listedLogs.add(l.s3Object);
        newer = loaded;
        newerValid = false;
        current = olderThan(key);
        continue;
      }
      const d = loaded.json as unknown as DigestJson;
      const digestStart = parseTime(d.digestStartTime)!;
      lastStart = digestStart;
      if (verdict.kind === 'valid') {
        report.counts.validDigests++;
        if (digestStart > this.start) report.foundStart = iso(digestStart);
        if (report.foundEnd === undefined)
          report.foundEnd = iso(Math.min(parseTime(d.digestEndTime)!, this.end));
      } else {
        report.counts.unverifiableDigests++;
      }
      if (!this.listOnly || verdict.kind === 'valid') {
        this.coverage.push([digestStart, parseTime(d.digestEndTime)!]);
        for (const l of d.logFiles) this.listedLogs.add(l.s3Object);
      }
      newer = loaded;
      newerValid = true;
      if (d.previousDigestS3Bucket === null || d.previousDigestS3Bucket === undefined) {
        const older = olderThan(key);
        if (older === undefined) this.startReached = true;
        else {
          const from = stampTime(older.slice(-24, -8)) ?? 0;
          this.gaps.push([from, digestStart]);
          queued.after.push({ type: 'gap', from: iso(from), to: iso(digestStart), digestKey: key });
          report.findings.push({
            kind: 'gap',
            message: `The chain stops: no digest covers ${iso(from)} to ${iso(digestStart)} (logging or validation was off, or digests were removed)`,
            key,
            localPath: this.localPath(key),
            relatedKey: older,
            from: iso(from),
            to: iso(digestStart),
          });
        }
        current = older;
      } else {
        current =
          typeof d.previousDigestS3Object === 'string' ? d.previousDigestS3Object : undefined;
        if (d.previousDigestS3Bucket !== this.bucket) this.bucket = d.previousDigestS3Bucket;
      }
    }
    await this.reportQueued(0);
    await this.checkBackfill();
    return report;
  }

  /**
   * Backfill digests (`…_backfill.json.gz`) list logs CloudTrail delivered too late for their
   * hour's digest. Debian's AWS CLI skips them, so it never looks at those logs; here each is
   * checked as a digest on its own (format, location, signature: no previous-digest link) and
   * its logs hashed, outside the AWS CLI's lines. A log a valid one lists with its hash is
   * vouched for; a backfill digest that is not valid, or a log that does not match it, fails the
   * validation. The logs such a digest lists are not also reported as listed by no digest.
   */
  private async checkBackfill(): Promise<void> {
    const { chain, report } = this;
    let valid = 0;
    let vouched = 0;
    for (const key of chain.backfill) {
      this.checkAborted();
      const { verdict, loaded } = await this.checkDigest(key, undefined);
      if (!this.listOnly) report.backfill.push(verdict);
      const entries = Array.isArray(loaded.json?.logFiles)
        ? (loaded.json.logFiles as DigestLogEntry[]).filter((l) => typeof l?.s3Object === 'string')
        : [];
      if (this.listOnly) {
        for (const l of entries)
          if (verdict.kind === 'valid') this.listedLogs.add(l.s3Object);
          else this.unvouchedLogs.set(l.s3Object, key);
        continue;
      }
      for (const l of entries) this.listedLogs.add(l.s3Object);
      if (verdict.kind !== 'valid') {
        report.counts.invalidBackfill++;
        report.findings.push({
          kind: 'backfill-invalid',
          message: `Backfill digest ${key} is ${verdict.kind === 'unverifiable' ? 'UNVERIFIED' : 'INVALID'}: ${verdict.message}; the ${entries.length} log file(s) it lists are NOT VALIDATED`,
          key,
          localPath: verdict.localPath,
          keys: entries.map((l) => l.s3Object),
        });
        continue;
      }
      valid++;
      for (const v of await this.hashLogs(key, entries)) {
        report.backfill.push(v);
        if (v.kind === 'valid' && !v.trailingBytes) {
          vouched++;
          continue;
        }
        report.counts.invalidBackfill++;
        report.findings.push({
          kind: 'backfill-log-invalid',
          message:
            v.kind === 'valid'
              ? `Log file ${v.key}, listed by backfill digest ${key}, has ${v.trailingBytes} byte(s) after the gzip member the digest hashes: what follows is NOT VALIDATED`
              : `Log file ${v.key}, listed by backfill digest ${key}, is INVALID: ${v.message}`,
          key: v.key,
          localPath: v.localPath,
          relatedKey: key,
        });
      }
    }
    if (valid)
      report.findings.push({
        kind: 'backfill-validated',
        message: `${valid} backfill digest file(s) valid, vouching for ${vouched} log file(s) delivered after their hour's digest (Debian's aws cloudtrail validate-logs skips backfill digests, so its lines leave these out)`,
        keys: chain.backfill,
      });
  }

  /**
   * Reports queued digests in walk order: each digest's line, its logs' lines, then what follows
   * it (a gap notice). Those whose logs are done go at once; the oldest are waited for while more
   * than `keep` are queued, so the walk stays at most that many digests ahead of the hashing.
   */
  private async reportQueued(keep: number): Promise<void> {
    while (this.queue.length) {
      const q = this.queue[0];
      if (q.logs && !q.done) {
        if (this.queue.length <= keep) return;
        q.done = await q.logs;
      }
      this.queue.shift();
      this.report.events.push(q.verdict);
      for (const v of q.done ?? []) {
        this.report.events.push(v);
        if (v.kind === 'valid') {
          this.report.counts.validLogs++;
          if (q.verdict.kind === 'unverifiable') this.report.counts.unverifiedLogs++;
        } else this.report.counts.invalidLogs++;
        if (v.trailingBytes) {
          this.report.counts.trailingDataLogs++;
          this.report.findings.push({
            kind: 'log-trailing-data',
            message: `Log file ${v.key} has ${v.trailingBytes} byte(s) after the gzip member its digest hashes: the AWS CLI reads only that member, but gunzip (and every view of its events) also reads an appended member, so what follows is NOT VALIDATED`,
            key: v.key,
            localPath: v.localPath,
            relatedKey: v.digestKey,
          });
        }
      }
      this.report.events.push(...q.after);
    }
  }

  private async bucketFromDigests(keys: string[]): Promise<string> {
    for (const key of [...keys].reverse()) {
      try {
        const { bytes } = await hashFirstMember(await this.read(key), {
          keep: true,
          maxBytes: MAX_DIGEST_BYTES,
        });
        const json = parseDigestJson(bytes!);
        if (typeof json?.digestS3Bucket === 'string') return json.digestS3Bucket;
      } catch {
        // try an older one
      }
    }
    return 'unknown-bucket';
  }

  /**
   * Starts reading the listed digests just older than position `at`, where the walk goes next
   * unless a digest is missing or invalid, so their round trips overlap this one's checks.
   * At most DIGEST_READ_AHEAD (and the log concurrency) of them are held; one the walk passes by is dropped.
   */
  private readAhead(
    at: number | undefined,
    candidates: Array<{ key: string }>,
    positions: Map<string, number>,
  ): void {
    if (at === undefined) return;
    for (const key of this.cache.keys())
      if ((positions.get(key) ?? -1) > at) this.cache.delete(key); // passed by
    const ahead = Math.min(this.limiter.max, DIGEST_READ_AHEAD);
    for (let i = at - 1; i >= Math.max(0, at - ahead) && this.cache.size <= ahead; i--) {
      if (!this.cache.has(candidates[i].key)) this.read(candidates[i].key).catch(() => undefined); // its error is met when checked
    }
  }

  /** A digest's bytes (never more than MAX_DIGEST_BYTES compressed). */
  private read(key: string): Promise<Uint8Array> {
    let p = this.cache.get(key);
    if (!p) {
      p = this.source.read(key, { signal: this.options.signal, maxBytes: MAX_DIGEST_BYTES });
      this.cache.set(key, p);
    }
    return p;
  }

  localPath(key: string): string | undefined {
    return localPathOf(this.source, key);
  }

  /** §5.3 step 2, in the CLI's order; `newer` is the digest walked before this one. */
  private async checkDigest(
    key: string,
    newer: LoadedDigest | undefined,
  ): Promise<{ verdict: DigestVerdict; loaded: LoadedDigest }> {
    const bucket = this.bucket;
    const loaded: LoadedDigest = { key, bucket };
    const nameTime = stampTime(key.endsWith('.json.gz') ? key.slice(-24, -8) : '');
    const verdict: DigestVerdict = {
      type: 'digest',
      kind: 'valid',
      bucket,
      key,
      localPath: this.localPath(key),
      message: '',
      endTime: nameTime === undefined ? undefined : iso(nameTime),
    };
    const fail = (kind: DigestVerdict['kind'], message: string) => {
      verdict.kind = kind;
      verdict.message = message;
      return { verdict, loaded };
    };
    let raw: Uint8Array;
    try {
      raw = await this.read(key);
      this.cache.delete(key);
    } catch (e) {
      this.cache.delete(key);
      if (e instanceof SourceError && e.code === 'cancelled') throw e;
      if (e instanceof SourceError && e.code === 'not-found') return fail('not-found', 'not found');
      if (e instanceof SourceError && e.code === 'too-large')
        return fail('invalid-format', 'invalid format');
      return fail('error', e instanceof Error ? e.message : String(e));
    }
    let bytes: Buffer;
    try {
      const h = await hashFirstMember(raw, {
        keep: true,
        maxBytes: MAX_DIGEST_BYTES,
        signal: this.options.signal,
      });
      if (h.truncated) return fail('invalid-format', 'invalid format');
      bytes = h.bytes!;
      loaded.sha256 = h.sha256;
      if (h.trailingBytes) loaded.trailingBytes = h.trailingBytes;
    } catch {
      this.checkAborted();
      return fail('invalid-format', 'invalid format');
    }
    const json = parseDigestJson(bytes);
    if (!json) return fail('invalid-format', 'invalid format');
    loaded.json = json;
    if (typeof json.digestStartTime === 'string')
      verdict.startTime = iso(parseTime(json.digestStartTime) ?? NaN);
    if (typeof json.digestEndTime === 'string')
      verdict.endTime = iso(parseTime(json.digestEndTime) ?? NaN);
    if (Array.isArray(json.logFiles)) verdict.logCount = json.logFiles.length;
    if (typeof json.digestPublicKeyFingerprint === 'string')
      verdict.fingerprint = json.digestPublicKeyFingerprint;

    // Where the signature comes from: S3 metadata (as the CLI), the signatures file, then the
    // newer digest's previousDigestSignature. The last is safe whatever that newer digest's own
    // verdict: an RSA signature over this digest's signed string cannot be forged without the key.
    const meta = await this.storedMetadata(key);
    let signature: string | undefined;
    let metadataIncomplete = false;
    if (meta) {
      if (meta.signature === undefined || meta['signature-algorithm'] === undefined)
        metadataIncomplete = true;
      else {
        signature = meta.signature;
        loaded.signatureSource = meta.from;
        loaded.storedSignature = meta.signature;
      }
    }
    if (
      !meta &&
      newer?.json &&
      newer.json.previousDigestS3Object === key &&
      typeof newer.json.previousDigestSignature === 'string'
    ) {
      signature = newer.json.previousDigestSignature;
      loaded.signatureSource = 'next-digest';
    }
    // The CLI checks metadata presence before the required keys.
    if (metadataIncomplete) return fail('signature-failed', 'signature verification failed');
    if (!hasRequiredKeys(json)) return fail('invalid-format', 'invalid format');
    if (json.digestS3Bucket !== bucket || json.digestS3Object !== key)
      return fail('moved', 'has been moved from its original location');
    const fp = json.digestPublicKeyFingerprint;
    const found = this.options.publicKeys.lookup(fp);
    if (!found.ok && found.reason === 'not-found')
      return fail(
        'key-not-found',
        `public key not found in region ${this.homeRegionForMessages()} for fingerprint ${fp}`,
      );
    if (signature === undefined) {
      verdict.kind = 'unverifiable';
      if (this.options.signatures) verdict.message = noSignatureIn(this.options.signatures.file);
      return { verdict, loaded };
    }
    verdict.signatureSource = loaded.signatureSource;
    loaded.signature = signature;
    if (!found.ok || !/^(?:[0-9a-fA-F]{2})*$/.test(signature))
      return fail('key-unloadable', `Unable to load PKCS #1 key with fingerprint ${fp}`);
    const message = Buffer.from(signedString(json, loaded.sha256!), 'utf8');
    let ok = false;
    try {
      ok = verify(
        'sha256',
        message,
        { key: found.key, padding: constants.RSA_PKCS1_PADDING },
        Buffer.from(signature, 'hex'),
      );
    } catch {
      ok = false;
    }
    if (!ok) return fail('signature-failed', 'signature verification failed');
    // The CLI only asks ListPublicKeys for keys valid in the requested window; a key file may
    // list more, so a key used outside its validity period is worth a finding.
    const end = parseTime(json.digestEndTime)!;
    const from = found.entry.validityStart ? parseTime(found.entry.validityStart) : undefined;
    const to = found.entry.validityEnd ? parseTime(found.entry.validityEnd) : undefined;
    if ((from !== undefined && end < from) || (to !== undefined && end > to)) {
      this.report.findings.push({
        kind: 'key-outside-validity',
        message: `${key} (ending ${iso(end)}) is signed with the key ${fp}, listed in ${found.entry.file} as valid only from ${found.entry.validityStart ?? '?'} to ${found.entry.validityEnd ?? '?'}`,
        key,
        localPath: this.localPath(key),
        from: found.entry.validityStart,
        to: found.entry.validityEnd,
      });
    }
    return { verdict, loaded };
  }

  private homeRegionForMessages(): string {
    // The CLI names the trail ARN's home region, whatever region was validated.
    return parseTrailArn(this.report.trailArn)?.homeRegion ?? this.chain.id.homeRegion;
  }

  private async storedMetadata(
    key: string,
  ): Promise<(DigestMetadata & { from: SignatureSource }) | undefined> {
    if (this.source.metadata) {
      // An object the source has metadata for is judged by it alone, as the CLI does.
      const m = await this.source.metadata(key).catch(() => undefined);
      if (m)
        return {
          signature: m.signature,
          'signature-algorithm': m['signature-algorithm'],
          from: 'metadata',
        };
    }
    const s = this.options.signatures?.objects.get(key);
    return s ? { ...s, from: 'signatures-file' } : undefined;
  }

  /** Beyond the CLI: does `newer` really point at this digest's bytes, signature and window? */
  private linkageFindings(
    newer: LoadedDigest | undefined,
    newerValid: boolean,
    older: LoadedDigest,
  ): void {
    const n = newer?.json as Partial<DigestJson> | undefined;
    if (!newer || !n || n.previousDigestS3Object !== older.key) return;
    const o = older.json as unknown as DigestJson;
    const at = { key: newer.key, localPath: this.localPath(newer.key), relatedKey: older.key };
    const trusted = newerValid ? '' : ' (the newer digest is itself not valid)';
    if (
      typeof n.previousDigestHashValue === 'string' &&
      older.sha256 &&
      n.previousDigestHashValue.toLowerCase() !== older.sha256
    ) {
      this.report.findings.push({
        kind: 'previous-hash-mismatch',
        message: `previousDigestHashValue in ${newer.key} is not the SHA-256 of ${older.key}: the older digest was replaced or re-signed after the newer one was written${trusted}`,
        ...at,
      });
    }
    if (
      older.storedSignature &&
      typeof n.previousDigestSignature === 'string' &&
      n.previousDigestSignature.toLowerCase() !== older.storedSignature.toLowerCase()
    ) {
      this.report.findings.push({
        kind: 'previous-signature-mismatch',
        message: `previousDigestSignature in ${newer.key} differs from the stored signature of ${older.key}: that digest was re-signed or its signature metadata replaced${trusted}`,
        ...at,
      });
    }
    const newerStart =
      typeof n.digestStartTime === 'string' ? parseTime(n.digestStartTime) : undefined;
    const olderEnd = parseTime(o.digestEndTime);
    if (newerStart !== undefined && olderEnd !== undefined && newerStart !== olderEnd) {
      this.report.findings.push({
        kind: 'window-discontinuity',
        message: `${newer.key} starts at ${iso(newerStart)} but the digest before it (${older.key}) ends at ${iso(olderEnd)}: ${newerStart > olderEnd ? 'logs delivered in between are in no digest' : 'the windows overlap'}`,
        ...at,
        from: iso(Math.min(newerStart, olderEnd)),
        to: iso(Math.max(newerStart, olderEnd)),
      });
    }
  }

  /** §5.3 step 4.3: every listed log, hashed concurrently (shared limit across digests), results in array order. */
  private hashLogs(digestKey: string, entries: DigestLogEntry[]): Promise<LogVerdict[]> {
    return Promise.all(entries.map((e) => this.limiter.run(() => this.checkLog(digestKey, e))));
  }

  private async checkLog(digestKey: string, entry: DigestLogEntry): Promise<LogVerdict> {
    this.checkAborted();
    const key = entry.s3Object;
    const verdict: LogVerdict = {
      type: 'log',
      kind: 'valid',
      bucket: String(entry.s3Bucket),
      key,
      localPath: this.localPath(key),
      message: '',
      digestKey,
      ...(typeof entry.hashValue === 'string' ? { hashValue: entry.hashValue } : {}),
      deliveryTime: logDeliveryTime(key),
      oldestEventTime:
        typeof entry.oldestEventTime === 'string' ? entry.oldestEventTime : undefined,
      newestEventTime:
        typeof entry.newestEventTime === 'string' ? entry.newestEventTime : undefined,
    };
    let raw: Uint8Array;
    try {
      raw = await this.source.read(key, { signal: this.options.signal });
    } catch (e) {
      if (e instanceof SourceError && e.code === 'cancelled') throw e;
      const notFound = e instanceof SourceError && e.code === 'not-found';
      verdict.kind = notFound ? 'not-found' : 'error';
      verdict.message = notFound ? 'not found' : e instanceof Error ? e.message : String(e);
      return verdict;
    }
    try {
      const h = await hashFirstMember(raw, { signal: this.options.signal });
      this.progress.logs++;
      this.progress.bytes += h.size;
      this.emitProgress();
      if (h.sha256 !== entry.hashValue) {
        verdict.kind = 'hash-mismatch';
        verdict.message = "hash value doesn't match";
      } else if (h.trailingBytes) verdict.trailingBytes = h.trailingBytes;
    } catch {
      this.checkAborted();
      verdict.kind = 'invalid-format';
      verdict.message = 'invalid format';
    }
    return verdict;
  }

  private lastProgress = 0;
  private emitProgress(): void {
    if (!this.options.onProgress) return;
    const now = Date.now();
    if (now - this.lastProgress < 100) return;
    this.lastProgress = now;
    this.options.onProgress({ chain: chainLabel(this.chain.id), ...this.progress });
  }

  private checkAborted(): void {
    if (this.options.signal?.aborted) throw new SourceError('cancelled', '', 'cancelled');
  }
}

/**
 * Log objects in the window that no digest of their account and region lists, sorted by why:
 * - inside the hours the digests read cover, or the hour of a missing or INVALID digest (with
 *   no valid digest read in the window, any hour before the chain's newest digest):
 *   `unlisted-log`, NOT VALIDATED (added or renamed after delivery, or its digest is not valid);
 * - after the group's newest digest: once its successor was due at the window's end,
 *   `chain-truncated`, NOT VALIDATED (the newest digests were deleted); before, `awaiting-digest`;
 * - in a gap of the chain, or before its first digest: `no-digests` (validation was off);
 * - before the oldest digest walked when the walk stopped short of a starting digest (a missing
 *   previous-digest pointer, a loop): `unlisted-log`, NOT VALIDATED.
 * A log whose delivery minute straddles the start of the oldest digest walked is judged as one
 * just before it; one straddling another boundary (of a window or a gap) as in the hour of a
 * missing digest. None is left unjudged: a log every view reads that no finding names would pass
 * even --strict.
 */
function coverageFindings(
  source: LogSource,
  report: ChainReport,
  logs: LogObject[],
  walkers: ChainWalker[],
  end: number,
  dueBy: (newestEnd: number) => number,
): void {
  const listed = new Set<string>();
  for (const w of walkers) for (const k of w.listedLogs) listed.add(k);
  const windows = walkers.flatMap((w) => w.coverage);
  const gaps = walkers.flatMap((w) => w.gaps);
  const startReached = walkers.every((w) => w.startReached);
  let newest: { key: string; nameTime: number } | undefined;
  for (const w of walkers) {
    const d = w.chain.digests[w.chain.digests.length - 1];
    if (d && (!newest || d.nameTime > newest.nameTime)) newest = d;
  }
  const from = windows.length ? minOf(windows.map((w) => w[0])) : undefined;
  // A log's name carries its delivery minute: it lies inside a span only if that whole minute does.
  const inside = (t: number, [a, b]: [number, number]) => t >= a && t + MINUTE <= b;
  const unlisted: Array<LogObject & { hole?: boolean; unreached?: boolean; noHourly?: boolean }> =
    [];
  const late: LogObject[] = [];
  const uncovered: LogObject[] = [];
  for (const l of logs) {
    if (listed.has(l.key)) continue;
    if (newest && l.nameTime + MINUTE > newest.nameTime) late.push(l);
    else if (windows.some((w) => inside(l.nameTime, w))) unlisted.push(l);
    else if (gaps.some((g) => inside(l.nameTime, g))) uncovered.push(l);
    else if (!newest)
      // Only backfill digests here: CloudTrail delivers them only for a trail that validates, for
      // logs too late for their hour's digest, so the hourly digests were due (deleted?).
      unlisted.push({ ...l, noHourly: true });
    else if (from !== undefined && l.nameTime < from) {
      // Before the oldest digest walked, inside the window (or in the minute it began: before it
      // or inside its window, which its name cannot tell, never left unjudged): no chain ran then
      // only if the walk ended at a starting digest. Otherwise it ended early (a missing pointer,
      // a loop, nothing older listed after an INVALID digest), and no valid digest vouches for it.
      if (startReached) uncovered.push(l);
      else unlisted.push({ ...l, unreached: true });
    } else
      // A missing or INVALID digest's hour, or, with no valid digest read at all (those of the
      // window gone or INVALID), any before the chain's newest, which shows one was due.
      unlisted.push({ ...l, hole: true });
  }
  const pathOf = (key: string) => walkers[0].localPath(key);
  /** Where only backfill digests are, and of which trails (the noHourly message). */
  const backfillOnly = () => {
    const names = [
      ...new Set(walkers.map((w) => `${w.chain.id.trailName} (home ${w.chain.id.homeRegion})`)),
    ];
    const folder = `${accountKindPrefix({ ...report.chain, kind: 'digest' })}${report.chain.region}/`;
    return `${folder} holds none of the hourly digests of ${names.length === 1 ? 'trail' : 'trails'} ${names.join(', ')}`;
  };
  const unvouched = new Map<string, string>();
  for (const w of walkers) for (const [k, d] of w.unvouchedLogs) unvouched.set(k, d);
  for (const l of unlisted) {
    const only = unvouched.get(l.key);
    report.findings.push({
      kind: 'unlisted-log',
      message: only
        ? `Log file ${l.key} (delivered ${iso(l.nameTime)}) is listed only by ${only}, a digest of another trail that is not valid here, so it is NOT VALIDATED`
        : l.noHourly
          ? `Log file ${l.key} (delivered ${iso(l.nameTime)}) is in no digest: ${backfillOnly()}, only backfill digests, which CloudTrail delivers only for a trail that validates there; the hourly digests were most likely deleted, so it is NOT VALIDATED`
          : l.unreached
            ? `Log file ${l.key} (delivered ${iso(l.nameTime)}) is in no valid digest: the walk of the chain stopped before its hour without reaching a starting digest, so it is NOT VALIDATED`
            : l.hole
              ? `Log file ${l.key} (delivered ${iso(l.nameTime)}) is in no valid digest: the digest of its hour is missing or INVALID, so it is NOT VALIDATED`
              : `Log file ${l.key} is in no digest although digests cover its delivery time (${iso(l.nameTime)}): it was added or renamed after delivery`,
      key: l.key,
      localPath: pathOf(l.key),
      from: iso(l.nameTime),
      to: iso(l.nameTime),
    });
  }
  report.counts.notValidatedLogs += unlisted.length;
  if (late.length && newest) {
    const due = dueBy(newest.nameTime);
    const span = `${late.length} log file(s) delivered from ${iso(late[0].nameTime)} to ${iso(late[late.length - 1].nameTime)} are in no digest`;
    const at = {
      key: newest.key,
      localPath: pathOf(newest.key),
      relatedKey: late[late.length - 1].key,
      from: iso(newest.nameTime),
      to: iso(late[late.length - 1].nameTime),
      keys: late.map((l) => l.key),
    };
    if (end > due) {
      report.counts.notValidatedLogs += late.length;
      report.counts.truncatedLogs += late.length;
      report.findings.push({
        kind: 'chain-truncated',
        message:
          `The newest digest ends at ${iso(newest.nameTime)} and its successor was due by ${iso(due)}, before the window's end (${iso(end)}); ${span} and NOT VALIDATED: ` +
          `the newest digest file(s) were deleted (or this copy was made before CloudTrail delivered them: then give --end-time the time of the copy)`,
        ...at,
      });
    } else {
      report.counts.awaitingLogs += late.length;
      report.findings.push({
        kind: 'awaiting-digest',
        message: `${span} yet: the digest after the newest (ending ${iso(newest.nameTime)}) is not due before ${iso(due)}, after the window's end (${iso(end)}); validate again later`,
        ...at,
      });
    }
  }
  if (uncovered.length) {
    const c = report.chain;
    report.counts.uncoveredLogs += uncovered.length;
    report.findings.push({
      kind: 'no-digests',
      message: `${uncovered.length} log file(s) under ${accountKindPrefix({ ...c, kind: 'log' })}${c.region}/ were delivered when no digest chain ran (before its first digest or in a gap: log file validation was off)`,
      from: iso(minOf(uncovered.map((l) => l.nameTime))),
      to: iso(maxOf(uncovered.map((l) => l.nameTime))),
      keys: uncovered.map((l) => l.key),
    });
  }
  if (!late.length && newest && end > dueBy(newest.nameTime)) {
    // Nothing shows after the newest digest, though its successor was due: what that leaves
    // unknown is said, since deleting the newest digests with their logs leaves no trace here.
    const t = iso(newest.nameTime);
    report.findings.push({
      kind: 'chain-end',
      message: `The newest digest ends at ${t}; the next was due by ${iso(dueBy(newest.nameTime))}, before the window's end (${iso(end)}), and none is here: nothing after ${t} is vouched for. Logging or validation stopped then, the copy validated here was taken then, or the newest digests were deleted with the logs they listed, which leaves no trace here (only their signatures recorded earlier, in a signatures file, would show it)`,
      key: newest.key,
      localPath: pathOf(newest.key),
      from: t,
      to: iso(end),
    });
  }
}

/**
 * Objects in the day folders of the window that CloudTrail did not deliver there (a planted
 * `.json`, `evil.json.gz`, a name for another account or region, a sub-folder): the AWS CLI never
 * looks at them and no digest vouches for them, but every load of those folders reads them as
 * events. Each is NOT VALIDATED. One a walked digest lists already has that digest's verdict.
 */
function foreignFindings(
  report: ChainReport,
  objects: ForeignObject[],
  walkers: ChainWalker[],
): void {
  const listed = new Set<string>();
  for (const w of walkers) for (const k of w.listedLogs) listed.add(k);
  for (const f of objects) {
    if (listed.has(f.key)) continue;
    report.counts.foreignFiles++;
    report.findings.push(foreignFinding(f, (key) => walkers[0].localPath(key)));
  }
}

/** The local path of an object of a folder source (undefined on S3, or for a key it refuses). */
function localPathOf(source: LogSource, key: string): string | undefined {
  try {
    return source.localPath?.(key);
  } catch {
    return undefined;
  }
}

/** The foreign-file finding of one object (NOT VALIDATED). */
export function foreignFinding(
  f: ForeignObject,
  localPath: (key: string) => string | undefined,
): Finding {
  const what =
    f.folderOf === 'log'
      ? 'a log file CloudTrail delivered there'
      : f.folderOf === 'insight'
        ? 'an Insights file CloudTrail delivered there'
        : f.folderOf === 'digest'
          ? 'a digest file CloudTrail delivered there'
          : 'a file CloudTrail delivered there';
  const rule =
    f.folderOf === 'log' || f.folderOf === 'insight'
      ? `; CloudTrail writes only <account>_${KIND_FOLDERS[f.folderOf]}_<region>_<YYYYMMDDTHHmmZ>_<unique>.json.gz of the folder's account, region and day`
      : '';
  return {
    kind: 'foreign-file',
    message: `${f.key} is not ${what} (${f.why}${rule}): no digest lists it, so it is NOT VALIDATED, yet loading the folder reads it as events`,
    key: f.key,
    localPath: localPath(f.key),
    ...(f.day === undefined ? {} : { from: iso(f.day), to: iso(f.day + DAY) }),
  };
}

/** Signatures on record (the signatures file) for digests of this chain and window that are gone. */
function deletedDigestFindings(
  report: ChainReport,
  walker: ChainWalker,
  signatures: SignaturesFile | undefined,
  start: number,
  end: number,
): void {
  if (!signatures) return;
  const chain = walker.chain;
  const present = new Set([...chain.digests.map((d) => d.key), ...chain.backfill]);
  const ck = chainKey(chain.id);
  for (const key of orphanSignatures(
    signatures,
    start,
    end,
    (id) => chainKey(id) === ck,
  ).reverse()) {
    if (present.has(key) || walker.missing.has(key)) continue;
    const t = stampTime(digestStamp(key))!;
    let older: { key: string } | undefined;
    for (const d of chain.digests) if (d.nameTime < t) older = d;
    report.counts.deletedDigests++;
    report.findings.push({
      kind: 'deleted-digest',
      message: `Digest file ${key} has a signature on record (${signatures.file}) but is gone: it was deleted after delivery, with whatever it listed`,
      key,
      relatedKey: older?.key,
      localPath: older ? walker.localPath(older.key) : undefined,
      to: iso(t),
    });
  }
}

/** Deleted digests of chains that have no digest left at all (in the selected scope). */
function orphanSignatureFindings(
  inventory: SourceInventory,
  options: ValidateOptions,
  arn: TrailArn | undefined,
  start: number,
  end: number,
): Finding[] {
  const signatures = options.signatures;
  if (!signatures) return [];
  const known = new Set(inventory.chains.map((c) => chainKey(c.id)));
  const selected = (id: ChainId, key: string): boolean => {
    if (known.has(chainKey(id))) return false; // present (validated above) or left out by the filters
    if (options.region && id.region !== options.region) return false;
    if (options.accountId && id.accountId !== options.accountId) return false;
    if (options.scopePrefix && !key.startsWith(options.scopePrefix)) return false;
    if (arn && (id.trailName !== arn.trailName || id.homeRegion !== arn.homeRegion)) return false;
    if (arn && !options.accountId && !id.organizationId && id.accountId !== arn.accountId)
      return false;
    return true;
  };
  return orphanSignatures(signatures, start, end, selected).map((key) => ({
    kind: 'deleted-digest' as const,
    message: `Digest file ${key} has a signature on record (${signatures.file}) but is gone, and so is every other digest of its chain`,
    key,
    to: iso(stampTime(digestStamp(key))!),
  }));
}

/** Digest keys in the signatures file, of the chains `accept` takes, whose stamps fall in the candidate window (§5.2), ascending. */
function orphanSignatures(
  signatures: SignaturesFile,
  start: number,
  end: number,
  accept: (id: ChainId, key: string) => boolean,
): string[] {
  const lo = compactTime(start);
  const hi = compactTime(end + HOUR);
  const out: string[] = [];
  for (const key of signatures.objects.keys()) {
    const info = parseCloudTrailKey(key);
    if (!info || info.kind !== 'digest' || info.backfill || !info.compressed) continue;
    const stamp = digestStamp(key);
    if (stampTime(stamp) === undefined || stamp < lo || stamp > hi) continue;
    const id: ChainId = {
      prefix: info.prefix,
      organizationId: info.organizationId,
      accountId: info.accountId,
      region: info.region,
      trailName: info.trailName!,
      homeRegion: info.homeRegion!,
    };
    if (accept(id, key)) out.push(key);
  }
  return out.sort();
}

// Not Math.min(...xs): a bucket can hold more log files than a call has room for arguments.
function minOf(xs: number[]): number {
  let m = Infinity;
  for (const x of xs) if (x < m) m = x;
  return m;
}

function maxOf(xs: number[]): number {
  let m = -Infinity;
  for (const x of xs) if (x > m) m = x;
  return m;
}

function logDeliveryTime(key: string): string | undefined {
  const m = /_(\d{8}T\d{4}Z)_[A-Za-z0-9]+\.json\.gz$/.exec(key);
  if (!m) return undefined;
  const t = parseTime(m[1].slice(0, 13) + '00Z');
  return t === undefined ? undefined : iso(t);
}

export function chainLabel(id: ChainId): string {
  return `${id.prefix ? id.prefix + '/' : ''}${id.organizationId ? id.organizationId + '/' : ''}${id.accountId} ${id.region} (trail ${id.trailName}, home ${id.homeRegion})`;
}

const iso = formatSeconds;
