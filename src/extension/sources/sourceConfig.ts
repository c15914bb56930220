// The `cloudtrailLens.sources` setting and the arguments explorer actions pass to other
// features. Pure (no vscode) so it is unit-tested and shared by the tree, the timeline and
// digest validation.
import * as os from 'node:os';
import * as path from 'node:path';
import { redactSecrets, withoutUserInfo } from '../../core/redact';

export interface FolderSourceConfig {
  type: 'folder';
  /** Absolute, `~/…`, or relative to the first workspace folder. */
  path: string;
}

export interface S3SourceConfig {
  type: 's3';
  bucket: string;
  prefix?: string;
  profile?: string;
  region?: string;
  /** An S3-compatible endpoint URL (MinIO, LocalStack, a VPC endpoint). */
  endpoint?: string;
}

/** CloudTrail Event history: the LookupEvents API (90 days of management events, no trail needed). */
export interface EventHistorySourceConfig {
  type: 'event-history';
  regions: string[];
  profile?: string;
  /** How far back a timeline opened without a range looks (hours, default 24; the API keeps 90 days). */
  lookbackHours?: number;
  /** Another CloudTrail endpoint (a VPC endpoint; tests). */
  endpoint?: string;
}

export type SourceConfig = FolderSourceConfig | S3SourceConfig | EventHistorySourceConfig;

export const DEFAULT_LOOKBACK_HOURS = 24;
const REGION = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d+$/;

/**
 * What the explorer hands to `cloudtrailLens.openTimeline` and `cloudtrailLens.validateDigests`:
 * the source plus either a key prefix (everything below it) or a list of keys. Keys are
 * relative to the source root, as in LogSource.
 */
export interface SourceScopeArgs {
  source: SourceConfig;
  prefix?: string;
  keys?: string[];
  /** A short human name of the scope (e.g. "111111111111 · us-east-1 · 2024-05-14") for titles. */
  label?: string;
}

const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/** Reads the setting's value leniently: every valid entry is kept, every invalid one explained. */
export function parseSourcesSetting(value: unknown): {
  sources: SourceConfig[];
  problems: string[];
} {
  const sources: SourceConfig[] = [];
  const problems: string[] = [];
  if (value === undefined || value === null) return { sources, problems };
  if (!Array.isArray(value))
    return { sources, problems: ['cloudtrailLens.sources must be a list of sources'] };
  value.forEach((entry, i) => {
    const where = `cloudtrailLens.sources[${i}]`;
    if (typeof entry !== 'object' || entry === null) {
      problems.push(`${where}: expected an object such as { "type": "folder", "path": "…" }`);
      return;
    }
    const e = entry as Record<string, unknown>;
    if (e.type === 'folder') {
      if (typeof e.path !== 'string' || e.path.trim() === '')
        problems.push(`${where}: a folder source needs a "path"`);
      else sources.push({ type: 'folder', path: e.path });
    } else if (e.type === 's3') {
      if (typeof e.bucket !== 'string' || !BUCKET.test(e.bucket)) {
        // Logged and shown: an endpoint URL typed here by mistake keeps its password out.
        problems.push(
          `${where}: "${redactSecrets(String(e.bucket ?? ''))}" is not an S3 bucket name`,
        );
        return;
      }
      const s3: S3SourceConfig = { type: 's3', bucket: e.bucket };
      for (const field of ['prefix', 'profile', 'region', 'endpoint'] as const) {
        if (e[field] === undefined) continue;
        if (typeof e[field] !== 'string') problems.push(`${where}: "${field}" must be a string`);
        else if (e[field] !== '') s3[field] = e[field] as string;
      }
      sources.push(s3);
    } else if (e.type === 'event-history') {
      const regions = Array.isArray(e.regions) ? e.regions : [];
      const bad = regions.filter((r) => typeof r !== 'string' || !REGION.test(r));
      if (regions.length === 0 || bad.length) {
        problems.push(
          `${where}: an event-history source needs "regions", a list of region names such as ["us-east-1"]${bad.length ? ` (not regions: ${bad.map((r) => JSON.stringify(r)).join(', ')})` : ''}`,
        );
        return;
      }
      const history: EventHistorySourceConfig = {
        type: 'event-history',
        regions: [...new Set(regions as string[])],
      };
      for (const field of ['profile', 'endpoint'] as const) {
        if (e[field] === undefined) continue;
        if (typeof e[field] !== 'string') problems.push(`${where}: "${field}" must be a string`);
        else if (e[field] !== '') history[field] = e[field] as string;
      }
      if (e.lookbackHours !== undefined) {
        if (
          typeof e.lookbackHours !== 'number' ||
          !(e.lookbackHours > 0) ||
          e.lookbackHours > 90 * 24
        )
          problems.push(
            `${where}: "lookbackHours" must be a number of hours from 1 to 2160 (90 days)`,
          );
        else history.lookbackHours = e.lookbackHours;
      }
      sources.push(history);
    } else {
      problems.push(
        `${where}: unknown type ${JSON.stringify(e.type)} (expected "folder", "s3" or "event-history")`,
      );
    }
  });
  return { sources, problems };
}

/** An absolute folder path: `~` expanded, relative paths taken from `base` (the workspace). */
export function resolveFolderPath(
  p: string,
  base: string | undefined,
  home = os.homedir(),
): string | undefined {
  const expanded =
    p === '~' || p.startsWith('~/') || p.startsWith('~\\') ? path.join(home, p.slice(1)) : p;
  if (path.isAbsolute(expanded)) return path.normalize(expanded);
  return base ? path.resolve(base, expanded) : undefined;
}

/** The S3 prefix normalised to '' or `a/b/`. */
export function normalizedS3Prefix(prefix: string | undefined): string {
  const p = (prefix ?? '').replace(/^\/+/, '');
  return p === '' || p.endsWith('/') ? p : `${p}/`;
}

/** A stable identity: two entries with the same identity are the same source. */
export function sourceIdentity(config: SourceConfig, base?: string): string {
  if (config.type === 'folder')
    return `folder:${resolveFolderPath(config.path, base) ?? config.path}`;
  if (config.type === 'event-history')
    return `event-history:${config.regions.join(',')}|${config.profile ?? ''}${config.endpoint ? `|${config.endpoint}` : ''}`;
  return `s3:${config.bucket}/${normalizedS3Prefix(config.prefix)}|${config.profile ?? ''}|${config.region ?? ''}${config.endpoint ? `|${config.endpoint}` : ''}`;
}

/**
 * The source as it may be shared (a saved search's scope in the case file): its endpoint URL
 * without the user and password it may hold. The AWS SDK signs requests with the profile's
 * credentials and leaves an endpoint's user-info unused, so the same server is reached.
 */
export function withoutEndpointUserInfo(config: SourceConfig): SourceConfig {
  if (config.type === 'folder' || config.endpoint === undefined) return config;
  return { ...config, endpoint: withoutUserInfo(config.endpoint) };
}

/**
 * The source of `known` (the user's sources) that `config`, a source with an endpoint, names
 * when the user-info of their endpoints is set aside: a saved search keeps its endpoint without
 * it (withoutEndpointUserInfo) and reopens over the user's own entry. Undefined when there is
 * none, or `config` has no endpoint.
 */
export function usersSourceAtEndpoint(
  config: SourceConfig,
  known: readonly SourceConfig[],
  base?: string,
): SourceConfig | undefined {
  if (config.type === 'folder' || config.endpoint === undefined) return undefined;
  const id = sourceIdentity(withoutEndpointUserInfo(config), base);
  return known.find((k) => sourceIdentity(withoutEndpointUserInfo(k), base) === id);
}

/** The source's own URI, or an object's or prefix's: LogSource keys are relative to the bucket root. */
export function s3Uri(config: S3SourceConfig, key?: string): string {
  return `s3://${config.bucket}/${key ?? normalizedS3Prefix(config.prefix)}`;
}

/** What `inspect()` of the `cloudtrailLens.sources` setting finds at each level. */
export interface SourcesSettingLevels {
  globalValue?: unknown;
  workspaceValue?: unknown;
  workspaceFolderValue?: unknown;
}

/**
 * The sources the user chose: those of their own (user) settings, and a workspace's or a
 * folder's only once the user trusts the workspace. An evidence folder's `.vscode/settings.json`
 * (or the `.code-workspace` shared with a case file) is written by whoever sent it: a remote
 * source it lists is no more the user's than one a saved search names. (VS Code already hides
 * those values while the workspace is untrusted, the setting being restricted; this does not
 * depend on it.) Entries that are not sources are left out; the explorer reports them.
 */
export function usersSources(
  levels: SourcesSettingLevels | undefined,
  workspaceTrusted: boolean,
): SourceConfig[] {
  if (!levels) return [];
  const values = workspaceTrusted
    ? [levels.globalValue, levels.workspaceValue, levels.workspaceFolderValue]
    : [levels.globalValue];
  return values.flatMap((v) => (Array.isArray(v) ? parseSourcesSetting(v).sources : []));
}

/**
 * A scope's source that reaches beyond this computer and is none of `known` (the user's
 * sources, usersSources): an S3 location or Event history (requests signed with the user's AWS credentials,
 * to the endpoint it names), or a folder on a network share (`\\server\share`: Windows
 * connects to the server named with the user's sign-in). What a case file or a link names must
 * then be confirmed before it is opened. A local folder is read where it lies, and a known
 * source was chosen by the user.
 */
export function unknownRemoteSource(
  scope: unknown,
  known: readonly SourceConfig[],
  base?: string,
): SourceConfig | undefined {
  const raw = (scope as { source?: unknown } | null)?.source;
  if (raw === undefined) return undefined;
  const { sources } = parseSourcesSetting([raw]);
  const source = sources[0];
  if (!source || (source.type === 'folder' && !isNetworkPath(source.path))) return undefined;
  const id = sourceIdentity(source, base);
  return known.some((k) => sourceIdentity(k, base) === id) ? undefined : source;
}

/** A UNC path (`\\server\share`, `//server/share`, `\\?\UNC\…`): read over the network on Windows. */
export function isNetworkPath(p: string): boolean {
  return /^[\\/]{2}/.test(p);
}

export function describeSource(config: SourceConfig): string {
  if (config.type === 'folder') return config.path;
  if (config.type === 'event-history')
    return `Event history (LookupEvents) in ${config.regions.join(', ')}${config.profile ? ` (profile ${config.profile})` : ''}`;
  // Shown in titles, tooltips and messages, and logged: an endpoint's password never is.
  const extras = [
    config.profile && `profile ${config.profile}`,
    config.region,
    config.endpoint && redactSecrets(config.endpoint),
  ]
    .filter(Boolean)
    .join(', ');
  return `${s3Uri(config)}${extras ? ` (${extras})` : ''}`;
}

/** `s3://bucket/prefix` or `bucket/prefix` → parts. */
export function parseS3Location(text: string): { bucket: string; prefix?: string } | undefined {
  const m = /^(?:s3:\/\/)?([^/\s]+)(?:\/(.*))?$/.exec(text.trim());
  if (!m || !BUCKET.test(m[1])) return undefined;
  return m[2] ? { bucket: m[1], prefix: m[2] } : { bucket: m[1] };
}
