// Every shape CloudTrail evidence arrives in (test/fixtures/shapes.ts) loads with the exact
// record count, indexes the same values as the delivered form (read by the fast scanner), gives
// the same results on a set of filters, hands back each record's raw text, and says once what
// the file is; JSON that is not CloudTrail is refused at file level and never counted.
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventIndex } from '../../../src/core/index/eventIndex';
import { noteText } from '../../../src/core/index/fileNotes';
import { parseQuery } from '../../../src/core/query/parse';
import { loadEventFiles } from '../../../src/core/ingest/load';
import { InlineRunner } from '../../../src/core/ingest/pool';
import { discover } from '../../../src/core/sources/discover';
import { FolderSource } from '../../../src/core/sources/folder';
import {
  DIGEST_FILE,
  NOT_CLOUDTRAIL,
  SHAPE_FILTERS,
  SHAPE_RECORDS,
  shapeFiles,
} from '../../fixtures/shapes';

async function loadFiles(
  files: Record<string, string | Uint8Array>,
): Promise<{ index: EventIndex; dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'ctl-shapes-'));
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  const runner = new InlineRunner();
  const index = new EventIndex({ runner });
  await loadEventFiles(
    index,
    runner,
    (
      await discover(new FolderSource(dir), {
        objects: Object.keys(files).map((key) => ({ kind: 'object', key, size: 0 })),
      })
    ).events,
  );
  return { index, dir };
}

/** The eventIDs a filter selects, sorted. */
async function selected(index: EventIndex, filter: string): Promise<string[]> {
  const rows = (await index.query(parseQuery(filter))).rows;
  return Array.from(rows, (r) => String(index.value(r, 'eventID'))).sort();
}

const ALL = SHAPE_RECORDS.length;

/** What each shape's file says about itself (its notes), beyond the events. */
const NOTES: Record<string, RegExp[]> = {
  'delivered.json': [],
  'lookup-events.json': [
    /^aws cloudtrail lookup-events output: each record is an Event's CloudTrailEvent$/,
  ],
  'lookup-events-array.json': [
    /^a JSON array of lookup-events Event objects: each record is the Event's CloudTrailEvent$/,
  ],
  'lookup-events.jsonl': [
    /^8 lookup-events Event objects, one per line: each record is the Event's CloudTrailEvent$/,
  ],
  'eventbridge-array.json': [
    /^8 EventBridge events \("AWS API Call via CloudTrail", "AWS Console Sign In via CloudTrail", "AWS Insight via CloudTrail"\): each record is an event's detail$/,
  ],
  'eventbridge.jsonl': [/^8 EventBridge events/],
  'eventbridge-single.json': [/^1 EventBridge event \("AWS API Call via CloudTrail"\)/],
  'cloudwatch-logs-payload.json': [
    /^1 CloudWatch Logs subscription payload from log group aws-cloudtrail-logs-111122223333: each record is a log event's message$/,
  ],
  'cloudwatch-logs-payload.json.gz': [/^1 CloudWatch Logs subscription payload/],
  'firehose-cloudwatch-logs.gz': [
    /^2 CloudWatch Logs subscription payloads back to back \(as Kinesis Data Firehose writes them\)/,
    /^1 CONTROL_MESSAGE payload skipped \(CloudWatch Logs checking its destination; no events\)$/,
  ],
  'concatenated.json': [/^2 delivered log files \(\{"Records":\[…\]\}\) back to back$/],
  'concatenated-multi-member.json.gz': [/^2 delivered log files/],
  'delivered-per-line.jsonl': [/^2 delivered log files/],
  'athena-lower-case.jsonl': [
    /^fields renamed by a pipeline, read under CloudTrail's names: eventversion → eventVersion, useridentity → userIdentity, eventtime → eventTime, eventsource → eventSource, eventname → eventName, awsregion → awsRegion and 3\d more$/,
  ],
  'logstash.jsonl': [
    /^fields renamed by a pipeline, read under CloudTrail's names: @timestamp → eventTime$/,
  ],
  'utf16-powershell.json': [
    /^UTF-16 little-endian \(as a PowerShell ">" redirect writes\) text, decoded$/,
  ],
};

describe('every shape of CloudTrail evidence', function () {
  this.timeout(60_000);
  const shapes = shapeFiles();
  const loaded = new Map<string, EventIndex>();
  const dirs: string[] = [];

  before(async () => {
    for (const [name, content] of Object.entries(shapes)) {
      const { index, dir } = await loadFiles({ [name]: content });
      loaded.set(name, index);
      dirs.push(dir);
    }
  });
  after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('covers every shape the fixtures make, and says what each file is', () => {
    assert.deepEqual(Object.keys(NOTES).sort(), Object.keys(shapes).sort());
    for (const [name, expected] of Object.entries(NOTES)) {
      const file = loaded.get(name)!.files[0];
      assert.equal(file.notes.length, expected.length, `${name}: ${JSON.stringify(file.notes)}`);
      expected.forEach((re, i) => assert.match(file.notes[i], re, name));
    }
  });

  it('loads each with the exact record count and no problem', () => {
    for (const [name, index] of loaded) {
      assert.deepEqual(index.problems.map(noteText), [], name);
      assert.equal(index.files[0].state, 'loaded', name);
      assert.equal(index.eventCount, name === 'eventbridge-single.json' ? 1 : ALL, name);
      // One record has no eventTime at all: every shape says so.
      assert.equal(index.files[0].untimed, name === 'eventbridge-single.json' ? 0 : 1, name);
    }
  });

  it('indexes the same values as the delivered form (read by the fast scanner) for every event', () => {
    const reference = loaded.get('delivered.json')!;
    assert.equal(reference.files[0].shape, 'records');
    const byId = (index: EventIndex) =>
      new Map(
        Array.from(index.order(), (r) => [
          String(index.value(r, 'eventID')),
          { ...index.summary(r), row: 0, fileId: 0, fileKey: '' },
        ]),
      );
    const expected = byId(reference);
    for (const [name, index] of loaded) {
      for (const [id, summary] of byId(index))
        assert.deepEqual(summary, expected.get(id), `${name}: ${id}`);
    }
  });

  for (const filter of SHAPE_FILTERS) {
    it(`gives the delivered form's result for ${filter || '(no filter)'}`, async () => {
      const expected = await selected(loaded.get('delivered.json')!, filter);
      assert.ok(
        filter === '' || (expected.length > 0 && expected.length < ALL),
        `the filter splits the events: ${expected.length}`,
      );
      for (const [name, index] of loaded) {
        if (name === 'eventbridge-single.json') continue;
        assert.deepEqual(await selected(index, filter), expected, name);
      }
    });
  }

  it('hands back every record as its raw JSON (the embedded string of lookup-events and CloudWatch Logs)', async () => {
    const original = new Map(SHAPE_RECORDS.map((r) => [r.eventID as string, r]));
    for (const name of [
      'delivered.json',
      'lookup-events.json',
      'lookup-events-array.json',
      'lookup-events.jsonl',
      'eventbridge-array.json',
      'eventbridge.jsonl',
      'cloudwatch-logs-payload.json.gz',
      'firehose-cloudwatch-logs.gz',
      'concatenated.json',
      'concatenated-multi-member.json.gz',
      'delivered-per-line.jsonl',
      'utf16-powershell.json',
    ]) {
      const index = loaded.get(name)!;
      const rows = index.order();
      const raws = await index.rawRecords(rows);
      raws.forEach((raw, i) =>
        assert.deepEqual(
          JSON.parse(raw),
          original.get(String(index.value(rows[i], 'eventID'))),
          name,
        ),
      );
    }
    // The lookup-events record is the CloudTrailEvent string itself, escapes and all.
    const lookup = loaded.get('lookup-events.json')!;
    const [raw] = await lookup.rawRecords([lookup.order()[1]]);
    assert.match(
      raw,
      /"errorMessage":"Value \\u0027X\\u0027 for parameter a\\u0026b\\u003cc\\u003ed\\u003de is invalid"/,
    );
  });

  it('reads an Insights event as the API it is about, with its type and state', async () => {
    const index = loaded.get('delivered.json')!;
    const [row] = (await index.query(parseQuery('eventType:AwsCloudTrailInsight'))).rows;
    const s = index.summary(row);
    assert.deepEqual(
      [s.eventName, s.eventSource, s.principal],
      ['GetObject', 's3.amazonaws.com', 'CloudTrail Insights: ApiCallRateInsight (Start)'],
    );
    assert.deepEqual(await selected(index, 'eventName:GetObject'), [
      '0b1a4e1c-0001-4000-8000-000000000001',
      '0b1a4e1c-0007-4000-8000-000000000007',
    ]);
  });
});

describe('a record nested too deep, in every shape', function () {
  this.timeout(120_000);
  // 2,000 levels of arrays in requestParameters: past the 512 a record may have (the matchers,
  // explanations and output recurse). It stands second, so the one-event EventBridge file keeps
  // an ordinary record.
  const nested = (d: number): unknown => (d === 0 ? 'bottom' : [nested(d - 1)]);
  const deep = {
    ...SHAPE_RECORDS[0],
    eventID: '0b1a4e1c-dddd-4000-8000-00000000dddd',
    requestParameters: { policy: nested(2000) },
  };
  const records = [SHAPE_RECORDS[0], deep, ...SHAPE_RECORDS.slice(1)];

  it('is left out and named, whatever the shape, and the others load and answer queries on any field', async () => {
    for (const [name, content] of Object.entries(shapeFiles(records))) {
      const { index, dir } = await loadFiles({ [name]: content });
      try {
        const single = name === 'eventbridge-single.json';
        assert.equal(index.eventCount, single ? 1 : ALL, name);
        assert.equal(index.files[0].state, 'loaded', name);
        const problems = index.problems.map(noteText);
        if (single) assert.deepEqual(problems, [], name);
        else {
          assert.equal(problems.length, 1, `${name}: ${JSON.stringify(problems)}`);
          assert.match(
            problems[0],
            /1 element\(s\) skipped: (record 1|Events\[1\]|element 1|element 1: detail|line 2|line 2: detail|logEvents\[1\]|line \d+: (logEvents\[\d\]|record 1)) is nested more than 512 levels deep; skipped/,
            name,
          );
        }
        // Non-indexed fields and free text are read from the raw records: they work.
        assert.deepEqual(
          await selected(index, 'requestParameters.bucketName:prod-data'),
          ['0b1a4e1c-0001-4000-8000-000000000001'],
          name,
        );
        assert.deepEqual(await selected(index, 'bottom'), [], name);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
  });

  it('is found inside a lookup-events string even when the file is large enough to be measured, not walked', async () => {
    // 17 MB of text: the file is measured (its own nesting is shallow) and its records are not
    // walked for depth, but a record read from a CloudTrailEvent string always is.
    const padded: Record<string, unknown> = {
      ...SHAPE_RECORDS[2],
      userAgent: 'x'.repeat(17 * 1024 * 1024),
    };
    const text = JSON.stringify({
      Events: ([padded, deep] as Record<string, unknown>[]).map((r) => ({
        EventId: r.eventID,
        CloudTrailEvent: JSON.stringify(r),
      })),
    });
    const { index, dir } = await loadFiles({ 'lookup-events.json': text });
    try {
      assert.equal(index.eventCount, 1);
      assert.match(
        index.problems.map(noteText).join(' | '),
        /Events\[1\] is nested more than 512 levels deep; skipped/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a file holding only records nested too deep is reported as such, not as JSON that is not CloudTrail', async () => {
    const { index, dir } = await loadFiles({
      'lookup-events.jsonl': shapeFiles([deep])['lookup-events.jsonl'],
    });
    try {
      assert.equal(index.eventCount, 0);
      assert.deepEqual(
        index.problems.map((p) => [p.code, p.severity]),
        [['skipped-elements', 'warning']],
      );
      assert.match(
        index.problems[0].message,
        /the record is nested more than 512 levels deep; skipped/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('files that hold no CloudTrail events', function () {
  it('refuses JSON that is not CloudTrail at file level, saying what it is, and counts none of it', async () => {
    const { index, dir } = await loadFiles({ ...NOT_CLOUDTRAIL, 'digest.json': DIGEST_FILE });
    try {
      assert.equal(index.eventCount, 0);
      const problems = Object.fromEntries(
        index.problems.map((p) => [p.key, `${p.code}: ${p.message}`]),
      );
      assert.deepEqual(problems, {
        's3-event-notification.json':
          'not-cloudtrail: not CloudTrail: an AWS event notification ("eventSource": "aws:s3"), not a CloudTrail record',
        'only-event-name.json':
          'not-cloudtrail: not CloudTrail: a JSON object with only an "eventName" field of a CloudTrail record, not a record',
        'describe-trails.json':
          'not-cloudtrail: not CloudTrail: a JSON object without a "Records" array or any field of a CloudTrail record (keys "trailList")',
        'digest.json':
          'digest: a CloudTrail digest file (the integrity chain), not events: check it with `cloudtrail-lens validate` (or Validate Digests Here)',
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('names the encoding of a file it cannot decode', async () => {
    const utf32 = Buffer.concat([
      Buffer.from([0xff, 0xfe, 0, 0]),
      Buffer.from('{', 'utf16le'),
      Buffer.alloc(2),
    ]);
    const { index, dir } = await loadFiles({ 'utf32.json': utf32 });
    try {
      assert.deepEqual(
        index.problems.map((p) => [p.code, p.message]),
        [
          [
            'encoding',
            'the file is UTF-32 text, which is not read: convert it to UTF-8 (e.g. iconv -f UTF-32 -t UTF-8)',
          ],
        ],
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('a file with bytes that are not UTF-8', function () {
  it('loads, and says that those bytes were read as U+FFFD', async () => {
    const record = (userAgent: string) => ({
      eventVersion: '1.08',
      eventTime: '2024-05-14T10:00:00Z',
      eventSource: 's3.amazonaws.com',
      eventName: 'GetObject',
      userAgent,
    });
    // Latin-1 "café": the é is one byte, 0xE9, which UTF-8 does not allow there.
    const latin1 = Buffer.from(JSON.stringify({ Records: [record('caf\u00e9')] }), 'latin1');
    const utf8 = Buffer.from(JSON.stringify({ Records: [record('caf\u00e9 \uFFFD')] }), 'utf8');
    const { index, dir } = await loadFiles({ 'latin1.json': latin1, 'utf8.json': utf8 });
    try {
      const [l, u] = index.files;
      assert.equal(l.events, 1);
      // A warning, not a note: its records as shown and exported are not the file's bytes.
      const warnings = (id: number) =>
        index.problems.filter((p) => p.fileId === id).map((p) => `${p.severity} ${p.code}`);
      assert.deepEqual(warnings(l.id), ['warning encoding']);
      assert.match(
        index.problems.find((p) => p.fileId === l.id)!.message,
        /^not valid UTF-8 .*U\+FFFD/,
      );
      assert.deepEqual(l.notes, []);
      // A U+FFFD that the file itself holds, in valid UTF-8, is no alteration.
      assert.deepEqual(u.notes, []);
      assert.deepEqual(warnings(u.id), []);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('loads a UTF-16 file with an unpaired surrogate, and says that it was read as U+FFFD', async () => {
    const record = (userAgent: string, i: number) =>
      JSON.stringify({
        eventVersion: '1.08',
        eventTime: `2024-05-14T10:00:0${i}Z`,
        eventSource: 's3.amazonaws.com',
        eventName: 'GetObject',
        userAgent,
      });
    // PowerShell writes a string holding half of a surrogate pair as that one code unit.
    const utf16 = (text: string) =>
      Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    // (JSON.stringify writes a lone surrogate as an escape: it is put in after.)
    const lone = utf16(`${record('aXb', 1).replace('aXb', 'a\ud800b')}\n${record('ok', 2)}\n`);
    const valid = utf16(`${record('a\ud83d\ude00b \uFFFD', 1)}\n`);
    const { index, dir } = await loadFiles({ 'lone.jsonl': lone, 'valid.jsonl': valid });
    try {
      const [l, v] = index.files;
      assert.equal(l.events, 2);
      assert.deepEqual(l.notes, [
        'UTF-16 little-endian (as a PowerShell ">" redirect writes) text, decoded',
      ]);
      const problems = index.problems.filter((p) => p.fileId === l.id);
      assert.deepEqual(
        problems.map((p) => `${p.severity} ${p.code}`),
        ['warning encoding'],
      );
      assert.match(problems[0].message, /^not valid UTF-16 .*U\+FFFD/);
      assert.deepEqual(
        index.problems.filter((p) => p.fileId === v.id),
        [],
      );
      assert.deepEqual(v.notes, [
        'UTF-16 little-endian (as a PowerShell ">" redirect writes) text, decoded',
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the same event loaded twice', function () {
  it('shows it once, and says how many copies were dropped and from which files', async () => {
    const files = shapeFiles();
    const { index, dir } = await loadFiles({
      'a.json': files['delivered.json'],
      'a.json.gz': files['concatenated-multi-member.json.gz'],
      'b.jsonl': files['lookup-events.jsonl'],
    });
    try {
      assert.equal(index.size, 3 * ALL);
      assert.equal(index.eventCount, ALL);
      assert.equal((await index.query(parseQuery(''))).rows.length, ALL);
      assert.equal((await index.query(parseQuery('eventName:GetObject'))).rows.length, 2);
      const [a, gz, lookup] = index.files;
      assert.deepEqual([a.duplicates, gz.duplicates, lookup.duplicates], [0, ALL, ALL]);
      assert.deepEqual(
        [...gz.duplicatesOf].map(([f, n]) => [f.key, n]),
        [[a.key, ALL]],
      );
      assert.deepEqual(
        [...lookup.duplicatesOf].map(([f, n]) => [f.key, n]),
        [[a.key, ALL]],
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps two records that share an eventID but differ (a forged copy never hides the real one)', async () => {
    const real = SHAPE_RECORDS[0];
    const forged = { ...real, sourceIPAddress: '192.0.2.1' };
    const { index, dir } = await loadFiles({
      'real.json': JSON.stringify({ Records: [real] }),
      'forged.json': JSON.stringify({ Records: [forged] }),
    });
    try {
      assert.equal(index.eventCount, 2);
      assert.deepEqual(
        index.files.map((f) => f.duplicates),
        [0, 0],
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('a field spelt several ways and never as CloudTrail spells it', () => {
  it('is named in the file notes, on either path: read as absent, matched by each spelling', async () => {
    const ok = { eventVersion: '1.08', eventSource: 's3.amazonaws.com', eventName: 'GetObject' };
    const odd =
      '{"eventVersion":"1.08","eventTime":"2024-05-14T00:00:01Z","eventSource":"s3.amazonaws.com","eventname":"X","EventName":"Y"}';
    const { index, dir } = await loadFiles({
      'delivered.json': `{"Records":[${JSON.stringify({ ...ok, eventTime: '2024-05-14T00:00:00Z' })},${odd}]}`,
      'lines.jsonl': `${odd}\n`,
    });
    try {
      for (const file of index.files)
        assert.deepEqual(
          file.notes,
          [
            '1 event spells a field in several ways and never as CloudTrail does (eventname and EventName, say): columns, facets and explanations read that field as absent, and a filter on it matches each spelling',
          ],
          file.location,
        );
      assert.equal((await selected(index, 'eventName:Y')).length, 2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
