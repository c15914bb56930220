import * as assert from 'node:assert/strict';
import {
  EventFileError,
  parseEventFile,
  recordTexts,
  singleLineJson,
} from '../../../src/core/ingest/eventFile';

const rec = (name: string, extra = '') =>
  `{"eventVersion":"1.08","eventTime":"2024-05-14T10:0${name.length % 10}:00Z","eventName":"${name}"${extra}}`;

describe('event files: shapes', () => {
  it('reads {"Records":[…]} and returns each record\'s exact text', () => {
    const a = rec('A', ',"note":"x\\"y"');
    const b = rec('Bb');
    const text = `{"Records":[${a},\n  ${b}]}`;
    const p = parseEventFile(text);
    assert.equal(p.shape, 'records');
    assert.deepEqual(
      p.records.map((r) => r.eventName),
      ['A', 'Bb'],
    );
    assert.deepEqual(recordTexts(text, p.shape, [1, 0]), [b, a]);
  });

  it('finds Records after other members and skips non-object elements with a warning', () => {
    const a = rec('A');
    const text = `{"meta":{"Records":[1,2]},"Records":[7, ${a}, "str"]}`;
    const p = parseEventFile(text);
    assert.equal(p.records.length, 1);
    assert.deepEqual(p.elements, [1]);
    assert.equal(p.skipped, 2);
    assert.equal(p.warnings[0], 'record 0 is a JSON number, not a record; skipped');
    assert.deepEqual(recordTexts(text, 'records', p.elements), [a]);
  });

  it('reads a pretty-printed JSON array of records', () => {
    const records = [JSON.parse(rec('One')), JSON.parse(rec('Two'))];
    const text = JSON.stringify(records, null, 2);
    const p = parseEventFile(text);
    assert.equal(p.shape, 'array');
    assert.equal(p.records.length, 2);
    const raw = recordTexts(text, 'array', [1]);
    assert.deepEqual(JSON.parse(raw[0]), records[1]);
    assert.equal(singleLineJson(raw[0]), JSON.stringify(records[1]));
  });

  it('reads JSON lines, also with blank lines and CRLF', () => {
    const lines = [rec('L1'), rec('L2'), rec('L3')];
    const text = lines.join('\r\n\r\n') + '\r\n';
    const p = parseEventFile(text);
    assert.equal(p.shape, 'lines');
    assert.deepEqual(
      p.records.map((r) => r.eventName),
      ['L1', 'L2', 'L3'],
    );
    assert.deepEqual(recordTexts(text, 'lines', [2, 0]), [lines[2], lines[0]]);
  });

  it('reads one record on its own', () => {
    const p = parseEventFile(rec('Solo'));
    assert.equal(p.shape, 'single');
    assert.equal(p.records[0].eventName, 'Solo');
  });

  it('reads aws cloudtrail lookup-events output; the raw text is the CloudTrailEvent string', () => {
    const inner = rec('ConsoleLogin');
    const text = JSON.stringify(
      {
        Events: [
          { EventId: 'x', EventName: 'ConsoleLogin', CloudTrailEvent: inner },
          { EventId: 'y', CloudTrailEvent: '{not json' },
        ],
        NextToken: 't',
      },
      null,
      4,
    );
    const p = parseEventFile(text);
    assert.equal(p.shape, 'single');
    assert.equal(p.records.length, 1);
    assert.equal(p.skipped, 1);
    assert.deepEqual(recordTexts(text, p.shape, p.elements), [inner]);
  });

  it('accepts records whose keys are spelt in another case', () => {
    const p = parseEventFile(
      `${rec('A')}\n{"eventname":"lower","eventtime":"2024-05-14T10:00:00Z"}\n{"other":1}`,
    );
    assert.equal(p.records.length, 2);
    assert.equal(p.skipped, 1);
  });
});

describe('event files: what is not one', () => {
  const fails = (
    text: string,
    code: string,
    message: RegExp,
    position?: [line: number, column: number],
  ) => {
    assert.throws(
      () => parseEventFile(text),
      (e: unknown) =>
        e instanceof EventFileError &&
        e.code === code &&
        message.test(e.message) &&
        (!position || (e.position?.line === position[0] && e.position.column === position[1])),
    );
  };
  it('a truncated file', () =>
    fails(`{"Records":[${rec('A')},{"eventName":"B","eventTi`, 'bad-json', /truncated JSON/));
  it('invalid JSON, with line and column', () =>
    fails(
      `{"Records":[\n${rec('A')},\n  {eventName: 1}]}`,
      'bad-json',
      /^invalid JSON: expected a property name in double quotes \(found "e"\)$/,
      [3, 4],
    ));
  it('JSON lines, at the line that breaks (not at line 2 whatever the line)', () => {
    const lines = [rec('A'), rec('B'), rec('C')].join('\n');
    fails(`${lines}\n${rec('D').slice(0, 20)}`, 'bad-json', /^truncated JSON/, [4, 17]);
    fails(`${lines}\n{broken}\n${rec('E')}`, 'bad-json', /property name/, [4, 2]);
    fails(`${lines}\n42\n${rec('E')}`, 'bad-json', /after the JSON value/, [4, 1]);
  });
  it('a JSON object that is not CloudTrail', () =>
    fails(
      '{"trailList":[{"Name":"t"}]}',
      'not-cloudtrail',
      /^not CloudTrail: a JSON object without a "Records" array or any field of a CloudTrail record \(keys "trailList"\)$/,
    ));
  it('"Records" that is not an array', () =>
    fails('{"Records":{"a":1}}', 'not-cloudtrail', /not an array/));
  it('an array of other things', () =>
    fails(
      '[{"a":1},{"b":2}]',
      'not-cloudtrail',
      /^not CloudTrail: none of its 2 items is a CloudTrail record/,
    ));
  it('an empty file', () => fails(' \n', 'empty', /empty/));
  it('a JSON scalar', () => fails('42', 'not-cloudtrail', /number/));
});

describe('singleLineJson', () => {
  it('removes line breaks and indentation outside strings only', () => {
    const text = '{\n  "a": "x \\" y\\n  z",\n  "b": [1, 2]\n}';
    assert.equal(singleLineJson(text), '{"a":"x \\" y\\n  z","b":[1,2]}');
    assert.deepEqual(JSON.parse(singleLineJson(text)), JSON.parse(text));
  });
  it('returns one-line JSON untouched', () => {
    const t = '{"a": 1, "b": "c d"}';
    assert.equal(singleLineJson(t), t);
  });
});
