import * as assert from 'node:assert/strict';
import { caseKey, fieldValues, matchesRecord, valueMatcher } from '../../../src/core/query/match';
import { parseQuery } from '../../../src/core/query/parse';

const assumedRole = {
  eventVersion: '1.08',
  userIdentity: {
    type: 'AssumedRole',
    principalId: 'AROAEXAMPLEID:alice@example.com',
    arn: 'arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_Admin_abc/alice@example.com',
    accountId: '111122223333',
    accessKeyId: 'ASIAEXAMPLE',
    sessionContext: {
      sessionIssuer: {
        type: 'Role',
        principalId: 'AROAEXAMPLEID',
        arn: 'arn:aws:iam::111122223333:role/AWSReservedSSO_Admin_abc',
        accountId: '111122223333',
        userName: 'AWSReservedSSO_Admin_abc',
      },
      attributes: { creationDate: '2024-05-14T09:30:00Z', mfaAuthenticated: 'false' },
    },
  },
  eventTime: '2024-05-14T10:00:00Z',
  eventSource: 's3.amazonaws.com',
  eventName: 'PutBucketPolicy',
  awsRegion: 'eu-west-1',
  sourceIPAddress: '203.0.113.7',
  userAgent: 'aws-cli/2.15.0',
  errorCode: 'AccessDenied',
  errorMessage: 'Access Denied',
  requestParameters: {
    bucketName: 'prod-data',
    policy: 'x',
    tags: ['Red', 'blue'],
    'weird key': 1,
    maxItems: 50,
  },
  responseElements: null,
  readOnly: false,
  resources: [
    { ARN: 'arn:aws:s3:::prod-data', type: 'AWS::S3::Bucket' },
    { ARN: 'arn:aws:s3:::prod-data/secret.txt', type: 'AWS::S3::Object' },
  ],
  eventType: 'AwsApiCall',
  recipientAccountId: '111122223333',
};

const iamUser = {
  eventVersion: '1.05',
  userIdentity: {
    type: 'IAMUser',
    principalId: 'AIDAEXAMPLE',
    arn: 'arn:aws:iam::111122223333:user/Bob',
    userName: 'Bob',
    accountId: '111122223333',
  },
  eventTime: '2024-05-15T00:00:00Z',
  eventSource: 'iam.amazonaws.com',
  eventName: 'CreateAccessKey',
  awsRegion: 'us-east-1',
  sourceIPAddress: '198.51.100.1',
  readOnly: true,
  errorCode: null,
  requestParameters: { userName: 'José Ñandú', note: 'say "hi" \\ bye', 'Bucket.Name': 'dotted' },
  recipientAccountId: '111122223333',
};

const records = [assumedRole, iamUser];

/** The records (by eventName) that a query selects. */
function select(query: string): string[] {
  const q = parseQuery(query);
  return records.filter((r) => matchesRecord(q, r, JSON.stringify(r))).map((r) => r.eventName);
}

describe('query matching: values', () => {
  it('matches field:value exactly and case-insensitively', () => {
    assert.deepEqual(select('eventName:putbucketpolicy'), ['PutBucketPolicy']);
    assert.deepEqual(select('eventName:PutBucket'), []);
    assert.deepEqual(select('awsRegion:EU-WEST-1'), ['PutBucketPolicy']);
  });

  it('matches wildcards anywhere in the value, case-insensitively', () => {
    assert.deepEqual(select('eventName:put*'), ['PutBucketPolicy']);
    assert.deepEqual(select('eventName:*KEY'), ['CreateAccessKey']);
    assert.deepEqual(select('eventName:*bucket*'), ['PutBucketPolicy']);
    assert.deepEqual(select('eventName:C*e*y'), ['CreateAccessKey']);
    assert.deepEqual(select('sourceIPAddress:203.0.113.*'), ['PutBucketPolicy']);
    // A dot in a pattern is a dot, not "any character".
    assert.deepEqual(select('sourceIPAddress:203x0*'), []);
  });

  it('treats \\* as a literal star in patterns', () => {
    const star = valueMatcher('x', { op: 'wildcard', pattern: 'a\\**' });
    assert.equal(star('a*bc'), true);
    assert.equal(star('abc'), false);
    const backslash = valueMatcher('x', { op: 'wildcard', pattern: 'a\\\\*' });
    assert.equal(backslash('a\\b'), true);
    assert.equal(backslash('ab'), false);
  });

  it('matches a value in an array when any element matches', () => {
    assert.deepEqual(select('resources.ARN:arn:aws:s3:::prod-data/secret.txt'), [
      'PutBucketPolicy',
    ]);
    assert.deepEqual(select('resources.type:*object'), ['PutBucketPolicy']);
    assert.deepEqual(select('requestParameters.tags:red'), ['PutBucketPolicy']);
    assert.deepEqual(select('requestParameters.tags:green'), []);
  });

  it('matches booleans by their text', () => {
    assert.deepEqual(select('readOnly:true'), ['CreateAccessKey']);
    assert.deepEqual(select('readonly:FALSE'), ['PutBucketPolicy']);
  });

  it('matches numbers by text and by value', () => {
    assert.deepEqual(select('requestParameters.maxItems:50'), ['PutBucketPolicy']);
    assert.deepEqual(select('requestParameters.maxItems:50.0'), ['PutBucketPolicy']);
    assert.deepEqual(select('requestParameters.maxItems:5*'), ['PutBucketPolicy']);
    assert.deepEqual(select('requestParameters.maxItems:51'), []);
  });

  it('finds a number by value only from a value written as JSON writes a number: 050 is text', () => {
    // The record's number 50: `050`, `+50` and `.5e2` are text (an account ID's leading zero is
    // part of it), and a number's text is "50".
    for (const text of ['050', '+50', '.5e2', '50.'])
      assert.deepEqual(select(`requestParameters.maxItems:${text}`), [], text);
    assert.deepEqual(select('requestParameters.maxItems:5e1'), ['PutBucketPolicy']);
  });

  it('treats null as absent: field:* is present and not null', () => {
    assert.deepEqual(select('errorCode:*'), ['PutBucketPolicy']);
    assert.deepEqual(select('-errorCode:*'), ['CreateAccessKey']);
    assert.deepEqual(select('responseElements:*'), []);
    assert.deepEqual(select('requestParameters:*'), ['PutBucketPolicy', 'CreateAccessKey']);
    assert.deepEqual(select('errorCode:null'), []);
  });

  it('matches NOT on records without the field (it is the complement)', () => {
    assert.deepEqual(select('-userAgent:aws-cli*'), ['CreateAccessKey']);
    assert.deepEqual(select('NOT errorCode:AccessDenied'), ['CreateAccessKey']);
  });

  it('looks keys up case-insensitively only when there is no exact key', () => {
    assert.deepEqual(select('requestParameters.BUCKETNAME:prod-data'), ['PutBucketPolicy']);
    assert.deepEqual(select('requestparameters.Note:*bye'), ['CreateAccessKey']);
    const rec = { a: { Key: 'upper', key: 'lower' } };
    assert.deepEqual(fieldValues(rec, 'a.key'), ['lower']);
    assert.deepEqual(fieldValues(rec, 'a.KEY').sort(), ['lower', 'upper']);
  });

  it('escaped field names reach keys with spaces', () => {
    assert.deepEqual(select('requestParameters.weird\\ key:1'), ['PutBucketPolicy']);
  });

  it('matches unicode values case-insensitively', () => {
    assert.deepEqual(select('requestParameters.userName:"josé ñandú"'), ['CreateAccessKey']);
    assert.deepEqual(select('requestParameters.userName:JOSÉ*'), ['CreateAccessKey']);
    const sigma = valueMatcher('x', { op: 'eq', value: 'ΟΔΟΣ' });
    assert.equal(sigma('οδοσ'), true);
    assert.equal(sigma('Οδος'), true);
    assert.equal(sigma('οδο'), false);
    // Unicode case folding, not just toLowerCase: the Kelvin sign is a K.
    assert.equal(valueMatcher('x', { op: 'eq', value: 'k' })('\u212A'), true);
    assert.equal(valueMatcher('x', { op: 'wildcard', pattern: '*ß*' })('STRAẞE'), true);
  });

  it('never matches objects by value', () => {
    assert.deepEqual(select('userIdentity:AssumedRole'), []);
  });

  it('matches values of tens of thousands of characters (one regular expression that long overflows the stack)', () => {
    // Letters that fold to several code points (k, s, σ), astral characters and a tag character.
    const long = `Mozilla/5.0 (Kelvin σ 🙂\u{E0041}) ${'kSσ🙂x'.repeat(6000)}end`;
    assert.ok(long.length > 30_000);
    // A slice of it that does not cut a surrogate pair in two.
    const midPair = (i: number) => /[\uDC00-\uDFFF]/.test(long[i] ?? '');
    const slice = (from: number, to: number) =>
      long.slice(midPair(from) ? from + 1 : from, midPair(to) ? to + 1 : to);
    const upper = long.toUpperCase();
    assert.equal(valueMatcher('x', { op: 'eq', value: long })(upper), true);
    assert.equal(valueMatcher('x', { op: 'eq', value: long })(`${upper}!`), false);
    assert.equal(valueMatcher('x', { op: 'eq', value: long })(upper.slice(0, -1) + 'X'), false);
    const wild = (text: string) => text.replace(/[\\*]/g, (c) => `\\${c}`);
    assert.equal(
      valueMatcher('x', { op: 'wildcard', pattern: `${wild(slice(0, 25_000))}*` })(upper),
      true,
    );
    assert.equal(
      valueMatcher('x', { op: 'wildcard', pattern: `*${wild(slice(5000, 25_000))}*END` })(upper),
      true,
    );
    assert.equal(
      valueMatcher('x', { op: 'wildcard', pattern: `${wild(slice(0, 25_000))}*nope` })(upper),
      false,
    );
    for (const [from, to] of [
      [100, 20_000],
      [3, 1003],
      [1000, 3001],
    ]) {
      assert.equal(
        matchesRecord(
          parseQuery(`"${slice(from, to)}"`),
          { userAgent: long },
          JSON.stringify({ userAgent: long }),
        ),
        true,
        `${from}-${to}`,
      );
    }
  });

  it('matches wildcards with several stars, leftmost first, without overlapping parts', () => {
    const m = (pattern: string, value: string) =>
      valueMatcher('x', { op: 'wildcard', pattern })(value);
    assert.equal(m('a*b*c', 'axxbyyc'), true);
    assert.equal(m('a*b*c', 'acb'), false);
    assert.equal(m('aa*aa', 'aaa'), false);
    assert.equal(m('aa*aa', 'aaaa'), true);
    assert.equal(m('*a**b*', 'xaxbx'), true);
    assert.equal(m('🙂*🙂', '🙂'), false);
    assert.equal(m('🙂*🙂', '🙂🙂'), true);
  });
});

describe('query matching: comparisons', () => {
  it('compares eventTime chronologically, partial dates as whole periods', () => {
    assert.deepEqual(select('eventTime>=2024-05-14T10:00:00Z'), [
      'PutBucketPolicy',
      'CreateAccessKey',
    ]);
    assert.deepEqual(select('eventTime>2024-05-14T10:00:00Z'), ['CreateAccessKey']);
    assert.deepEqual(select('eventTime<2024-05-15'), ['PutBucketPolicy']);
    assert.deepEqual(select('eventTime<=2024-05-14'), ['PutBucketPolicy']);
    assert.deepEqual(select('eventTime>2024-05-14'), ['CreateAccessKey']);
    assert.deepEqual(select('eventTime:2024-05-14'), ['PutBucketPolicy']);
    assert.deepEqual(select('eventTime:2024-05'), ['PutBucketPolicy', 'CreateAccessKey']);
    assert.deepEqual(select('eventTime<2024-05-14T12:00:00+02:00'), []);
    assert.deepEqual(select('eventTime<=2024-05-14T12:00:00+02:00'), ['PutBucketPolicy']);
  });

  it('compares other time fields', () => {
    assert.deepEqual(
      select('userIdentity.sessionContext.attributes.creationDate>=2024-05-14T09:00'),
      ['PutBucketPolicy'],
    );
    assert.deepEqual(
      select('userIdentity.sessionContext.attributes.creationDate<2024-05-14T09:00'),
      [],
    );
  });

  it('reads record times with a space, fractions or no zone as UTC', () => {
    const ge = valueMatcher('eventTime', { op: 'ge', value: '2025-01-21T17:49:47Z' });
    assert.equal(ge('2025-01-21 17:49:47.000000000'), true);
    assert.equal(ge('2025-01-21T17:49:46.999'), false);
    assert.equal(ge('2025-01-21T18:49:47+01:00'), true);
    assert.equal(ge('2025-01-21T18:49:46+01:00'), false);
  });

  it('never compares values that are not times', () => {
    const lt = valueMatcher('eventTime', { op: 'lt', value: '2030-01-01T00:00:00Z' });
    assert.equal(lt('Jan 1, 2019 12:00:00 AM'), false);
    assert.equal(lt(null), false);
    assert.equal(lt(undefined), false);
    assert.equal(lt(1234), false);
  });

  it('compares numbers, also numbers written as strings', () => {
    assert.deepEqual(select('eventVersion>=1.08'), ['PutBucketPolicy']);
    assert.deepEqual(select('eventVersion<1.06'), ['CreateAccessKey']);
    assert.deepEqual(select('requestParameters.maxItems>49.5'), ['PutBucketPolicy']);
    assert.deepEqual(select('requestParameters.maxItems>50'), []);
    assert.deepEqual(select('requestParameters.maxItems<=50'), ['PutBucketPolicy']);
    assert.equal(valueMatcher('x', { op: 'gt', value: '2' })('abc'), false);
    assert.equal(valueMatcher('x', { op: 'gt', value: '2' })(['1', '3']), true);
  });
});

describe('query matching: aliases and free text', () => {
  it('user: matches the IAM user, the role and the role session name', () => {
    assert.deepEqual(select('user:bob'), ['CreateAccessKey']);
    assert.deepEqual(select('user:alice@example.com'), ['PutBucketPolicy']);
    assert.deepEqual(select('user:AWSReservedSSO_*'), ['PutBucketPolicy']);
    assert.deepEqual(select('user:alice'), []);
    assert.deepEqual(select('session:alice@*'), ['PutBucketPolicy']);
    assert.deepEqual(select('session:*'), ['PutBucketPolicy']);
  });

  it('resolves the common aliases', () => {
    assert.deepEqual(select('ip:198.51.100.1'), ['CreateAccessKey']);
    assert.deepEqual(select('error:*'), ['PutBucketPolicy']);
    assert.deepEqual(select('error:"access denied"'), ['PutBucketPolicy']);
    assert.deepEqual(select('service:iam'), ['CreateAccessKey']);
    assert.deepEqual(select('source:iam'), []);
    assert.deepEqual(select('bucket:prod-data'), ['PutBucketPolicy']);
    assert.deepEqual(select('arn:"arn:aws:s3:::prod-data"'), ['PutBucketPolicy']);
    assert.deepEqual(select('type:iamuser'), ['CreateAccessKey']);
    assert.deepEqual(select('role:AWSReservedSSO_Admin_abc'), ['PutBucketPolicy']);
    assert.deepEqual(select('account:111122223333 region:us-east-1'), ['CreateAccessKey']);
  });

  it('combines with AND, OR, NOT and groups', () => {
    assert.deepEqual(select('eventName:(CreateAccessKey OR PutBucketPolicy) -readOnly:true'), [
      'PutBucketPolicy',
    ]);
    assert.deepEqual(select('ip:203.0.113.7 OR user:bob'), ['PutBucketPolicy', 'CreateAccessKey']);
    assert.deepEqual(select('NOT (ip:203.0.113.7 OR user:bob)'), []);
    assert.deepEqual(select('NOT ip:203.0.113.7 OR user:bob'), ['CreateAccessKey']);
    assert.deepEqual(select(''), ['PutBucketPolicy', 'CreateAccessKey']);
  });

  it('searches free text in the whole raw record, case-insensitively', () => {
    assert.deepEqual(select('"access denied"'), ['PutBucketPolicy']);
    assert.deepEqual(select('secret.txt'), ['PutBucketPolicy']);
    assert.deepEqual(select('AIDAEXAMPLE'), ['CreateAccessKey']);
    assert.deepEqual(select('arn:aws:iam::111122223333:user/Bob'), ['CreateAccessKey']);
    // Key names are part of the raw record too.
    assert.deepEqual(select('mfaAuthenticated'), ['PutBucketPolicy']);
  });

  it('finds free text whether the JSON writes it plainly or escaped', () => {
    assert.deepEqual(select('"say \\"hi\\" \\\\ bye"'), ['CreateAccessKey']);
    assert.deepEqual(select('ñandú'), ['CreateAccessKey']);
    assert.deepEqual(select('"JOSÉ ÑANDÚ"'), ['CreateAccessKey']);
    const q = parseQuery('ñandú');
    const asciiJson = JSON.stringify(iamUser).replace(
      /[^\x00-\x7f]/g,
      (c) => `\\u${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`,
    );
    assert.ok(asciiJson.includes('\\u00D1'));
    assert.equal(matchesRecord(q, iamUser, asciiJson), true);
  });

  it('finds a phrase as the table shows it in a record CloudTrail wrote with \\u0027-style escapes, and as stored', () => {
    const record = {
      eventName: 'AuthorizeSecurityGroupIngress',
      errorMessage: "Value 'X' for a&b<c>d=e",
      note: 'say "hi" \\ bye / done',
      control: 'a\u001bb',
    };
    // As CloudTrail writes it: ', &, <, >, = and non-ASCII escaped (any case of hex), / as \/.
    const stored = JSON.stringify(record)
      .replace(
        /['&<>=]/g,
        (c) => `\\u${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`,
      )
      .replace(/\//g, '\\/');
    assert.ok(stored.includes('Value \\u0027X\\u0027') && stored.includes('\\/ done'));
    const finds = (phrase: string) => matchesRecord(parseQuery(phrase), record, stored);
    assert.equal(finds(`"Value 'X' for a&b<c>d=e"`), true);
    assert.equal(
      finds('"Value \\\\u0027X"'),
      true,
      'the stored spelling, copied from the stored record',
    );
    assert.equal(finds('"say \\"hi\\" \\\\ bye / done"'), true);
    // A decoded escape never becomes JSON syntax: a quote stays a quote inside the string.
    assert.equal(finds('"X\\",\\"note"'), false);
  });
});

describe('caseKey', () => {
  const equal = (a: string, b: string) => valueMatcher('x', { op: 'eq', value: a })(b);

  it('is the same for two texts exactly when eq finds one with the other', () => {
    for (const [a, b] of [
      ['Admin', 'aDMIN'],
      ['ΟΔΟΣ', 'οδος'],
      ['σ', 'ς'],
      ['\u212a', 'k'],
      ['ſ', 'S'],
      ['ß', 'ẞ'],
      ['\u1fd3', '\u0390'],
    ])
      assert.ok(equal(a, b) && caseKey(a) === caseKey(b), `${a} ${b}`);
    for (const [a, b] of [
      ['admin', 'admin\u200b'],
      ['ß', 'ss'],
      ['İ', 'i'],
      ['ı', 'I'],
      ['e\u0301', 'é'],
    ])
      assert.ok(!equal(a, b) && caseKey(a) !== caseKey(b), `${a} ${b}`);
  });

  it('agrees with RegExp iu on every letter that has a case', () => {
    // Every code point that has a case or changes when case-folded, each against all the others.
    const cased: string[] = [];
    for (let cp = 0; cp <= 0x10ffff; cp++) {
      if (cp >= 0xd800 && cp <= 0xdfff) continue;
      const c = String.fromCodePoint(cp);
      if (/[\p{Cased}\p{CWCF}\p{CWCM}]/u.test(c)) cased.push(c);
    }
    const all = cased.join('');
    const wrong: string[] = [];
    for (const c of cased) {
      const key = caseKey(c);
      if (!equal(c, key)) wrong.push(`${c} is not its key ${key}`);
      const same = new RegExp(`[${c.replace(/[\\\]^-]/g, '\\$&')}]`, 'giu');
      for (const [d] of all.matchAll(same))
        if (caseKey(d) !== key) wrong.push(`${c} and ${d} have different keys`);
    }
    assert.deepEqual(wrong.slice(0, 10), []);
  });
});
