// `cloudtrail-lens sql`, `athena-ddl` and `query --engine athena|lake` end to end: the S3 test
// server serves a generated bucket, the loopback Athena/CloudTrail server runs the SQL on DuckDB
// over the same files.
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateBucket, ORGANIZATION_ID } from '../../../src/core/synthetic/generator';
import {
  TEST_ATHENA_DATABASE,
  TEST_ATHENA_TABLE,
  TEST_EVENT_DATA_STORE,
  TestAwsQueryServer,
} from '../../support/awsQueryServer';
import { S3RVER_CREDENTIALS, TestS3Server } from '../../support/s3server';
import { runCli } from '../../support/cli';
import { main } from '../../../src/cli/main';

const BUCKET = 'cli-sql-bucket';

const run = runCli;

describe('cloudtrail-lens sql / athena-ddl / query --engine', function () {
  this.timeout(180_000);
  let dir: string;
  let s3: TestS3Server;
  let aws: TestAwsQueryServer;
  const saved: Record<string, string | undefined> = {};
  const ENV = {
    AWS_ACCESS_KEY_ID: S3RVER_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: S3RVER_CREDENTIALS.secretAccessKey,
    AWS_REGION: 'us-east-1',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_PROFILE: undefined,
    AWS_SESSION_TOKEN: undefined,
  };

  before(async () => {
    for (const [k, v] of Object.entries(ENV)) {
      saved[k] = process.env[k];
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    dir = mkdtempSync(join(tmpdir(), 'ctl-cli-sql-'));
    await generateBucket({ events: 600, out: dir, seed: 21 });
    s3 = await new TestS3Server([BUCKET]).start();
    await s3.uploadFolder(BUCKET, dir);
    aws = await new TestAwsQueryServer(dir, BUCKET).start();
  });

  after(async () => {
    await aws?.stop();
    await s3?.dispose();
    if (dir) rmSync(dir, { recursive: true, force: true });
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });

  it('sql prints one SELECT (no LIMIT unless asked) and its notes on stderr', async () => {
    const r = await run([
      'sql',
      '--dialect',
      'athena',
      '--filter',
      'eventName:ConsoleLogin',
      '--start-time',
      '2024-05-14',
      '--end-time',
      '2024-05-14',
      '--account',
      '111122223333',
      '--region',
      'us-east-1,eu-west-1',
    ]);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /^SELECT eventid, eventtime, "\$path"\nFROM "cloudtrail_logs"\nWHERE /);
    assert.equal(r.out.match(/SELECT/g)?.length, 1);
    assert.doesNotMatch(r.out, /LIMIT/);
    assert.match(r.out, /"timestamp" BETWEEN '2024\/05\/14' AND '2024\/05\/15'/);
    assert.match(r.out, /region IN \('us-east-1', 'eu-west-1'\)/);
    const lake = await run([
      'sql',
      '--dialect',
      'lake',
      '--event-data-store',
      TEST_EVENT_DATA_STORE,
      '--filter',
      'alice',
      '--limit',
      '5',
    ]);
    assert.equal(lake.code, 0, lake.err);
    assert.match(lake.out, /^SELECT eventID, eventTime\nFROM a1b2c3d4-/);
    assert.match(lake.out, /LIMIT 5;\n$/);
    assert.match(lake.err, /^note: Free text searches/);
  });

  it('sql refuses what it cannot express, naming the term (exit 2)', async () => {
    const r = await run([
      'sql',
      '--dialect',
      'athena',
      '--filter',
      'eventName:X managementEvent:true',
    ]);
    assert.equal(r.code, 2);
    assert.equal(r.out, '');
    assert.match(
      r.err,
      /cannot compile to Athena SQL: managementEvent:true: managementEvent is not a column/,
    );
    assert.equal(
      (await run(['sql', '--dialect', 'lake'])).code,
      2,
      'lake needs an event data store',
    );
    assert.match(
      (await run(['sql', '--dialect', 'athena', '--filter', 'a:(b'])).err,
      /bad filter: /,
    );
    // A window that ends before it starts compiles to a statement matching nothing: refused.
    for (const [start, end] of [
      ['2024-05-15', '2024-05-14'],
      ['2024-05-14T10:00:00Z', '2024-05-14T09:59:59Z'],
    ]) {
      const reversed = await run([
        'sql',
        '--dialect',
        'athena',
        '--start-time',
        start,
        '--end-time',
        end,
      ]);
      assert.equal(reversed.code, 2, reversed.out);
      assert.equal(reversed.out, '');
      assert.match(reversed.err, /--start-time must be before --end-time/);
    }
    const oneSecond = await run([
      'sql',
      '--dialect',
      'athena',
      '--start-time',
      '2024-05-14T10:00:00Z',
      '--end-time',
      '2024-05-14T10:00:00Z',
    ]);
    assert.equal(oneSecond.code, 0, oneSecond.err);
    const endpoint = await run(['athena-ddl', 's3://bucket', '--endpoint', 'minio:9000']);
    assert.equal(endpoint.code, 2);
    assert.match(endpoint.err, /--endpoint must be a URL starting with https:\/\/ or http:\/\//);
  });

  it('athena-ddl lists the bucket for accounts, regions and the first day; an organization trail on request', async () => {
    const r = await run([
      'athena-ddl',
      `s3://${BUCKET}`,
      '--endpoint',
      s3.endpoint,
      '--bucket-region',
      'us-east-1',
    ]);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /LOCATION 's3:\/\/cli-sql-bucket\/AWSLogs\/'/);
    assert.match(r.out, /'projection.account.values'='111122223333'/);
    assert.match(
      r.out,
      /'projection.region.values'='ap-southeast-2,eu-west-1,us-east-1,us-west-2'/,
    );
    assert.match(r.out, /'projection.timestamp.range'='2024\/05\/14,NOW'/);
    assert.match(r.err, new RegExp(`--organization ${ORGANIZATION_ID}`));
    const org = await run([
      'athena-ddl',
      `s3://${BUCKET}/AWSLogs/${ORGANIZATION_ID}`,
      '--endpoint',
      s3.endpoint,
      '--bucket-region',
      'us-east-1',
    ]);
    assert.equal(org.code, 0, org.err);
    assert.match(org.out, new RegExp(`LOCATION 's3://cli-sql-bucket/AWSLogs/${ORGANIZATION_ID}/'`));
    assert.match(org.out, /'projection.account.values'='444455556666,777788889999'/);
    assert.match(
      org.out,
      new RegExp(
        `'storage.location.template'='s3://cli-sql-bucket/AWSLogs/${ORGANIZATION_ID}/\\$\\{account\\}/CloudTrail/\\$\\{region\\}/\\$\\{timestamp\\}'`,
      ),
    );
  });

  /** `query --engine lake` counting the failed calls (the test server's event data store). */
  const lakeErrorCount = () => [
    'query',
    '--engine',
    'lake',
    '--service-endpoint',
    aws.endpoint,
    '--region',
    'us-east-1',
    '--event-data-store',
    TEST_EVENT_DATA_STORE,
    '--filter',
    'error:*',
    '--count',
  ];
  const engineArgs = (extra: string[]) => [
    'query',
    '--engine',
    'athena',
    '--service-endpoint',
    aws.endpoint,
    '--endpoint',
    s3.endpoint,
    '--region',
    'us-east-1',
    '--table',
    `${TEST_ATHENA_DATABASE}.${TEST_ATHENA_TABLE}`,
    ...extra,
  ];

  it('query --engine athena: few files are downloaded and exactly the matched events printed as stored', async () => {
    const local = await run([
      'query',
      dir,
      '--filter',
      'eventName:ConsoleLogin',
      '--format',
      'csv',
      '--fields',
      'eventID',
    ]);
    const mark = s3.requests.length;
    const r = await run(
      engineArgs(['--filter', 'eventName:ConsoleLogin', '--format', 'csv', '--fields', 'eventID']),
    );
    assert.equal(r.code, 0, r.err);
    assert.equal(r.out, local.out);
    assert.match(r.err, /matched events from \d+ log files, printed as stored/);
    const gets = s3.since(mark).filter((q) => q.method === 'GET' && !q.query.includes('list-type'));
    const files = Number(/from (\d+) log files/.exec(r.err)![1]);
    assert.equal(gets.length, files, 'only the matched files are downloaded');
    // Records as stored: the jsonl is the raw record.
    const jsonl = await run(engineArgs(['--filter', 'eventName:ConsoleLogin', '--limit', '1']));
    assert.equal(
      jsonl.out,
      (await run(['query', dir, '--filter', 'eventName:ConsoleLogin', '--limit', '1'])).out,
    );
  });

  it('query --engine athena: above --max-files, records rebuilt from the table', async () => {
    const local = await run([
      'query',
      dir,
      '--filter',
      'readOnly:false',
      '--format',
      'csv',
      '--fields',
      'eventID,eventName,account',
    ]);
    const r = await run(
      engineArgs([
        '--filter',
        'readOnly:false',
        '--max-files',
        '3',
        '--format',
        'csv',
        '--fields',
        'eventID,eventName,account',
      ]),
    );
    assert.equal(r.code, 0, r.err);
    assert.match(r.err, /rebuilt from the table's columns/);
    assert.deepEqual(r.out.split('\n').sort(), local.out.split('\n').sort());
  });

  it('query --engine lake prints the rebuilt records; a missing table is a sentence with the way out', async () => {
    const local = await run(['query', dir, '--filter', 'error:*', '--count']);
    const r = await run(lakeErrorCount());
    assert.equal(r.code, 0, r.err);
    assert.equal(r.out, local.out);
    const missing = await run(engineArgs(['--table', 'nope']));
    assert.equal(missing.code, 1);
    assert.match(
      missing.err,
      /Athena: the table default.nope does not exist. Create it with the DDL/,
    );
  });

  it('query --engine on a terminal: the progress line is rewritten by its own controls, not shown as markers', async () => {
    let err = '';
    let control = '';
    const code = await main(lakeErrorCount(), {
      out: () => {},
      err: (t) => void (err += t),
      control: (t) => void (control += t),
      stderrIsTTY: true,
      stdoutIsTTY: false,
    });
    assert.equal(code, 0, err);
    assert.match(err, /CloudTrail Lake: /);
    assert.doesNotMatch(err, /⟨U\+00(0D|1B)⟩/, err);
    assert.ok(control.includes('\r\u001b[K'), JSON.stringify(control));
  });
});
