// A cheap structural index of the CloudTrail records in a JSON text: where each record starts
// and ends and where its userIdentity / requestParameters / eventName keys are. Lenses and
// hovers need nothing more until a record is on screen; then that one record is parsed alone.
//
// Why a jsonc-parser visitor rather than parseTree: on a 50 MB log parseTree allocates a node per
// value (tens of millions) while the visitor keeps only a stack, so indexing stays fast and
// small; the record's text slice is parsed on demand (see parseRecord).
import { getLocation, ParseErrorCode, visit, type JSONPath } from 'jsonc-parser';
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
const MARKERS = { eventVersion: 1, eventTime: 2, eventSource: 4 } as const;
const isRecordMarkers = (m: number): boolean => (m & MARKERS.eventVersion) !== 0 || (m & 6) === 6;

interface Frame {
  kind: 'object' | 'array';
  /** The property name (objects' children) under which the next value sits. */
  lastKey?: string;
  /** The key under which this container sits in its parent. */
  key?: string | number;
  candidate?: IndexedRecord & { markers: number; lookup?: boolean };
}

interface ScanResult {
  records: IndexedRecord[];
  rootKind?: 'object' | 'array';
  rootIsRecord: boolean;
  /** The root value was followed by more content (JSON lines). */
  trailing: boolean;
  sawEvents: boolean;
}

function scan(text: string, base: number, records: IndexedRecord[]): ScanResult {
  const stack: Frame[] = [];
  const result: ScanResult = { records, rootIsRecord: false, trailing: false, sawEvents: false };

  const childKey = (): string | number | undefined => {
    const parent = stack[stack.length - 1];
    return parent?.kind === 'object' ? parent.lastKey : undefined;
  };

  visit(
    text,
    {
      onObjectBegin(offset) {
        const parent = stack[stack.length - 1];
        const frame: Frame = { kind: 'object', key: childKey() };
        let candidate = false;
        let lookup = false;
        if (!parent) candidate = true;
        else if (parent.kind === 'array' && stack.length === 1) candidate = true;
        else if (parent.kind === 'array' && stack.length === 2 && stack[0].kind === 'object') {
          if (parent.key === 'Records') candidate = true;
          else if (parent.key === 'Events') {
            candidate = true;
            lookup = true;
          }
        }
        if (candidate) frame.candidate = { start: base + offset, end: base + offset, markers: 0, lookup };
        if (!parent) result.rootKind = 'object';
        stack.push(frame);
      },
      onObjectProperty(property, offset) {
        const frame = stack[stack.length - 1];
        frame.lastKey = property;
        const c = frame.candidate;
        if (!c) return;
        switch (property) {
          case 'userIdentity':
            c.userIdentity = base + offset;
            break;
          case 'requestParameters':
            c.requestParameters = base + offset;
            break;
          case 'eventName':
            c.eventName = base + offset;
            break;
          case 'eventVersion':
          case 'eventTime':
          case 'eventSource':
            c.markers |= MARKERS[property];
            break;
          case 'CloudTrailEvent':
            if (c.lookup) {
              c.userIdentity = base + offset;
              c.requestParameters = base + offset;
            }
            break;
          case 'Records':
          case 'Events':
            if (stack.length === 1 && property === 'Events') result.sawEvents = true;
            break;
        }
      },
      onObjectEnd(offset, length) {
        const frame = stack.pop();
        const c = frame?.candidate;
        // length 0: the visitor closed an object the text never closed (a truncated file).
        if (c && length > 0) {
          c.end = base + offset + length;
          if (c.lookup ? c.embedded !== undefined : isRecordMarkers(c.markers)) {
            const { markers: _m, lookup: _l, ...record } = c;
            records.push(record);
            if (stack.length === 0) result.rootIsRecord = true;
          }
        }
      },
      onArrayBegin() {
        const parent = stack[stack.length - 1];
        if (!parent) result.rootKind = 'array';
        stack.push({ kind: 'array', key: childKey() });
      },
      onArrayEnd() {
        stack.pop();
      },
      onLiteralValue(value, offset, length) {
        const frame = stack[stack.length - 1];
        if (frame?.candidate?.lookup && frame.lastKey === 'CloudTrailEvent' && typeof value === 'string') {
          frame.candidate.embedded = { offset: base + offset, length };
        }
      },
      onError(error) {
        if (error === ParseErrorCode.EndOfFileExpected && stack.length === 0) result.trailing = true;
      },
    },
    { allowTrailingComma: true, disallowComments: false },
  );
  return result;
}

/** Indexes the CloudTrail records of a document; shape "none" when it holds none. */
export function indexRecords(text: string): RecordIndex {
  const records: IndexedRecord[] = [];
  const first = scan(text, 0, records);
  if (first.trailing && first.rootKind === 'object') {
    // JSON lines: one value per line. Index each line on its own.
    records.length = 0;
    let start = 0;
    while (start < text.length) {
      let end = text.indexOf('\n', start);
      if (end < 0) end = text.length;
      const line = text.slice(start, end);
      if (line.trim()) scan(line, start, records);
      start = end + 1;
    }
    return { shape: records.length ? 'jsonl' : 'none', records };
  }
  if (!records.length) return { shape: 'none', records };
  // Records are pushed when their object closes; a root record closes after its children.
  records.sort((a, b) => a.start - b.start);
  if (first.sawEvents && records.some((r) => r.embedded)) return { shape: 'lookup-events', records };
  if (first.rootIsRecord && records.length === 1 && first.rootKind === 'object') return { shape: 'single', records };
  return { shape: first.rootKind === 'array' ? 'array' : 'records', records };
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
    let source: unknown = ownText;
    if (record.embedded) {
      const from = record.embedded.offset - record.start;
      source = JSON.parse(ownText.slice(from, from + record.embedded.length));
    }
    const value: unknown = typeof source === 'string' ? JSON.parse(source) : undefined;
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as CloudTrailRecord) : undefined;
  } catch {
    return undefined;
  }
}

export interface FieldLocation {
  /** Path relative to the record (or the lookup-events entry, prefixed with "Events", 0). */
  path: JSONPath;
  /** Whether the offset is on a property name. */
  isKey: boolean;
  /** The literal value under the cursor, when the cursor is on one. */
  value?: string | number | boolean | null;
  /** The range of the key or value under the cursor (document offsets). */
  range?: { offset: number; length: number };
}

/**
 * Where a document offset falls inside a record, given the record's own text: the field path
 * and whether it is on a key or a value. Only that text is scanned, so this stays fast in huge
 * documents. undefined inside a lookup-events CloudTrailEvent string.
 */
export function locateField(ownText: string, record: IndexedRecord, offset: number): FieldLocation | undefined {
  if (offset < record.start || offset >= record.end) return undefined;
  if (record.embedded && offset > record.embedded.offset && offset < record.embedded.offset + record.embedded.length) return undefined;
  const loc = getLocation(ownText, offset - record.start);
  const node = loc.previousNode;
  const path = record.embedded ? ['Events', 0, ...loc.path] : loc.path;
  const range = node ? { offset: record.start + node.offset, length: node.length } : undefined;
  const value = !loc.isAtPropertyKey && node && node.type !== 'object' && node.type !== 'array' && node.type !== 'property' ? (node.value as string | number | boolean | null) : undefined;
  return { path, isKey: loc.isAtPropertyKey, value, range };
}
