// Damaged evidence: what is whole in a file loads, and the file says what was left out and where.
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { EventIndex } from '../../../src/core/index/eventIndex';
import { noteText } from '../../../src/core/index/fileNotes';
import { loadEventFiles } from '../../../src/core/ingest/load';
import { InlineRunner } from '../../../src/core/ingest/pool';
import { discover } from '../../../src/core/sources/discover';
import { FolderSource } from '../../../src/core/sources/folder';

const record = (i: number) =>
  JSON.stringify({
    eventVersion: '1.08',
    eventTime: `2024-05-14T10:${String(i % 60).padStart(2, '0')}:00Z`,
    eventSource: 'ec2.amazonaws.com',
    eventName: 'RunInstances',
    awsRegion: 'us-east-1',
    eventID: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
  });

const dirs: string[] = [];

/** Loads the files (name → content) of a new folder: its index and each file's problems, as the CLI prints them. */
async function load(files: Record<string, string | Buffer>) {
  const dir = mkdtempSync(join(tmpdir(), 'ctl-damaged-'));
  dirs.push(dir);
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  const runner = new InlineRunner();
  const index = new EventIndex({ runner });
  await loadEventFiles(index, runner, (await discover(new FolderSource(dir))).events);
  const problems = index.problems.map((p) => ({
    severity: p.severity,
    text: noteText(p).slice(dir.length + 1),
  }));
  return { index, problems };
}

describe('damaged evidence files', () => {
  after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
  const lines = Array.from({ length: 1000 }, (_, i) => record(i));

  it('JSON lines cut off in the last line: every whole line loads, the cut one is a warning', async () => {
    const { index, problems } = await load({
      'trail.jsonl': `${lines.join('\n')}\n${record(1000).slice(0, 16)}`,
    });
    assert.equal(index.eventCount, 1000);
    assert.equal(index.files[0].state, 'loaded');
    assert.deepEqual(problems, [
      {
        severity: 'warning',
        text: 'trail.jsonl: 1 element(s) skipped: line 1001, column 17 is truncated JSON: the line ends in the middle of a value; skipped',
      },
    ]);
  });

  it('JSON lines with garbage and values that are not records in the middle', async () => {
    const damaged = [...lines];
    damaged[10] = '{"eventVersion":"1.08", garbage}';
    damaged[20] = '42';
    damaged[30] = '\u0000\u0000\u0000\u0000';
    const { index, problems } = await load({ 'trail.jsonl': damaged.join('\n') });
    assert.equal(index.eventCount, 997);
    assert.deepEqual(problems, [
      {
        severity: 'warning',
        text: 'trail.jsonl: 3 element(s) skipped: line 11, column 25 is invalid JSON: unexpected character (found "g"); skipped; line 21 is a JSON number, not a record; skipped; line 31, column 1 is invalid JSON: unexpected character (found "\\u0000"); skipped',
      },
    ]);
    // Each record shown is its own line's.
    const rows = Array.from(index.order()).slice(0, 40);
    const texts = await index.rawRecords(rows);
    for (const t of texts) assert.ok(damaged.includes(t), t);
  });

  describe('gzip with trailing garbage', () => {
    const log = (from: number, to: number) =>
      gzipSync(
        JSON.stringify({
          Records: Array.from({ length: to - from }, (_, i) => JSON.parse(record(from + i))),
        }),
      );
    const members = [log(0, 3), log(3, 5)];

    it('loads every complete member and warns of the bytes after them, naming the file and the count', async () => {
      const { index, problems } = await load({
        'garbage.json.gz': Buffer.concat([
          ...members,
          Buffer.from('not a gzip member, a damaged copy'),
        ]),
        'padded.json.gz': Buffer.concat([log(10, 11), Buffer.alloc(512)]),
      });
      assert.equal(index.eventCount, 6);
      assert.deepEqual(
        index.files.map((f) => [f.location.slice(-15), f.state, f.events]),
        [
          ['garbage.json.gz', 'loaded', 5],
          ['/padded.json.gz', 'loaded', 1],
        ],
      );
      // Files finish loading in any order: their warnings are compared by file.
      assert.deepEqual(
        [...problems].sort((a, b) => a.text.localeCompare(b.text)),
        [
          {
            severity: 'warning',
            text: 'garbage.json.gz: 33 bytes after the last complete gzip member were ignored: not the start of another member (padding, or a damaged or partial copy); everything before them was read',
          },
          {
            severity: 'warning',
            text: 'padded.json.gz: 512 zero bytes after the last complete gzip member were ignored: padding; everything before them was read',
          },
        ],
      );
      // Records are read again from the same members.
      const texts = await index.rawRecords(Array.from(index.order()));
      assert.deepEqual(texts.sort(), [0, 1, 2, 3, 4, 10].map(record).sort());
    });

    it('still refuses a file whose member after the complete ones is cut off or corrupt', async () => {
      const corrupt = Buffer.from(members[1]);
      corrupt[corrupt.length - 8] ^= 1; // its CRC-32
      const { index, problems } = await load({
        'cut.json.gz': Buffer.concat([members[0], members[1].subarray(0, 30), Buffer.from('zz')]),
        'corrupt.json.gz': Buffer.concat([members[0], corrupt, Buffer.from('zz')]),
      });
      assert.equal(index.eventCount, 0);
      assert.deepEqual(
        problems.map((p) => p.severity),
        ['error', 'error'],
      );
      for (const p of problems) assert.match(p.text, /: not valid gzip data \(/);
    });
  });
});
