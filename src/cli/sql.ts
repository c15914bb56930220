// `cloudtrail-lens sql` (print the statement a filter compiles to) and `cloudtrail-lens
// athena-ddl` (print the Athena table for a trail's bucket). `query --engine` (query.ts) runs the
// same statement with the options parsed here.
import { parseQuery } from '../core/query/parse';
import { QuerySyntaxError, type QueryNode } from '../core/query/ast';
import { parseIsoTime } from '../core/query/time';
import { compileQuery, CompileOptions, SqlCompileError, SqlDialect } from '../core/sql/compile';
import { athenaTableDdl, DEFAULT_TABLE, trailLayout } from '../core/sql/ddl';
import { parseS3Uri, S3Source } from '../core/sources/s3';
import { isAccountId, isOrganizationId, isRegionName } from '../core/sources/layout';
import { CliIo, endpointOption, forEachArg, UsageError } from './io';

export const SQL_USAGE = `Usage: cloudtrail-lens sql --dialect athena|lake [options]

Prints the SELECT statement a filter compiles to: Athena (Trino) SQL over the CloudTrail table
(as "cloudtrail-lens athena-ddl" creates it), or CloudTrail Lake SQL over an event data store.
It returns eventid, eventtime (and "$path" on Athena) of every matching event.

Options:
  --dialect D            athena or lake (required)
  --filter EXPR          the query language (default: every event)
  --table NAME           Athena table, table or database.table (default ${DEFAULT_TABLE})
  --event-data-store ID  CloudTrail Lake event data store ID or ARN (required for lake)
  --start-time T         events at or after T (ISO: 2024-05-14, 2024-05-14T10:00Z)
  --end-time T           events before the end of T (2024-05-14 includes that whole day)
  --account ID           only this account (repeat, or comma-separated)
  --region R             only this region (repeat, or comma-separated)
  --limit N              at most N events (adds ORDER BY eventtime LIMIT N)
  --rows                 select every column (records rebuilt from the table) instead
  --no-partitions        the Athena table has no account/region/timestamp partitions

Notes about the statement (what free text searches, what the table lacks) go to stderr.
Exit codes: 0 printed, 2 bad arguments, or a filter term SQL cannot express (named).`;

export const DDL_USAGE = `Usage: cloudtrail-lens athena-ddl s3://bucket[/prefix] [options]

Prints CREATE EXTERNAL TABLE for the trail logs under the location, with partition projection
(account, region, and timestamp as yyyy/MM/dd) and the storage.location.template of its layout,
organization trails included. Accounts, regions and the first day are found by listing the
bucket's AWSLogs/ folders unless given.

Options:
  --table NAME          table or database.table (default ${DEFAULT_TABLE})
  --organization ID     an organization trail's o-… folder
  --account ID          project these accounts (repeat; default: the folders found)
  --region R            project these regions (repeat; default: the folders found)
  --first-day D         first day of the timestamp projection (YYYY-MM-DD)
  --injected            account and region are injected: each query must name them
  --no-list             do not list the bucket (only the options given are used)
  --profile NAME, --bucket-region R, --endpoint URL   how to reach the bucket`;

export interface RemoteQueryArgs {
  dialect?: SqlDialect;
  filter: string;
  table: string;
  eventDataStore?: string;
  range: { from: number; to: number } | null;
  accounts: string[];
  regions: string[];
  limit?: number;
  rows: boolean;
  partitioned: boolean;
}

export function emptyRemoteArgs(): RemoteQueryArgs {
  return {
    filter: '',
    table: DEFAULT_TABLE,
    range: null,
    accounts: [],
    regions: [],
    rows: false,
    partitioned: true,
  };
}

/**
 * Reads one remote-query option at args[i] into `out`; returns how many arguments it used (0
 * when it is not one of them).
 */
export function parseRemoteOption(
  name: string,
  value: () => string,
  out: RemoteQueryArgs,
  regionOption = '--region',
): boolean {
  const list = () =>
    value()
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  switch (name) {
    case '--dialect': {
      const d = value();
      if (d !== 'athena' && d !== 'lake')
        throw new UsageError(`--dialect must be athena or lake (got "${d}")`);
      out.dialect = d;
      return true;
    }
    case '--filter':
    case '-f':
      out.filter = value();
      return true;
    case '--table':
      out.table = value();
      return true;
    case '--event-data-store':
      out.eventDataStore = value();
      return true;
    case '--start-time':
    case '--end-time': {
      const text = value();
      const span = parseIsoTime(text.trim());
      if (!span)
        throw new UsageError(
          `${name} must be an ISO date or time like 2024-05-14 or 2024-05-14T10:00:00Z (got "${text}")`,
        );
      const range = out.range ?? { from: -8.64e15, to: 8.64e15 };
      if (name === '--start-time') range.from = span.start;
      else range.to = span.exact ? span.end + 1 : span.end;
      out.range = range;
      return true;
    }
    case '--account':
      for (const a of list()) {
        if (!isAccountId(a)) throw new UsageError(`--account: "${a}" is not a 12-digit account ID`);
        out.accounts.push(a);
      }
      return true;
    case '--limit': {
      const v = value();
      if (!/^\d+$/.test(v) || !Number.isSafeInteger(Number(v)))
        throw new UsageError(`--limit must be a whole number (got "${v}")`);
      out.limit = Number(v);
      return true;
    }
    case '--rows':
      out.rows = true;
      return true;
    case '--no-partitions':
      out.partitioned = false;
      return true;
    default:
      if (name === regionOption) {
        for (const r of list()) {
          if (!isRegionName(r))
            throw new UsageError(`${regionOption}: "${r}" is not a region name`);
          out.regions.push(r);
        }
        return true;
      }
      return false;
  }
}

/** The compile options of parsed arguments (the range clamped to what dates can say). */
export function compileOptionsOf(a: RemoteQueryArgs, select: 'ids' | 'rows'): CompileOptions {
  if (!a.dialect) throw new UsageError('--dialect athena|lake is required');
  if (a.dialect === 'lake' && !a.eventDataStore)
    throw new UsageError('--event-data-store ID is required for --dialect lake');
  // A window that ends before it starts would be a statement that matches nothing: a silent zero.
  if (a.range && a.range.from >= a.range.to)
    throw new UsageError('--start-time must be before --end-time (the window holds no time)');
  const range = a.range
    ? {
        from: Math.max(a.range.from, Date.UTC(1970, 0, 1)),
        to: Math.min(a.range.to, Date.UTC(9999, 0, 1)),
      }
    : null;
  return {
    dialect: a.dialect,
    from: a.dialect === 'athena' ? a.table : a.eventDataStore!,
    range,
    accounts: a.accounts,
    regions: a.regions,
    limit: a.limit,
    select,
    partitioned: a.partitioned,
  };
}

/** Parses and compiles, printing a filter error with a caret; undefined after an error. */
export function compileForCli(
  a: RemoteQueryArgs,
  select: 'ids' | 'rows',
  io: CliIo,
  command: string,
): { sql: string; notes: string[]; node: QueryNode } | undefined {
  let node: QueryNode;
  try {
    node = parseQuery(a.filter);
  } catch (e) {
    if (!(e instanceof QuerySyntaxError)) throw e;
    io.err(
      `cloudtrail-lens ${command}: bad filter: ${e.message}\n  ${a.filter}\n  ${' '.repeat(e.offset)}${'^'.repeat(Math.max(1, Math.min(e.length, a.filter.length - e.offset)))}\n`,
    );
    return undefined;
  }
  try {
    return { ...compileQuery(node, compileOptionsOf(a, select)), node };
  } catch (e) {
    if (!(e instanceof SqlCompileError)) throw e;
    io.err(
      `cloudtrail-lens ${command}: cannot compile to ${a.dialect === 'lake' ? 'CloudTrail Lake' : 'Athena'} SQL: ${e.message}\n`,
    );
    return undefined;
  }
}

export async function runSql(args: string[], io: CliIo): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    io.out(SQL_USAGE + '\n');
    return 0;
  }
  const a = emptyRemoteArgs();
  forEachArg(args, (name, value, operand) => {
    if (operand || !parseRemoteOption(name, value, a))
      throw new UsageError(`unknown option ${name} (see --help)`);
  });
  const compiled = compileForCli(a, a.rows ? 'rows' : 'ids', io, 'sql');
  if (!compiled) return 2;
  for (const note of compiled.notes) io.err(`note: ${note}\n`);
  io.out(`${compiled.sql};\n`);
  return 0;
}

export async function runAthenaDdl(args: string[], io: CliIo): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    io.out(DDL_USAGE + '\n');
    return 0;
  }
  const uri = args.find((a) => /^s3:\/\//i.test(a));
  const rest = args.filter((a) => a !== uri);
  const o = {
    table: DEFAULT_TABLE,
    organizationId: undefined as string | undefined,
    accounts: [] as string[],
    regions: [] as string[],
    firstDay: undefined as string | undefined,
    injected: false,
    list: true,
    profile: undefined as string | undefined,
    region: undefined as string | undefined,
    endpoint: undefined as string | undefined,
  };
  forEachArg(rest, (name, value, operand) => {
    if (operand || !ddlOption(name, value))
      throw new UsageError(`unknown option ${name} (see --help)`);
  });
  function ddlOption(name: string, value: () => string): boolean {
    switch (name) {
      case '--table':
        o.table = value();
        return true;
      case '--organization': {
        const id = value();
        if (!isOrganizationId(id))
          throw new UsageError(`--organization: "${id}" is not an organization ID (o-…)`);
        o.organizationId = id;
        return true;
      }
      case '--account':
        o.accounts.push(...value().split(','));
        return true;
      case '--region':
        o.regions.push(...value().split(','));
        return true;
      case '--first-day':
        o.firstDay = value();
        return true;
      case '--injected':
        o.injected = true;
        return true;
      case '--no-list':
        o.list = false;
        return true;
      case '--profile':
        o.profile = value();
        return true;
      case '--bucket-region':
        o.region = value();
        return true;
      case '--endpoint':
        o.endpoint = endpointOption(name, value());
        return true;
      default:
        return false;
    }
  }
  if (!uri)
    throw new UsageError(
      "give the trail's location: s3://bucket or s3://bucket/prefix (see --help)",
    );
  const loc = parseS3Uri(uri);
  if (!loc)
    throw new UsageError(`${uri}: not an S3 location (expected s3://bucket or s3://bucket/prefix)`);
  // A location given down to AWSLogs/ or the organization folder is read back to the prefix.
  let prefix = loc.key.replace(/\/+$/, '');
  const org = /(?:^|\/)AWSLogs(?:\/(o-[a-z0-9]+))?$/.exec(prefix);
  if (org) {
    prefix = prefix.slice(0, org.index);
    o.organizationId ??= org[1];
  }
  if (o.list && !o.injected && (o.accounts.length === 0 || o.regions.length === 0 || !o.firstDay)) {
    const source = new S3Source({
      bucket: loc.bucket,
      prefix: prefix ? `${prefix}/` : '',
      profile: o.profile,
      region: o.region,
      endpoint: o.endpoint,
    });
    try {
      const found = await trailLayout(source, prefix, o.organizationId);
      o.organizationId ??= found.organizationId;
      if (o.accounts.length === 0) o.accounts = found.accounts;
      if (o.regions.length === 0) o.regions = found.regions;
      o.firstDay ??= found.firstDay;
      for (const other of found.organizationsSeen)
        io.err(
          `note: the bucket also holds an organization trail's logs (${other}): run again with --organization ${other} for its table\n`,
        );
    } finally {
      source.dispose();
    }
  }
  try {
    io.out(
      athenaTableDdl({
        bucket: loc.bucket,
        prefix,
        organizationId: o.organizationId,
        table: o.table,
        accounts: o.injected ? [] : o.accounts,
        regions: o.injected ? [] : o.regions,
        firstDay: o.firstDay,
      }) + ';\n',
    );
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  return 0;
}
