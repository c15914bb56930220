// What each API call that matters in an investigation does, in plain words: one entry per
// event name, grouped by service (the eventSource without ".amazonaws.com"). describeRequest
// reads this table; calls not listed here get a generic description.
import { cidrMatcher, parseCidr } from '../cidr';
import { lookupTable } from '../lookupTable';
import { parseArn } from './decoders';
import type { CloudTrailRecord } from './types';
import {
  at,
  grantsAdmin,
  grantsAllBut,
  grantsPublicAccess,
  items,
  type Params,
  policyDocument,
  policyName,
  policyPrincipals,
  render,
  text,
} from './params';

export interface EventSpec {
  /** What the call did, in plain words, with its key parameters. */
  does: (p: Params, record: CloudTrailRecord) => string;
  /** requestParameters paths worth showing as "key parameters". */
  key: string[];
  /** Why the call is risky: always (a string) or depending on its parameters. */
  risky?: string | ((p: Params, record: CloudTrailRecord) => string | undefined);
  /** The API operation name when it differs from the event name (S3 names its events differently). */
  api?: string;
}

export type ServiceCatalog = Record<string, EventSpec>;

const ADMIN_POLICIES = new Set([
  'AdministratorAccess',
  'IAMFullAccess',
  'PowerUserAccess',
  'AWSOrganizationsFullAccess',
]);

function attachRisk(p: Params): string {
  const name = policyName(p.policyArn);
  return ADMIN_POLICIES.has(name)
    ? `attaches the highly privileged ${name} policy`
    : 'policy attached (permissions changed)';
}

/** What a policy document grants, when it is (near) full admin. */
function adminGrant(document: unknown): string | undefined {
  const doc = policyDocument(document);
  if (grantsAdmin(doc)) return 'grants * on * (full admin)';
  const allBut = grantsAllBut(doc);
  return allBut && `grants every action but ${render(allBut, 60) ?? '?'} on * (near full admin)`;
}

function inlinePolicyRisk(p: Params): string {
  const admin = adminGrant(p.policyDocument);
  return admin ? `inline policy ${admin}` : 'inline policy written (permissions changed)';
}

/** IP protocol numbers EC2 takes for its names (IANA): a rule may be logged with either. */
const PROTOCOL_NAMES = new Map([
  ['6', 'tcp'],
  ['17', 'udp'],
  ['1', 'icmp'],
  ['58', 'icmpv6'],
]);

/**
 * "tcp/22", "all traffic", "tcp/1000-2000", "icmp (all types)", "icmp type 8": a protocol number
 * read as its name, a port given as text or number alike; for ICMP the "ports" are its type and
 * code (-1: all), as the EC2 API takes them.
 */
function portRange(protocol: unknown, from: unknown, to: unknown): string {
  const raw = String(protocol ?? '?').toLowerCase();
  if (raw === '-1' || raw === 'all') return 'all traffic';
  const proto = PROTOCOL_NAMES.get(raw) ?? (/^\d+$/.test(raw) ? `protocol ${raw}` : raw);
  if (from === undefined || from === null) return proto;
  const [a, b] = [String(from), to === undefined || to === null ? String(from) : String(to)];
  if (proto === 'icmp' || proto === 'icmpv6') {
    if (a === '-1') return `${proto} (all types)`;
    return `${proto} type ${a}${b === '-1' ? '' : ` code ${b}`}`;
  }
  return a === b ? `${proto}/${a}` : `${proto}/${a}-${b}`;
}

interface IngressRule {
  ports: string;
  sources: string[];
}

// AuthorizeSecurityGroupIngress is logged either with top-level cidrIp/ipProtocol/ports and
// sourceSecurityGroupName/OwnerId (the flat form) or with ipPermissions.items[].ipRanges/
// ipv6Ranges/groups.
function ingressRules(p: Params): IngressRule[] {
  const rules: IngressRule[] = [];
  if (p.cidrIp || p.ipProtocol || p.sourceSecurityGroupName) {
    const sources = p.cidrIp ? [String(p.cidrIp)] : [];
    if (p.sourceSecurityGroupName)
      sources.push(
        `group ${text(p, 'sourceSecurityGroupName')}${p.sourceSecurityGroupOwnerId ? ` of account ${text(p, 'sourceSecurityGroupOwnerId')}` : ''}`,
      );
    rules.push({ ports: portRange(p.ipProtocol, p.fromPort, p.toPort), sources });
  }
  for (const perm of items(p.ipPermissions)) {
    const sources = [
      ...items(at(perm, 'ipRanges')).map((r) => at(r, 'cidrIp')),
      ...items(at(perm, 'ipv6Ranges')).map((r) => at(r, 'cidrIpv6')),
      ...items(at(perm, 'groups')).map((g) => at(g, 'groupId')),
      ...items(at(perm, 'prefixListIds')).map((g) => at(g, 'prefixListId')),
    ].filter((s): s is string => typeof s === 'string');
    rules.push({
      ports: portRange(at(perm, 'ipProtocol'), at(perm, 'fromPort'), at(perm, 'toPort')),
      sources,
    });
  }
  return rules;
}

const isWorld = (cidr: string): boolean => /\/0$/.test(cidr);

// Networks the internet does not reach (RFC 1918, shared address space, loopback, link-local,
// IPv6 unique local and link-local): a rule open to one of them stays inside, however wide.
const NON_PUBLIC_NETWORKS = [
  '10.0.0.0/8',
  '172.16.0.0/12',
  '192.168.0.0/16',
  '100.64.0.0/10',
  '127.0.0.0/8',
  '169.254.0.0/16',
  'fc00::/7',
  'fe80::/10',
].map((network) => ({
  contains: cidrMatcher(network) ?? (() => false),
  bits: parseCidr(network)?.bits ?? 0,
}));

/** A range is broad from this prefix length on: 1/256 of all addresses of its family or more. */
const BROAD_PREFIX_BITS = 8;

/**
 * How broad a public range short of the whole internet is, in words ("2^31 addresses: half of
 * all IPv4 addresses"), when it holds at least 1/256 of its family's addresses; undefined for a
 * narrower, non-public or unreadable range, and for /0, which is said as the whole internet.
 */
function broadRangeWords(cidr: string): string | undefined {
  const network = parseCidr(cidr);
  if (!network || network.bits === 0 || network.bits > BROAD_PREFIX_BITS) return undefined;
  const address = cidr.trim().split('/')[0];
  if (NON_PUBLIC_NETWORKS.some((n) => network.bits >= n.bits && n.contains(address)))
    return undefined;
  const family = network.bytes.length === 4 ? 'IPv4' : 'IPv6';
  const share =
    network.bits === 1 ? 'half' : network.bits === 2 ? 'a quarter' : `1/${2 ** network.bits}`;
  return `2^${network.bytes.length * 8 - network.bits} addresses: ${share} of all ${family} addresses`;
}

/** A rule's source as shown (one line, hidden characters marked), a broad range with its size. */
function sourceText(source: string): string {
  const words = broadRangeWords(source);
  const shown = render(source) ?? '?';
  return words ? `${shown} (${words})` : shown;
}

/** What a rule opening these sources risks: the whole internet, or a broad public range named. */
function openingRisk(sources: string[], subject: string): string | undefined {
  if (sources.some(isWorld)) return `${subject} the whole internet (/0)`;
  const broad = sources.filter((s) => broadRangeWords(s) !== undefined);
  return broad.length
    ? `${subject} a broad public range: ${broad.map(sourceText).join(', ')}`
    : undefined;
}

function describeIngress(p: Params): string {
  const rules = ingressRules(p);
  const what = rules.length
    ? rules
        .map(
          (r) => `${r.ports} to ${r.sources.length ? r.sources.map(sourceText).join(', ') : '?'}`,
        )
        .join('; ')
    : 'a rule';
  return `opens ${what} on ${text(p, 'groupId', text(p, 'groupName'))}`;
}

function ingressRisk(p: Params): string | undefined {
  return openingRisk(
    ingressRules(p).flatMap((r) => r.sources),
    'opens the security group to',
  );
}

interface RuleChange extends IngressRule {
  id: string;
}

// ModifySecurityGroupRules is logged as the query API's request, capitalised as the API names it:
// {ModifySecurityGroupRulesRequest:{GroupId, SecurityGroupRule:{SecurityGroupRuleId,
// SecurityGroupRule:{IpProtocol, FromPort, ToPort, CidrIpv4 | CidrIpv6 | PrefixListId |
// ReferencedGroupId}}}}, the outer SecurityGroupRule a list when several rules change.
function ruleChanges(p: Params): RuleChange[] {
  const updates = at(p, 'ModifySecurityGroupRulesRequest.SecurityGroupRule');
  const list = Array.isArray(updates) || at(updates, 'items') ? items(updates) : [updates];
  return list
    .filter((u) => u && typeof u === 'object')
    .map((u) => {
      const rule = at(u, 'SecurityGroupRule');
      return {
        id: text(u, 'SecurityGroupRuleId'),
        ports: portRange(at(rule, 'IpProtocol'), at(rule, 'FromPort'), at(rule, 'ToPort')),
        sources: ['CidrIpv4', 'CidrIpv6', 'PrefixListId', 'ReferencedGroupId']
          .map((k) => at(rule, k))
          .filter((s): s is string => typeof s === 'string'),
      };
    });
}

function describeRuleChanges(p: Params): string {
  const group = text(p, 'ModifySecurityGroupRulesRequest.GroupId');
  const changes = ruleChanges(p);
  const to = (c: RuleChange) => `to ${c.ports} from ${c.sources.map(sourceText).join(', ') || '?'}`;
  if (changes.length === 1) return `changes rule ${changes[0].id} of ${group} ${to(changes[0])}`;
  const each = changes.map((c) => `${c.id} ${to(c)}`).join('; ');
  return `changes rules of ${group}${each ? `: ${each}` : ''}`;
}

function ruleChangeRisk(p: Params): string | undefined {
  return openingRisk(
    ruleChanges(p).flatMap((c) => c.sources),
    'a security group rule now allows',
  );
}

/** Account ids or "all" added to a share list (snapshot, AMI). */
function sharedWith(list: unknown): string[] {
  return items(at(list, 'add'))
    .map(
      (i) => at(i, 'userId') ?? (at(i, 'group') === 'all' ? 'everyone (public)' : at(i, 'group')),
    )
    .filter((v): v is string => typeof v === 'string');
}

function shareRisk(list: unknown): string | undefined {
  const who = sharedWith(list);
  if (who.includes('everyone (public)')) return 'made public';
  return who.length ? `shared with another account (${who.join(', ')})` : undefined;
}

// The canned ACLs (x-amz-acl) and grantee groups that open a bucket or object beyond the account:
// AllUsers is anyone, anonymous included; AuthenticatedUsers is anyone with an AWS account.
function aclRisk(p: Params): string | undefined {
  const serialized = JSON.stringify(p);
  if (/AllUsers|public-read/.test(serialized))
    return 'ACL grants access to everyone: data made public';
  if (/AuthenticatedUsers|authenticated-read/.test(serialized))
    return 'ACL grants access to any AWS account (AuthenticatedUsers): data made public';
  return undefined;
}

// The four Block Public Access settings, in the API's order. PutPublicAccessBlock replaces the
// whole configuration and takes a setting left out as false (S3 API Reference), so only a setting
// sent as true stays on.
const BLOCK_PUBLIC_ACCESS_SETTINGS = [
  'BlockPublicAcls',
  'IgnorePublicAcls',
  'BlockPublicPolicy',
  'RestrictPublicBuckets',
];

/** The Block Public Access settings a request turns off; undefined when it logs no configuration. */
function publicAccessBlocksOff(p: Params): string[] | undefined {
  const config = at(p, 'PublicAccessBlockConfiguration');
  if (!config || typeof config !== 'object' || Array.isArray(config)) return undefined;
  return BLOCK_PUBLIC_ACCESS_SETTINGS.filter((name) => {
    const value = at(config, name);
    return value !== true && value !== 'true';
  });
}

function publicAccessBlockRisk(p: Params, scope: string): string | undefined {
  const off = publicAccessBlocksOff(p);
  return off?.length ? `${scope}Block Public Access relaxed (off: ${off.join(', ')})` : undefined;
}

/** The account an S3 Control request is for (its x-amz-account-id header), or the record's. */
const s3ControlAccount = (p: Params, record: CloudTrailRecord): string =>
  text(p, 'x-amz-account-id', text(record, 'recipientAccountId'));

// Account-level Block Public Access is an S3 Control operation (PutPublicAccessBlock), logged as
// s3:PutAccountPublicAccessBlock; the S3 Control event source is accepted too.
const ACCOUNT_PUBLIC_ACCESS_BLOCK: ServiceCatalog = {
  PutAccountPublicAccessBlock: {
    does: (p, r) => `changes the Block Public Access of account ${s3ControlAccount(p, r)}`,
    key: ['x-amz-account-id', 'PublicAccessBlockConfiguration'],
    api: 'control_PutPublicAccessBlock',
    risky: (p) => publicAccessBlockRisk(p, 'account-wide '),
  },
  DeleteAccountPublicAccessBlock: {
    does: (p, r) => `removes Block Public Access from account ${s3ControlAccount(p, r)}`,
    key: ['x-amz-account-id'],
    api: 'control_DeletePublicAccessBlock',
    risky:
      'account-wide Block Public Access removed: every bucket of the account can be made public',
  },
};

const s3Object = (p: Params): string => `s3://${text(p, 'bucketName')}/${text(p, 'key')}`;

/** The account a principal names: an account id, or the account of an ARN (none for a service). */
function principalAccount(principal: string): string | undefined {
  if (/^\d{12}$/.test(principal)) return principal;
  const account = parseArn(principal)?.accountId;
  return account && /^\d{12}$/.test(account) ? account : undefined;
}

/** Accounts other than the record's own that a trust policy lets in. */
function foreignAccounts(principals: string[], record: CloudTrailRecord): string[] {
  const own =
    typeof record.recipientAccountId === 'string' && record.recipientAccountId
      ? record.recipientAccountId
      : at(record.userIdentity, 'accountId');
  if (typeof own !== 'string' || !own) return [];
  const out = new Set<string>();
  for (const principal of principals) {
    const account = principalAccount(principal);
    if (account && account !== own) out.add(account);
  }
  return [...out];
}

/** What narrows a Lambda permission (AddPermission): its source, account or organization. */
function lambdaPermissionScope(p: Record<string, unknown>): string {
  const limits = [
    p.sourceArn !== undefined && `source ${text(p, 'sourceArn')}`,
    p.sourceAccount !== undefined && `source account ${text(p, 'sourceAccount')}`,
    p.principalOrgID !== undefined && `organization ${text(p, 'principalOrgID')}`,
    p.functionUrlAuthType !== undefined && `function URL auth ${text(p, 'functionUrlAuthType')}`,
  ].filter(Boolean);
  return limits.length ? ` (${limits.join(', ')})` : '';
}

/**
 * Why a Lambda permission matters (AWS Lambda Developer Guide, resource-based policies): `*`
 * unlimited, or behind a function URL without authentication, lets anyone invoke the function;
 * `*` within an organization, any of its accounts; an AWS service without a source ARN or
 * source account, any account's resource of that service (a confused deputy); an account or
 * source of another account, that account.
 */
function lambdaPermissionRisk(p: Record<string, unknown>, r: CloudTrailRecord): string | undefined {
  const source = [p.sourceAccount, p.sourceArn];
  if (p.principal === '*') {
    if (p.functionUrlAuthType === 'NONE')
      return 'function URL invocable by anyone, without authentication (backdoor)';
    if (typeof p.principalOrgID === 'string' && p.principalOrgID)
      return `function invocable by every account of organization ${text(p, 'principalOrgID')}`;
    if (p.sourceArn === undefined && p.sourceAccount === undefined)
      return 'function invocable by anyone (backdoor)';
    return crossAccountRisk('function permission', source, r);
  }
  if (
    typeof p.principal === 'string' &&
    /\.amazonaws\.com$/i.test(p.principal) &&
    p.sourceArn === undefined &&
    p.sourceAccount === undefined
  )
    return `function invocable by ${text(p, 'principal')} for any account's resource (no source ARN or source account: a confused deputy)`;
  return crossAccountRisk('function permission', [p.principal, ...source], r);
}

/** "<subject> grants another account (…)" when principals name accounts other than the record's. */
function crossAccountRisk(
  subject: string,
  principals: unknown[],
  record: CloudTrailRecord,
): string | undefined {
  const foreign = foreignAccounts(
    principals.filter((p): p is string => typeof p === 'string'),
    record,
  );
  return foreign.length ? `${subject} grants another account (${foreign.join(', ')})` : undefined;
}

/**
 * Why a resource policy (bucket, key, secret, repository, topic, queue) matters: it lets everyone
 * in (publicRisk), it lets in another account (named), or it changed.
 */
function resourcePolicyRisk(
  subject: string,
  policy: unknown,
  record: CloudTrailRecord,
  publicRisk: string,
): string {
  const document = policyDocument(policy);
  if (grantsPublicAccess(document)) return publicRisk;
  return crossAccountRisk(subject, policyPrincipals(document), record) ?? `${subject} changed`;
}

function bucketPolicyRisk(p: Params, record: CloudTrailRecord): string {
  return resourcePolicyRisk(
    'bucket policy',
    policyDocument(p.bucketPolicy) ?? at(p, 'bucketPolicy.Policy'),
    record,
    'bucket policy allows everyone (Principal "*"): data made public',
  );
}

/** The values of the first of these parameters present, as a list (a single value or a list). */
function listParam(p: Params, names: string[]): unknown[] {
  const name = names.find((n) => p[n] !== undefined);
  const value = name === undefined ? undefined : p[name];
  return Array.isArray(value) ? value : value === undefined ? [] : [value];
}

function trustRisk(p: Params, record: CloudTrailRecord): string {
  const principals = policyPrincipals(
    policyDocument(p.policyDocument) ?? policyDocument(p.assumeRolePolicyDocument),
  );
  const foreign = foreignAccounts(principals, record);
  return principals.length
    ? `trust policy now lets ${principals.join(', ')} assume the role${foreign.length ? ` (another account: ${foreign.join(', ')})` : ''}`
    : 'trust policy changed (who may assume the role)';
}

function createRoleRisk(p: Params, record: CloudTrailRecord): string | undefined {
  const trust = policyDocument(p.assumeRolePolicyDocument);
  if (grantsPublicAccess(trust)) return 'role assumable by anyone ("*")';
  const foreign = foreignAccounts(policyPrincipals(trust), record);
  return foreign.length ? `role assumable from another account (${foreign.join(', ')})` : undefined;
}

const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

/**
 * Which management events a PutEventSelectors request leaves logged: read, write, both or none.
 * Basic selectors: includeManagementEvents (default true) and readWriteType (default All).
 * Advanced selectors: those with eventCategory Equals Management, narrowed by a readOnly field
 * selector. As the CloudTrail User Guide ("Logging management events") defines them.
 */
function managementCoverage(p: Params): { read: boolean; write: boolean } | undefined {
  const basic = list(p.eventSelectors);
  const advanced = list(p.advancedEventSelectors);
  let read = false;
  let write = false;
  if (basic.length) {
    for (const s of basic) {
      if (at(s, 'includeManagementEvents') === false) continue;
      const rw = at(s, 'readWriteType') ?? 'All';
      if (rw !== 'WriteOnly') read = true;
      if (rw !== 'ReadOnly') write = true;
    }
    return { read, write };
  }
  if (!advanced.length) return undefined;
  for (const s of advanced) {
    const fields = list(at(s, 'fieldSelectors'));
    const field = (name: string) => fields.find((f) => at(f, 'field') === name);
    if (!list(at(field('eventCategory'), 'equals')).includes('Management')) continue;
    const ro = field('readOnly');
    const equals = list(at(ro, 'equals'));
    const notEquals = list(at(ro, 'notEquals'));
    const onlyReads = equals.includes('true') || notEquals.includes('false');
    const onlyWrites = equals.includes('false') || notEquals.includes('true');
    // No readOnly condition, or one not read here: both kinds may be logged.
    if (onlyReads || !onlyWrites) read = true;
    if (onlyWrites || !onlyReads) write = true;
  }
  return { read, write };
}

function selectorsSummary(p: Params): string {
  const parts = [
    `${list(p.eventSelectors).length + list(p.advancedEventSelectors).length} selector(s)`,
  ];
  const logged = managementCoverage(p);
  if (logged && !logged.read && !logged.write) parts.push('management events EXCLUDED');
  else if (logged && !logged.write) parts.push('management write events EXCLUDED (read-only)');
  else if (logged && !logged.read) parts.push('management read events EXCLUDED (write-only)');
  return parts.join(', ');
}

export const IAM: ServiceCatalog = {
  CreateUser: {
    does: (p) => `creates IAM user ${text(p, 'userName')}`,
    key: ['userName', 'path'],
    risky: 'new IAM user (possible persistence)',
  },
  DeleteUser: { does: (p) => `deletes IAM user ${text(p, 'userName')}`, key: ['userName'] },
  CreateAccessKey: {
    does: (p) =>
      `creates a long-term access key for ${p.userName ? `IAM user ${text(p, 'userName')}` : 'the caller'}`,
    key: ['userName'],
    risky: 'access key created (persistence)',
  },
  DeleteAccessKey: {
    does: (p) =>
      `deletes access key ${text(p, 'accessKeyId')}${p.userName ? ` of ${text(p, 'userName')}` : ''}`,
    key: ['accessKeyId', 'userName'],
  },
  UpdateAccessKey: {
    does: (p) => `sets access key ${text(p, 'accessKeyId')} to ${text(p, 'status')}`,
    key: ['accessKeyId', 'userName', 'status'],
  },
  CreateLoginProfile: {
    does: (p) => `gives IAM user ${text(p, 'userName', 'the caller')} a console password`,
    key: ['userName', 'passwordResetRequired'],
    risky: 'console password created (persistence)',
  },
  UpdateLoginProfile: {
    does: (p) => `changes the console password of IAM user ${text(p, 'userName', 'the caller')}`,
    key: ['userName', 'passwordResetRequired'],
    // Another user's: a takeover. The caller's own, through the API: a key (perhaps stolen)
    // turned into console access. IAM user names are unique ignoring case.
    risky: (p, r) => {
      const target = typeof p.userName === 'string' && p.userName ? p.userName : undefined;
      const id = r.userIdentity as { type?: unknown; userName?: unknown } | undefined;
      const own =
        target === undefined ||
        (id?.type === 'IAMUser' &&
          typeof id.userName === 'string' &&
          id.userName.toLowerCase() === target.toLowerCase());
      return own
        ? "the caller's own console password set through the API (a key turned into console access)"
        : "another user's console password changed (account takeover)";
    },
  },
  DeleteLoginProfile: {
    does: (p) => `removes the console password of IAM user ${text(p, 'userName')}`,
    key: ['userName'],
  },
  AttachUserPolicy: {
    does: (p) => `attaches ${policyName(p.policyArn)} to IAM user ${text(p, 'userName')}`,
    key: ['userName', 'policyArn'],
    risky: attachRisk,
  },
  AttachRolePolicy: {
    does: (p) => `attaches ${policyName(p.policyArn)} to role ${text(p, 'roleName')}`,
    key: ['roleName', 'policyArn'],
    risky: attachRisk,
  },
  AttachGroupPolicy: {
    does: (p) => `attaches ${policyName(p.policyArn)} to group ${text(p, 'groupName')}`,
    key: ['groupName', 'policyArn'],
    risky: attachRisk,
  },
  DetachUserPolicy: {
    does: (p) => `detaches ${policyName(p.policyArn)} from IAM user ${text(p, 'userName')}`,
    key: ['userName', 'policyArn'],
  },
  DetachRolePolicy: {
    does: (p) => `detaches ${policyName(p.policyArn)} from role ${text(p, 'roleName')}`,
    key: ['roleName', 'policyArn'],
  },
  PutUserPolicy: {
    does: (p) => `writes inline policy ${text(p, 'policyName')} on IAM user ${text(p, 'userName')}`,
    key: ['userName', 'policyName'],
    risky: inlinePolicyRisk,
  },
  PutRolePolicy: {
    does: (p) => `writes inline policy ${text(p, 'policyName')} on role ${text(p, 'roleName')}`,
    key: ['roleName', 'policyName'],
    risky: inlinePolicyRisk,
  },
  PutGroupPolicy: {
    does: (p) => `writes inline policy ${text(p, 'policyName')} on group ${text(p, 'groupName')}`,
    key: ['groupName', 'policyName'],
    risky: inlinePolicyRisk,
  },
  DeleteGroupPolicy: {
    does: (p) =>
      `deletes inline policy ${text(p, 'policyName')} from group ${text(p, 'groupName')}`,
    key: ['groupName', 'policyName'],
  },
  CreatePolicyVersion: {
    does: (p) =>
      `writes a new version of policy ${policyName(p.policyArn)}${p.setAsDefault === true ? ' and makes it the default' : ''}`,
    key: ['policyArn', 'setAsDefault'],
    risky: (p) => {
      if (p.setAsDefault !== true) return undefined;
      const admin = adminGrant(p.policyDocument);
      return `new default policy version ${admin ?? '(permissions changed)'}`;
    },
  },
  SetDefaultPolicyVersion: {
    does: (p) =>
      `makes version ${text(p, 'versionId')} the default of policy ${policyName(p.policyArn)}`,
    key: ['policyArn', 'versionId'],
    risky: 'policy version rolled (permissions changed)',
  },
  CreateRole: {
    does: (p) =>
      `creates role ${text(p, 'roleName')}${policyPrincipals(policyDocument(p.assumeRolePolicyDocument)).length ? ` assumable by ${policyPrincipals(policyDocument(p.assumeRolePolicyDocument)).join(', ')}` : ''}`,
    key: ['roleName', 'assumeRolePolicyDocument'],
    risky: createRoleRisk,
  },
  DeleteRole: { does: (p) => `deletes role ${text(p, 'roleName')}`, key: ['roleName'] },
  UpdateAssumeRolePolicy: {
    does: (p) => `changes who may assume role ${text(p, 'roleName')}`,
    key: ['roleName', 'policyDocument'],
    risky: trustRisk,
  },
  AddUserToGroup: {
    does: (p) => `adds IAM user ${text(p, 'userName')} to group ${text(p, 'groupName')}`,
    key: ['userName', 'groupName'],
    risky: (p) =>
      /admin/i.test(String(p.groupName ?? '')) ? 'user added to an admin group' : undefined,
  },
  DeactivateMFADevice: {
    does: (p) =>
      `deactivates MFA device ${text(p, 'serialNumber')} of ${text(p, 'userName', 'the caller')}`,
    key: ['userName', 'serialNumber'],
    risky: 'MFA removed',
  },
  DeleteVirtualMFADevice: {
    does: (p) => `deletes virtual MFA device ${text(p, 'serialNumber')}`,
    key: ['serialNumber'],
    risky: 'MFA removed',
  },
  EnableMFADevice: {
    does: (p) =>
      `enables MFA device ${text(p, 'serialNumber')} for ${text(p, 'userName', 'the caller')}`,
    key: ['userName', 'serialNumber'],
  },
  CreateServiceLinkedRole: {
    does: (p) => `creates the service-linked role for ${text(p, 'aWSServiceName')}`,
    key: ['aWSServiceName'],
  },
  GetAccountAuthorizationDetails: {
    does: () => 'downloads every user, group, role and policy of the account',
    key: ['filter'],
    risky: 'full IAM enumeration (reconnaissance)',
  },
  UpdateAccountPasswordPolicy: {
    does: (p) =>
      `changes the account password policy (minimum length ${text(p, 'minimumPasswordLength')})`,
    key: ['minimumPasswordLength', 'requireSymbols', 'maxPasswordAge'],
  },
  CreateSAMLProvider: {
    does: (p) => `adds SAML identity provider ${text(p, 'name')}`,
    key: ['name'],
    risky: 'new identity provider trusted by the account (persistence)',
  },
  CreateOpenIDConnectProvider: {
    does: (p) => `adds OIDC identity provider ${text(p, 'url')}`,
    key: ['url', 'clientIDList'],
    risky: 'new identity provider trusted by the account (persistence)',
  },
};

export const STS: ServiceCatalog = {
  AssumeRole: {
    does: (p) => `assumes role ${text(p, 'roleArn')} as session ${text(p, 'roleSessionName')}`,
    key: ['roleArn', 'roleSessionName', 'durationSeconds', 'sourceIdentity', 'externalId'],
  },
  AssumeRoleWithSAML: {
    does: (p) =>
      `assumes role ${text(p, 'roleArn')} with a SAML assertion from ${text(p, 'principalArn')}`,
    key: ['roleArn', 'principalArn', 'durationSeconds'],
  },
  AssumeRoleWithWebIdentity: {
    does: (p) =>
      `assumes role ${text(p, 'roleArn')} with a web identity token (session ${text(p, 'roleSessionName')})`,
    key: ['roleArn', 'roleSessionName', 'providerId'],
  },
  AssumeRoot: {
    does: (p) =>
      `gets a root session on member account ${text(p, 'targetPrincipal')} with task policy ${policyName(at(p, 'taskPolicyArn.arn') ?? p.taskPolicyArn)}`,
    key: ['targetPrincipal', 'taskPolicyArn'],
    risky: 'root-user session requested',
  },
  GetSessionToken: {
    does: (p) => `gets temporary credentials for the caller${p.serialNumber ? ' with MFA' : ''}`,
    key: ['durationSeconds', 'serialNumber'],
  },
  GetFederationToken: {
    does: (p) => `creates federated user session ${text(p, 'name')}`,
    key: ['name', 'durationSeconds', 'policyArns'],
    risky: 'federation token: credentials that survive deleting the access key (persistence)',
  },
  GetCallerIdentity: {
    does: () => 'asks "who am I?" for the current credentials',
    key: [],
    risky: undefined,
  },
  GetAccessKeyInfo: {
    does: (p) => `looks up which account owns access key ${text(p, 'accessKeyId')}`,
    key: ['accessKeyId'],
  },
};

export const SIGNIN: ServiceCatalog = {
  ConsoleLogin: {
    does: (_p, r) => {
      const outcome =
        render(at(r.responseElements, 'ConsoleLogin')) ?? (r.errorMessage ? 'Failure' : '?');
      const mfa = render(at(r.additionalEventData, 'MFAUsed'));
      return `console sign-in: ${outcome}${mfa ? ` (MFA used: ${mfa})` : ''}${r.errorMessage ? ` — ${render(r.errorMessage)}` : ''}`;
    },
    key: [],
    risky: (_p, r) => {
      if (r.userIdentity?.type === 'Root' && at(r.responseElements, 'ConsoleLogin') === 'Success')
        return 'root console sign-in';
      if (
        at(r.responseElements, 'ConsoleLogin') === 'Success' &&
        at(r.additionalEventData, 'MFAUsed') === 'No'
      )
        return 'console sign-in without MFA';
      return undefined;
    },
  },
  GetSigninToken: {
    does: () =>
      'turns temporary credentials into a console sign-in token (console access from API keys)',
    key: [],
    risky: 'console access obtained from API credentials',
  },
  SwitchRole: { does: () => 'switches role in the console', key: [] },
  CheckMfa: { does: () => 'checks whether the signing-in user has MFA', key: [] },
};

export const S3: ServiceCatalog = {
  GetObject: { does: (p) => `reads ${s3Object(p)}`, key: ['bucketName', 'key'] },
  PutObject: { does: (p) => `writes ${s3Object(p)}`, key: ['bucketName', 'key'] },
  DeleteObject: { does: (p) => `deletes ${s3Object(p)}`, key: ['bucketName', 'key'] },
  DeleteObjects: {
    does: (p) => `deletes several objects from bucket ${text(p, 'bucketName')}`,
    key: ['bucketName'],
  },
  CopyObject: {
    does: (p) => `copies ${text(p, 'x-amz-copy-source')} to ${s3Object(p)}`,
    key: ['bucketName', 'key', 'x-amz-copy-source'],
  },
  ListBucket: {
    does: (p) =>
      `lists objects in bucket ${text(p, 'bucketName')}${p.prefix ? ` under ${text(p, 'prefix')}` : ''}`,
    key: ['bucketName', 'prefix'],
    api: 'ListObjectsV2',
  },
  ListBuckets: { does: () => 'lists every bucket of the account', key: [] },
  CreateBucket: { does: (p) => `creates bucket ${text(p, 'bucketName')}`, key: ['bucketName'] },
  DeleteBucket: {
    does: (p) => `deletes bucket ${text(p, 'bucketName')}`,
    key: ['bucketName'],
    risky: 'bucket deleted',
  },
  PutBucketPolicy: {
    does: (p) => `sets the bucket policy of ${text(p, 'bucketName')}`,
    key: ['bucketName', 'bucketPolicy'],
    risky: bucketPolicyRisk,
  },
  DeleteBucketPolicy: {
    does: (p) => `removes the bucket policy of ${text(p, 'bucketName')}`,
    key: ['bucketName'],
  },
  PutBucketAcl: {
    does: (p) => `sets the ACL of bucket ${text(p, 'bucketName')}`,
    key: ['bucketName', 'x-amz-acl'],
    risky: aclRisk,
  },
  PutObjectAcl: {
    does: (p) => `sets the ACL of ${s3Object(p)}`,
    key: ['bucketName', 'key', 'x-amz-acl'],
    risky: aclRisk,
  },
  PutBucketPublicAccessBlock: {
    does: (p) => `changes Block Public Access on ${text(p, 'bucketName')}`,
    key: ['bucketName', 'PublicAccessBlockConfiguration'],
    api: 'PutPublicAccessBlock',
    risky: (p) => publicAccessBlockRisk(p, ''),
  },
  DeleteBucketPublicAccessBlock: {
    does: (p) => `removes Block Public Access from ${text(p, 'bucketName')}`,
    key: ['bucketName'],
    api: 'DeletePublicAccessBlock',
    risky: 'Block Public Access removed: the bucket can be made public',
  },
  PutBucketLogging: {
    does: (p) => `changes server access logging of ${text(p, 'bucketName')}`,
    key: ['bucketName', 'BucketLoggingStatus'],
    risky: (p) =>
      at(p, 'BucketLoggingStatus.LoggingEnabled') ? undefined : 'access logging turned off',
  },
  PutBucketVersioning: {
    does: (p) =>
      `sets versioning of ${text(p, 'bucketName')} to ${text(p, 'VersioningConfiguration.Status')}`,
    key: ['bucketName', 'VersioningConfiguration.Status', 'VersioningConfiguration.MfaDelete'],
    risky: (p) =>
      at(p, 'VersioningConfiguration.Status') === 'Suspended'
        ? 'versioning suspended (deleted data becomes unrecoverable)'
        : undefined,
  },
  DeleteBucketEncryption: {
    does: (p) => `removes default encryption from ${text(p, 'bucketName')}`,
    key: ['bucketName'],
    risky: 'default encryption removed',
  },
  PutBucketEncryption: {
    does: (p) => `sets default encryption of ${text(p, 'bucketName')}`,
    key: ['bucketName'],
    risky: (p) =>
      /aws:kms/.test(JSON.stringify(p)) && /arn:aws:kms/.test(JSON.stringify(p))
        ? 'encryption set to a specific KMS key (check the key owner: ransomware pattern)'
        : undefined,
  },
  PutBucketLifecycle: {
    does: (p) => `sets lifecycle rules on ${text(p, 'bucketName')}`,
    key: ['bucketName'],
    api: 'PutBucketLifecycleConfiguration',
    risky: (p) =>
      /Expiration/i.test(JSON.stringify(p))
        ? 'lifecycle rule expires (deletes) objects'
        : undefined,
  },
  PutBucketReplication: {
    does: (p) => `replicates bucket ${text(p, 'bucketName')} elsewhere`,
    key: ['bucketName'],
    risky: 'objects replicated to another bucket (possible exfiltration)',
  },
  DeleteBucketReplication: {
    does: (p) => `removes replication from ${text(p, 'bucketName')}`,
    key: ['bucketName'],
  },
  ...ACCOUNT_PUBLIC_ACCESS_BLOCK,
};

export const EC2: ServiceCatalog = {
  AuthorizeSecurityGroupIngress: {
    does: describeIngress,
    key: ['groupId', 'ipProtocol', 'fromPort', 'toPort', 'cidrIp'],
    risky: ingressRisk,
  },
  AuthorizeSecurityGroupEgress: {
    does: (p) => describeIngress(p).replace(/^opens/, 'allows outbound'),
    key: ['groupId'],
  },
  ModifySecurityGroupRules: {
    does: describeRuleChanges,
    key: ['ModifySecurityGroupRulesRequest.GroupId'],
    risky: ruleChangeRisk,
  },
  RevokeSecurityGroupIngress: {
    does: (p) => `removes inbound rules from ${text(p, 'groupId')}`,
    key: ['groupId'],
  },
  CreateSecurityGroup: {
    does: (p) => `creates security group ${text(p, 'groupName')} in ${text(p, 'vpcId')}`,
    key: ['groupName', 'vpcId'],
  },
  RunInstances: {
    does: describeRunInstances,
    key: ['instanceType', 'instancesSet', 'iamInstanceProfile', 'userData'],
    risky: (p) =>
      /^(p\d|g\d|inf\d|trn\d|dl\d)|metal|\d{2}xlarge/.test(String(p.instanceType ?? ''))
        ? 'large or GPU instance type (crypto-mining pattern)'
        : undefined,
  },
  StartInstances: {
    does: (p) => `starts ${ids(p, 'instancesSet', 'instanceId')}`,
    key: ['instancesSet'],
  },
  StopInstances: {
    does: (p) => `stops ${ids(p, 'instancesSet', 'instanceId')}`,
    key: ['instancesSet', 'force'],
  },
  TerminateInstances: {
    does: (p) => `terminates ${ids(p, 'instancesSet', 'instanceId')}`,
    key: ['instancesSet'],
    risky: 'instances destroyed',
  },
  ModifyInstanceAttribute: {
    does: describeInstanceAttributeChanges,
    key: ['instanceId', 'attribute', 'value'],
    risky: (p) =>
      instanceAttributeChanges(p).some((c) => c.name.toLowerCase() === 'userdata')
        ? 'user data replaced (code runs at next boot)'
        : undefined,
  },
  DescribeInstanceAttribute: {
    does: (p) => `reads attribute ${text(p, 'attribute')} of ${text(p, 'instanceId')}`,
    key: ['instanceId', 'attribute'],
    risky: (p) => (p.attribute === 'userData' ? 'user data read (often holds secrets)' : undefined),
  },
  DescribeInstances: { does: () => 'lists EC2 instances', key: ['instancesSet', 'filterSet'] },
  GetPasswordData: {
    does: (p) =>
      `retrieves the encrypted Windows administrator password of ${text(p, 'instanceId')}`,
    key: ['instanceId'],
    risky: 'Windows password retrieved (credential access)',
  },
  ModifySnapshotAttribute: {
    does: (p) =>
      `changes who may create volumes from ${text(p, 'snapshotId')}${sharedWith(p.createVolumePermission).length ? `: adds ${sharedWith(p.createVolumePermission).join(', ')}` : ''}`,
    key: ['snapshotId', 'createVolumePermission'],
    risky: (p) => {
      const r = shareRisk(p.createVolumePermission);
      return r && `EBS snapshot ${r}`;
    },
  },
  ModifyImageAttribute: {
    does: (p) =>
      `changes who may launch ${text(p, 'imageId')}${sharedWith(p.launchPermission).length ? `: adds ${sharedWith(p.launchPermission).join(', ')}` : ''}`,
    key: ['imageId', 'launchPermission'],
    risky: (p) => {
      const r = shareRisk(p.launchPermission);
      return r && `AMI ${r}`;
    },
  },
  CreateSnapshot: { does: (p) => `snapshots volume ${text(p, 'volumeId')}`, key: ['volumeId'] },
  CreateImage: {
    does: (p) => `creates image ${text(p, 'name')} from ${text(p, 'instanceId')}`,
    key: ['instanceId', 'name'],
  },
  DeleteFlowLogs: {
    does: (p) => `deletes flow logs ${flowLogIds(p)}`,
    key: ['DeleteFlowLogsRequest', 'flowLogIds'],
    risky: 'VPC flow logs deleted (logging stopped)',
  },
  CreateKeyPair: { does: (p) => `creates SSH key pair ${text(p, 'keyName')}`, key: ['keyName'] },
  ImportKeyPair: {
    does: (p) => `imports SSH key ${text(p, 'keyName')}`,
    key: ['keyName'],
    risky: 'SSH key imported (persistence)',
  },
  EnableSerialConsoleAccess: {
    does: () => 'enables EC2 serial console access for the account',
    key: [],
    risky: 'serial console enabled (out-of-band access)',
  },
  DisableEbsEncryptionByDefault: {
    does: () => 'turns off EBS encryption by default',
    key: [],
    risky: 'EBS default encryption disabled',
  },
  CreateVpc: { does: (p) => `creates VPC ${text(p, 'cidrBlock')}`, key: ['cidrBlock'] },
  CreateNetworkAclEntry: {
    does: describeNetworkAclEntry,
    key: ['networkAclId', 'ruleNumber', 'ruleAction', 'cidrBlock', 'ipv6CidrBlock', 'egress'],
    risky: networkAclEntryRisk,
  },
  ReplaceNetworkAclEntry: {
    does: describeNetworkAclEntry,
    key: ['networkAclId', 'ruleNumber', 'ruleAction', 'cidrBlock', 'ipv6CidrBlock', 'egress'],
    risky: networkAclEntryRisk,
  },
};

interface AttributeChange {
  name: string;
  value: unknown;
}

// ModifyInstanceAttribute is logged in two forms: one attribute named with its value
// ({attribute: "userData", value: …}, as `aws ec2 modify-instance-attribute --attribute` sends
// it), or each attribute as its own member ({instanceType: {value: …}}, {groupSet: {items}}).
function instanceAttributeChanges(p: Params): AttributeChange[] {
  if (typeof p.attribute === 'string') return [{ name: p.attribute, value: p.value }];
  return Object.keys(p)
    .filter((k) => k !== 'instanceId')
    .map((name) => {
      const member = p[name];
      const groups = items(member)
        .map((g) => at(g, 'groupId'))
        .filter((g) => typeof g === 'string');
      return { name, value: groups.length ? groups : (at(member, 'value') ?? member) };
    });
}

function describeInstanceAttributeChanges(p: Params): string {
  const instance = text(p, 'instanceId');
  const changes = instanceAttributeChanges(p).map((c) => {
    if (c.name.toLowerCase() === 'userdata') return `replaces the user data of ${instance}`;
    // CloudTrail leaves out some values ("<sensitiveDataRemoved>"): the change is still named.
    const value = c.value === '<sensitiveDataRemoved>' ? undefined : render(c.value, 60);
    return `sets ${render(c.name, 60) ?? '?'} of ${instance}${value === undefined ? '' : ` to ${value}`}`;
  });
  return changes.join('; ') || `changes an attribute of ${instance}`;
}

// Create/ReplaceNetworkAclEntry are logged with aclProtocol, portRange {from, to}, icmpTypeCode
// {type, code} and cidrBlock or ipv6CidrBlock.
const networkAclRange = (p: Params): string =>
  [p.cidrBlock, p.ipv6CidrBlock].find((v): v is string => typeof v === 'string') ?? '?';

function describeNetworkAclEntry(p: Params): string {
  const icmp = ['1', '58', 'icmp', 'icmpv6'].includes(String(p.aclProtocol).toLowerCase());
  const ports = icmp
    ? portRange(p.aclProtocol, at(p, 'icmpTypeCode.type'), at(p, 'icmpTypeCode.code'))
    : portRange(p.aclProtocol, at(p, 'portRange.from'), at(p, 'portRange.to'));
  const action =
    p.ruleAction === 'allow'
      ? 'allows'
      : p.ruleAction === 'deny'
        ? 'denies'
        : text(p, 'ruleAction');
  const direction = p.egress === true || p.egress === 'true' ? 'outbound' : 'inbound';
  const peer = direction === 'outbound' ? 'to' : 'from';
  return `${action} ${direction} ${ports} ${peer} ${sourceText(networkAclRange(p))} in network ACL ${text(p, 'networkAclId')} (rule ${text(p, 'ruleNumber')})`;
}

function networkAclEntryRisk(p: Params): string | undefined {
  return p.ruleAction === 'allow'
    ? openingRisk([networkAclRange(p)], 'network ACL allows')
    : undefined;
}

function describeRunInstances(p: Params): string {
  const first = items(p.instancesSet)[0];
  const count = render(at(first, 'maxCount') ?? at(first, 'minCount')) ?? '1';
  return `launches ${count} × ${text(p, 'instanceType')} instance(s) from ${text(first, 'imageId', text(p, 'imageId'))}${p.userData ? ' with user data' : ''}`;
}

// The EC2 query API logs DeleteFlowLogs as {DeleteFlowLogsRequest:{FlowLogId:{content,tag}|[…]}}.
function flowLogIds(p: Params): string {
  const raw = at(p, 'DeleteFlowLogsRequest.FlowLogId') ?? p.flowLogIds ?? p.flowLogId;
  const list = Array.isArray(raw) ? raw : [raw];
  return (
    list
      .map((v) => (typeof v === 'string' ? v : at(v, 'content')))
      .filter((v) => typeof v === 'string')
      .join(', ') || '?'
  );
}

/** "i-1, i-2" from an EC2 list ({items:[{instanceId}]}) at a path. */
function ids(p: Params, listPath: string, field: string): string {
  const list = at(p, listPath);
  const values = field ? items(list).map((i) => at(i, field)) : Array.isArray(list) ? list : [list];
  return values.filter((v) => typeof v === 'string').join(', ') || '?';
}

export const EC2_INSTANCE_CONNECT: ServiceCatalog = {
  SendSSHPublicKey: {
    does: (p) =>
      `pushes an SSH key for OS user ${text(p, 'instanceOSUser')} to ${text(p, 'instanceId')}`,
    key: ['instanceId', 'instanceOSUser'],
    risky: 'SSH access granted to an instance (lateral movement)',
  },
  SendSerialConsoleSSHPublicKey: {
    does: (p) => `pushes an SSH key for the serial console of ${text(p, 'instanceId')}`,
    key: ['instanceId', 'serialPort'],
    risky: 'serial console access to an instance (lateral movement)',
  },
};

export const KMS: ServiceCatalog = {
  Decrypt: {
    does: (p) => `decrypts data${p.keyId ? ` with key ${text(p, 'keyId')}` : ''}`,
    key: ['keyId', 'encryptionAlgorithm', 'encryptionContext'],
  },
  Encrypt: { does: (p) => `encrypts data with key ${text(p, 'keyId')}`, key: ['keyId'] },
  GenerateDataKey: {
    does: (p) => `generates a data key under ${text(p, 'keyId')}`,
    key: ['keyId', 'keySpec'],
  },
  CreateKey: {
    does: (p) => `creates a ${text(p, 'keySpec', 'symmetric')} KMS key`,
    key: ['keySpec', 'keyUsage', 'origin'],
  },
  DisableKey: {
    does: (p) => `disables KMS key ${text(p, 'keyId')}`,
    key: ['keyId'],
    risky: 'KMS key disabled (data encrypted under it becomes unreadable)',
  },
  ScheduleKeyDeletion: {
    does: (p) =>
      `schedules KMS key ${text(p, 'keyId')} for deletion in ${text(p, 'pendingWindowInDays', '30')} days`,
    key: ['keyId', 'pendingWindowInDays'],
    risky: 'KMS key scheduled for deletion (data loss)',
  },
  PutKeyPolicy: {
    does: (p) => `replaces the key policy of ${text(p, 'keyId')}`,
    key: ['keyId', 'policyName'],
    risky: (p, r) => resourcePolicyRisk('key policy', p.policy, r, 'key policy allows everyone'),
  },
  CreateGrant: {
    does: (p) =>
      `grants ${text(p, 'granteePrincipal')} use of key ${text(p, 'keyId')} (${text(p, 'operations')})`,
    key: ['keyId', 'granteePrincipal', 'operations', 'retiringPrincipal'],
    risky: (p, r) => crossAccountRisk('key grant', [p.granteePrincipal], r),
  },
};

interface TrailChange {
  does: string;
  /** How the change weakens what the trail logs or who can read and trust it. */
  risk?: string;
}

// What an UpdateTrail request changes. A parameter left out keeps its setting; an empty
// string for the key or the log group takes that setting away.
function trailChanges(p: Params, record: CloudTrailRecord): TrailChange[] {
  const out: TrailChange[] = [];
  if (typeof p.s3BucketName === 'string' && p.s3BucketName)
    out.push({
      does: `now delivers to s3://${text(p, 's3BucketName')}`,
      risk: 'log files redirected to another bucket',
    });
  if (p.kmsKeyId === '')
    out.push({
      does: 'log files no longer encrypted with a KMS key',
      risk: 'log encryption removed',
    });
  else if (p.kmsKeyId !== undefined) {
    const foreign = foreignAccounts([String(p.kmsKeyId)], record);
    out.push({
      does: `log files now encrypted with key ${text(p, 'kmsKeyId')}`,
      risk: `log encryption key changed${foreign.length ? ` to a key of another account (${foreign.join(', ')})` : ''} (whoever controls the key can make the logs unreadable)`,
    });
  }
  if (p.cloudWatchLogsLogGroupArn === '')
    out.push({
      does: 'stops sending events to CloudWatch Logs',
      risk: 'CloudWatch Logs delivery removed (alarms on the trail go silent)',
    });
  else if (p.cloudWatchLogsLogGroupArn !== undefined)
    out.push({
      does: `now sends events to CloudWatch Logs group ${text(p, 'cloudWatchLogsLogGroupArn')}`,
      risk: 'CloudWatch Logs destination changed (alarms on the old log group go silent)',
    });
  if (p.isMultiRegionTrail === false)
    out.push({ does: 'logs this Region only', risk: 'other Regions no longer logged' });
  if (p.includeGlobalServiceEvents === false)
    out.push({
      does: 'global service events (IAM, STS, CloudFront) EXCLUDED',
      risk: 'global service events no longer logged',
    });
  if (p.enableLogFileValidation === false)
    out.push({
      does: 'log file validation OFF',
      risk: 'log file validation turned off (changes to log files go undetected)',
    });
  if (p.isOrganizationTrail === false)
    out.push({
      does: 'no longer an organization trail',
      risk: 'member accounts no longer logged by this trail',
    });
  return out;
}

export const CLOUDTRAIL: ServiceCatalog = {
  StopLogging: {
    does: (p) => `stops logging on trail ${text(p, 'name')}`,
    key: ['name'],
    risky: 'CloudTrail logging stopped',
  },
  StartLogging: { does: (p) => `starts logging on trail ${text(p, 'name')}`, key: ['name'] },
  DeleteTrail: {
    does: (p) => `deletes trail ${text(p, 'name')}`,
    key: ['name'],
    risky: 'trail deleted (logging stopped)',
  },
  CreateTrail: {
    does: (p) => `creates trail ${text(p, 'name')} delivering to s3://${text(p, 's3BucketName')}`,
    key: ['name', 's3BucketName', 'isMultiRegionTrail', 'isOrganizationTrail'],
  },
  UpdateTrail: {
    does: (p, r) => {
      const changes = trailChanges(p, r).map((c) => c.does);
      return `changes trail ${text(p, 'name')}${changes.length ? `: ${changes.join('; ')}` : ''}`;
    },
    key: [
      'name',
      's3BucketName',
      'isMultiRegionTrail',
      'includeGlobalServiceEvents',
      'enableLogFileValidation',
      'kmsKeyId',
      'cloudWatchLogsLogGroupArn',
      'cloudWatchLogsRoleArn',
      'isOrganizationTrail',
    ],
    risky: (p, r) => {
      const risks = trailChanges(p, r).flatMap((c) => (c.risk ? [c.risk] : []));
      return risks.length ? risks.join('; ') : undefined;
    },
  },
  PutEventSelectors: {
    does: (p) => `changes event selectors of ${text(p, 'trailName')}: ${selectorsSummary(p)}`,
    key: ['trailName', 'eventSelectors', 'advancedEventSelectors'],
    risky: 'event selectors changed (events may no longer be logged)',
  },
  PutInsightSelectors: {
    does: (p) => {
      const selectors = p.insightSelectors;
      if (!Array.isArray(selectors)) return `changes Insights selectors of ${text(p, 'trailName')}`;
      if (!selectors.length) return `turns Insights off on ${text(p, 'trailName')}`;
      const types = render(selectors.map((s) => at(s, 'insightType')));
      return `sets Insights of ${text(p, 'trailName')} to ${types ?? '?'}`;
    },
    key: ['trailName', 'insightSelectors'],
    // An empty list of selectors is how the API turns Insights off.
    risky: (p) =>
      Array.isArray(p.insightSelectors) && !p.insightSelectors.length
        ? 'CloudTrail Insights turned off (unusual API call and error rates no longer detected)'
        : undefined,
  },
  DeleteEventDataStore: {
    does: (p) => `deletes CloudTrail Lake event data store ${text(p, 'eventDataStore')}`,
    key: ['eventDataStore'],
    risky: 'event data store deleted',
  },
  StopEventDataStoreIngestion: {
    does: (p) => `stops ingestion into event data store ${text(p, 'eventDataStore')}`,
    key: ['eventDataStore'],
    risky: 'CloudTrail Lake ingestion stopped',
  },
};

export const LAMBDA: ServiceCatalog = {
  CreateFunction: {
    does: (p) =>
      `creates function ${text(p, 'functionName')} (${text(p, 'runtime')}) with role ${text(p, 'role')}`,
    key: ['functionName', 'runtime', 'role', 'handler'],
  },
  UpdateFunctionCode: {
    does: (p) => `replaces the code of function ${text(p, 'functionName')}`,
    key: ['functionName', 'publish'],
    risky: 'function code replaced',
  },
  UpdateFunctionConfiguration: {
    does: (p) =>
      `changes the configuration of ${text(p, 'functionName')}${p.layers ? ` (layers: ${text(p, 'layers')})` : ''}`,
    key: ['functionName', 'layers', 'role', 'handler'],
    risky: (p) => (p.layers ? 'layers changed (code injected into the function)' : undefined),
  },
  AddPermission: {
    does: (p) =>
      `lets ${text(p, 'principal')} ${text(p, 'action')} on ${text(p, 'functionName')}${lambdaPermissionScope(p)}`,
    key: ['functionName', 'principal', 'action', 'sourceArn', 'sourceAccount', 'principalOrgID'],
    risky: lambdaPermissionRisk,
  },
  DeleteFunction: {
    does: (p) => `deletes function ${text(p, 'functionName')}`,
    key: ['functionName'],
  },
  CreateFunctionUrlConfig: {
    does: (p) =>
      `creates a public URL for ${text(p, 'functionName')} (auth ${text(p, 'authType')})`,
    key: ['functionName', 'authType'],
    risky: (p) => (p.authType === 'NONE' ? 'function URL without authentication' : undefined),
  },
  PublishLayerVersion: {
    does: (p) => `publishes layer ${text(p, 'layerName')}`,
    key: ['layerName'],
  },
  AddLayerVersionPermission: {
    does: (p) => `shares layer ${text(p, 'layerName')} with ${text(p, 'principal')}`,
    key: ['layerName', 'principal'],
    risky: (p, r) =>
      p.principal === '*'
        ? 'layer shared with everyone'
        : crossAccountRisk('layer permission', [p.principal], r),
  },
  Invoke: { does: (p) => `invokes function ${text(p, 'functionName')}`, key: ['functionName'] },
};

export const SECRETS_MANAGER: ServiceCatalog = {
  GetSecretValue: {
    does: (p) => `reads secret ${text(p, 'secretId')}`,
    key: ['secretId', 'versionStage'],
    risky: 'secret value read (credential access)',
  },
  BatchGetSecretValue: {
    does: (p) =>
      `reads secrets ${p.secretIdList ? text(p, 'secretIdList') : `matching ${text(p, 'filters')}`}`,
    key: ['secretIdList', 'filters'],
    risky: 'many secret values read at once (credential access)',
  },
  ListSecrets: { does: () => 'lists secrets', key: ['filters'] },
  CreateSecret: { does: (p) => `creates secret ${text(p, 'name')}`, key: ['name', 'kmsKeyId'] },
  PutSecretValue: {
    does: (p) => `writes a new value of secret ${text(p, 'secretId')}`,
    key: ['secretId'],
  },
  DeleteSecret: {
    does: (p) =>
      `deletes secret ${text(p, 'secretId')}${p.forceDeleteWithoutRecovery === true ? ' immediately (no recovery)' : ''}`,
    key: ['secretId', 'recoveryWindowInDays', 'forceDeleteWithoutRecovery'],
    risky: 'secret deleted',
  },
  PutResourcePolicy: {
    does: (p) => `sets the resource policy of secret ${text(p, 'secretId')}`,
    key: ['secretId'],
    risky: (p, r) =>
      resourcePolicyRisk(
        'secret resource policy',
        p.resourcePolicy,
        r,
        'secret readable by everyone',
      ),
  },
};

export const ECR: ServiceCatalog = {
  SetRepositoryPolicy: {
    does: (p) => `sets the policy of repository ${text(p, 'repositoryName')}`,
    key: ['repositoryName', 'registryId', 'force'],
    risky: (p, r) =>
      resourcePolicyRisk(
        'repository policy',
        p.policyText,
        r,
        'repository policy allows everyone (images public)',
      ),
  },
};

export const SNS: ServiceCatalog = {
  SetTopicAttributes: {
    does: (p) => `sets ${text(p, 'attributeName')} of topic ${text(p, 'topicArn')}`,
    key: ['topicArn', 'attributeName'],
    risky: (p, r) =>
      p.attributeName === 'Policy'
        ? resourcePolicyRisk('topic policy', p.attributeValue, r, 'topic policy allows everyone')
        : undefined,
  },
  AddPermission: {
    does: (p) =>
      `lets accounts ${render(listParam(p, ['aWSAccountId', 'AWSAccountId'])) ?? '?'} ${render(listParam(p, ['actionName', 'ActionName'])) ?? '?'} on topic ${text(p, 'topicArn')}`,
    key: ['topicArn', 'label', 'aWSAccountId', 'actionName'],
    risky: (p, r) =>
      crossAccountRisk('topic permission', listParam(p, ['aWSAccountId', 'AWSAccountId']), r),
  },
};

export const SQS: ServiceCatalog = {
  SetQueueAttributes: {
    does: (p) => {
      const attributes = at(p, 'attributes');
      const names =
        attributes && typeof attributes === 'object' ? render(Object.keys(attributes)) : undefined;
      return `sets ${names ?? 'attributes'} of queue ${text(p, 'queueUrl')}`;
    },
    key: ['queueUrl'],
    risky: (p, r) => {
      const policy = at(p, 'attributes.Policy');
      return policy === undefined
        ? undefined
        : resourcePolicyRisk('queue policy', policy, r, 'queue policy allows everyone');
    },
  },
  AddPermission: {
    does: (p) =>
      `lets accounts ${render(listParam(p, ['aWSAccountIds', 'AWSAccountIds', 'aWSAccountId'])) ?? '?'} ${render(listParam(p, ['actions', 'Actions', 'actionName'])) ?? '?'} on queue ${text(p, 'queueUrl')}`,
    key: ['queueUrl', 'label', 'aWSAccountIds', 'actions'],
    risky: (p, r) =>
      crossAccountRisk(
        'queue permission',
        listParam(p, ['aWSAccountIds', 'AWSAccountIds', 'aWSAccountId']),
        r,
      ),
  },
};

export const SSM: ServiceCatalog = {
  GetParameter: {
    does: (p) =>
      `reads parameter ${text(p, 'name')}${p.withDecryption === true ? ' (decrypted)' : ''}`,
    key: ['name', 'withDecryption'],
    risky: (p) =>
      p.withDecryption === true ? 'SecureString read in clear (credential access)' : undefined,
  },
  GetParameters: {
    does: (p) =>
      `reads parameters ${text(p, 'names')}${p.withDecryption === true ? ' (decrypted)' : ''}`,
    key: ['names', 'withDecryption'],
    risky: (p) =>
      p.withDecryption === true ? 'SecureStrings read in clear (credential access)' : undefined,
  },
  GetParametersByPath: {
    does: (p) =>
      `reads every parameter under ${text(p, 'path')}${p.withDecryption === true ? ' (decrypted)' : ''}`,
    key: ['path', 'recursive', 'withDecryption'],
    risky: (p) =>
      p.withDecryption === true ? 'SecureStrings read in clear (credential access)' : undefined,
  },
  DescribeParameters: { does: () => 'lists parameters', key: [] },
  PutParameter: {
    does: (p) => `writes parameter ${text(p, 'name')} (${text(p, 'type')})`,
    key: ['name', 'type', 'overwrite'],
  },
  DeleteParameter: { does: (p) => `deletes parameter ${text(p, 'name')}`, key: ['name'] },
  SendCommand: {
    does: (p) => `runs ${text(p, 'documentName')} on ${text(p, 'instanceIds', text(p, 'targets'))}`,
    key: ['documentName', 'instanceIds', 'targets'],
    risky: 'commands executed on instances',
  },
  StartSession: {
    does: (p) => `opens a Session Manager shell on ${text(p, 'target')}`,
    key: ['target', 'documentName'],
    risky: 'interactive shell on an instance',
  },
  TerminateSession: { does: (p) => `ends session ${text(p, 'sessionId')}`, key: ['sessionId'] },
  GetCommandInvocation: {
    does: (p) => `reads the output of command ${text(p, 'commandId')} on ${text(p, 'instanceId')}`,
    key: ['commandId', 'instanceId'],
  },
  DescribeInstanceInformation: { does: () => 'lists managed instances', key: [] },
};

export const ORGANIZATIONS: ServiceCatalog = {
  LeaveOrganization: {
    does: () => 'removes this account from its AWS Organization',
    key: [],
    risky: 'account left the organization (escapes SCPs and org trails)',
  },
  RemoveAccountFromOrganization: {
    does: (p) => `removes account ${text(p, 'accountId')} from the organization`,
    key: ['accountId'],
    risky: 'account removed from the organization',
  },
  CreateAccount: {
    does: (p) => `creates member account ${text(p, 'accountName')} (${text(p, 'email')})`,
    key: ['accountName', 'email'],
  },
  InviteAccountToOrganization: {
    does: (p) => `invites ${text(p, 'target.id')} into the organization`,
    key: ['target'],
  },
  AttachPolicy: {
    does: (p) => `attaches organization policy ${text(p, 'policyId')} to ${text(p, 'targetId')}`,
    key: ['policyId', 'targetId'],
  },
  DetachPolicy: {
    does: (p) => `detaches organization policy ${text(p, 'policyId')} from ${text(p, 'targetId')}`,
    key: ['policyId', 'targetId'],
    risky: 'service control policy removed (guardrail lifted)',
  },
  DeletePolicy: {
    does: (p) => `deletes organization policy ${text(p, 'policyId')}`,
    key: ['policyId'],
    risky: 'organization policy deleted',
  },
};

export const GUARDDUTY: ServiceCatalog = {
  DeleteDetector: {
    does: (p) => `deletes GuardDuty detector ${text(p, 'detectorId')}`,
    key: ['detectorId'],
    risky: 'GuardDuty disabled',
  },
  UpdateDetector: {
    does: (p) =>
      `changes detector ${text(p, 'detectorId')}${p.enable === false ? ' (DISABLES it)' : ''}`,
    key: ['detectorId', 'enable', 'findingPublishingFrequency'],
    risky: (p) => (p.enable === false ? 'GuardDuty disabled' : undefined),
  },
  CreateIPSet: {
    does: (p) => `adds trusted IP list ${text(p, 'name')} from ${text(p, 'location')}`,
    key: ['detectorId', 'name', 'location', 'activate'],
    risky: 'trusted IP list: GuardDuty stops alerting on these addresses',
  },
  UpdateIPSet: {
    does: (p) => `changes trusted IP list ${text(p, 'ipSetId')}`,
    key: ['detectorId', 'ipSetId', 'location'],
    risky: 'trusted IP list changed',
  },
  CreateFilter: {
    does: (p) => `creates finding filter ${text(p, 'name')} with action ${text(p, 'action')}`,
    key: ['detectorId', 'name', 'action'],
    risky: (p) => (p.action === 'ARCHIVE' ? 'findings auto-archived (suppressed)' : undefined),
  },
  DisassociateFromMasterAccount: {
    does: () => 'disconnects from the GuardDuty administrator account',
    key: ['detectorId'],
    risky: 'findings no longer reach the administrator account',
  },
  DeletePublishingDestination: {
    does: (p) => `stops exporting findings (${text(p, 'destinationId')})`,
    key: ['detectorId', 'destinationId'],
    risky: 'findings export removed',
  },
  DisassociateMembers: {
    does: (p) => `disconnects member accounts ${text(p, 'accountIds')} from GuardDuty`,
    key: ['detectorId', 'accountIds'],
    risky: 'member accounts no longer monitored by GuardDuty',
  },
  DeleteMembers: {
    does: (p) => `removes member accounts ${text(p, 'accountIds')} from GuardDuty`,
    key: ['detectorId', 'accountIds'],
    risky: 'member accounts no longer monitored by GuardDuty',
  },
  StopMonitoringMembers: {
    does: (p) => `stops GuardDuty monitoring of member accounts ${text(p, 'accountIds')}`,
    key: ['detectorId', 'accountIds'],
    risky: 'member accounts no longer monitored by GuardDuty',
  },
};

// ModifyDBSnapshotAttribute and ModifyDBClusterSnapshotAttribute share a snapshot by adding
// account ids, or "all" (public), to its "restore" attribute.
function describeDbSnapshotShare(p: Params, what: string, idPath: string): string {
  const added = render(p.valuesToAdd);
  return `changes ${text(p, 'attributeName')} of ${what} ${text(p, idPath)}${added ? `: adds ${added}` : ''}`;
}

function dbSnapshotShareRisk(p: Params, what: string): string | undefined {
  const added = (Array.isArray(p.valuesToAdd) ? p.valuesToAdd : []).filter(
    (v): v is string => typeof v === 'string',
  );
  if (added.includes('all')) return `${what} made public`;
  return added.length ? `${what} shared with another account (${added.join(', ')})` : undefined;
}

export const RDS: ServiceCatalog = {
  ModifyDBSnapshotAttribute: {
    does: (p) => describeDbSnapshotShare(p, 'snapshot', 'dBSnapshotIdentifier'),
    key: ['dBSnapshotIdentifier', 'attributeName', 'valuesToAdd'],
    risky: (p) => dbSnapshotShareRisk(p, 'DB snapshot'),
  },
  ModifyDBClusterSnapshotAttribute: {
    does: (p) => describeDbSnapshotShare(p, 'cluster snapshot', 'dBClusterSnapshotIdentifier'),
    key: ['dBClusterSnapshotIdentifier', 'attributeName', 'valuesToAdd'],
    risky: (p) => dbSnapshotShareRisk(p, 'DB cluster snapshot'),
  },
  ModifyDBInstance: {
    does: (p) =>
      `changes DB instance ${text(p, 'dBInstanceIdentifier')}${p.masterUserPassword ? ' (master password reset)' : ''}${p.publiclyAccessible === true ? ' (made publicly accessible)' : ''}`,
    key: ['dBInstanceIdentifier', 'publiclyAccessible', 'backupRetentionPeriod'],
    risky: (p) =>
      p.publiclyAccessible === true
        ? 'database made publicly accessible'
        : p.masterUserPassword
          ? 'master password reset'
          : undefined,
  },
  DeleteDBInstance: {
    does: (p) =>
      `deletes DB instance ${text(p, 'dBInstanceIdentifier')}${p.skipFinalSnapshot === true ? ' without a final snapshot' : ''}`,
    key: ['dBInstanceIdentifier', 'skipFinalSnapshot'],
    risky: 'database deleted',
  },
};

export const CONFIG: ServiceCatalog = {
  StopConfigurationRecorder: {
    does: (p) => `stops AWS Config recorder ${text(p, 'configurationRecorderName')}`,
    key: ['configurationRecorderName'],
    risky: 'AWS Config recording stopped',
  },
  DeleteDeliveryChannel: {
    does: (p) => `deletes AWS Config delivery channel ${text(p, 'deliveryChannelName')}`,
    key: ['deliveryChannelName'],
    risky: 'AWS Config delivery stopped',
  },
  DeleteConfigurationRecorder: {
    does: (p) => `deletes AWS Config recorder ${text(p, 'configurationRecorderName')}`,
    key: ['configurationRecorderName'],
    risky: 'AWS Config recorder deleted (recording stopped)',
  },
  DeleteConfigRule: {
    does: (p) => `deletes AWS Config rule ${text(p, 'configRuleName')}`,
    key: ['configRuleName'],
    risky: 'AWS Config rule deleted (a compliance check removed)',
  },
};

// Security Hub logs its request members as the API names them (capitalised).
export const SECURITY_HUB: ServiceCatalog = {
  DisableSecurityHub: {
    does: () => 'disables Security Hub in this account and Region',
    key: [],
    risky: 'Security Hub disabled',
  },
  BatchDisableStandards: {
    does: (p) =>
      `disables Security Hub standards ${text(p, 'StandardsSubscriptionArns', text(p, 'standardsSubscriptionArns'))}`,
    key: ['StandardsSubscriptionArns', 'standardsSubscriptionArns'],
    risky: 'Security Hub standards disabled',
  },
};

export const ROUTE53_RESOLVER: ServiceCatalog = {
  DeleteResolverQueryLogConfig: {
    does: (p) => `deletes DNS query logging config ${text(p, 'resolverQueryLogConfigId')}`,
    key: ['resolverQueryLogConfigId'],
    risky: 'DNS query logging deleted',
  },
};

export const ROLES_ANYWHERE: ServiceCatalog = {
  CreateTrustAnchor: {
    does: (p) =>
      `creates IAM Roles Anywhere trust anchor ${text(p, 'name')} (${text(p, 'source.sourceType', 'certificate bundle')})`,
    key: ['name', 'enabled', 'source.sourceType'],
    risky: 'external certificate authority trusted to get role credentials (persistence)',
  },
  CreateProfile: {
    does: (p) => `creates IAM Roles Anywhere profile ${text(p, 'name')} for ${text(p, 'roleArns')}`,
    key: ['name', 'roleArns', 'durationSeconds'],
    risky: 'roles made assumable from outside AWS with certificates (persistence)',
  },
};

export const BEDROCK: ServiceCatalog = {
  InvokeModel: {
    does: (p) => `invokes model ${text(p, 'modelId')}`,
    key: ['modelId'],
    api: 'InvokeModel',
  },
  PutFoundationModelEntitlement: {
    does: (p) => `enables access to model ${text(p, 'modelId')}`,
    key: ['modelId'],
    risky: 'model access enabled (LLMjacking pattern)',
  },
};

/** Every catalogue, keyed by service (the eventSource without ".amazonaws.com"). */
export const EVENT_CATALOG = lookupTable<ServiceCatalog>({
  iam: IAM,
  sts: STS,
  signin: SIGNIN,
  s3: S3,
  's3-control': ACCOUNT_PUBLIC_ACCESS_BLOCK,
  ec2: EC2,
  'ec2-instance-connect': EC2_INSTANCE_CONNECT,
  kms: KMS,
  cloudtrail: CLOUDTRAIL,
  lambda: LAMBDA,
  secretsmanager: SECRETS_MANAGER,
  ecr: ECR,
  sns: SNS,
  sqs: SQS,
  ssm: SSM,
  organizations: ORGANIZATIONS,
  guardduty: GUARDDUTY,
  rds: RDS,
  config: CONFIG,
  securityhub: SECURITY_HUB,
  route53resolver: ROUTE53_RESOLVER,
  rolesanywhere: ROLES_ANYWHERE,
  bedrock: BEDROCK,
});

// API reference pages per service; "{api}" is replaced by the operation name.
export const API_REFERENCE = lookupTable<string>({
  iam: 'https://docs.aws.amazon.com/IAM/latest/APIReference/API_{api}.html',
  sts: 'https://docs.aws.amazon.com/STS/latest/APIReference/API_{api}.html',
  signin:
    'https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-aws-console-sign-in-events.html',
  s3: 'https://docs.aws.amazon.com/AmazonS3/latest/API/API_{api}.html',
  's3-control': 'https://docs.aws.amazon.com/AmazonS3/latest/API/API_{api}.html',
  ec2: 'https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_{api}.html',
  'ec2-instance-connect':
    'https://docs.aws.amazon.com/ec2-instance-connect/latest/APIReference/API_{api}.html',
  kms: 'https://docs.aws.amazon.com/kms/latest/APIReference/API_{api}.html',
  cloudtrail: 'https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_{api}.html',
  lambda: 'https://docs.aws.amazon.com/lambda/latest/api/API_{api}.html',
  secretsmanager: 'https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_{api}.html',
  ssm: 'https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_{api}.html',
  organizations: 'https://docs.aws.amazon.com/organizations/latest/APIReference/API_{api}.html',
  guardduty: 'https://docs.aws.amazon.com/guardduty/latest/APIReference/API_{api}.html',
  rds: 'https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_{api}.html',
  config: 'https://docs.aws.amazon.com/config/latest/APIReference/API_{api}.html',
  route53resolver:
    'https://docs.aws.amazon.com/Route53/latest/APIReference/API_route53resolver_{api}.html',
  dynamodb: 'https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_{api}.html',
  sns: 'https://docs.aws.amazon.com/sns/latest/api/API_{api}.html',
  sqs: 'https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_{api}.html',
  ecr: 'https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_{api}.html',
  ecs: 'https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_{api}.html',
  eks: 'https://docs.aws.amazon.com/eks/latest/APIReference/API_{api}.html',
  logs: 'https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_{api}.html',
  monitoring: 'https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_{api}.html',
  cloudformation:
    'https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_{api}.html',
  bedrock: 'https://docs.aws.amazon.com/bedrock/latest/APIReference/API_Operations.html',
  rolesanywhere: 'https://docs.aws.amazon.com/rolesanywhere/latest/APIReference/API_{api}.html',
  sso: 'https://docs.aws.amazon.com/singlesignon/latest/PortalAPIReference/API_{api}.html',
  'sso-oidc': 'https://docs.aws.amazon.com/singlesignon/latest/OIDCAPIReference/API_{api}.html',
  macie2: 'https://docs.aws.amazon.com/macie/latest/APIReference/operation-list.html',
  securityhub: 'https://docs.aws.amazon.com/securityhub/1.0/APIReference/API_{api}.html',
});
