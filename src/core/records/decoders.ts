// Value decoders: turn the opaque values responders meet in CloudTrail records (timestamps, IAM
// unique-ID prefixes, access key ids, error codes, ARNs) into plain words. Pure: used by hovers,
// lenses and the timeline detail pane alike.
import { cidrMatcher } from '../cidr';
import { lookupTable } from '../lookupTable';
import { instantOf } from '../query/time';
import { formatInstant, UTC } from '../time/zone';

/** A timestamp, in UTC and in the time zone asked for (core/time/zone.ts formats both). */
export interface DecodedTime {
  /** Milliseconds since the epoch. */
  epochMs: number;
  /** e.g. "2023-08-26 20:35:12Z" */
  utc: string;
  /** e.g. "2023-08-26 22:35:12+02:00" in the given zone (UTC when none is given). */
  zoned: string;
}

// CloudTrail writes eventTime as "2023-08-26T20:35:12Z"; sessionContext.attributes.creationDate
// appears both in that form and in the compact basic form "20131102T010628Z".
const COMPACT_TIME = /^\d{8}T\d{6}(?:\.\d+)?Z$/;
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})$/;

/** Decodes an ISO-8601 timestamp (extended or basic form); undefined when it is not one. */
export function decodeTime(value: string, timeZone: string = UTC): DecodedTime | undefined {
  if (!COMPACT_TIME.test(value) && !ISO_TIME.test(value)) return undefined;
  // Read as the index and the query language read times (query/time instantOf): a day its month
  // lacks is no time, where Date.parse and Date.UTC would roll 2024-02-30 over into March.
  const epochMs = instantOf(value);
  if (epochMs === undefined) return undefined;
  return { epochMs, utc: formatInstant(epochMs, UTC), zoned: formatInstant(epochMs, timeZone) };
}

export interface IdPrefixInfo {
  prefix: string;
  /** What kind of IAM entity or credential carries this prefix. */
  kind: string;
  /** For access key ids: whether the key is long-term (AKIA) or temporary (ASIA). */
  credential?: 'long-term' | 'temporary';
}

// IAM unique identifier prefixes, from the IAM User Guide ("IAM identifiers" → "Unique
// identifiers"): https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html
const ID_PREFIXES = lookupTable<Omit<IdPrefixInfo, 'prefix'>>({
  ABIA: { kind: 'AWS STS service bearer token' },
  ACCA: { kind: 'context-specific credential' },
  AGPA: { kind: 'IAM user group' },
  AIDA: { kind: 'IAM user' },
  AIPA: { kind: 'Amazon EC2 instance profile' },
  AKIA: { kind: 'long-term access key (IAM user or root)', credential: 'long-term' },
  ANPA: { kind: 'managed policy' },
  ANVA: { kind: 'version of a managed policy' },
  APKA: { kind: 'public key' },
  AROA: { kind: 'IAM role' },
  ASCA: { kind: 'certificate' },
  ASIA: { kind: 'temporary access key (AWS STS session credentials)', credential: 'temporary' },
});

/** Explains the four-letter prefix of an IAM unique id or access key id; undefined when unknown. */
export function decodeIdPrefix(id: string): IdPrefixInfo | undefined {
  if (!/^[A-Z0-9]{4}[A-Z0-9]{4,}$/.test(id)) return undefined;
  const prefix = id.slice(0, 4);
  const info = ID_PREFIXES[prefix];
  return info ? { prefix, ...info } : undefined;
}

/** 'long-term' for AKIA keys, 'temporary' for ASIA keys, undefined otherwise. */
export function accessKeyKind(
  accessKeyId: string | null | undefined,
): 'long-term' | 'temporary' | undefined {
  if (typeof accessKeyId !== 'string') return undefined;
  return decodeIdPrefix(accessKeyId)?.credential;
}

export interface ErrorCodeInfo {
  meaning: string;
  /** What a responder should make of it. */
  investigate?: string;
}

// Common errorCode values, keyed lower-case because services spell them differently
// (AccessDenied / AccessDeniedException / Client.UnauthorizedOperation).
const ERROR_CODES = lookupTable<ErrorCodeInfo>({
  accessdenied: {
    meaning:
      'The caller is not allowed to perform this action (an IAM policy, SCP, resource policy, permissions boundary or session policy denied it).',
    investigate:
      'Bursts of AccessDenied across many services from one principal are a classic sign of permission enumeration with stolen credentials.',
  },
  accessdeniedexception: {
    meaning: 'The caller is not allowed to perform this action.',
    investigate: 'Many of these from one principal suggest enumeration with stolen credentials.',
  },
  unauthorizedoperation: {
    meaning: 'EC2: the caller is not authorized to perform this operation.',
    investigate: 'Many of these from one principal suggest enumeration with stolen credentials.',
  },
  'client.unauthorizedoperation': {
    meaning: 'EC2: the caller is not authorized to perform this operation.',
    investigate: 'Many of these from one principal suggest enumeration with stolen credentials.',
  },
  unauthorizedaccess: { meaning: 'The caller is not authorized to access this resource.' },
  authfailure: { meaning: 'EC2: the credentials could not be validated.' },
  'client.authfailure': { meaning: 'EC2: the credentials could not be validated.' },
  invalidclienttokenid: {
    meaning: 'The access key id does not exist in AWS records (deleted, deactivated or invented).',
    investigate: 'Someone is using a key that no longer works — possibly a revoked, leaked key.',
  },
  invalidaccesskeyid: {
    meaning: 'S3: the access key id does not exist in AWS records.',
    investigate: 'Possibly a revoked or leaked key being tried.',
  },
  signaturedoesnotmatch: {
    meaning: 'The request signature did not match: wrong secret key for this access key id.',
  },
  expiredtoken: { meaning: 'The session token has expired.' },
  expiredtokenexception: { meaning: 'The session token has expired.' },
  'client.requestexpired': {
    meaning: 'The request reached AWS too late (clock skew or a replayed request).',
  },
  optinrequired: { meaning: 'The account is not subscribed to this service or Region.' },
  'client.optinrequired': { meaning: 'The account is not subscribed to this service or Region.' },
  nosuchentity: { meaning: 'IAM: the named user, role, policy or key does not exist.' },
  nosuchentityexception: { meaning: 'IAM: the named user, role, policy or key does not exist.' },
  nosuchbucket: { meaning: 'S3: the bucket does not exist.' },
  nosuchkey: { meaning: 'S3: the object does not exist.' },
  nosuchbucketpolicy: { meaning: 'S3: the bucket has no bucket policy.' },
  resourcenotfoundexception: { meaning: 'The named resource does not exist.' },
  entityalreadyexists: { meaning: 'IAM: an entity with this name already exists.' },
  entityalreadyexistsexception: { meaning: 'IAM: an entity with this name already exists.' },
  limitexceeded: { meaning: 'A service quota was reached (e.g. two access keys per user).' },
  limitexceededexception: { meaning: 'A service quota was reached.' },
  validationexception: { meaning: 'The request parameters were invalid.' },
  validationerror: { meaning: 'The request parameters were invalid.' },
  invalidparametervalue: { meaning: 'A parameter value was invalid.' },
  'client.invalidparametervalue': { meaning: 'A parameter value was invalid.' },
  malformedpolicydocument: {
    meaning: 'The policy document was not valid JSON or not a valid policy.',
  },
  malformedpolicydocumentexception: {
    meaning: 'The policy document was not valid JSON or not a valid policy.',
  },
  'client.dryrunoperation': {
    meaning: 'EC2 dry run: the caller WOULD have been allowed (no change was made).',
    investigate: 'Dry runs are used to test permissions quietly.',
  },
  dryrunoperation: {
    meaning: 'EC2 dry run: the caller WOULD have been allowed (no change was made).',
    investigate: 'Dry runs are used to test permissions quietly.',
  },
  'client.invalidpermission.duplicate': { meaning: 'EC2: the security group rule already exists.' },
  'invalidpermission.duplicate': { meaning: 'EC2: the security group rule already exists.' },
  throttlingexception: { meaning: 'The request rate was too high and the call was throttled.' },
  throttling: { meaning: 'The request rate was too high and the call was throttled.' },
  requestlimitexceeded: {
    meaning: 'EC2: the request rate was too high and the call was throttled.',
  },
  'client.requestlimitexceeded': {
    meaning: 'EC2: the request rate was too high and the call was throttled.',
  },
  serviceunavailable: { meaning: 'The service was temporarily unavailable.' },
  internalerror: { meaning: 'An internal AWS error.' },
  'server.internalerror': { meaning: 'An internal AWS error.' },
  trailnotfoundexception: { meaning: 'CloudTrail: the named trail does not exist.' },
  insufficients3bucketpolicyexception: {
    meaning: 'CloudTrail: the S3 bucket policy does not let CloudTrail write to the bucket.',
  },
  invalidgrantexception: { meaning: 'The grant or grant token is not valid.' },
  kmsinvalidstateexception: {
    meaning: 'KMS: the key is not in a usable state (disabled or pending deletion).',
  },
  incorrectkeyexception: { meaning: 'KMS: the ciphertext was not encrypted under the given key.' },
  'failed authentication': { meaning: 'Console sign-in: wrong password or unknown user.' },
});

/** Explains a CloudTrail errorCode; undefined for codes we do not know. */
export function explainErrorCode(code: string): ErrorCodeInfo | undefined {
  return ERROR_CODES[code.toLowerCase()];
}

export interface ParsedArn {
  partition: string;
  service: string;
  region: string;
  accountId: string;
  resource: string;
}

/** Splits an ARN into its parts; undefined when the value is not an ARN. */
export function parseArn(value: string): ParsedArn | undefined {
  const m = /^arn:([^:]+):([^:]+):([^:]*):([^:]*):(.+)$/.exec(value);
  if (!m) return undefined;
  const [, partition, service, region, accountId, resource] = m;
  return { partition, service, region, accountId, resource };
}

/**
 * Explains a sourceIPAddress value that is not an address: CloudTrail writes the service's
 * DNS name when a service called on the caller's behalf, and "AWS Internal" for internal calls.
 */
export function explainSourceAddress(value: string): string | undefined {
  if (value === 'AWS Internal')
    return 'The call came from inside AWS (an AWS service acting internally); there is no client IP.';
  if (/^[a-z0-9.-]+\.amazonaws\.com$/.test(value))
    return `The AWS service ${value} made this call on the caller's behalf (no client IP is recorded).`;
  if (PRIVATE_NETWORKS.some((inNetwork) => inNetwork(value)))
    return 'A private (RFC 1918) address: the call came through a VPC endpoint or from inside a VPC.';
  return undefined;
}

/** RFC 1918's networks, tested as ip:10.0.0.0/8 tests them (IPv4-mapped IPv6 included). */
const PRIVATE_NETWORKS = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'].map((n) =>
  cidrMatcher(n)!,
);
