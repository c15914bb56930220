// Reading JSON text without building values, as strictly as JSON.parse: the fast scanner
// (scanRecords.ts) skips the values it does not index with it, and the general path measures a
// file with it before JSON.parse. Whatever JSON.parse rejects is rejected here too — raw control
// characters in strings (a raw newline would split a record across JSON lines), bad escapes,
// misspelt literals, malformed numbers, mismatched brackets, a missing colon or comma — so a
// file the fast path indexes is one JSON.parse would have read.
//
// Strings are still skipped with indexOf. Their contents are checked lazily: the next control
// character and the next backslash of the text are each found once (one native search) and only
// a string that holds one of them is looked at closely. Delivered log files are one line with
// few escapes, so most strings cost two comparisons.
//
// Depth: nothing in the product may meet a record nested deeper than MAX_JSON_DEPTH; matchers,
// explanations and JSON.stringify recurse, and 10,000 levels overflow their stack.

/** The deepest nesting of objects and arrays a record may have (the record itself is level 1).
 * Real CloudTrail records nest about 10 levels; the product's recursive code is safe far past this. */
export const MAX_JSON_DEPTH = 512;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const LBRACE = 0x7b;
const RBRACE = 0x7d;
const LBRACKET = 0x5b;
const RBRACKET = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;

/** Index of the first non-whitespace character at or after i (JSON whitespace only), or text.length. */
export function skipSpace(text: string, i: number): number {
  for (; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return i;
  }
  return i;
}

const CONTROL = /[\u0000-\u001f]/g;

function isHex(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x66);
}

/**
 * A forward-only reader over one text. Positions given to it must not go backwards between
 * calls (the lazy control-character and backslash positions depend on it).
 */
export class JsonCursor {
  /** Deepest nesting inside the last value skipValue passed over (0 for a string or literal). */
  depth = 0;
  /** Values met per nesting level by skipValue when counting (see countLevels). */
  private counts: Uint32Array | undefined;
  private nextControl = -1;
  private nextBackslash = -1;
  private controlFrom = 0;
  private backslashFrom = 0;
  private stack = new Uint8Array(64);

  constructor(readonly text: string) {}

  /** Count values at nesting levels 0.. counts.length - 1 during the following skips. */
  countLevels(counts: Uint32Array | undefined): void {
    this.counts = counts;
  }

  private controlAt(from: number): number {
    if (this.nextControl < from || from < this.controlFrom) {
      CONTROL.lastIndex = from;
      const m = CONTROL.exec(this.text);
      this.nextControl = m ? m.index : this.text.length;
      this.controlFrom = from;
    }
    return this.nextControl;
  }

  private backslashAt(from: number): number {
    if (this.nextBackslash < from || from < this.backslashFrom) {
      const b = this.text.indexOf('\\', from);
      this.nextBackslash = b < 0 ? this.text.length : b;
      this.backslashFrom = from;
    }
    return this.nextBackslash;
  }

  /** Whether text(start, end) (a string's contents) holds a backslash: 1, a control character: -1, neither: 0. */
  plainString(start: number, end: number): -1 | 0 | 1 {
    if (this.controlAt(start) < end) return -1;
    return this.backslashAt(start) < end ? 1 : 0;
  }

  /** i at '"': the index of the closing quote, or -1 when unterminated or not a valid JSON string. */
  stringEnd(i: number): number {
    const text = this.text;
    let j = i + 1;
    let q: number;
    for (;;) {
      q = text.indexOf('"', j);
      if (q < 0) return -1;
      let k = q - 1;
      while (text.charCodeAt(k) === BACKSLASH) k--;
      if ((q - 1 - k) % 2 === 0) break;
      j = q + 1;
    }
    // Usually both are past the string already: two comparisons.
    if (this.nextControl < q && this.controlAt(i) < q) return -1;
    if (this.nextBackslash > q) return q;
    let b = this.backslashAt(i);
    if (b > q) return q;
    while (b < q) {
      const c = text.charCodeAt(b + 1);
      if (c === 0x75) {
        // \\uXXXX
        if (!(
          isHex(text.charCodeAt(b + 2)) &&
          isHex(text.charCodeAt(b + 3)) &&
          isHex(text.charCodeAt(b + 4)) &&
          isHex(text.charCodeAt(b + 5))
        ))
          return -1;
        b += 6;
      } else if (
        c === QUOTE ||
        c === BACKSLASH ||
        c === 0x2f ||
        c === 0x62 ||
        c === 0x66 ||
        c === 0x6e ||
        c === 0x72 ||
        c === 0x74
      )
        b += 2;
      else return -1;
      b = text.indexOf('\\', b);
      if (b < 0) b = text.length;
    }
    this.nextBackslash = b;
    this.backslashFrom = q;
    return q;
  }

  /** i at a literal (number, true, false, null): the index past it, or -1 when it is not one. */
  literalEnd(i: number): number {
    const text = this.text;
    const c = text.charCodeAt(i);
    if (c === 0x74) return text.startsWith('true', i) ? i + 4 : -1;
    if (c === 0x66) return text.startsWith('false', i) ? i + 5 : -1;
    if (c === 0x6e) return text.startsWith('null', i) ? i + 4 : -1;
    let j = i;
    if (c === 0x2d) j++;
    let d = text.charCodeAt(j);
    if (d === 0x30) j++;
    else if (d >= 0x31 && d <= 0x39) {
      do j++;
      while ((d = text.charCodeAt(j)) >= 0x30 && d <= 0x39);
    } else return -1;
    if (text.charCodeAt(j) === 0x2e) {
      j++;
      d = text.charCodeAt(j);
      if (!(d >= 0x30 && d <= 0x39)) return -1;
      do j++;
      while ((d = text.charCodeAt(j)) >= 0x30 && d <= 0x39);
    }
    if ((text.charCodeAt(j) | 0x20) === 0x65) {
      j++;
      d = text.charCodeAt(j);
      if (d === 0x2b || d === 0x2d) d = text.charCodeAt(++j);
      if (!(d >= 0x30 && d <= 0x39)) return -1;
      do j++;
      while ((d = text.charCodeAt(j)) >= 0x30 && d <= 0x39);
    }
    return j;
  }

  /**
   * i at the first character of a value: the index just past it, or -1 when the text there is not
   * one valid JSON value (or ends inside it). Sets `depth` to the value's own nesting.
   */
  skipValue(i: number): number {
    const text = this.text;
    const counts = this.counts;
    let c = text.charCodeAt(i);
    if (counts) counts[0]++;
    if (c === QUOTE) {
      this.depth = 0;
      const e = this.stringEnd(i);
      return e < 0 ? -1 : e + 1;
    }
    if (c !== LBRACE && c !== LBRACKET) {
      this.depth = 0;
      return this.literalEnd(i);
    }
    let stack = this.stack;
    let depth = 0;
    let max = 0;
    let j = i;
    for (;;) {
      // j is at the start of a value (counted already).
      c = text.charCodeAt(j);
      if (c === LBRACE || c === LBRACKET) {
        if (depth === stack.length) {
          const grown = new Uint8Array(stack.length * 2);
          grown.set(stack);
          this.stack = stack = grown;
        }
        const isObject = c === LBRACE;
        stack[depth++] = isObject ? 1 : 0;
        if (depth > max) max = depth;
        j++;
        if (text.charCodeAt(j) <= 0x20) j = skipSpace(text, j);
        if (text.charCodeAt(j) === (isObject ? RBRACE : RBRACKET)) {
          depth--;
          j++;
        } else {
          if (isObject) {
            j = this.member(j);
            if (j < 0) return -1;
          }
          if (counts && depth < counts.length) counts[depth]++;
          continue;
        }
      } else if (c === QUOTE) {
        const e = this.stringEnd(j);
        if (e < 0) return -1;
        j = e + 1;
      } else {
        j = this.literalEnd(j);
        if (j < 0) return -1;
      }
      // After a value: commas and closing brackets until the next value or the end.
      for (;;) {
        if (depth === 0) {
          this.depth = max;
          return j;
        }
        if (text.charCodeAt(j) <= 0x20) j = skipSpace(text, j);
        const d = text.charCodeAt(j);
        const inObject = stack[depth - 1] === 1;
        if (d === COMMA) {
          j++;
          if (text.charCodeAt(j) <= 0x20) j = skipSpace(text, j);
          if (inObject) {
            j = this.member(j);
            if (j < 0) return -1;
          }
          if (counts && depth < counts.length) counts[depth]++;
          break;
        }
        if (d !== (inObject ? RBRACE : RBRACKET)) return -1;
        depth--;
        j++;
      }
    }
  }

  /**
   * i at '{' or '[': the index just past the matching bracket, or -1, without checking anything
   * but strings' ends and bracket depth (for text JSON.parse reads next, which checks the rest).
   * Sets `depth`. Unlike the checks above it may be called at any position, also backwards.
   */
  structuralEnd(i: number): number {
    const text = this.text;
    let depth = 0;
    let max = 0;
    for (let j = i; j < text.length; j++) {
      const d = text.charCodeAt(j);
      if (d === QUOTE) {
        let q = j;
        for (;;) {
          q = text.indexOf('"', q + 1);
          if (q < 0) return -1;
          let k = q - 1;
          while (text.charCodeAt(k) === BACKSLASH) k--;
          if ((q - 1 - k) % 2 === 0) break;
        }
        j = q;
      } else if (d === LBRACE || d === LBRACKET) {
        if (++depth > max) max = depth;
      } else if (d === RBRACE || d === RBRACKET) {
        if (--depth === 0) {
          this.depth = max;
          return j + 1;
        }
      }
    }
    return -1;
  }

  /** j at a member's key: the start of its value, or -1. */
  private member(j: number): number {
    const text = this.text;
    if (text.charCodeAt(j) !== QUOTE) return -1;
    const e = this.stringEnd(j);
    if (e < 0) return -1;
    j = e + 1;
    if (text.charCodeAt(j) !== COLON) {
      j = skipSpace(text, j);
      if (text.charCodeAt(j) !== COLON) return -1;
    }
    j++;
    return text.charCodeAt(j) <= 0x20 ? skipSpace(text, j) : j;
  }
}

export interface JsonMeasure {
  /** Top-level values (more than one: JSON lines or concatenated values). */
  values: number;
  /**
   * An upper bound of the places a record can be (eventFile.ts's slots): top-level values that
   * are not arrays, the elements of top-level arrays, and the elements of the "Records", "Events"
   * and "logEvents" arrays of the objects among those (an object holding such an array counts
   * for its elements, not itself). Arrays directly inside a top-level array hold no record, but
   * JSON.parse would build their elements: those count too.
   */
  slots: number;
  /** The deepest nesting. */
  depth: number;
}

/** The keys whose arrays hold the slots of an item (eventFile.ts CONTAINER_MEMBER), quoted. */
const CONTAINER_KEYS = ['"Records"', '"Events"', '"logEvents"'];

function isContainerKey(text: string, start: number, end: number): boolean {
  if (start < 0) return false;
  const key = text.slice(start, end);
  // An escaped key may spell one of them (JSON.parse decodes it): counted, to stay a bound.
  return CONTAINER_KEYS.includes(key) || key.includes('\\');
}

/**
 * One pass over a whole text, before JSON.parse: how many records it can hold at most and how
 * deep it nests. Only strings' ends and brackets are looked at (JSON.parse, which comes next,
 * checks the rest and says what is wrong), so this costs a fraction of the parse. Undefined when
 * the brackets do not balance or a string is not closed.
 */
export function measureJson(text: string): JsonMeasure | undefined {
  let values = 0;
  let slots = 0;
  let depth = 0;
  let max = 0;
  // Per open container at depths 1-3 (index = depth inside it):
  const isArray = new Uint8Array(4);
  const counted = new Uint8Array(4); // its elements count as slots
  const item = new Uint8Array(4); // an object counted as a slot, until a container array in it has an element
  let keyStart = -1; // the last string at depths 1-2: in an object, the key of the value that follows
  let keyEnd = -1;
  let opened = false; // a container was just opened: the next token is its first element or its end
  for (let j = 0; j < text.length; j++) {
    const c = text.charCodeAt(j);
    if (c <= 0x20) continue;
    if (opened) {
      opened = false;
      if (c !== RBRACE && c !== RBRACKET && depth <= 3 && counted[depth]) {
        slots++;
        if (depth >= 2 && !isArray[depth - 1] && item[depth - 1]) {
          item[depth - 1] = 0;
          slots--; // the object holding this array is a container, not a record
        }
      }
    }
    if (c === QUOTE) {
      let q = j;
      for (;;) {
        q = text.indexOf('"', q + 1);
        if (q < 0) return undefined;
        let k = q - 1;
        while (text.charCodeAt(k) === BACKSLASH) k--;
        if ((q - 1 - k) % 2 === 0) break;
      }
      if (depth === 0) {
        values++;
        slots++;
      } else if (depth <= 2) {
        keyStart = j;
        keyEnd = q + 1;
      }
      j = q;
    } else if (c === LBRACE || c === LBRACKET) {
      const array = c === LBRACKET;
      if (depth === 0) {
        values++;
        if (!array) slots++;
      }
      const parent = depth;
      if (++depth > max) max = depth;
      if (depth <= 3) {
        isArray[depth] = array ? 1 : 0;
        const inArray = parent > 0 && isArray[parent] === 1;
        counted[depth] =
          array &&
          (depth === 1 ||
            (depth === 2 && inArray) ||
            (!inArray && isContainerKey(text, keyStart, keyEnd)))
            ? 1
            : 0;
        // An object that is a top-level value, or an element of a top-level array, is an item.
        item[depth] = !array && (depth === 1 || (depth === 2 && inArray)) ? 1 : 0;
      }
      opened = true;
    } else if (c === RBRACE || c === RBRACKET) {
      if (depth === 0) return undefined;
      depth--;
    } else if (c === COMMA) {
      if (depth <= 3 && counted[depth]) slots++;
    } else if (depth === 0) {
      // A literal at the top level: one value, up to the next delimiter.
      values++;
      slots++;
      while (j + 1 < text.length && !/[\s,{}[\]"]/.test(text[j + 1])) j++;
    }
  }
  if (depth !== 0) return undefined;
  return { values, slots, depth: max };
}

/**
 * True when a parsed value nests deeper than `limit`. It recurses, but never more than `limit`
 * levels: it stops as soon as it has gone too deep, so any depth of input is safe.
 */
export function deeperThan(value: unknown, limit = MAX_JSON_DEPTH): boolean {
  return typeof value === 'object' && value !== null && deeper(value, limit);
}

function deeper(v: object, room: number): boolean {
  if (room === 0) return true;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const e: unknown = v[i];
      if (typeof e === 'object' && e !== null && deeper(e, room - 1)) return true;
    }
    return false;
  }
  for (const k in v) {
    const e = (v as Record<string, unknown>)[k];
    if (typeof e === 'object' && e !== null && deeper(e, room - 1)) return true;
  }
  return false;
}

/**
 * Where a JSON or JSONC text first nests deeper than `limit`, or -1 (strings and comments are
 * skipped; nothing else is checked). For readers that recurse over a whole document, such as
 * jsonc-parser's parseTree.
 */
export function depthExceededAt(text: string, limit = MAX_JSON_DEPTH): number {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      for (i++; i < text.length; i++) {
        const d = text.charCodeAt(i);
        if (d === BACKSLASH) i++;
        else if (d === QUOTE || d === 0x0a) break;
      }
    } else if (c === 0x2f && text.charCodeAt(i + 1) === 0x2f) {
      const nl = text.indexOf('\n', i);
      i = nl < 0 ? text.length : nl;
    } else if (c === 0x2f && text.charCodeAt(i + 1) === 0x2a) {
      const close = text.indexOf('*/', i + 2);
      i = close < 0 ? text.length : close + 1;
    } else if (c === LBRACE || c === LBRACKET) {
      if (++depth > limit) return i;
    } else if (c === RBRACE || c === RBRACKET) {
      if (depth > 0) depth--;
    }
  }
  return -1;
}

/**
 * A JSON.parse error message without the text it quotes: V8 puts the first characters of the
 * input in its messages ('Unexpected token 'd', "[default]\na"... is not valid JSON'), and a file
 * that is not CloudTrail may hold secrets. At most the one offending character is kept.
 */
export function jsonErrorText(e: unknown): string {
  const message = e instanceof Error ? e.message : String(e);
  return message
    .replace(/,\s*(\.\.\.)?"[\s\S]*"(\.\.\.)?\s+is not valid JSON\s*$/, '')
    .replace(
      /^Unexpected token '([\s\S])'/u,
      (_, ch: string) =>
        `Unexpected token '${ch < ' ' || ch === '\u007f' ? JSON.stringify(ch).slice(1, -1) : ch}'`,
    );
}
