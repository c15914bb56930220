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

  it('reads every whole line of JSON lines with damaged lines, each damaged line skipped with where and why', () => {
    const lines = [rec('L1'), rec('L2'), rec('L3'), rec('L4')];
    // The copy stopped in the last line.
    let text = `${lines.join('\n')}\n${rec('L5').slice(0, 16)}`;
    let p = parseEventFile(text);
    assert.equal(p.shape, 'damaged lines');
    assert.deepEqual(
      p.records.map((r) => r.eventName),
      ['L1', 'L2', 'L3', 'L4'],
    );
    assert.equal(p.skipped, 1);
    assert.deepEqual(p.warnings, [
      'line 5, column 17 is truncated JSON: the line ends in the middle of a value; skipped',
    ]);
    assert.deepEqual(p.notes, []);
    assert.deepEqual(recordTexts(text, p.shape, p.elements), lines);

    // Garbage in the middle (balanced, and not), lines that are JSON but not an object, a
    // damaged line that would hold several slots, CRLF and blank lines.
    const middle = [
      lines[0],
      '{"eventVersion":"1.08", garbage}',
      '42',
      lines[1],
      '"x"',
      '[]', // an array stands for its elements: this one holds none, so nothing is skipped
      'null',
      `{"Records":[${lines[2]},{"eventName":"cut`,
      '\u0000\u0000\u0000',
      '',
      lines[2],
      `[${lines[3]},${lines[0]}]`,
    ];
    text = middle.join('\r\n');
    p = parseEventFile(text);
    assert.equal(p.shape, 'damaged lines');
    assert.deepEqual(
      p.records.map((r) => r.eventName),
      ['L1', 'L2', 'L3', 'L4', 'L1'],
    );
    assert.equal(p.skipped, 6);
    assert.deepEqual(p.warnings, [
      'line 2, column 25 is invalid JSON: unexpected character (found "g"); skipped',
      'line 3 is a JSON number, not a record; skipped',
      'line 5 is a JSON string, not a record; skipped',
      'line 7 is a JSON null, not a record; skipped',
      'line 8, column 102 is truncated JSON: the line ends in the middle of a value; skipped',
      '… more skipped',
    ]);
    // The raw text of each record is its line's, whatever the damaged lines before it hold.
    assert.deepEqual(recordTexts(text, p.shape, p.elements), [
      lines[0],
      lines[1],
      lines[2],
      lines[3],
      lines[0],
    ]);
    // The file's notes are as for whole JSON lines.
    const events = [1, 2, 3].map((i) =>
      JSON.stringify({ EventId: `e${i}`, CloudTrailEvent: rec(`E${i}`) }),
    );
    p = parseEventFile(`${events.join('\n')}\n{"EventId":"e4","Cloud`);
    assert.deepEqual(p.notes, [
      "3 lookup-events Event objects, one per line: each record is the Event's CloudTrailEvent",
    ]);
    assert.equal(p.skipped, 1);
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

describe('event files: keys named more than once', () => {
  // ConsoleLogin as written, DeleteTrail as JSON.parse (and so the index) reads it.
  const twice = rec('ConsoleLogin', ',"eventName":"DeleteTrail"');
  const plain = rec('GetObject');
  const found = (text: string) => {
    const p = parseEventFile(text);
    return { records: p.repeatedKeys, items: p.repeatedItemKeys };
  };

  it('names each record that names a key twice, with its slot and line, whatever the shape', () => {
    const one = [{ element: 1, line: 2, paths: ['eventName'] }];
    assert.deepEqual(
      found(`${plain}
${twice}

${plain}`),
      {
        records: [{ element: 1, line: 2, paths: ['eventName'] }],
        items: [],
      },
    );
    assert.deepEqual(
      found(`[${plain},
${twice}]`).records,
      one,
    );
    assert.deepEqual(
      found(`{"Records":[${plain},
${twice}]}`).records,
      one,
    );
    assert.deepEqual(found(twice).records, [{ element: 0, line: 1, paths: ['eventName'] }]);
    // JSON lines with a damaged line: each whole line is read on its own.
    assert.deepEqual(
      found(`${plain}
{"eventName":"cut
${twice}
${plain}`).records,
      [{ element: 2, line: 3, paths: ['eventName'] }],
    );
    // A record written as a string (lookup-events, CloudWatch Logs): the string's keys.
    const lookup = JSON.stringify({
      Events: [{ CloudTrailEvent: plain }, { CloudTrailEvent: twice }],
    });
    assert.deepEqual(found(lookup).records, [{ element: 1, line: 1, paths: ['eventName'] }]);
    const logs = JSON.stringify({
      messageType: 'DATA_MESSAGE',
      logEvents: [{ message: twice }],
    });
    assert.deepEqual(found(logs).records, [{ element: 0, line: 1, paths: ['eventName'] }]);
    // Nested keys, with their paths; a record named no key twice is not listed.
    assert.deepEqual(
      found(`${plain}
${rec('X', ',"userIdentity":{"arn":"a","arn":"b"}')}`).records,
      [{ element: 1, line: 2, paths: ['userIdentity.arn'] }],
    );
    assert.deepEqual(
      found(`${plain}
${plain}`),
      { records: [], items: [] },
    );
  });

  it('names an object holding records that names their member twice (JSON.parse reads only the last)', () => {
    const cases: [string, { line: number; key: string }[], string[]][] = [
      [
        `{"Records":[${twice}],
"Records":[${plain}]}`,
        [{ line: 1, key: 'Records' }],
        ['GetObject'],
      ],
      [
        JSON.stringify({ Events: [{ CloudTrailEvent: twice }] }).replace(
          '}]}',
          `}],"Events":[{"CloudTrailEvent":${JSON.stringify(plain)}}]}`,
        ),
        [{ line: 1, key: 'Events' }],
        ['GetObject'],
      ],
      [
        `${plain}
{"CloudTrailEvent":${JSON.stringify(twice)},"CloudTrailEvent":${JSON.stringify(plain)}}`,
        [{ line: 2, key: 'CloudTrailEvent' }],
        ['GetObject', 'GetObject'],
      ],
      [
        `${plain}
{"detail-type":"AWS API Call via CloudTrail","detail":${twice},"detail":${plain}}`,
        [{ line: 2, key: 'detail' }],
        ['GetObject', 'GetObject'],
      ],
    ];
    for (const [text, items, names] of cases) {
      const p = parseEventFile(text);
      assert.deepEqual(p.repeatedItemKeys, items, text);
      assert.deepEqual(p.repeatedKeys, [], text);
      assert.deepEqual(
        p.records.map((r) => r.eventName),
        names,
        text,
      );
    }
    // A record's own keys are the record's, whatever their name.
    assert.deepEqual(found(rec('A', ',"detail":{},"detail":{}')), {
      records: [{ element: 0, line: 1, paths: ['detail'] }],
      items: [],
    });
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
  it('JSON lines most of whose lines are damaged, at the first line that breaks (not at line 2 whatever the line)', () => {
    const lines = [rec('A'), rec('B')].join('\n');
    const junk = ['{broken}', 'more junk', rec('D').slice(0, 20)].join('\n');
    fails(`${lines}\n${junk}`, 'bad-json', /property name/, [3, 2]);
    fails(`${lines}\n42\n${junk}\n]`, 'bad-json', /after the JSON value/, [3, 1]);
    // A line is never the one record of a file made of broken lines.
    fails(`x\n${rec('A')}\ny\nz`, 'bad-json', /unexpected character/, [1, 1]);
  });
  it('JSON lines none of whose whole lines is a record', () =>
    fails(`{"a":1}\n{"b":2}\n{"c":`, 'bad-json', /^truncated JSON/, [3, 6]));
  it('a text file, and a truncated pretty-printed log file: not JSON lines with damaged lines', () => {
    fails('line one\nline two {}\n[x]\n', 'bad-json', /unexpected character/, [1, 1]);
    const pretty = JSON.stringify(
      { Records: [JSON.parse(rec('A')), JSON.parse(rec('B'))] },
      null,
      2,
    );
    fails(pretty.slice(0, -30), 'bad-json', /^truncated JSON: the file ends/);
    // Even with records that fit on a line each, as jq -c '.Records[]'-like output inside one.
    const compact = `{"Records":[\n${rec('A')},\n${rec('B')},\n${rec('C')}`;
    fails(compact, 'bad-json', /^truncated JSON: the file ends/);
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
  it('an array broken by a closing brace where an element should be, read in bounded time', () => {
    // The raw-text walk of a damaged line once stood still at the '}' and grew its list of
    // elements until the worker ran out of memory: one 13-byte file failed the whole load.
    fails('{"Records":[}', 'bad-json', /^invalid JSON/);
    fails('[}', 'bad-json', /^invalid JSON/);
    const text = [rec('A'), '{"Records":[1}', rec('B')].join('\n');
    const parsed = parseEventFile(text);
    assert.deepEqual(
      parsed.records.map((r) => r.eventName),
      ['A', 'B'],
    );
    assert.match(parsed.warnings.join('\n'), /line 2, column 14 is invalid JSON/);
    assert.deepEqual(recordTexts(text, parsed.shape, [0, 2]), [rec('A'), rec('B')]);
  });
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

describe('event files: every short damaged text', () => {
  // Every text of up to 3 characters of JSON's punctuation (and a digit, a letter, a line break),
  // alone and inside the shapes a file takes: each is read or refused with an EventFileError, in
  // bounded time, and its records' texts are found again. The raw-text walk of a damaged line
  // once stood still on '{"Records":[}' and grew a list until the process ran out of memory.
  const ALPHABET = ['{', '}', '[', ']', '"', ':', ',', '1', 'a', '\n'];
  const one = rec('A');
  const shapes = [
    (s: string) => s,
    (s: string) => `{"Records":[${s}]}`,
    (s: string) => `{"Records":[${one},${s}]}`,
    (s: string) => `{"Records":[${s}`,
    (s: string) => `${one}\n${s}\n${one}`,
    (s: string) => `[${one},${s}]`,
  ];
  it('is read or refused, never a crash or a stall', function () {
    this.timeout(120_000);
    let texts = [''];
    let tried = 0;
    for (let length = 1; length <= 3; length++) {
      texts = texts.flatMap((t) => ALPHABET.map((c) => t + c));
      for (const s of texts)
        for (const shape of shapes) {
          const text = shape(s);
          tried++;
          let parsed;
          try {
            parsed = parseEventFile(text);
          } catch (e) {
            assert.ok(e instanceof EventFileError, `${JSON.stringify(text)}: ${String(e)}`);
            continue;
          }
          const texts = recordTexts(
            text,
            parsed.shape,
            parsed.records.map((_, i) => i),
          );
          assert.equal(texts.length, parsed.records.length, JSON.stringify(text));
        }
    }
    assert.equal(tried, 6 * (10 + 100 + 1000));
  });
});
