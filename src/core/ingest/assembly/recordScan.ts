// AssemblyScript, not TypeScript (excluded from tsc and ESLint; compiled by scripts/buildWasm.mjs
// into ../recordScanModule.ts, which a unit test holds equal to a fresh compile).
//
// The fast scanner's record walk (scanRecords.ts scanObject, readScalar, scanResources) over the
// bytes of an ASCII file instead of its decoded text, with the file's distinct values interned by
// their bytes: only a value the file has not held before is handed to JavaScript, which decodes
// it once and gives it a dictionary id (recordScanWasm.ts). Everything else about a record (its
// ids, resources, packed eventID, nesting depth, where its eventTime is) is left in memory for
// JavaScript to read.
//
// It must answer exactly as the JavaScript walk does, so each function mirrors its counterpart
// there, check for check: the same JSON strictness as JSON.parse (jsonScan.ts), the same keys
// taken (the key table scanRecords.ts builds, written here by `configure`), the same cases sent
// to JSON.parse (FALLBACK) or declined (BAD). The agreement tests run both on every fixture.

const BAD: i32 = -1;
const FALLBACK: i32 = -2;

const IRREGULAR: u32 = 0xffffffff;
const PACKED_UUID: u32 = 0xfffffffe;

/** Resources per record this walk keeps; a record with more is sent to JSON.parse. */
const MAX_RESOURCES: i32 = 4096;

// Key table entry flags (recordScanWasm.ts writes them).
const F_TIME: u32 = 1;
const F_RESOURCES: u32 = 2;
const F_LENIENT: u32 = 4;
const F_ISSUING_ONLY: u32 = 8;
const F_CHILD: u32 = 16;

// Interned value kinds.
const PLAIN: u32 = 0; // a string without escapes: its bytes between the quotes
const ESCAPED: u32 = 1; // a string with escapes: its bytes between the quotes, JSON.parse'd by JS
const LITERAL: u32 = 2; // a number, true, false or null: its bytes
const ISSUING: u32 = 4; // flag: a string that is one of the issuing calls' names (an eventName)

// ---- memory: a bump heap; the key table below `fileBase`, one file's data above it ---------

let heapTop: usize = 0;
let fileBase: usize = 0;

function alignUp(n: usize): usize {
  return (n + 15) & ~(<usize>15);
}

/** n bytes at a 16-byte boundary, growing the memory as needed. */
export function alloc(n: i32): usize {
  if (heapTop == 0) heapTop = alignUp(__heap_base);
  const p = heapTop;
  heapTop = alignUp(p + <usize>n);
  const pages = <i32>((heapTop + 0xffff) >> 16);
  const have = memory.size();
  if (pages > have && memory.grow(pages - have) < 0) unreachable();
  return p;
}

// ---- the key table -------------------------------------------------------------------------

let nStored: i32 = 0;
let nRes: i32 = 0;
let eventIdColumn: i32 = 0;
let eventNameColumn: i32 = 0;
/**
 * Per level, per key length 0 … MAX_KEY - 1: the first entry of that length and how many (u32
 * each; a level's entries are sorted by length). Level 0 is the record, 1 a resource.
 */
let levels: usize = 0;
const MAX_KEY: i32 = 64;
/**
 * Per entry, 48 bytes: key offset in `keys`, key length, column (i32, -1 none), flags, child level,
 * offset of its columns beneath (from the table's start), seen bit (u64), count of columns beneath.
 */
const ENTRY: i32 = 48;
let table0: usize = 0;
let entries: usize = 0;
let keys: usize = 0;
/** Per issuing call name: offset and length in `keys`. */
let issuing: usize = 0;
let nIssuing: i32 = 0;

/** The key table, written by JavaScript at `table` (see recordScanWasm.ts for the layout). */
export function configure(table: usize): void {
  table0 = table;
  nStored = load<i32>(table);
  nRes = load<i32>(table, 4);
  eventIdColumn = load<i32>(table, 8);
  eventNameColumn = load<i32>(table, 12);
  nIssuing = load<i32>(table, 16);
  levels = table + load<u32>(table, 20);
  entries = table + load<u32>(table, 24);
  keys = table + load<u32>(table, 28);
  issuing = table + load<u32>(table, 32);
  info = alloc(64);
  unescaped = alloc(MAX_ISSUING_NAME);
  fileBase = heapTop;
}

// ---- one file ------------------------------------------------------------------------------

let input: usize = 0;
let inputLen: i32 = 0;
/** The nesting stack of skipValue, one byte per level (1 object, 0 array). */
let stack: usize = 0;
let stackCap: i32 = 0;
/** The record's ids (nStored u32), its resources' ids (nRes u32 each), its packed eventID. */
let ids: usize = 0;
let resIds: usize = 0;
let uuid: usize = 0;
/** Per column, the id of the last string it held in the file (0 none). */
let lastValue: usize = 0;
/** Interned values: 16 bytes each (start, length, kind, hash); id n is entry n - 1. */
let values: usize = 0;
let valueCap: i32 = 0;
let valueCount: i32 = 0;
/** Open addressing: slot → id (0 empty). */
let table: usize = 0;
let tableMask: i32 = 0;

/** Padding after the input: reads past a value's end meet zeros, which end every token. */
const PAD: i32 = 64;

/** Starts a file of `len` bytes; returns where JavaScript writes them. */
export function beginFile(len: i32): usize {
  heapTop = fileBase;
  inputLen = len;
  input = alloc(len + PAD);
  memory.fill(input + <usize>len, 0, PAD);
  stackCap = 1024;
  stack = alloc(stackCap);
  ids = alloc(nStored * 4);
  resIds = alloc(MAX_RESOURCES * nRes * 4);
  uuid = alloc(16);
  lastValue = alloc(nStored * 4);
  memory.fill(lastValue, 0, <usize>nStored * 4);
  valueCap = 1024;
  values = alloc(valueCap * 16);
  valueCount = 0;
  tableMask = 2047;
  table = alloc((tableMask + 1) * 4);
  memory.fill(table, 0, (tableMask + 1) * 4);
  return input;
}

export function idsPtr(): usize {
  return ids;
}
export function resourcesPtr(): usize {
  return resIds;
}
export function uuidPtr(): usize {
  return uuid;
}
export function valuesPtr(): usize {
  return values;
}

// ---- what the last record held, read by JavaScript ------------------------------------------

let rowDepth: i32 = 1;
let seen: u64 = 0;
let resCount: i32 = 0;
/** 0 no eventTime; 1 a string without escapes (timeStart, timeEnd: its contents); 2 anything else (its text). */
let timeKind: i32 = 0;
let timeStart: i32 = 0;
let timeEnd: i32 = 0;

/**
 * What scanRecord leaves for JavaScript, in one block (recordScanWasm.ts reads it): i32 at 0 the
 * record's end (or BAD, FALLBACK), 4 its nesting depth, 8 its resources, 12 timeKind, 16
 * timeStart, 20 timeEnd, 24 the values interned in the file so far; f64 at 32 the eventTime in
 * ms when it is a string in CloudTrail's canonical form (NaN otherwise).
 */
let info: usize = 0;

export function infoPtr(): usize {
  return info;
}

// ---- JSON, as strictly as JSON.parse (jsonScan.ts) -----------------------------------------

function at(i: i32): u32 {
  return load<u8>(input + <usize>i);
}

function skipWs(i: i32): i32 {
  for (;;) {
    const c = at(i);
    if (c != 0x20 && c != 0x0a && c != 0x0d && c != 0x09) return i;
    i++;
  }
  return i;
}

function isHex(c: u32): bool {
  return (c >= 0x30 && c <= 0x39) || ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x66);
}

/** Set by stringEnd: the string held a backslash. */
let sawEscape: bool = false;

/** i at '"': the index of the closing quote, or -1 (unterminated, a raw control byte, a bad escape). */
function stringEnd(i: i32): i32 {
  i++;
  sawEscape = false;
  const quote = i8x16.splat(0x22);
  const bs = i8x16.splat(0x5c);
  const ctl = i8x16.splat(0x20);
  for (;;) {
    while (i + 16 <= inputLen) {
      const v = v128.load(input + <usize>i);
      const m = i8x16.bitmask(
        v128.or(v128.or(i8x16.eq(v, quote), i8x16.eq(v, bs)), i8x16.lt_u(v, ctl)),
      );
      if (m == 0) {
        i += 16;
        continue;
      }
      i += ctz<i32>(m);
      break;
    }
    if (i >= inputLen) return -1;
    const c = at(i);
    if (c == 0x22) return i;
    if (c < 0x20) return -1;
    if (c == 0x5c) {
      sawEscape = true;
      const e = at(i + 1);
      if (e == 0x75) {
        if (!(isHex(at(i + 2)) && isHex(at(i + 3)) && isHex(at(i + 4)) && isHex(at(i + 5))))
          return -1;
        i += 6;
      } else if (
        e == 0x22 ||
        e == 0x5c ||
        e == 0x2f ||
        e == 0x62 ||
        e == 0x66 ||
        e == 0x6e ||
        e == 0x72 ||
        e == 0x74
      )
        i += 2;
      else return -1;
      continue;
    }
    i++;
  }
  return -1;
}

/** i at a literal (number, true, false, null): the index past it, or -1. */
function literalEnd(i: i32): i32 {
  const c = at(i);
  if (c == 0x74) return load<u32>(input + <usize>i) == 0x65757274 ? i + 4 : -1; // true
  if (c == 0x6e) return load<u32>(input + <usize>i) == 0x6c6c756e ? i + 4 : -1; // null
  if (c == 0x66) return load<u32>(input + <usize>i + 1) == 0x65736c61 ? i + 5 : -1; // (f)alse
  let j = i;
  if (c == 0x2d) j++;
  let d = at(j);
  if (d == 0x30) j++;
  else if (d >= 0x31 && d <= 0x39) {
    do j++;
    while ((d = at(j)) >= 0x30 && d <= 0x39);
  } else return -1;
  if (at(j) == 0x2e) {
    j++;
    d = at(j);
    if (!(d >= 0x30 && d <= 0x39)) return -1;
    do j++;
    while ((d = at(j)) >= 0x30 && d <= 0x39);
  }
  if ((at(j) | 0x20) == 0x65) {
    j++;
    d = at(j);
    if (d == 0x2b || d == 0x2d) d = at(++j);
    if (!(d >= 0x30 && d <= 0x39)) return -1;
    do j++;
    while ((d = at(j)) >= 0x30 && d <= 0x39);
  }
  return j;
}

/** Set by skipValue: the nesting inside the value it passed over (0 for a string or literal). */
let lastDepth: i32 = 0;

/** j at a member's key: the start of its value, or -1. */
function member(j: i32): i32 {
  if (at(j) != 0x22) return -1;
  const e = stringEnd(j);
  if (e < 0) return -1;
  j = skipWs(e + 1);
  if (at(j) != 0x3a) return -1;
  return skipWs(j + 1);
}

/** i at the first byte of a value: the index past it, or -1 (JsonCursor.skipValue). */
function skipValue(i: i32): i32 {
  let c = at(i);
  lastDepth = 0;
  if (c == 0x22) {
    const e = stringEnd(i);
    return e < 0 ? -1 : e + 1;
  }
  if (c != 0x7b && c != 0x5b) return literalEnd(i);
  let depth = 0;
  let max = 0;
  let j = i;
  for (;;) {
    c = at(j);
    if (c == 0x7b || c == 0x5b) {
      if (depth == stackCap) {
        const grown = alloc(stackCap * 2);
        memory.copy(grown, stack, stackCap);
        stack = grown;
        stackCap *= 2;
      }
      const isObject = c == 0x7b;
      store<u8>(stack + <usize>depth, isObject ? 1 : 0);
      depth++;
      if (depth > max) max = depth;
      j = skipWs(j + 1);
      if (at(j) == (isObject ? 0x7d : 0x5d)) {
        depth--;
        j++;
      } else {
        if (isObject) {
          j = member(j);
          if (j < 0) return -1;
        }
        continue;
      }
    } else if (c == 0x22) {
      const e = stringEnd(j);
      if (e < 0) return -1;
      j = e + 1;
    } else {
      j = literalEnd(j);
      if (j < 0) return -1;
    }
    for (;;) {
      if (depth == 0) {
        lastDepth = max;
        return j;
      }
      j = skipWs(j);
      const d = at(j);
      const inObject = load<u8>(stack + <usize>(depth - 1)) == 1;
      if (d == 0x2c) {
        j = skipWs(j + 1);
        if (inObject) {
          j = member(j);
          if (j < 0) return -1;
        }
        break;
      }
      if (d != (inObject ? 0x7d : 0x5d)) return -1;
      depth--;
      j++;
    }
  }
  return -1;
}

// ---- interning -----------------------------------------------------------------------------

/** A hash of input[start, end) and its kind, 8 bytes at a time (the padding allows reading past). */
function hashOf(start: i32, end: i32, kind: u32): u32 {
  let h: u64 = 0x9e3779b97f4a7c15 ^ ((<u64>kind) << 32) ^ (<u64>(end - start));
  let p = input + <usize>start;
  const stop = input + <usize>end;
  while (p + 8 <= stop) {
    h = (h ^ load<u64>(p)) * 0xff51afd7ed558ccd;
    h ^= h >> 29;
    p += 8;
  }
  const rest = <i32>(stop - p);
  if (rest > 0) {
    h = (h ^ (load<u64>(p) & (((<u64>1) << (<u64>rest * 8)) - 1))) * 0xc4ceb9fe1a85ec53;
    h ^= h >> 29;
  }
  return <u32>(h ^ (h >> 32));
}

/** Whether the len bytes at p are one of the issuing call names. */
function isIssuingName(p: usize, len: i32): bool {
  for (let k = 0; k < nIssuing; k++) {
    const e = issuing + <usize>(k * 8);
    if (load<i32>(e, 4) == len && same(keys + <usize>load<u32>(e), p, len)) return true;
  }
  return false;
}

/** The longest issuing call name this walk decodes an escaped string for (they are 25 at most). */
const MAX_ISSUING_NAME: i32 = 32;
/** Where an escaped string's decoded contents go (MAX_ISSUING_NAME bytes). */
let unescaped: usize = 0;

/** The character a one-letter escape stands for (stringEnd allowed only JSON's). */
function escapedChar(e: u32): u32 {
  if (e == 0x62) return 0x08; // \b
  if (e == 0x66) return 0x0c; // \f
  if (e == 0x6e) return 0x0a; // \n
  if (e == 0x72) return 0x0d; // \r
  if (e == 0x74) return 0x09; // \t
  return e; // \" \\ \/
}

function hexDigit(c: u32): u32 {
  return c <= 0x39 ? c - 0x30 : (c | 0x20) - 0x57;
}

/**
 * Whether input[start, end), a string's contents with escapes (checked by stringEnd), is one of
 * the issuing call names once decoded, as JSON.parse decodes it: the JavaScript walk decides on
 * the decoded value, so that both walks read the same responses (and give the same values ids).
 */
function unescapesToIssuing(start: i32, end: i32): bool {
  let n = 0;
  let i = start;
  while (i < end) {
    let c = at(i);
    if (c == 0x5c) {
      const e = at(i + 1);
      if (e == 0x75) {
        c =
          (hexDigit(at(i + 2)) << 12) |
          (hexDigit(at(i + 3)) << 8) |
          (hexDigit(at(i + 4)) << 4) |
          hexDigit(at(i + 5));
        i += 6;
      } else {
        c = escapedChar(e);
        i += 2;
      }
    } else i++;
    // The names are ASCII: a longer text, or any other character, is none of them.
    if (c > 0x7f || n == MAX_ISSUING_NAME) return false;
    store<u8>(unescaped + <usize>n, <u8>c);
    n++;
  }
  return isIssuingName(unescaped, n);
}

function grow(): void {
  const cap = valueCap * 2;
  const v = alloc(cap * 16);
  memory.copy(v, values, <usize>valueCount * 16);
  values = v;
  valueCap = cap;
  tableMask = tableMask * 2 + 1;
  table = alloc((tableMask + 1) * 4);
  memory.fill(table, 0, (tableMask + 1) * 4);
  for (let n = 0; n < valueCount; n++) {
    let s = load<u32>(values + <usize>(n * 16), 12) & (<u32>tableMask);
    while (load<u32>(table + <usize>(s * 4)) != 0) s = (s + 1) & (<u32>tableMask);
    store<u32>(table + <usize>(s * 4), n + 1);
  }
}

/** The id of the value input[start, end) of `kind`: 1, 2, … in the order first met. */
function intern(start: i32, end: i32, kind: u32): u32 {
  const len = end - start;
  const h = hashOf(start, end, kind);
  let s = h & (<u32>tableMask);
  for (;;) {
    const id = load<u32>(table + <usize>(s * 4));
    if (id == 0) break;
    const e = values + <usize>((id - 1) * 16);
    if (
      load<u32>(e, 12) == h &&
      load<i32>(e, 4) == len &&
      (load<u32>(e, 8) & 3) == kind &&
      same(input + <usize>load<u32>(e), input + <usize>start, len)
    )
      return id;
    s = (s + 1) & (<u32>tableMask);
  }
  if (valueCount == valueCap) {
    grow();
    s = h & (<u32>tableMask);
    while (load<u32>(table + <usize>(s * 4)) != 0) s = (s + 1) & (<u32>tableMask);
  }
  // A value that is an issuing call's name, whatever the column it is first met in: a user named
  // AssumeRole met before the file's first AssumeRole call would otherwise hide every such call's
  // response (its issued key) for the rest of the file.
  let flags = kind;
  if (
    (kind == PLAIN && isIssuingName(input + <usize>start, len)) ||
    (kind == ESCAPED && unescapesToIssuing(start, end))
  )
    flags |= ISSUING;
  const e = values + <usize>(valueCount * 16);
  store<u32>(e, start);
  store<i32>(e, len, 4);
  store<u32>(e, flags, 8);
  store<u32>(e, h, 12);
  valueCount++;
  store<u32>(table + <usize>(s * 4), valueCount);
  return valueCount;
}

function isIssuing(id: u32): bool {
  if (id == 0 || id >= PACKED_UUID) return false;
  return (load<u32>(values + <usize>((id - 1) * 16), 8) & ISSUING) != 0;
}

// ---- the record walk (scanRecords.ts) ------------------------------------------------------

const TOP_LEVEL: i32 = 0;
const RESOURCE_LEVEL: i32 = 1;

/** Whether the n bytes at a and b are the same (8 at a time). */
function same(a: usize, b: usize, n: i32): bool {
  let k = 0;
  for (; k + 8 <= n; k += 8) if (load<u64>(a + <usize>k) != load<u64>(b + <usize>k)) return false;
  for (; k < n; k++) if (load<u8>(a + <usize>k) != load<u8>(b + <usize>k)) return false;
  return true;
}

/** Where `level`'s entries of key length `len` are (first, count), or 0 for none. */
function byLength(level: i32, len: i32): usize {
  return len < MAX_KEY ? levels + <usize>((level * MAX_KEY + len) * 8) : 0;
}

/** The entry of `level` whose key is input[start, start + len), or 0. */
function lookup(level: i32, start: i32, len: i32): usize {
  const l = byLength(level, len);
  if (l == 0) return 0;
  const first = load<i32>(l);
  const n = load<i32>(l, 4);
  const c0 = at(start);
  for (let k = 0; k < n; k++) {
    const e = entries + <usize>((first + k) * ENTRY);
    const key = keys + <usize>load<u32>(e);
    if (load<u8>(key) == c0 && same(key, input + <usize>start, len)) return e;
  }
  return 0;
}

/** A key the query language would take for an indexed one (scanRecords.ts mayBeVariant). */
function mayBeVariant(level: i32, start: i32, len: i32): bool {
  for (let i = start; i < start + len; i++) if (at(i) > 0x7f) return true;
  const l = byLength(level, len);
  if (l == 0) return false;
  const first = load<i32>(l);
  const n = load<i32>(l, 4);
  for (let k = 0; k < n; k++) {
    const e = entries + <usize>((first + k) * ENTRY);
    const key = keys + <usize>load<u32>(e);
    let same = true;
    for (let i = 0; i < len; i++) {
      const a = at(start + i);
      const b: u32 = load<u8>(key + <usize>i);
      if (a != b && ((a | 0x20) != (b | 0x20) || !((a | 0x20) >= 0x61 && (a | 0x20) <= 0x7a))) {
        same = false;
        break;
      }
    }
    if (same) return true;
  }
  return false;
}

function packUuid(start: i32, end: i32): bool {
  if (end - start != 36) return false;
  let k: usize = uuid;
  let hi: i32 = -1;
  for (let i = 0; i < 36; i++) {
    const c = at(start + i);
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (c != 45) return false;
      continue;
    }
    const v: i32 = c >= 48 && c <= 57 ? <i32>c - 48 : c >= 97 && c <= 102 ? <i32>c - 87 : -1;
    if (v < 0) return false;
    if (hi < 0) hi = v;
    else {
      store<u8>(k++, <u8>((hi << 4) | v));
      hi = -1;
    }
  }
  return true;
}

/** i at the '{' of a record: the index past it, BAD or FALLBACK; the record's data as above. */
export function scanRecord(i: i32): i32 {
  memory.fill(ids, 0, <usize>nStored * 4);
  rowDepth = 1;
  seen = 0;
  resCount = 0;
  timeKind = 0;
  const end = scanObject(i, TOP_LEVEL, 1, 0);
  store<i32>(info, end);
  store<i32>(info, rowDepth, 4);
  store<i32>(info, resCount, 8);
  store<i32>(info, timeKind, 12);
  store<i32>(info, timeStart, 16);
  store<i32>(info, timeEnd, 20);
  store<i32>(info, valueCount, 24);
  store<f64>(info, timeKind == 1 ? canonicalTime(timeStart, timeEnd - timeStart) : NaN, 32);
  return end;
}

function digit(i: i32): i32 {
  const d = <i32>at(i) - 48;
  return d >= 0 && d <= 9 ? d : -10000;
}

/**
 * `YYYY-MM-DDTHH:MM:SSZ` at input[s, s + len) → ms since the epoch, or NaN: exactly
 * src/core/time canonicalEventTime (proleptic Gregorian; a day past its month's end is not one).
 */
function canonicalTime(s: i32, len: i32): f64 {
  if (len != 20) return NaN;
  if (
    at(s + 4) != 45 ||
    at(s + 7) != 45 ||
    at(s + 10) != 84 ||
    at(s + 13) != 58 ||
    at(s + 16) != 58 ||
    at(s + 19) != 90
  )
    return NaN;
  const year = digit(s) * 1000 + digit(s + 1) * 100 + digit(s + 2) * 10 + digit(s + 3);
  const month = digit(s + 5) * 10 + digit(s + 6);
  const day = digit(s + 8) * 10 + digit(s + 9);
  const hour = digit(s + 11) * 10 + digit(s + 12);
  const minute = digit(s + 14) * 10 + digit(s + 15);
  const second = digit(s + 17) * 10 + digit(s + 18);
  if (!(
    year >= 0 &&
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    day <= 31 &&
    hour >= 0 &&
    hour <= 23 &&
    minute >= 0 &&
    minute <= 59 &&
    second >= 0 &&
    second <= 59
  ))
    return NaN;
  const leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
  const monthDays =
    month == 2 ? (leap ? 29 : 28) : month == 4 || month == 6 || month == 9 || month == 11 ? 30 : 31;
  if (day > monthDays) return NaN;
  // Days from 1970-01-01 (H. Hinnant's days_from_civil).
  const y = month <= 2 ? year - 1 : year;
  const era = (y >= 0 ? y : y - 399) / 400;
  const yoe = y - era * 400;
  const doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
  const doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  const days = era * 146097 + doe - 719468;
  return <f64>days * 86400000 + <f64>(hour * 3600 + minute * 60 + second) * 1000;
}

/** i at '{' of an object at nesting `depth`; `out` the resource's ids, or 0 for the record's. */
function scanObject(i: i32, level: i32, depth: i32, out: usize): i32 {
  i = skipWs(i + 1);
  if (at(i) == 0x7d) return i + 1;
  for (;;) {
    if (at(i) != 0x22) return BAD;
    // The key: up to the next quote; a raw control byte in it is BAD, a backslash FALLBACK.
    let keyEnd = i + 1;
    let control = false;
    let backslash = false;
    for (;;) {
      // 16 bytes at a time to the next quote, backslash or control byte.
      if (keyEnd + 16 <= inputLen) {
        const v = v128.load(input + <usize>keyEnd);
        const m = i8x16.bitmask(
          v128.or(
            v128.or(i8x16.eq(v, i8x16.splat(0x22)), i8x16.eq(v, i8x16.splat(0x5c))),
            i8x16.lt_u(v, i8x16.splat(0x20)),
          ),
        );
        if (m == 0) {
          keyEnd += 16;
          continue;
        }
        keyEnd += ctz<i32>(m);
      } else if (keyEnd >= inputLen) return BAD;
      const c = at(keyEnd);
      if (c == 0x22) break;
      if (c < 0x20) control = true;
      else if (c == 0x5c) backslash = true;
      keyEnd++;
    }
    if (control) return BAD;
    if (backslash) return FALLBACK;
    const keyLength = keyEnd - i - 1;
    const entry = lookup(level, i + 1, keyLength);
    let j = skipWs(keyEnd + 1);
    if (at(j) != 0x3a) return BAD;
    j = skipWs(j + 1);
    if (entry == 0) {
      if (mayBeVariant(level, i + 1, keyLength)) return FALLBACK;
      j = skipValue(j);
      if (depth + lastDepth > rowDepth) rowDepth = depth + lastDepth;
    } else {
      const column = load<i32>(entry, 8);
      const flags = load<u32>(entry, 12);
      const bit = load<u64>(entry, 24);
      // An indexed field named twice (held already): JSON.parse reads the record (scanRecords.ts).
      if (column >= 0) {
        if (load<u32>((out ? out : ids) + <usize>(column * 4)) != 0) return FALLBACK;
        j = readScalar(j, column, depth, out);
      } else if (flags & F_TIME) {
        if (timeKind != 0) return FALLBACK;
        const c = at(j);
        if (c == 0x7b || c == 0x5b) return FALLBACK;
        let end: i32;
        if (c == 0x22) {
          end = stringEnd(j) + 1;
          if (end <= 0) return BAD;
          timeKind = sawEscape ? 2 : 1;
          timeStart = sawEscape ? j : j + 1;
          timeEnd = sawEscape ? end : end - 1;
        } else {
          end = literalEnd(j);
          if (end <= 0) return BAD;
          timeKind = 2;
          timeStart = j;
          timeEnd = end;
        }
        j = end;
      } else if (!(flags & (F_CHILD | F_RESOURCES))) {
        j = skipValue(j);
        if (depth + lastDepth > rowDepth) rowDepth = depth + lastDepth;
      } else if (
        flags & F_CHILD &&
        flags & F_LENIENT &&
        !(seen & bit) &&
        (at(j) != 0x7b ||
          (flags & F_ISSUING_ONLY &&
            load<u32>(ids + <usize>(eventNameColumn * 4)) != 0 &&
            !isIssuing(load<u32>(ids + <usize>(eventNameColumn * 4)))))
      ) {
        seen |= bit;
        j = skipValue(j);
        if (depth + lastDepth > rowDepth) rowDepth = depth + lastDepth;
      } else if (flags & F_CHILD) {
        if (seen & bit) return FALLBACK;
        seen |= bit;
        if (at(j) != 0x7b) {
          // Not an object: every column beneath is IRREGULAR (scanRecords.ts scanObject).
          const beneath = table0 + <usize>load<u32>(entry, 20);
          const n = load<i32>(entry, 32);
          for (let k = 0; k < n; k++)
            store<u32>(ids + <usize>(load<i32>(beneath + <usize>(k * 4)) * 4), IRREGULAR);
          j = skipValue(j);
          if (depth + lastDepth > rowDepth) rowDepth = depth + lastDepth;
        } else {
          if (depth + 1 > rowDepth) rowDepth = depth + 1;
          j = scanObject(j, load<i32>(entry, 16), depth + 1, 0);
        }
      } else {
        if (at(j) != 0x5b || seen & bit) return FALLBACK;
        seen |= bit;
        j = scanResources(j, depth + 1);
      }
    }
    if (j < 0) return j;
    j = skipWs(j);
    const c = at(j);
    if (c == 0x2c) i = skipWs(j + 1);
    else if (c == 0x7d) return j + 1;
    else return BAD;
  }
  return BAD;
}

/** i at '[' of the resources array, at nesting `depth`. */
function scanResources(i: i32, depth: i32): i32 {
  if (depth + 1 > rowDepth) rowDepth = depth + 1;
  i = skipWs(i + 1);
  if (at(i) == 0x5d) return i + 1;
  for (;;) {
    if (at(i) != 0x7b) return FALLBACK;
    if (resCount == MAX_RESOURCES) return FALLBACK;
    const out = resIds + <usize>(resCount * nRes * 4);
    memory.fill(out, 0, <usize>nRes * 4);
    const end = scanObject(i, RESOURCE_LEVEL, depth + 1, out);
    if (end < 0) return end;
    resCount++;
    i = skipWs(end);
    const c = at(i);
    if (c == 0x2c) i = skipWs(i + 1);
    else if (c == 0x5d) return i + 1;
    else return BAD;
  }
  return BAD;
}

/** A scalar column's value at j (scanRecords.ts readScalar and readOtherScalar). */
function readScalar(j: i32, column: i32, depth: i32, out: usize): i32 {
  const target = (out ? out : ids) + <usize>(column * 4);
  const c = at(j);
  if (c == 0x22) {
    const e = stringEnd(j);
    if (e < 0) return BAD;
    if (out == 0 && column == eventIdColumn && packUuid(j + 1, e)) {
      store<u32>(target, PACKED_UUID);
      return e + 1;
    }
    const kind = sawEscape ? ESCAPED : PLAIN;
    if (out) {
      store<u32>(target, intern(j + 1, e, kind));
      return e + 1;
    }
    // Most columns repeat from record to record in a file: the column's last value first.
    const last = lastValue + <usize>(column * 4);
    const lastId = load<u32>(last);
    if (lastId != 0) {
      const v = values + <usize>((lastId - 1) * 16);
      if (
        load<i32>(v, 4) == e - j - 1 &&
        (load<u32>(v, 8) & 3) == kind &&
        same(input + <usize>load<u32>(v), input + <usize>(j + 1), e - j - 1)
      ) {
        store<u32>(target, lastId);
        return e + 1;
      }
    }
    const id = intern(j + 1, e, kind);
    store<u32>(target, id);
    store<u32>(last, id);
    return e + 1;
  }
  if (c == 0x7b || c == 0x5b) {
    store<u32>(target, IRREGULAR);
    const end = skipValue(j);
    if (depth + lastDepth > rowDepth) rowDepth = depth + lastDepth;
    return end;
  }
  const end = literalEnd(j);
  if (end < 0) return BAD;
  store<u32>(target, intern(j, end, LITERAL));
  return end;
}
