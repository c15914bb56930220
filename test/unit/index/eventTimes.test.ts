// Record times the index reads: the same forms the query language reads (query/time.ts), so that
// an event a time term matches has a time in the timeline, its histogram and its order, and the
// note "without a readable eventTime ... never matches a time term" is true of every event it
// counts. Exporters write CloudTrail's UTC times without the T or the Z (Panther, Athena results:
// `2021-01-24 04:55:45.000`), and Panther's test events carry them.
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventIndex } from '../../../src/core/index/eventIndex';
import { loadEventFiles } from '../../../src/core/ingest/load';
import { InlineRunner } from '../../../src/core/ingest/pool';
import { parseQuery } from '../../../src/core/query/parse';
import { discover } from '../../../src/core/sources/discover';
import { FolderSource } from '../../../src/core/sources/folder';

const TIMES: [string | null | undefined, string | undefined][] = [
  ['2021-01-24T04:55:45Z', '2021-01-24T04:55:45.000Z'],
  ['2021-01-24 04:55:45.000', '2021-01-24T04:55:45.000Z'],
  ['2023-01-10 23:10:06', '2023-01-10T23:10:06.000Z'],
  ['2022-03-04 05:06:07.123456789', '2022-03-04T05:06:07.123Z'],
  ['2021-01-24 04:55:45Z', '2021-01-24T04:55:45.000Z'],
  ['2021-01-24T06:55:45+02:00', '2021-01-24T04:55:45.000Z'],
  ['2021-01-24T04:55:45', '2021-01-24T04:55:45.000Z'],
  ['ThisIsAWrongEventTime', undefined],
  ['2021-02-30 00:00:00', undefined],
  // Date.parse rolls a day past its month's end into the next month, and hour 24 into the next
  // day: read so, an event would be shown at a time no time term finds it at.
  ['2024-02-30T00:00:00Z', undefined],
  ['2023-02-29T10:00:00.5Z', undefined],
  ['2024-04-31T00:00:00+02:00', undefined],
  ['2024-01-01T24:00:00Z', undefined],
  ['2024-02-29T10:00:00.5Z', '2024-02-29T10:00:00.500Z'],
  ['2024-12-31T23:59:59.999-0500', '2025-01-01T04:59:59.999Z'],
  [null, undefined],
  [undefined, undefined],
];

describe('event times in the index', () => {
  let dir: string;
  let index: EventIndex;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ctl-times-'));
    const lines = TIMES.map(([t], i) =>
      JSON.stringify({ eventName: `E${i}`, eventSource: 's3.amazonaws.com', eventTime: t }),
    );
    writeFileSync(join(dir, 'times.jsonl'), lines.join('\n') + '\n');
    const runner = new InlineRunner();
    index = new EventIndex({ runner });
    await loadEventFiles(index, runner, (await discover(new FolderSource(dir))).events);
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  it('reads CloudTrail times in every form the query language reads, and no other', () => {
    TIMES.forEach(([text, iso], row) => {
      const t = index.store.times[row];
      assert.equal(Number.isFinite(t) ? new Date(t).toISOString() : undefined, iso, String(text));
    });
    assert.equal(index.untimed, TIMES.filter(([, iso]) => iso === undefined).length);
  });

  it('every event a time term matches has a time in that range', async () => {
    const rows = (await index.query(parseQuery('time:2021-01-24'))).rows;
    const expected = TIMES.flatMap(([, iso], row) => (iso?.startsWith('2021-01-24') ? [row] : []));
    assert.deepEqual(
      [...rows].sort((a, b) => a - b),
      expected,
    );
    const from = Date.parse('2021-01-24T00:00:00Z');
    for (const row of rows) {
      const t = index.store.times[row];
      assert.ok(t >= from && t < from + 86_400_000, `row ${row}: ${t}`);
    }
  });
});
