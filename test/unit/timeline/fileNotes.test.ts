// What the timeline says about its files and results: each file's notes (its shape, what was
// not read and why, events without a time), what nothing read looked like, and the filter's
// warnings and notes under the filter box, through the protocol as the webview receives them.
import { QUIET_HOST } from '../../support/timelineAsk';
import { NO_EVENT_TIME } from '../../../src/core/index/columns';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventIndex } from '../../../src/core/index/eventIndex';
import { InlineRunner } from '../../../src/core/ingest/pool';
import { FolderSource } from '../../../src/core/sources/folder';
import { IndexTimelineData } from '../../../src/extension/timeline/indexAdapter';
import { loadScope } from '../../../src/extension/timeline/timelineLoader';
import { TimelineSession } from '../../../src/extension/timeline/timelineSession';
import { Envelope, QueryReply, validateToWebview } from '../../../src/protocol';
import { SHAPE_RECORDS, mixedFolder } from '../../fixtures/shapes';
import { revealHidden } from '../../../src/core/output/visibleText';
import { fileNoteTitle } from '../../../src/webview/toolbar';

describe('the timeline on a folder of mixed evidence', function () {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'ctl-mixed-'));
    mkdirSync(join(dir, 'mixed'));
    for (const [name, content] of Object.entries(mixedFolder()))
      writeFileSync(join(dir, 'mixed', name), content);
    mkdirSync(join(dir, 'logs'));
    writeFileSync(
      join(dir, 'logs', 'trail.log'),
      SHAPE_RECORDS.map((r) => JSON.stringify(r)).join('\n'),
    );
    writeFileSync(join(dir, 'logs', 'readme.txt'), 'exported with jq');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('loads every shape with the right total and says what each file was', async () => {
    const index = new EventIndex({ runner: new InlineRunner() });
    const { progress } = await loadScope(
      index,
      new InlineRunner(),
      [{ source: new FolderSource(join(dir, 'mixed')) }],
      new AbortController().signal,
      () => {},
    );
    assert.equal(progress.events, SHAPE_RECORDS.length);
    assert.equal(
      progress.failedFiles,
      0,
      'a loose file that is not CloudTrail is a note, not a failure',
    );
    assert.equal(progress.nothingRead, undefined);
    const notes = (progress.fileNotes ?? []).map(
      (n) => `${n.severity} ${n.location.split('/').pop()}: ${n.message}`,
    );
    assert.deepEqual(notes, [
      'note all-logs.json: 2 delivered log files ({"Records":[…]}) back to back',
      'note all-logs.json: 1 event without a readable eventTime: listed last, marked "no time", and outside every time range',
      "note cloudwatch-logs-firehose.json.gz: 2 CloudWatch Logs subscription payloads back to back (as Kinesis Data Firehose writes them) from log group aws-cloudtrail-logs-111122223333: each record is a log event's message",
      'note cloudwatch-logs-firehose.json.gz: 1 CONTROL_MESSAGE payload skipped (CloudWatch Logs checking its destination; no events)',
      'note eventbridge.json: 2 EventBridge events ("AWS API Call via CloudTrail"): each record is an event\'s detail',
      "note lookup-events.jsonl: 2 lookup-events Event objects, one per line: each record is the Event's CloudTrailEvent",
      'note s3-event-notification.json: not read: not CloudTrail: an AWS event notification ("eventSource": "aws:s3"), not a CloudTrail record',
    ]);
    assert.equal(progress.fileNotesTotal, notes.length);
    assert.ok(
      validateToWebview({
        type: 'progress',
        progress,
        total: index.eventCount,
        bounds: null,
        version: 1,
      }),
      'the notes cross the protocol',
    );
  });

  it('says what it looked at when nothing could be read, and why each file was skipped', async () => {
    const index = new EventIndex({ runner: new InlineRunner() });
    const { progress } = await loadScope(
      index,
      new InlineRunner(),
      [{ source: new FolderSource(join(dir, 'logs')) }],
      new AbortController().signal,
      () => {},
    );
    assert.equal(progress.events, 0);
    assert.equal(
      progress.nothingRead,
      `No CloudTrail events were read from ${join(dir, 'logs')}. Looked at 2 files: 2 files skipped by name (1 .log, 1 .txt): in folders only .json, .json.gz, .jsonl and .ndjson files and CloudTrail's own file names are read; open such a file from the Explorer to read it.`,
    );
  });

  it('says which files were skipped by name when others loaded', async () => {
    const folder = join(dir, 'logs-and-a-log-file');
    mkdirSync(folder);
    writeFileSync(join(folder, 'events.json'), JSON.stringify({ Records: SHAPE_RECORDS }));
    writeFileSync(
      join(folder, 'trail.log'),
      SHAPE_RECORDS.map((r) => JSON.stringify(r)).join('\n'),
    );
    const index = new EventIndex({ runner: new InlineRunner() });
    const { progress } = await loadScope(
      index,
      new InlineRunner(),
      [{ source: new FolderSource(folder) }],
      new AbortController().signal,
      () => {},
    );
    assert.equal(progress.events, SHAPE_RECORDS.length);
    assert.equal(progress.nothingRead, undefined);
    const skipped = progress.fileNotes?.filter((n) => /skipped by name/.test(n.message));
    assert.deepEqual(skipped, [
      {
        location: folder,
        severity: 'note',
        message:
          "1 file skipped by name (1 .log): in folders only .json, .json.gz, .jsonl and .ndjson files and CloudTrail's own file names are read; open such a file from the Explorer to read it",
      },
    ]);
  });

  it("shows the filter's warnings and what a time range leaves out under the filter box", async () => {
    const index = new EventIndex({ runner: new InlineRunner() });
    await loadScope(
      index,
      new InlineRunner(),
      [{ source: new FolderSource(join(dir, 'mixed')) }],
      new AbortController().signal,
      () => {},
    );
    const posted: Envelope[] = [];
    const session = new TimelineSession(
      new IndexTimelineData(index),
      (e) => posted.push(e),
      QUIET_HOST,
      't',
      null,
    );
    const ask = async (
      filter: string,
      range: { from: number; to: number } | null,
    ): Promise<QueryReply> => {
      await session.receive({
        id: 1,
        body: { type: 'query', filter, range, sort: 'asc', bins: 10, pageStart: 0, pageCount: 10 },
      });
      const reply = validateToWebview(posted.pop()!.body) as QueryReply;
      assert.equal(reply.type, 'queryResult');
      return reply;
    };
    const all = await ask('usr:alice or x', null);
    assert.deepEqual(
      all.warnings?.map((w) => [
        'usr:alice or x'.slice(w.offset, w.offset + w.length),
        w.message.split(':')[0],
      ]),
      [
        ['usr:alice', '"usr" is neither an alias nor a CloudTrail record field'],
        ['or', '"or" is searched as a word'],
      ],
    );
    assert.deepEqual(all.notes, []);
    const ranged = await ask('', { from: Date.UTC(2024, 4, 14), to: Date.UTC(2024, 4, 15) });
    assert.equal(ranged.matches, SHAPE_RECORDS.length - 1);
    assert.deepEqual(ranged.notes, [
      '1 event that matches the filter but has no readable eventTime is outside the time range (listed last with all time)',
    ]);
    assert.deepEqual((await ask('eventTime>=2024-05-14', null)).notes, [
      '1 event without a readable eventTime never matches a time term',
    ]);
    // Without a time range or term, the event without a time is listed, last, marked in the view.
    const last = (await ask('', null)).rows.at(-1)!;
    assert.equal(last.time, NO_EVENT_TIME);
    assert.equal(last.eventName, 'CreateAccessKey');
  });
});

describe("a file note's tooltip", () => {
  it('marks hidden characters of the file name and message, as the note text does', () => {
    // A right-to-left override in a file name would show "evil.json.gz" as "evil.zg.nosj…".
    const title = fileNoteTitle({
      location: '/evidence/AWSLogs/x\u202Egz.json',
      message: 'not read:\u200B bad',
    });
    assert.equal(title.includes('\u202E') || title.includes('\u200B'), false, title);
    assert.equal(
      title,
      `${revealHidden('/evidence/AWSLogs/x\u202Egz.json')}\n${revealHidden('not read:\u200B bad')}`,
    );
    assert.notEqual(revealHidden('x\u202Egz'), 'x\u202Egz', 'the marker is visible text');
  });
});
