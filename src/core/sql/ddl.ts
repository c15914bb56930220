// The Athena table for a trail's bucket: the documented CloudTrail table (schema.ts) with
// partition projection over the layout CloudTrail delivers into (sources/layout.ts), so that a
// query names the days, accounts and regions it needs and Athena lists nothing else. The README
// section "Athena, CloudTrail Lake and Event history" explains each choice.

import { CatalogNode, CloudTrailCatalog } from '../sources/layoutTree';
import { KIND_FOLDERS } from '../sources/layout';
import type { LogSource } from '../sources/source';
import { athenaTableName, sqlString } from './compile';
import { athenaColumnsDdl } from './schema';

export interface AthenaDdlOptions {
  bucket: string;
  /** The trail's key prefix (before AWSLogs/), '' when none. */
  prefix: string;
  /** An organization trail's folder (`o-…`): its accounts are one level further down. */
  organizationId?: string;
  /** `table` or `database.table` (default cloudtrail_logs). */
  table?: string;
  /** Accounts to project. Empty: `injected` (every query must name its accounts). */
  accounts?: readonly string[];
  /** Regions to project. Empty: `injected` (every query must name its regions). */
  regions?: readonly string[];
  /** First day of the timestamp projection, `YYYY-MM-DD` (default 2013-11-01, CloudTrail's start). */
  firstDay?: string;
}

export const DEFAULT_TABLE = 'cloudtrail_logs';

const ACCOUNT = /^\d{12}$/;
const REGION = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d+$/;
const ORGANIZATION = /^o-[a-z0-9]{4,32}$/;

export function athenaTableDdl(o: AthenaDdlOptions): string {
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(o.bucket))
    throw new Error(`"${o.bucket}" is not an S3 bucket name`);
  if (o.organizationId !== undefined && !ORGANIZATION.test(o.organizationId))
    throw new Error(`"${o.organizationId}" is not an organization ID (o-…)`);
  for (const a of o.accounts ?? [])
    if (!ACCOUNT.test(a)) throw new Error(`"${a}" is not a 12-digit account ID`);
  for (const r of o.regions ?? [])
    if (!REGION.test(r)) throw new Error(`"${r}" is not a region name`);
  const firstDay = o.firstDay ?? '2013-11-01';
  if (!/^\d{4}-\d{2}-\d{2}$/.test(firstDay))
    throw new Error(`"${firstDay}" is not a day (YYYY-MM-DD)`);
  const prefix = o.prefix.replace(/^\/+|\/+$/g, '');
  if (/[\s'\\${}]/.test(prefix))
    throw new Error(`the prefix "${prefix}" has characters a table location cannot hold`);
  const root = `s3://${o.bucket}/${prefix ? `${prefix}/` : ''}AWSLogs/${o.organizationId ? `${o.organizationId}/` : ''}`;
  const template = `${root}\${account}/${KIND_FOLDERS.log}/\${region}/\${timestamp}`;
  const properties: Array<[string, string]> = [['projection.enabled', 'true']];
  const projectList = (name: string, values: readonly string[] | undefined) => {
    if (values?.length) {
      properties.push(
        [`projection.${name}.type`, 'enum'],
        [`projection.${name}.values`, [...new Set(values)].sort().join(',')],
      );
    } else {
      properties.push([`projection.${name}.type`, 'injected']);
    }
  };
  projectList('account', o.accounts);
  projectList('region', o.regions);
  properties.push(
    ['projection.timestamp.type', 'date'],
    ['projection.timestamp.format', 'yyyy/MM/dd'],
    ['projection.timestamp.range', `${firstDay.replace(/-/g, '/')},NOW`],
    ['projection.timestamp.interval', '1'],
    ['projection.timestamp.interval.unit', 'DAYS'],
    ['storage.location.template', template],
  );
  const table = athenaTableName(o.table ?? DEFAULT_TABLE).replace(/"/g, '`');
  return [
    `CREATE EXTERNAL TABLE IF NOT EXISTS ${table} (`,
    athenaColumnsDdl(),
    ')',
    'PARTITIONED BY (account string, region string, `timestamp` string)',
    "ROW FORMAT SERDE 'org.apache.hive.hcatalog.data.JsonSerDe'",
    "STORED AS INPUTFORMAT 'com.amazon.emr.cloudtrail.CloudTrailInputFormat'",
    "OUTPUTFORMAT 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat'",
    `LOCATION ${sqlString(root)}`,
    'TBLPROPERTIES (',
    properties.map(([k, v]) => `  ${sqlString(k)}=${sqlString(v)}`).join(',\n'),
    ')',
  ].join('\n');
}

/** Accounts, regions and the first day under a trail's AWSLogs/ folder (the explorer's catalog). */
export async function trailLayout(
  source: LogSource,
  prefix: string,
  organizationId?: string,
): Promise<{
  organizationId?: string;
  organizationsSeen: string[];
  accounts: string[];
  regions: string[];
  firstDay?: string;
}> {
  const catalog = new CloudTrailCatalog(source);
  const accounts = new Set<string>();
  const regions = new Set<string>();
  const orgs = new Set<string>();
  let firstDay: string | undefined;
  const walk = async (node: CatalogNode): Promise<void> => {
    if (node.type === 'location' && node.prefix !== prefix) return;
    if (node.type === 'organization') {
      orgs.add(node.organizationId);
      if (node.organizationId !== organizationId) return;
    }
    if (node.type === 'account') {
      // Without --organization, the accounts at AWSLogs/<account>/; with it, those under it.
      if ((node.organizationId ?? undefined) !== organizationId) return;
      accounts.add(node.accountId);
    }
    if (node.type === 'region') {
      if (!node.kinds.includes('log')) return;
      regions.add(node.region);
      const days = (await catalog.children(node))
        .filter((d): d is CatalogNode & { type: 'day' } => d.type === 'day')
        .map((d) => d.date)
        .sort();
      if (days[0] && (!firstDay || days[0] < firstDay)) firstDay = days[0];
      return;
    }
    if (node.type === 'location' || node.type === 'organization' || node.type === 'account') {
      for (const child of await catalog.children(node)) await walk(child);
    }
  };
  for (const root of await catalog.roots()) await walk(root);
  if (accounts.size === 0 && !organizationId && orgs.size === 1)
    return trailLayout(source, prefix, [...orgs][0]);
  return {
    organizationId,
    organizationsSeen: [...orgs].filter((o) => o !== organizationId),
    accounts: [...accounts].sort(),
    regions: [...regions].sort(),
    firstDay,
  };
}
