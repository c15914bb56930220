// What the CloudTrail API accepts for trails and event selectors, from the AWS CloudTrail API
// Reference (AdvancedFieldSelector, AdvancedEventSelector, EventSelector, DataResource,
// CreateTrail, InsightSelector) and the CloudTrail User Guide. One place for these facts: the
// rules, the quick fixes, completion and hover all read them from here.

export const DOCS = {
  advancedFieldSelector:
    'https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_AdvancedFieldSelector.html',
  advancedEventSelector:
    'https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_AdvancedEventSelector.html',
  eventSelector:
    'https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_EventSelector.html',
  dataResource:
    'https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_DataResource.html',
  putEventSelectors:
    'https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_PutEventSelectors.html',
  putInsightSelectors:
    'https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_PutInsightSelectors.html',
  createTrail: 'https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_CreateTrail.html',
  insightSelector:
    'https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_InsightSelector.html',
  trailNaming:
    'https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-trail-naming-requirements.html',
  dataEvents:
    'https://docs.aws.amazon.com/awscloudtrail/latest/userguide/logging-data-events-with-cloudtrail.html',
  managementEvents:
    'https://docs.aws.amazon.com/awscloudtrail/latest/userguide/logging-management-events-with-cloudtrail.html',
  networkEvents:
    'https://docs.aws.amazon.com/awscloudtrail/latest/userguide/logging-network-events-with-cloudtrail.html',
  logFileValidation:
    'https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-log-file-validation-intro.html',
  multiRegion:
    'https://docs.aws.amazon.com/awscloudtrail/latest/userguide/receive-cloudtrail-log-files-from-multiple-regions.html',
  globalServiceEvents:
    'https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-concepts.html#cloudtrail-concepts-global-service-events',
  kms: 'https://docs.aws.amazon.com/awscloudtrail/latest/userguide/encrypting-cloudtrail-log-files-with-aws-kms.html',
  cloudWatchLogs:
    'https://docs.aws.amazon.com/awscloudtrail/latest/userguide/send-cloudtrail-events-to-cloudwatch-logs.html',
  startLogging:
    'https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_StartLogging.html',
  securityHub: 'https://docs.aws.amazon.com/securityhub/latest/userguide/cloudtrail-controls.html',
  cfnTrail:
    'https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-cloudtrail-trail.html',
  cfnTemplateFormats:
    'https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/template-formats.html',
  cfnIntrinsicFunctions:
    'https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/intrinsic-function-reference.html',
  terraformTrail:
    'https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/cloudtrail',
  terraformCount: 'https://developer.hashicorp.com/terraform/language/meta-arguments/count',
  terraformEventDataStore:
    'https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/cloudtrail_event_data_store',
  eventDataStore:
    'https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_CreateEventDataStore.html',
} as const;

export const LIMITS = {
  basicSelectorsPerTrail: 5,
  dataResourcesPerTrail: 250,
  advancedValuesPerTrail: 500,
  fieldNameLength: 1000,
  selectorNameLength: 1000,
  fieldValueLength: 2048,
  trailNameMin: 3,
  trailNameMax: 128,
  s3KeyPrefixLength: 200,
  snsTopicNameLength: 256,
} as const;

export type EventCategory = 'Management' | 'Data' | 'NetworkActivity';

/** Event categories a trail's advanced selectors accept (Insight, ConfigurationItem… are event-data-store only). */
export const TRAIL_EVENT_CATEGORIES: readonly EventCategory[] = [
  'Management',
  'Data',
  'NetworkActivity',
];

export const FIELDS_BY_CATEGORY: Record<EventCategory, readonly string[]> = {
  Management: ['eventCategory', 'eventSource', 'readOnly'],
  Data: [
    'eventCategory',
    'eventSource',
    'readOnly',
    'eventName',
    'eventType',
    'resources.type',
    'resources.ARN',
    'sessionCredentialFromConsole',
    'userIdentity.arn',
  ],
  NetworkActivity: ['eventCategory', 'eventSource', 'eventName', 'errorCode', 'vpcEndpointId'],
};

export const KNOWN_FIELDS: readonly string[] = [
  ...new Set(Object.values(FIELDS_BY_CATEGORY).flat()),
];

/**
 * Event data stores (CloudTrail Lake) accept more: management selectors may also use eventName,
 * eventType, sessionCredentialFromConsole and userIdentity.arn, and stores of Insights events,
 * AWS Config configuration items, Audit Manager evidence or events from outside AWS select by
 * eventCategory alone (AdvancedFieldSelector, API Reference).
 */
export const EVENT_DATA_STORE_FIELDS_BY_CATEGORY: Record<string, readonly string[]> = {
  ...FIELDS_BY_CATEGORY,
  Management: [
    'eventCategory',
    'eventSource',
    'readOnly',
    'eventName',
    'eventType',
    'sessionCredentialFromConsole',
    'userIdentity.arn',
  ],
  Insight: ['eventCategory'],
  ConfigurationItem: ['eventCategory'],
  Evidence: ['eventCategory'],
  ActivityAuditLog: ['eventCategory'],
};

export const EVENT_DATA_STORE_CATEGORIES: readonly string[] = Object.keys(
  EVENT_DATA_STORE_FIELDS_BY_CATEGORY,
);

export const FIELD_DOCS: Record<string, string> = {
  eventCategory: 'Required. `Equals` only. `Management`, `Data` or `NetworkActivity` for a trail.',
  eventSource:
    'The service that emitted the event, e.g. `s3.amazonaws.com`. For management events typically `NotEquals` `kms.amazonaws.com` / `rdsdata.amazonaws.com`; for network activity events, the service whose VPC endpoint is used.',
  readOnly: '`Equals` only, `true` (read events) or `false` (write events). Omit it to log both.',
  eventName: 'The API action, e.g. `PutObject`. Any operator.',
  eventType: 'The eventType of the record, e.g. `AwsApiCall`. Any operator.',
  'resources.type':
    'Required for data events. `Equals` only, exactly one resource type per selector, e.g. `AWS::S3::Object`.',
  'resources.ARN':
    'The resource ARN. Any operator; with `Equals`/`NotEquals` the value must be a full ARN of the selected resources.type.',
  sessionCredentialFromConsole:
    '`true` to select data events made with console session credentials.',
  'userIdentity.arn': 'The ARN of the identity that made the call. Any operator.',
  errorCode:
    'Network activity events: e.g. `VpceAccessDenied` to log only calls denied by a VPC endpoint policy.',
  vpcEndpointId: 'Network activity events: the VPC endpoint ID, e.g. `vpce-0123456789abcdef0`.',
};

/** The only errorCode value network activity selectors accept (AdvancedEventSelector, API Reference). */
export const NETWORK_ERROR_CODES: readonly string[] = ['VpceAccessDenied'];

/** Fields that accept only the `Equals` operator. */
export const EQUALS_ONLY_FIELDS: readonly string[] = [
  'readOnly',
  'eventCategory',
  'resources.type',
];

/** Fields a selector may hold at most once. */
export const SINGLE_FIELDS: readonly string[] = ['eventCategory', 'resources.type'];

export const OPERATORS: readonly string[] = [
  'Equals',
  'NotEquals',
  'StartsWith',
  'NotStartsWith',
  'EndsWith',
  'NotEndsWith',
];

export const OPERATOR_DOCS: Record<string, string> = {
  Equals:
    'Includes events whose field matches one of the values exactly. The only operator for readOnly, eventCategory and resources.type.',
  NotEquals: 'Excludes events whose field matches one of the values exactly.',
  StartsWith:
    'Includes events whose field starts with one of the values (selectors support no wildcards).',
  NotStartsWith: 'Excludes events whose field starts with one of the values.',
  EndsWith: 'Includes events whose field ends with one of the values.',
  NotEndsWith: 'Excludes events whose field ends with one of the values.',
};

/** resources.type values accepted for data events (CloudTrail User Guide, data events table). */
export const DATA_RESOURCE_TYPES: readonly string[] = [
  'AWS::DynamoDB::Table',
  'AWS::Lambda::Function',
  'AWS::S3::Object',
  'AWS::AppConfig::Configuration',
  'AWS::B2BI::Transformer',
  'AWS::Bedrock::AgentAlias',
  'AWS::Bedrock::KnowledgeBase',
  'AWS::Cassandra::Table',
  'AWS::CloudFront::KeyValueStore',
  'AWS::CloudTrail::Channel',
  'AWS::CodeWhisperer::Customization',
  'AWS::CodeWhisperer::Profile',
  'AWS::Cognito::IdentityPool',
  'AWS::DynamoDB::Stream',
  'AWS::EC2::Snapshot',
  'AWS::EMRWAL::Workspace',
  'AWS::FinSpace::Environment',
  'AWS::Glue::Table',
  'AWS::GreengrassV2::ComponentVersion',
  'AWS::GreengrassV2::Deployment',
  'AWS::GuardDuty::Detector',
  'AWS::IoT::Certificate',
  'AWS::IoT::Thing',
  'AWS::IoTSiteWise::Asset',
  'AWS::IoTSiteWise::TimeSeries',
  'AWS::IoTTwinMaker::Entity',
  'AWS::IoTTwinMaker::Workspace',
  'AWS::KendraRanking::ExecutionPlan',
  'AWS::KinesisVideo::Stream',
  'AWS::ManagedBlockchain::Network',
  'AWS::ManagedBlockchain::Node',
  'AWS::MedicalImaging::Datastore',
  'AWS::NeptuneGraph::Graph',
  'AWS::PCAConnectorAD::Connector',
  'AWS::QApps::QApp',
  'AWS::QBusiness::Application',
  'AWS::QBusiness::DataSource',
  'AWS::QBusiness::Index',
  'AWS::QBusiness::WebExperience',
  'AWS::RDS::DBCluster',
  'AWS::S3::AccessPoint',
  'AWS::S3Express::Object',
  'AWS::S3ObjectLambda::AccessPoint',
  'AWS::S3Outposts::Object',
  'AWS::SageMaker::Endpoint',
  'AWS::SageMaker::ExperimentTrialComponent',
  'AWS::SageMaker::FeatureGroup',
  'AWS::SCN::Instance',
  'AWS::ServiceDiscovery::Namespace',
  'AWS::ServiceDiscovery::Service',
  'AWS::SNS::PlatformEndpoint',
  'AWS::SNS::Topic',
  'AWS::SQS::Queue',
  'AWS::SSM::ManagedNode',
  'AWS::SSMMessages::ControlChannel',
  'AWS::SWF::Domain',
  'AWS::ThinClient::Device',
  'AWS::ThinClient::Environment',
  'AWS::Timestream::Database',
  'AWS::Timestream::Table',
  'AWS::VerifiedPermissions::PolicyStore',
  'AWS::XRay::Trace',
];

/** The three resource types basic event selectors (DataResource) accept. */
export const BASIC_DATA_RESOURCE_TYPES: readonly string[] = [
  'AWS::S3::Object',
  'AWS::Lambda::Function',
  'AWS::DynamoDB::Table',
];

export const READ_WRITE_TYPES: readonly string[] = ['ReadOnly', 'WriteOnly', 'All'];

/** Management event sources an EventSelector may exclude. */
export const EXCLUDABLE_MANAGEMENT_SOURCES: readonly string[] = [
  'kms.amazonaws.com',
  'rdsdata.amazonaws.com',
];

export const INSIGHT_TYPES: readonly string[] = ['ApiCallRateInsight', 'ApiErrorRateInsight'];
/** InsightSelector.EventCategories (API reference: InsightSelector). */
export const INSIGHT_EVENT_CATEGORIES: readonly string[] = ['Management', 'Data'];

const PARTITION = '(?:aws|aws-cn|aws-us-gov|aws-iso|aws-iso-b|aws-iso-e|aws-iso-f|aws-eusc)';

/**
 * DataResource value forms per basic type: "all resources of the type" forms, and a single
 * resource (S3: a bucket ARN with a trailing slash and optional object prefix).
 */
export const DATA_RESOURCE_ARN_FORMS: Record<
  string,
  { all: RegExp; one: RegExp; example: string }
> = {
  'AWS::S3::Object': {
    all: new RegExp(`^arn:${PARTITION}:s3(?::::)?$`),
    // Lenient on the bucket name: legacy us-east-1 buckets may hold capitals and underscores.
    one: new RegExp(`^arn:${PARTITION}:s3:::[A-Za-z0-9][A-Za-z0-9._-]{1,254}/.*$`),
    example: 'arn:aws:s3:::amzn-s3-demo-bucket/ or arn:aws:s3:::amzn-s3-demo-bucket/prefix',
  },
  'AWS::Lambda::Function': {
    all: new RegExp(`^arn:${PARTITION}:lambda$`),
    one: new RegExp(
      `^arn:${PARTITION}:lambda:[a-z0-9-]+:\\d{12}:function:[A-Za-z0-9_-]{1,64}(?::[A-Za-z0-9$_-]+)?$`,
    ),
    example: 'arn:aws:lambda:us-east-1:123456789012:function:my-function',
  },
  'AWS::DynamoDB::Table': {
    all: new RegExp(`^arn:${PARTITION}:dynamodb$`),
    one: new RegExp(`^arn:${PARTITION}:dynamodb:[a-z0-9-]+:\\d{12}:table/[A-Za-z0-9_.-]{3,255}$`),
    example: 'arn:aws:dynamodb:us-east-1:123456789012:table/my-table',
  },
};

/** True when a DataResource value selects every resource of its type (e.g. `arn:aws:s3:::`). */
export function isAllResourcesValue(type: string, value: string): boolean {
  return DATA_RESOURCE_ARN_FORMS[type]?.all.test(value) ?? false;
}
