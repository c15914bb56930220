// Converts basic event selectors to the equivalent advanced event selectors, as a text edit.
// Equivalences (CloudTrail User Guide): ReadWriteType ReadOnly/WriteOnly → readOnly Equals
// true/false; ExcludeManagementEventSources → eventSource NotEquals; an S3 data resource value is
// a prefix (StartsWith), Lambda and DynamoDB values are exact ARNs (Equals); "all resources"
// values (arn:aws:s3:::, arn:aws:lambda…) need no ARN condition.
import { BASIC_DATA_RESOURCE_TYPES, isAllResourcesValue } from './catalogue';
import { formattingOf, removeNode } from './edits';
import type { Target } from './recognise';
import { basicSelectors } from './selectors';
import { getNodeValue } from 'jsonc-parser';
import { isIntrinsic, prop, propertyNode, stringValue } from './tree';
import type { Fix, TextEdit } from './types';

interface FieldSelector {
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
  if (prop(target.object, 'EventSelectors')?.type !== 'array') return { reason: 'no EventSelectors array' };
  const management: { rw: string; exclude: string[] }[] = [];
  const data: AdvancedSelector[] = [];
  for (const sel of basicSelectors(target)) {
    const rw = sel.readWriteType ?? (sel.readWriteTypeNode ? undefined : 'All');
    if (rw === undefined || !['All', 'ReadOnly', 'WriteOnly'].includes(rw)) return { reason: 'a ReadWriteType is not ReadOnly, WriteOnly or All' };
    if (sel.includeManagement === undefined) return { reason: 'IncludeManagementEvents is not a plain boolean' };
    const readOnly: FieldSelector[] = rw === 'All' ? [] : [{ Field: 'readOnly', Equals: [rw === 'ReadOnly' ? 'true' : 'false'] }];
    const exclude = (sel.excludeNode?.children ?? []).map(stringValue);
    if (exclude.some((v) => v === undefined)) return { reason: 'ExcludeManagementEventSources holds a non-string value' };
    if (sel.includeManagement) management.push({ rw, exclude: (exclude as string[]).slice().sort() });
    if (isIntrinsic(sel.dataResourcesNode)) return { reason: 'DataResources is not a plain list' };
    for (const dr of sel.dataResources) {
      if (!dr.type || !BASIC_DATA_RESOURCE_TYPES.includes(dr.type)) return { reason: `data resource type ${dr.type ?? '?'} is not a basic selector type` };
      const values = dr.values.map(stringValue);
      if (values.some((v) => v === undefined)) return { reason: 'a data resource value is not a plain string' };
      if (!values.length) continue;
      const fields: FieldSelector[] = [{ Field: 'eventCategory', Equals: ['Data'] }, { Field: 'resources.type', Equals: [dr.type] }, ...readOnly];
      if (!values.some((v) => isAllResourcesValue(dr.type!, v!))) {
        fields.push(dr.type === 'AWS::S3::Object' ? { Field: 'resources.ARN', StartsWith: values as string[] } : { Field: 'resources.ARN', Equals: values as string[] });
      }
      data.push({ Name: `Log ${rw === 'All' ? 'all' : rw === 'ReadOnly' ? 'read' : 'write'} data events for ${dr.type}`, FieldSelectors: fields });
    }
  }
  const out: AdvancedSelector[] = [];
  if (management.length) {
    const all = management.find((m) => m.rw === 'All' && m.exclude.length === 0);
    const same = management.every((m) => m.rw === management[0].rw && m.exclude.join() === management[0].exclude.join());
    const hasRead = management.some((m) => m.rw !== 'WriteOnly');
    const hasWrite = management.some((m) => m.rw !== 'ReadOnly');
    let m: { rw: string; exclude: string[] };
    if (all) m = all;
    else if (same) m = management[0];
    else if (hasRead && hasWrite && management.every((x) => x.exclude.length === 0)) m = { rw: 'All', exclude: [] };
    else return { reason: 'the selectors log management events with different settings' };
    const fields: FieldSelector[] = [{ Field: 'eventCategory', Equals: ['Management'] }];
    if (m.rw !== 'All') fields.push({ Field: 'readOnly', Equals: [m.rw === 'ReadOnly' ? 'true' : 'false'] });
    if (m.exclude.length) fields.push({ Field: 'eventSource', NotEquals: m.exclude });
    out.push({ Name: m.rw === 'All' ? 'Log all management events' : `Log ${m.rw === 'ReadOnly' ? 'read' : 'write'} management events`, FieldSelectors: fields });
  }
  out.push(...data);
  return out;
}

/** JSON for `value`, indented to sit at the column of the node that starts at `offset`. */
function jsonAt(text: string, offset: number, value: unknown): string {
  const fmt = formattingOf(text);
  const unit = fmt.insertSpaces ? ' '.repeat(fmt.tabSize ?? 2) : '\t';
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  const indent = /^[ \t]*/.exec(text.slice(lineStart, offset))![0];
  return JSON.stringify(value, null, unit).split('\n').join(fmt.eol + indent);
}

/** A fix replacing EventSelectors with equivalent AdvancedEventSelectors (merged into existing ones). */
export function convertToAdvancedFix(text: string, target: Target): Fix | undefined {
  const converted = basicToAdvanced(target);
  if (!Array.isArray(converted)) return undefined;
  const basicProp = propertyNode(target.object, 'EventSelectors')!;
  const advancedValue = prop(target.object, 'AdvancedEventSelectors');
  if (!advancedValue) {
    const edit: TextEdit = { offset: basicProp.offset, length: basicProp.length, newText: `"AdvancedEventSelectors": ${jsonAt(text, basicProp.offset, converted)}` };
    return { title: 'Convert basic event selectors to advanced event selectors', edits: [edit] };
  }
  if (advancedValue.type !== 'array') return undefined;
  // Mixed: drop EventSelectors and append the converted selectors to the advanced ones.
  const removal = [removeNode(basicProp)];
  const existing = advancedValue.children ?? [];
  // Selectors already present with the same conditions would only be duplicates.
  const present = new Set(existing.map((n) => JSON.stringify(getNodeValue(n)?.FieldSelectors)));
  const added = converted.filter((c) => !present.has(JSON.stringify(c.FieldSelectors)));
  const edits: TextEdit[] = [...removal];
  if (added.length) {
    const body = added.map((c) => jsonAt(text, existing[0]?.offset ?? advancedValue.offset, c));
    const insertAt = existing.length ? existing[existing.length - 1].offset + existing[existing.length - 1].length : advancedValue.offset + 1;
    const lineStart = text.lastIndexOf('\n', (existing[0]?.offset ?? advancedValue.offset) - 1) + 1;
    const indent = /^[ \t]*/.exec(text.slice(lineStart))![0];
    const sep = `,${formattingOf(text).eol}${indent}`;
    edits.push({ offset: insertAt, length: 0, newText: (existing.length ? sep : '') + body.join(sep) });
  }
  return { title: 'Move the basic event selectors into the advanced event selectors', edits };
}
