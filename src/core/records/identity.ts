// Who acted, in plain words: one line per userIdentity for code lenses and the timeline's
// detail pane, plus the facts behind it. Field semantics follow the CloudTrail User Guide,
// "CloudTrail userIdentity element":
// https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-user-identity.html
import { instantOf } from '../query/time';
import { accessKeyKind, parseArn } from './decoders';
import type { CloudTrailRecord, UserIdentity } from './types';
import { formatEventTime } from '../time';
import { cellText } from '../output/visibleText';

export type IdentityRisk = 'high' | 'medium' | 'low';

export interface IdentityFact {
  label: string;
  value: string;
}

export interface IdentityDescription {
  /** One line, e.g. "Assumed role Admin (session alice) · MFA: no · via console". */
  summary: string;
  /** high: root or root-equivalent, anonymous callers; medium: long-term keys, foreign principals; low: AWS services. */
  risk: IdentityRisk | undefined;
  /** Why the risk was given, when there is one. */
  riskReason?: string;
  /** The userIdentity.type as written (or "missing"). */
  type: string;
  /** The ARN that names who acted (the session ARN for assumed roles), when known. */
  arn?: string;
  /** For sessions: the ARN of the role or user that issued them. */
  issuerArn?: string;
  accessKeyId?: string;
  accessKeyKind?: 'long-term' | 'temporary';
  accountId?: string;
  /** true/false when the session records whether MFA was used. */
  mfa?: boolean;
  viaConsole?: boolean;
  /** Labelled details for a tooltip or detail pane. */
  facts: IdentityFact[];
  /** Where the userIdentity contradicts itself (identityConflicts); the summary says so too. */
  conflicts: string[];
}

type Context = Pick<
  CloudTrailRecord,
  'sessionCredentialFromConsole' | 'recipientAccountId' | 'eventName' | 'additionalEventData'
>;

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v.length > 0 ? v : undefined;
}

/** The last path segment of an ARN resource ("role/path/Admin" → "Admin"). */
function lastSegment(arn: string | undefined): string | undefined {
  if (!arn) return undefined;
  const resource = parseArn(arn)?.resource;
  if (!resource) return undefined;
  const parts = resource.split('/');
  return parts[parts.length - 1] || undefined;
}

/** Role and session names from an assumed-role ARN "…:assumed-role/Role/Session". */
function assumedRoleParts(arn: string | undefined): { role?: string; session?: string } {
  const resource = arn ? parseArn(arn)?.resource : undefined;
  const m = resource ? /^assumed-role\/(.+)\/([^/]+)$/.exec(resource) : null;
  return m ? { role: m[1].split('/').pop(), session: m[2] } : {};
}

/** The user name of an IAM user's ARN ("…:user/path/alice" → "alice"), else undefined. */
function arnUserName(arn: string | undefined): string | undefined {
  const resource = arn ? parseArn(arn)?.resource : undefined;
  return resource?.startsWith('user/') ? lastSegment(arn) : undefined;
}

/** The userIdentity fields a name is read from (as stored; anything but a non-empty string is absent). */
export interface IdentityNameFields {
  arn?: unknown;
  userName?: unknown;
  /** userIdentity.sessionContext.sessionIssuer.userName */
  issuerUserName?: unknown;
  principalId?: unknown;
}

/**
 * The names one userIdentity gives, read in one order for every view (the Principal column and
 * facet, the CLI's `principal`, "Who", the pivots, the origin): the ARN first, since it is what
 * the Principal facet groups by, what `principal:`, `arn:` and the pivots match and what the
 * credential chains follow; then userName, the session issuer's userName and the session part of
 * principalId, where the ARN does not say. CloudTrail writes them all from one identity; when a
 * record's disagree, identityConflicts says so.
 */
export function identityNames(f: IdentityNameFields): {
  /** An IAM user's name. */
  user?: string;
  /** An assumed role's name. */
  role?: string;
  /** A role session's name. */
  session?: string;
} {
  const arn = str(f.arn);
  const fromArn = assumedRoleParts(arn);
  const principalId = str(f.principalId);
  return {
    user: arnUserName(arn) ?? str(f.userName),
    role: fromArn.role ?? str(f.issuerUserName),
    session:
      fromArn.session ??
      (principalId?.includes(':') ? principalId.slice(principalId.indexOf(':') + 1) : undefined),
  };
}

/** What a consistency check reads of a userIdentity, besides the names (as stored; non-strings are absent). */
export interface IdentityCheckFields extends IdentityNameFields {
  type?: unknown;
  accountId?: unknown;
  accessKeyId?: unknown;
  /** userIdentity.sessionContext.sessionIssuer.arn */
  issuerArn?: unknown;
}

/** The ARN resource form each identity type is written with (CloudTrail userIdentity element). */
// A Map: the type is log content ("constructor", "__proto__").
const ARN_FORMS = new Map<string, { test: (resource: string) => boolean; form: string }>([
  ['IAMUser', { test: (r) => r.startsWith('user/'), form: 'user/…' }],
  ['AssumedRole', { test: (r) => r.startsWith('assumed-role/'), form: 'assumed-role/…' }],
  ['FederatedUser', { test: (r) => r.startsWith('federated-user/'), form: 'federated-user/…' }],
  ['Root', { test: (r) => r === 'root', form: 'root' }],
]);

/**
 * Where a userIdentity contradicts itself, one sentence each; [] for every record CloudTrail
 * writes. CloudTrail fills these fields from the one identity that made the call (User Guide,
 * "CloudTrail userIdentity element"): an IAM user's userName is the last part of its ARN;
 * accountId is the ARN's account; an assumed role's ARN is assumed-role/<role>/<session>, with
 * the role named by sessionContext.sessionIssuer (userName, ARN, account) and the session after
 * the colon of principalId (AROA…:<session>), as a federated user's name is
 * (<account>:<name>); the type matches the ARN's form (user/, assumed-role/, federated-user/,
 * root); and a session's key is temporary (ASIA…), never a long-term AKIA… key (IAM User
 * Guide, "IAM identifiers"). A record that breaks one was edited or forged, and the views name
 * the principal by its ARN (identityNames) while a filter on the other field still matches it.
 * Names are compared ignoring case, as IAM does. Only fields that are present are compared.
 */
export function identityConflicts(f: IdentityCheckFields): string[] {
  const out: string[] = [];
  const type = str(f.type);
  const arn = str(f.arn);
  const parsed = arn ? parseArn(arn) : undefined;
  const expected = type ? ARN_FORMS.get(type) : undefined;
  if (!expected || !parsed) return out;
  const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
  const { form, test } = expected;
  if (!test(parsed.resource))
    out.push(`type is ${type}, but the ARN ${arn} is not of the form ${form}`);
  const accountId = str(f.accountId);
  if (accountId && parsed.accountId && accountId !== parsed.accountId)
    out.push(`accountId is ${accountId}, but the ARN is in account ${parsed.accountId}`);
  const userName = str(f.userName);
  const arnUser = arnUserName(arn);
  // A failed console sign-in of an unknown user writes this in place of the name typed.
  if (
    type === 'IAMUser' &&
    userName &&
    userName !== 'HIDDEN_DUE_TO_SECURITY_REASONS' &&
    arnUser &&
    !same(userName, arnUser)
  )
    out.push(`userName is ${userName}, but the ARN names user ${arnUser}`);
  const principalId = str(f.principalId);
  const afterColon = principalId?.includes(':')
    ? principalId.slice(principalId.indexOf(':') + 1)
    : undefined;
  if (type === 'AssumedRole') {
    const { role, session } = assumedRoleParts(arn);
    const issuerUserName = str(f.issuerUserName);
    const issuerArn = str(f.issuerArn);
    const issuer = issuerArn ? parseArn(issuerArn) : undefined;
    const issuerRole = issuer?.resource.startsWith('role/') ? lastSegment(issuerArn) : undefined;
    if (role && issuerUserName && !same(role, issuerUserName))
      out.push(`sessionIssuer.userName is ${issuerUserName}, but the ARN names role ${role}`);
    if (role && issuerRole && !same(role, issuerRole))
      out.push(`sessionIssuer.arn names role ${issuerRole}, but the ARN names role ${role}`);
    if (issuer?.accountId && parsed.accountId && issuer.accountId !== parsed.accountId)
      out.push(
        `sessionIssuer.arn is in account ${issuer.accountId}, but the ARN is in account ${parsed.accountId}`,
      );
    if (session && afterColon !== undefined && !same(session, afterColon))
      out.push(`principalId names session ${afterColon}, but the ARN names session ${session}`);
  }
  if (type === 'FederatedUser' && parsed.resource.startsWith('federated-user/')) {
    const name = lastSegment(arn);
    if (name && afterColon !== undefined && !same(name, afterColon))
      out.push(`principalId names ${afterColon}, but the ARN names federated user ${name}`);
  }
  const key = str(f.accessKeyId);
  if ((type === 'AssumedRole' || type === 'FederatedUser') && accessKeyKind(key) === 'long-term')
    out.push(
      `a session (${type}) signed with the long-term key ${key}: session credentials are temporary (ASIA…)`,
    );
  return out;
}

// IAM Identity Center provisions roles named AWSReservedSSO_<PermissionSet>_<hash>, and the
// session name is the Identity Center user name.
function permissionSetOf(roleName: string | undefined): string | undefined {
  const m = roleName ? /^AWSReservedSSO_(.+)_[0-9a-f]{16}$/.exec(roleName) : null;
  return m ? m[1] : undefined;
}

/** The accountId (or principalId) CloudTrail writes for an unauthenticated caller, e.g. an anonymous S3 read. */
export const ANONYMOUS_IDS = ['ANONYMOUS_PRINCIPAL', 'anonymous'] as const;

/**
 * An anonymous, unauthenticated caller: CloudTrail logs it as
 * `{"type":"AWSAccount","principalId":"","accountId":"ANONYMOUS_PRINCIPAL"}` (anonymous S3
 * requests). Compared ignoring case, as the query language's `principal:anonymous` does.
 */
export function isAnonymousIdentity(identity: {
  accountId?: unknown;
  principalId?: unknown;
}): boolean {
  const anonymous = (v: unknown) =>
    typeof v === 'string' && ANONYMOUS_IDS.some((id) => id.toLowerCase() === v.toLowerCase());
  return anonymous(identity.accountId) || anonymous(identity.principalId);
}

/** A creationDate as a time, whichever ISO 8601 form it is in (`20131102T010628Z` in old records). */
function sessionCreated(v: string | undefined): string | undefined {
  if (!v) return undefined;
  const t = instantOf(v);
  return t === undefined ? v : formatEventTime(t);
}

/**
 * Describes who made a request. `record` supplies context outside userIdentity
 * (sessionCredentialFromConsole, recipientAccountId, ConsoleLogin's MFAUsed) and is optional.
 */
export function describeIdentity(
  identity: UserIdentity | null | undefined,
  record?: Context,
): IdentityDescription {
  if (!identity || typeof identity !== 'object' || Array.isArray(identity)) {
    return {
      summary: 'No userIdentity in this record (an AWS-internal or service event)',
      risk: undefined,
      type: 'missing',
      facts: [],
      conflicts: [],
    };
  }
  const type = str(identity.type) ?? 'missing';
  const facts: IdentityFact[] = [];
  // Each fact and the summary is one line (cellText): a name written `alice\nMFA: yes` would
  // otherwise add a fact line of its own to the lens tooltip and the hover.
  const fact = (label: string, value: unknown): void => {
    if (typeof value === 'string' && value) facts.push({ label, value: cellText(value, Infinity) });
  };
  const arn = str(identity.arn);
  const accountId = str(identity.accountId);
  const principalId = str(identity.principalId);
  const userName = str(identity.userName);
  const invokedBy = str(identity.invokedBy);
  const accessKeyId = str(identity.accessKeyId);
  const keyKind = accessKeyKind(accessKeyId);
  const ctx =
    identity.sessionContext && typeof identity.sessionContext === 'object'
      ? identity.sessionContext
      : undefined;
  const issuer =
    ctx?.sessionIssuer && typeof ctx.sessionIssuer === 'object' ? ctx.sessionIssuer : undefined;
  const attrs = ctx?.attributes && typeof ctx.attributes === 'object' ? ctx.attributes : undefined;
  const mfaText = str(attrs?.mfaAuthenticated);
  let mfa = mfaText === 'true' ? true : mfaText === 'false' ? false : undefined;
  // ConsoleLogin records carry MFA use in additionalEventData.MFAUsed ("Yes"/"No").
  const mfaUsed =
    record?.eventName === 'ConsoleLogin'
      ? str((record.additionalEventData as Record<string, unknown> | undefined)?.MFAUsed)
      : undefined;
  if (mfa === undefined && mfaUsed) mfa = mfaUsed === 'Yes';
  const viaConsole =
    record?.sessionCredentialFromConsole === 'true' ||
    record?.eventName === 'ConsoleLogin' ||
    undefined;
  const recipient = str(record?.recipientAccountId);
  const foreignAccount =
    accountId && recipient && accountId !== recipient && !isAnonymousIdentity(identity)
      ? accountId
      : undefined;

  let head: string;
  let risk: IdentityRisk | undefined;
  let riskReason: string | undefined;
  let issuerArn: string | undefined;
  const medium = (reason: string): void => {
    if (!risk) {
      risk = 'medium';
      riskReason = reason;
    }
  };

  if (isAnonymousIdentity(identity)) {
    head = 'Anonymous caller: an unauthenticated request with no AWS credentials';
    risk = 'high';
    riskReason =
      'Anyone on the internet can make this request: check what it read or changed, and why the resource allows public access.';
  } else
    switch (type) {
      case 'Root':
        head = `Root user of ${accountId ?? 'the account'} — high risk`;
        risk = 'high';
        riskReason = 'The root user has unrestricted access and should not be used day to day.';
        break;
      case 'IAMUser':
        head = `IAM user ${identityNames(identity).user ?? lastSegment(arn) ?? principalId ?? '(unnamed)'}`;
        break;
      case 'AssumedRole': {
        const names = identityNames({ ...identity, issuerUserName: issuer?.userName });
        const role = names.role ?? '(unknown role)';
        const session = names.session;
        issuerArn = str(issuer?.arn);
        const permissionSet = permissionSetOf(role);
        if (ctx?.assumedRoot === 'true') {
          head = `Root session${session ? ` (${session})` : ''} obtained with sts:AssumeRoot — high risk`;
          risk = 'high';
          riskReason = 'Privileged root-user session from centralized root access.';
        } else if (permissionSet) {
          head = `IAM Identity Center user ${session ?? '(unknown)'} with permission set ${permissionSet}`;
        } else {
          head = `Assumed role ${role}${session ? ` (session ${session})` : ''}`;
          if (session && /^i-[0-9a-f]{8,17}$/.test(session)) head += ` on EC2 instance ${session}`;
        }
        if (ctx?.ec2RoleDelivery)
          fact(
            'EC2 instance metadata version',
            `IMDSv${ctx.ec2RoleDelivery === '2.0' ? '2' : '1'} (${ctx.ec2RoleDelivery})`,
          );
        break;
      }
      case 'Role':
        head = `IAM role ${userName ?? lastSegment(arn) ?? principalId ?? '(unnamed)'}`;
        break;
      case 'FederatedUser': {
        const name = lastSegment(arn) ?? principalId?.split(':').pop() ?? '(unnamed)';
        const by = issuer
          ? `${str(issuer.type) === 'Root' ? 'the root user' : `IAM user ${str(issuer.userName) ?? lastSegment(str(issuer.arn)) ?? '?'}`}`
          : undefined;
        issuerArn = str(issuer?.arn);
        head = `Federated user ${name} (sts:GetFederationToken)${by ? ` issued by ${by}` : ''}`;
        if (str(issuer?.type) === 'Root') {
          risk = 'high';
          riskReason = 'Federation token issued from root credentials.';
        }
        break;
      }
      case 'AWSAccount':
        if (accountId && accountId === recipient) {
          head = `AWS account ${accountId}${principalId ? ` (principal ${principalId})` : ''}`;
        } else {
          head = `Another AWS account ${accountId ?? '(not named)'}${principalId ? ` (principal ${principalId})` : ''}`;
          medium('Cross-account access: the caller belongs to a different account.');
        }
        break;
      case 'AWSService':
        head = invokedBy
          ? `AWS service ${invokedBy} on behalf of the account`
          : 'An AWS service (the record does not name it) on behalf of the account';
        risk = 'low';
        riskReason = 'Calls made by AWS services for the account.';
        break;
      case 'IdentityCenterUser': {
        const userId = str(identity.onBehalfOf?.userId);
        head = `IAM Identity Center user ${userId ?? '(unknown user id)'}`;
        break;
      }
      case 'SAMLUser':
        head = `SAML federated user ${userName ?? principalId ?? '(unnamed)'}${str(identity.identityProvider) ? ` via ${lastSegment(str(identity.identityProvider)) ?? identity.identityProvider}` : ''}`;
        break;
      case 'WebIdentityUser':
        head = `Web identity user ${userName ?? principalId ?? '(unnamed)'}${str(identity.identityProvider) ? ` via ${identity.identityProvider}` : ''}`;
        break;
      case 'Directory':
        head = `Directory user ${userName ?? principalId ?? '(unnamed)'} (a request to a directory service such as Amazon WorkDocs or Quick; the identity type is not known)`;
        break;
      case 'Unknown':
        head =
          userName || principalId
            ? `Principal ${userName ?? principalId} of unknown type (CloudTrail could not determine the identity type)`
            : 'Identity of unknown type (CloudTrail could not determine it)';
        medium('CloudTrail could not determine what kind of identity made the request.');
        break;
      case 'missing':
        head = 'Principal without a type';
        medium('The identity has no type.');
        break;
      default:
        head = `Principal of type ${type}${arn ? ` ${arn}` : principalId ? ` ${principalId}` : ''}`;
    }

  const conflicts = identityConflicts({
    ...identity,
    issuerUserName: issuer?.userName,
    issuerArn: issuer?.arn,
  });
  const tail: string[] = [];
  if (conflicts.length) tail.push(`the record contradicts itself: ${conflicts.join('; ')}`);
  if (foreignAccount && type !== 'AWSAccount') tail.push(`from account ${foreignAccount}`);
  if (type !== 'AWSService' && invokedBy) tail.push(`via ${invokedBy}`);
  const sourceIdentity = str(ctx?.sourceIdentity);
  if (sourceIdentity) tail.push(`source identity ${sourceIdentity}`);
  const onBehalfOf = str(identity.onBehalfOf?.userId);
  if (onBehalfOf && type !== 'IdentityCenterUser')
    tail.push(`on behalf of Identity Center user ${onBehalfOf}`);
  if (mfa !== undefined) tail.push(`MFA: ${mfa ? 'yes' : 'no'}`);
  if (viaConsole) tail.push('via console');
  if (keyKind === 'long-term') tail.push(`long-term key ${accessKeyId}`);
  if (keyKind === 'temporary' && type === 'IAMUser')
    tail.push('temporary key (sts:GetSessionToken)');
  if (keyKind === 'long-term' && type !== 'Root')
    medium('Long-term access keys are the usual leaked credential.');
  if (type === 'IAMUser' && viaConsole && mfa === false) medium('Console session without MFA.');

  fact('Type', type);
  fact('ARN', arn);
  fact('Principal ID', principalId);
  fact('Account', accountId);
  if (accessKeyId) fact('Access key', `${accessKeyId}${keyKind ? ` (${keyKind})` : ''}`);
  fact('Session issued by', issuerArn);
  fact('Session created', sessionCreated(str(attrs?.creationDate)));
  if (mfa !== undefined) fact('MFA', mfa ? 'yes' : 'no');
  fact('Source identity', sourceIdentity);
  fact('Invoked by', invokedBy);
  fact(
    'Identity provider',
    str(identity.identityProvider) ?? str(ctx?.webIdFederationData?.federatedProvider),
  );
  fact('On behalf of (Identity Center user id)', onBehalfOf);
  fact('Identity store', str(identity.onBehalfOf?.identityStoreArn));
  fact('Credential ID', str(identity.credentialId));
  if (risk) fact('Risk', `${risk}${riskReason ? ` — ${riskReason}` : ''}`);

  return {
    summary: cellText([head, ...tail].join(' · '), Infinity),
    risk,
    riskReason: riskReason === undefined ? undefined : cellText(riskReason, Infinity),
    type,
    arn: arn ?? (type === 'Root' && accountId ? `arn:aws:iam::${accountId}:root` : undefined),
    issuerArn,
    accessKeyId,
    accessKeyKind: keyKind,
    accountId,
    mfa,
    viaConsole,
    facts,
    conflicts,
  };
}
