// Rules over basic event selectors (EventSelectors / DataResources) and over how basic and
// advanced selectors combine on one trail.
import {
  BASIC_DATA_RESOURCE_TYPES,
  DATA_RESOURCE_ARN_FORMS,
  DOCS,
  EXCLUDABLE_MANAGEMENT_SOURCES,
  LIMITS,
  READ_WRITE_TYPES,
} from '../apiFacts';
import { convertToAdvancedFix } from '../convert';
import { spellingOf } from '../recognise';
import { defineRule } from '../rule';
import { basicSelectors, hasSelectorArray } from '../selectors';
import { arrayItems, isIntrinsic, prop, propKey, stringValue } from '../tree';

export const mixedSelectors = defineRule(
  {
    id: 'mixed-selectors',
    group: 'correctness',
    severity: 'error',
    title: 'Basic and advanced event selectors on one trail',
    description:
      'A trail uses either EventSelectors or AdvancedEventSelectors, not both: PutEventSelectors rejects a request with both, and CloudFormation fails the update. Convert the basic selectors to advanced ones (a refactoring is offered on EventSelectors).',
    docUrl: DOCS.putEventSelectors,
  },
  (ctx) => {
    if (
      !hasSelectorArray(ctx.target, 'EventSelectors') ||
      !hasSelectorArray(ctx.target, 'AdvancedEventSelectors')
    )
      return;
    const key = propKey(ctx.target.object, 'AdvancedEventSelectors')!;
    const fix = convertToAdvancedFix(ctx.syntax, ctx.target);
    const say = spellingOf(ctx.target);
    ctx.report({
      node: key,
      message: `${say('EventSelectors')} and ${say('AdvancedEventSelectors')} are both set; a trail accepts only one of them.`,
      fixes: fix ? [fix] : [],
    });
  },
);

export const tooManyEventSelectors = defineRule(
  {
    id: 'too-many-event-selectors',
    group: 'correctness',
    severity: 'error',
    title: 'More than 5 basic event selectors',
    description: `A trail has at most ${LIMITS.basicSelectorsPerTrail} basic event selectors. Merge selectors or switch to advanced event selectors.`,
    docUrl: DOCS.putEventSelectors,
  },
  (ctx) => {
    const items = arrayItems(prop(ctx.target.object, 'EventSelectors'));
    if (items.length > LIMITS.basicSelectorsPerTrail) {
      ctx.report({
        node: items[LIMITS.basicSelectorsPerTrail],
        message: `${items.length} event selectors (maximum ${LIMITS.basicSelectorsPerTrail} per trail).`,
      });
    }
  },
);

export const tooManyDataResources = defineRule(
  {
    id: 'too-many-data-resources',
    group: 'correctness',
    severity: 'error',
    title: 'More than 250 data resources',
    description: `The data resource values of all basic event selectors of a trail add up to at most ${LIMITS.dataResourcesPerTrail}. Use prefixes, "all resources" values or advanced selectors instead.`,
    docUrl: DOCS.dataResource,
  },
  (ctx) => {
    let total = 0;
    for (const sel of basicSelectors(ctx.target))
      for (const dr of sel.dataResources) total += dr.values.length;
    if (total > LIMITS.dataResourcesPerTrail) {
      ctx.report({
        node: propKey(ctx.target.object, 'EventSelectors')!,
        message: `${total} data resources in all (maximum ${LIMITS.dataResourcesPerTrail} per trail).`,
      });
    }
  },
);

export const readWriteType = defineRule(
  {
    id: 'read-write-type',
    group: 'correctness',
    severity: 'error',
    title: 'Invalid ReadWriteType',
    description: `ReadWriteType is one of ${READ_WRITE_TYPES.join(', ')} (case-sensitive).`,
    docUrl: DOCS.eventSelector,
  },
  (ctx) => {
    for (const sel of basicSelectors(ctx.target)) {
      const node = sel.readWriteTypeNode;
      if (!node || isIntrinsic(node)) continue;
      const v = stringValue(node);
      if (v !== undefined && READ_WRITE_TYPES.includes(v)) continue;
      const suggestion =
        v === undefined
          ? undefined
          : READ_WRITE_TYPES.find(
              (t) => t.toLowerCase() === v.toLowerCase().replace(/[^a-z]/g, ''),
            );
      ctx.report({
        node,
        message: `${spellingOf(ctx.target)('ReadWriteType')} ${JSON.stringify(v ?? null)} is not ${READ_WRITE_TYPES.join(', ')}.`,
        fixes: suggestion
          ? [
              {
                title: `Change to "${suggestion}"`,
                edits: [ctx.syntax.replaceValue(node, suggestion)],
              },
            ]
          : [],
      });
    }
  },
);

export const basicDataResourceType = defineRule(
  {
    id: 'basic-data-resource-type',
    group: 'correctness',
    severity: 'error',
    title: 'Data resource type not supported by basic selectors',
    description: `Basic event selectors log data events only for ${BASIC_DATA_RESOURCE_TYPES.join(', ')}. Every other resource type needs advanced event selectors.`,
    docUrl: DOCS.dataResource,
  },
  (ctx) => {
    for (const sel of basicSelectors(ctx.target)) {
      for (const dr of sel.dataResources) {
        if (!dr.typeNode || isIntrinsic(dr.typeNode)) continue;
        if (dr.type !== undefined && BASIC_DATA_RESOURCE_TYPES.includes(dr.type)) continue;
        ctx.report({
          node: dr.typeNode,
          message: `Basic event selectors do not support data resource type ${JSON.stringify(dr.type ?? null)}; use ${BASIC_DATA_RESOURCE_TYPES.join(', ')} or advanced event selectors.`,
        });
      }
    }
  },
);

export const dataResourceArn = defineRule(
  {
    id: 'data-resource-arn',
    group: 'correctness',
    severity: 'error',
    title: 'Data resource value in the wrong ARN format',
    description:
      'S3: `arn:aws:s3:::` for all buckets, or a bucket ARN with a trailing slash and optional prefix (`arn:aws:s3:::bucket/`, `arn:aws:s3:::bucket/prefix`). Lambda: `arn:aws:lambda` for all functions or a function ARN. DynamoDB: `arn:aws:dynamodb` for all tables or a table ARN. Values in any other form are rejected.',
    docUrl: DOCS.dataResource,
  },
  (ctx) => {
    for (const sel of basicSelectors(ctx.target)) {
      for (const dr of sel.dataResources) {
        const forms = dr.type ? DATA_RESOURCE_ARN_FORMS[dr.type] : undefined;
        if (!forms) continue;
        for (const v of dr.values) {
          const s = stringValue(v);
          if (s === undefined || forms.all.test(s) || forms.one.test(s)) continue;
          if (dr.type === 'AWS::S3::Object' && forms.one.test(`${s}/`)) {
            ctx.report({
              node: v,
              message: `"${s}" needs a trailing slash to select the bucket's objects ("${s}/").`,
              fixes: [
                { title: 'Add the trailing slash', edits: [ctx.syntax.replaceValue(v, `${s}/`)] },
              ],
            });
          } else {
            ctx.report({
              node: v,
              message: `"${s}" is not a valid ${dr.type} data resource (expected e.g. ${forms.example}).`,
            });
          }
        }
      }
    }
  },
);

export const excludeManagementSources = defineRule(
  {
    id: 'exclude-management-event-sources',
    group: 'correctness',
    severity: 'error',
    title: 'ExcludeManagementEventSources value not supported',
    description: `ExcludeManagementEventSources accepts only ${EXCLUDABLE_MANAGEMENT_SOURCES.join(' and ')}.`,
    docUrl: DOCS.eventSelector,
  },
  (ctx) => {
    for (const sel of basicSelectors(ctx.target)) {
      for (const v of arrayItems(sel.excludeNode)) {
        const s = stringValue(v);
        if (s === undefined || EXCLUDABLE_MANAGEMENT_SOURCES.includes(s)) continue;
        ctx.report({
          node: v,
          message: `"${s}" cannot be excluded; only ${EXCLUDABLE_MANAGEMENT_SOURCES.join(' and ')} can.`,
        });
      }
    }
  },
);

export const logsNothing = defineRule(
  {
    id: 'logs-nothing',
    group: 'correctness',
    severity: 'error',
    title: 'Management events off and no data resources: the trail logs nothing',
    description:
      'With IncludeManagementEvents false in every event selector and no data resource selected, the trail records no events at all, while it still looks configured. Turn management events on or select data resources.',
    docUrl: DOCS.managementEvents,
  },
  (ctx) => {
    const selectors = basicSelectors(ctx.target);
    if (!selectors.length) return;
    const logsSomething = (s: (typeof selectors)[number]) =>
      s.includeManagement !== false ||
      s.dataResources.some((dr) => dr.values.length > 0 || isIntrinsic(dr.valuesNode)) ||
      isIntrinsic(s.dataResourcesNode);
    if (selectors.some(logsSomething)) return;
    const fixes = selectors
      .filter((s) => s.includeManagementNode)
      .map((s) => ctx.syntax.replaceValue(s.includeManagementNode!, true));
    ctx.report({
      node:
        selectors.length === 1 && selectors[0].includeManagementNode
          ? selectors[0].includeManagementNode
          : propKey(ctx.target.object, 'EventSelectors')!,
      message:
        'Management events are off and no data resources are selected: this trail logs nothing.',
      fixes: fixes.length ? [{ title: 'Turn management events on', edits: fixes }] : [],
    });
  },
);

export const BASIC_RULES = [
  mixedSelectors,
  tooManyEventSelectors,
  tooManyDataResources,
  readWriteType,
  basicDataResourceType,
  dataResourceArn,
  excludeManagementSources,
  logsNothing,
];
