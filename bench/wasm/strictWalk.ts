// AssemblyScript, not TypeScript (excluded from tsc and ESLint): an experiment for issue 15 §1,
// measured by bench/wasmWalk.bench.ts (see there and BENCHMARKS.md "Ingest and query").
//
// The strict JSON walk of src/core/ingest/jsonScan.ts (JsonCursor.skipValue) over the bytes of a
// file instead of its decoded text: strings (escapes, no raw control bytes, 16 bytes at a time
// with SIMD), numbers, literals, brackets, colons and commas, as JSON.parse accepts them. It
// only walks: it reads no field and builds no index.

function ws(c: u32): bool {
  return c == 0x20 || c == 0x0a || c == 0x0d || c == 0x09;
}

function skipWs(p: usize, i: i32, len: i32): i32 {
  while (i < len && ws(load<u8>(p + i))) i++;
  return i;
}

function isHex(c: u32): bool {
  return (c >= 0x30 && c <= 0x39) || ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x66);
}

// i at '"': index past the closing quote, or -1.
function stringEnd(p: usize, i: i32, len: i32): i32 {
  i++;
  const quote = i8x16.splat(0x22);
  const bs = i8x16.splat(0x5c);
  const ctl = i8x16.splat(0x20);
  for (;;) {
    while (i + 16 <= len) {
      const v = v128.load(p + i);
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
    if (i >= len) return -1;
    const c: u32 = load<u8>(p + i);
    if (c == 0x22) return i + 1;
    if (c < 0x20) return -1;
    if (c == 0x5c) {
      const e: u32 = load<u8>(p + i + 1);
      if (e == 0x75) {
        if (!(
          isHex(load<u8>(p + i + 2)) &&
          isHex(load<u8>(p + i + 3)) &&
          isHex(load<u8>(p + i + 4)) &&
          isHex(load<u8>(p + i + 5))
        ))
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

function literalEnd(p: usize, i: i32, len: i32): i32 {
  const c: u32 = load<u8>(p + i);
  if (c == 0x74) return load<u32>(p + i) == 0x65757274 ? i + 4 : -1; // true
  if (c == 0x6e) return load<u32>(p + i) == 0x6c6c756e ? i + 4 : -1; // null
  if (c == 0x66) return load<u32>(p + i + 1) == 0x65736c61 ? i + 5 : -1; // (f)alse
  let j = i;
  if (c == 0x2d) j++;
  let d: u32 = load<u8>(p + j);
  if (d == 0x30) j++;
  else if (d >= 0x31 && d <= 0x39) {
    do j++;
    while ((d = load<u8>(p + j)) >= 0x30 && d <= 0x39);
  } else return -1;
  if (load<u8>(p + j) == 0x2e) {
    j++;
    d = load<u8>(p + j);
    if (!(d >= 0x30 && d <= 0x39)) return -1;
    do j++;
    while ((d = load<u8>(p + j)) >= 0x30 && d <= 0x39);
  }
  if ((load<u8>(p + j) | 0x20) == 0x65) {
    j++;
    d = load<u8>(p + j);
    if (d == 0x2b || d == 0x2d) d = load<u8>(p + ++j);
    if (!(d >= 0x30 && d <= 0x39)) return -1;
    do j++;
    while ((d = load<u8>(p + j)) >= 0x30 && d <= 0x39);
  }
  return j;
}

/** i at a member's key: the start of its value (key, colon and whitespace passed), or -1. */
function memberValue(p: usize, i: i32, len: i32): i32 {
  if (load<u8>(p + i) != 0x22) return -1;
  i = stringEnd(p, i, len);
  if (i < 0) return -1;
  i = skipWs(p, i, len);
  if (load<u8>(p + i) != 0x3a) return -1;
  return skipWs(p, i + 1, len);
}

/** Deepest nesting walked: the stack (one byte per level) must fit below the input. */
const MAX_DEPTH = 60000;

/**
 * The input at `p` (with at least 32 zero bytes after `len`), the nesting stack at `stack` (one
 * byte per level: 1 object, 0 array). Returns the index past the value, or -1 when the bytes are
 * not one valid JSON value (or nest deeper than MAX_DEPTH).
 */
export function skipValue(p: usize, len: i32, stack: usize): i32 {
  let i = skipWs(p, 0, len);
  let depth = 0;
  for (;;) {
    // at a value
    let c: u32 = load<u8>(p + i);
    if (c == 0x7b || c == 0x5b) {
      const obj = c == 0x7b;
      if (depth >= MAX_DEPTH) return -1;
      store<u8>(stack + depth, obj ? 1 : 0);
      depth++;
      i = skipWs(p, i + 1, len);
      if (i >= len) return -1;
      if (load<u8>(p + i) == (obj ? 0x7d : 0x5d)) {
        depth--;
        i++;
      } else {
        if (obj) {
          i = memberValue(p, i, len);
          if (i < 0) return -1;
        }
        continue;
      }
    } else if (c == 0x22) {
      i = stringEnd(p, i, len);
      if (i < 0) return -1;
    } else {
      i = literalEnd(p, i, len);
      if (i < 0) return -1;
    }
    // after a value
    for (;;) {
      if (depth == 0) return i;
      i = skipWs(p, i, len);
      if (i >= len) return -1;
      const d: u32 = load<u8>(p + i);
      const inObj = load<u8>(stack + depth - 1) == 1;
      if (d == 0x2c) {
        i = skipWs(p, i + 1, len);
        if (inObj) {
          i = memberValue(p, i, len);
          if (i < 0) return -1;
        }
        break;
      }
      if (d != (inObj ? 0x7d : 0x5d)) return -1;
      depth--;
      i++;
    }
  }
  return -1;
}
