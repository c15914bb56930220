// Records leave the product exactly as stored: the timeline's JSON Lines export, "Open raw
// record" and "Copy as JSON" (both hand on IndexTimelineData.raw), the detail pane, the readable
// log document and the CLI. Over the hostile fixture's output file, whose records hold tokens a
// JSON.parse + JSON.stringify would change: 12345678901234567890, 1e400, 1.0, -0, 1E+2,
// duplicate keys, \u escapes and \/.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../../src/cli/main';
import type { CliIo } from '../../../src/cli/io';
import { EventIndex } from '../../../src/core/index/eventIndex';
import { indentJson, singleLineJson } from '../../../src/core/ingest/eventFile';
import { InlineRunner } from '../../../src/core/ingest/pool';
import { renderLogText } from '../../../src/core/records/logText';
import { FolderSource } from '../../../src/core/sources/folder';
import { detailFor } from '../../../src/extension/timeline/detailModel';
import { writeExport } from '../../../src/extension/timeline/exportWriter';
import { IndexTimelineData } from '../../../src/extension/timeline/indexAdapter';
import { loadScope } from '../../../src/extension/timeline/timelineLoader';
import { HOSTILE_FOLDER, OUTPUT_FIXTURE, outputFixtureRecordBytes } from '../../support/hostile';

const sha256 = (data: string | Buffer): string =>
  createHash('sha256')
    .update(typeof data === 'string' ? Buffer.from(data, 'utf8') : data)
    .digest('hex');
const eventIdOf = (bytes: Buffer): string =>
  (JSON.parse(bytes.toString('utf8')) as { eventID: string }).eventID;

describe('records leave the product exactly as stored', function () {
  this.timeout(60_000);
  const source = outputFixtureRecordBytes();
  let dir: string;
  let data: IndexTimelineData;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ctl-exact-'));
    data = new IndexTimelineData(new EventIndex({ runner: new InlineRunner() }));
    await loadScope(
      data.index,
      new InlineRunner(),
      [{ source: new FolderSource(HOSTILE_FOLDER) }],
      new AbortController().signal,
      () => {},
    );
    assert.ok(source.length >= 5);
    assert.ok(
      source.some((b) => b.includes('12345678901234567890') && b.includes('"dup":1,"dup":2')),
      'the fixture holds the tokens under test',
    );
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  async function idOf(eventId: string): Promise<number> {
    const result = await data.query(`eventID:"${eventId}"`, null, 'asc');
    assert.equal(result.size, 1, eventId);
    return data.ids(result, 0, 1)[0];
  }

  it("the JSON Lines export: each record's SHA-256 is that of its bytes in the source file", async () => {
    const file = join(dir, 'export.jsonl');
    await writeExport(
      file,
      'jsonl',
      data,
      await data.query('', null, 'asc'),
      new AbortController().signal,
      () => {},
    );
    const exported = new Map(
      readFileSync(file, 'utf8')
        .trimEnd()
        .split('\n')
        .map((line) => [(JSON.parse(line) as { eventID: string }).eventID, sha256(line)]),
    );
    for (const bytes of source)
      assert.equal(exported.get(eventIdOf(bytes)), sha256(bytes), eventIdOf(bytes));
  });

  it("open raw record and copy as JSON get the record's bytes", async () => {
    for (const bytes of source) {
      const raw = await data.raw(await idOf(eventIdOf(bytes)));
      assert.equal(sha256(raw!), sha256(bytes), eventIdOf(bytes));
    }
  });

  it('the detail pane indents the record and changes no token', async () => {
    for (const bytes of source) {
      const id = await idOf(eventIdOf(bytes));
      const d = detailFor(id, (await data.raw(id))!, data.time(id));
      assert.equal(
        singleLineJson(d.json),
        bytes.toString('utf8'),
        'only whitespace outside strings differs',
      );
      assert.ok(d.json.includes('\n  "eventVersion": "1.08"'));
    }
    const exact = source.find((b) => b.includes('12345678901234567890'))!;
    const json = detailFor(0, exact.toString('utf8'), 0).json;
    for (const token of [
      '"big": 12345678901234567890',
      '"huge": 1e400',
      '"one": 1.0',
      '"dup": 1,\n    "dup": 2',
      '"esc": "\\u00e9\\/\\ud83d\\ude00"',
      '"neg": -0',
      '"exp": 1E+2',
    ])
      assert.ok(json.includes(token), token);
  });

  it('the readable log document keeps every token', () => {
    const text = renderLogText(readFileSync(OUTPUT_FIXTURE), 'output.json', 1 << 20).text;
    assert.equal(
      singleLineJson(text.trimEnd()),
      singleLineJson(readFileSync(OUTPUT_FIXTURE, 'utf8').trimEnd()),
    );
    assert.ok(text.includes('"big": 12345678901234567890,'));
  });

  it('indents as JSON.stringify(value, null, 2) does, for JSON that a parse would not change', () => {
    const value = { a: 1, b: [1, { c: null, d: [] }], e: {}, f: 'x"\\y', g: [[]] };
    assert.equal(indentJson(JSON.stringify(value)), JSON.stringify(value, null, 2));
    assert.equal(indentJson(' [ 1 , 2 ] '), '[\n  1,\n  2\n]');
  });

  describe('the CLI', () => {
    async function run(...args: string[]): Promise<string> {
      let out = '';
      let err = '';
      const io: CliIo = {
        out: (t) => void (out += t),
        err: (t) => void (err += t),
        stderrIsTTY: false,
      };
      assert.equal(await main(['query', HOSTILE_FOLDER, ...args], io), 0, err);
      return out;
    }

    it("prints each record's bytes as its JSON line", async () => {
      const lines = new Map(
        (await run())
          .trimEnd()
          .split('\n')
          .map((line) => [(JSON.parse(line) as { eventID: string }).eventID, sha256(line)]),
      );
      for (const bytes of source)
        assert.equal(lines.get(eventIdOf(bytes)), sha256(bytes), eventIdOf(bytes));
    });

    it("writes record paths' numbers and objects as stored in csv", async () => {
      const out = await run(
        '--filter',
        'eventName:PutObject',
        '--format',
        'csv',
        '--fields',
        'requestParameters.big,requestParameters.huge,requestParameters.one,requestParameters.dup,requestParameters.esc,requestParameters.neg,requestParameters',
      );
      const row = out.split('\r\n')[1];
      assert.equal(
        row,
        '12345678901234567890,1e400,1.0,2,é/😀,-0,"{""bucketName"":""exact-bucket"",""big"":12345678901234567890,""huge"":1e400,""one"":1.0,""dup"":1,""dup"":2,""esc"":""\\u00e9\\/\\ud83d\\ude00"",""neg"":-0,""exp"":1E+2}"',
      );
    });
  });
});
