// The S3 key layout CloudTrail delivers into (the one place that knows it):
//
//   [prefix/]AWSLogs/[o-orgid/]<acct>/CloudTrail/<region>/<YYYY>/<MM>/<DD>/<acct>_CloudTrail_<region>_<YYYYMMDDTHHmmZ>_<random>.json.gz
//   [prefix/]AWSLogs/[o-orgid/]<acct>/CloudTrail-Insight/<region>/<YYYY>/<MM>/<DD>/<acct>_CloudTrail-Insight_<region>_<YYYYMMDDTHHmmZ>_<random>.json.gz
//   [prefix/]AWSLogs/[o-orgid/]<acct>/CloudTrail-Digest/<src-region>/<YYYY>/<MM>/<DD>/<acct>_CloudTrail-Digest_<src-region>_<trail>_<home-region>_<YYYYMMDDTHHMMSSZ>.json.gz
//
// Parsing is lenient where real data is: a region folder that differs from the region in the
// file name (seen in the wild, e.g. `us_east_1`) keeps the file name's region, and a file with a
// delivered name outside the layout still yields what its name says.

export type CloudTrailObjectKind = 'log' | 'insight' | 'digest';

/** The folder name under `<acct>/` for each kind of object. */
export const KIND_FOLDERS: Readonly<Record<CloudTrailObjectKind, string>> = {
  log: 'CloudTrail',
  insight: 'CloudTrail-Insight',
  digest: 'CloudTrail-Digest',
};

export interface CloudTrailFileNameInfo {
  kind: CloudTrailObjectKind;
  accountId: string;
  /** The region that delivered the file (for a digest, its source region). */
  region: string;
  /** Delivery time from the name, ISO 8601 (`2024-05-14T10:05:00Z`); for a digest, its end time. */
  deliveryTime: string;
  /** Digests only: the trail's name and home region. */
  trailName?: string;
  homeRegion?: string;
  /** Digests only: a backfill digest (`…_backfill.json.gz`). */
  backfill?: boolean;
  compressed: boolean;
}

export interface CloudTrailKeyInfo extends CloudTrailFileNameInfo {
  /** Everything before `AWSLogs/`, without the trailing slash ('' when none). */
  prefix: string;
  organizationId?: string;
  /** The region folder as written (may differ from `region` in doctored or renamed data). */
  folderRegion: string;
  /** `YYYY-MM-DD` from the folders. */
  folderDate: string;
  fileName: string;
}

const ACCOUNT = /^\d{12}$/;
// Real ids are o- plus 10 to 32 characters, but sanitised public data shortens them; the
// 12-digit account folder that follows keeps the match unambiguous.
const ORG = /^o-[a-z0-9]{4,32}$/;
const REGION = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d+$/;

const LOG_NAME =
  /^(\d{12})_(CloudTrail|CloudTrail-Insight)_([a-z0-9-]+)_(\d{8}T\d{4}Z)_([A-Za-z0-9]+)\.json(\.gz)?$/;
const DIGEST_NAME =
  /^(\d{12})_CloudTrail-Digest_([a-z0-9-]+)_(.+)_([a-z0-9-]+)_(\d{8}T\d{6}Z)(_backfill)?\.json(\.gz)?$/;

function isoFromCompact(compact: string): string {
  // 20240514T1005Z or 20240514T100500Z
  const d = compact;
  const seconds = d.length === 16 ? d.slice(13, 15) : '00';
  return `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}T${d.slice(9, 11)}:${d.slice(11, 13)}:${seconds}Z`;
}

/** What a delivered file name says, or undefined when the name is not one CloudTrail writes. */
export function parseCloudTrailFileName(fileName: string): CloudTrailFileNameInfo | undefined {
  const log = LOG_NAME.exec(fileName);
  if (log) {
    return {
      kind: log[2] === 'CloudTrail' ? 'log' : 'insight',
      accountId: log[1],
      region: log[3],
      deliveryTime: isoFromCompact(log[4]),
      compressed: log[6] !== undefined,
    };
  }
  const digest = DIGEST_NAME.exec(fileName);
  if (digest && REGION.test(digest[2]) && REGION.test(digest[4])) {
    return {
      kind: 'digest',
      accountId: digest[1],
      region: digest[2],
      trailName: digest[3],
      homeRegion: digest[4],
      deliveryTime: isoFromCompact(digest[5]),
      backfill: digest[6] !== undefined,
      compressed: digest[7] !== undefined,
    };
  }
  return undefined;
}

/**
 * Parses an S3 key or a local path (either slash) in the AWSLogs layout. Returns undefined for
 * anything that is not a CloudTrail log, Insights or digest object in that layout.
 */
export function parseCloudTrailKey(keyOrPath: string): CloudTrailKeyInfo | undefined {
  const parts = keyOrPath.replace(/\\/g, '/').split('/');
  const at = parts.lastIndexOf('AWSLogs');
  if (at < 0) return undefined;
  let i = at + 1;
  let organizationId: string | undefined;
  if (ORG.test(parts[i] ?? '')) organizationId = parts[i++];
  const account = parts[i++];
  const kindFolder = parts[i++];
  const folderRegion = parts[i++];
  const [yyyy, mm, dd, fileName] = parts.slice(i, i + 4);
  if (parts.length !== i + 4) return undefined;
  if (
    !ACCOUNT.test(account ?? '') ||
    !/^\d{4}$/.test(yyyy) ||
    !/^\d{2}$/.test(mm) ||
    !/^\d{2}$/.test(dd)
  )
    return undefined;
  const name = parseCloudTrailFileName(fileName);
  if (!name || KIND_FOLDERS[name.kind] !== kindFolder) return undefined;
  return {
    ...name,
    prefix: parts.slice(0, at).join('/'),
    organizationId,
    folderRegion,
    folderDate: `${yyyy}-${mm}-${dd}`,
    fileName,
  };
}

/** The AWSLogs folder under a key prefix: `[prefix/]AWSLogs/`. */
export function awsLogsFolder(prefix?: string): string {
  return `${prefix ? `${prefix.replace(/\/+$/, '')}/` : ''}AWSLogs/`;
}

/** The key prefix of one account's objects of one kind: `[prefix/]AWSLogs/[org/]<acct>/<KindFolder>/`. */
export function accountKindPrefix(opts: {
  prefix?: string;
  organizationId?: string;
  accountId: string;
  kind: CloudTrailObjectKind;
}): string {
  const org = opts.organizationId ? `${opts.organizationId}/` : '';
  return `${awsLogsFolder(opts.prefix)}${org}${opts.accountId}/${KIND_FOLDERS[opts.kind]}/`;
}

/** True for an AWS account id (12 digits). */
export function isAccountId(s: string): boolean {
  return ACCOUNT.test(s);
}

/** True for what the layout accepts as an AWS Organizations id folder (`o-` + lowercase letters or digits). */
export function isOrganizationId(s: string): boolean {
  return ORG.test(s);
}

/** True for a region name such as us-east-1, eu-central-2, us-gov-west-1. */
export function isRegionName(s: string): boolean {
  return REGION.test(s);
}

/**
 * Where a key lies in the folders CloudTrail writes a trail's logs, Insights and digests into:
 * `[prefix/]AWSLogs/[org/]<acct>/CloudTrail[-Insight|-Digest]/<region>/YYYY/MM/DD/`, or any level
 * above a day folder on the way there (the AWSLogs folder, an organization's or account's folder,
 * the kind folder, a region, year or month folder, or a sub-folder of one of them). Other folders
 * of an account (other services' logs, CloudTrail-NetworkActivity/) are not a trail's: undefined.
 */
export interface TrailFolderPlace {
  /** The deepest of those folders the key lies in, ending in '/'. */
  folder: string;
  prefix: string;
  organizationId?: string;
  /** Undefined: directly in the AWSLogs or organization folder. */
  accountId?: string;
  /** The kind folder: CloudTrail/, CloudTrail-Insight/ or CloudTrail-Digest/; undefined: above it. */
  kind?: CloudTrailObjectKind;
  /** The region folder as written; undefined: above it. */
  region?: string;
  /** `YYYY-MM-DD` from the folders, when in a day folder; undefined: above one. */
  date?: string;
  /** What follows the folder: a file name, or a path through sub-folders. */
  rest: string;
}

const TRAIL_KINDS: readonly CloudTrailObjectKind[] = ['log', 'insight', 'digest'];

export function trailFolderOf(key: string): TrailFolderPlace | undefined {
  const parts = key.split('/');
  // The outermost AWSLogs folder that the key lies in as the layout says (a key prefix may itself
  // hold a folder named AWSLogs).
  for (let at = parts.indexOf('AWSLogs'); at >= 0; at = parts.indexOf('AWSLogs', at + 1)) {
    const found = placeUnder(key, parts, at);
    if (found) return found;
  }
  return undefined;
}

function placeUnder(key: string, parts: string[], at: number): TrailFolderPlace | undefined {
  const place = (depth: number, fields: Omit<TrailFolderPlace, 'folder' | 'prefix' | 'rest'>) => {
    const rest = parts.slice(depth).join('/');
    if (rest === '') return undefined; // a folder itself (an S3 folder marker)
    return {
      folder: key.slice(0, key.length - rest.length),
      prefix: parts.slice(0, at).join('/'),
      ...fields,
      rest,
    };
  };
  let i = at + 1;
  const organizationId = ORG.test(parts[i] ?? '') ? parts[i++] : undefined;
  // A file directly in AWSLogs/ or an organization's folder.
  if (parts.length === i + 1) return place(i, { organizationId });
  const account = parts[i++];
  if (!ACCOUNT.test(account)) return undefined;
  if (parts.length === i + 1) return place(i, { organizationId, accountId: account });
  const kind = TRAIL_KINDS.find((k) => KIND_FOLDERS[k] === parts[i]);
  if (!kind) return undefined;
  i++;
  const base = { organizationId, accountId: account, kind };
  if (parts.length === i + 1) return place(i, base);
  const region = parts[i++];
  const date = parts.slice(i, i + 3).join('-');
  if (parts.length > i + 3 && isCalendarDate(date)) return place(i + 3, { ...base, region, date });
  return place(i, { ...base, region });
}

/**
 * True for `YYYY-MM-DD` naming a day of the calendar: CloudTrail's day folders are days, so a
 * `2024/05/99/` or `2024/13/01/` folder is one it never makes.
 */
export function isCalendarDate(date: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return false;
  const t = Date.UTC(+date.slice(0, 4), +date.slice(5, 7) - 1, +date.slice(8, 10));
  return new Date(t).toISOString().slice(0, 10) === date;
}

/**
 * The log folder of the same region or day as a digest region or day folder
 * (`…/CloudTrail-Digest/<region>/[YYYY/MM/DD/]` → `…/CloudTrail/<region>/[YYYY/MM/DD/]`), whose
 * logs the digests there list; undefined for any other prefix.
 */
export function logFolderOfDigestFolder(prefix: string): string | undefined {
  const place = trailFolderOf(`${prefix}x`);
  if (place?.kind !== 'digest' || place.accountId === undefined || place.region === undefined)
    return undefined;
  const at = { ...place, accountId: place.accountId };
  const digests = accountKindPrefix({ ...at, kind: 'digest' });
  if (!prefix.startsWith(digests)) return undefined;
  return accountKindPrefix({ ...at, kind: 'log' }) + prefix.slice(digests.length);
}

/** What file managers leave in a folder they showed: a load never reads them, whatever --include. */
export const FILE_MANAGER_FILES: ReadonlySet<string> = new Set([
  '.DS_Store',
  'Thumbs.db',
  'desktop.ini',
]);

/**
 * Why an object in a trail's folders (trailFolderOf) is not one CloudTrail delivered there, or
 * undefined when it is. In a log day folder CloudTrail writes nothing but
 * `<acct>_CloudTrail_<region>_<YYYYMMDDTHHmmZ>_<unique>.json.gz`, named for that folder's account
 * and region and delivered on that folder's day, and in an Insights day folder nothing but
 * `<acct>_CloudTrail-Insight_<region>_<YYYYMMDDTHHmmZ>_<unique>.json.gz` the same way; in a digest
 * day folder, nothing but digest files; above a day folder, no file at all.
 */
export function notDeliveredThere(f: TrailFolderPlace): string | undefined {
  if (f.date === undefined) {
    if (f.accountId === undefined) return 'CloudTrail writes no file directly in an AWSLogs folder';
    if (f.kind === undefined) return "CloudTrail writes no file directly in an account's folder";
    if (f.region === undefined)
      return `CloudTrail writes no file directly in ${KIND_FOLDERS[f.kind]}/`;
    const folders = f.rest.slice(0, f.rest.lastIndexOf('/') + 1);
    return /^(\d{4}\/((0[1-9]|1[0-2])\/)?)?$/.test(folders)
      ? `it is not in a day folder (CloudTrail writes files only in ${f.region}/YYYY/MM/DD/)`
      : `it is in a folder CloudTrail does not make (${f.region}/${folders}; it makes only ${f.region}/YYYY/MM/DD/)`;
  }
  if (f.rest.includes('/')) return 'it is in a sub-folder of the day folder';
  if (FILE_MANAGER_FILES.has(f.rest)) return undefined; // a copy browsed in Finder or Explorer
  const name = parseCloudTrailFileName(f.rest);
  if (f.kind === 'digest' && name?.kind !== 'digest')
    return 'its name is not that of a CloudTrail digest file, the only files CloudTrail writes in CloudTrail-Digest/';
  if (!name || name.kind !== f.kind)
    return `its name is not that of a CloudTrail ${f.kind === 'insight' ? 'Insights' : 'log'} file`;
  if (!name.compressed) return 'it is not gzip-compressed (.json, not .json.gz)';
  if (name.accountId !== f.accountId) return `its name is for account ${name.accountId}`;
  if (name.region !== f.region) return `its name is for region ${name.region}`;
  const t = Date.parse(name.deliveryTime);
  if (!Number.isFinite(t) || new Date(t).toISOString().slice(0, 19) + 'Z' !== name.deliveryTime)
    return 'the delivery time in its name is not a time';
  if (name.deliveryTime.slice(0, 10) !== f.date)
    return `its name says it was delivered on ${name.deliveryTime.slice(0, 10)}`;
  return undefined;
}
