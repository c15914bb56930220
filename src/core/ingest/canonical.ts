// A record as the product reads it: the fields a pipeline renamed put back under CloudTrail's
// own names, so the columns, the query language and the explanations see them. The raw text is
// never changed (export and "open raw" give the bytes as stored); this is only how the index
// (BatchBuilder.addRecord), the reference matcher on raw records (jobs.ts) and the detail pane
// read a record, one function for all three so they always agree.
//
// - Keys spelt in another case (`eventname`, `useridentity.sessioncontext`, what Athena and some
//   SIEMs write) are read under the canonical key when the record has no such key and exactly
//   one spelling of it; two spellings and no canonical key are left as they are (`irregular`:
//   the query language then sees both, and the index evaluates the record from its raw text).
// - `@timestamp` (Logstash, Elastic) stands for a missing `eventTime`.
// - An Insights event has no eventName or eventSource of its own: those of the API it is about
//   (insightDetails.eventName / eventSource) stand for them, so `eventName:X` finds it.
import { RECORD_KEY_PATHS } from '../records/fieldMeanings';
import { RESOURCE_FIELDS, SCALAR_FIELDS, TIME_FIELD, WrittenNumber } from '../index/schema';

interface KeyNode {
  /** Canonical child keys, exactly. */
  children: Map<string, KeyNode>;
  /** lower-cased key → canonical key */
  lower: Map<string, string>;
}

const newNode = (): KeyNode => ({ children: new Map(), lower: new Map() });

const ROOT = newNode();
{
  const paths = [
    TIME_FIELD,
    ...SCALAR_FIELDS,
    ...RESOURCE_FIELDS,
    'insightDetails.eventName',
    'insightDetails.eventSource',
    'insightDetails.insightContext',
    ...RECORD_KEY_PATHS,
  ];
  for (const path of paths) {
    let node = ROOT;
    for (const key of path.split('.')) {
      let child = node.children.get(key);
      if (!child) {
        node.children.set(key, (child = newNode()));
        node.lower.set(key.toLowerCase(), key);
      }
      node = child;
    }
  }
}

export interface CanonicalRecord {
  record: Record<string, unknown>;
  /** Some indexed key has several spellings and no canonical one: read it from the raw record. */
  irregular: boolean;
}

/**
 * The record with renamed fields read under CloudTrail's names (the same object when nothing
 * was renamed). `renamed` counts each mapping (`eventname → eventName`) for the file's note.
 */
export function canonicalRecord(
  rec: Record<string, unknown>,
  renamed?: Map<string, number>,
): CanonicalRecord {
  const state = { irregular: false, renamed };
  let out = canonicalObject(rec, ROOT, '', state) as Record<string, unknown>;
  if (out.eventTime === undefined && out['@timestamp'] !== undefined) {
    out = { ...out, eventTime: out['@timestamp'] };
    count(renamed, '@timestamp → eventTime');
  }
  const insight = out.insightDetails;
  if (typeof insight === 'object' && insight !== null && !Array.isArray(insight)) {
    const details = insight as Record<string, unknown>;
    if (out.eventName === undefined && details.eventName !== undefined)
      out = { ...out, eventName: details.eventName };
    if (out.eventSource === undefined && details.eventSource !== undefined)
      out = { ...out, eventSource: details.eventSource };
  }
  return { record: out, irregular: state.irregular };
}

function count(renamed: Map<string, number> | undefined, what: string): void {
  if (renamed) renamed.set(what, (renamed.get(what) ?? 0) + 1);
}

function canonicalObject(
  value: unknown,
  node: KeyNode,
  path: string,
  state: { irregular: boolean; renamed?: Map<string, number> },
): unknown {
  if (typeof value !== 'object' || value === null || value instanceof WrittenNumber) return value;
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const v = canonicalObject(value[i], node, path, state);
      if (v !== value[i]) (copy ??= value.slice())[i] = v;
    }
    return copy ?? value;
  }
  const o = value as Record<string, unknown>;
  let copy: Record<string, unknown> | undefined;
  let variants: Map<string, string[]> | undefined;
  for (const k in o) {
    const exact = node.children.get(k);
    if (exact) {
      if (exact.children.size > 0) {
        const v = canonicalObject(o[k], exact, path ? `${path}.${k}` : k, state);
        if (v !== o[k]) (copy ??= { ...o })[k] = v;
      }
      continue;
    }
    const canonical = node.lower.get(k.toLowerCase());
    if (canonical === undefined || Object.prototype.hasOwnProperty.call(o, canonical)) continue;
    variants ??= new Map();
    const list = variants.get(canonical);
    if (list) list.push(k);
    else variants.set(canonical, [k]);
  }
  if (!variants) return copy ?? o;
  copy ??= { ...o };
  for (const [canonical, spellings] of variants) {
    if (spellings.length > 1) {
      state.irregular = true;
      continue;
    }
    const k = spellings[0];
    const prefix = path ? `${path}.` : '';
    count(state.renamed, `${prefix}${k} → ${prefix}${canonical}`);
    const child = node.children.get(canonical)!;
    const v =
      child.children.size > 0 ? canonicalObject(o[k], child, `${prefix}${canonical}`, state) : o[k];
    delete copy[k];
    copy[canonical] = v;
  }
  return copy;
}
