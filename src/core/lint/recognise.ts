// Finds, by content rather than file name, the trail configurations a JSON document holds:
// CLI inputs (--cli-input-json), CLI/API outputs, and AWS::CloudTrail::Trail resources of
// CloudFormation templates. Each becomes a Target the rules inspect.
import type { DocumentKind } from './types';
import { Node, prop, properties, stringValue } from './tree';

/** input: a request the user will send; output: what the API returned; cfn: a template resource. */
export type Shape = 'input' | 'output' | 'cfn';

export interface Target {
  kind: DocumentKind;
  shape: Shape;
  /** The object holding the trail's settings and/or selectors. */
  object: Node;
  /** True when the object states the trail's settings (not a selectors-only or status document). */
  hasTrailSettings: boolean;
  /**
   * True when an absent setting means the API default (create-trail input, CloudFormation,
   * API outputs, which list every setting); false when it means "left unchanged" (update-trail).
   */
  absentMeansDefault: boolean;
  /** Property names differ between inputs and outputs (EnableLogFileValidation vs LogFileValidationEnabled…). */
  names: {
    name: string;
    logFileValidation: string;
    kmsKey: string;
  };
  /** Derived views of the target that rules share during one lint run (see selectors.ts). */
  views?: unknown;
}

const INPUT_NAMES = { name: 'Name', logFileValidation: 'EnableLogFileValidation', kmsKey: 'KmsKeyId' };
const OUTPUT_NAMES = { name: 'Name', logFileValidation: 'LogFileValidationEnabled', kmsKey: 'KmsKeyId' };
const CFN_NAMES = { name: 'TrailName', logFileValidation: 'EnableLogFileValidation', kmsKey: 'KMSKeyId' };

/** Settings that only a trail definition holds; one of them next to `Name` marks a trail object. */
const TRAIL_SETTING_KEYS = [
  'S3BucketName',
  'S3KeyPrefix',
  'IsMultiRegionTrail',
  'IncludeGlobalServiceEvents',
  'EnableLogFileValidation',
  'LogFileValidationEnabled',
  'KmsKeyId',
  'CloudWatchLogsLogGroupArn',
  'CloudWatchLogsRoleArn',
  'SnsTopicName',
  'IsOrganizationTrail',
];

const STATUS_KEYS = ['LatestDeliveryTime', 'LatestDeliveryAttemptTime', 'TimeLoggingStarted', 'TimeLoggingStopped', 'StartLoggingTime', 'LatestDeliveryError'];

function has(obj: Node, key: string): boolean {
  return prop(obj, key) !== undefined;
}

function isTrailObject(obj: Node): boolean {
  return stringValue(prop(obj, 'Name')) !== undefined && TRAIL_SETTING_KEYS.some((k) => has(obj, k));
}

function trailObjectTarget(obj: Node, kind: DocumentKind): Target {
  // API outputs carry TrailARN (create-trail, update-trail, get-trail, describe-trails all do); inputs never do.
  const output = has(obj, 'TrailARN') || has(obj, 'HomeRegion') || has(obj, 'LogFileValidationEnabled');
  return {
    kind: output ? (kind === 'trail-input' ? 'trail-output' : kind) : 'trail-input',
    shape: output ? 'output' : 'input',
    object: obj,
    hasTrailSettings: true,
    // An update-trail input may omit what it leaves unchanged; create-trail requires S3BucketName.
    absentMeansDefault: output || has(obj, 'S3BucketName'),
    names: output ? OUTPUT_NAMES : INPUT_NAMES,
  };
}

export function recognise(root: Node | undefined): Target[] {
  if (!root || root.type !== 'object') return [];
  const targets: Target[] = [];

  const resources = prop(root, 'Resources');
  if (resources?.type === 'object') {
    for (const { value } of properties(resources)) {
      if (value.type === 'object' && stringValue(prop(value, 'Type')) === 'AWS::CloudTrail::Trail') {
        const props = prop(value, 'Properties');
        if (props?.type === 'object') {
          targets.push({ kind: 'cloudformation', shape: 'cfn', object: props, hasTrailSettings: true, absentMeansDefault: true, names: CFN_NAMES });
        }
      }
    }
    if (targets.length) return targets;
  }

  const trailList = prop(root, 'trailList');
  if (trailList?.type === 'array') {
    for (const t of trailList.children ?? []) {
      if (t.type === 'object') targets.push({ ...trailObjectTarget(t, 'describe-trails'), kind: 'describe-trails' });
    }
    // An empty trailList is still a describe-trails output (with nothing to check).
    return targets;
  }

  const trail = prop(root, 'Trail');
  if (trail?.type === 'object' && isTrailObject(trail)) {
    return [{ ...trailObjectTarget(trail, 'get-trail'), kind: 'get-trail' }];
  }

  if (has(root, 'EventSelectors') || has(root, 'AdvancedEventSelectors') || has(root, 'InsightSelectors')) {
    const input = has(root, 'TrailName');
    if (input || has(root, 'TrailARN')) {
      return [
        {
          kind: input ? 'put-event-selectors' : 'get-event-selectors',
          shape: input ? 'input' : 'output',
          object: root,
          hasTrailSettings: false,
          absentMeansDefault: false,
          names: input ? INPUT_NAMES : OUTPUT_NAMES,
        },
      ];
    }
  }

  if (has(root, 'IsLogging') && STATUS_KEYS.some((k) => has(root, k))) {
    return [{ kind: 'trail-status', shape: 'output', object: root, hasTrailSettings: false, absentMeansDefault: false, names: OUTPUT_NAMES }];
  }

  if (isTrailObject(root)) return [trailObjectTarget(root, 'trail-input')];
  return [];
}

/** Kinds of document the engine recognised, or none; an empty describe-trails output still counts. */
export function recogniseKinds(root: Node | undefined, targets: Target[]): DocumentKind[] {
  const kinds = new Set<DocumentKind>(targets.map((t) => t.kind));
  if (root?.type === 'object' && prop(root, 'trailList')?.type === 'array') kinds.add('describe-trails');
  return [...kinds];
}

/**
 * A cheap first look before parsing: false when the text cannot hold a configuration the engine
 * recognises (every recognised document has one of these keys). Lets the editor skip big logs.
 */
export function mayHoldTrailConfig(text: string): boolean {
  return /"(?:EventSelectors|AdvancedEventSelectors|InsightSelectors|trailList|Trail|IsLogging|S3BucketName|IsMultiRegionTrail|IncludeGlobalServiceEvents|EnableLogFileValidation|LogFileValidationEnabled|KmsKeyId|CloudWatchLogsLogGroupArn|CloudWatchLogsRoleArn|SnsTopicName|IsOrganizationTrail|S3KeyPrefix)"\s*:/.test(text);
}
