// `cloudtrail-lens query` end to end through main(), on a generated bucket whose tally is known.
import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { BucketTally, generateBucket } from '../../../src/core/synthetic/generator';
import { DIGEST_FILE, SHAPE_RECORDS, shapeFiles } from '../../fixtures/shapes';
import { runCli } from '../../support/cli';
import { findEventFiles } from '../../../src/cli/query';
import { CliIo, UsageError } from '../../../src/cli/io';
import { emptyLookedAt } from '../../../src/core/index/fileNotes';

interface Run {
  code: number;
  out: string;
  err: string;
}

const run = (...args: string[]): Promise<Run> => runCli(['query', ...args]);

describe('cloudtrail-lens query', function () {
  this.timeout(120_000);
  let dir: string;
  let bucket: string;
  let tally: BucketTally;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ctl-cli-'));
    bucket = join(dir, 'bucket');
    tally = await generateBucket({ events: 3000, out: bucket, seed: 11 });
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  const count = async (filter: string, path = bucket): Promise<number> => {
    const r = await run(path, '--filter', filter, '--count');
    assert.equal(r.code, 0, r.err);
    return Number(r.out.trim());
  };

  it('counts every event of the bucket', async () => {
    const r = await run(bucket, '--count');
    assert.equal(r.code, 0);
    assert.equal(r.out, `${tally.events}\n`);
    assert.equal(r.err, '');
  });

  it('reads a folder or file given twice (however written) once, with one note', async () => {
    const r = await run(bucket, `${bucket}/`, join(bucket, '.'), '--count', '--no-cache');
    assert.equal(r.code, 0, r.err);
    assert.equal(r.out, `${tally.events}\n`);
    assert.doesNotMatch(r.err, /already loaded/);
    assert.equal(r.err.match(/given more than once; read once/g)?.length, 2, r.err);
  });

  it('reads a folder inside another folder given, or a file inside it, once, with one note each, in either order', async () => {
    const sub = join(bucket, 'AWSLogs');
    const file = join(
      bucket,
      ...Object.keys(tally.fileEvents)
        .find((k) => tally.fileEvents[k] > 0)!
        .split('/'),
    );
    for (const args of [
      [bucket, sub, file],
      [file, sub, bucket],
    ]) {
      const r = await run(...args, '--count', '--no-cache');
      assert.equal(r.code, 0, r.err);
      assert.equal(r.out, `${tally.events}\n`);
      assert.doesNotMatch(r.err, /already loaded/);
      assert.equal(r.err.match(/inside the folder .*, also given; read once/g)?.length, 2, r.err);
    }
  });

  it('still reads a file named inside a folder given when that folder skips it by name', async () => {
    const folder = join(dir, 'named-inside');
    mkdirSync(folder);
    const records = (i: number) => JSON.stringify({ Records: [SHAPE_RECORDS[i]] });
    writeFileSync(join(folder, 'a.json'), records(0));
    writeFileSync(join(folder, 'b.log'), records(1));
    const r = await run(
      folder,
      join(folder, 'b.log'),
      join(folder, 'a.json'),
      '--count',
      '--no-cache',
    );
    assert.equal(r.code, 0, r.err);
    assert.equal(r.out, '2\n');
    assert.equal(
      r.err,
      `note: ${join(folder, 'a.json')}: inside the folder ${folder}, also given; read once\n`,
    );
  });

  it('marks hidden characters of the paths its notes about paths given twice or nested name (one line each)', async () => {
    const folder = join(dir, 'odd\nwarning: forged');
    mkdirSync(join(folder, 'sub'), { recursive: true });
    writeFileSync(join(folder, 'sub', 'a.json'), JSON.stringify({ Records: [SHAPE_RECORDS[0]] }));
    const r = await run(folder, folder, join(folder, 'sub'), '--count', '--no-cache');
    assert.equal(r.code, 0, r.err);
    assert.equal(r.out, '1\n');
    const shown = join(dir, 'odd⟨U+000A⟩warning: forged');
    assert.equal(
      r.err,
      `note: ${shown}: given more than once; read once\n` +
        `note: ${join(shown, 'sub')}: inside the folder ${shown}, also given; read once\n`,
    );
  });

  // Each run loads the bucket afresh; test/unit/index/eventIndex.test.ts checks every tally
  // entry against one index, this checks a spread of them through the command.
  it('counts per event name, account/region, error and data events exactly as the generator wrote them', async () => {
    const names = Object.keys(tally.byEventName).sort(
      (a, b) => tally.byEventName[b] - tally.byEventName[a],
    );
    for (const name of [
      names[0],
      names[5],
      names[names.length - 1],
      'RunInstances',
      'ConsoleLogin',
    ]) {
      assert.equal(await count(`eventName:${name}`), tally.byEventName[name] ?? 0, name);
    }
    const [key, n] = Object.entries(tally.byAccountRegion)[3];
    const [account, region] = key.split('/');
    assert.equal(await count(`recipientAccountId:${account} AND awsRegion:${region}`), n, key);
    assert.equal(await count('errorCode:*'), tally.errors);
    assert.equal(await count('errorCode:AccessDenied'), tally.byErrorCode.AccessDenied);
    assert.equal(await count('eventCategory:Data'), tally.dataEvents);
    assert.equal(await count('type:AssumedRole'), tally.byIdentityType.AssumedRole);
  });

  it('prints each raw record on one line, in time order', async () => {
    const r = await run(bucket, '--filter', 'eventName:AssumeRole');
    assert.equal(r.code, 0);
    const lines = r.out.trimEnd().split('\n');
    assert.equal(lines.length, tally.byEventName.AssumeRole);
    const records = lines.map((l) => JSON.parse(l));
    assert.ok(records.every((x) => x.eventName === 'AssumeRole'));
    const times = records.map((x) => x.eventTime);
    assert.deepEqual(times, [...times].sort());
    // The exact text of the record as stored in its file.
    const key = Object.keys(tally.fileEvents)[0];
    const fileText = gunzipSync(readFileSync(join(bucket, ...key.split('/')))).toString();
    const all = (await run(bucket)).out.trimEnd().split('\n');
    const fromFile = all.filter((l) => fileText.includes(l));
    assert.equal(fromFile.length, tally.fileEvents[key]);
  });

  it('--limit and --desc', async () => {
    const asc = (await run(bucket, '--limit', '5')).out.trimEnd().split('\n');
    const desc = (await run(bucket, '--limit', '5', '--desc')).out.trimEnd().split('\n');
    assert.equal(asc.length, 5);
    assert.equal(JSON.parse(asc[0]).eventTime, tally.firstEventTime);
    assert.equal(JSON.parse(desc[0]).eventTime, tally.lastEventTime);
    assert.equal((await run(bucket, '--limit', '7', '--count')).out, '7\n');
  });

  describe('csv and table', () => {
    let hostile: string;
    before(() => {
      hostile = join(dir, 'hostile');
      mkdirSync(hostile);
      const rec = {
        eventTime: '2024-05-14T00:00:01Z',
        eventName: '=HYPERLINK("http://evil")',
        eventSource: 'a,b "c"',
        userAgent: 'line1\nline2\u001b[31m',
        sourceIPAddress: '203.0.113.9',
        requestParameters: { bucketName: 'b1', tags: ['x', 'y'] },
      };
      // Array values are joined with ';': a spreadsheet set to ';' would see '=cmd' as a cell.
      const joined = {
        ...rec,
        eventTime: '2024-05-14T00:00:02Z',
        eventName: 'GetObject',
        eventSource: 's3.amazonaws.com',
        userAgent: ' @SUM(1)',
        requestParameters: { bucketName: '\u200b=1+1', tags: ['x', "=cmd|' /C calc'!A0"] },
      };
      writeFileSync(join(hostile, 'h.json'), JSON.stringify({ Records: [rec, joined] }));
    });

    it('csv quotes, neutralises formulas and reads record paths', async () => {
      const r = await run(
        hostile,
        '--format',
        'csv',
        '--fields',
        'time,eventName,eventSource,userAgent,requestParameters.bucketName,requestParameters.tags,missing.path',
      );
      assert.equal(r.code, 0, r.err);
      assert.equal(
        r.out,
        'time,eventName,eventSource,userAgent,requestParameters.bucketName,requestParameters.tags,missing.path\r\n' +
          `2024-05-14T00:00:01Z,"'=HYPERLINK(""http://evil"")","a,b ""c""","line1\nline2⟨U+001B⟩[31m",b1,"x;y",\r\n` +
          `2024-05-14T00:00:02Z,GetObject,s3.amazonaws.com,' @SUM(1),'⟨U+200B⟩=1+1,"x;'=cmd|' /C calc'!A0",\r\n`,
      );
    });

    it('warns on stderr about a --fields name that is no column nor record field, as the filter does', async () => {
      const r = await run(
        hostile,
        '--format',
        'csv',
        '--fields',
        'time,principle,user,userIdentity.arnn,requestParameters.bucketName,eventname',
      );
      assert.equal(r.code, 0, r.err);
      const lines = r.err.trimEnd().split('\n');
      assert.equal(lines.length, 3, r.err);
      assert.match(
        lines[0],
        /^warning: --fields principle: .*column.* \(nearest known: principal\b/,
      );
      assert.match(lines[1], /^warning: --fields user: "user" is a filter alias .*not a column/);
      assert.match(
        lines[2],
        /^warning: --fields userIdentity\.arnn: .*nearest known: userIdentity\.arn\b/,
      );
      assert.equal(
        r.out.split('\r\n')[0],
        'time,principle,user,userIdentity.arnn,requestParameters.bucketName,eventname',
      );
      const quiet = await run(
        hostile,
        '--format',
        'table',
        '--fields',
        'principal,detections,originHops',
      );
      assert.equal(quiet.err, '');
    });

    it('table aligns columns and never prints control characters', async () => {
      const r = await run(
        hostile,
        '--format',
        'table',
        '--fields',
        'eventName,userAgent,sourceIPAddress',
      );
      assert.equal(r.code, 0, r.err);
      const lines = r.out.trimEnd().split('\n');
      assert.equal(lines.length, 4);
      assert.match(lines[0], /^eventName\s+userAgent\s+sourceIPAddress$/);
      assert.match(lines[1], /^-+ {2}-+ {2}-+$/);
      assert.ok(!/[\x00-\x08\x0b-\x1f]/.test(r.out));
      assert.match(lines[2], /line1⏎line2⟨U\+001B⟩\[31m/);
      assert.equal(lines[0].indexOf('userAgent'), lines[2].indexOf('line1'));
    });

    it('prints numbers in summary columns as the record writes them, as record paths do, from a delivered file or JSON lines', async () => {
      // Forged records: CloudTrail writes these fields as strings. A double would print
      // 12345678901234567890 as 12345678901234567000, 1E2 as 100, -0 as 0, 3600.0 as 3600.
      const numbers = join(dir, 'numbers');
      mkdirSync(numbers);
      const records = [
        '{"eventVersion":"1.08","eventTime":"2024-05-14T00:00:01Z","eventName":"GetObject","recipientAccountId":12345678901234567890,"errorCode":1E2,"userAgent":-0,"userIdentity":{"type":"IAMUser","userName":"u","accountId":3600.0},"requestParameters":{"bucketName":1e400}}',
        '{"eventVersion":"1.08","eventTime":"2024-05-14T00:00:02Z","eventName":"GetObject","recipientAccountId":443,"errorCode":100,"userAgent":0}',
      ];
      writeFileSync(join(numbers, 'delivered.json'), `{"Records":[${records.join(',')}]}`);
      writeFileSync(join(numbers, 'lines.jsonl'), records.join('\n') + '\n');
      const fields =
        'account,errorCode,userAgent,recipientAccountId,requestParameters.bucketName,userIdentity.accountId';
      const rows = [
        '12345678901234567890,1E2,-0,12345678901234567890,1e400,3600.0',
        '443,100,0,443,,',
      ];
      const csv = (lines: string[]) => [fields, ...lines].map((l) => `${l}\r\n`).join('');
      const expected = csv(rows);
      for (const file of ['delivered.json', 'lines.jsonl']) {
        const r = await run(
          join(numbers, file),
          '--format',
          'csv',
          '--fields',
          fields,
          '--no-cache',
        );
        assert.equal(r.code, 0, r.err);
        assert.equal(r.out, expected, file);
      }
      const table = await run(numbers, '--format', 'table', '--fields', 'account,errorCode');
      assert.match(table.out, /^12345678901234567890 +1E2$/m);
      // Kept so through the index cache: its snapshot (nothing changed), then its pack (a file added).
      const cacheDir = join(dir, 'numbers-cache');
      const cached = () =>
        run(numbers, '--format', 'csv', '--fields', fields, '--cache-dir', cacheDir);
      const fresh = await cached();
      assert.equal(fresh.out, csv(rows.flatMap((row) => [row, row])), 'each record in both files');
      assert.equal((await cached()).out, fresh.out, 'from the snapshot');
      writeFileSync(join(numbers, 'added.jsonl'), '');
      assert.equal((await cached()).out, fresh.out, 'from the pack');
      const count = await run(
        numbers,
        '--filter',
        'errorCode:100',
        '--count',
        '--cache-dir',
        cacheDir,
      );
      assert.equal(count.out, '4\n', 'a number kept as written is matched by its value');
    });

    it('table on the bucket has one line per event plus the header', async () => {
      const r = await run(bucket, '--format', 'table', '--filter', 'eventName:ConsoleLogin');
      assert.equal(r.out.trimEnd().split('\n').length, 2 + tally.consoleLogins);
    });
  });

  describe('bad input', () => {
    it('exits 2 on a bad filter and shows where', async () => {
      const r = await run(bucket, '--filter', 'eventName:(RunInstances');
      assert.equal(r.code, 2);
      assert.match(r.err, /bad filter/);
      assert.match(r.err, /\n {2}\s*\^/);
      assert.equal(r.out, '');
    });
    // BUCKET stands for the generated bucket's folder (created in before()).
    for (const [args, message] of [
      [['--count'], /at least one file or folder/],
      [['BUCKET', '--format', 'xml'], /--format must be jsonl, csv or table/],
      [['BUCKET', '--limit', 'ten'], /--limit must be a whole number/],
      [['BUCKET', '--frobnicate'], /unknown option --frobnicate/],
      [['BUCKET', '--filter'], /--filter needs a value/],
      [['BUCKET/nope'], /no such file or folder/],
      [['BUCKET', '--fields', 'eventName'], /--fields applies to --format csv or table/],
      // --engine's window, accounts, regions and service would be ignored on files: every event
      // of the paths would be printed while the user believes them limited.
      [['BUCKET', '--start-time', '2024-05-14', '--count'], /--start-time applies to --engine/],
      [['BUCKET', '--end-time=2024-05-14'], /--end-time applies to --engine/],
      [['BUCKET', '--in-region', 'us-east-1'], /--in-region applies to --engine.*region:/],
      [['BUCKET', '--account', '123456789012'], /--account applies to --engine.*account:/],
      [['BUCKET', '--max-files', '3'], /--max-files applies to --engine/],
      // Not "TypeError: Invalid URL" from the SDK.
      [['s3://bucket', '--endpoint', 'notaurl'], /--endpoint must be a URL starting with https:/],
      [['s3://bucket', '--endpoint=localhost:9000'], /--endpoint must be a URL/],
    ] as const) {
      it(`exits 2: ${args.join(' ')}`, async () => {
        const r = await run(...args.map((a) => a.replace('BUCKET', bucket)));
        assert.equal(r.code, 2);
        assert.match(r.err, message);
      });
    }

    it('an endpoint that is no URL is refused without echoing its password', async () => {
      for (const endpoint of ['bob:hunter2@127.0.0.1:9000', 'http://bob:hun/ter2@127.0.0.1:9000']) {
        const r = await run('s3://bucket', '--endpoint', endpoint);
        assert.equal(r.code, 2);
        assert.match(r.err, /--endpoint must be a URL/);
        assert.ok(!/hunter2|hun\/ter2|ter2/.test(r.err), r.err);
        assert.match(r.err, /<redacted>@127\.0\.0\.1:9000/);
      }
    });

    it('lists unreadable files on stderr and still answers from the others', async () => {
      const mixed = join(dir, 'mixed');
      mkdirSync(mixed);
      const key = Object.keys(tally.fileEvents)[1];
      writeFileSync(join(mixed, 'good.json.gz'), readFileSync(join(bucket, ...key.split('/'))));
      writeFileSync(
        join(mixed, 'broken.json.gz'),
        Buffer.from([0x1f, 0x8b, 8, 0, 1, 2, 3, 4, 5, 6, 7]),
      );
      writeFileSync(join(mixed, 'trails.json'), '{"trailList":[]}');
      const r = await run(mixed, '--count');
      assert.equal(r.code, 0);
      assert.equal(r.out, `${tally.fileEvents[key]}\n`);
      assert.match(r.err, /broken\.json\.gz: not valid gzip data/);
      assert.match(r.err, /trails\.json: not CloudTrail: a JSON object without a "Records" array/);
      assert.match(r.err, /2 of 3 event files could not be read/);
    });

    it('exits 1 when no event file can be read', async () => {
      const only = join(dir, 'only-bad');
      mkdirSync(only);
      writeFileSync(join(only, 'x.json'), '[1,2');
      const r = await run(only, '--count');
      assert.equal(r.code, 1);
      assert.match(r.err, /x\.json:1:5: truncated JSON: the file ends in the middle of a value\n/);
      assert.match(
        r.err,
        /No CloudTrail events were read from \S+only-bad\. Looked at 1 file: 1 file could not be read as CloudTrail events/,
      );
    });

    it('names the place and the reason of a JSON error: file:line:column', async () => {
      const f = join(dir, 'trailing-comma.json');
      writeFileSync(f, '{"Records":[\n  {"eventName":"A","eventSource":"s3.amazonaws.com"},\n]}\n');
      const r = await run(f, '--count');
      assert.equal(r.code, 1);
      assert.equal(
        r.err.split('\n')[0],
        `${f}:3:1: invalid JSON: a trailing comma before "]" (JSON allows none)`,
      );
    });

    it('says what a folder with nothing readable held and why each file was skipped, and exits 1', async () => {
      const logs = join(dir, 'only-logs');
      mkdirSync(logs);
      const lines = SHAPE_RECORDS.slice(0, 3)
        .map((r) => JSON.stringify(r))
        .join('\n');
      writeFileSync(join(logs, 'cloudtrail-1.log'), lines);
      writeFileSync(join(logs, 'cloudtrail-2.log'), lines);
      writeFileSync(join(logs, 'notes.txt'), 'x');
      writeFileSync(
        join(logs, '111122223333_CloudTrail-Digest_us-east-1_t_us-east-1_20240514T100000Z.json.gz'),
        DIGEST_FILE,
      );
      const r = await run(logs, '--count');
      assert.equal(r.code, 1);
      assert.equal(r.out, '');
      assert.equal(
        r.err,
        `No CloudTrail events were read from ${logs}. Looked at 4 files: 1 digest file, which holds no events (check it with validate); 3 files skipped by name (2 .log, 1 .txt): in folders only .json, .json.gz, .jsonl and .ndjson files and CloudTrail's own file names are read; name such a file on the command line, or add --include '*.log' (its pattern).\n`,
      );
      const included = await run(logs, '--count', '--include', '*.log');
      assert.equal(included.code, 0, included.err);
      assert.equal(included.out, '3\n');
    });

    it('says which files it skipped by name when others loaded, so records under another name are not unseen', async () => {
      const logs = join(dir, 'logs-and-other-names');
      mkdirSync(logs);
      const lines = SHAPE_RECORDS.slice(0, 3)
        .map((r) => JSON.stringify(r))
        .join('\n');
      writeFileSync(join(logs, 'events.jsonl'), lines);
      writeFileSync(join(logs, 'more-events.txt'), lines);
      const r = await run(logs, '--count');
      assert.equal(r.code, 0, r.err);
      assert.equal(r.out, '3\n');
      assert.equal(
        r.err,
        "note: 1 file skipped by name (1 .txt): in folders only .json, .json.gz, .jsonl and .ndjson files and CloudTrail's own file names are read; name such a file on the command line, or add --include '*.log' (its pattern)\n",
      );
    });

    it('lists a folder as the load reads it, after checking every path', async () => {
      const root = join(dir, 'listed-lazily');
      mkdirSync(join(root, 'a'), { recursive: true });
      mkdirSync(join(root, 'b'));
      const lines = SHAPE_RECORDS.slice(0, 2)
        .map((r) => JSON.stringify(r))
        .join('\n');
      writeFileSync(join(root, 'a', 'first.jsonl'), lines);
      const io: CliIo = { out: () => {}, err: () => {}, stderrIsTTY: false };
      // A path that does not exist is a usage error before any folder is listed.
      await assert.rejects(
        findEventFiles([root, join(dir, 'no-such')], {}, emptyLookedAt(), [], false, io),
        (e: Error) => e instanceof UsageError && /no-such: no such file or folder/.test(e.message),
      );
      const looked = emptyLookedAt();
      const files = (await findEventFiles([root], {}, looked, [], false, io))[
        Symbol.asyncIterator
      ]();
      const first = await files.next();
      assert.equal(first.done, false);
      assert.equal(first.value.object.key, 'a/first.jsonl');
      // b/ is listed only once the load asks for the file after a/'s: one written now is found.
      writeFileSync(join(root, 'b', 'second.jsonl'), lines);
      const rest: string[] = [];
      for (let n = await files.next(); !n.done; n = await files.next())
        rest.push(n.value.object.key);
      assert.deepEqual(rest, ['b/second.jsonl']);
    });

    it('says a digest file given to query is one, and to use validate', async () => {
      const f = join(dir, 'digest.json');
      writeFileSync(f, DIGEST_FILE);
      const r = await run(f, '--count');
      assert.equal(r.code, 1);
      assert.match(
        r.err,
        /digest\.json: a CloudTrail digest file \(the integrity chain\), not events: check it with `cloudtrail-lens validate`/,
      );
      const byName = join(
        dir,
        '111122223333_CloudTrail-Digest_us-east-1_t_us-east-1_20240514T100000Z.json.gz',
      );
      writeFileSync(byName, DIGEST_FILE);
      const named = await run(byName, '--count');
      assert.equal(named.code, 1);
      assert.match(
        named.err,
        /CloudTrail-Digest_.*\.json\.gz: a CloudTrail digest file \(the integrity chain\), not events/,
      );
    });

    it('notes what each file is, its events without a time, and what a time filter leaves out; warns about the filter', async () => {
      const shapes = join(dir, 'shapes');
      mkdirSync(shapes);
      writeFileSync(join(shapes, 'lookup.jsonl'), shapeFiles()['lookup-events.jsonl']);
      const r = await run(shapes, '--count', '--filter', 'eventTime>=2024-05-14 usr:bob or x');
      assert.equal(r.code, 0, r.err);
      assert.equal(r.out, '0\n');
      assert.equal(
        r.err,
        [
          `warning: filter col 23 (usr:bob): "usr" is neither an alias nor a CloudTrail record field: only records that have it can match (nearest known: user)`,
          'warning: filter col 31 (or): "or" is searched as a word: write OR (upper case) to combine terms',
          `note: ${join(shapes, 'lookup.jsonl')}: 8 lookup-events Event objects, one per line: each record is the Event's CloudTrailEvent`,
          `note: ${join(shapes, 'lookup.jsonl')}: 1 event without a readable eventTime: listed last, marked "no time", and outside every time range`,
          'note: 1 event without a readable eventTime never matches a time term',
          '',
        ].join('\n'),
      );
    });

    it('reads a single file given by path, whatever its name', async () => {
      const key = Object.keys(tally.fileEvents)[2];
      assert.equal(await count('', join(bucket, ...key.split('/'))), tally.fileEvents[key]);
    });
  });
});
