// Converts basic event selectors to the equivalent advanced event selectors, as a text edit.
// Equivalences (CloudTrail User Guide): ReadWriteType ReadOnly/WriteOnly → readOnly Equals
// true/false; ExcludeManagementEventSources → eventSource NotEquals; an S3 data resource value is
// a prefix (StartsWith), Lambda and DynamoDB values are exact ARNs (Equals); "all resources"
// values (arn:aws:s3:::, arn:aws:lambda…) need no ARN condition.
import { BASIC_DATA_RESOURCE_TYPES, isAllResourcesValue } from './apiFacts';
import type { Target } from './recognise';
import { basicSelectors } from './selectors';
import type { Syntax } from './syntax';
import { isIntrinsic, prop, stringValue } from './tree';
import type { Fix } from './types';

export interface FieldSelector {
  Field: string;
  Equals?: string[];
  NotEquals?: string[];
  StartsWith?: string[];
}

export interface AdvancedSelector {
  Name: string;
  FieldSelectors: FieldSelector[];
}

/** The advanced selectors equivalent to the target's basic ones, or why there is no exact equivalent. */
export function basicToAdvanced(target: Target): AdvancedSelector[] | { reason: string } {
  if (prop(target.object, 'EventSelectors')?.type !== 'array')
    return { reason: 'no EventSelectors array' };
  const management: { rw: string; exclude: string[] }[] = [];
  const data: AdvancedSelector[] = [];
  for (const sel of basicSelectors(target)) {
    const rw = sel.readWriteType ?? (sel.readWriteTypeNode ? undefined : 'All');
    if (rw === undefined || !['All', 'ReadOnly', 'WriteOnly'].includes(rw))
      return { reason: 'a ReadWriteType is not ReadOnly, WriteOnly or All' };
    if (sel.includeManagement === undefined)
      return { reason: 'IncludeManagementEvents is not a plain boolean' };
    const readOnly: FieldSelector[] =
      rw === 'All' ? [] : [{ Field: 'readOnly', Equals: [rw === 'ReadOnly' ? 'true' : 'false'] }];
    const exclude = (sel.excludeNode?.children ?? []).map(stringValue);
    if (exclude.some((v) => v === undefined))
      return { reason: 'ExcludeManagementEventSources holds a non-string value' };
    if (sel.includeManagement)
      management.push({ rw, exclude: (exclude as string[]).slice().sort() });
    if (isIntrinsic(sel.dataResourcesNode)) return { reason: 'DataResources is not a plain list' };
    for (const dr of sel.dataResources) {
      if (!dr.type || !BASIC_DATA_RESOURCE_TYPES.includes(dr.type))
        return { reason: `data resource type ${dr.type ?? '?'} is not a basic selector type` };
      const values = dr.values.map(stringValue);
      if (values.some((v) => v === undefined))
        return { reason: 'a data resource value is not a plain string' };
      if (!values.length) continue;
      const fields: FieldSelector[] = [
        { Field: 'eventCategory', Equals: ['Data'] },
        { Field: 'resources.type', Equals: [dr.type] },
        ...readOnly,
      ];
      if (!values.some((v) => isAllResourcesValue(dr.type!, v!))) {
        fields.push(
          dr.type === 'AWS::S3::Object'
            ? { Field: 'resources.ARN', StartsWith: values as string[] }
            : { Field: 'resources.ARN', Equals: values as string[] },
        );
      }
      data.push({
        Name: `Log ${rw === 'All' ? 'all' : rw === 'ReadOnly' ? 'read' : 'write'} data events for ${dr.type}`,
        FieldSelectors: fields,
      });
    }
  }
  const out: AdvancedSelector[] = [];
  if (management.length) {
    const all = management.find((m) => m.rw === 'All' && m.exclude.length === 0);
    const same = management.every(
      (m) => m.rw === management[0].rw && m.exclude.join() === management[0].exclude.join(),
    );
    const hasRead = management.some((m) => m.rw !== 'WriteOnly');
    const hasWrite = management.some((m) => m.rw !== 'ReadOnly');
    let m: { rw: string; exclude: string[] };
    if (all) m = all;
    else if (same) m = management[0];
    else if (hasRead && hasWrite && management.every((x) => x.exclude.length === 0))
      m = { rw: 'All', exclude: [] };
    else return { reason: 'the selectors log management events with different settings' };
    const fields: FieldSelector[] = [{ Field: 'eventCategory', Equals: ['Management'] }];
    if (m.rw !== 'All')
      fields.push({ Field: 'readOnly', Equals: [m.rw === 'ReadOnly' ? 'true' : 'false'] });
    if (m.exclude.length) fields.push({ Field: 'eventSource', NotEquals: m.exclude });
    out.push({
      Name:
        m.rw === 'All'
          ? 'Log all management events'
          : `Log ${m.rw === 'ReadOnly' ? 'read' : 'write'} management events`,
      FieldSelectors: fields,
    });
  }
  out.push(...data);
  // No advanced selector logs nothing; without any, a trail logs every management event.
  if (!out.length) return { reason: 'the selectors log no events' };
  return out;
}

/** A fix replacing EventSelectors with equivalent advanced event selectors (merged into existing ones), in the document's syntax. */
export function convertToAdvancedFix(syntax: Syntax, target: Target): Fix | undefined {
  const converted = basicToAdvanced(target);
  if (!Array.isArray(converted)) return undefined;
  const edits = syntax.replaceBasicSelectors(target, converted);
  if (!edits) return undefined;
  const mixed = prop(target.object, 'AdvancedEventSelectors') !== undefined;
  return {
    title: mixed
      ? 'Move the basic event selectors into the advanced event selectors'
      : 'Convert basic event selectors to advanced event selectors',
    edits,
  };
}
