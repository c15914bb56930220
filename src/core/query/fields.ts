// The field vocabulary of the query language: short aliases for the fields responders filter on
// all day, and the well-known record paths offered as completions in the timeline's filter box.
// A field path not listed here is still a valid query field: records carry service-specific
// requestParameters / responseElements that no list can name.

export interface FieldAlias {
  /** What the user types before `:` (matched case-insensitively). */
  name: string;
  /** Canonical record paths; the term matches when any of them matches. */
  paths: string[];
  description: string;
  /**
   * Also match the role session name: the part of `userIdentity.principalId` after the colon
   * (`AROA…:alice@example.com`). Assumed-role and SSO records only carry the human's name there.
   */
  sessionName?: boolean;
  /** `service:s3` also matches `s3.amazonaws.com`: eventSource holds the service's host name. */
  serviceHost?: boolean;
  /** `principal:anonymous` matches the anonymous callers (records/identity.ts, isAnonymousIdentity). */
  anonymous?: boolean;
}

export interface KnownField {
  path: string;
  description: string;
  /** Values are ISO-8601 times: comparisons need a date, and `field:2024-05-14` means that day. */
  time?: boolean;
  /** Values are IP addresses (or AWS service host names): `field:10.0.0.0/8` means that network. */
  address?: boolean;
}

/**
 * The field `origin:` stands for: who is behind the event, worked out from the credential
 * chains of the events in scope (core/origin), not a path in the record. The index answers it
 * from its origin column; the reference matcher takes it from the origin it is given.
 */
export const ORIGIN_FIELD = '@origin';

/**
 * The fields `detection:` and `level:` stand for: the Sigma rules that fired on the event (each
 * rule's id and title) and their levels, from the rules run over the events in scope
 * (core/detect/indexDetections.ts). Not in the record: the index answers them from derived
 * columns, the reference matcher from the detections it is given, and SQL refuses them.
 */
export const DETECTION_FIELD = '@detection';
export const LEVEL_FIELD = '@level';

export const FIELD_ALIASES: readonly FieldAlias[] = [
  {
    name: 'user',
    paths: ['userIdentity.userName', 'userIdentity.sessionContext.sessionIssuer.userName'],
    sessionName: true,
    description:
      'IAM user name, role name of an assumed role, or role session name (e.g. the SSO user)',
  },
  {
    name: 'role',
    paths: [
      'userIdentity.sessionContext.sessionIssuer.userName',
      'userIdentity.sessionContext.sessionIssuer.arn',
    ],
    description: 'Name or ARN of the role whose session made the call',
  },
  {
    name: 'session',
    paths: [],
    sessionName: true,
    description: 'Role session name (after the colon in userIdentity.principalId)',
  },
  {
    name: 'ip',
    paths: ['sourceIPAddress'],
    description:
      'Caller IP address (or AWS service host name); a network finds its addresses: ip:10.0.0.0/8, ip:2001:db8::/32',
  },
  {
    name: 'sourceip',
    paths: ['sourceIPAddress'],
    description: 'Caller IP address or network (same as ip; the Source IP column)',
  },
  {
    name: 'error',
    paths: ['errorCode', 'errorMessage'],
    description: 'Error code or message; error:* finds failed calls',
  },
  { name: 'event', paths: ['eventName'], description: 'API action, e.g. ConsoleLogin, AssumeRole' },
  { name: 'name', paths: ['eventName'], description: 'API action (same as event)' },
  {
    name: 'source',
    paths: ['eventSource'],
    description: 'Service host name, e.g. iam.amazonaws.com',
  },
  {
    name: 'service',
    paths: ['eventSource'],
    serviceHost: true,
    description: 'Service: service:s3 matches s3.amazonaws.com',
  },
  { name: 'region', paths: ['awsRegion'], description: 'AWS Region of the call' },
  {
    name: 'account',
    paths: ['recipientAccountId', 'userIdentity.accountId'],
    description: 'Account that received the event or owns the caller',
  },
  {
    name: 'arn',
    paths: ['userIdentity.arn', 'userIdentity.sessionContext.sessionIssuer.arn', 'resources.ARN'],
    description: 'ARN of the caller, its role, or a resource',
  },
  {
    name: 'principal',
    paths: ['userIdentity.arn', 'userIdentity.principalId'],
    anonymous: true,
    description:
      'Caller ARN or principal ID (AIDA…, AROA…:session); principal:anonymous finds unauthenticated callers',
  },
  {
    name: 'key',
    paths: ['userIdentity.accessKeyId'],
    description: 'Access key ID used for the call',
  },
  {
    name: 'accesskey',
    paths: ['userIdentity.accessKeyId'],
    description: 'Access key ID used for the call (same as key)',
  },
  {
    name: 'accessKeyId',
    paths: ['userIdentity.accessKeyId'],
    description: 'Access key ID used for the call (same as key; the CSV and --fields column)',
  },
  {
    name: 'type',
    paths: ['userIdentity.type'],
    description: 'Identity type: Root, IAMUser, AssumedRole, AWSService…',
  },
  {
    name: 'principalType',
    paths: ['userIdentity.type'],
    description: 'Identity type (same as type; the CSV and --fields column)',
  },
  {
    name: 'principalArn',
    paths: ['userIdentity.arn'],
    description: 'Caller ARN (the CSV and --fields column; principal also matches principal IDs)',
  },
  {
    name: 'agent',
    paths: ['userAgent'],
    description: 'User agent of the caller (console, CLI, SDK…)',
  },
  {
    name: 'bucket',
    paths: ['requestParameters.bucketName'],
    description: 'S3 bucket name in the request',
  },
  {
    name: 'resource',
    paths: ['resources.ARN'],
    description: 'ARN of a resource listed in the event',
  },
  {
    name: 'readonly',
    paths: ['readOnly'],
    description: 'true for read-only calls, false for changes',
  },
  { name: 'id', paths: ['eventID'], description: 'CloudTrail event ID' },
  { name: 'request', paths: ['requestID'], description: 'Request ID of the call' },
  {
    name: 'time',
    paths: ['eventTime'],
    description: 'Event time (UTC); time>=2024-05-14, time:2024-05-14',
  },
  {
    name: 'mfa',
    paths: ['userIdentity.sessionContext.attributes.mfaAuthenticated'],
    description: 'Session authenticated with MFA ("true"/"false")',
  },
  {
    name: 'category',
    paths: ['eventCategory'],
    description: 'Management, Data, Insight or NetworkActivity',
  },
  { name: 'vpce', paths: ['vpcEndpointId'], description: 'VPC endpoint the call came through' },
  {
    name: 'origin',
    paths: [ORIGIN_FIELD],
    description:
      'Who is behind the session, followed back through role chains (name, ARN, SAML/web-identity subject, service or source identity); origin:bob, origin:*:user/bob',
  },
  {
    name: 'detection',
    paths: [DETECTION_FIELD],
    description:
      'A detection rule that fired on the event, by rule id or title (wildcards): detection:"*CloudTrail*"; detection:* for any hit',
  },
  {
    name: 'detections',
    paths: [DETECTION_FIELD],
    description: 'Same as detection (the CSV and --fields column)',
  },
  {
    name: 'level',
    paths: [LEVEL_FIELD],
    description:
      'Level of a detection rule that fired: level:high, level:critical (informational, low, medium, high, critical)',
  },
  {
    name: 'starred',
    paths: ['@starred'],
    description: 'Starred in the case file: starred:true (annotations, not in the record)',
  },
  {
    name: 'tag',
    paths: ['@tag'],
    description:
      'Tag given in the case file: tag:exfil, tag:* for any tag (annotations, not in the record)',
  },
  {
    name: 'note',
    paths: ['@note'],
    description: 'Analyst note in the case file: note:*phished* (annotations, not in the record)',
  },
];

/**
 * Fields that are not in the record but in the case file (core/case): an event's star, tags and
 * note. Their names start with `@`, which no CloudTrail record key does; the index answers them
 * from the annotations the query is given (execute.ts), the reference matcher from the one
 * annotation it is given (match.ts, annotationValue), and SQL refuses them (Athena and Lake do
 * not hold annotations).
 */
export const ANNOTATION_FIELDS = ['@starred', '@tag', '@note'] as const;
export type AnnotationField = (typeof ANNOTATION_FIELDS)[number];

export function isAnnotationField(path: string): path is AnnotationField {
  return (ANNOTATION_FIELDS as readonly string[]).includes(path);
}

export const KNOWN_FIELDS: readonly KnownField[] = [
  { path: 'eventTime', description: 'When the request completed (UTC)', time: true },
  { path: 'eventName', description: 'API action' },
  { path: 'eventSource', description: 'Service host name (iam.amazonaws.com)' },
  { path: 'awsRegion', description: 'Region the request went to' },
  {
    path: 'sourceIPAddress',
    description:
      'Caller IP address, or the AWS service that called on its behalf; a network (CIDR) finds its addresses',
    address: true,
  },
  { path: 'userAgent', description: 'Tool or SDK that made the request' },
  { path: 'errorCode', description: 'AWS error code, when the request failed' },
  { path: 'errorMessage', description: 'Error description, when the request failed' },
  { path: 'readOnly', description: 'Whether the operation only reads' },
  { path: 'eventType', description: 'AwsApiCall, AwsServiceEvent, AwsConsoleSignIn…' },
  { path: 'eventCategory', description: 'Management, Data, Insight or NetworkActivity' },
  { path: 'managementEvent', description: 'Whether this is a management event' },
  { path: 'recipientAccountId', description: 'Account that received this event' },
  { path: 'eventID', description: 'Unique ID of the event' },
  { path: 'requestID', description: 'ID of the request, shared by the service' },
  { path: 'sharedEventID', description: 'Links copies of one event delivered to several accounts' },
  { path: 'eventVersion', description: 'Log format version' },
  { path: 'apiVersion', description: 'API version of the call' },
  { path: 'vpcEndpointId', description: 'VPC endpoint the request came through' },
  { path: 'vpcEndpointAccountId', description: 'Account that owns the VPC endpoint' },
  {
    path: 'sessionCredentialFromConsole',
    description: 'Set when console session credentials were used',
  },
  { path: 'userIdentity.type', description: 'Identity type (Root, IAMUser, AssumedRole…)' },
  { path: 'userIdentity.userName', description: 'IAM user name (or Root alias)' },
  { path: 'userIdentity.arn', description: 'ARN of the caller' },
  { path: 'userIdentity.principalId', description: 'Principal ID (AIDA…, AROA…:session)' },
  { path: 'userIdentity.accountId', description: 'Account that owns the caller' },
  { path: 'userIdentity.accessKeyId', description: 'Access key used (ASIA… = temporary)' },
  {
    path: 'userIdentity.invokedBy',
    description: 'AWS service that made the request for the caller',
  },
  { path: 'userIdentity.credentialId', description: 'IAM Identity Center bearer token credential' },
  {
    path: 'userIdentity.onBehalfOf.userId',
    description: 'Identity Center user the call was made for',
  },
  {
    path: 'userIdentity.sessionContext.sessionIssuer.type',
    description: 'Type of the session issuer (Role…)',
  },
  {
    path: 'userIdentity.sessionContext.sessionIssuer.userName',
    description: 'Name of the assumed role',
  },
  { path: 'userIdentity.sessionContext.sessionIssuer.arn', description: 'ARN of the assumed role' },
  { path: 'userIdentity.sessionContext.sessionIssuer.principalId', description: 'Role ID (AROA…)' },
  {
    path: 'userIdentity.sessionContext.sessionIssuer.accountId',
    description: 'Account that owns the role',
  },
  {
    path: 'userIdentity.sessionContext.attributes.creationDate',
    description: 'When the session credentials were issued',
    time: true,
  },
  {
    path: 'userIdentity.sessionContext.attributes.mfaAuthenticated',
    description: 'Session authenticated with MFA',
  },
  {
    path: 'userIdentity.sessionContext.sourceIdentity',
    description: 'Source identity set when the role was assumed',
  },
  {
    path: 'userIdentity.sessionContext.webIdFederationData.federatedProvider',
    description: 'Web identity provider',
  },
  { path: 'resources.ARN', description: 'ARN of a resource used in the event' },
  { path: 'resources.type', description: 'Resource type (AWS::S3::Object…)' },
  { path: 'resources.accountId', description: 'Account that owns the resource' },
  { path: 'requestParameters.bucketName', description: 'S3 bucket' },
  { path: 'requestParameters.key', description: 'S3 object key' },
  { path: 'requestParameters.roleArn', description: 'Role requested in AssumeRole' },
  {
    path: 'requestParameters.roleSessionName',
    description: 'Session name requested in AssumeRole',
  },
  { path: 'requestParameters.userName', description: 'IAM user the request acts on' },
  { path: 'requestParameters.policyArn', description: 'Managed policy attached or detached' },
  { path: 'requestParameters.instanceType', description: 'EC2 instance type requested' },
  {
    path: 'responseElements.ConsoleLogin',
    description: 'Console sign-in result (Success/Failure)',
  },
  { path: 'additionalEventData.MFAUsed', description: 'Console sign-in used MFA (Yes/No)' },
  { path: 'additionalEventData.LoginTo', description: 'Console sign-in target URL' },
  { path: 'tlsDetails.tlsVersion', description: 'TLS version of the request' },
  { path: 'tlsDetails.clientProvidedHostHeader', description: 'Host name the client called' },
];

const aliasByName = new Map(FIELD_ALIASES.map((a) => [a.name.toLowerCase(), a]));
const timePaths = new Set(KNOWN_FIELDS.filter((f) => f.time).map((f) => f.path));
const addressPaths = new Set(KNOWN_FIELDS.filter((f) => f.address).map((f) => f.path));

// Every prefix of every known path, by its lower-case spelling, so that `eventname` or
// `useridentity.sessioncontext.sessionIssuer.username` resolve to the canonical spelling.
const canonicalPrefix = new Map<string, string>();
for (const { path } of KNOWN_FIELDS) {
  const segments = path.split('.');
  for (let i = 1; i <= segments.length; i++) {
    const prefix = segments.slice(0, i).join('.');
    canonicalPrefix.set(prefix.toLowerCase(), prefix);
  }
}

export interface ResolvedField {
  /** Canonical record paths (any-of). Empty only for aliases matched entirely by a rewrite. */
  paths: string[];
  alias?: FieldAlias;
}

/**
 * Resolves a field as typed. A single word that names an alias is the alias (case-insensitive);
 * anything else is a dotted record path, respelled to the canonical case of the longest known
 * prefix (the rest is kept as typed: the matcher falls back to case-insensitive keys).
 */
export function resolveField(typed: string): ResolvedField {
  if (!typed.includes('.')) {
    const alias = aliasByName.get(typed.toLowerCase());
    if (alias) return { paths: [...alias.paths], alias };
  }
  return { paths: [canonicalPath(typed)] };
}

export function canonicalPath(typed: string): string {
  const segments = typed.split('.');
  for (let i = segments.length; i > 0; i--) {
    const known = canonicalPrefix.get(segments.slice(0, i).join('.').toLowerCase());
    if (known) return [known, ...segments.slice(i)].join('.');
  }
  return typed;
}

/** Fields whose values are ISO times: comparisons on them need a date. */
export function isTimeField(path: string): boolean {
  return timePaths.has(path);
}

/** Fields whose values are IP addresses: a CIDR value on them is a network. */
export function isAddressField(path: string): boolean {
  return addressPaths.has(path);
}

export interface FieldCompletion {
  /** Text to insert before the `:`. */
  label: string;
  detail: string;
  kind: 'alias' | 'field';
}

/** Aliases first (short, what people type), then the well-known record paths. */
export function fieldCompletions(): FieldCompletion[] {
  return [
    ...FIELD_ALIASES.map((a) => ({ label: a.name, detail: a.description, kind: 'alias' as const })),
    ...KNOWN_FIELDS.map((f) => ({ label: f.path, detail: f.description, kind: 'field' as const })),
  ];
}
