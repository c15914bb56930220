// The short name a person recognises for who made a call: the user, the role and session, the
// service, "anonymous". Shown in the table and facets; the query language matches the underlying
// fields (`principal:anonymous` finds the anonymous callers).
import { identityNames, isAnonymousIdentity } from '../records/identity';

export interface PrincipalFields {
  type?: unknown;
  arn?: unknown;
  userName?: unknown;
  issuerUserName?: unknown;
  invokedBy?: unknown;
  principalId?: unknown;
  accountId?: unknown;
  /** userIdentity.onBehalfOf.userId: the IAM Identity Center user. */
  onBehalfOfUserId?: unknown;
  /** An Insights event's insightDetails.insightType and state (it has no userIdentity). */
  insightType?: unknown;
  insightState?: unknown;
}

/** What the Principal column shows for an anonymous, unauthenticated caller. */
export const ANONYMOUS_PRINCIPAL_LABEL = 'anonymous';

const str = (v: unknown): string =>
  typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v);

/** The part of an ARN after the last '/' (a session or user name), or '' when there is none. */
function lastArnPart(arn: string): string {
  const i = arn.lastIndexOf('/');
  return i >= 0 ? arn.slice(i + 1) : '';
}

export function principalDisplayName(p: PrincipalFields): string {
  const type = str(p.type);
  const arn = str(p.arn);
  if (isAnonymousIdentity({ accountId: p.accountId, principalId: p.principalId }))
    return ANONYMOUS_PRINCIPAL_LABEL;
  if (!type && str(p.insightType))
    return `CloudTrail Insights: ${str(p.insightType)}${str(p.insightState) ? ` (${str(p.insightState)})` : ''}`;
  switch (type) {
    case 'Root':
      return 'root';
    case 'IAMUser':
      return identityNames(p).user || lastArnPart(arn) || arn;
    case 'AssumedRole':
    case 'FederatedUser': {
      // arn:aws:sts::123:assumed-role/RoleName/SessionName; a federated user is named with the
      // IAM user that issued it (sessionIssuer.userName).
      const parts = arn.split(':').slice(5).join(':').split('/');
      const role =
        (type === 'AssumedRole' ? identityNames(p).role : str(p.issuerUserName)) ||
        (parts.length >= 3 ? parts[1] : '');
      const session = parts.length >= 2 ? parts[parts.length - 1] : '';
      if (role && session) return `${role}/${session}`;
      return role || session || arn || str(p.principalId);
    }
    case 'AWSService':
      return str(p.invokedBy) || 'AWS service';
    case 'AWSAccount':
      return (
        str(p.principalId) ||
        str(p.userName) ||
        (str(p.accountId) ? `account ${str(p.accountId)}` : 'an AWS account')
      );
    case 'IdentityCenterUser':
      return str(p.onBehalfOfUserId) || str(p.userName) || 'an Identity Center user';
    default:
      return (
        str(p.userName) ||
        str(p.issuerUserName) ||
        arn ||
        str(p.invokedBy) ||
        str(p.principalId) ||
        type
      );
  }
}
