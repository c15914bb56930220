// The short name a person recognises for who made a call: the user, the role and session, the
// service. Shown in the table and facets; the query language matches the underlying fields.

export interface PrincipalFields {
  type?: unknown;
  arn?: unknown;
  userName?: unknown;
  issuerUserName?: unknown;
  invokedBy?: unknown;
  principalId?: unknown;
}

const str = (v: unknown): string => (typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v));

/** The part of an ARN after the last '/' (a session or user name), or '' when there is none. */
function lastArnPart(arn: string): string {
  const i = arn.lastIndexOf('/');
  return i >= 0 ? arn.slice(i + 1) : '';
}

export function principalDisplayName(p: PrincipalFields): string {
  const type = str(p.type);
  const arn = str(p.arn);
  switch (type) {
    case 'Root':
      return 'root';
    case 'IAMUser':
      return str(p.userName) || lastArnPart(arn) || arn;
    case 'AssumedRole':
    case 'FederatedUser': {
      // arn:aws:sts::123:assumed-role/RoleName/SessionName
      const parts = arn.split(':').slice(5).join(':').split('/');
      const role = str(p.issuerUserName) || (parts.length >= 3 ? parts[1] : '');
      const session = parts.length >= 2 ? parts[parts.length - 1] : '';
      if (role && session) return `${role}/${session}`;
      return role || session || arn || str(p.principalId);
    }
    case 'AWSService':
      return str(p.invokedBy) || 'AWS service';
    case 'AWSAccount':
      return str(p.principalId) || str(p.userName) || 'AWS account';
    default:
      return str(p.userName) || str(p.issuerUserName) || arn || str(p.invokedBy) || str(p.principalId) || type;
  }
}
