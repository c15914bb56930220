// A cheap structural index of the CloudTrail records in a JSON text: where each record starts
// and ends and where its userIdentity / requestParameters / eventName keys are. Lenses and
// hovers need nothing more until a record is on screen; then that one record is parsed alone
// (parseRecord), and fields are located inside that record's text only (fieldLocation.ts).
//
// Why a hand-written structural scan rather than jsonc-parser's parseTree or visitor: on a 50 MB
// log parseTree allocates a node per value and the visitor tokenises every value with a
// callback; measured in bench/lenses.bench.ts both cost several times a JSON.parse. This scan
// only looks at brackets, commas, colons and quotes (strings are skipped with indexOf), which
// is all the index needs.
import { lookupTable } from '../lookupTable';
import type { CloudTrailRecord } from './types';

/** How the records are laid out in the document. */
export type DocumentShape =
  | 'records' // {"Records": [ … ]}: a CloudTrail log file
  | 'array' // [ … ]: an array of records (e.g. exported events)
  | 'single' // one record object
  | 'jsonl' // one record per line
  | 'lookup-events' // `aws cloudtrail lookup-events` output: {"Events":[{"CloudTrailEvent":"<json string>"}]}
  | 'none'; // not a CloudTrail document

export interface IndexedRecord {
  /** Offset of the record object's "{" (for lookup-events: of the Events[] entry). */
  start: number;
  /** Offset just past the record object's "}". */
  end: number;
  /** Offsets of these keys' opening quote, when present. */
  userIdentity?: number;
  requestParameters?: number;
  eventName?: number;
  /** lookup-events: the CloudTrailEvent string literal that holds the record (offset, length). */
  embedded?: { offset: number; length: number };
}

export interface RecordIndex {
  shape: DocumentShape;
  records: IndexedRecord[];
}

// A record is recognised by content: an object with eventVersion, or with eventTime and eventSource.
const MARKERS = lookupTable<number>({ eventVersion: 1, eventTime: 2, eventSource: 4 });
const isRecordMarkers = (m: number): boolean => (m & 1) !== 0 || (m & 6) === 6;

interface Candidate extends IndexedRecord {
  markers: number;
  lookup: boolean;
}

interface Frame {
  isObject: boolean;
  /** The key under which this container sits in its parent (tracked where it matters). */
  key?: string;
  /** The last key read in this object (tracked for the root object and candidates only). */
  lastKey?: string;
  candidate?: Candidate;
}

const QUOTE = 34;
const BACKSLASH = 92;
const SLASH = 47;
const STAR = 42;

// The only keys the index cares about; comparing in place avoids slicing every key of a 50 MB text.
const KEYS = [
  'userIdentity',
  'requestParameters',
  'eventName',
  'CloudTrailEvent',
  'eventVersion',
  'eventTime',
  'eventSource',
  'Records',
  'Events',
];
const KEYS_BY_LENGTH = new Map<number, string[]>();
for (const k of KEYS) KEYS_BY_LENGTH.set(k.length, [...(KEYS_BY_LENGTH.get(k.length) ?? []), k]);

/** The key between start and end when it is one the index cares about, else undefined. */
function keyAt(text: string, start: number, end: number): string | undefined {
  const candidates = KEYS_BY_LENGTH.get(end - start);
  if (!candidates) return undefined;
  for (const k of candidates) if (text.startsWith(k, start)) return k;
  return undefined;
}

/** Whether the quote at `at` is escaped (preceded by an odd number of backslashes). */
function escaped(text: string, at: number): boolean {
  let n = 0;
  for (let i = at - 1; i >= 0 && text.charCodeAt(i) === BACKSLASH; i--) n++;
  return (n & 1) === 1;
}

/** Indexes the CloudTrail records of a document; shape "none" when it holds none. */
export function indexRecords(text: string): RecordIndex {
  const records: IndexedRecord[] = [];
  const stack: Frame[] = [];
  const n = text.length;
  let expectKey = false;
  let roots = 0;
  let rootIsArray = false;
  let rootRecord = false;
  let sawEvents = false;

  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c <= 32) continue;
    switch (c) {
      case QUOTE: {
        let end = i;
        do {
          end = text.indexOf('"', end + 1);
        } while (end >= 0 && escaped(text, end));
        if (end < 0)
          i = n; // unterminated string: the text is truncated here
        else {
          const top = stack[stack.length - 1];
          if (top && expectKey) {
            if (top.candidate || stack.length === 1) {
              const key = keyAt(text, i + 1, end);
              top.lastKey = key;
              const cand = top.candidate;
              if (cand && key !== undefined) {
                if (key === 'userIdentity') cand.userIdentity = i;
                else if (key === 'requestParameters') cand.requestParameters = i;
                else if (key === 'eventName') cand.eventName = i;
                else if (key === 'CloudTrailEvent') {
                  if (cand.lookup) cand.userIdentity = cand.requestParameters = i;
                } else cand.markers |= MARKERS[key] ?? 0;
              }
              if (stack.length === 1 && key === 'Events') sawEvents = true;
            }
            expectKey = false;
          } else if (top?.candidate?.lookup && top.lastKey === 'CloudTrailEvent') {
            top.candidate.embedded = { offset: i, length: end - i + 1 };
          }
          i = end;
        }
        break;
      }
      case 123: /* { */ {
        const parent = stack[stack.length - 1];
        const frame: Frame = { isObject: true, key: parent?.isObject ? parent.lastKey : undefined };
        let candidate = !parent || (!parent.isObject && stack.length === 1);
        let lookup = false;
        if (parent && !parent.isObject && stack.length === 2 && stack[0].isObject) {
          if (parent.key === 'Records') candidate = true;
          else if (parent.key === 'Events') candidate = lookup = true;
        }
        if (candidate) frame.candidate = { start: i, end: i, markers: 0, lookup };
        stack.push(frame);
        expectKey = true;
        break;
      }
      case 91: /* [ */ {
        const parent = stack[stack.length - 1];
        if (!parent) rootIsArray = true;
        stack.push({ isObject: false, key: parent?.isObject ? parent.lastKey : undefined });
        expectKey = false;
        break;
      }
      case 125: /* } */
      case 93: /* ] */ {
        const frame = stack.pop();
        const cand = frame?.candidate;
        if (cand && c === 125) {
          cand.end = i + 1;
          if (cand.lookup ? cand.embedded !== undefined : isRecordMarkers(cand.markers)) {
            const record: IndexedRecord = { start: cand.start, end: cand.end };
            if (cand.userIdentity !== undefined) record.userIdentity = cand.userIdentity;
            if (cand.requestParameters !== undefined)
              record.requestParameters = cand.requestParameters;
            if (cand.eventName !== undefined) record.eventName = cand.eventName;
            if (cand.embedded) record.embedded = cand.embedded;
            records.push(record);
            if (stack.length === 0) rootRecord = true;
          }
        }
        if (stack.length === 0 && frame) roots++;
        expectKey = false;
        break;
      }
      case 44 /* , */:
        expectKey = stack[stack.length - 1]?.isObject === true;
        break;
      case 58 /* : */:
        expectKey = false;
        break;
      case SLASH: {
        // Comments (JSONC): skip them so a quote inside one is not read as a string.
        const next = text.charCodeAt(i + 1);
        if (next === SLASH) {
          const eol = text.indexOf('\n', i);
          i = eol < 0 ? n : eol;
        } else if (next === STAR) {
          const close = text.indexOf('*/', i + 2);
          i = close < 0 ? n : close + 1;
        }
        break;
      }
      default:
        // numbers, true/false/null: nothing to index
        break;
    }
  }

  if (!records.length) return { shape: 'none', records };
  // Records are pushed when their object closes; a root record closes after its children.
  records.sort((a, b) => a.start - b.start);
  if (roots > 1) return { shape: 'jsonl', records };
  if (sawEvents && records.some((r) => r.embedded)) return { shape: 'lookup-events', records };
  if (rootRecord && records.length === 1 && !rootIsArray) return { shape: 'single', records };
  return { shape: rootIsArray ? 'array' : 'records', records };
}

/** The record whose range contains the offset (binary search), or undefined. */
export function recordAt(index: RecordIndex, offset: number): IndexedRecord | undefined {
  const { records } = index;
  let lo = 0;
  let hi = records.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const r = records[mid];
    if (offset < r.start) hi = mid - 1;
    else if (offset >= r.end) lo = mid + 1;
    else return r;
  }
  return undefined;
}

/** Records whose range intersects [from, to). */
export function recordsBetween(index: RecordIndex, from: number, to: number): IndexedRecord[] {
  const { records } = index;
  let lo = 0;
  let hi = records.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (records[mid].end <= from) lo = mid + 1;
    else hi = mid;
  }
  const out: IndexedRecord[] = [];
  for (let i = lo; i < records.length && records[i].start < to; i++) out.push(records[i]);
  return out;
}

/** The record's own text: the slice of the document between its start and end. */
export function recordText(text: string, record: IndexedRecord): string {
  return text.slice(record.start, record.end);
}

/**
 * Parses one indexed record from its own text (see recordText; editors fetch just that range).
 * undefined when it is not a valid JSON object.
 */
export function parseRecord(ownText: string, record: IndexedRecord): CloudTrailRecord | undefined {
  try {
    const source = recordJson(ownText, record);
    const value: unknown = source === undefined ? undefined : JSON.parse(source);
    return value && typeof value === 'object' && !Array.isArray(value)
      ? (value as CloudTrailRecord)
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The record's JSON text exactly as stored, from its own text: that text itself, or for
 * lookup-events the CloudTrailEvent string decoded. undefined when that string is not valid.
 */
export function recordJson(ownText: string, record: IndexedRecord): string | undefined {
  if (!record.embedded) return ownText;
  const from = record.embedded.offset - record.start;
  try {
    const decoded: unknown = JSON.parse(ownText.slice(from, from + record.embedded.length));
    return typeof decoded === 'string' ? decoded : undefined;
  } catch {
    return undefined;
  }
}
