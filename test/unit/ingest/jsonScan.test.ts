// The validating skip must accept exactly what JSON.parse accepts: every valid text, every
// mutation of one that JSON.parse rejects, and the invalid-JSON fixtures.
import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { mutations, parseAccepts, SAMPLES } from './jsonMutations';
import {
  deeperThan,
  depthExceededAt,
  JsonCursor,
  jsonErrorText,
  measureJson,
  skipSpace,
} from '../../../src/core/ingest/jsonScan';

const INVALID_DIR = join(__dirname, '../../fixtures/hostile-input/invalid-json');

/** One JSON value and nothing else, as JsonCursor reads it. */
function cursorAccepts(text: string): boolean {
  const cursor = new JsonCursor(text);
  const end = cursor.skipValue(skipSpace(text, 0));
  return end >= 0 && skipSpace(text, end) === text.length;
}

describe('JsonCursor: as strict as JSON.parse', () => {
  it('accepts the samples and agrees with JSON.parse on 6,000 one-character mutations of them', () => {
    for (const sample of SAMPLES) assert.ok(cursorAccepts(sample), sample);
    let rejected = 0;
    for (const [n, text] of mutations(6000, 20).entries()) {
      const expected = parseAccepts(text);
      if (!expected) rejected++;
      assert.equal(cursorAccepts(text), expected, `mutation ${n}: ${JSON.stringify(text)}`);
    }
    assert.ok(rejected > 2000, `${rejected} of the mutations are invalid JSON`);
  });

  it('rejects every file of the invalid-JSON fixtures', () => {
    const files = readdirSync(INVALID_DIR);
    assert.ok(files.length >= 20);
    for (const f of files) {
      const text = readFileSync(join(INVALID_DIR, f), 'utf8');
      assert.throws(() => JSON.parse(text), SyntaxError, `${f} is invalid JSON`);
      assert.equal(cursorAccepts(text), false, f);
    }
  });

  it('measures depth and bounds the records of every shape (brackets and strings only)', () => {
    assert.equal(measureJson('{"a":[1}'), undefined, 'unbalanced');
    assert.equal(measureJson('{"a":"unterminated}'), undefined);
    assert.equal(measureJson('1 "x" true')!.slots, 3);
    const records = '{"Records":[{"a":[1,2]},{"b":{"c":1}},{}]}';
    const m = measureJson(records)!;
    assert.equal(m.depth, 4);
    assert.equal(m.slots, 3);
    assert.equal(measureJson('[{"a":1},{"b":2},{},{}]')!.slots, 4);
    assert.equal(measureJson('{"a":1}\n{"b":{"c":[1,2,3]}}\n{}\n')!.slots, 3);
    assert.equal(measureJson(`[${'{},'.repeat(99_999)}{}]`)!.slots, 100_000);
    // Every shape parseEventFile reads: the bound is never below the slots it counts.
    const shapes: Record<string, string> = {
      'concatenated logs': '{"Records":[{},{}]}{"Records":[{},{},{}]}',
      'an array of logs': '[{"Records":[{},{}]},{"Records":[{}]}]',
      'lookup-events outputs':
        '{"Events":[{"CloudTrailEvent":"{}"},{"CloudTrailEvent":"{}"}]}\n{"Events":[{"CloudTrailEvent":"{}"}]}',
      'Firehose payloads':
        '{"messageType":"DATA_MESSAGE","logEvents":[{"message":"{}"},{"message":"{}"}]}{"messageType":"DATA_MESSAGE","logEvents":[{"message":"{}"}]}',
      'EventBridge events':
        '[{"detail-type":"x","detail":{"a":[1,2,3]}},{"detail-type":"x","detail":{}}]',
      'lines of arrays': '[{},{}]\n[{}]',
      'an escaped key': '{"Rec\\u006frds":[{},{},{}]}',
      'logEvents without messageType': '{"logEvents":[],"eventName":"x"}',
    };
    const slots: Record<string, number> = {
      'concatenated logs': 5,
      'an array of logs': 3,
      'lookup-events outputs': 3,
      'Firehose payloads': 3,
      'EventBridge events': 2,
      'lines of arrays': 3,
      'an escaped key': 3,
      'logEvents without messageType': 1,
    };
    for (const [shape, text] of Object.entries(shapes))
      assert.equal(measureJson(text)!.slots, slots[shape], shape);
    // Arrays in a top-level array hold no record, but JSON.parse would build their elements.
    assert.equal(measureJson(`[[${'{},'.repeat(999)}{}]]`)!.slots, 1001);
  });

  it('finds values nested too deep without recursion, at any depth', () => {
    const nested = (d: number) => JSON.parse('['.repeat(d) + ']'.repeat(d)) as unknown;
    assert.equal(deeperThan(nested(512)), false);
    assert.equal(deeperThan(nested(513)), true);
    assert.equal(deeperThan(nested(100_000)), true);
    assert.equal(deeperThan({ a: [{ b: nested(510) }] }), true);
    assert.equal(deeperThan({ a: [{ b: nested(509) }] }), false);
    // JSONC (comments, strings with brackets) for the readers that recurse over documents.
    assert.equal(depthExceededAt('// [[[\n{"a":"[[[[", /* [[[[ */ "b":[[1]]}', 3), -1);
    assert.equal(depthExceededAt('{"a":[[[1]]]}', 3), 7);
  });

  it('never repeats the text V8 quotes in its parse errors', () => {
    const secret = 'aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
    for (const text of [
      secret,
      `[default]\n${secret}`,
      `{"a":1}${secret}`,
      `\u001b]0;x\u0007${secret}`,
    ]) {
      try {
        JSON.parse(text);
        assert.fail('parsed');
      } catch (e) {
        const shown = jsonErrorText(e);
        assert.ok(!/wJalr|aws_secret|\[default/.test(shown), shown);
        assert.ok(!/[\u0000-\u001f]/.test(shown), shown);
        assert.ok(shown.length < 80, shown);
      }
    }
  });
});
