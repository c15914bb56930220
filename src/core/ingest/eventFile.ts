// Reading one event file's text: which of the shapes CloudTrail events come in it has, its
// records, and (on demand) the exact raw JSON text of chosen records.
//
// Shapes:
//   records  {"Records":[…]}                delivered log files, console Event history downloads
//   array    [ {…}, {…} ]                    a JSON array of records
//   lines    {…}\n{…}                        JSON lines (or any whitespace-separated records)
//   single   {…}                             one record
//   lookup   {"Events":[{"CloudTrailEvent":"<record as a JSON string>",…}]}   aws cloudtrail lookup-events
//
// Records are addressed by their element index in the file (the position in the array, the
// line, …), which stays valid however many elements are skipped as not being records.
// Indexing parses the whole text with JSON.parse (the fastest parser there is) and keeps no
// offsets; only when raw text is asked for does `recordTexts` walk the text to find elements.

export type FileShape = 'records' | 'array' | 'lines' | 'single' | 'lookup';

export interface ParsedEventFile {
  shape: FileShape;
  /** Accepted records and their element indexes, in file order. */
  records: Record<string, unknown>[];
  elements: number[];
  /** Elements skipped (not a record), one message each, capped. */
  warnings: string[];
  skipped: number;
}

/** The file is not an event file of any known shape, or its JSON is broken. */
export class EventFileError extends Error {
  constructor(
    readonly code: 'not-cloudtrail' | 'bad-json' | 'empty',
    message: string,
  ) {
    super(message);
    this.name = 'EventFileError';
  }
}

const MAX_WARNINGS = 5;
const decoder = new TextDecoder('utf-8'); // replaces invalid bytes; drops a leading BOM

/** Bytes → text, the same way for indexing and for raw fetches (element positions must agree). */
export function decodeText(bytes: Uint8Array): string {
  return decoder.decode(bytes);
}

const RECORD_KEYS = new Set(['eventtime', 'eventname', 'eventsource', 'eventversion']);

/**
 * Looks like a CloudTrail record: an object with at least one of the fields every record has
 * (keys compared case-insensitively, as the query language reads them).
 */
export function isRecordLike(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const o = v as Record<string, unknown>;
  if ('eventTime' in o || 'eventName' in o || 'eventSource' in o || 'eventVersion' in o) return true;
  for (const k in o) if (RECORD_KEYS.has(k.toLowerCase())) return true;
  return false;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function parseEventFile(text: string): ParsedEventFile {
  const first = firstNonSpace(text, 0);
  if (first < 0) throw new EventFileError('empty', 'the file is empty');
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    // Not one JSON value: JSON lines (or concatenated records), or broken JSON.
    return parseLines(text, e);
  }
  const out: ParsedEventFile = { shape: 'single', records: [], elements: [], warnings: [], skipped: 0 };
  if (Array.isArray(doc)) {
    out.shape = 'array';
    acceptAll(out, doc, 'element', true);
    return out;
  }
  if (!isPlainObject(doc)) throw new EventFileError('not-cloudtrail', `a JSON ${typeof doc} value, not CloudTrail events`);
  if ('Records' in doc) {
    if (!Array.isArray(doc.Records)) throw new EventFileError('not-cloudtrail', '"Records" is not an array');
    out.shape = 'records';
    acceptAll(out, doc.Records, 'record', false);
    return out;
  }
  if ('Events' in doc && Array.isArray(doc.Events)) {
    out.shape = 'lookup';
    doc.Events.forEach((ev, i) => {
      const raw = isPlainObject(ev) ? ev.CloudTrailEvent : undefined;
      let rec: unknown;
      if (typeof raw === 'string') {
        try {
          rec = JSON.parse(raw);
        } catch {
          rec = undefined;
        }
      }
      if (isPlainObject(rec)) {
        out.records.push(rec);
        out.elements.push(i);
      } else warn(out, `Events[${i}] has no CloudTrailEvent holding a JSON record; skipped`);
    });
    if (out.records.length === 0 && doc.Events.length > 0) throw new EventFileError('not-cloudtrail', '"Events" holds no CloudTrailEvent records (not lookup-events output)');
    return out;
  }
  if (isRecordLike(doc)) {
    out.records.push(doc);
    out.elements.push(0);
    return out;
  }
  const keys = Object.keys(doc).slice(0, 4).map((k) => JSON.stringify(k)).join(', ');
  throw new EventFileError('not-cloudtrail', `a JSON object without a "Records" array (keys ${keys || 'none'}): not a CloudTrail log file`);
}

function acceptAll(out: ParsedEventFile, items: unknown[], what: string, requireRecordLike: boolean): void {
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    if (requireRecordLike ? isRecordLike(item) : isPlainObject(item)) {
      out.records.push(item as Record<string, unknown>);
      out.elements.push(i);
    } else warn(out, `${what} ${i} is not a CloudTrail record; skipped`);
  }
  if (requireRecordLike && out.records.length === 0 && items.length > 0) {
    throw new EventFileError('not-cloudtrail', 'a JSON array whose elements are not CloudTrail records');
  }
}

function warn(out: ParsedEventFile, message: string): void {
  out.skipped++;
  if (out.warnings.length < MAX_WARNINGS) out.warnings.push(message);
  else if (out.warnings.length === MAX_WARNINGS) out.warnings.push('… more elements skipped');
}

function parseLines(text: string, wholeError: unknown): ParsedEventFile {
  const spans = topLevelValues(text);
  if (!spans.ok || spans.values.length < 2) {
    const at = spans.ok ? -1 : spans.errorAt;
    throw new EventFileError('bad-json', describeJsonError(text, wholeError, at));
  }
  const out: ParsedEventFile = { shape: 'lines', records: [], elements: [], warnings: [], skipped: 0 };
  for (let i = 0; i < spans.values.length; i++) {
    const [s, e] = spans.values[i];
    let v: unknown;
    try {
      v = JSON.parse(text.slice(s, e));
    } catch (err) {
      throw new EventFileError('bad-json', `line ${lineCol(text, s).line}: ${describeJsonError(text.slice(s, e), err, -1)}`);
    }
    if (isRecordLike(v)) {
      out.records.push(v);
      out.elements.push(i);
    } else warn(out, `line ${lineCol(text, s).line} is not a CloudTrail record; skipped`);
  }
  if (out.records.length === 0) throw new EventFileError('not-cloudtrail', 'JSON values that are not CloudTrail records');
  return out;
}

function describeJsonError(text: string, e: unknown, structuralErrorAt: number): string {
  const msg = e instanceof Error ? e.message : String(e);
  const pos = /position (\d+)/.exec(msg);
  const end = text.trimEnd().length;
  if (/end of JSON input|Unterminated string/i.test(msg) || (pos ? Number(pos[1]) >= end : structuralErrorAt === text.length)) {
    return 'truncated JSON: the file ends in the middle of a value';
  }
  const at = pos ? Number(pos[1]) : structuralErrorAt;
  if (at >= 0) {
    const { line, column } = lineCol(text, at);
    return `invalid JSON at line ${line}, column ${column}: ${msg.replace(/ in JSON at position \d+.*$/s, '').replace(/\s*\(line \d+ column \d+\)$/, '')}`;
  }
  return `invalid JSON: ${msg}`;
}

function lineCol(text: string, at: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < at; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: at - lineStart + 1 };
}

// ── raw text of chosen records ─────────────────────────────────────────────────────────────

/**
 * The exact JSON text of the records at the given element indexes (for `lookup` files, the
 * decoded CloudTrailEvent string). Returns one string per requested element ('' when the
 * element does not exist — the file changed since it was indexed).
 */
export function recordTexts(text: string, shape: FileShape, elements: ArrayLike<number>): string[] {
  const spans = elementSpans(text, shape);
  const out: string[] = new Array(elements.length);
  for (let i = 0; i < elements.length; i++) {
    const span = spans[elements[i]];
    if (!span) {
      out[i] = '';
      continue;
    }
    const slice = text.slice(span[0], span[1]);
    out[i] = shape === 'lookup' ? lookupRecordText(slice) : slice;
  }
  return out;
}

function lookupRecordText(eventObject: string): string {
  try {
    const v = JSON.parse(eventObject) as { CloudTrailEvent?: unknown };
    return typeof v.CloudTrailEvent === 'string' ? v.CloudTrailEvent : '';
  } catch {
    return '';
  }
}

type Span = [number, number];

function elementSpans(text: string, shape: FileShape): Span[] {
  const start = firstNonSpace(text, 0);
  switch (shape) {
    case 'array':
      return arrayElements(text, start);
    case 'lines':
    case 'single': {
      const v = topLevelValues(text);
      return v.values;
    }
    case 'records':
    case 'lookup': {
      const at = memberValue(text, start, shape === 'records' ? 'Records' : 'Events');
      return at < 0 ? [] : arrayElements(text, at);
    }
  }
}

function firstNonSpace(text: string, i: number): number {
  for (; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return i;
  }
  return -1;
}

/** i at '"': the index just past the closing quote, or -1 when the string is not terminated. */
function skipString(text: string, i: number): number {
  let j = i + 1;
  for (;;) {
    const q = text.indexOf('"', j);
    if (q < 0) return -1;
    let backslashes = 0;
    for (let k = q - 1; text.charCodeAt(k) === 0x5c; k--) backslashes++;
    if (backslashes % 2 === 0) return q + 1;
    j = q + 1;
  }
}

/** i at the first char of a value: the index just past it, or -1 when the text ends inside it. */
function skipValue(text: string, i: number): number {
  const c = text.charCodeAt(i);
  if (c === 0x22) return skipString(text, i);
  if (c !== 0x7b && c !== 0x5b) {
    let j = i;
    for (; j < text.length; j++) {
      const d = text.charCodeAt(j);
      if (d === 0x2c || d === 0x7d || d === 0x5d || d === 0x20 || d === 0x0a || d === 0x0d || d === 0x09) break;
    }
    return j;
  }
  let depth = 0;
  for (let j = i; j < text.length; j++) {
    const d = text.charCodeAt(j);
    if (d === 0x22) {
      j = skipString(text, j) - 1;
      if (j < 0) return -1;
    }
    else if (d === 0x7b || d === 0x5b) depth++;
    else if (d === 0x7d || d === 0x5d) {
      if (--depth === 0) return j + 1;
    }
  }
  return -1;
}

function arrayElements(text: string, at: number): Span[] {
  const spans: Span[] = [];
  if (text.charCodeAt(at) !== 0x5b) return spans;
  let i = firstNonSpace(text, at + 1);
  while (i >= 0 && text.charCodeAt(i) !== 0x5d) {
    const end = skipValue(text, i);
    if (end < 0) break;
    spans.push([i, end]);
    i = firstNonSpace(text, end);
    if (i >= 0 && text.charCodeAt(i) === 0x2c) i = firstNonSpace(text, i + 1);
  }
  return spans;
}

/** The start of the value of member `key` of the object at `at`, or -1. */
function memberValue(text: string, at: number, key: string): number {
  if (text.charCodeAt(at) !== 0x7b) return -1;
  let i = firstNonSpace(text, at + 1);
  while (i >= 0 && text.charCodeAt(i) === 0x22) {
    const keyEnd = skipString(text, i);
    if (keyEnd < 0) return -1;
    let name: unknown;
    try {
      name = JSON.parse(text.slice(i, keyEnd));
    } catch {
      return -1;
    }
    i = firstNonSpace(text, keyEnd);
    if (i < 0 || text.charCodeAt(i) !== 0x3a) return -1;
    i = firstNonSpace(text, i + 1);
    if (i < 0) return -1;
    if (name === key) return i;
    const end = skipValue(text, i);
    if (end < 0) return -1;
    i = firstNonSpace(text, end);
    if (i >= 0 && text.charCodeAt(i) === 0x2c) i = firstNonSpace(text, i + 1);
  }
  return -1;
}

type TopLevel = { ok: true; values: Span[] } | { ok: false; errorAt: number; values: Span[] };

/** Whitespace-separated top-level values (JSON lines); stops at the first one that is cut off. */
function topLevelValues(text: string): TopLevel {
  const values: Span[] = [];
  let i = firstNonSpace(text, 0);
  while (i >= 0) {
    const c = text.charCodeAt(i);
    if (c !== 0x7b && c !== 0x5b) return { ok: false, errorAt: i, values };
    const end = skipValue(text, i);
    if (end < 0) return { ok: false, errorAt: text.length, values };
    values.push([i, end]);
    i = firstNonSpace(text, end);
  }
  return { ok: true, values };
}

/**
 * The same JSON on one line: whitespace outside strings removed, everything else kept exactly
 * (a pretty-printed record in an exported array spans many lines; JSON lines output needs one).
 */
export function singleLineJson(text: string): string {
  if (!/[\r\n]/.test(text)) return text;
  let out = '';
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      const end = skipString(text, i);
      if (end < 0) break;
      i = end - 1;
    } else if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) {
      out += text.slice(from, i);
      from = i + 1;
    }
  }
  return out + text.slice(from);
}

/**
 * The same JSON indented for reading (two spaces, as JSON.stringify(v, null, 2) lays it out),
 * every token kept exactly as stored: numbers such as 12345678901234567890 or 1e400, escapes,
 * and duplicate keys stay as they are, which a parse and re-serialisation would change. Only
 * whitespace outside strings changes. For text that is not valid JSON the result is unspecified
 * (callers check first).
 */
export function indentJson(text: string, indent = '  '): string {
  const out: string[] = [];
  let depth = 0;
  const newline = () => '\n' + indent.repeat(depth);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) continue;
    if (c === 0x22) {
      const end = skipString(text, i);
      if (end < 0) return out.join('') + text.slice(i);
      out.push(text.slice(i, end));
      i = end - 1;
    } else if (c === 0x7b || c === 0x5b) {
      const next = firstNonSpace(text, i + 1);
      const close = c === 0x7b ? 0x7d : 0x5d;
      if (next >= 0 && text.charCodeAt(next) === close) {
        out.push(c === 0x7b ? '{}' : '[]');
        i = next;
      } else {
        depth++;
        out.push(text[i] + newline());
      }
    } else if (c === 0x7d || c === 0x5d) {
      depth = Math.max(0, depth - 1);
      out.push(newline() + text[i]);
    } else if (c === 0x2c) {
      out.push(',' + newline());
    } else if (c === 0x3a) {
      out.push(': ');
    } else {
      // A number, true, false or null: up to the next structural character or space.
      let j = i + 1;
      for (; j < text.length; j++) {
        const d = text.charCodeAt(j);
        if (d === 0x2c || d === 0x7d || d === 0x5d || d === 0x3a || d === 0x22 || d === 0x20 || d === 0x0a || d === 0x0d || d === 0x09) break;
      }
      out.push(text.slice(i, j));
      i = j - 1;
    }
  }
  return out.join('');
}
