import * as assert from 'node:assert/strict';
import { QuerySyntaxError } from '../../../src/core/query/ast';
import { parseQuery } from '../../../src/core/query/parse';

function syntaxError(query: string): QuerySyntaxError {
  try {
    parseQuery(query);
  } catch (e) {
    assert.ok(e instanceof QuerySyntaxError, `expected a QuerySyntaxError, got ${String(e)}`);
    return e;
  }
  assert.fail(`expected ${JSON.stringify(query)} to be rejected`);
}

interface Expected {
  offset: number;
  length?: number;
  expected: string[];
  message: string;
}

function rejects(query: string, want: Expected): void {
  const e = syntaxError(query);
  assert.equal(
    e.offset,
    want.offset,
    `offset of the error in ${JSON.stringify(query)}: ${e.message}`,
  );
  assert.equal(e.column, want.offset + 1);
  if (want.length !== undefined) assert.equal(e.length, want.length);
  assert.deepEqual(e.expected, want.expected);
  assert.equal(e.message, want.message);
  assert.ok(e.message.startsWith(`col ${want.offset + 1}: `));
}

describe('query parser: syntax errors', () => {
  it('names a field with no value, at the place the value should be', () => {
    rejects('eventName:', {
      offset: 10,
      length: 0,
      expected: ['a value'],
      message: 'col 11: expected a value after "eventName:"',
    });
    rejects('eventName: ', {
      offset: 11,
      expected: ['a value'],
      message: 'col 12: expected a value after "eventName:"',
    });
    rejects('(eventName:)', {
      offset: 11,
      length: 1,
      expected: ['a value'],
      message: 'col 12: expected a value after "eventName:"',
    });
    rejects('eventName: AND x', {
      offset: 11,
      expected: ['a value'],
      message: 'col 12: expected a value after "eventName:"',
    });
    rejects('eventTime>=', {
      offset: 11,
      expected: ['a value'],
      message: 'col 12: expected a value after "eventTime>="',
    });
  });

  it('points at the opening parenthesis that is never closed', () => {
    rejects('a (b OR (c)', {
      offset: 2,
      length: 1,
      expected: ['")"'],
      message: 'col 3: unclosed "(": expected ")" to close the group opened here',
    });
    rejects('(', {
      offset: 0,
      expected: ['")"'],
      message: 'col 1: unclosed "(": expected ")" to close the group opened here',
    });
    rejects('eventName:(a OR b', {
      offset: 10,
      expected: ['")"'],
      message: 'col 11: unclosed "(": expected ")" to close the group opened here',
    });
  });

  it('points at a closing parenthesis without an opening one', () => {
    rejects('a) b', {
      offset: 1,
      length: 1,
      expected: ['a term', 'end of query'],
      message: 'col 2: unexpected ")" without a matching "("',
    });
    rejects(')', {
      offset: 0,
      expected: ['a term'],
      message: 'col 1: unexpected ")": expected a term',
    });
  });

  it('rejects empty parentheses', () => {
    rejects('a ()', {
      offset: 3,
      expected: ['a term'],
      message: 'col 4: expected a term inside "()"',
    });
    rejects('eventName:( )', {
      offset: 12,
      expected: ['a value'],
      message: 'col 13: expected a value inside "()"',
    });
  });

  it('points at the opening quote that is never closed', () => {
    rejects('eventName:"Create', {
      offset: 10,
      length: 1,
      expected: ['"'],
      message: 'col 11: unclosed quote: expected a closing " for the quote opened here',
    });
    rejects('a "b \\"', {
      offset: 2,
      expected: ['"'],
      message: 'col 3: unclosed quote: expected a closing " for the quote opened here',
    });
  });

  it('names dangling operators', () => {
    rejects('a AND', {
      offset: 5,
      length: 0,
      expected: ['a term'],
      message: 'col 6: expected a term after "AND"',
    });
    rejects('a OR', {
      offset: 4,
      expected: ['a term'],
      message: 'col 5: expected a term after "OR"',
    });
    rejects('NOT', {
      offset: 3,
      expected: ['a term'],
      message: 'col 4: expected a term after "NOT"',
    });
    rejects('a AND OR b', {
      offset: 6,
      length: 2,
      expected: ['a term'],
      message: 'col 7: expected a term after "AND"',
    });
    rejects('(a OR) b', {
      offset: 5,
      expected: ['a term'],
      message: 'col 6: expected a term after "OR"',
    });
    rejects('OR b', {
      offset: 0,
      length: 2,
      expected: ['a term'],
      message: 'col 1: expected a term before "OR"',
    });
    rejects('AND b', {
      offset: 0,
      length: 3,
      expected: ['a term'],
      message: 'col 1: expected a term before "AND"',
    });
    rejects('a - b', {
      offset: 2,
      expected: ['a term'],
      message: 'col 3: expected a term right after "-" (no space between)',
    });
    rejects('a -', {
      offset: 2,
      expected: ['a term'],
      message: 'col 3: expected a term right after "-" (no space between)',
    });
  });

  it('requires an ISO date for comparisons on time fields', () => {
    rejects('eventTime>=notadate', {
      offset: 11,
      length: 8,
      expected: ['an ISO date'],
      message:
        'col 12: expected an ISO date like 2024-05-14 or 2024-05-14T10:00:00Z after "eventTime>=" (comparisons on time fields need an ISO date)',
    });
    rejects('x time<2024-13-01', {
      offset: 7,
      expected: ['an ISO date'],
      message:
        'col 8: expected an ISO date like 2024-05-14 or 2024-05-14T10:00:00Z after "time<" (comparisons on time fields need an ISO date)',
    });
    // Impossible days are not dates.
    assert.equal(syntaxError('eventTime<2023-02-29').offset, 10);
    assert.equal(syntaxError('eventTime<2024-05-14T24:00').offset, 10);
    // A bare number on a time field is not a date either (a year would be 4 digits).
    assert.equal(syntaxError('eventTime>5').expected[0], 'an ISO date');
  });

  it('requires a number or a date for other comparisons', () => {
    rejects('eventName>abc', {
      offset: 10,
      expected: ['a number or an ISO date'],
      message: 'col 11: expected a number or an ISO date (2024-05-14T10:00:00Z) after "eventName>"',
    });
    rejects('x<5*', {
      offset: 2,
      expected: ['a number or an ISO date'],
      message: 'col 3: wildcards cannot be compared: expected a number or an ISO date after "x<"',
    });
    rejects('x>(1 OR 2)', {
      offset: 2,
      expected: ['a value'],
      message: 'col 3: expected a single value after "x>", not a group',
    });
  });

  it('rejects comparisons on session names', () => {
    rejects('session>5', {
      offset: 0,
      expected: ['a value'],
      message: 'col 1: "session" holds names: use session:value or a wildcard, not a comparison',
    });
  });

  it('rejects a trailing backslash', () => {
    rejects('eventName:abc\\', {
      offset: 13,
      expected: ['a character'],
      message: 'col 14: expected a character after "\\" (write \\\\ for a backslash)',
    });
  });

  it('rejects stars inside free-text words, pointing at the word', () => {
    rejects('x ad*min', {
      offset: 2,
      length: 6,
      expected: ['a field:pattern', 'a word without *'],
      message:
        'col 3: free text is a substring search: "*" only works in field:pattern (write \\* for a literal star)',
    });
  });

  it('rejects absurd nesting with a clear error instead of overflowing the stack', () => {
    const deep = '('.repeat(5000) + 'a' + ')'.repeat(5000);
    const e = syntaxError(deep);
    assert.match(e.message, /nests parentheses or NOTs more than 256 deep/);
    assert.equal(syntaxError('NOT '.repeat(5000) + 'a').expected[0], 'fewer nested groups');
    assert.equal(syntaxError('-'.repeat(5000) + 'a').expected[0], 'fewer nested groups');
    assert.deepEqual(parseQuery('('.repeat(200) + 'a' + ')'.repeat(200)), {
      kind: 'text',
      text: 'a',
      start: 200,
      end: 201,
    });
  });

  it('parses long flat queries (no recursion per term)', () => {
    const terms = Array.from({ length: 20000 }, (_, i) => `eventName:E${i}`).join(' OR ');
    const ast = parseQuery(terms);
    assert.equal(ast.kind === 'or' && ast.children.length, 20000);
  });

  it('counts columns in UTF-16 units, as editors do', () => {
    assert.equal(syntaxError('é😀 a AND').offset, 9);
  });

  it('is an Error with name QuerySyntaxError', () => {
    const e = syntaxError('(');
    assert.ok(e instanceof Error);
    assert.equal(e.name, 'QuerySyntaxError');
  });
});
