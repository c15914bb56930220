// What a value in a record means, decoded where possible: times in UTC and the chosen zone, IAM id
// and access key prefixes, error codes, ARNs, identity types, source addresses. Plain text lines
// for hovers and the detail pane.
import { lookupTable } from '../lookupTable';
import {
  decodeIdPrefix,
  decodeTime,
  explainErrorCode,
  explainSourceAddress,
  parseArn,
} from './decoders';

export const IDENTITY_TYPE_MEANINGS = lookupTable<string>({
  Root: "The account's root user: unrestricted access to everything in the account.",
  IAMUser:
    'An IAM user, with its long-term credentials (password or AKIA access key) or a session from sts:GetSessionToken.',
  AssumedRole:
    'Temporary credentials from assuming an IAM role (sts:AssumeRole*, instance profiles, IAM Identity Center permission sets, service roles).',
  Role: 'An IAM role acting directly.',
  FederatedUser:
    'A federated user session from sts:GetFederationToken, issued by an IAM user or the root user.',
  AWSAccount:
    'A request from another AWS account (cross-account access), or anonymous access when accountId is "anonymous".',
  AWSService:
    'An AWS service acting for the account, e.g. with a service-linked role; invokedBy names the service.',
  IdentityCenterUser:
    'An IAM Identity Center user acting through an Identity Center-enabled application (onBehalfOf names the user).',
  SAMLUser: 'A user federated through SAML (sts:AssumeRoleWithSAML).',
  WebIdentityUser:
    'A user federated through a web identity provider (sts:AssumeRoleWithWebIdentity).',
  Directory: 'A user of an AWS Directory Service directory.',
  Unknown:
    'CloudTrail could not determine the identity, e.g. a failed sign-in with an unknown user name or a request from an IAM Identity Center user that no IAM entity represents.',
});

function idPart(path: readonly (string | number)[]): string {
  return String(path[path.length - 1] ?? '');
}

/** Plain-text explanations of a value at a record path; empty when there is nothing to add. */
export function explainValue(
  path: readonly (string | number)[],
  value: unknown,
  timeZone?: string,
): string[] {
  const out: string[] = [];
  const field = idPart(path);
  const dotted = path.filter((p) => typeof p === 'string').join('.');
  if (typeof value === 'boolean' || value === null || typeof value === 'number') return out;
  if (typeof value !== 'string' || value === '') return out;

  const time = decodeTime(value, timeZone);
  if (time) {
    // The zone every view uses (the cloudtrailLens.timeZone setting), named; UTC beside it.
    out.push(`UTC: ${time.utc}`);
    if (timeZone && timeZone !== 'UTC') out.push(`${timeZone}: ${time.zoned}`);
    return out;
  }
  if (dotted === 'userIdentity.type' || dotted.endsWith('sessionIssuer.type')) {
    const meaning = IDENTITY_TYPE_MEANINGS[value];
    if (meaning) out.push(meaning);
    return out;
  }
  if (field === 'errorCode') {
    const info = explainErrorCode(value);
    if (info) out.push(info.meaning, ...(info.investigate ? [info.investigate] : []));
    return out;
  }
  if (field === 'sourceIPAddress') {
    const hint = explainSourceAddress(value);
    if (hint) out.push(hint);
    return out;
  }
  // principalId of a session is "<role id>:<session name>"; decode the id before the colon.
  const idCandidate =
    value.includes(':') && !value.startsWith('arn:') ? value.slice(0, value.indexOf(':')) : value;
  const prefix = decodeIdPrefix(idCandidate);
  if (prefix) {
    out.push(`${prefix.prefix}… is the prefix of a ${prefix.kind}.`);
    if (idCandidate !== value) out.push(`Session name: ${value.slice(idCandidate.length + 1)}`);
    if (prefix.credential === 'long-term')
      out.push('Long-term keys stay valid until rotated or deleted: the usual leaked credential.');
    if (prefix.credential === 'temporary')
      out.push(
        'Temporary keys expire (15 minutes to 36 hours); look for the AssumeRole / GetSessionToken that issued it.',
      );
    return out;
  }
  const arn = parseArn(value);
  if (arn) {
    out.push(
      `Service: ${arn.service}`,
      ...(arn.region ? [`Region: ${arn.region}`] : []),
      ...(arn.accountId ? [`Account: ${arn.accountId}`] : []),
      `Resource: ${arn.resource}`,
    );
    return out;
  }
  if (/^\d{12}$/.test(value) && /account/i.test(field)) out.push('A 12-digit AWS account id.');
  return out;
}
