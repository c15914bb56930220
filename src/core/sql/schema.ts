// The two SQL tables the compiler targets, as data: the Athena table for CloudTrail logs as the
// Athena User Guide documents it ("Create the table for CloudTrail logs in Athena using partition
// projection"), and the CloudTrail Lake event data store schema ("CloudTrail Lake SQL
// constraints", event schema). The DDL generator prints the first; the compiler resolves query
// paths against both; the loopback test server builds DuckDB views with the same shapes.
//
// A column is named by its record key (as CloudTrail writes it) so that a query path resolves by
// walking record keys; `sql` is the identifier in the statement.

export type SqlType =
  /** Text. Athena keeps booleans (readOnly) and times (eventTime) as text in its table. */
  | { kind: 'string'; time?: boolean }
  /** Text holding a JSON document (requestParameters…): paths inside go through JSON functions. */
  | { kind: 'json' }
  | { kind: 'boolean' }
  | { kind: 'timestamp' }
  | { kind: 'struct'; fields: SqlColumn[] }
  | { kind: 'array'; element: SqlType }
  /** map<string,string>; in Lake a nested object or array is stored in a value as JSON text. */
  | { kind: 'map'; jsonValues?: boolean };

export interface SqlColumn {
  /** The record key (camelCase as in the log). */
  key: string;
  /** The column or struct field name in SQL. */
  sql: string;
  type: SqlType;
}

const string: SqlType = { kind: 'string' };
const json: SqlType = { kind: 'json' };
const col = (key: string, type: SqlType = string, sql = key.toLowerCase()): SqlColumn => ({
  key,
  sql,
  type,
});
const struct = (...fields: SqlColumn[]): SqlType => ({ kind: 'struct', fields });

/** The documented Athena CloudTrail table: lower-case names, every scalar a STRING. */
export const ATHENA_COLUMNS: readonly SqlColumn[] = [
  col('eventVersion'),
  col(
    'userIdentity',
    struct(
      col('type'),
      col('principalId'),
      col('arn'),
      col('accountId'),
      col('invokedBy'),
      col('accessKeyId'),
      col('userName'),
      col('onBehalfOf', struct(col('userId'), col('identityStoreArn'))),
      col(
        'sessionContext',
        struct(
          col(
            'attributes',
            struct(col('mfaAuthenticated'), col('creationDate', { kind: 'string', time: true })),
          ),
          col(
            'sessionIssuer',
            struct(col('type'), col('principalId'), col('arn'), col('accountId'), col('userName')),
          ),
          col('ec2RoleDelivery'),
          col(
            'webIdFederationData',
            struct(col('federatedProvider'), col('attributes', { kind: 'map' })),
          ),
        ),
      ),
    ),
  ),
  col('eventTime', { kind: 'string', time: true }),
  col('eventSource'),
  col('eventName'),
  col('awsRegion'),
  col('sourceIPAddress'),
  col('userAgent'),
  col('errorCode'),
  col('errorMessage'),
  col('requestParameters', json),
  col('responseElements', json),
  col('additionalEventData', json),
  col('requestID'),
  col('eventID'),
  col('readOnly'),
  col('resources', { kind: 'array', element: struct(col('ARN'), col('accountId'), col('type')) }),
  col('eventType'),
  col('apiVersion'),
  col('recipientAccountId'),
  col('serviceEventDetails', json),
  col('sharedEventID'),
  col('vpcEndpointId'),
  col('vpcEndpointAccountId'),
  col('eventCategory'),
  col(
    'addendum',
    struct(col('reason'), col('updatedFields'), col('originalRequestID'), col('originalEventID')),
  ),
  col('sessionCredentialFromConsole'),
  col('edgeDeviceDetails', json),
  col('tlsDetails', struct(col('tlsVersion'), col('cipherSuite'), col('clientProvidedHostHeader'))),
];

/** The partition columns of the tables `athena-ddl` writes (partition projection). */
export const ATHENA_PARTITIONS = ['account', 'region', 'timestamp'] as const;

/**
 * A CloudTrail Lake event data store of CloudTrail events. Trino resolves identifiers without
 * regard to case; the names are written as the schema documents them. requestParameters,
 * responseElements and additionalEventData are map<string,string>: a nested object or array is
 * a JSON text value.
 */
export const LAKE_COLUMNS: readonly SqlColumn[] = [
  col('eventVersion', string, 'eventVersion'),
  col(
    'userIdentity',
    struct(
      col('type', string, 'type'),
      col('principalId', string, 'principalId'),
      col('arn', string, 'arn'),
      col('accountId', string, 'accountId'),
      col('accessKeyId', string, 'accessKeyId'),
      col('userName', string, 'userName'),
      col(
        'sessionContext',
        struct(
          col(
            'attributes',
            struct(
              col('creationDate', { kind: 'timestamp' }, 'creationDate'),
              col('mfaAuthenticated', { kind: 'boolean' }, 'mfaAuthenticated'),
            ),
            'attributes',
          ),
          col(
            'sessionIssuer',
            struct(
              col('type', string, 'type'),
              col('principalId', string, 'principalId'),
              col('arn', string, 'arn'),
              col('accountId', string, 'accountId'),
              col('userName', string, 'userName'),
            ),
            'sessionIssuer',
          ),
          col(
            'webIdFederationData',
            struct(
              col('federatedProvider', string, 'federatedProvider'),
              col('attributes', { kind: 'map' }, 'attributes'),
            ),
            'webIdFederationData',
          ),
          col('sourceIdentity', string, 'sourceIdentity'),
          col('ec2RoleDelivery', string, 'ec2RoleDelivery'),
          col('ec2IssuedInVpc', string, 'ec2IssuedInVpc'),
        ),
        'sessionContext',
      ),
      col('invokedBy', string, 'invokedBy'),
      col('identityProvider', string, 'identityProvider'),
      col('credentialId', string, 'credentialId'),
      col(
        'onBehalfOf',
        struct(
          col('userId', string, 'userId'),
          col('identityStoreArn', string, 'identityStoreArn'),
        ),
        'onBehalfOf',
      ),
    ),
    'userIdentity',
  ),
  col('eventTime', { kind: 'timestamp' }, 'eventTime'),
  col('eventSource', string, 'eventSource'),
  col('eventName', string, 'eventName'),
  col('awsRegion', string, 'awsRegion'),
  col('sourceIPAddress', string, 'sourceIPAddress'),
  col('userAgent', string, 'userAgent'),
  col('errorCode', string, 'errorCode'),
  col('errorMessage', string, 'errorMessage'),
  col('requestParameters', { kind: 'map', jsonValues: true }, 'requestParameters'),
  col('responseElements', { kind: 'map', jsonValues: true }, 'responseElements'),
  col('additionalEventData', { kind: 'map', jsonValues: true }, 'additionalEventData'),
  col('requestID', string, 'requestID'),
  col('eventID', string, 'eventID'),
  col('readOnly', { kind: 'boolean' }, 'readOnly'),
  col(
    'resources',
    {
      kind: 'array',
      element: struct(
        col('ARN', string, 'ARN'),
        col('accountId', string, 'accountId'),
        col('type', string, 'type'),
      ),
    },
    'resources',
  ),
  col('eventType', string, 'eventType'),
  col('apiVersion', string, 'apiVersion'),
  col('managementEvent', { kind: 'boolean' }, 'managementEvent'),
  col('recipientAccountId', string, 'recipientAccountId'),
  col('sharedEventID', string, 'sharedEventID'),
  col('vpcEndpointId', string, 'vpcEndpointId'),
  col('vpcEndpointAccountId', string, 'vpcEndpointAccountId'),
  col('eventCategory', string, 'eventCategory'),
  col('sessionCredentialFromConsole', string, 'sessionCredentialFromConsole'),
  col(
    'tlsDetails',
    struct(
      col('tlsVersion', string, 'tlsVersion'),
      col('cipherSuite', string, 'cipherSuite'),
      col('clientProvidedHostHeader', string, 'clientProvidedHostHeader'),
    ),
    'tlsDetails',
  ),
];

/** The Athena column list as DDL text (`name TYPE`), two-space indented. */
export function athenaColumnsDdl(): string {
  return ATHENA_COLUMNS.map((c) => `  ${c.sql} ${hiveType(c.type, '  ')}`).join(',\n');
}

function hiveType(type: SqlType, indent: string): string {
  switch (type.kind) {
    case 'string':
    case 'json':
      return 'STRING';
    case 'boolean':
      return 'BOOLEAN';
    case 'timestamp':
      return 'TIMESTAMP';
    case 'map':
      return 'MAP<STRING,STRING>';
    case 'array':
      return `ARRAY<${hiveType(type.element, indent)}>`;
    case 'struct': {
      const inner = `${indent}  `;
      return `STRUCT<\n${type.fields.map((f) => `${inner}${f.sql}: ${hiveType(f.type, inner)}`).join(',\n')}>`;
    }
  }
}
