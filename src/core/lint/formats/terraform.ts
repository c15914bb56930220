// Terraform's `aws_cloudtrail` and `aws_cloudtrail_event_data_store` under the API's names, so
// that every rule reads them as it reads a CloudFormation resource: `is_multi_region_trail` is
// `IsMultiRegionTrail`, the repeated `event_selector` blocks are one `EventSelectors` array, and so
// on. This file holds the schema (shared with the HCL reader, hcl.ts) and reads Terraform's two
// JSON forms: configuration in JSON syntax (`*.tf.json`) and `terraform show -json` output
// (a plan's `resource_changes` / `planned_values`, or the state's `values`).
//
// Nothing is evaluated: a variable, local, function call, reference or `${…}` template is an
// opaque value, a `dynamic` block makes its block list opaque, `count` / `for_each` are ignored
// (every instance has the configuration written) unless they are written as a literal that makes
// no instance (`count = 0`, `for_each = {}`: noInstances). Absent arguments take Terraform's defaults.
import { CFN_NAMES, EVENT_DATA_STORE_NAMES, type SettingNames } from '../names';
import type { Resource, Target } from '../recognise';
import { prop, properties, propKey, stringValue, type Node } from '../tree';
import { arrayNode, objectNode, propertyNode, scalarNode } from './model';

export interface BlockSchema {
  /** Terraform argument → API name. */
  attributes: Readonly<Record<string, string>>;
  /** Nested block type → the API name of the list the blocks form, and their schema. */
  blocks: Readonly<Record<string, { key: string; schema: BlockSchema }>>;
  /** Keep arguments the schema does not know, under their own names (field selectors: a misspelt operator is a finding). */
  keepUnknown?: boolean;
}

const FIELD_SELECTOR: BlockSchema = {
  attributes: {
    field: 'Field',
    equals: 'Equals',
    not_equals: 'NotEquals',
    starts_with: 'StartsWith',
    not_starts_with: 'NotStartsWith',
    ends_with: 'EndsWith',
    not_ends_with: 'NotEndsWith',
  },
  blocks: {},
  keepUnknown: true,
};

const ADVANCED_EVENT_SELECTOR: BlockSchema = {
  attributes: { name: 'Name' },
  blocks: { field_selector: { key: 'FieldSelectors', schema: FIELD_SELECTOR } },
};

const DATA_RESOURCE: BlockSchema = { attributes: { type: 'Type', values: 'Values' }, blocks: {} };

const EVENT_SELECTOR: BlockSchema = {
  attributes: {
    read_write_type: 'ReadWriteType',
    include_management_events: 'IncludeManagementEvents',
    exclude_management_event_sources: 'ExcludeManagementEventSources',
  },
  blocks: { data_resource: { key: 'DataResources', schema: DATA_RESOURCE } },
};

const INSIGHT_SELECTOR: BlockSchema = { attributes: { insight_type: 'InsightType' }, blocks: {} };

const TRAIL: BlockSchema = {
  attributes: {
    name: 'TrailName',
    s3_bucket_name: 'S3BucketName',
    s3_key_prefix: 'S3KeyPrefix',
    enable_logging: 'IsLogging',
    is_multi_region_trail: 'IsMultiRegionTrail',
    include_global_service_events: 'IncludeGlobalServiceEvents',
    enable_log_file_validation: 'EnableLogFileValidation',
    kms_key_id: 'KMSKeyId',
    cloud_watch_logs_group_arn: 'CloudWatchLogsLogGroupArn',
    cloud_watch_logs_role_arn: 'CloudWatchLogsRoleArn',
    sns_topic_name: 'SnsTopicName',
    is_organization_trail: 'IsOrganizationTrail',
  },
  blocks: {
    event_selector: { key: 'EventSelectors', schema: EVENT_SELECTOR },
    advanced_event_selector: { key: 'AdvancedEventSelectors', schema: ADVANCED_EVENT_SELECTOR },
    insight_selector: { key: 'InsightSelectors', schema: INSIGHT_SELECTOR },
  },
};

const EVENT_DATA_STORE: BlockSchema = {
  attributes: {
    name: 'Name',
    kms_key_id: 'KmsKeyId',
    multi_region_enabled: 'MultiRegionEnabled',
    organization_enabled: 'OrganizationEnabled',
  },
  blocks: {
    advanced_event_selector: { key: 'AdvancedEventSelectors', schema: ADVANCED_EVENT_SELECTOR },
  },
};

export interface ResourceType {
  resource: Resource;
  schema: BlockSchema;
  names: SettingNames;
  /** Terraform's defaults for absent arguments (AWS provider documentation). */
  defaults: Readonly<Record<string, boolean>>;
  /** Arguments Terraform requires. */
  required: readonly string[];
}

export const RESOURCE_TYPES: Readonly<Record<string, ResourceType>> = {
  aws_cloudtrail: {
    resource: 'trail',
    schema: TRAIL,
    names: CFN_NAMES,
    defaults: {
      IsLogging: true,
      IsMultiRegionTrail: false,
      IncludeGlobalServiceEvents: true,
      EnableLogFileValidation: false,
      IsOrganizationTrail: false,
    },
    required: ['TrailName', 'S3BucketName'],
  },
  aws_cloudtrail_event_data_store: {
    resource: 'event-data-store',
    schema: EVENT_DATA_STORE,
    names: EVENT_DATA_STORE_NAMES,
    defaults: { MultiRegionEnabled: true, OrganizationEnabled: false },
    required: ['Name'],
  },
};

/** API name → Terraform name, over every schema (the names do not clash). */
const TERRAFORM_NAMES = new Map<string, string>();
(function collect(schemas: BlockSchema[]): void {
  for (const s of schemas) {
    for (const [tf, api] of Object.entries(s.attributes)) TERRAFORM_NAMES.set(api, tf);
    for (const [tf, b] of Object.entries(s.blocks)) {
      TERRAFORM_NAMES.set(b.key, tf);
      collect([b.schema]);
    }
  }
})([TRAIL, EVENT_DATA_STORE]);

/** How Terraform spells an API name (`EnableLogFileValidation` → `enable_log_file_validation`). */
export function terraformName(apiName: string): string {
  return TERRAFORM_NAMES.get(apiName) ?? apiName;
}

/**
 * A resource whose `count` or `for_each` is written as a literal that makes no instance: `count =
 * 0`, `for_each` an empty map or set (`{}`, `tomap({})`, `toset([])`), or `for_each = []`, a list,
 * which Terraform refuses (it takes a map or a set of strings), so nothing is created either.
 */
export interface NoInstances {
  /** The argument, `count = 0`. */
  offset: number;
  length: number;
  /** The argument as written, spaces removed (`for_each = toset([])`). */
  written: string;
  /** Why: no instance asked for, an empty collection, a list Terraform refuses. */
  why: 'zero' | 'empty' | 'list';
}

/**
 * Whether `argument` (`count`, `for_each`) set to `expression` (HCL's text) makes no instance of
 * its resource; undefined when it may make some or only evaluating would tell (`var.enabled ? 1 :
 * 0`). The argument spans `offset`..`offset + length`.
 */
export function noInstances(
  argument: string,
  expression: string,
  offset: number,
  length: number,
): NoInstances | undefined {
  const e = expression.replace(/\s+/g, '');
  let why: NoInstances['why'] | undefined;
  // A count is a number; the string "0" converts to one.
  if (argument === 'count') why = /^(?:0+(?:\.0*)?|"0+")$/.test(e) ? 'zero' : undefined;
  else if (argument === 'for_each')
    why = /^(?:\{\}|tomap\(\{\}\)|toset\(\[\]\))$/.test(e)
      ? 'empty'
      : e === '[]'
        ? 'list'
        : undefined;
  return why && { offset, length, written: `${argument} = ${e}`, why };
}

/** The HCL expression a Terraform JSON value stands for, when noInstances can read it. */
function jsonExpression(v: Node): string | undefined {
  switch (v.type) {
    case 'number':
      return String(v.value);
    case 'string': {
      // A template that is one interpolation is that expression; any other string is a literal.
      const s = v.value as string;
      const only = /^\$\{([^]*)\}$/.exec(s);
      if (only && !only[1].includes('${')) return only[1];
      return isTemplate(s) ? undefined : JSON.stringify(s);
    }
    case 'object':
      return v.children?.length ? undefined : '{}';
    case 'array':
      return v.children?.length ? undefined : '[]';
    default:
      return undefined;
  }
}

/** noInstances over a Terraform JSON resource body (configuration in JSON syntax). */
function jsonNoInstances(body: Node): NoInstances | undefined {
  for (const { key, value, property } of properties(body)) {
    if (key !== 'count' && key !== 'for_each') continue;
    const expression = jsonExpression(value);
    const none =
      expression !== undefined && noInstances(key, expression, property.offset, property.length);
    if (none) return none;
  }
  return undefined;
}

/** A Terraform target of `type` over the mapped `object`. */
export function terraformTarget(
  type: ResourceType,
  object: Node,
  kind: 'terraform' | 'terraform-plan',
  anchor: Node | { offset: number; length: number },
  none?: NoInstances,
): Target {
  return {
    ...(none && { noInstances: none }),
    kind,
    // A plan describes what Terraform computed from the configuration: editing it changes nothing.
    shape: kind === 'terraform' ? 'template' : 'output',
    resource: type.resource,
    object,
    hasTrailSettings: type.resource === 'trail',
    absentMeansDefault: true,
    names: type.names,
    defaults: type.defaults,
    anchor,
    spell: terraformName,
  };
}

// ---- Terraform JSON: configuration (*.tf.json) and `terraform show -json` ----

/** A string of Terraform JSON configuration that holds a template (`${…}`, `%{…}`) is an expression. */
function isTemplate(s: string): boolean {
  return s.includes('${') || s.includes('%{');
}

/**
 * The value as the rules see it, as nodes of the model (not of the JSON tree, so that a node's
 * parents are the mapped ones): templates in configuration are opaque.
 */
function configValue(v: Node, plan: boolean): Node {
  switch (v.type) {
    case 'string':
      return !plan && isTemplate(v.value as string)
        ? scalarNode('opaque', v.offset, v.length)
        : scalarNode('string', v.offset, v.length, v.value);
    case 'number':
    case 'boolean':
    case 'null':
      return scalarNode(v.type, v.offset, v.length, v.value);
    case 'array':
      return arrayNode(
        v.offset,
        v.length,
        (v.children ?? []).map((c) => configValue(c, plan)),
      );
    case 'object':
      return objectNode(
        v.offset,
        v.length,
        properties(v).map((p) =>
          propertyNode(
            p.key,
            p.keyNode.offset,
            p.keyNode.length,
            configValue(p.value, plan),
            p.property.offset,
            p.property.length,
            p.property.colonOffset,
          ),
        ),
      );
    default:
      return scalarNode('opaque', v.offset, v.length);
  }
}

/**
 * Maps one JSON object of Terraform arguments and blocks to the API's names. `unknown` is a plan's
 * `after_unknown` for the same object: arguments known only after apply are opaque.
 */
export function mapJsonBlock(src: Node, schema: BlockSchema, plan: boolean, unknown?: Node): Node {
  const out: Node[] = [];
  const seen = new Set<string>();
  for (const { key, keyNode, value, property } of properties(src)) {
    const api = schema.attributes[key];
    if (api !== undefined) {
      if (value.type === 'null') continue; // null is Terraform's "not set"
      seen.add(key);
      out.push(
        propertyNode(
          api,
          keyNode.offset,
          keyNode.length,
          configValue(value, plan),
          property.offset,
          property.length,
          property.colonOffset,
        ),
      );
      continue;
    }
    const block = schema.blocks[key];
    if (block) {
      // A block list: an array of objects, or (configuration) one object; a string is an expression.
      const items =
        value.type === 'array'
          ? (value.children ?? [])
          : value.type === 'object'
            ? [value]
            : undefined;
      seen.add(key);
      if (items && !items.length) continue; // no blocks: as if absent
      const unknownItems = prop(unknown, key);
      const mapped =
        items && items.every((i) => i.type === 'object')
          ? arrayNode(
              value.offset,
              value.length,
              items.map((i, n) => mapJsonBlock(i, block.schema, plan, unknownItems?.children?.[n])),
            )
          : scalarNode('opaque', value.offset, value.length);
      out.push(
        propertyNode(
          block.key,
          keyNode.offset,
          keyNode.length,
          mapped,
          property.offset,
          property.length,
          property.colonOffset,
        ),
      );
      continue;
    }
    if (key === 'dynamic' && !plan && value.type === 'object') {
      // `"dynamic": {"event_selector": {…}}`: the block list comes from an expression.
      for (const d of properties(value)) {
        const b = schema.blocks[d.key];
        if (!b || out.some((p) => p.children?.[0].value === b.key)) continue;
        out.push(
          propertyNode(
            b.key,
            d.keyNode.offset,
            d.keyNode.length,
            scalarNode('opaque', d.value.offset, d.value.length),
            d.property.offset,
            d.property.length,
            d.property.colonOffset,
          ),
        );
      }
      continue;
    }
    if (schema.keepUnknown)
      out.push(
        propertyNode(
          key,
          keyNode.offset,
          keyNode.length,
          configValue(value, plan),
          property.offset,
          property.length,
          property.colonOffset,
        ),
      );
  }
  // Arguments a plan knows only after apply (`"kms_key_id": true` in after_unknown) are set, to an unknown value.
  for (const { key, keyNode, value } of properties(unknown)) {
    const api = schema.attributes[key] ?? schema.blocks[key]?.key;
    if (!api || seen.has(key) || value.type !== 'boolean' || value.value !== true) continue;
    out.push(
      propertyNode(
        api,
        keyNode.offset,
        keyNode.length,
        scalarNode('opaque', keyNode.offset, keyNode.length),
        keyNode.offset,
        keyNode.length,
      ),
    );
  }
  return objectNode(src.offset, src.length, out);
}

/** Resources of a plan's or state's module tree (`root_module`, `child_modules`). */
function moduleResources(module: Node | undefined, out: Node[]): void {
  if (module?.type !== 'object') return;
  for (const r of prop(module, 'resources')?.children ?? []) out.push(r);
  for (const child of prop(module, 'child_modules')?.children ?? []) moduleResources(child, out);
}

function planTargets(root: Node): Target[] {
  const targets: Target[] = [];
  const changes = prop(root, 'resource_changes');
  if (changes?.type === 'array') {
    // resource_changes hold every planned resource with what is unknown until apply; planned_values repeats them.
    for (const rc of changes.children ?? []) {
      const type = RESOURCE_TYPES[stringValue(prop(rc, 'type')) ?? ''];
      const change = prop(rc, 'change');
      const after = prop(change, 'after');
      if (!type || stringValue(prop(rc, 'mode')) === 'data' || after?.type !== 'object') continue; // deleted: after is null
      const object = mapJsonBlock(after, type.schema, true, prop(change, 'after_unknown'));
      targets.push(
        terraformTarget(
          type,
          object,
          'terraform-plan',
          prop(rc, 'address') ?? propKey(rc, 'type') ?? rc,
        ),
      );
    }
    return targets;
  }
  const resources: Node[] = [];
  moduleResources(
    prop(prop(root, 'planned_values'), 'root_module') ?? prop(prop(root, 'values'), 'root_module'),
    resources,
  );
  for (const r of resources) {
    const type = RESOURCE_TYPES[stringValue(prop(r, 'type')) ?? ''];
    const values = prop(r, 'values');
    if (!type || stringValue(prop(r, 'mode')) === 'data' || values?.type !== 'object') continue;
    targets.push(
      terraformTarget(
        type,
        mapJsonBlock(values, type.schema, true),
        'terraform-plan',
        prop(r, 'address') ?? r,
      ),
    );
  }
  return targets;
}

/** `{"resource": {"aws_cloudtrail": {"name": {…}}}}`; a resource type or name may also map to an array of such objects. */
function configTargets(resourceNode: Node): Target[] {
  const targets: Target[] = [];
  const objects = (n: Node): Node[] =>
    n.type === 'array'
      ? (n.children ?? []).filter((c) => c.type === 'object')
      : n.type === 'object'
        ? [n]
        : [];
  for (const resources of objects(resourceNode)) {
    for (const { key: typeName, value: byName } of properties(resources)) {
      const type = RESOURCE_TYPES[typeName];
      if (!type) continue;
      for (const named of objects(byName)) {
        for (const { keyNode, value } of properties(named)) {
          for (const body of objects(value))
            targets.push(
              terraformTarget(
                type,
                mapJsonBlock(body, type.schema, false),
                'terraform',
                keyNode,
                jsonNoInstances(body),
              ),
            );
        }
      }
    }
  }
  return targets;
}

/**
 * Targets of a Terraform JSON document: `terraform show -json` output (recognised by
 * `format_version` with planned values, resource changes or state values) or configuration in
 * JSON syntax (a top-level `resource` object). Undefined when the document is neither.
 */
export function terraformJsonTargets(root: Node): Target[] | undefined {
  if (
    prop(root, 'format_version') &&
    (prop(root, 'planned_values') || prop(root, 'resource_changes') || prop(root, 'values'))
  ) {
    return planTargets(root);
  }
  const resource = prop(root, 'resource');
  if (resource && (resource.type === 'object' || resource.type === 'array')) {
    const targets = configTargets(resource);
    if (targets.length) return targets;
  }
  return undefined;
}
