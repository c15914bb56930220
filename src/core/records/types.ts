// The CloudTrail record as it appears in log files (eventVersion 1.0 – 1.11). Every field is
// optional and may be null: records come from many services and eras, and log content is
// attacker-controlled, so code reading a record must check types, never assume them.

export type IdentityType =
  | 'Root'
  | 'IAMUser'
  | 'AssumedRole'
  | 'Role'
  | 'FederatedUser'
  | 'AWSAccount'
  | 'AWSService'
  | 'IdentityCenterUser'
  | 'Unknown'
  | 'SAMLUser'
  | 'WebIdentityUser'
  | 'Directory';

export interface SessionIssuer {
  type?: string | null;
  principalId?: string | null;
  arn?: string | null;
  accountId?: string | null;
  userName?: string | null;
}

export interface SessionContext {
  sessionIssuer?: SessionIssuer | null;
  webIdFederationData?: {
    federatedProvider?: string | null;
    attributes?: Record<string, unknown> | null;
  } | null;
  attributes?: { creationDate?: string | null; mfaAuthenticated?: string | null } | null;
  sourceIdentity?: string | null;
  ec2RoleDelivery?: string | null;
  assumedRoot?: string | null;
}

export interface UserIdentity {
  type?: IdentityType | string | null;
  principalId?: string | null;
  arn?: string | null;
  accountId?: string | null;
  accessKeyId?: string | null;
  userName?: string | null;
  invokedBy?: string | null;
  identityProvider?: string | null;
  credentialId?: string | null;
  onBehalfOf?: { userId?: string | null; identityStoreArn?: string | null } | null;
  sessionContext?: SessionContext | null;
  inScopeOf?: Record<string, unknown> | null;
}

export interface CloudTrailResource {
  ARN?: string | null;
  accountId?: string | null;
  type?: string | null;
}

export interface CloudTrailRecord {
  eventVersion?: string | null;
  userIdentity?: UserIdentity | null;
  eventTime?: string | null;
  eventSource?: string | null;
  eventName?: string | null;
  awsRegion?: string | null;
  sourceIPAddress?: string | null;
  userAgent?: string | null;
  errorCode?: string | null;
  errorMessage?: string | null;
  requestParameters?: Record<string, unknown> | null;
  responseElements?: Record<string, unknown> | null;
  additionalEventData?: Record<string, unknown> | null;
  requestID?: string | null;
  eventID?: string | null;
  readOnly?: boolean | null;
  resources?: CloudTrailResource[] | null;
  eventType?: string | null;
  apiVersion?: string | null;
  managementEvent?: boolean | null;
  recipientAccountId?: string | null;
  serviceEventDetails?: Record<string, unknown> | null;
  sharedEventID?: string | null;
  vpcEndpointId?: string | null;
  vpcEndpointAccountId?: string | null;
  eventCategory?: string | null;
  addendum?: Record<string, unknown> | null;
  sessionCredentialFromConsole?: string | null;
  edgeDeviceDetails?: Record<string, unknown> | null;
  tlsDetails?: {
    tlsVersion?: string | null;
    cipherSuite?: string | null;
    clientProvidedHostHeader?: string | null;
  } | null;
  insightDetails?: Record<string, unknown> | null;
  [field: string]: unknown;
}
