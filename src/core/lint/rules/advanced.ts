// Rules over advanced event selectors (AdvancedEventSelectors / FieldSelectors).
import {
  DATA_RESOURCE_TYPES,
  DOCS,
  EQUALS_ONLY_FIELDS,
  EVENT_DATA_STORE_CATEGORIES,
  EVENT_DATA_STORE_FIELDS_BY_CATEGORY,
  FIELDS_BY_CATEGORY,
  KNOWN_FIELDS,
  LIMITS,
  NETWORK_ERROR_CODES,
  OPERATORS,
  SINGLE_FIELDS,
  TRAIL_EVENT_CATEGORIES,
} from '../apiFacts';
import { spellingOf, type Target } from '../recognise';
import { defineRule } from '../rule';
import { advancedSelectors } from '../selectors';
import { isIntrinsic, prop, propKey, stringValue } from '../tree';
import type { Fix } from '../types';

/** The candidate `name` misspells by case (or, for Terraform's snake_case names, by underscores). */
function closest(name: string, candidates: readonly string[]): string | undefined {
  const norm = (s: string) => s.toLowerCase().replace(/_/g, '');
  const n = norm(name);
  return candidates.find((c) => norm(c) === n);
}

/** The fields allowed per event category for the target: trails, or event data stores (which accept more). */
function fieldsByCategory(t: Target): Readonly<Record<string, readonly string[]>> {
  return t.resource === 'event-data-store'
    ? EVENT_DATA_STORE_FIELDS_BY_CATEGORY
    : FIELDS_BY_CATEGORY;
}

export const unknownField = defineRule(
  {
    id: 'unknown-field',
    group: 'correctness',
    severity: 'error',
    title: 'Unknown advanced selector field',
    description:
      'CloudTrail accepts only these field names in an advanced field selector (case-sensitive): ' +
      `${KNOWN_FIELDS.join(', ')}. PutEventSelectors rejects any other field with InvalidEventSelectorsException.`,
    docUrl: DOCS.advancedFieldSelector,
  },
  (ctx) => {
    for (const sel of advancedSelectors(ctx.target)) {
      for (const fs of sel.fieldSelectors) {
        if (!fs.fieldNode || fs.field === undefined || KNOWN_FIELDS.includes(fs.field)) continue;
        const suggestion = closest(fs.field, KNOWN_FIELDS);
        const fixes: Fix[] = suggestion
          ? [
              {
                title: `Change to "${suggestion}"`,
                edits: [ctx.syntax.replaceValue(fs.fieldNode, suggestion)],
              },
            ]
          : [];
        ctx.report({
          node: fs.fieldNode,
          message: `Unknown field "${fs.field}"${suggestion ? ` (did you mean "${suggestion}"? field names are case-sensitive)` : ''}.`,
          fixes,
        });
      }
    }
  },
);

export const unknownOperator = defineRule(
  {
    id: 'unknown-operator',
    group: 'correctness',
    severity: 'error',
    title: 'Unknown operator in a field selector',
    description: `A field selector holds "Field" and one or more of the operators ${OPERATORS.join(', ')}. Any other key is rejected by the API.`,
    docUrl: DOCS.advancedFieldSelector,
  },
  (ctx) => {
    for (const sel of advancedSelectors(ctx.target)) {
      for (const fs of sel.fieldSelectors) {
        for (const u of fs.unknownKeys) {
          const api = closest(u.key, OPERATORS) ?? closest(u.key.replace(/s?$/, 's'), OPERATORS);
          const suggestion = api && spellingOf(ctx.target)(api);
          ctx.report({
            node: u.keyNode,
            message: `Unknown key "${u.key}" in a field selector${suggestion ? ` (did you mean "${suggestion}"?)` : ''}.`,
            fixes: api
              ? [
                  {
                    title: `Change to "${suggestion}"`,
                    edits: [ctx.syntax.renameKey(ctx.target, u.keyNode, api)],
                  },
                ]
              : [],
          });
        }
      }
    }
  },
);

export const missingEventCategory = defineRule(
  {
    id: 'missing-event-category',
    group: 'correctness',
    severity: 'error',
    title: 'Advanced selector without eventCategory',
    description:
      'Every advanced event selector needs a field selector `eventCategory` with `Equals` (Management, Data or NetworkActivity for a trail). Without it the API rejects the selectors.',
    docUrl: DOCS.advancedEventSelector,
  },
  (ctx) => {
    for (const sel of advancedSelectors(ctx.target)) {
      if (isIntrinsic(sel.fieldSelectorsNode)) continue;
      if (sel.fieldSelectors.some((f) => f.field === 'eventCategory')) continue;
      const where = propKey(sel.node, 'FieldSelectors') ?? sel.node;
      ctx.report({
        node: where,
        message: 'This advanced event selector has no eventCategory field selector.',
      });
    }
  },
);

export const fieldNotAllowed = defineRule(
  {
    id: 'field-not-allowed',
    group: 'correctness',
    severity: 'error',
    title: 'Field not allowed for the selector’s event category',
    description:
      'Which fields an advanced selector may use depends on its eventCategory. Management: ' +
      `${FIELDS_BY_CATEGORY.Management.join(', ')}. Data: ${FIELDS_BY_CATEGORY.Data.join(', ')}. NetworkActivity: ${FIELDS_BY_CATEGORY.NetworkActivity.join(', ')}. ` +
      `Event data stores also accept ${EVENT_DATA_STORE_FIELDS_BY_CATEGORY.Management.filter((f) => !FIELDS_BY_CATEGORY.Management.includes(f)).join(', ')} in management selectors.`,
    docUrl: DOCS.advancedFieldSelector,
  },
  (ctx) => {
    for (const sel of advancedSelectors(ctx.target)) {
      const allowed =
        sel.category === undefined ? undefined : fieldsByCategory(ctx.target)[sel.category];
      if (!allowed) continue;
      for (const fs of sel.fieldSelectors) {
        if (
          !fs.fieldNode ||
          fs.field === undefined ||
          !KNOWN_FIELDS.includes(fs.field) ||
          allowed.includes(fs.field)
        )
          continue;
        ctx.report({
          node: fs.fieldNode,
          message: `Field "${fs.field}" is not allowed in a ${sel.category} selector (allowed: ${allowed.join(', ')}).`,
        });
      }
    }
  },
);

export const duplicateField = defineRule(
  {
    id: 'duplicate-field',
    group: 'correctness',
    severity: 'error',
    title: 'eventCategory or resources.type repeated in one selector',
    description:
      'An advanced selector may hold one eventCategory and one resources.type field selector. To log more resource types, add another selector.',
    docUrl: DOCS.advancedFieldSelector,
  },
  (ctx) => {
    for (const sel of advancedSelectors(ctx.target)) {
      const seen = new Set<string>();
      for (const fs of sel.fieldSelectors) {
        if (!fs.field || !fs.fieldNode || !SINGLE_FIELDS.includes(fs.field)) continue;
        if (seen.has(fs.field))
          ctx.report({
            node: fs.fieldNode,
            message: `"${fs.field}" appears more than once in this selector; use one selector per ${fs.field === 'resources.type' ? 'resource type' : 'event category'}.`,
          });
        seen.add(fs.field);
      }
    }
  },
);

export const equalsOnly = defineRule(
  {
    id: 'equals-only-field',
    group: 'correctness',
    severity: 'error',
    title: 'Operator other than Equals on readOnly, eventCategory or resources.type',
    description:
      'Equals is the only operator the API accepts for the readOnly, eventCategory and resources.type fields.',
    docUrl: DOCS.advancedFieldSelector,
  },
  (ctx) => {
    for (const sel of advancedSelectors(ctx.target)) {
      for (const fs of sel.fieldSelectors) {
        if (!fs.field || !EQUALS_ONLY_FIELDS.includes(fs.field)) continue;
        const hasEquals = fs.operators.some((o) => o.name === 'Equals');
        for (const op of fs.operators) {
          if (op.name === 'Equals') continue;
          const fixes: Fix[] = [];
          if (!hasEquals && fs.operators.length === 1) {
            const values = op.values.map(stringValue);
            if (
              fs.field === 'readOnly' &&
              op.name === 'NotEquals' &&
              values.length === 1 &&
              (values[0] === 'true' || values[0] === 'false')
            ) {
              // readOnly is two-valued: NotEquals true means Equals false.
              const flipped = values[0] === 'true' ? 'false' : 'true';
              fixes.push({
                title: `Replace with Equals ["${flipped}"]`,
                edits: [
                  ctx.syntax.renameKey(ctx.target, op.keyNode, 'Equals'),
                  ctx.syntax.replaceValue(op.values[0], flipped),
                ],
              });
            } else {
              fixes.push({
                title: `Replace ${op.name} with Equals`,
                edits: [ctx.syntax.renameKey(ctx.target, op.keyNode, 'Equals')],
              });
            }
          }
          ctx.report({
            node: op.keyNode,
            message: `"${fs.field}" accepts only the Equals operator, not ${op.name}.`,
            fixes,
          });
        }
      }
    }
  },
);

export const invalidFieldValue = defineRule(
  {
    id: 'invalid-field-value',
    group: 'correctness',
    severity: 'error',
    title: 'Invalid value for eventCategory, readOnly or errorCode',
    description: `For a trail, eventCategory is one of ${TRAIL_EVENT_CATEGORIES.join(', ')} (Insight, ConfigurationItem, Evidence and ActivityAuditLog are for event data stores). readOnly is "true" or "false". errorCode (network activity events) is ${NETWORK_ERROR_CODES.join(' or ')}.`,
    docUrl: DOCS.advancedFieldSelector,
  },
  (ctx) => {
    const categories =
      ctx.target.resource === 'event-data-store'
        ? EVENT_DATA_STORE_CATEGORIES
        : TRAIL_EVENT_CATEGORIES;
    const what = ctx.target.resource === 'event-data-store' ? 'an event data store' : 'a trail';
    for (const sel of advancedSelectors(ctx.target)) {
      for (const fs of sel.fieldSelectors) {
        const allowed =
          fs.field === 'eventCategory'
            ? categories
            : fs.field === 'readOnly'
              ? ['true', 'false']
              : fs.field === 'errorCode'
                ? NETWORK_ERROR_CODES
                : undefined;
        if (!allowed) continue;
        for (const op of fs.operators) {
          // errorCode's exact values only: a StartsWith value is a prefix, not a value.
          if (fs.field === 'errorCode' && op.name !== 'Equals' && op.name !== 'NotEquals') continue;
          for (const v of op.values) {
            const s = stringValue(v);
            if (s === undefined || s === '' || (allowed as readonly string[]).includes(s)) continue;
            const suggestion = closest(s, allowed);
            ctx.report({
              node: v,
              message: `"${s}" is not a valid ${fs.field} value for ${what} (expected ${allowed.join(' or ')}).`,
              fixes: suggestion
                ? [
                    {
                      title: `Change to "${suggestion}"`,
                      edits: [ctx.syntax.replaceValue(v, suggestion)],
                    },
                  ]
                : [],
            });
          }
        }
      }
    }
  },
);

export const emptyValues = defineRule(
  {
    id: 'empty-values',
    group: 'correctness',
    severity: 'error',
    title: 'Field selector with no operator, an empty value list or an empty value',
    description:
      'Each field selector needs at least one operator; each operator needs at least one value; values are 1 to 2048 characters. The API rejects empty lists and empty strings.',
    docUrl: DOCS.advancedFieldSelector,
  },
  (ctx) => {
    const say = spellingOf(ctx.target);
    for (const sel of advancedSelectors(ctx.target)) {
      if (
        sel.fieldSelectorsNode?.type === 'array' &&
        sel.fieldSelectors.length === 0 &&
        !sel.fieldSelectorsNode.children?.length
      ) {
        ctx.report({ node: sel.fieldSelectorsNode, message: `${say('FieldSelectors')} is empty.` });
      }
      for (const fs of sel.fieldSelectors) {
        if (fs.operators.length === 0 && fs.fieldNode) {
          ctx.report({
            node: fs.fieldNode,
            message: `Field selector "${fs.field ?? ''}" has no operator (${say('Equals')}, ${say('StartsWith')}…).`,
          });
        }
        for (const op of fs.operators) {
          if (op.valueNode.type === 'array' && op.values.length === 0)
            ctx.report({ node: op.valueNode, message: `${say(op.name)} has no values.` });
          for (const v of op.values)
            if (stringValue(v) === '')
              ctx.report({ node: v, message: `Empty value in ${say(op.name)}.` });
        }
      }
    }
  },
);

export const duplicateValue = defineRule(
  {
    id: 'duplicate-value',
    group: 'correctness',
    severity: 'warning',
    title: 'Duplicate value in an operator',
    description:
      'A value listed twice in the same operator adds nothing but counts against the 500-value limit of the trail.',
    docUrl: DOCS.advancedFieldSelector,
  },
  (ctx) => {
    for (const sel of advancedSelectors(ctx.target)) {
      for (const fs of sel.fieldSelectors) {
        for (const op of fs.operators) {
          const seen = new Set<string>();
          op.values.forEach((v, i) => {
            const s = stringValue(v);
            if (s === undefined) return;
            if (seen.has(s)) {
              ctx.report({
                node: v,
                message: `"${s}" is listed more than once in ${spellingOf(ctx.target)(op.name)} of ${fs.field ?? 'this field'}.`,
                fixes: [
                  {
                    title: 'Remove the duplicate value',
                    edits: ctx.syntax.removeItem(op.valueNode, i),
                  },
                ],
              });
            }
            seen.add(s);
          });
        }
      }
    }
  },
);

export const dataSelectorNoResourceType = defineRule(
  {
    id: 'data-selector-missing-resource-type',
    group: 'correctness',
    severity: 'error',
    title: 'Data selector without resources.type',
    description:
      'An advanced selector with eventCategory Data must say which resource type it logs with `resources.type` Equals, e.g. AWS::S3::Object.',
    docUrl: DOCS.dataEvents,
  },
  (ctx) => {
    for (const sel of advancedSelectors(ctx.target)) {
      if (sel.category !== 'Data') continue;
      if (sel.fieldSelectors.some((f) => f.field === 'resources.type')) continue;
      ctx.report({
        node: propKey(sel.node, 'FieldSelectors') ?? sel.node,
        message: 'This data event selector has no resources.type field selector.',
      });
    }
  },
);

export const networkSelectorNoEventSource = defineRule(
  {
    id: 'network-selector-missing-event-source',
    group: 'correctness',
    severity: 'error',
    title: 'Network activity selector without eventSource',
    description:
      'An advanced selector with eventCategory NetworkActivity must say whose VPC endpoint activity it logs with an `eventSource` field selector, e.g. Equals s3.amazonaws.com. The API rejects it otherwise.',
    docUrl: DOCS.networkEvents,
  },
  (ctx) => {
    for (const sel of advancedSelectors(ctx.target)) {
      if (sel.category !== 'NetworkActivity') continue;
      if (sel.fieldSelectors.some((f) => f.field === 'eventSource')) continue;
      ctx.report({
        node: propKey(sel.node, 'FieldSelectors') ?? sel.node,
        message: 'This network activity event selector has no eventSource field selector.',
      });
    }
  },
);

export const unknownResourceType = defineRule(
  {
    id: 'unknown-resource-type',
    group: 'correctness',
    severity: 'warning',
    title: 'Unknown resources.type value',
    description:
      'resources.type must be a resource type CloudTrail logs data events for (see the data events table of the CloudTrail User Guide). A warning rather than an error because AWS adds types over time: check the list if this type is new.',
    docUrl: DOCS.dataEvents,
  },
  (ctx) => {
    for (const sel of advancedSelectors(ctx.target)) {
      for (const fs of sel.fieldSelectors) {
        if (fs.field !== 'resources.type') continue;
        for (const op of fs.operators) {
          for (const v of op.values) {
            const s = stringValue(v);
            if (!s || DATA_RESOURCE_TYPES.includes(s)) continue;
            const suggestion = closest(s, DATA_RESOURCE_TYPES);
            ctx.report({
              node: v,
              message: `"${s}" is not a known data event resource type${suggestion ? ` (did you mean "${suggestion}"?)` : ''}.`,
              fixes: suggestion
                ? [
                    {
                      title: `Change to "${suggestion}"`,
                      edits: [ctx.syntax.replaceValue(v, suggestion)],
                    },
                  ]
                : [],
            });
          }
        }
      }
    }
  },
);

export const valueTooLong = defineRule(
  {
    id: 'value-too-long',
    group: 'correctness',
    severity: 'error',
    title: 'Selector name, field or value too long',
    description: `Advanced selector names and field names are at most ${LIMITS.selectorNameLength} characters; each value at most ${LIMITS.fieldValueLength}.`,
    docUrl: DOCS.advancedFieldSelector,
  },
  (ctx) => {
    for (const sel of advancedSelectors(ctx.target)) {
      const name = stringValue(sel.nameNode);
      if (sel.nameNode && name !== undefined && name.length > LIMITS.selectorNameLength) {
        ctx.report({
          node: sel.nameNode,
          message: `Selector name is ${name.length} characters (maximum ${LIMITS.selectorNameLength}).`,
        });
      }
      for (const fs of sel.fieldSelectors) {
        if (fs.fieldNode && fs.field !== undefined && fs.field.length > LIMITS.fieldNameLength) {
          ctx.report({
            node: fs.fieldNode,
            message: `Field name is ${fs.field.length} characters (maximum ${LIMITS.fieldNameLength}).`,
          });
        }
        for (const op of fs.operators) {
          for (const v of op.values) {
            const s = stringValue(v);
            if (s !== undefined && s.length > LIMITS.fieldValueLength) {
              ctx.report({
                node: v,
                message: `Value is ${s.length} characters (maximum ${LIMITS.fieldValueLength}).`,
              });
            }
          }
        }
      }
    }
  },
);

export const tooManyAdvancedValues = defineRule(
  {
    id: 'too-many-advanced-values',
    group: 'correctness',
    severity: 'error',
    title: 'More than 500 values across advanced selectors',
    description: `The total number of values in all conditions of all advanced event selectors of a trail is at most ${LIMITS.advancedValuesPerTrail}.`,
    docUrl: DOCS.putEventSelectors,
  },
  (ctx) => {
    let total = 0;
    for (const sel of advancedSelectors(ctx.target)) {
      for (const fs of sel.fieldSelectors) for (const op of fs.operators) total += op.values.length;
    }
    if (total > LIMITS.advancedValuesPerTrail) {
      const key =
        propKey(ctx.target.object, 'AdvancedEventSelectors') ??
        prop(ctx.target.object, 'AdvancedEventSelectors')!;
      ctx.report({
        node: key,
        message: `The advanced selectors hold ${total} values in all (maximum ${LIMITS.advancedValuesPerTrail} per trail).`,
      });
    }
  },
);

export const ADVANCED_RULES = [
  unknownField,
  unknownOperator,
  missingEventCategory,
  invalidFieldValue,
  fieldNotAllowed,
  duplicateField,
  equalsOnly,
  emptyValues,
  duplicateValue,
  dataSelectorNoResourceType,
  networkSelectorNoEventSource,
  unknownResourceType,
  valueTooLong,
  tooManyAdvancedValues,
];
