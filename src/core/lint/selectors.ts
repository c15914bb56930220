// Structured views of a target's basic and advanced event selectors over the jsonc tree, so
// each rule reads selectors the same way. Intrinsic (CloudFormation) values are skipped.
import { OPERATORS, READ_WRITE_TYPES, isAllResourcesValue } from './apiFacts';
import type { Target } from './recognise';
import { Node, arrayItems, boolValue, isIntrinsic, prop, properties, stringValue } from './tree';

export interface OperatorView {
  name: string;
  keyNode: Node;
  valueNode: Node;
  /** The array items (only when the value is an array). */
  values: Node[];
}

export interface FieldSelectorView {
  node: Node;
  field?: string;
  fieldNode?: Node;
  operators: OperatorView[];
  /** Keys that are neither Field nor a known operator. */
  unknownKeys: { key: string; keyNode: Node }[];
}

export interface AdvancedSelectorView {
  node: Node;
  nameNode?: Node;
  fieldSelectorsNode?: Node;
  fieldSelectors: FieldSelectorView[];
  /** The single value of `eventCategory Equals`, when there is exactly one. */
  category?: string;
}

export interface DataResourceView {
  node: Node;
  type?: string;
  typeNode?: Node;
  valuesNode?: Node;
  values: Node[];
}

export interface BasicSelectorView {
  node: Node;
  /** Undefined when unknown (an intrinsic); the API default is true. */
  includeManagement: boolean | undefined;
  includeManagementNode?: Node;
  readWriteType?: string;
  readWriteTypeNode?: Node;
  excludeNode?: Node;
  dataResourcesNode?: Node;
  dataResources: DataResourceView[];
}

function fieldSelectorView(node: Node): FieldSelectorView {
  const view: FieldSelectorView = { node, operators: [], unknownKeys: [] };
  for (const { key, keyNode, value } of properties(node)) {
    if (key === 'Field') {
      view.field = stringValue(value);
      view.fieldNode = value;
    } else if (OPERATORS.includes(key)) {
      view.operators.push({ name: key, keyNode, valueNode: value, values: arrayItems(value) });
    } else {
      view.unknownKeys.push({ key, keyNode });
    }
  }
  return view;
}

// Views are built once per target and kept on it (every selector rule reads them); not in a
// module-level WeakMap, whose entries would outlive the lint run and burden the GC.
function viewsOf(target: Target): {
  advanced?: AdvancedSelectorView[];
  basic?: BasicSelectorView[];
} {
  return (target.views ??= {}) as {
    advanced?: AdvancedSelectorView[];
    basic?: BasicSelectorView[];
  };
}

export function advancedSelectors(target: Target): AdvancedSelectorView[] {
  const cached = viewsOf(target).advanced;
  if (cached) return cached;
  const out: AdvancedSelectorView[] = [];
  for (const node of arrayItems(prop(target.object, 'AdvancedEventSelectors'))) {
    if (node.type !== 'object') continue;
    const fieldSelectorsNode = prop(node, 'FieldSelectors');
    const fieldSelectors = arrayItems(fieldSelectorsNode)
      .filter((n) => n.type === 'object' && !isIntrinsic(n))
      .map(fieldSelectorView);
    const categorySel = fieldSelectors.find((f) => f.field === 'eventCategory');
    const equals = categorySel?.operators.find((o) => o.name === 'Equals');
    const category =
      equals && equals.values.length === 1 ? stringValue(equals.values[0]) : undefined;
    out.push({ node, nameNode: prop(node, 'Name'), fieldSelectorsNode, fieldSelectors, category });
  }
  viewsOf(target).advanced = out;
  return out;
}

export function basicSelectors(target: Target): BasicSelectorView[] {
  const cached = viewsOf(target).basic;
  if (cached) return cached;
  const out: BasicSelectorView[] = [];
  for (const node of arrayItems(prop(target.object, 'EventSelectors'))) {
    if (node.type !== 'object') continue;
    const includeManagementNode = prop(node, 'IncludeManagementEvents');
    const dataResourcesNode = prop(node, 'DataResources');
    const readWriteTypeNode = prop(node, 'ReadWriteType');
    out.push({
      node,
      includeManagement: includeManagementNode ? boolValue(includeManagementNode) : true,
      includeManagementNode,
      readWriteType: stringValue(readWriteTypeNode),
      readWriteTypeNode,
      excludeNode: prop(node, 'ExcludeManagementEventSources'),
      dataResourcesNode,
      dataResources: arrayItems(dataResourcesNode)
        .filter((n) => n.type === 'object')
        .map((n) => {
          const typeNode = prop(n, 'Type');
          const valuesNode = prop(n, 'Values');
          return {
            node: n,
            type: stringValue(typeNode),
            typeNode,
            valuesNode,
            values: arrayItems(valuesNode),
          };
        }),
    });
  }
  viewsOf(target).basic = out;
  return out;
}

/** Whether the selectors are stated in the document as an array (not an intrinsic, not absent). */
export function hasSelectorArray(
  target: Target,
  key: 'EventSelectors' | 'AdvancedEventSelectors',
): boolean {
  return prop(target.object, key)?.type === 'array';
}

/** Read/write coverage of S3 object data events for every bucket, for CIS 3.10 / 3.11. */
export function s3ObjectCoverage(target: Target): {
  claimsData: boolean;
  read: boolean;
  write: boolean;
  unknown: boolean;
} {
  let claimsData = false;
  let read = false;
  let write = false;
  let unknown = false;
  for (const sel of basicSelectors(target)) {
    const rw = sel.readWriteType ?? 'All';
    if (isIntrinsic(sel.readWriteTypeNode)) unknown = true;
    for (const dr of sel.dataResources) {
      if (dr.values.length) claimsData = true;
      if (dr.type !== 'AWS::S3::Object') continue;
      if (dr.values.some(isIntrinsic) || isIntrinsic(dr.valuesNode)) unknown = true;
      if (!dr.values.some((v) => isAllResourcesValue(dr.type!, stringValue(v) ?? ''))) continue;
      if (rw === 'All' || rw === 'ReadOnly') read = true;
      if (rw === 'All' || rw === 'WriteOnly') write = true;
    }
  }
  for (const sel of advancedSelectors(target)) {
    if (sel.category !== 'Data') continue;
    claimsData = true;
    const type = sel.fieldSelectors.find((f) => f.field === 'resources.type');
    const typeValues =
      type?.operators.find((o) => o.name === 'Equals')?.values.map(stringValue) ?? [];
    if (!typeValues.includes('AWS::S3::Object')) continue;
    // Any condition on ARN, event name or identity narrows the selector below "every object".
    const narrowed = sel.fieldSelectors.some(
      (f) =>
        f.field !== undefined && !['eventCategory', 'resources.type', 'readOnly'].includes(f.field),
    );
    if (narrowed) continue;
    const ro = sel.fieldSelectors
      .find((f) => f.field === 'readOnly')
      ?.operators.find((o) => o.name === 'Equals');
    const roValues = ro?.values.map(stringValue);
    if (!roValues || roValues.includes('true')) read = true;
    if (!roValues || roValues.includes('false')) write = true;
  }
  return { claimsData, read, write, unknown };
}

/**
 * Which management events the trail's stated selectors log (read, write), and the first place
 * that narrows them to reads or writes only. Undefined when the document does not say: no
 * selectors stated (the trail keeps its own, or the default of all management events), both kinds
 * stated (mixed-selectors), an empty list, or a selector whose effect is not known (an intrinsic,
 * an invalid value, a readOnly condition other than Equals).
 */
export function managementEventCoverage(
  target: Target,
): { read: boolean; write: boolean; narrowedAt?: Node } | undefined {
  // An empty list states nothing (Terraform plans list absent blocks as []).
  const stated = (key: string) => {
    const n = prop(target.object, key);
    return n?.type === 'array' && !n.children?.length ? undefined : n;
  };
  const basicNode = stated('EventSelectors');
  const advancedNode = stated('AdvancedEventSelectors');
  if (!basicNode === !advancedNode) return undefined;
  const items = arrayItems(basicNode ?? advancedNode);
  if (!items.length || items.some((n) => n.type !== 'object' || isIntrinsic(n))) return undefined;
  let read = false;
  let write = false;
  let narrowedAt: Node | undefined;
  if (basicNode) {
    for (const sel of basicSelectors(target)) {
      if (sel.includeManagement === undefined) return undefined;
      if (!sel.includeManagement) continue;
      const rw = sel.readWriteTypeNode ? sel.readWriteType : 'All';
      if (rw === undefined || !READ_WRITE_TYPES.includes(rw)) return undefined;
      if (rw !== 'WriteOnly') read = true;
      if (rw !== 'ReadOnly') write = true;
      if (rw !== 'All') narrowedAt ??= sel.readWriteTypeNode;
    }
    return { read, write, narrowedAt };
  }
  for (const sel of advancedSelectors(target)) {
    // A field selector left out of the view (an intrinsic) may say anything.
    if (arrayItems(sel.fieldSelectorsNode).length !== sel.fieldSelectors.length) return undefined;
    if (sel.category === undefined) return undefined;
    if (sel.category !== 'Management') continue;
    const ro = sel.fieldSelectors.find((f) => f.field === 'readOnly');
    if (!ro) {
      read = write = true;
      continue;
    }
    const equals = ro.operators.length === 1 ? ro.operators[0] : undefined;
    const values = equals?.name === 'Equals' ? equals.values.map(stringValue) : [];
    if (!values.length || values.some((v) => v !== 'true' && v !== 'false')) return undefined;
    if (values.includes('true')) read = true;
    if (values.includes('false')) write = true;
    if (!(values.includes('true') && values.includes('false'))) narrowedAt ??= ro.fieldNode;
  }
  return { read, write, narrowedAt };
}
