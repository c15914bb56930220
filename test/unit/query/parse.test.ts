import * as assert from 'node:assert/strict';
import { QueryNode, TermNode } from '../../../src/core/query/ast';
import { parseQuery } from '../../../src/core/query/parse';

/** The AST without source offsets, to compare shapes. */
function shape(node: QueryNode): unknown {
  switch (node.kind) {
    case 'all':
      return 'all';
    case 'and':
    case 'or':
      return { [node.kind]: node.children.map(shape) };
    case 'not':
      return { not: shape(node.child) };
    case 'term':
      return { [node.fields.join('|')]: node.match };
    case 'text':
      return { text: node.text };
  }
}

const parsed = (q: string) => shape(parseQuery(q));

describe('query parser: structure', () => {
  it('reads the empty query (and blanks) as every record', () => {
    assert.deepEqual(parseQuery(''), { kind: 'all' });
    assert.deepEqual(parseQuery('  \t\n'), { kind: 'all' });
  });

  it('reads field:value with the offsets of the whole term and the field as typed', () => {
    assert.deepEqual(parseQuery('  eventName:CreateUser'), {
      kind: 'term',
      field: 'eventName',
      fields: ['eventName'],
      match: { op: 'eq', value: 'CreateUser' },
      start: 2,
      end: 22,
    });
  });

  it('ANDs adjacent terms, and AND is the same', () => {
    const expected = {
      and: [{ eventName: { op: 'eq', value: 'A' } }, { awsRegion: { op: 'eq', value: 'b' } }],
    };
    assert.deepEqual(parsed('eventName:A awsRegion:b'), expected);
    assert.deepEqual(parsed('eventName:A AND awsRegion:b'), expected);
  });

  it('binds NOT tighter than AND, and AND tighter than OR', () => {
    assert.deepEqual(parsed('a OR b c'), {
      or: [{ text: 'a' }, { and: [{ text: 'b' }, { text: 'c' }] }],
    });
    assert.deepEqual(parsed('a b OR c'), {
      or: [{ and: [{ text: 'a' }, { text: 'b' }] }, { text: 'c' }],
    });
    assert.deepEqual(parsed('NOT a b'), { and: [{ not: { text: 'a' } }, { text: 'b' }] });
    assert.deepEqual(parsed('NOT a OR b'), { or: [{ not: { text: 'a' } }, { text: 'b' }] });
  });

  it('groups with parentheses, and negates groups with NOT or -', () => {
    assert.deepEqual(parsed('(a OR b) c'), {
      and: [{ or: [{ text: 'a' }, { text: 'b' }] }, { text: 'c' }],
    });
    assert.deepEqual(parsed('NOT (a OR b)'), { not: { or: [{ text: 'a' }, { text: 'b' }] } });
    assert.deepEqual(parsed('-(a OR b)'), { not: { or: [{ text: 'a' }, { text: 'b' }] } });
    assert.deepEqual(parsed('NOT(a)'), { not: { text: 'a' } });
    assert.deepEqual(parsed('((a))'), { text: 'a' });
  });

  it('reads -term as NOT term and allows double negation', () => {
    assert.deepEqual(parsed('-errorCode:*'), { not: { errorCode: { op: 'exists' } } });
    assert.deepEqual(parsed('NOT -a'), { not: { not: { text: 'a' } } });
  });

  it('flattens chains of the same operator', () => {
    assert.deepEqual(parsed('a OR b OR (c OR d)'), {
      or: [{ text: 'a' }, { text: 'b' }, { text: 'c' }, { text: 'd' }],
    });
    assert.deepEqual(parsed('a (b c)'), { and: [{ text: 'a' }, { text: 'b' }, { text: 'c' }] });
  });

  it('treats lower-case and/or/not as words to search for', () => {
    assert.deepEqual(parsed('a or b'), { and: [{ text: 'a' }, { text: 'or' }, { text: 'b' }] });
    assert.deepEqual(parsed('ORACLE NOTE ANDROID'), {
      and: [{ text: 'ORACLE' }, { text: 'NOTE' }, { text: 'ANDROID' }],
    });
  });

  it('reads bare words and quoted phrases as free text', () => {
    assert.deepEqual(parseQuery('"access denied"'), {
      kind: 'text',
      text: 'access denied',
      start: 0,
      end: 15,
    });
    assert.deepEqual(parsed('"say \\"hi\\" \\\\ ok"'), { text: 'say "hi" \\ ok' });
    assert.deepEqual(parsed('"a OR b"'), { text: 'a OR b' });
  });

  it('drops stars at the ends of free text (it is a substring search) and reads a lone * as all', () => {
    assert.deepEqual(parsed('*admin*'), { text: 'admin' });
    assert.deepEqual(parsed('*'), 'all');
    assert.deepEqual(parsed('* eventName:X'), { eventName: { op: 'eq', value: 'X' } });
    assert.deepEqual(parsed('a\\*b'), { text: 'a*b' });
  });

  it('keeps pasted ARNs, URLs and IPv6 addresses as free text', () => {
    assert.deepEqual(parsed('arn:aws:iam::123456789012:user/alice'), {
      text: 'arn:aws:iam::123456789012:user/alice',
    });
    assert.deepEqual(parsed('arn:aws-us-gov:s3:::b'), { text: 'arn:aws-us-gov:s3:::b' });
    assert.deepEqual(parsed('https://evil.example/x'), { text: 'https://evil.example/x' });
    assert.deepEqual(parsed('::1'), { text: '::1' });
    // …but a value that merely starts like one stays a value.
    assert.deepEqual(parsed('resources.type:AWS::S3::Bucket'), {
      'resources.type': { op: 'eq', value: 'AWS::S3::Bucket' },
    });
    assert.deepEqual(parsed('arn:arn:aws:s3:::b'), {
      'userIdentity.arn|userIdentity.sessionContext.sessionIssuer.arn|resources.ARN': {
        op: 'eq',
        value: 'arn:aws:s3:::b',
      },
    });
  });

  it('keeps the field as typed on each term for display', () => {
    const term = parseQuery('ip:10.0.0.1') as TermNode;
    assert.equal(term.field, 'ip');
    assert.deepEqual(term.fields, ['sourceIPAddress']);
  });

  it('is plain data: survives a JSON round trip unchanged', () => {
    const ast = parseQuery(
      'user:alice (eventName:(A OR B*) OR -error:*) eventTime>=2024-05 "x y" service:s3',
    );
    assert.deepEqual(JSON.parse(JSON.stringify(ast)), ast);
  });
});

describe('query parser: values', () => {
  it('reads wildcards, with \\* as a literal star', () => {
    assert.deepEqual(parsed('eventName:Create*'), {
      eventName: { op: 'wildcard', pattern: 'Create*' },
    });
    assert.deepEqual(parsed('eventName:*User*'), {
      eventName: { op: 'wildcard', pattern: '*User*' },
    });
    assert.deepEqual(parsed('eventName:a\\*b*'), {
      eventName: { op: 'wildcard', pattern: 'a\\*b*' },
    });
    assert.deepEqual(parsed('eventName:a\\*b'), { eventName: { op: 'eq', value: 'a*b' } });
    assert.deepEqual(parsed('eventName:a\\\\b*'), {
      eventName: { op: 'wildcard', pattern: 'a\\\\b*' },
    });
  });

  it('reads field:* as exists, and ** as a wildcard', () => {
    assert.deepEqual(parsed('errorCode:*'), { errorCode: { op: 'exists' } });
    assert.deepEqual(parsed('errorCode:**'), { errorCode: { op: 'wildcard', pattern: '**' } });
  });

  it('reads quoted values literally: no wildcard, no date range', () => {
    assert.deepEqual(parsed('eventName:"Create*"'), { eventName: { op: 'eq', value: 'Create*' } });
    assert.deepEqual(parsed('errorMessage:"Access Denied"'), {
      errorMessage: { op: 'eq', value: 'Access Denied' },
    });
    assert.deepEqual(parsed('eventTime:"2024-05-14"'), {
      eventTime: { op: 'eq', value: '2024-05-14' },
    });
    assert.deepEqual(parsed('x:""'), { x: { op: 'eq', value: '' } });
  });

  it('keeps colons in values (times, ARNs, IPv6) and allows a space after the colon', () => {
    assert.deepEqual(parsed('userIdentity.arn:arn:aws:iam::1:user/a'), {
      'userIdentity.arn': { op: 'eq', value: 'arn:aws:iam::1:user/a' },
    });
    assert.deepEqual(parsed('ip:2001:db8::1'), {
      sourceIPAddress: { op: 'eq', value: '2001:db8::1' },
    });
    assert.deepEqual(parsed('eventName: CreateUser'), {
      eventName: { op: 'eq', value: 'CreateUser' },
    });
  });

  it('reads escapes in bare values and field names', () => {
    assert.deepEqual(parsed('requestParameters.a\\:b:x\\ y\\(z\\)'), {
      'requestParameters.a:b': { op: 'eq', value: 'x y(z)' },
    });
  });

  it('reads nested paths and respells known ones canonically', () => {
    assert.deepEqual(parsed('requestParameters.bucketName:prod-data'), {
      'requestParameters.bucketName': { op: 'eq', value: 'prod-data' },
    });
    assert.deepEqual(parsed('userIdentity.sessionContext.sessionIssuer.userName:Admin'), {
      'userIdentity.sessionContext.sessionIssuer.userName': { op: 'eq', value: 'Admin' },
    });
    assert.deepEqual(parsed('EVENTNAME:x'), { eventName: { op: 'eq', value: 'x' } });
    assert.deepEqual(parsed('useridentity.sessioncontext.sessionissuer.USERNAME:x'), {
      'userIdentity.sessionContext.sessionIssuer.userName': { op: 'eq', value: 'x' },
    });
    // Unknown tails keep their spelling: the matcher falls back to case-insensitive keys.
    assert.deepEqual(parsed('requestparameters.someNewKey:x'), {
      'requestParameters.someNewKey': { op: 'eq', value: 'x' },
    });
  });

  it('accepts any field path, known or not', () => {
    assert.deepEqual(parsed('p_log_type:AWS.CloudTrail'), {
      p_log_type: { op: 'eq', value: 'AWS.CloudTrail' },
    });
  });

  it('reads unicode values and text', () => {
    assert.deepEqual(parsed('userIdentity.userName:José'), {
      'userIdentity.userName': { op: 'eq', value: 'José' },
    });
    assert.deepEqual(parsed('😀x'), { text: '😀x' });
    assert.deepEqual(parsed('x:\\😀*'), { x: { op: 'wildcard', pattern: '😀*' } });
  });

  it('applies a field to a parenthesised group of values', () => {
    assert.deepEqual(parsed('eventName:(CreateUser OR Delete* OR -"x y")'), {
      or: [
        { eventName: { op: 'eq', value: 'CreateUser' } },
        { eventName: { op: 'wildcard', pattern: 'Delete*' } },
        { not: { eventName: { op: 'eq', value: 'x y' } } },
      ],
    });
    assert.deepEqual(parsed('eventName:(a b)'), {
      and: [{ eventName: { op: 'eq', value: 'a' } }, { eventName: { op: 'eq', value: 'b' } }],
    });
  });
});

describe('query parser: aliases', () => {
  const cases: Array<[string, string[]]> = [
    ['ip', ['sourceIPAddress']],
    ['error', ['errorCode', 'errorMessage']],
    ['event', ['eventName']],
    ['name', ['eventName']],
    ['source', ['eventSource']],
    ['region', ['awsRegion']],
    ['account', ['recipientAccountId', 'userIdentity.accountId']],
    ['arn', ['userIdentity.arn', 'userIdentity.sessionContext.sessionIssuer.arn', 'resources.ARN']],
    ['key', ['userIdentity.accessKeyId']],
    ['accessKey', ['userIdentity.accessKeyId']],
    ['type', ['userIdentity.type']],
    ['agent', ['userAgent']],
    ['bucket', ['requestParameters.bucketName']],
    [
      'role',
      [
        'userIdentity.sessionContext.sessionIssuer.userName',
        'userIdentity.sessionContext.sessionIssuer.arn',
      ],
    ],
    ['readonly', ['readOnly']],
  ];
  for (const [alias, fields] of cases) {
    it(`resolves ${alias}: to ${fields.join(', ')}`, () => {
      const term = parseQuery(`${alias}:v*`) as TermNode;
      assert.equal(term.kind, 'term');
      assert.deepEqual(term.fields, fields);
      assert.equal(term.field, alias);
    });
  }

  it('matches alias names case-insensitively', () => {
    assert.deepEqual((parseQuery('IP:1.2.3.4') as TermNode).fields, ['sourceIPAddress']);
  });

  it('makes user: also match the role session name in principalId', () => {
    assert.deepEqual(parsed('user:alice@example.com'), {
      or: [
        {
          'userIdentity.userName|userIdentity.sessionContext.sessionIssuer.userName': {
            op: 'eq',
            value: 'alice@example.com',
          },
        },
        { 'userIdentity.principalId': { op: 'wildcard', pattern: '*:alice@example.com' } },
      ],
    });
    assert.deepEqual(parsed('session:a\\*b'), {
      'userIdentity.principalId': { op: 'wildcard', pattern: '*:a\\*b' },
    });
    assert.deepEqual(parsed('session:bob*'), {
      'userIdentity.principalId': { op: 'wildcard', pattern: '*:bob*' },
    });
    assert.deepEqual(parsed('user:*'), {
      'userIdentity.userName|userIdentity.sessionContext.sessionIssuer.userName': { op: 'exists' },
    });
  });

  it('makes service:s3 also match the service host name', () => {
    assert.deepEqual(parsed('service:s3'), {
      or: [
        { eventSource: { op: 'eq', value: 's3' } },
        { eventSource: { op: 'eq', value: 's3.amazonaws.com' } },
      ],
    });
    assert.deepEqual(parsed('service:iam.amazonaws.com'), {
      eventSource: { op: 'eq', value: 'iam.amazonaws.com' },
    });
  });

  it('never treats a dotted path as an alias', () => {
    assert.deepEqual(parsed('requestParameters.user:x'), {
      'requestParameters.user': { op: 'eq', value: 'x' },
    });
  });
});

describe('query parser: comparisons', () => {
  it('reads time comparisons as UTC instants in CloudTrail format', () => {
    assert.deepEqual(parsed('eventTime>=2024-05-14T10:00:00Z'), {
      eventTime: { op: 'ge', value: '2024-05-14T10:00:00Z' },
    });
    assert.deepEqual(parsed('eventTime<2024-05-15'), {
      eventTime: { op: 'lt', value: '2024-05-15T00:00:00Z' },
    });
    assert.deepEqual(parsed('eventTime>2024-05-14T12:00:00+02:00'), {
      eventTime: { op: 'ge', value: '2024-05-14T10:00:01Z' },
    });
  });

  it('reads a partial date as its whole period: <= and > move to the end of it', () => {
    assert.deepEqual(parsed('eventTime<=2024-05-15'), {
      eventTime: { op: 'lt', value: '2024-05-16T00:00:00Z' },
    });
    assert.deepEqual(parsed('eventTime>2024-05'), {
      eventTime: { op: 'ge', value: '2024-06-01T00:00:00Z' },
    });
    assert.deepEqual(parsed('eventTime>=2024'), {
      eventTime: { op: 'ge', value: '2024-01-01T00:00:00Z' },
    });
    assert.deepEqual(parsed('eventTime<=2024-12-31T23'), {
      eventTime: { op: 'lt', value: '2025-01-01T00:00:00Z' },
    });
  });

  it('keeps exact instants (with milliseconds) exact', () => {
    assert.deepEqual(parsed('eventTime<=2024-05-14T10:00:00.250Z'), {
      eventTime: { op: 'le', value: '2024-05-14T10:00:00.250Z' },
    });
    assert.deepEqual(parsed('eventTime>2024-05-14T10:00:00.000Z'), {
      eventTime: { op: 'gt', value: '2024-05-14T10:00:00Z' },
    });
  });

  it('reads field:date on a time field as that whole period', () => {
    assert.deepEqual(parsed('eventTime:2024-05-14'), {
      and: [
        { eventTime: { op: 'ge', value: '2024-05-14T00:00:00Z' } },
        { eventTime: { op: 'lt', value: '2024-05-15T00:00:00Z' } },
      ],
    });
    assert.deepEqual(parsed('time:2024-05-14T10:00:00Z'), {
      and: [
        { eventTime: { op: 'ge', value: '2024-05-14T10:00:00Z' } },
        { eventTime: { op: 'lt', value: '2024-05-14T10:00:01Z' } },
      ],
    });
    assert.deepEqual(parsed('eventTime:2024-05-14*'), {
      eventTime: { op: 'wildcard', pattern: '2024-05-14*' },
    });
  });

  it('accepts the Kibana spelling field:>=value and spaces after the operator', () => {
    assert.deepEqual(parsed('eventTime:>=2024-05-14'), {
      eventTime: { op: 'ge', value: '2024-05-14T00:00:00Z' },
    });
    assert.deepEqual(parsed('eventTime >= 2024-05-14 x'), {
      and: [{ eventTime: { op: 'ge', value: '2024-05-14T00:00:00Z' } }, { text: 'x' }],
    });
    assert.deepEqual(parsed('eventVersion < 1.05'), { eventVersion: { op: 'lt', value: '1.05' } });
    assert.deepEqual(parsed('eventTime>= 2024-05-14'), {
      eventTime: { op: 'ge', value: '2024-05-14T00:00:00Z' },
    });
  });

  it('compares other time fields by date too', () => {
    assert.deepEqual(
      parsed('userIdentity.sessionContext.attributes.creationDate>=2024-05-14T10:00:00Z'),
      {
        'userIdentity.sessionContext.attributes.creationDate': {
          op: 'ge',
          value: '2024-05-14T10:00:00Z',
        },
      },
    );
    assert.deepEqual(parsed('requestParameters.startTime<2024-05-14'), {
      'requestParameters.startTime': { op: 'lt', value: '2024-05-14T00:00:00Z' },
    });
  });

  it('reads number comparisons with the number as typed', () => {
    assert.deepEqual(parsed('eventVersion>=1.08'), { eventVersion: { op: 'ge', value: '1.08' } });
    assert.deepEqual(parsed('requestParameters.maxCount>-5'), {
      'requestParameters.maxCount': { op: 'gt', value: '-5' },
    });
    assert.deepEqual(parsed('x<"10"'), { x: { op: 'lt', value: '10' } });
  });
});
