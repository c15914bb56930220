// Rules over a trail's own settings (CreateTrail / UpdateTrail / CloudFormation properties).
import { DOCS, INSIGHT_EVENT_CATEGORIES, INSIGHT_TYPES, LIMITS } from '../apiFacts';
import { RESOURCE_TYPES } from '../formats/terraform';
import { yamlRefusals } from '../formats/yaml';
import { anchorOf, cloudTrailResources, readableProperties, spellingOf } from '../recognise';
import { defineDocumentRule, defineRule, type Rule } from '../rule';
import { managementEventCoverage } from '../selectors';
import {
  arrayItems,
  boolValue,
  eachNodeOnce,
  LineIndex,
  isIntrinsic,
  prop,
  properties,
  propKey,
  stringValue,
  type Node,
} from '../tree';

/** A trail name per the CloudTrail naming requirements; undefined when valid. */
export function trailNameProblem(name: string): string | undefined {
  if (name.length < LIMITS.trailNameMin || name.length > LIMITS.trailNameMax) {
    return `is ${name.length} characters (${LIMITS.trailNameMin} to ${LIMITS.trailNameMax} allowed)`;
  }
  if (!/^[A-Za-z0-9._-]+$/.test(name))
    return 'may contain only letters, digits, periods, underscores and dashes';
  if (!/^[A-Za-z0-9]/.test(name) || !/[A-Za-z0-9]$/.test(name))
    return 'must start and end with a letter or digit';
  if (/[._-]{2}/.test(name)) return 'must not have two periods, underscores or dashes in a row';
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(name)) return 'must not look like an IP address';
  return undefined;
}

export const trailName = defineRule(
  {
    id: 'trail-name',
    group: 'correctness',
    severity: 'error',
    title: 'Invalid trail name',
    description:
      'Trail names are 3 to 128 characters of letters, digits, periods, underscores and dashes; they start and end with a letter or digit; no two of `.`, `_`, `-` in a row (e.g. `my-_trail`); and they are not in IP address form (e.g. 192.168.5.4).',
    docUrl: DOCS.trailNaming,
  },
  (ctx) => {
    const t = ctx.target;
    // Selector documents name the trail by TrailName, which may also be an ARN.
    const node = t.hasTrailSettings ? prop(t.object, t.names.name) : prop(t.object, 'TrailName');
    const name = stringValue(node);
    if (!node || name === undefined || name.startsWith('arn:')) return;
    const problem = trailNameProblem(name);
    if (problem) ctx.report({ node, message: `Trail name "${name}" ${problem}.` });
  },
);

function lengthRule(id: string, key: string, max: number, title: string, docUrl: string) {
  return defineRule(
    {
      id,
      group: 'correctness',
      severity: 'error',
      title,
      description: `${key} is at most ${max} characters; CreateTrail and UpdateTrail reject a longer value.`,
      docUrl,
    },
    (ctx) => {
      if (!ctx.target.hasTrailSettings) return;
      const node = prop(ctx.target.object, key);
      const s = stringValue(node);
      if (node && s !== undefined && s.length > max)
        ctx.report({
          node,
          message: `${spellingOf(ctx.target)(key)} is ${s.length} characters (maximum ${max}).`,
        });
    },
  );
}

export const s3KeyPrefixLength = lengthRule(
  's3-key-prefix-length',
  'S3KeyPrefix',
  LIMITS.s3KeyPrefixLength,
  'S3KeyPrefix longer than 200 characters',
  DOCS.createTrail,
);
export const snsTopicNameLength = lengthRule(
  'sns-topic-name-length',
  'SnsTopicName',
  LIMITS.snsTopicNameLength,
  'SnsTopicName longer than 256 characters',
  DOCS.createTrail,
);

function isSet(node: ReturnType<typeof prop>): boolean {
  if (!node) return false;
  if (isIntrinsic(node)) return true;
  const s = stringValue(node);
  return s !== undefined && s !== '';
}

export const cloudWatchLogsPair = defineRule(
  {
    id: 'cloudwatch-logs-pair',
    group: 'correctness',
    severity: 'error',
    title: 'CloudWatch Logs log group without role, or role without log group',
    description:
      'CloudWatchLogsLogGroupArn and CloudWatchLogsRoleArn go together: CloudTrail needs the role to write to the log group. The API rejects one without the other.',
    docUrl: DOCS.cloudWatchLogs,
  },
  (ctx) => {
    const t = ctx.target;
    if (!t.hasTrailSettings) return;
    const group = prop(t.object, 'CloudWatchLogsLogGroupArn');
    const role = prop(t.object, 'CloudWatchLogsRoleArn');
    const say = spellingOf(t);
    if (isSet(group) && !isSet(role)) {
      ctx.report({
        node: propKey(t.object, 'CloudWatchLogsLogGroupArn')!,
        message: `${say('CloudWatchLogsLogGroupArn')} is set but ${say('CloudWatchLogsRoleArn')} is not.`,
      });
    } else if (isSet(role) && !isSet(group)) {
      ctx.report({
        node: propKey(t.object, 'CloudWatchLogsRoleArn')!,
        message: `${say('CloudWatchLogsRoleArn')} is set but ${say('CloudWatchLogsLogGroupArn')} is not.`,
      });
    }
  },
);

export const multiRegionNeedsGlobal = defineRule(
  {
    id: 'multi-region-global-events',
    group: 'correctness',
    severity: 'error',
    title: 'Multi-Region trail that excludes global service events',
    description:
      'A multi-Region trail must include global service events (IAM, STS, CloudFront…); the API rejects IsMultiRegionTrail true with IncludeGlobalServiceEvents false.',
    docUrl: DOCS.globalServiceEvents,
  },
  (ctx) => {
    const t = ctx.target;
    if (!t.hasTrailSettings) return;
    const global = prop(t.object, 'IncludeGlobalServiceEvents');
    if (boolValue(prop(t.object, 'IsMultiRegionTrail')) !== true || boolValue(global) !== false)
      return;
    ctx.report({
      node: global!,
      message: 'A multi-Region trail must include global service events.',
      fixes:
        t.shape === 'output'
          ? []
          : [
              {
                title: 'Include global service events',
                edits: ctx.syntax.setProperty(t, t.object, 'IncludeGlobalServiceEvents', true),
              },
            ],
    });
  },
);

export const insightType = defineRule(
  {
    id: 'insight-type',
    group: 'correctness',
    severity: 'error',
    title: 'Invalid or repeated InsightType, or an invalid event category',
    description: `InsightType is ${INSIGHT_TYPES.join(' or ')}, each at most once; its EventCategories are ${INSIGHT_EVENT_CATEGORIES.join(' or ')}.`,
    docUrl: DOCS.insightSelector,
  },
  (ctx) => {
    const seen = new Set<string>();
    for (const sel of arrayItems(prop(ctx.target.object, 'InsightSelectors'))) {
      const node = prop(sel, 'InsightType');
      const s = stringValue(node);
      if (!node || s === undefined) continue;
      if (!INSIGHT_TYPES.includes(s))
        ctx.report({
          node,
          message: `"${s}" is not an insight type (expected ${INSIGHT_TYPES.join(' or ')}).`,
        });
      else if (seen.has(s)) ctx.report({ node, message: `${s} is listed more than once.` });
      seen.add(s);
    }
    // The API refuses any other category (the enum is case-sensitive).
    for (const sel of arrayItems(prop(ctx.target.object, 'InsightSelectors')))
      for (const item of arrayItems(prop(sel, 'EventCategories'))) {
        const c = stringValue(item);
        if (c === undefined || INSIGHT_EVENT_CATEGORIES.includes(c)) continue;
        const meant = INSIGHT_EVENT_CATEGORIES.find((k) => k.toLowerCase() === c.toLowerCase());
        ctx.report({
          node: item,
          message: `"${c}" is not an event category for Insights (expected ${INSIGHT_EVENT_CATEGORIES.join(' or ')}${meant ? `: "${meant}", as the API spells it` : ''}).`,
        });
      }
  },
);

export const insightsManagementEvents = defineRule(
  {
    id: 'insights-management-events',
    group: 'correctness',
    severity: 'error',
    title: 'Insights on management events the trail does not log',
    description:
      'Insights on management events analyse the management events the trail itself logs. CloudTrail requires (PutInsightSelectors) that the trail log write management events for ApiCallRateInsight, and read or write management events for ApiErrorRateInsight. With event selectors that log none (or, for ApiCallRateInsight, only read events), enabling Insights fails, and the stack or the apply with it.',
    docUrl: DOCS.putInsightSelectors,
  },
  (ctx) => {
    const t = ctx.target;
    if (t.resource !== 'trail') return;
    const insights = arrayItems(prop(t.object, 'InsightSelectors'));
    if (!insights.length) return;
    const cov = managementEventCoverage(t);
    if (!cov || cov.write) return; // write management events serve both insight types
    for (const sel of insights) {
      const node = prop(sel, 'InsightType');
      const type = stringValue(node);
      if (!node || type === undefined || !INSIGHT_TYPES.includes(type)) continue;
      // Without EventCategories, Insights are on management events (InsightSelector).
      const categories = prop(sel, 'EventCategories');
      if (categories && !arrayItems(categories).some((c) => stringValue(c) === 'Management'))
        continue;
      const needs = type === 'ApiCallRateInsight' ? 'write' : 'read or write';
      if (needs === 'read or write' && cov.read) continue;
      ctx.report({
        node,
        message: `${type} on management events needs the trail to log ${needs} management events, but its event selectors log ${cov.read ? 'only read ones' : 'none'}: CloudTrail refuses to enable these Insights.`,
      });
    }
  },
);

export const cfnRequiredProperty = defineRule(
  {
    id: 'cfn-required-property',
    group: 'correctness',
    severity: 'error',
    title: 'AWS::CloudTrail::Trail without IsLogging or S3BucketName',
    description:
      'IsLogging and S3BucketName are required properties of an AWS::CloudTrail::Trail resource; CloudFormation rejects the template without them.',
    docUrl: DOCS.cfnTrail,
  },
  (ctx) => {
    const t = ctx.target;
    if (t.kind !== 'cloudformation' || t.resource !== 'trail') return;
    const missing = ['IsLogging', 'S3BucketName'].filter((k) => !prop(t.object, k));
    if (!missing.length) return;
    const entry = ctx.syntax.format === 'yaml' ? 'IsLogging: true' : '"IsLogging": true';
    ctx.report({
      node: t.anchor ?? { offset: t.object.offset, length: 1 },
      message: `The trail resource lacks the required ${missing.join(' and ')} propert${missing.length > 1 ? 'ies' : 'y'}.`,
      fixes: missing.includes('IsLogging')
        ? [{ title: `Add ${entry}`, edits: ctx.syntax.setProperty(t, t.object, 'IsLogging', true) }]
        : [],
    });
  },
  // A trail resource without Properties (or `Properties:` and nothing) is no target: it lacks both.
  (ctx) => {
    for (const root of ctx.roots)
      for (const r of cloudTrailResources(root))
        if (r.resource === 'trail' && !r.properties)
          ctx.report({
            node: r.logicalId,
            message:
              'The trail resource has no Properties: it lacks the required IsLogging and S3BucketName properties.',
          });
  },
);

/** The properties of AWS::CloudTrail::Trail (CloudFormation template reference). */
const CFN_TRAIL_PROPERTIES = [
  'AdvancedEventSelectors',
  'CloudWatchLogsLogGroupArn',
  'CloudWatchLogsRoleArn',
  'EnableLogFileValidation',
  'EventSelectors',
  'IncludeGlobalServiceEvents',
  'InsightSelectors',
  'IsLogging',
  'IsMultiRegionTrail',
  'IsOrganizationTrail',
  'KMSKeyId',
  'S3BucketName',
  'S3KeyPrefix',
  'SnsTopicName',
  'Tags',
  'TrailName',
];

export const cfnUnknownProperty = defineRule(
  {
    id: 'cfn-unknown-property',
    group: 'correctness',
    severity: 'error',
    title: 'Property that AWS::CloudTrail::Trail does not have',
    description: `CloudFormation rejects a template whose AWS::CloudTrail::Trail has a property it does not know; names are case-sensitive (the key is KMSKeyId, not KmsKeyId as in the API). The properties are ${CFN_TRAIL_PROPERTIES.join(', ')}.`,
    docUrl: DOCS.cfnTrail,
  },
  (ctx) => {
    const t = ctx.target;
    if (t.kind !== 'cloudformation' || t.resource !== 'trail') return;
    for (const { key, keyNode } of properties(t.object)) {
      if (CFN_TRAIL_PROPERTIES.includes(key)) continue;
      const suggestion = CFN_TRAIL_PROPERTIES.find((p) => p.toLowerCase() === key.toLowerCase());
      ctx.report({
        node: keyNode,
        message: `AWS::CloudTrail::Trail has no property ${key}${suggestion ? ` (did you mean ${suggestion}?)` : ''}; CloudFormation rejects the template.`,
        fixes: suggestion
          ? [
              {
                title: `Change to ${suggestion}`,
                edits: [ctx.syntax.renameKey(t, keyNode, suggestion)],
              },
            ]
          : [],
      });
    }
  },
);

export const cfnPropertiesNotChecked = defineDocumentRule(
  {
    id: 'cfn-properties-not-checked',
    group: 'correctness',
    severity: 'warning',
    title: 'CloudTrail resource whose whole Properties cannot be read: not checked',
    description:
      'When the whole Properties of an AWS::CloudTrail::Trail or AWS::CloudTrail::EventDataStore is an intrinsic function (`Fn::If`, `!If`…), which settings the stack gets is known only when it is deployed: the linter checks none of them rather than guess (nor does it when Properties is not a mapping at all, which CloudFormation refuses). To have each setting checked, write the condition in the settings that differ (`IsMultiRegionTrail: !If [Prod, true, false]`).',
    docUrl: DOCS.cfnIntrinsicFunctions,
  },
  (ctx) => {
    for (const root of ctx.roots)
      for (const { logicalId, properties: props } of cloudTrailResources(root)) {
        // (Under an unknown tag, yaml-unknown-tag says it.)
        if (!props || readableProperties(props) || props.unknownTag) continue;
        ctx.report({
          node: props,
          message: isIntrinsic(props)
            ? `${String(logicalId.value)}: its Properties are computed by an intrinsic function (or merged with << from what is not a mapping), known only when the stack is deployed: none of its settings is checked.`
            : `${String(logicalId.value)}: its Properties are not a mapping of settings (CloudFormation refuses the resource): none is checked.`,
        });
      }
  },
);

export const yamlUnknownTag = defineDocumentRule(
  {
    id: 'yaml-unknown-tag',
    group: 'correctness',
    severity: 'error',
    title: 'YAML tag that is not a CloudFormation intrinsic function',
    description:
      'In YAML the tags CloudFormation knows are the short forms of its intrinsic functions (!Ref, !Sub, !GetAtt, !If…); it does not accept a template with any other (a misspelling such as !Reff, a custom tag), nor a tag on a key (`!Foo IsLogging: true`: keys are plain names). The value under an unknown tag, or of a tagged key, is not checked: what it means is not known.',
    docUrl: DOCS.cfnIntrinsicFunctions,
  },
  (ctx) => {
    if (ctx.format !== 'yaml') return;
    // Anywhere in the template: CloudFormation refuses it whole, and a tagged anchor may feed a trail.
    for (const root of ctx.roots)
      eachNodeOnce(root, (n) => {
        if (!n.unknownTag) return;
        const tag = ctx.text.slice(n.unknownTag.offset, n.unknownTag.offset + n.unknownTag.length);
        const isKey = n.parent?.type === 'property' && n.parent.children![0] === n;
        ctx.report({
          node: n.unknownTag,
          message: isKey
            ? `${tag} on the key ${String(n.value)}: CloudFormation reads keys as plain names and accepts no tag on one; what the key is set to is not checked.`
            : `${tag} is not a CloudFormation intrinsic function (!Ref, !Sub, !GetAtt…); the value it marks is not checked.`,
        });
      });
  },
);

export const yamlAlias = defineDocumentRule(
  {
    id: 'yaml-alias',
    group: 'correctness',
    severity: 'warning',
    title: 'YAML alias or merge key in a CloudFormation template',
    description:
      'CloudFormation reads YAML 1.1 without aliases (*name) and hash merges (<<): it refuses a template that uses an alias ("Template error: YAML aliases are not allowed in CloudFormation templates"). Tools that rewrite a template before uploading it resolve both (aws cloudformation package, sam build and sam deploy), so the linter reads the values they resolve to, as those tools would, and warns. An anchor (&name) alone is accepted. YAML that is not a template (a --cli-input-yaml request) may use them.',
    docUrl: DOCS.cfnTemplateFormats,
  },
  (ctx) => {
    if (ctx.format !== 'yaml') return;
    for (const root of ctx.roots) {
      const refused = yamlRefusals.get(root);
      if (!refused || !cloudTrailResources(root).length) continue;
      const tools =
        'unless a tool resolves them before the upload (aws cloudformation package, sam)';
      for (const r of refused) {
        const written = ctx.text.slice(r.offset, r.offset + r.length);
        ctx.report({
          node: r,
          message:
            r.what === 'alias'
              ? `${written} is a YAML alias: CloudFormation refuses a template that uses one ("YAML aliases are not allowed in CloudFormation templates") ${tools.replace('them', 'it')}; it is read here as the value it stands for.`
              : `${written} is a YAML merge key: CloudFormation does not support hash merges ${tools}; it is read here as merged.`,
        });
      }
    }
  },
);

export const repeatedKey = defineDocumentRule(
  {
    id: 'repeated-key',
    group: 'correctness',
    severity: 'error',
    title: 'A key set twice in one object (JSON, YAML)',
    description:
      'A JSON or YAML object that sets one key twice says two things: the AWS CLI, CloudFormation and this linter keep only the last value, a reader may see the first, and cfn-lint refuses such a template (E0000, "Duplicate found"). Reported wherever it is in a document that holds a trail configuration: a parameter, a condition, another resource or a second Resources section changes what the stack deploys as much as a trail property does. In Terraform, an argument set twice in any block of a .tf file is refused by the Terraform parser itself (Attribute redefined), reported as hcl-syntax.',
    docUrl: DOCS.cfnTemplateFormats,
  },
  (ctx) => {
    let lines: LineIndex | undefined; // only when a key repeats
    const lineOf = (offset: number) => (lines ??= new LineIndex(ctx.text)).lineOf(offset) + 1;
    // Every object, each once (a YAML alias stands for its anchored node wherever it is used).
    for (const root of ctx.roots)
      eachNodeOnce(root, (obj) => {
        if (obj.type !== 'object') return;
        const first = new Map<string, Node>();
        for (const { key, keyNode } of properties(obj)) {
          // (A YAML merge key's properties are listed only where the mapping does not set the key.)
          const earlier = first.get(key);
          if (earlier === undefined) first.set(key, keyNode);
          else
            ctx.report({
              node: keyNode,
              message: `"${key}" is set again here (first on line ${lineOf(earlier.offset)}): only this last value counts, so the one on line ${lineOf(earlier.offset)} is ignored.`,
            });
        }
      });
  },
);

export const terraformRequiredArgument: Rule = {
  // terraform validate checks a resource's arguments whatever its count.
  judgesUncreated: true,
  ...defineRule(
    {
      id: 'terraform-required-argument',
      group: 'correctness',
      severity: 'error',
      title: 'aws_cloudtrail without name or s3_bucket_name (event data store without name)',
      description:
        'name and s3_bucket_name are required arguments of an aws_cloudtrail resource, name of an aws_cloudtrail_event_data_store: terraform validate and terraform plan reject the configuration without them.',
      docUrl: DOCS.terraformTrail,
    },
    (ctx) => {
      const t = ctx.target;
      if (t.kind !== 'terraform') return;
      const type = Object.values(RESOURCE_TYPES).find((r) => r.resource === t.resource)!;
      const missing = type.required.filter((k) => !prop(t.object, k)).map(spellingOf(t));
      if (!missing.length) return;
      ctx.report({
        node: anchorOf(t),
        message: `The resource lacks the required argument${missing.length > 1 ? 's' : ''} ${missing.join(' and ')}.`,
      });
    },
  ),
};

export const terraformNotCreated: Rule = {
  judgesUncreated: true,
  ...defineRule(
    {
      id: 'terraform-not-created',
      group: 'correctness',
      severity: 'info',
      title: 'Terraform resource with count = 0 or an empty for_each: not checked',
      description:
        'A resource whose count is 0, or whose for_each is an empty map or set ({}, toset([])), has no instance: Terraform creates no trail or event data store from it, so the linter judges none of its settings (it says so rather than stay silent). A for_each written as a list ([]) is refused by Terraform, which takes a map or a set of strings. A count or for_each known only when Terraform runs (var.enabled ? 1 : 0) is checked as written.',
      docUrl: DOCS.terraformCount,
    },
    (ctx) => {
      const none = ctx.target.noInstances;
      if (!none) return;
      const written = `\`${none.written}\``;
      const rest = 'so none of its settings is checked.';
      ctx.report({
        node: none,
        message:
          none.why === 'zero'
            ? `${written}: Terraform creates no instance of this resource, ${rest}`
            : none.why === 'empty'
              ? `${written} is empty: Terraform creates no instance of this resource, ${rest}`
              : `${written} is a list, which Terraform refuses (for_each takes a map or a set of strings, such as toset([])): no instance is created, ${rest}`,
      });
    },
  ),
};

export const TRAIL_RULES = [
  cfnRequiredProperty,
  cfnUnknownProperty,
  cfnPropertiesNotChecked,
  yamlUnknownTag,
  yamlAlias,
  repeatedKey,
  terraformRequiredArgument,
  terraformNotCreated,
  trailName,
  s3KeyPrefixLength,
  snsTopicNameLength,
  cloudWatchLogsPair,
  multiRegionNeedsGlobal,
  insightType,
  insightsManagementEvents,
];
