// Reading one event file's text: which of the shapes CloudTrail evidence arrives in it has, its
// records, and (on demand) the exact raw JSON text of chosen records.
//
// A file is one or more top-level JSON values (several back to back: JSON lines, concatenated
// objects); a top-level array stands for its elements. Each of these items is one of:
//   {"Records":[…]}                                  a delivered log file (or a console download)
//   {"Events":[{"CloudTrailEvent":"<record>",…}]}     aws cloudtrail lookup-events output
//   {"EventId":…,"CloudTrailEvent":"<record>"}        one lookup-events Event (jq -c '.Events[]')
//   {"messageType":…,"logEvents":[{"message":"<record>"}]}   a CloudWatch Logs subscription payload
//   {"detail-type":…,"detail":{<record>}}             an EventBridge event
//   {<record>}                                        a record on its own
// so `{"Records":[…]}` alone, a JSON array of records, JSON lines of records or of Event
// objects, Firehose's payloads back to back and `zcat *.json.gz` output all read the same way.
//
// Records are addressed by their slot: the running count, in file order, of the places a record
// can be (each element of a container, each other item), which stays valid however many slots
// are skipped as not holding a CloudTrail record. Indexing parses with JSON.parse (the fastest
// parser there is) and keeps no offsets; only when raw text is asked for does `recordTexts` walk
// the text to find the slots, reading each item's kind from its keys exactly as `kindOf` reads
// it from the parsed value, so the two always agree.
import { printParseErrorCode, visit } from 'jsonc-parser';

import { deeperThan, depthExceededAt, JsonCursor, MAX_JSON_DEPTH } from './jsonScan';

/**
 * 'records': the text is one `{"Records":[…]}` object (the delivered form, walked directly).
 * 'lines': top-level values back to back (JSON lines, concatenated objects). 'damaged lines':
 * JSON lines some of whose lines are not whole JSON, read one line at a time (parseLines).
 */
export type FileShape = 'records' | 'array' | 'lines' | 'damaged lines' | 'single';

export interface ParsedEventFile {
  shape: FileShape;
  /** Accepted records and their slots, in file order. */
  records: Record<string, unknown>[];
  elements: number[];
  /** Slots skipped (not a CloudTrail record), one message each, capped. */
  warnings: string[];
  skipped: number;
  /** What the file is when it is not a plain delivered log, and what was left out on purpose. */
  notes: string[];
  /** The records that name a key more than once (repeatedKeysOf). */
  repeatedKeys: RepeatedKeys[];
  /**
   * The keys that an item holding records names more than once ("Records", "CloudTrailEvent",
   * "detail"…): JSON.parse keeps the last, so what the others hold is not loaded. Where each item
   * starts (its line) and the key.
   */
  repeatedItemKeys: { line: number; key: string }[];
}

/**
 * A record that names keys more than once: its slot (for a delivered file, its index in
 * "Records"), its line when known, and the paths (at most MAX_REPEATED_PATHS).
 */
export interface RepeatedKeys {
  element: number;
  line?: number;
  paths: string[];
}

/** The paths listed per record that names keys more than once. */
export const MAX_REPEATED_PATHS = 3;

export type EventFileErrorCode = 'not-cloudtrail' | 'bad-json' | 'empty' | 'digest' | 'encoding';

/** The file is not an event file of any known shape, or its JSON is broken. */
export class EventFileError extends Error {
  constructor(
    readonly code: EventFileErrorCode,
    message: string,
    /** Where the JSON breaks (1-based), for bad-json. */
    readonly position?: { line: number; column: number },
  ) {
    super(message);
    this.name = 'EventFileError';
  }
}

const MAX_WARNINGS = 5;

/** Counts a skipped slot and keeps its message (the first few; the message made only then). */
export function warn(
  out: Pick<ParsedEventFile, 'warnings' | 'skipped'>,
  message: () => string,
): void {
  out.skipped++;
  if (out.warnings.length < MAX_WARNINGS) out.warnings.push(message());
  else if (out.warnings.length === MAX_WARNINGS) out.warnings.push('… more skipped');
}

// ── what a CloudTrail record is ────────────────────────────────────────────────────────────

/** Keys (lower-cased) that CloudTrail records have and other JSON rarely has two of. */
const RECORD_KEYS = new Set([
  'eventversion',
  'eventtime',
  'eventname',
  'eventsource',
  'eventid',
  'eventtype',
  'eventcategory',
  'awsregion',
  'useridentity',
  'sourceipaddress',
  'useragent',
  'recipientaccountid',
  'requestid',
  'requestparameters',
  'responseelements',
  'insightdetails',
  'readonly',
  'managementevent',
  'errorcode',
  '@timestamp',
]);

/**
 * Why a value is not a CloudTrail record, or undefined when it is one: an object with at least
 * two of the fields records have (keys in any case, as the query language reads them), that is
 * not an AWS event notification (S3, SNS, SQS… put `"eventSource": "aws:…"` in `Records` too).
 */
export function recordProblem(v: unknown): string | undefined {
  if (typeof v !== 'object' || v === null)
    return `a JSON ${v === null ? 'null' : typeof v}, not a record`;
  if (Array.isArray(v)) return 'a JSON array, not a record';
  const o = v as Record<string, unknown>;
  let known = 0;
  let only: string | undefined;
  for (const k in o) {
    const lower = k.toLowerCase();
    if (!RECORD_KEYS.has(lower)) continue;
    if (lower === 'eventsource' && typeof o[k] === 'string' && /^aws:/i.test(o[k] as string)) {
      return `an AWS event notification ("${k}": ${JSON.stringify((o[k] as string).slice(0, 40))}), not a CloudTrail record`;
    }
    known++;
    only = k;
  }
  if (known >= 2) return undefined;
  if (known === 1)
    return `a JSON object with only an "${only}" field of a CloudTrail record, not a record`;
  const keys = Object.keys(o)
    .slice(0, 4)
    .map((k) => JSON.stringify(k))
    .join(', ');
  return `a JSON object without a "Records" array or any field of a CloudTrail record (keys ${keys || 'none'})`;
}

/** A CloudTrail digest file (the integrity chain): never events. */
function isDigest(o: Record<string, unknown>): boolean {
  return 'digestStartTime' in o && 'digestEndTime' in o && 'logFiles' in o;
}

export const DIGEST_MESSAGE =
  'a CloudTrail digest file (the integrity chain), not events: check it with `cloudtrail-lens validate` (or Validate Digests Here)';

// ── the kinds of items ─────────────────────────────────────────────────────────────────────

type JsonType = 'object' | 'array' | 'string' | 'other';
type ItemKind = 'records' | 'lookupEvents' | 'logEvents' | 'lookupEvent' | 'eventBridge' | 'record';

/** The member holding an item's slots (containers) or its record. */
const CONTAINER_MEMBER = {
  records: 'Records',
  lookupEvents: 'Events',
  logEvents: 'logEvents',
} as const;
/** The member of each kind of item that holds its records (a record holds itself). */
const HOLDING_MEMBER: Record<ItemKind, string | undefined> = {
  ...CONTAINER_MEMBER,
  lookupEvent: 'CloudTrailEvent',
  eventBridge: 'detail',
  record: undefined,
};
/** The members a record is embedded in as a string. */
const EMBEDDING_KEYS = new Set(['CloudTrailEvent', 'message']);
/** The keys kindOf looks at. */
const KIND_KEYS = new Set([
  'Records',
  'Events',
  'logEvents',
  'messageType',
  'CloudTrailEvent',
  'detail',
  'detail-type',
]);

/**
 * What an object item is, from the JSON type of some of its members (`typeOf(key)`, undefined
 * when the key is absent; for duplicated keys the last one, as JSON.parse keeps it).
 */
function kindOf(typeOf: (key: string) => JsonType | undefined): ItemKind {
  if (typeOf('Records') === 'array') return 'records';
  if (typeOf('Events') === 'array') return 'lookupEvents';
  if (typeOf('logEvents') === 'array' && typeOf('messageType') !== undefined) return 'logEvents';
  if (typeOf('CloudTrailEvent') === 'string') return 'lookupEvent';
  if (typeOf('detail') === 'object' && typeOf('detail-type') !== undefined) return 'eventBridge';
  return 'record';
}

function jsonType(v: unknown): JsonType | undefined {
  if (v === undefined) return undefined;
  if (typeof v === 'string') return 'string';
  if (Array.isArray(v)) return 'array';
  return typeof v === 'object' && v !== null ? 'object' : 'other';
}

function kindOfValue(o: Record<string, unknown>): ItemKind {
  return kindOf((k) => (Object.prototype.hasOwnProperty.call(o, k) ? jsonType(o[k]) : undefined));
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

// ── parsing ────────────────────────────────────────────────────────────────────────────────

/** Tallies for the file's notes. */
interface Seen {
  recordsObjects: number;
  lookupOutputs: number;
  lookupEvents: number;
  dataMessages: number;
  controlMessages: number;
  logGroups: Set<string>;
  eventBridge: number;
  detailTypes: Set<string>;
  /** The first reason of each kind for skipping a slot, for the file-level error. */
  reasons: string[];
  /** Records left out for nesting deeper than MAX_JSON_DEPTH. */
  tooDeep: number;
}

export interface ParseOptions {
  /**
   * False when the caller knows the text nests no deeper than MAX_JSON_DEPTH (jsonScan.ts
   * measureJson), so the records it holds directly need no depth walk. Records read from strings
   * (lookup-events, CloudWatch Logs) are always checked: the text's nesting says nothing of theirs.
   */
  checkDepth?: boolean;
}

class Reader {
  readonly out: ParsedEventFile;
  private slot = 0;
  readonly seen: Seen = {
    recordsObjects: 0,
    lookupOutputs: 0,
    lookupEvents: 0,
    dataMessages: 0,
    controlMessages: 0,
    logGroups: new Set(),
    eventBridge: 0,
    detailTypes: new Set(),
    reasons: [],
    tooDeep: 0,
  };

  constructor(
    shape: FileShape,
    private readonly text: string,
    private readonly checkDepth = true,
  ) {
    this.out = {
      shape,
      records: [],
      elements: [],
      warnings: [],
      skipped: 0,
      notes: [],
      repeatedKeys: [],
      repeatedItemKeys: [],
    };
  }

  /** A top-level value of JSON lines: an array stands for its elements. */
  value(v: unknown, where: () => string): void {
    if (Array.isArray(v)) v.forEach((x, i) => this.item(x, () => `${where()}element ${i}: `));
    else this.item(v, where);
  }

  /** One item: `where` says where it is, for warnings (computed only when one is written). */
  item(v: unknown, where: () => string): void {
    if (!isPlainObject(v)) {
      this.skip(where, recordProblem(v)!);
      return;
    }
    if (isDigest(v)) throw new EventFileError('digest', DIGEST_MESSAGE);
    const kind = kindOfValue(v);
    switch (kind) {
      case 'records':
        this.seen.recordsObjects++;
        (v.Records as unknown[]).forEach((r, i) => this.record(r, () => `${where()}record ${i}`));
        return;
      case 'lookupEvents':
        this.seen.lookupOutputs++;
        (v.Events as unknown[]).forEach((ev, i) =>
          this.lookupEvent(ev, () => `${where()}Events[${i}]`),
        );
        return;
      case 'logEvents': {
        const data = v.messageType === 'DATA_MESSAGE';
        if (data) this.seen.dataMessages++;
        else this.seen.controlMessages++;
        if (data && typeof v.logGroup === 'string' && v.logGroup)
          this.seen.logGroups.add(v.logGroup);
        (v.logEvents as unknown[]).forEach((le, i) => {
          if (!data)
            this.slot++; // a CONTROL_MESSAGE is a health check: no events, said once in the notes
          else
            this.embedded(
              isPlainObject(le) ? le.message : undefined,
              'message',
              () => `${where()}logEvents[${i}]`,
            );
        });
        return;
      }
      case 'lookupEvent':
        this.seen.lookupEvents++;
        this.lookupEvent(v, where);
        return;
      case 'eventBridge':
        this.seen.eventBridge++;
        if (typeof v['detail-type'] === 'string') this.seen.detailTypes.add(v['detail-type']);
        this.record(v.detail, () => `${where()}detail`);
        return;
      case 'record':
        this.record(v, where);
        return;
    }
  }

  private lookupEvent(ev: unknown, where: () => string): void {
    this.embedded(isPlainObject(ev) ? ev.CloudTrailEvent : undefined, 'CloudTrailEvent', where);
  }

  /** A record written as a JSON string inside the item (lookup-events, CloudWatch Logs). */
  private embedded(raw: unknown, member: string, where: () => string): void {
    if (typeof raw !== 'string') {
      this.skip(where, `no "${member}" string holding a record`);
      return;
    }
    let rec: unknown;
    try {
      rec = JSON.parse(raw);
    } catch {
      this.skip(where, `its "${member}" is not JSON`);
      return;
    }
    this.record(rec, where, true);
  }

  /**
   * A record, or what stands where one can be. Every shape's records come through here, so a
   * record nested too deep for the product's recursive code (matchers, explanations, output) is
   * left out and reported whatever the shape it came in; the others load.
   */
  private record(v: unknown, where: () => string, embedded = false): void {
    const problem = recordProblem(v);
    if (problem) this.skip(where, problem);
    else if ((embedded || this.checkDepth) && deeperThan(v)) {
      this.seen.tooDeep++;
      this.skip(where, `nested more than ${MAX_JSON_DEPTH} levels deep`);
    } else {
      this.out.records.push(v as Record<string, unknown>);
      this.out.elements.push(this.slot++);
    }
  }

  private skip(where: () => string, reason: string): void {
    this.slot++;
    if (this.seen.reasons.length < 3 && !this.seen.reasons.includes(reason))
      this.seen.reasons.push(reason);
    // `where` is a prefix for what is inside the item ('line 3: '), or '' for the file's one item.
    warn(this.out, () => `${where().replace(/: $/, '') || 'the record'} is ${reason}; skipped`);
  }

  lineOf(offset: number): number {
    return lineCol(this.text, offset).line;
  }

  /**
   * A line of JSON lines that is not whole JSON (parseLines): skipped with where and why it
   * breaks. It takes the slots the raw-text walk finds in it (slotTexts), so that the slots of
   * the lines after it are the same to both.
   */
  damagedLine(line: number, lineText: string): void {
    const c = lineText.charCodeAt(0);
    if (c === 0x7b || c === 0x5b) {
      const slots: SlotText[] = [];
      valueSlots(lineText, [0, lineText.length], slots);
      this.slot += slots.length;
    } else this.slot++; // as valueSlots counts it
    warn(this.out, () => {
      const e = jsonError(lineText, 0, lineText.length, 'line');
      return `line ${line}, column ${e.position?.column ?? 1} is ${e.message}; skipped`;
    });
  }
}

export function parseEventFile(text: string, options: ParseOptions = {}): ParsedEventFile {
  const first = firstNonSpace(text, 0);
  if (first < 0) throw new EventFileError('empty', 'the file is empty');
  const checkDepth = options.checkDepth ?? true;
  let reader: Reader;
  try {
    const doc: unknown = JSON.parse(text);
    if (Array.isArray(doc)) {
      reader = new Reader('array', text, checkDepth);
      doc.forEach((v, i) => reader.item(v, () => `element ${i}: `));
    } else {
      if (!isPlainObject(doc))
        throw new EventFileError(
          'not-cloudtrail',
          `a JSON ${doc === null ? 'null' : typeof doc} value, not CloudTrail events`,
        );
      if ('Records' in doc && !Array.isArray(doc.Records))
        throw new EventFileError(
          'not-cloudtrail',
          '"Records" is not an array: not a CloudTrail log file',
        );
      reader = new Reader(kindOfValue(doc) === 'records' ? 'records' : 'single', text, checkDepth);
      reader.item(doc, () => '');
    }
  } catch (e) {
    if (e instanceof EventFileError) throw e;
    // Not one JSON value: JSON lines or concatenated objects, or broken JSON.
    reader = parseValues(text, checkDepth);
  }
  const out = finish(reader);
  const { lookupOutputs, lookupEvents, dataMessages } = reader.seen;
  repeatedKeysOf(text, out, lookupOutputs + lookupEvents + dataMessages > 0);
  return out;
}

/**
 * Finds the records that name a key more than once (out.repeatedKeys: the fast path's
 * ScanOptions.repeatedKeys, for every key) and the items holding records that do
 * (out.repeatedItemKeys). JSON.parse, and so the index, keeps the last of each; other readers
 * (Athena's JSON SerDe, some SIEMs) the first. `embedded`: some records are JSON strings inside
 * the items (lookup-events, CloudWatch Logs).
 */
function repeatedKeysOf(text: string, out: ParsedEventFile, embedded: boolean): void {
  // Most files name no key twice, which one pass over the text says (a little less than the parse;
  // a record written as a string is a string to it, and damaged JSON lines are not read by it).
  if (!embedded && out.shape !== 'damaged lines' && duplicatedKeys(text, 1).length === 0) return;
  const found: SlotsFound = { starts: [], repeated: [] };
  const slots = slotTexts(text, out.shape, found);
  const lineAt = lineCounter(text);
  for (const element of out.elements) {
    const paths = duplicatedKeys(slots[element]?.() ?? '', MAX_REPEATED_PATHS);
    if (paths.length > 0)
      out.repeatedKeys.push({ element, line: lineAt(found.starts[element]), paths });
  }
  for (const { at, key } of found.repeated) out.repeatedItemKeys.push({ line: lineAt(at), key });
}

/** The line of an offset in text; offsets asked for in increasing order are counted on from the last. */
function lineCounter(text: string): (at: number) => number {
  let from = 0;
  let line = 1;
  return (at) => {
    if (at < from) [from, line] = [0, 1];
    for (let i = text.indexOf('\n', from); i >= 0 && i < at; i = text.indexOf('\n', i + 1)) line++;
    from = at;
    return line;
  };
}

function parseValues(text: string, checkDepth: boolean): Reader {
  const read = readValues(text, checkDepth);
  if (read instanceof Reader) return read;
  // Some value is broken. In JSON lines each line is a record of its own: the whole lines are
  // read, the others skipped with a warning. Anything else fails at its first error, as does text
  // that is not JSON lines (see parseLines).
  const reader = parseLines(text, checkDepth);
  if (!reader) throw read;
  return reader;
}

/**
 * The text read as top-level values back to back, or where it first breaks. (Only a text that
 * is not one JSON value comes here.)
 */
function readValues(text: string, checkDepth: boolean): Reader | EventFileError {
  const spans = topLevelValues(text);
  if (!spans.ok) {
    // The error is where the values stop: in a value that starts but never ends (read from its
    // start), or in what follows the last whole value (read from that value). Read from the
    // file's start, every file of two or more lines was said to break at line 2.
    const cut = text.charCodeAt(spans.errorAt) === 0x7b || text.charCodeAt(spans.errorAt) === 0x5b;
    return jsonError(text, cut ? spans.errorAt : (spans.values.at(-1)?.[0] ?? 0), text.length);
  }
  if (spans.values.length < 2) return jsonError(text, 0, text.length);
  const reader = new Reader('lines', text, checkDepth);
  for (const [s, e] of spans.values) {
    let v: unknown;
    try {
      v = JSON.parse(text.slice(s, e));
    } catch {
      return jsonError(text, s, e);
    }
    reader.value(v, () => `line ${reader.lineOf(s)}: `);
  }
  return reader;
}

/**
 * JSON lines with damaged lines (a copy cut off in its last line, garbage in one): each
 * non-blank line is read on its own, the whole ones as JSON lines are, the others skipped with a
 * warning (damagedLine). Undefined when the text is not JSON lines: fewer of its lines are whole
 * JSON than not (a pretty-printed file, a text file), or none holds a record.
 */
function parseLines(text: string, checkDepth: boolean): Reader | undefined {
  const reader = new Reader('damaged lines', text, checkDepth);
  let whole = 0;
  let damaged = 0;
  forEachLine(text, (s, e, line) => {
    const lineText = text.slice(s, e);
    let v: unknown;
    // Checked before JSON.parse, which would throw for each damaged line: microseconds each, so
    // seconds for the lines of a large text file. The check reads the line only, so any line
    // costs its length.
    if (new JsonCursor(lineText).skipValue(0) === lineText.length) {
      try {
        v = JSON.parse(lineText);
      } catch {
        // v stays undefined (no JSON value is): damaged
      }
    }
    if (v === undefined) {
      damaged++;
      reader.damagedLine(line, lineText);
    } else {
      whole++;
      reader.value(v, () => `line ${line}: `);
    }
  });
  return whole >= damaged && reader.out.records.length > 0 ? reader : undefined;
}

/** The file-level verdict and notes. */
function finish(reader: Reader): ParsedEventFile {
  const { out, seen } = reader;
  // A file whose only records are too deep is still CloudTrail: its skips are reported as such.
  if (out.records.length === 0 && out.skipped > 0 && seen.tooDeep === 0) {
    const s3 = seen.reasons.find((r) => r.startsWith('an AWS event notification'));
    const reason = s3 ?? seen.reasons[0];
    throw new EventFileError(
      'not-cloudtrail',
      `not CloudTrail: ${out.skipped === 1 ? reason : `none of its ${out.skipped} items is a CloudTrail record (${reason})`}`,
    );
  }
  const notes = out.notes;
  if (seen.recordsObjects > 1)
    notes.push(`${seen.recordsObjects} delivered log files ({"Records":[…]}) back to back`);
  if (seen.lookupOutputs > 0)
    notes.push(
      `aws cloudtrail lookup-events output${seen.lookupOutputs > 1 ? ` (${seen.lookupOutputs} outputs back to back)` : ''}: each record is an Event's CloudTrailEvent`,
    );
  if (seen.lookupEvents > 0) {
    const lines = out.shape === 'lines' || out.shape === 'damaged lines';
    const form = out.shape === 'array' ? 'a JSON array of' : lines ? `${seen.lookupEvents}` : 'one';
    notes.push(
      `${form} lookup-events Event object${seen.lookupEvents === 1 && out.shape === 'single' ? '' : 's'}${lines ? ', one per line' : ''}: each record is the Event's CloudTrailEvent`,
    );
  }
  if (seen.eventBridge > 0)
    notes.push(
      `${seen.eventBridge} EventBridge event${seen.eventBridge === 1 ? '' : 's'} (${
        [...seen.detailTypes]
          .slice(0, 3)
          .map((t) => `"${t}"`)
          .join(', ') || 'no detail-type'
      }): each record is an event's detail`,
    );
  if (seen.dataMessages > 0) {
    const groups = [...seen.logGroups];
    notes.push(
      `${seen.dataMessages} CloudWatch Logs subscription payload${seen.dataMessages === 1 ? '' : 's'}${seen.dataMessages > 1 ? ' back to back (as Kinesis Data Firehose writes them)' : ''}${groups.length ? ` from ${groups.length === 1 ? `log group ${groups[0]}` : `${groups.length} log groups`}` : ''}: each record is a log event's message`,
    );
  }
  if (seen.controlMessages > 0)
    notes.push(
      `${seen.controlMessages} CONTROL_MESSAGE payload${seen.controlMessages === 1 ? '' : 's'} skipped (CloudWatch Logs checking its destination; no events)`,
    );
  return out;
}

// ── JSON errors: line, column and a one-line reason ────────────────────────────────────────

const REASONS: Record<string, string> = {
  InvalidSymbol: 'unexpected character',
  InvalidNumberFormat: 'invalid number',
  PropertyNameExpected: 'expected a property name in double quotes',
  ValueExpected: 'expected a value',
  ColonExpected: 'expected ":" after the property name',
  CommaExpected: 'expected "," or a closing bracket',
  CloseBraceExpected: 'expected "}" to close the object',
  CloseBracketExpected: 'expected "]" to close the array',
  EndOfFileExpected: 'unexpected text after the JSON value',
  InvalidCommentToken: 'comments are not allowed in JSON',
  UnexpectedEndOfComment: 'comments are not allowed in JSON',
  UnexpectedEndOfString: 'unterminated string',
  UnexpectedEndOfNumber: 'incomplete number',
  InvalidUnicode: 'invalid \\u escape',
  InvalidEscapeCharacter: 'invalid escape sequence in a string',
  InvalidCharacter: 'a control character in a string (it must be escaped)',
};

/** The first JSON error in text[from, to), located in the whole text (`unit`: what text is). */
function jsonError(
  text: string,
  from: number,
  to: number,
  unit: 'file' | 'line' = 'file',
): EventFileError {
  const slice = from === 0 && to === text.length ? text : text.slice(from, to);
  // jsonc-parser's visit recurses (a few thousand levels overflow its stack): it reads the text
  // only up to where it first nests deeper than records may.
  const deepAt = depthExceededAt(slice);
  let found: { code: string; offset: number } | undefined;
  visit(
    deepAt < 0 ? slice : slice.slice(0, deepAt),
    {
      onError(error, offset) {
        found ??= { code: printParseErrorCode(error), offset };
      },
    },
    { disallowComments: true, allowTrailingComma: false },
  );
  if (deepAt >= 0 && (!found || found.offset >= deepAt)) {
    return new EventFileError(
      'bad-json',
      `invalid JSON nested more than ${MAX_JSON_DEPTH} levels deep`,
      lineCol(text, from + deepAt),
    );
  }
  const end = slice.trimEnd().length;
  if (!found) {
    const at = lineCol(text, from);
    return new EventFileError('bad-json', 'invalid JSON', at);
  }
  const at = from + found.offset;
  const position = lineCol(text, Math.min(at, from + end));
  if (
    found.offset >= end ||
    (found.code === 'UnexpectedEndOfString' && !slice.includes('"', found.offset + 1))
  ) {
    return new EventFileError(
      'bad-json',
      `truncated JSON: the ${unit} ends in the middle of a value`,
      position,
    );
  }
  const c = text[at];
  let reason = REASONS[found.code] ?? 'invalid JSON';
  const before = text[lastNonSpace(text, at - 1)];
  if ((c === '}' || c === ']') && before === ',')
    reason = `a trailing comma before "${c}" (JSON allows none)`;
  else if (found.code === 'InvalidSymbol' && before === '{') reason = REASONS.PropertyNameExpected;
  if (
    !reason.startsWith('a trailing') &&
    (found.code === 'InvalidSymbol' ||
      found.code === 'PropertyNameExpected' ||
      found.code === 'ValueExpected' ||
      found.code === 'CommaExpected')
  ) {
    if (c !== undefined) reason += ` (found ${JSON.stringify(text.slice(at, at + 1))})`;
  }
  return new EventFileError('bad-json', `invalid JSON: ${reason}`, position);
}

function lastNonSpace(text: string, i: number): number {
  for (; i >= 0; i--) {
    const c = text.charCodeAt(i);
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return i;
  }
  return -1;
}

export function lineCol(text: string, at: number): { line: number; column: number } {
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
 * The exact JSON text of the records in the given slots (for records embedded as a string —
 * lookup-events, CloudWatch Logs — that string's content). One string per requested slot; ''
 * when the slot does not exist (the file changed since it was indexed) or holds no record.
 */
export function recordTexts(text: string, shape: FileShape, elements: ArrayLike<number>): string[] {
  const slots = slotTexts(text, shape);
  const out: string[] = new Array(elements.length);
  for (let i = 0; i < elements.length; i++) out[i] = slots[elements[i]]?.() ?? '';
  return out;
}

type Span = [number, number];
type SlotText = () => string;

/** What the walk over the slots finds beside their texts, when asked (repeatedKeysOf). */
interface SlotsFound {
  /** Where each slot's item starts in the text. */
  starts: number[];
  /**
   * Where an item names the member holding its records more than once (HOLDING_MEMBER; for
   * lookup-events and CloudWatch Logs also the member a record is embedded in, met as its text is
   * read), and that member.
   */
  repeated: { at: number; key: string }[];
}

/** Every slot of the file, in order: a function giving its record's text. */
function slotTexts(text: string, shape: FileShape, found?: SlotsFound): SlotText[] {
  const slots: SlotText[] = [];
  if (shape === 'records') {
    // The delivered form, by far the most common: straight to the array.
    const start = firstNonSpace(text, 0);
    const records =
      start < 0
        ? undefined
        : memberSpans(
            text,
            start,
            KIND_KEYS,
            found && ((key) => key === 'Records' && found.repeated.push({ at: start, key })),
          ).get('Records');
    if (records)
      for (const el of arrayElements(text, records[0])) {
        slots.push(() => text.slice(el[0], el[1]));
        found?.starts.push(el[0]);
      }
  } else if (shape === 'damaged lines') {
    // Each line on its own (parseLines), a damaged one too (Reader.damagedLine).
    forEachLine(text, (s, e) => {
      const line = text.slice(s, e);
      valueSlots(line, [0, line.length], slots, found, s);
    });
  } else for (const v of topLevelValues(text).values) valueSlots(text, v, slots, found);
  return slots;
}

/**
 * The slots of the top-level value at span v (an array stands for its elements), pushed in order.
 * `base`: where text starts in the file's text (a line of it), for `found`.
 */
function valueSlots(text: string, v: Span, slots: SlotText[], found?: SlotsFound, base = 0): void {
  const spanText = (s: Span) => () => text.slice(s[0], s[1]);
  const repeatedIn = (s: Span) =>
    found && ((key: string) => found.repeated.push({ at: base + s[0], key }));
  const item = (s: Span) => {
    const push = (slot: SlotText, at = s) => {
      slots.push(slot);
      found?.starts.push(base + at[0]);
    };
    if (text.charCodeAt(s[0]) !== 0x7b) {
      push(() => '');
      return;
    }
    const twice: string[] = [];
    const members = memberSpans(text, s[0], KIND_KEYS, found && ((key) => twice.push(key)));
    const kind = kindOf((k) => {
      const m = members.get(k);
      return m && typeOfText(text, m[0]);
    });
    // The member holding the item's records (a record's own keys are the record's, which
    // repeatedKeysOf reads from its text).
    const holding = HOLDING_MEMBER[kind];
    if (holding && twice.includes(holding)) found!.repeated.push({ at: base + s[0], key: holding });
    switch (kind) {
      case 'records':
      case 'lookupEvents':
      case 'logEvents':
        for (const el of arrayElements(text, members.get(CONTAINER_MEMBER[kind])![0])) {
          if (kind === 'records') push(spanText(el), el);
          else {
            const member = kind === 'lookupEvents' ? 'CloudTrailEvent' : 'message';
            const repeated = repeatedIn(el);
            push(
              () =>
                embeddedText(text, el, member, repeated && ((k) => k === member && repeated(k))),
              el,
            );
          }
        }
        return;
      case 'lookupEvent':
        push(() => embeddedText(text, s, 'CloudTrailEvent'));
        return;
      case 'eventBridge':
        push(spanText(members.get('detail')!));
        return;
      case 'record':
        push(spanText(s));
        return;
    }
  };
  if (text.charCodeAt(v[0]) === 0x5b) for (const el of arrayElements(text, v[0])) item(el);
  else item(v);
}

/**
 * The decoded string of member `key` of the object at span s ('' when it is not a string).
 * `repeated`: told of the embedding keys the object names more than once.
 */
function embeddedText(
  text: string,
  s: Span,
  key: string,
  repeated?: (key: string) => void,
): string {
  if (text.charCodeAt(s[0]) !== 0x7b) return '';
  const m = memberSpans(text, s[0], EMBEDDING_KEYS, repeated).get(key);
  if (!m || text.charCodeAt(m[0]) !== 0x22) return '';
  try {
    return JSON.parse(text.slice(m[0], m[1])) as string;
  } catch {
    return '';
  }
}

function typeOfText(text: string, at: number): JsonType {
  const c = text.charCodeAt(at);
  return c === 0x7b ? 'object' : c === 0x5b ? 'array' : c === 0x22 ? 'string' : 'other';
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

/**
 * i at the first char of a value: the index just past it, or -1 when the text ends inside it or
 * no value starts at i (a ',', '}' or ']' where a value should be: a caller stepping past it would
 * not move).
 */
function skipValue(text: string, i: number): number {
  const c = text.charCodeAt(i);
  if (c === 0x22) return skipString(text, i);
  if (c !== 0x7b && c !== 0x5b) {
    let j = i;
    for (; j < text.length; j++) {
      const d = text.charCodeAt(j);
      if (
        d === 0x2c ||
        d === 0x7d ||
        d === 0x5d ||
        d === 0x20 ||
        d === 0x0a ||
        d === 0x0d ||
        d === 0x09
      )
        break;
    }
    return j > i ? j : -1;
  }
  let depth = 0;
  for (let j = i; j < text.length; j++) {
    const d = text.charCodeAt(j);
    if (d === 0x22) {
      j = skipString(text, j) - 1;
      if (j < 0) return -1;
    } else if (d === 0x7b || d === 0x5b) depth++;
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

/**
 * The members of the object at `at` named in `wanted`: each key (escapes decoded) with the span
 * of its value; of duplicated keys the last, as JSON.parse keeps it (`repeated` is told of them).
 */
function memberSpans(
  text: string,
  at: number,
  wanted: ReadonlySet<string>,
  repeated?: (key: string) => void,
): Map<string, Span> {
  const members = new Map<string, Span>();
  if (text.charCodeAt(at) !== 0x7b) return members;
  let i = firstNonSpace(text, at + 1);
  while (i >= 0 && text.charCodeAt(i) === 0x22) {
    const keyEnd = skipString(text, i);
    if (keyEnd < 0) break;
    let name = text.slice(i + 1, keyEnd - 1);
    if (name.includes('\\')) {
      try {
        name = JSON.parse(text.slice(i, keyEnd)) as string;
      } catch {
        break;
      }
    }
    i = firstNonSpace(text, keyEnd);
    if (i < 0 || text.charCodeAt(i) !== 0x3a) break;
    i = firstNonSpace(text, i + 1);
    if (i < 0) break;
    const end = skipValue(text, i);
    if (end < 0) break;
    if (wanted.has(name)) {
      if (repeated && members.has(name)) repeated(name);
      members.set(name, [i, end]);
    }
    i = firstNonSpace(text, end);
    if (i >= 0 && text.charCodeAt(i) === 0x2c) i = firstNonSpace(text, i + 1);
  }
  return members;
}

/**
 * The keys that one object of a JSON text names more than once, as paths (`userIdentity.arn`,
 * `resources[1].ARN`; escapes decoded), in the order met, at most `max`. JSON.parse, and so the
 * index, keeps the last of each; other readers (Athena's JSON SerDe, some SIEMs) the first. For
 * text that is not valid JSON the result is unspecified (callers check first).
 */
export function duplicatedKeys(text: string, max = 10): string[] {
  const found: string[] = [];
  // The open containers, by depth: an object's keys so far (one Set per depth, reused) and the
  // key being read, or (keys undefined) an array's element index. Paths are made only for what
  // is found: the general path runs this over whole files (repeatedKeysOf).
  const keys: (Set<string> | undefined)[] = [];
  const sets: Set<string>[] = [];
  const names: string[] = [];
  const indexes: number[] = [];
  const pathOf = (depth: number): string => {
    let path = '';
    for (let d = 0; d < depth; d++) {
      if (!keys[d]) path += `[${indexes[d]}]`;
      else path = path ? `${path}.${names[d]}` : names[d];
    }
    return path;
  };
  let depth = 0;
  let expectKey = false;
  for (let i = 0; i < text.length && found.length < max; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      const end = skipString(text, i);
      if (end < 0) break;
      if (expectKey) {
        let key = text.slice(i + 1, end - 1);
        if (key.includes('\\')) {
          try {
            key = JSON.parse(text.slice(i, end)) as string;
          } catch {
            break;
          }
        }
        const set = keys[depth - 1]!;
        if (set.has(key)) {
          const parent = pathOf(depth - 1);
          const path = parent ? `${parent}.${key}` : key;
          if (!found.includes(path)) found.push(path);
        } else set.add(key);
        names[depth - 1] = key;
        expectKey = false;
      }
      i = end - 1;
    } else if (c === 0x7b) {
      const set = (sets[depth] ??= new Set());
      set.clear();
      keys[depth] = set;
      names[depth] = '';
      depth++;
      expectKey = true;
    } else if (c === 0x5b) {
      keys[depth] = undefined;
      indexes[depth] = 0;
      depth++;
      expectKey = false;
    } else if (c === 0x7d || c === 0x5d) {
      if (depth > 0) depth--;
      expectKey = false;
    } else if (c === 0x2c && depth > 0) {
      indexes[depth - 1]++;
      expectKey = keys[depth - 1] !== undefined;
    }
  }
  return found;
}

/** `errorAt`: where the first value that is not an object or array, or is cut off, starts. */
type TopLevel = { ok: true; values: Span[] } | { ok: false; errorAt: number; values: Span[] };

/** Whitespace-separated top-level values (JSON lines); stops at the first one that is cut off. */
function topLevelValues(text: string): TopLevel {
  const values: Span[] = [];
  let i = firstNonSpace(text, 0);
  while (i >= 0) {
    const c = text.charCodeAt(i);
    if (c !== 0x7b && c !== 0x5b) return { ok: false, errorAt: i, values };
    const end = skipValue(text, i);
    if (end < 0) return { ok: false, errorAt: i, values };
    values.push([i, end]);
    i = firstNonSpace(text, end);
  }
  return { ok: true, values };
}

/** Each line with more than whitespace, in order: where its text starts and ends (spaces trimmed), its number. */
function forEachLine(text: string, fn: (start: number, end: number, line: number) => void): void {
  let line = 1;
  for (let from = 0; from <= text.length; line++) {
    let to = text.indexOf('\n', from);
    if (to < 0) to = text.length;
    let s = from;
    let e = to;
    while (s < e && isSpace(text.charCodeAt(s))) s++;
    while (e > s && isSpace(text.charCodeAt(e - 1))) e--;
    if (s < e) fn(s, e, line);
    from = to + 1;
  }
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
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
        if (
          d === 0x2c ||
          d === 0x7d ||
          d === 0x5d ||
          d === 0x3a ||
          d === 0x22 ||
          d === 0x20 ||
          d === 0x0a ||
          d === 0x0d ||
          d === 0x09
        )
          break;
      }
      out.push(text.slice(i, j));
      i = j - 1;
    }
  }
  return out.join('');
}
