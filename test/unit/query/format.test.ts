import * as assert from 'node:assert/strict';
import { appendTerm, formatField, formatTerm, formatText } from '../../../src/core/query/format';
import { matchesRecord } from '../../../src/core/query/match';
import { parseQuery } from '../../../src/core/query/parse';
import { QueryNode } from '../../../src/core/query/ast';

/** Puts `value` at the dotted `path` of a fresh record. */
function recordWith(path: string, value: unknown): Record<string, unknown> {
  const record: Record<string, unknown> = { eventVersion: '1.08' };
  const keys = path.split('.');
  let at = record;
  for (const key of keys.slice(0, -1)) {
    at[key] = {};
    at = at[key] as Record<string, unknown>;
  }
  at[keys[keys.length - 1]] = value;
  return record;
}

const matches = (q: QueryNode, r: unknown) => matchesRecord(q, r, JSON.stringify(r));

const NASTY = [
  'plain',
  'two words',
  'say "hi"',
  '"',
  '""',
  '\\',
  'C:\\Windows\\',
  'a\\"b',
  'arn:aws:iam::123456789012:role/x',
  'aws:iam',
  '//host/path',
  'https://evil.example/?q=1&a=(b)',
  '(',
  ')',
  '()',
  '(a OR b)',
  '*',
  '**',
  'a*',
  '*a',
  'a\\*',
  '\\*',
  'AND',
  'OR',
  'NOT',
  '-x',
  '-',
  '--',
  '>=5',
  '<script>alert(1)</script>',
  '=',
  ':',
  'a:b',
  ':x',
  '',
  ' leading and trailing ',
  'tab\there\nnewline',
  'José Ñandú',
  'ΟΔΟΣ',
  '日本語',
  '😀 emoji',
  'e\u0301',
  '2024-05-14',
  '2024-05-14T10:00:00Z',
  '1.08',
  '-5',
  'true',
  'null',
];

const FIELDS = [
  'requestParameters.value',
  'eventName',
  'userIdentity.userName',
  'eventTime',
  'requestParameters.we ird:key(1)*',
  '-leading.dash',
];

describe('formatTerm', () => {
  for (const field of FIELDS) {
    it(`round-trips hostile values exactly on ${JSON.stringify(field)}`, () => {
      for (const value of NASTY) {
        const text = formatTerm(field, value);
        let q: QueryNode;
        try {
          q = parseQuery(text);
        } catch (e) {
          assert.fail(`${text} does not parse: ${(e as Error).message}`);
        }
        assert.ok(
          matches(q, recordWith(field, value)),
          `${text} should match ${JSON.stringify(value)}`,
        );
        assert.ok(
          matches(q, recordWith(field, value.toUpperCase())),
          `${text} is case-insensitive`,
        );
        for (const other of [`${value}x`, `x${value}`, value.slice(1), `${value}\\`]) {
          if (other.toLowerCase() === value.toLowerCase()) continue;
          assert.ok(
            !matches(q, recordWith(field, other)),
            `${text} should not match ${JSON.stringify(other)}`,
          );
        }
        assert.ok(
          !matches(q, recordWith('elsewhere', value)),
          `${text} should not match the value in another field`,
        );
        const negated = parseQuery(formatTerm(field, value, { negate: true }));
        assert.ok(!matches(negated, recordWith(field, value)), `negated ${text}`);
        assert.ok(
          matches(negated, recordWith(field, `${value}x`)),
          `negated ${text} keeps other values`,
        );
      }
    });
  }

  it('round-trips random strings of the characters that matter', () => {
    const alphabet = [
      'a',
      'B',
      ' ',
      '"',
      '\\',
      '*',
      '(',
      ')',
      ':',
      '-',
      '<',
      '>',
      '=',
      'é',
      '😀',
      '\t',
      'O',
      'R',
      'N',
      'D',
      'T',
    ];
    let seed = 12345;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let i = 0; i < 500; i++) {
      let value = '';
      const length = Math.floor(random() * 8);
      for (let j = 0; j < length; j++) value += alphabet[Math.floor(random() * alphabet.length)];
      const q = parseQuery(formatTerm('requestParameters.v', value));
      assert.ok(matches(q, recordWith('requestParameters.v', value)), JSON.stringify(value));
      assert.ok(!matches(q, recordWith('requestParameters.v', `${value}a`)), JSON.stringify(value));
    }
  });

  it('writes simple values bare and others quoted', () => {
    assert.equal(formatTerm('eventName', 'CreateUser'), 'eventName:CreateUser');
    assert.equal(formatTerm('sourceIPAddress', '10.0.0.1'), 'sourceIPAddress:10.0.0.1');
    assert.equal(formatTerm('errorMessage', 'Access Denied'), 'errorMessage:"Access Denied"');
    assert.equal(formatTerm('x', 'say "hi" \\'), 'x:"say \\"hi\\" \\\\"');
    assert.equal(
      formatTerm('eventTime', '2024-05-14T10:00:00Z'),
      'eventTime:"2024-05-14T10:00:00Z"',
    );
    assert.equal(formatTerm('eventName', 'CreateUser', { negate: true }), '-eventName:CreateUser');
  });

  it('formats numbers, booleans and null', () => {
    assert.equal(formatTerm('readOnly', true), 'readOnly:true');
    assert.ok(matches(parseQuery(formatTerm('readOnly', false)), { readOnly: false }));
    assert.ok(!matches(parseQuery(formatTerm('readOnly', false)), { readOnly: true }));
    assert.ok(
      matches(parseQuery(formatTerm('requestParameters.n', 443)), {
        requestParameters: { n: 443 },
      }),
    );
    assert.ok(
      matches(parseQuery(formatTerm('requestParameters.n', 1e21)), {
        requestParameters: { n: 1e21 },
      }),
    );
    assert.equal(formatTerm('errorCode', null), '-errorCode:*');
    assert.ok(matches(parseQuery(formatTerm('errorCode', null)), { errorCode: null }));
    assert.ok(!matches(parseQuery(formatTerm('errorCode', null)), { errorCode: 'X' }));
    assert.equal(formatTerm('errorCode', null, { negate: true }), 'errorCode:*');
  });

  it('escapes field names the parser would otherwise split', () => {
    assert.equal(formatField('requestParameters.a b:c'), 'requestParameters.a\\ b\\:c');
    assert.equal(formatField('-x'), '\\-x');
  });
});

describe('formatText and appendTerm', () => {
  it('quotes free text so that it is searched as one phrase', () => {
    const record = { errorMessage: 'User: arn:aws:iam::1:user/x is not authorized (say "no")' };
    for (const phrase of ['is not authorized', 'say "no"', 'authorized (say', 'User: arn']) {
      assert.ok(matches(parseQuery(formatText(phrase)), record), phrase);
    }
    assert.ok(!matches(parseQuery(formatText('not authorized (say "yes")')), record));
  });

  it('ANDs a term onto a query, parenthesising a top-level OR', () => {
    assert.equal(appendTerm('', 'a:b'), 'a:b');
    assert.equal(appendTerm('  x:y ', 'a:b'), 'x:y a:b');
    assert.equal(appendTerm('x:y OR z:w', 'a:b'), '(x:y OR z:w) a:b');
    assert.equal(appendTerm('-(x OR y)', 'a:b'), '-(x OR y) a:b');
    const q = parseQuery(appendTerm('eventName:A OR eventName:B', 'awsRegion:r'));
    assert.ok(!matches(q, { eventName: 'A', awsRegion: 'other' }));
    assert.ok(matches(q, { eventName: 'B', awsRegion: 'r' }));
  });

  it('appends to a query that does not parse without hiding the error', () => {
    assert.equal(appendTerm('(x', 'a:b'), '(x a:b');
  });
});
