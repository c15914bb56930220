// The compiler's statement shape: escaping (a hostile value cannot change the statement), errors
// that name the term, partition pruning, LIMIT only when asked, and the DDL.
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseQuery } from '../../../src/core/query/parse';
import { formatTerm } from '../../../src/core/query/format';
import { compileQuery, likePattern, SqlCompileError } from '../../../src/core/sql/compile';
import { athenaTableDdl } from '../../../src/core/sql/ddl';
import { statementOf } from '../../../src/core/sql/remote';
import { generateBucket } from '../../../src/core/synthetic/generator';
import {
  TEST_ATHENA_DATABASE,
  TEST_ATHENA_TABLE,
  TEST_EVENT_DATA_STORE,
  TestAwsQueryServer,
} from '../../support/awsQueryServer';

const athena = (q: string, extra: Partial<Parameters<typeof compileQuery>[1]> = {}) =>
  compileQuery(parseQuery(q), { dialect: 'athena', from: 'cloudtrail_logs', ...extra });
const lake = (q: string, extra: Partial<Parameters<typeof compileQuery>[1]> = {}) =>
  compileQuery(parseQuery(q), { dialect: 'lake', from: TEST_EVENT_DATA_STORE, ...extra });

describe('SQL compiler', () => {
  it('selects eventid, eventtime and "$path" with no LIMIT unless one is asked for', () => {
    const { sql } = athena('eventName:ConsoleLogin');
    assert.match(sql, /^SELECT eventid, eventtime, "\$path"\nFROM "cloudtrail_logs"\nWHERE /);
    assert.doesNotMatch(sql, /LIMIT/);
    assert.match(athena('eventName:x', { limit: 25 }).sql, /ORDER BY eventtime\nLIMIT 25$/);
    assert.match(
      lake('eventName:x').sql,
      /^SELECT eventID, eventTime\nFROM a1b2c3d4-0000-4000-8000-0123456789ab\n/,
    );
    assert.match(
      athena('eventName:x').notes.join('\n'),
      /No time range: Athena reads every day of the table/,
    );
    assert.deepEqual(athena('eventName:x', { range: { from: 0, to: 86_400_000 } }).notes, []);
  });

  it('says that keys inside JSON fields are found only as spelled, and only when the statement looks one up', () => {
    const range = { range: { from: 0, to: 86_400_000 } };
    for (const compiled of [
      athena('requestParameters.bucketName:logs', range),
      lake('requestParameters.bucketName:logs', range),
      lake('requestParameters.bucketPolicy.Statement:x', range),
    ])
      assert.deepEqual(
        compiled.notes.filter((n) => /found only as spelled/.test(n)).length,
        1,
        compiled.sql,
      );
    assert.deepEqual(athena('eventName:x userIdentity.arn:y', range).notes, []);
  });

  it("prunes partitions by day (the last day's next day too), account and region", () => {
    const { sql } = athena('', {
      range: { from: Date.parse('2024-05-14T10:00:00Z'), to: Date.parse('2024-05-16T00:00:00Z') },
      accounts: ['111122223333'],
      regions: ['us-east-1', 'eu-west-1'],
    });
    assert.match(sql, /"timestamp" BETWEEN '2024\/05\/14' AND '2024\/05\/16'/);
    assert.match(sql, /account IN \('111122223333'\)/);
    assert.match(sql, /region IN \('us-east-1', 'eu-west-1'\)/);
    assert.match(
      sql,
      /try\(from_iso8601_timestamp\(eventtime\)\) >= from_iso8601_timestamp\('2024-05-14T10:00:00.000Z'\)/,
    );
    const plain = athena('', { accounts: ['111122223333'], partitioned: false }).sql;
    assert.match(plain, /recipientaccountid IN \('111122223333'\)/);
    assert.doesNotMatch(plain, /"timestamp"|account IN/);
  });

  it('names the term it cannot compile, and why', () => {
    assert.throws(
      () => athena('eventName:X managementEvent:true'),
      (e: unknown) =>
        e instanceof SqlCompileError &&
        /^managementEvent:true: managementEvent is not a column of the Athena CloudTrail table/.test(
          e.message,
        ),
    );
    assert.throws(
      () => athena('userIdentity.identityProvider:x'),
      (e: unknown) =>
        e instanceof SqlCompileError &&
        /identityProvider is not a field of useridentity/.test(e.message),
    );
    assert.throws(
      () => athena('user'),
      (e: unknown) =>
        e instanceof SqlCompileError && /part of the field name "user/.test(e.message),
    );
    assert.throws(
      () => athena('eventName:X AND origin:bob'),
      (e: unknown) =>
        e instanceof SqlCompileError &&
        /^origin:bob: origin: is worked out from the credential chains of the loaded events, which Athena has no column for/.test(
          e.message,
        ) &&
        e.start === 16,
    );
    assert.throws(
      () => athena('"a,b"'),
      (e: unknown) => e instanceof SqlCompileError && e.message.startsWith('"a,b":'),
    );
    assert.throws(
      () => athena('requestParameters.a\\ b:x'),
      (e: unknown) =>
        e instanceof SqlCompileError &&
        /the key "a b" cannot be written in a JSON path/.test(e.message),
    );
    // Lake has the fields Athena's table lacks.
    assert.match(lake('managementEvent:true').sql, /CAST\(managementEvent AS varchar\)/);
  });

  it('turns wildcards into LIKE patterns with their specials escaped', () => {
    assert.equal(likePattern('a*b'), 'a%b');
    assert.equal(likePattern('100%_x'), '100\\%\\_x');
    assert.equal(likePattern('lit\\*star'), 'lit*star');
    assert.equal(likePattern('back\\\\slash*'), 'back\\\\slash%');
  });

  describe('hostile values cannot change the statement', () => {
    let dir: string;
    let server: TestAwsQueryServer;
    before(async function () {
      this.timeout(120_000);
      dir = mkdtempSync(join(tmpdir(), 'ctl-sql-escape-'));
      await generateBucket({ events: 200, out: dir, seed: 5 });
      server = await new TestAwsQueryServer(dir, 'escape-bucket').start();
    });
    after(async () => {
      await server?.stop();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    const HOSTILE = [
      "x' OR '1'='1",
      "x\\' OR 1=1 --",
      "'); DROP TABLE cloudtrail_logs; --",
      'back\\slash\\',
      "it's",
      "*' OR eventname LIKE '%",
    ];
    for (const value of HOSTILE) {
      for (const dialect of ['athena', 'lake'] as const) {
        it(`${dialect}: ${value}`, async () => {
          const q = `${formatTerm('eventName', value)} OR ${formatTerm('userAgent', value)}`;
          const { sql } = compileQuery(parseQuery(q), {
            dialect,
            from:
              dialect === 'athena'
                ? `${TEST_ATHENA_DATABASE}.${TEST_ATHENA_TABLE}`
                : TEST_EVENT_DATA_STORE,
          });
          // The value appears once per term as one literal with its quotes doubled (case-folded:
          // an ASCII value is written upper-case).
          const literal = `'${value.toUpperCase().replace(/'/g, "''")}'`;
          assert.equal(sql.split(literal).length - 1, 2, sql);
          const run =
            dialect === 'lake'
              ? sql.replace(`FROM ${TEST_EVENT_DATA_STORE}`, `FROM "${TEST_EVENT_DATA_STORE}"`)
              : sql;
          const result = await server.run(run);
          assert.equal(
            result.rows.length,
            0,
            'no record has this value: the statement must return nothing',
          );
          const all = await server.run(
            `SELECT count(*) FROM "${TEST_ATHENA_DATABASE}"."${TEST_ATHENA_TABLE}"`,
          );
          assert.equal(all.rows[0][0], '200', 'the table is intact');
        });
      }
    }

    it('finds a record whose value holds quotes and backslashes, exactly', async () => {
      // A wildcard over a value with a quote: the LIKE pattern keeps it literal.
      const { sql } = compileQuery(parseQuery("userAgent:*'*"), {
        dialect: 'athena',
        from: `${TEST_ATHENA_DATABASE}.${TEST_ATHENA_TABLE}`,
      });
      assert.match(sql, /LIKE '%''%' ESCAPE '\\'/);
      assert.equal((await server.run(sql)).rows.length, 0);
    });
  });

  it('writes the documented table with partition projection, for a trail and an organization trail', () => {
    const ddl = athenaTableDdl({
      bucket: 'trail-bucket',
      prefix: 'org/',
      organizationId: 'o-a1b2c3d4e5',
      accounts: ['444455556666', '111122223333'],
      firstDay: '2024-01-01',
      table: 'security.cloudtrail_logs',
    });
    assert.match(
      ddl,
      /^CREATE EXTERNAL TABLE IF NOT EXISTS `security`.`cloudtrail_logs` \(\n  eventversion STRING,\n  useridentity STRUCT<\n    type: STRING,/,
    );
    assert.match(ddl, /requestparameters STRING,/);
    assert.match(ddl, /resources ARRAY<STRUCT<\n {4}arn: STRING,/);
    assert.match(ddl, /PARTITIONED BY \(account string, region string, `timestamp` string\)/);
    assert.match(ddl, /LOCATION 's3:\/\/trail-bucket\/org\/AWSLogs\/o-a1b2c3d4e5\/'/);
    assert.match(
      ddl,
      /'projection.account.type'='enum',\n {2}'projection.account.values'='111122223333,444455556666'/,
    );
    assert.match(ddl, /'projection.region.type'='injected'/);
    assert.match(ddl, /'projection.timestamp.format'='yyyy\/MM\/dd'/);
    assert.match(ddl, /'projection.timestamp.range'='2024\/01\/01,NOW'/);
    assert.match(
      ddl,
      /'storage.location.template'='s3:\/\/trail-bucket\/org\/AWSLogs\/o-a1b2c3d4e5\/\$\{account\}\/CloudTrail\/\$\{region\}\/\$\{timestamp\}'/,
    );
    const single = athenaTableDdl({ bucket: 'b-1', prefix: '', regions: ['us-east-1'] });
    assert.match(single, /LOCATION 's3:\/\/b-1\/AWSLogs\/'/);
    assert.match(
      single,
      /'storage.location.template'='s3:\/\/b-1\/AWSLogs\/\$\{account\}\/CloudTrail/,
    );
    assert.throws(() => athenaTableDdl({ bucket: 'b-1', prefix: "x'y" }), /prefix/);
  });
});

describe('SQL editor text', () => {
  it('sends the statement without the header comments and the final semicolon', () => {
    assert.equal(
      statementOf(
        "-- Athena (workgroup primary)\n-- Note: x\nSELECT 1\nFROM t -- trailing\nWHERE a = '--';\n",
      ),
      "SELECT 1\nFROM t -- trailing\nWHERE a = '--'",
    );
    assert.equal(statementOf('-- only a comment\n'), '');
  });
});
