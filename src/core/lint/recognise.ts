// Finds, by content rather than file name, the trail configurations a JSON or YAML document
// holds: CLI inputs (--cli-input-json), CLI/API outputs, AWS::CloudTrail::Trail resources of
// CloudFormation templates, and Terraform's JSON forms (formats/terraform.ts). Each becomes a
// Target the rules inspect.
import { terraformJsonTargets, type NoInstances } from './formats/terraform';
import {
  CFN_NAMES,
  EVENT_DATA_STORE_DEFAULTS,
  EVENT_DATA_STORE_NAMES,
  INPUT_NAMES,
  OUTPUT_NAMES,
} from './names';
import type { SettingNames } from './names';
import type { DocumentKind } from './types';
import { isIntrinsic, Node, prop, propKey, properties, stringValue } from './tree';

/**
 * input: a request the user will send; output: what the API (or a Terraform plan) describes;
 * template: a resource of infrastructure as code (CloudFormation, Terraform), the desired state.
 */
export type Shape = 'input' | 'output' | 'template';

/** What the target configures: a trail, or a CloudTrail Lake event data store. */
export type Resource = 'trail' | 'event-data-store';

export interface Target {
  kind: DocumentKind;
  shape: Shape;
  resource: Resource;
  /**
   * The object holding the trail's settings and/or selectors, under the API's names (readers of
   * formats that spell them differently map them: Terraform's `is_multi_region_trail` is
   * `IsMultiRegionTrail` here, its `event_selector` blocks are one `EventSelectors` array).
   */
  object: Node;
  /** True when the object states the trail's settings (not a selectors-only or status document). */
  hasTrailSettings: boolean;
  /**
   * True when an absent setting means the API default (create-trail input, CloudFormation,
   * API outputs, which list every setting); false when it means "left unchanged" (update-trail).
   */
  absentMeansDefault: boolean;
  /** Property names differ between inputs and outputs (EnableLogFileValidation vs LogFileValidationEnabled…). */
  names: SettingNames;
  /** Defaults of absent boolean settings that the rules' API defaults do not give (Terraform's, an event data store's). */
  defaults?: Readonly<Record<string, boolean>>;
  /** What findings about the whole resource point at when it has no name: a template's logical id, a Terraform resource's header. */
  anchor?: Node | { offset: number; length: number };
  /** How the document spells an API name (Terraform: `EnableLogFileValidation` is `enable_log_file_validation`). */
  spell?: (apiName: string) => string;
  /**
   * Terraform: the `count` / `for_each` argument by which the resource gets no instance. Such a
   * target is not judged: only the rules that say so (terraform-not-created) or that state what
   * Terraform refuses whatever the count look at it (Rule.judgesUncreated).
   */
  noInstances?: NoInstances;
  /** Derived views of the target that rules share during one lint run (see selectors.ts). */
  views?: unknown;
}

/** A spelling of names (`spell`) that is the API's own. */
export function spellingOf(t: Target): (apiName: string) => string {
  return t.spell ?? ((n) => n);
}

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

const STATUS_KEYS = [
  'LatestDeliveryTime',
  'LatestDeliveryAttemptTime',
  'TimeLoggingStarted',
  'TimeLoggingStopped',
  'StartLoggingTime',
  'LatestDeliveryError',
];

function has(obj: Node, key: string): boolean {
  return prop(obj, key) !== undefined;
}

function isTrailObject(obj: Node): boolean {
  return (
    stringValue(prop(obj, 'Name')) !== undefined && TRAIL_SETTING_KEYS.some((k) => has(obj, k))
  );
}

function trailObjectTarget(obj: Node, kind: DocumentKind): Target {
  // API outputs carry TrailARN (create-trail, update-trail, get-trail, describe-trails all do); inputs never do.
  const output =
    has(obj, 'TrailARN') || has(obj, 'HomeRegion') || has(obj, 'LogFileValidationEnabled');
  return {
    kind: output ? (kind === 'trail-input' ? 'trail-output' : kind) : 'trail-input',
    shape: output ? 'output' : 'input',
    resource: 'trail',
    object: obj,
    hasTrailSettings: true,
    // An update-trail input may omit what it leaves unchanged; create-trail requires S3BucketName.
    absentMeansDefault: output || has(obj, 'S3BucketName'),
    names: output ? OUTPUT_NAMES : INPUT_NAMES,
  };
}

const CFN_TYPES: Readonly<Record<string, Resource>> = {
  'AWS::CloudTrail::Trail': 'trail',
  'AWS::CloudTrail::EventDataStore': 'event-data-store',
};

/** A CloudTrail resource of a CloudFormation template. */
export interface CloudTrailResource {
  resource: Resource;
  logicalId: Node;
  /** Its Properties, unless absent or null. */
  properties?: Node;
}

/**
 * The CloudTrail resources of a template, in every Resources section: one set twice is an error
 * (repeated-key), and the trails of the first are what the user wrote, not to be passed over.
 */
export function cloudTrailResources(root: Node): CloudTrailResource[] {
  const out: CloudTrailResource[] = [];
  for (const { key, value: resources } of properties(root)) {
    if (key !== 'Resources' || resources.type !== 'object') continue;
    for (const { value, keyNode } of properties(resources)) {
      const resource = CFN_TYPES[stringValue(prop(value, 'Type')) ?? ''];
      if (!resource) continue;
      const props = prop(value, 'Properties');
      out.push({
        resource,
        logicalId: keyNode,
        properties: props?.type === 'null' ? undefined : props,
      });
    }
  }
  return out;
}

/**
 * Properties the rules can read: a mapping of settings, not an intrinsic function (`Fn::If`,
 * `!If`: which settings the stack gets is known only when it is deployed) nor a value under an
 * unknown tag.
 */
export function readableProperties(props: Node | undefined): boolean {
  return props?.type === 'object' && !isIntrinsic(props);
}

/**
 * A CloudTrail resource no target stands for, but which rules over the whole document report: a
 * trail without Properties (cfn-required-property), Properties that cannot be read
 * (cfn-properties-not-checked, yaml-unknown-tag).
 */
function unreadResource(r: CloudTrailResource): boolean {
  return r.properties ? !readableProperties(r.properties) : r.resource === 'trail';
}

export function recognise(root: Node | undefined): Target[] {
  if (!root || root.type !== 'object') return [];
  const targets: Target[] = [];

  for (const { resource, logicalId, properties: props } of cloudTrailResources(root)) {
    if (!props || !readableProperties(props)) continue; // not judged (cfn-properties-not-checked, cfn-required-property)
    targets.push(
      resource === 'trail'
        ? {
            kind: 'cloudformation',
            shape: 'template',
            resource,
            object: props,
            hasTrailSettings: true,
            absentMeansDefault: true,
            names: CFN_NAMES,
            anchor: logicalId,
          }
        : {
            kind: 'cloudformation',
            shape: 'template',
            resource,
            object: props,
            hasTrailSettings: false,
            absentMeansDefault: true,
            names: EVENT_DATA_STORE_NAMES,
            defaults: EVENT_DATA_STORE_DEFAULTS,
            anchor: logicalId,
          },
    );
  }
  if (targets.length) return targets;

  const terraform = terraformJsonTargets(root);
  if (terraform) return terraform;

  const trailList = prop(root, 'trailList');
  if (trailList?.type === 'array') {
    for (const t of trailList.children ?? []) {
      if (t.type === 'object')
        targets.push({ ...trailObjectTarget(t, 'describe-trails'), kind: 'describe-trails' });
    }
    // An empty trailList is still a describe-trails output (with nothing to check).
    return targets;
  }

  const trail = prop(root, 'Trail');
  if (trail?.type === 'object' && isTrailObject(trail)) {
    return [{ ...trailObjectTarget(trail, 'get-trail'), kind: 'get-trail' }];
  }

  if (
    has(root, 'EventSelectors') ||
    has(root, 'AdvancedEventSelectors') ||
    has(root, 'InsightSelectors')
  ) {
    const input = has(root, 'TrailName');
    if (input || has(root, 'TrailARN')) {
      return [
        {
          kind: input ? 'put-event-selectors' : 'get-event-selectors',
          shape: input ? 'input' : 'output',
          resource: 'trail',
          object: root,
          hasTrailSettings: false,
          absentMeansDefault: false,
          names: input ? INPUT_NAMES : OUTPUT_NAMES,
        },
      ];
    }
  }

  if (has(root, 'IsLogging') && STATUS_KEYS.some((k) => has(root, k))) {
    return [
      {
        kind: 'trail-status',
        shape: 'output',
        resource: 'trail',
        object: root,
        hasTrailSettings: false,
        absentMeansDefault: false,
        names: OUTPUT_NAMES,
      },
    ];
  }

  if (isTrailObject(root)) return [trailObjectTarget(root, 'trail-input')];
  return [];
}

/** Kinds of document the engine recognised, or none; an empty describe-trails output still counts. */
export function recogniseKinds(root: Node | undefined, targets: Target[]): DocumentKind[] {
  const kinds = new Set<DocumentKind>(targets.map((t) => t.kind));
  if (root?.type === 'object' && !kinds.has('cloudformation')) {
    if (cloudTrailResources(root).some(unreadResource)) kinds.add('cloudformation');
  }
  if (root?.type === 'object' && prop(root, 'trailList')?.type === 'array')
    kinds.add('describe-trails');
  return [...kinds];
}

/** The key node of the target's name setting, or its anchor: where findings about the whole resource point. */
export function anchorOf(t: Target): Node | { offset: number; length: number } {
  return propKey(t.object, t.names.name) ?? t.anchor ?? { offset: t.object.offset, length: 1 };
}

/**
 * A cheap first look before parsing: false when the text cannot hold a configuration the engine
 * recognises (every recognised document has one of these keys, quoted in JSON, bare in YAML, or
 * a Terraform resource type). Lets the editor skip big logs and unrelated YAML.
 */
export function mayHoldTrailConfig(text: string): boolean {
  return (
    text.includes('aws_cloudtrail') ||
    /["']?\b(?:EventSelectors|AdvancedEventSelectors|InsightSelectors|trailList|Trail|IsLogging|S3BucketName|IsMultiRegionTrail|IncludeGlobalServiceEvents|EnableLogFileValidation|LogFileValidationEnabled|KmsKeyId|CloudWatchLogsLogGroupArn|CloudWatchLogsRoleArn|SnsTopicName|IsOrganizationTrail|S3KeyPrefix)["']?\s*:/.test(
      text,
    )
  );
}
