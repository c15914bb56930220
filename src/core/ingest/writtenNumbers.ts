// A record read as JSON.parse reads it, except that a number a double would not print back as
// written (1E2, 3600.0, -0, 12345678901234567890, 1e400) is kept as its text (index/schema.ts
// WrittenNumber). The index's reference path (BatchBuilder.addRecord) reads a record again
// with it when an indexed field holds a number, so that it keeps what the fast scanner keeps
// from the text: the number as written. Rare (CloudTrail writes no indexed field as a number),
// so it is plain rather than fast.
import { numberOfLiteral } from '../index/schema';
import { JsonCursor, skipSpace } from './jsonScan';

/**
 * The value of `text`, which JSON.parse accepts (it is read first): objects, arrays, strings and
 * literals as JSON.parse makes them (the last of keys named twice, `__proto__` an own key),
 * numbers through numberOfLiteral. Throws on text JSON.parse refuses.
 */
export function parseKeepingWrittenNumbers(text: string): unknown {
  const cur = new JsonCursor(text);
  const [value, end] = readValue(cur, skipSpace(text, 0));
  if (skipSpace(text, end) !== text.length) throw new SyntaxError('text after the JSON value');
  return value;
}

function readValue(cur: JsonCursor, i: number): [unknown, number] {
  const text = cur.text;
  const c = text.charCodeAt(i);
  if (c === 0x22) return readString(cur, i);
  if (c === 0x7b) {
    const object: Record<string, unknown> = {};
    i = skipSpace(text, i + 1);
    if (text.charCodeAt(i) === 0x7d) return [object, i + 1];
    for (;;) {
      const [key, keyEnd] = readString(cur, i);
      i = skipSpace(text, keyEnd);
      if (text.charCodeAt(i) !== 0x3a) throw new SyntaxError(`expected ":" at ${i}`);
      const [v, end] = readValue(cur, skipSpace(text, i + 1));
      // As JSON.parse defines it: an own data property, `__proto__` included.
      Object.defineProperty(object, key, {
        value: v,
        writable: true,
        enumerable: true,
        configurable: true,
      });
      i = skipSpace(text, end);
      const d = text.charCodeAt(i);
      if (d === 0x7d) return [object, i + 1];
      if (d !== 0x2c) throw new SyntaxError(`expected "," or "}" at ${i}`);
      i = skipSpace(text, i + 1);
    }
  }
  if (c === 0x5b) {
    const array: unknown[] = [];
    i = skipSpace(text, i + 1);
    if (text.charCodeAt(i) === 0x5d) return [array, i + 1];
    for (;;) {
      const [v, end] = readValue(cur, i);
      array.push(v);
      i = skipSpace(text, end);
      const d = text.charCodeAt(i);
      if (d === 0x5d) return [array, i + 1];
      if (d !== 0x2c) throw new SyntaxError(`expected "," or "]" at ${i}`);
      i = skipSpace(text, i + 1);
    }
  }
  const end = cur.literalEnd(i);
  if (end < 0) throw new SyntaxError(`not a JSON value at ${i}`);
  const literal = text.slice(i, end);
  if (literal === 'true') return [true, end];
  if (literal === 'false') return [false, end];
  if (literal === 'null') return [null, end];
  return [numberOfLiteral(literal), end];
}

function readString(cur: JsonCursor, i: number): [string, number] {
  const text = cur.text;
  if (text.charCodeAt(i) !== 0x22) throw new SyntaxError(`expected a string at ${i}`);
  const end = cur.stringEnd(i);
  if (end < 0) throw new SyntaxError(`not a JSON string at ${i}`);
  const s = text.slice(i + 1, end);
  return [s.includes('\\') ? (JSON.parse(text.slice(i, end + 1)) as string) : s, end + 1];
}
