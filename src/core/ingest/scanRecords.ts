// The fast path of indexing a delivered log file (`{"Records":[…]}`): read the indexed fields
// straight from the text instead of building every record with JSON.parse. Values that are not
// indexed (requestParameters, responseElements, …) are skipped, not materialised — most of a
// record's bytes — and strings are skipped with indexOf, which the engine runs natively.
//
// It only takes the common case. A record with anything unusual (an escaped key, a key spelt
// in another case, a duplicated object, null where an object belongs, non-object resources) is
// parsed with JSON.parse and indexed by BatchBuilder.addRecord; a file whose structure is not
// plainly `{"Records":[{…},…]}` returns false and is read by the general path (eventFile.ts),
// which also produces the error messages. Both paths must index the same values; the query
// tests compare the index with matchesRecord on hostile records to hold that.
//
// Skipping is not trusting: the values passed over are read by JsonCursor (jsonScan.ts) as
// strictly as JSON.parse reads them, so a file with invalid JSON anywhere is declined and the
// general path reports it, as it would any other broken file. A record nested deeper than
// MAX_JSON_DEPTH is left out and reported (onSkip); the others load.
//
// When the file's bytes are ASCII (so that byte offsets are the text's), each record is walked
// in WebAssembly instead (assembly/recordScan.ts, loaded by
// recordScanWasm.ts): the same walk over the bytes, with values interned by their bytes, so that
// only a value new to the file is decoded here. It answers as scanObject does, check for check;
// the tests run both walks on every fixture and compare them with the general path.
import type { BatchBuilder } from './batch';
import type { FileText } from './textEncoding';
import {
  ABSENT,
  EVENT_ID_COLUMN,
  EVENT_NAME_COLUMN,
  FIRST_ORIGIN_INPUT,
  IRREGULAR,
  ISSUING_EVENTS,
  PACKED_UUID,
  Primitive,
  RESOURCE_FIELDS,
  STORED_FIELDS,
  TIME_FIELD,
  numberOfLiteral,
  packUuid,
} from '../index/schema';
import { duplicatedKeys, MAX_REPEATED_PATHS, RepeatedKeys } from './eventFile';
import { JsonCursor, MAX_JSON_DEPTH, skipSpace } from './jsonScan';
import { RECORD_KEY_PATHS } from '../records/fieldMeanings';
import {
  RecordWalk,
  VALUE_ESCAPED,
  VALUE_PLAIN,
  WALK_CHILD,
  WALK_ISSUING_ONLY,
  WALK_LENIENT,
  WALK_RESOURCES,
  WALK_TIME,
  WalkEntry,
  WalkTable,
  recordWalk,
  releaseRecordWalk,
} from './recordScanWasm';

interface KeyEntry {
  key: string;
  /** Bit of an object-valued entry in Row.seen. */
  bit?: number;
  /** Scalar column, or -1. */
  column: number;
  time?: boolean;
  child?: Level;
  resources?: boolean;
  /** An object-valued entry's columns (STORED_FIELDS) at any depth beneath it. */
  beneath?: number[];
  /** An object holding attribution inputs only (responseElements): any other value there (null,
   * the common case) means they are absent, not that the record needs JSON.parse. */
  lenient?: boolean;
  /** responseElements: read only for the events that issue credentials (columns.ts RESPONSE_ORIGIN_INPUTS). */
  issuingOnly?: boolean;
}

interface Level {
  /** Entries by key length. */
  byLength: (KeyEntry[] | undefined)[];
}

function newLevel(): Level {
  return { byLength: [] };
}

function entryOf(level: Level, key: string): KeyEntry {
  const list = (level.byLength[key.length] ??= []);
  let e = list.find((x) => x.key === key);
  if (!e) list.push((e = { key, column: -1 }));
  return e;
}

const TOP = newLevel();
const RESOURCE = newLevel();
const strictObjects = new Set<KeyEntry>();
const objectEntries = new Set<KeyEntry>();
STORED_FIELDS.forEach((field, column) => {
  const path = field.split('.');
  let level = TOP;
  for (let i = 0; i < path.length - 1; i++) {
    const e = entryOf(level, path[i]);
    objectEntries.add(e);
    (e.beneath ??= []).push(column);
    if (column < FIRST_ORIGIN_INPUT) strictObjects.add(e);
    level = e.child ??= newLevel();
  }
  entryOf(level, path[path.length - 1]).column = column;
});
for (const e of objectEntries) if (!strictObjects.has(e)) e.lenient = true;
entryOf(TOP, 'responseElements').issuingOnly = true;
// The record's other known keys (records/fieldMeanings RECORD_KEY_PATHS), at the levels the scan
// reads: known exactly, they are skipped without the variant check. No level is added (a key
// under an object the scan skips whole is never looked up).
for (const path of RECORD_KEY_PATHS) {
  const keys = path.split('.');
  let level: Level | undefined = TOP;
  for (let i = 0; i < keys.length - 1 && level; i++)
    level = lookup(level, keys[i], 0, keys[i].length)?.child;
  if (level) entryOf(level, keys[keys.length - 1]);
}
entryOf(TOP, TIME_FIELD).time = true;
entryOf(TOP, 'resources').resources = true;
{
  let bit = 1;
  const number = (level: Level) => {
    for (const list of level.byLength) {
      for (const e of list ?? []) {
        if (e.child || e.resources) {
          // Row.seen is combined with `&`, which keeps 32 bits.
          if (bit > 2 ** 30) throw new Error('scanRecords: more object keys than Row.seen holds');
          e.bit = bit;
          bit *= 2;
        }
        if (e.child) number(e.child);
      }
    }
  };
  number(TOP);
}
RESOURCE_FIELDS.forEach(
  (field, column) => (entryOf(RESOURCE, field.split('.')[1]).column = column),
);

const FALLBACK = -2;
const BAD = -1;

function lookup(level: Level, text: string, start: number, length: number): KeyEntry | undefined {
  const list = level.byLength[length];
  if (!list) return undefined;
  for (const e of list) if (text.startsWith(e.key, start)) return e;
  return undefined;
}

/** A key the query language would take for an indexed one (other case, or non-ASCII that might fold). */
function mayBeVariant(level: Level, text: string, start: number, length: number): boolean {
  for (let i = start; i < start + length; i++) if (text.charCodeAt(i) > 0x7f) return true;
  const list = level.byLength[length];
  if (!list) return false;
  outer: for (const e of list) {
    for (let i = 0; i < length; i++) {
      const a = text.charCodeAt(start + i);
      const b = e.key.charCodeAt(i);
      if (a !== b && (a | 0x20) !== (b | 0x20)) continue outer;
      if (a !== b && !((a | 0x20) >= 0x61 && (a | 0x20) <= 0x7a)) continue outer;
    }
    return true;
  }
  return false;
}

/** A record's resources until it has some (never pushed to: scanResources starts a new list). */
const NO_RESOURCES: number[] = [];

/** State of the record being scanned. */
class Row {
  ids = new Uint32Array(STORED_FIELDS.length);
  time: unknown = undefined;
  /** canonicalEventTime(time), when the walk worked it out (the WebAssembly one does). */
  canonicalTime: number | undefined = undefined;
  resources: number[] = [];
  eventId = new Uint8Array(16);
  /** Bits of the object-valued keys met (a duplicate sends the record to JSON.parse). */
  seen = 0;
  /** The deepest nesting met in the record (the record itself is level 1). */
  depth = 1;
  /** The last string each column held and its id: within one file most columns repeat, and a
   * match found with startsWith costs neither a new string nor a hash lookup. */
  readonly lastText: (string | undefined)[] = new Array(
    STORED_FIELDS.length + RESOURCE_FIELDS.length,
  );
  readonly lastId = new Uint32Array(STORED_FIELDS.length + RESOURCE_FIELDS.length);
  reset(): void {
    this.ids.fill(ABSENT);
    this.time = undefined;
    this.canonicalTime = undefined;
    this.resources = NO_RESOURCES;
    this.seen = 0;
    this.depth = 1;
  }
}

export interface ScanOptions {
  /** Stop after this many records (the load's budget); `limited` is then set. */
  maxRecords?: number;
  limited?: boolean;
  /** A record left out (nested deeper than MAX_JSON_DEPTH): its element index, offset and why. */
  onSkip?: (element: number, offset: number, reason: string) => void;
  /** When given, each row's record text: its start and end offsets in the text, row after row. */
  spans?: number[];
  /** Set when the records were walked in WebAssembly. */
  webAssembly?: boolean;
  /**
   * When given, the records that name a key more than once, found where the walks read keys: an
   * indexed field's (either walk sends such a record to JSON.parse, which keeps the last), and
   * any key of a record read by JSON.parse (duplicatedKeys). Each record's element index and
   * paths (a few).
   */
  repeatedKeys?: RepeatedKeys[];
}

/** Whether scanRecordsFile may walk records in WebAssembly (tests and benches compare both walks). */
export const recordWalkSettings = { webAssembly: true };

/**
 * Scans a `{"Records":[…]}` file into the builder. Returns false when the text is not plainly
 * that shape or not valid JSON; the builder may then hold some rows already and must be
 * discarded, and the caller uses the general path. An ASCII file (nearly every delivered one) is
 * walked in WebAssembly over its bytes (see the top of this file), without decoding its text.
 */
export function scanRecordsFile(
  file: FileText,
  b: BatchBuilder,
  options: ScanOptions = {},
): boolean {
  let walk: RecordWalk | undefined;
  if (recordWalkSettings.webAssembly && file.ascii) {
    try {
      walk = recordWalk(walkTable(), file.ascii);
    } catch {
      // No memory for the file's bytes in a WebAssembly instance: the JavaScript walk reads it.
    }
  }
  options.webAssembly = walk !== undefined;
  if (!walk) {
    const text = file.text;
    const cur = new JsonCursor(text);
    const chars = { length: text.length, at: (i: number) => text.charCodeAt(i) };
    return scanRecords(chars, b, options, (i, row) => scanObject(cur, i, TOP, row, b, 1), {
      cursor: () => cur,
      slice: (start, end) => text.slice(start, end),
    });
  }
  const bytes = file.ascii!;
  const walkIds: number[] = [ABSENT];
  const walkEscaped = new Map<number, string>();
  let cur: JsonCursor | undefined;
  let scanned: boolean;
  try {
    scanned = scanRecords(
      { length: bytes.length, at: (i: number) => bytes[i] },
      b,
      options,
      (i, row) => readWalked(walk, i, file, row, b, walkIds, walkEscaped),
      // A record sent to JSON.parse is found in the text, decoded then (rare in delivered logs).
      { cursor: () => (cur ??= new JsonCursor(file.text)), slice: (x, y) => file.slice(x, y) },
    );
  } catch {
    // The walk's memory could not grow (a huge file of distinct values, say): the instance is
    // dropped, and the file declined here is read by the general path.
    return false;
  }
  releaseRecordWalk(walk);
  return scanned;
}

/** The file as the loop over its records reads it: its text, or an ASCII file's bytes (the same offsets). */
interface Chars {
  readonly length: number;
  at(i: number): number;
}

function skipSpaceIn(chars: Chars, i: number): number {
  for (; i < chars.length; i++) {
    const c = chars.at(i);
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return i;
  }
  return i;
}

const RECORDS_KEY = '"Records"';

/**
 * The loop over `{"Records":[…]}`: `readRecord` reads the record at i into the row (scanObject,
 * or the WebAssembly walk) and returns what scanObject returns; a FALLBACK record is found in
 * the text (`text.cursor`) and read by JSON.parse.
 */
function scanRecords(
  chars: Chars,
  b: BatchBuilder,
  options: ScanOptions,
  readRecord: (i: number, row: Row) => number,
  text: { cursor: () => JsonCursor; slice: (start: number, end: number) => string },
): boolean {
  let i = skipSpaceIn(chars, 0);
  if (chars.at(i) !== 0x7b) return false;
  i = skipSpaceIn(chars, i + 1);
  for (let k = 0; k < RECORDS_KEY.length; k++)
    if (chars.at(i + k) !== RECORDS_KEY.charCodeAt(k)) return false;
  i = skipSpaceIn(chars, i + RECORDS_KEY.length);
  if (chars.at(i) !== 0x3a) return false;
  i = skipSpaceIn(chars, i + 1);
  if (chars.at(i) !== 0x5b) return false;
  i = skipSpaceIn(chars, i + 1);
  const row = new Row();
  const maxRecords = options.maxRecords ?? Infinity;
  let element = 0;
  if (chars.at(i) !== 0x5d) {
    for (;;) {
      if (b.count >= maxRecords) {
        options.limited = true;
        return true;
      }
      if (chars.at(i) !== 0x7b) return false;
      row.reset();
      let end = readRecord(i, row);
      if (end === FALLBACK) {
        // JSON.parse reads the record and checks all of it: only its end and depth are needed.
        const cur = text.cursor();
        end = cur.structuralEnd(i);
        if (end < 0) return false;
        if (cur.depth > MAX_JSON_DEPTH) tooDeep(options, element, i);
        else {
          const recordText = text.slice(i, end);
          let rec: unknown;
          try {
            rec = JSON.parse(recordText);
          } catch {
            return false;
          }
          b.addRecord(rec as Record<string, unknown>, element, () => recordText);
          options.spans?.push(i, end);
          if (options.repeatedKeys) {
            const paths = duplicatedKeys(recordText, MAX_REPEATED_PATHS);
            if (paths.length > 0) options.repeatedKeys.push({ element, paths });
          }
        }
      } else if (end < 0) return false;
      else if (row.depth > MAX_JSON_DEPTH) tooDeep(options, element, i);
      else {
        if (row.canonicalTime === undefined)
          b.addScanned(element, row.time, row.ids, row.resources, row.eventId);
        else
          b.addScanned(element, row.time, row.ids, row.resources, row.eventId, row.canonicalTime);
        options.spans?.push(i, end);
      }
      i = skipSpaceIn(chars, end);
      element++;
      const c = chars.at(i);
      if (c === 0x2c) i = skipSpaceIn(chars, i + 1);
      else if (c === 0x5d) break;
      else return false;
    }
  }
  i = skipSpaceIn(chars, i + 1);
  if (chars.at(i) !== 0x7d) return false;
  return skipSpaceIn(chars, i + 1) === chars.length;
}

/** The key table above, as the WebAssembly walk reads it (built once). */
let walkTableMemo: WalkTable | undefined;
function walkTable(): WalkTable {
  if (walkTableMemo) return walkTableMemo;
  const levels: WalkEntry[][] = [];
  const queue: Level[] = [TOP, RESOURCE];
  for (let q = 0; q < queue.length; q++) {
    const entries: WalkEntry[] = [];
    for (const list of queue[q].byLength) {
      for (const e of list ?? []) {
        let child = -1;
        if (e.child) {
          child = queue.indexOf(e.child);
          if (child < 0) child = queue.push(e.child) - 1;
        }
        entries.push({
          key: e.key,
          column: e.column,
          flags:
            (e.time ? WALK_TIME : 0) |
            (e.resources ? WALK_RESOURCES : 0) |
            (e.lenient ? WALK_LENIENT : 0) |
            (e.issuingOnly ? WALK_ISSUING_ONLY : 0) |
            (e.child ? WALK_CHILD : 0),
          child,
          bit: e.bit ?? 0,
          beneath: e.beneath ?? [],
        });
      }
    }
    levels.push(entries);
  }
  return (walkTableMemo = {
    storedColumns: STORED_FIELDS.length,
    resourceColumns: RESOURCE_FIELDS.length,
    eventIdColumn: EVENT_ID_COLUMN,
    eventNameColumn: EVENT_NAME_COLUMN,
    levels,
    issuing: [...ISSUING_EVENTS],
  });
}

/**
 * The record at i walked in WebAssembly, read into `row` as scanObject reads it: the values new
 * to the file decoded (as readScalar, readEscaped and readOtherScalar decode them) and given the
 * builder's ids. Returns what scanObject would: the index past the record, BAD or FALLBACK.
 */
function readWalked(
  walk: RecordWalk,
  i: number,
  text: FileText,
  row: Row,
  b: BatchBuilder,
  walkIds: number[],
  walkEscaped: Map<number, string>,
): number {
  const end = walk.scan(i);
  // Values met before a FALLBACK are given ids too, as readScalar gives them: the dictionary then
  // lists the file's values in the same order on both walks.
  const count = walk.valueCount();
  for (let id = walkIds.length; id <= count; id++) {
    const { kind, start, length } = walk.value(id);
    let v: Primitive | typeof BAD_LITERAL;
    if (kind === VALUE_PLAIN) v = text.slice(start, start + length);
    else if (kind === VALUE_ESCAPED) {
      try {
        v = JSON.parse(text.slice(start - 1, start + length + 1)) as string;
      } catch {
        return BAD;
      }
      walkEscaped.set(id, v);
    } else v = parseColumnLiteral(text.slice(start, start + length));
    if (v === BAD_LITERAL) return BAD;
    walkIds.push(b.idOf(v));
  }
  if (end < 0) return end;
  const words = walk.ids;
  const ids = row.ids;
  for (let c = 0, at = walk.idsAt; c < ids.length; c++, at++) {
    const id = words[at];
    ids[c] = id >= PACKED_UUID ? id : walkIds[id];
  }
  if (ids[EVENT_ID_COLUMN] === PACKED_UUID) {
    const bytes = walk.bytes;
    for (let k = 0, at = walk.uuidAt; k < 16; k++, at++) row.eventId[k] = bytes[at];
  } else if (walkEscaped.size > 0) {
    // An eventID written with escapes is packed once decoded, as readEscaped packs it.
    const v = walkEscaped.get(words[walk.idsAt + EVENT_ID_COLUMN]);
    if (v !== undefined && packUuid(v, 0, v.length, row.eventId, 0))
      ids[EVENT_ID_COLUMN] = PACKED_UUID;
  }
  const n = walk.resourceCount() * RESOURCE_FIELDS.length;
  if (n > 0) {
    const resources: number[] = (row.resources = []);
    for (let k = 0, at = walk.resourcesAt; k < n; k++, at++) {
      const id = words[at];
      resources.push(id >= PACKED_UUID ? id : walkIds[id]);
    }
  }
  // The time: in ms already when it is canonical (the common case), else its value as the
  // JavaScript walk reads it, for BatchBuilder's other time rules.
  const timeKind = walk.timeKind();
  const canonical = walk.canonicalTime();
  if (timeKind === 1 && !Number.isNaN(canonical)) row.canonicalTime = canonical;
  else if (timeKind !== 0) {
    const lit = text.slice(walk.timeStart(), walk.timeEnd());
    row.time = timeKind === 1 ? lit : parseLiteral(lit);
    if (row.time === BAD_LITERAL) return BAD;
  }
  row.depth = walk.depth();
  return end;
}

function tooDeep(options: ScanOptions, element: number, offset: number): void {
  options.onSkip?.(element, offset, `nested more than ${MAX_JSON_DEPTH} levels deep`);
}

/** i at '{' of an object at nesting `depth`. Returns the index past the object, BAD, or FALLBACK. */
function scanObject(
  cur: JsonCursor,
  i: number,
  level: Level,
  row: Row,
  b: BatchBuilder,
  depth: number,
  resource?: number[],
): number {
  const text = cur.text;
  i = skipSpace(text, i + 1);
  if (text.charCodeAt(i) === 0x7d) return i + 1;
  for (;;) {
    if (text.charCodeAt(i) !== 0x22) return BAD;
    const keyEnd = text.indexOf('"', i + 1);
    if (keyEnd < 0) return BAD;
    const plain = cur.plainString(i + 1, keyEnd);
    if (plain < 0) return BAD; // a raw control character
    // An escaped key (\u0065ventName is eventName to JSON.parse): the record is parsed.
    if (plain > 0) return FALLBACK;
    const keyLength = keyEnd - i - 1;
    const entry = lookup(level, text, i + 1, keyLength);
    let j = skipSpace(text, keyEnd + 1);
    if (text.charCodeAt(j) !== 0x3a) return BAD;
    j = skipSpace(text, j + 1);
    if (entry === undefined) {
      if (mayBeVariant(level, text, i + 1, keyLength)) return FALLBACK;
      j = cur.skipValue(j);
      if (depth + cur.depth > row.depth) row.depth = depth + cur.depth;
    } else if (entry.column >= 0) {
      // An indexed field named twice (held already): JSON.parse reads the record, keeping the
      // last, and its keys are listed (ScanOptions.repeatedKeys). For eventName it also matters
      // which response was read (issuingOnly, below): the one met before decided.
      if ((resource ?? row.ids)[entry.column] !== ABSENT) return FALLBACK;
      j = resource
        ? readScalar(
            cur,
            j,
            b,
            resource,
            entry.column,
            row,
            STORED_FIELDS.length + entry.column,
            depth,
          )
        : readScalar(cur, j, b, row.ids, entry.column, row, entry.column, depth);
    } else if (entry.time) {
      if (row.time !== undefined) return FALLBACK; // named twice (above)
      const c = text.charCodeAt(j);
      if (c === 0x7b || c === 0x5b) return FALLBACK;
      const end = c === 0x22 ? cur.stringEnd(j) + 1 : cur.literalEnd(j);
      if (end <= 0) return BAD;
      const lit = text.slice(j, end);
      row.time = c === 0x22 && !lit.includes('\\') ? lit.slice(1, -1) : parseLiteral(lit);
      if (row.time === BAD_LITERAL) return BAD;
      j = end;
    } else if (!entry.child && !entry.resources) {
      j = cur.skipValue(j);
      if (depth + cur.depth > row.depth) row.depth = depth + cur.depth;
    } else if (
      entry.child &&
      entry.lenient &&
      !(row.seen & entry.bit!) &&
      (text.charCodeAt(j) !== 0x7b ||
        (entry.issuingOnly &&
          row.ids[EVENT_NAME_COLUMN] !== ABSENT &&
          !b.isIssuing(row.ids[EVENT_NAME_COLUMN])))
    ) {
      // Absent for attribution: not an object, or the response of a call that issues no credentials
      // (when eventName came first, as CloudTrail writes it; else it is read and dropped later).
      row.seen |= entry.bit!;
      j = cur.skipValue(j);
      if (depth + cur.depth > row.depth) row.depth = depth + cur.depth;
    } else if (entry.child) {
      // JSON.parse keeps the last of duplicated keys; merging two objects would differ.
      if (row.seen & entry.bit!) return FALLBACK;
      row.seen |= entry.bit!;
      if (text.charCodeAt(j) !== 0x7b) {
        // Not an object (most often null: the requestParameters of a call that has none). Every
        // column beneath reads as primitiveAt reads a path through a non-object: IRREGULAR, which
        // an attribution input takes as absent (addScanned).
        for (const c of entry.beneath!) row.ids[c] = IRREGULAR;
        j = cur.skipValue(j);
        if (depth + cur.depth > row.depth) row.depth = depth + cur.depth;
      } else {
        if (depth + 1 > row.depth) row.depth = depth + 1;
        j = scanObject(cur, j, entry.child, row, b, depth + 1);
      }
    } else {
      if (text.charCodeAt(j) !== 0x5b || row.seen & entry.bit!) return FALLBACK;
      row.seen |= entry.bit!;
      j = scanResources(cur, j, row, b, depth + 1);
    }
    if (j < 0) return j;
    j = skipSpace(text, j);
    const c = text.charCodeAt(j);
    if (c === 0x2c) i = skipSpace(text, j + 1);
    else if (c === 0x7d) return j + 1;
    else return BAD;
  }
}

/** i at '[' of the resources array, at nesting `depth`. */
function scanResources(
  cur: JsonCursor,
  i: number,
  row: Row,
  b: BatchBuilder,
  depth: number,
): number {
  const text = cur.text;
  if (depth + 1 > row.depth) row.depth = depth + 1;
  i = skipSpace(text, i + 1);
  if (text.charCodeAt(i) === 0x5d) return i + 1;
  const k = RESOURCE_FIELDS.length;
  for (;;) {
    if (text.charCodeAt(i) !== 0x7b) return FALLBACK;
    const ids = new Uint32Array(k);
    const end = scanObject(cur, i, RESOURCE, row, b, depth + 1, ids as unknown as number[]);
    if (end < 0) return end;
    if (row.resources === NO_RESOURCES) row.resources = [];
    for (let c = 0; c < k; c++) row.resources.push(ids[c]);
    i = skipSpace(text, end);
    const c = text.charCodeAt(i);
    if (c === 0x2c) i = skipSpace(text, i + 1);
    else if (c === 0x5d) return i + 1;
    else return BAD;
  }
}

const BAD_LITERAL = Symbol('bad literal');

function parseLiteral(lit: string): Primitive | typeof BAD_LITERAL {
  if (lit === 'null') return null;
  if (lit === 'true') return true;
  if (lit === 'false') return false;
  try {
    const v = JSON.parse(lit) as unknown;
    return typeof v === 'object' ? BAD_LITERAL : (v as Primitive);
  } catch {
    return BAD_LITERAL;
  }
}

/** A column's literal: as parseLiteral reads it, a number kept as written when a double would not print it back (schema.ts WrittenNumber). */
function parseColumnLiteral(lit: string): Primitive | typeof BAD_LITERAL {
  const v = parseLiteral(lit);
  return typeof v === 'number' ? numberOfLiteral(lit) : v;
}

/** A scalar column's value at j. Kept small (the common case: a plain string), so that it inlines. */
function readScalar(
  cur: JsonCursor,
  j: number,
  b: BatchBuilder,
  ids: Uint32Array | number[],
  column: number,
  row: Row,
  cache: number,
  depth: number,
): number {
  const text = cur.text;
  if (text.charCodeAt(j) !== 0x22) return readOtherScalar(cur, j, b, ids, column, row, depth);
  const e = cur.stringEnd(j);
  if (e < 0) return BAD;
  if (cache === EVENT_ID_COLUMN && packUuid(text, j + 1, e, row.eventId, 0)) {
    ids[column] = PACKED_UUID;
    return e + 1;
  }
  const last = row.lastText[cache];
  if (last !== undefined && last.length === e - j - 1 && text.startsWith(last, j + 1)) {
    ids[column] = row.lastId[cache];
    return e + 1;
  }
  const v = text.slice(j + 1, e);
  if (v.includes('\\'))
    return readEscaped(text, j, e, b, ids, column, cache === EVENT_ID_COLUMN ? row : undefined);
  const id = b.idOf(v);
  ids[column] = id;
  row.lastText[cache] = v;
  row.lastId[cache] = id;
  return e + 1;
}

/** A string with escapes; `eventIdOf`, the row when it is the record's eventID (packed if a UUID once decoded). */
function readEscaped(
  text: string,
  j: number,
  e: number,
  b: BatchBuilder,
  ids: Uint32Array | number[],
  column: number,
  eventIdOf?: Row,
): number {
  let v: string;
  try {
    v = JSON.parse(text.slice(j, e + 1)) as string;
  } catch {
    return BAD;
  }
  // Given an id even when packed, as the WebAssembly walk gives every value one.
  ids[column] = b.idOf(v);
  if (eventIdOf && packUuid(v, 0, v.length, eventIdOf.eventId, 0)) ids[column] = PACKED_UUID;
  return e + 1;
}

/** A literal, or an object or array where a scalar belongs (then IRREGULAR). */
function readOtherScalar(
  cur: JsonCursor,
  j: number,
  b: BatchBuilder,
  ids: Uint32Array | number[],
  column: number,
  row: Row,
  depth: number,
): number {
  const c = cur.text.charCodeAt(j);
  if (c === 0x7b || c === 0x5b) {
    ids[column] = IRREGULAR;
    const end = cur.skipValue(j);
    if (depth + cur.depth > row.depth) row.depth = depth + cur.depth;
    return end;
  }
  const end = cur.literalEnd(j);
  if (end < 0) return BAD;
  const v = parseColumnLiteral(cur.text.slice(j, end));
  if (v === BAD_LITERAL) return BAD;
  ids[column] = b.idOf(v);
  return end;
}
