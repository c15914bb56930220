// What every CloudTrail record field means, for hovers and the timeline's detail pane. Paths are
// dotted; array elements are written "[]" (resources[].ARN). Meanings follow the CloudTrail User
// Guide pages "CloudTrail record contents" and "CloudTrail userIdentity element".

export interface FieldInfo {
  path: string;
  meaning: string;
  /** Event version in which the field appeared, when it is not in every record. */
  since?: string;
  doc: string;
}

export const RECORD_CONTENTS_DOC =
  'https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-record-contents.html';
export const USER_IDENTITY_DOC =
  'https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-user-identity.html';
const LOOKUP_DOC = 'https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_Event.html';

type Entry = [path: string, meaning: string, since?: string];

const RECORD_FIELDS: Entry[] = [
  [
    'Records',
    'The array of events in a CloudTrail log file. CloudTrail delivers one gzipped JSON file of records about every 5 minutes per account and Region.',
  ],
  [
    'eventVersion',
    'Version of the log event format (e.g. 1.08). Newer versions add fields; it is not the API version.',
  ],
  [
    'userIdentity',
    'Who made the request: the kind of identity, which credentials were used and, for temporary credentials, how they were obtained.',
  ],
  ['eventTime', 'When the request was completed, in UTC (ISO 8601).'],
  [
    'eventSource',
    'The service the request was made to, usually service.amazonaws.com (e.g. iam.amazonaws.com).',
  ],
  [
    'eventName',
    "The requested action: one of the service's API actions (console sign-ins are ConsoleLogin).",
  ],
  [
    'awsRegion',
    'The AWS Region the request was made to (global services such as IAM log us-east-1).',
  ],
  [
    'sourceIPAddress',
    'The IP address the request came from. For calls an AWS service made on the caller\'s behalf it is the service\'s DNS name; "AWS Internal" for internal calls; for requests through a VPC endpoint it can be a private address.',
  ],
  [
    'userAgent',
    'The agent the request was made through (console, AWS CLI, an SDK, or a service name). Attacker-controlled: it can be spoofed.',
  ],
  [
    'errorCode',
    'The AWS service error, if the request failed. Present only for failed requests; a failed request changed nothing.',
  ],
  ['errorMessage', "The service's description of the error, if the request failed."],
  [
    'requestParameters',
    'The parameters sent with the request, as the service documents them in its API reference. May be null or omitted for large or sensitive requests.',
  ],
  [
    'responseElements',
    'The response of actions that make changes (create, update, delete). null for read-only actions; secrets are redacted.',
  ],
  [
    'additionalEventData',
    'Extra data about the event that is not part of the request or response (e.g. MFAUsed, LoginTo and MobileVersion for ConsoleLogin; SignatureVersion, bytesTransferredIn for S3).',
  ],
  [
    'requestID',
    "The id the service generated for the request: match it with the service's own logs.",
  ],
  [
    'eventID',
    'The GUID CloudTrail generated for each event: unique, use it to identify a single event.',
  ],
  [
    'eventType',
    'The kind of event: AwsApiCall, AwsServiceEvent, AwsConsoleAction, AwsConsoleSignIn, AwsCloudTrailInsight or AwsVpceEvent.',
  ],
  ['apiVersion', 'The API version of the AwsApiCall (logged by some services only).'],
  [
    'managementEvent',
    'true for management (control-plane) events, false for data events such as S3 GetObject.',
    '1.06',
  ],
  ['readOnly', 'Whether the operation only reads (true) or may change something (false).'],
  [
    'resources',
    'The resources accessed in the event: their ARN, owning account and type. Not always present.',
  ],
  ['resources[].ARN', 'The ARN of a resource accessed in the event.'],
  [
    'resources[].accountId',
    "The account that owns the resource (differs from the caller's for cross-account access).",
  ],
  ['resources[].type', 'The resource type, e.g. AWS::S3::Object, AWS::IAM::Role.'],
  [
    'recipientAccountId',
    'The account that received this event: the account whose trail logged it. Differs from userIdentity.accountId for cross-account calls.',
    '1.02',
  ],
  [
    'serviceEventDetails',
    'Details of a service event (eventType AwsServiceEvent): what triggered it and its result.',
    '1.05',
  ],
  [
    'sharedEventID',
    'A GUID shared by the copies of one event delivered to several accounts (cross-account actions): use it to correlate them.',
    '1.03',
  ],
  ['vpcEndpointId', 'The VPC endpoint the request went through.', '1.04'],
  [
    'vpcEndpointAccountId',
    'The account that owns the VPC endpoint the request went through.',
    '1.09',
  ],
  [
    'eventCategory',
    'Management, Data, NetworkActivity or Insight: the selector category the event belongs to.',
    '1.07',
  ],
  [
    'addendum',
    'Present when an event was delivered late or had missing information: why, which fields were updated, and the original ids.',
    '1.08',
  ],
  [
    'addendum.reason',
    'Why the event or part of it was delivered late (DELIVERY_DELAY, UPDATED_DATA or SERVICE_OUTAGE).',
  ],
  ['addendum.updatedFields', 'The record fields that were updated by the addendum.'],
  ['addendum.originalRequestID', 'The requestID of the original event.'],
  ['addendum.originalEventID', 'The eventID of the original event.'],
  [
    'sessionCredentialFromConsole',
    '"true" when the request was made with session credentials obtained by signing in to the console.',
    '1.08',
  ],
  [
    'edgeDeviceDetails',
    'Information about an edge device (e.g. Snowball) that is the target of the request.',
    '1.08',
  ],
  [
    'tlsDetails',
    'The TLS version, cipher suite and host name the client used. Absent when the service does not log it.',
    '1.08',
  ],
  [
    'tlsDetails.tlsVersion',
    'The TLS version of the request (TLSv1.2, TLSv1.3). Old versions may indicate old or unusual tooling.',
  ],
  ['tlsDetails.cipherSuite', 'The cipher suite of the request.'],
  [
    'tlsDetails.clientProvidedHostHeader',
    'The host name the client connected to (e.g. a service endpoint or VPC endpoint name).',
  ],
  [
    'insightDetails',
    'For Insights events only: the unusual API rate or error rate detected and its baseline.',
    '1.07',
  ],
];

const IDENTITY_FIELDS: Entry[] = [
  [
    'userIdentity.type',
    'The kind of identity: Root, IAMUser, AssumedRole, Role, FederatedUser, Directory, AWSAccount, AWSService, IdentityCenterUser, SAMLUser, WebIdentityUser or Unknown.',
  ],
  [
    'userIdentity.principalId',
    'A unique id of the caller. For assumed roles: the role id (AROA…) and the session name, separated by a colon.',
  ],
  [
    'userIdentity.arn',
    'The ARN of the principal that made the call (for assumed roles, the session ARN arn:aws:sts::…:assumed-role/Role/Session).',
  ],
  [
    'userIdentity.accountId',
    "The account that owns the entity that granted permissions: the caller's account.",
  ],
  [
    'userIdentity.accessKeyId',
    'The access key id used to sign the request. AKIA…: long-term key of an IAM user or root; ASIA…: temporary STS credentials. Empty for console requests in some events.',
  ],
  [
    'userIdentity.userName',
    "The friendly name of the identity (IAM user name, or the issuer role's name in sessionIssuer).",
  ],
  [
    'userIdentity.invokedBy',
    "The AWS service that made the request on the caller's behalf, e.g. ec2.amazonaws.com or AWS Internal.",
  ],
  [
    'userIdentity.identityProvider',
    'For SAMLUser and WebIdentityUser: the identity provider that authenticated the user.',
  ],
  [
    'userIdentity.credentialId',
    'The id of the credential (e.g. an IAM Identity Center bearer token) used for the request.',
    '1.09',
  ],
  [
    'userIdentity.onBehalfOf',
    'For identity-enhanced sessions (trusted identity propagation): the IAM Identity Center user the request was made for.',
    '1.09',
  ],
  [
    'userIdentity.onBehalfOf.userId',
    'The IAM Identity Center user id the request was made on behalf of.',
  ],
  [
    'userIdentity.onBehalfOf.identityStoreArn',
    'The ARN of the Identity Center identity store holding that user.',
  ],
  [
    'userIdentity.inScopeOf',
    'For credentials an AWS service issued for a resource (e.g. Lambda): which resource and account the credentials are scoped to.',
    '1.10',
  ],
  [
    'userIdentity.inScopeOf.issuerType',
    'The kind of resource the credentials were issued for (e.g. AWS::Lambda::Function).',
  ],
  ['userIdentity.inScopeOf.credentialsIssuedTo', 'The resource the credentials were issued to.'],
  ['userIdentity.inScopeOf.sourceArn', 'The ARN of the resource the credentials are scoped to.'],
  [
    'userIdentity.inScopeOf.sourceAccount',
    'The account that owns the resource the credentials are scoped to.',
  ],
  [
    'userIdentity.sessionContext',
    'For temporary credentials: how the session was created (issuer, creation time, MFA).',
  ],
  [
    'userIdentity.sessionContext.sessionIssuer',
    'The entity that issued the session: the role that was assumed, or the user that called GetFederationToken.',
  ],
  ['userIdentity.sessionContext.sessionIssuer.type', 'The kind of issuer: Root, IAMUser or Role.'],
  [
    'userIdentity.sessionContext.sessionIssuer.principalId',
    "The issuer's unique id (AROA… for roles, AIDA… for users).",
  ],
  [
    'userIdentity.sessionContext.sessionIssuer.arn',
    'The ARN of the role or user that issued the session.',
  ],
  ['userIdentity.sessionContext.sessionIssuer.accountId', 'The account that owns the issuer.'],
  [
    'userIdentity.sessionContext.sessionIssuer.userName',
    'The friendly name of the issuing role or user.',
  ],
  [
    'userIdentity.sessionContext.webIdFederationData',
    'For web identity federation (AssumeRoleWithWebIdentity): the identity provider and its attributes.',
  ],
  [
    'userIdentity.sessionContext.webIdFederationData.federatedProvider',
    'The web identity provider (e.g. accounts.google.com, an EKS OIDC issuer).',
  ],
  [
    'userIdentity.sessionContext.webIdFederationData.attributes',
    'Claims of the web identity token, such as the audience and subject.',
  ],
  [
    'userIdentity.sessionContext.attributes',
    'Attributes of the session: when it was created and whether MFA was used.',
  ],
  [
    'userIdentity.sessionContext.attributes.creationDate',
    'When the temporary credentials were issued (UTC).',
  ],
  [
    'userIdentity.sessionContext.attributes.mfaAuthenticated',
    '"true" if the root user or IAM user whose credentials were used for the request also authenticated with an MFA device.',
  ],
  [
    'userIdentity.sessionContext.sourceIdentity',
    'The source identity set when the role was assumed (sts:SourceIdentity): the original user behind a chain of role sessions.',
  ],
  [
    'userIdentity.sessionContext.ec2RoleDelivery',
    'For EC2 instance-profile credentials: 1.0 if delivered by IMDSv1, 2.0 if by IMDSv2.',
  ],
  [
    'userIdentity.sessionContext.assumedRoot',
    '"true" when the session was obtained with sts:AssumeRoot (centralized root access) and acts as the member account\'s root user.',
  ],
];

const LOOKUP_FIELDS: Entry[] = [
  [
    'Events',
    'LookupEvents output: the events returned from the last 90 days of management events (Event history).',
  ],
  ['Events[].EventId', 'The CloudTrail eventID of the event.'],
  ['Events[].EventName', 'The event name (the API action).'],
  ['Events[].ReadOnly', 'Whether the event is read-only ("true"/"false").'],
  ['Events[].AccessKeyId', 'The access key id that signed the request.'],
  ['Events[].EventTime', 'When the event occurred.'],
  ['Events[].EventSource', 'The service the request was made to.'],
  ['Events[].Username', 'The user name or role session name of the caller.'],
  ['Events[].Resources', 'Resources referenced by the event.'],
  ['Events[].CloudTrailEvent', 'The full CloudTrail record, as a JSON string.'],
  ['NextToken', 'Pagination token of LookupEvents output: more events are available.'],
];

function build(entries: Entry[], doc: string): [string, FieldInfo][] {
  return entries.map(([path, meaning, since]) => [path, { path, meaning, since, doc }]);
}

export const FIELD_CATALOG: ReadonlyMap<string, FieldInfo> = new Map([
  ...build(RECORD_FIELDS, RECORD_CONTENTS_DOC),
  ...build(IDENTITY_FIELDS, USER_IDENTITY_DOC),
  ...build(LOOKUP_FIELDS, LOOKUP_DOC),
]);

/**
 * Every key path a CloudTrail record is documented to have (record contents and userIdentity,
 * dotted, array elements without "[]": resources.ARN), indexed or not. The one list of known
 * record keys: the ingest scanner skips them without a spelling check, canonicalRecord reads other
 * spellings of them under these names, and the query's warnings take them as real fields.
 */
export const RECORD_KEY_PATHS: readonly string[] = [...FIELD_CATALOG.values()]
  .filter((info) => info.doc === RECORD_CONTENTS_DOC || info.doc === USER_IDENTITY_DOC)
  .map((info) => info.path.replace(/\[\]/g, ''));

/**
 * The catalogue entry for a field at a JSON path relative to the record (numbers are array
 * indices), or relative to the document for lookup-events output. undefined for free-form
 * content (requestParameters.*, …).
 */
export function fieldInfo(path: ReadonlyArray<string | number>): FieldInfo | undefined {
  const dotted = path
    .map((p) => (typeof p === 'number' ? '[]' : p))
    .join('.')
    .replace(/\.\[\]/g, '[]');
  return FIELD_CATALOG.get(dotted);
}
