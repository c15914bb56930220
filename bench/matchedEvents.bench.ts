// A timeline limited to an Athena query's matches (the few log files they came from, downloaded
// whole): how long its first query and a filtered query take, limiting by the set of event IDs
// (EventIdSet / rowsOfEvents, what the timeline uses) against an OR of `eventID:` terms, the
// obvious way to say the same in the query language.
// Usage: npx tsx bench/matchedEvents.bench.ts [events=20000] [matched=100,1000,5000]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { QueryNode } from '../src/core/query/ast';
import { EventIndex } from '../src/core/index/eventIndex';
import { loadEventFiles } from '../src/core/ingest/load';
import { InlineRunner } from '../src/core/ingest/pool';
import { discover } from '../src/core/sources/discover';
import { FolderSource } from '../src/core/sources/folder';
import { EventIdSet } from '../src/core/sql/remote';
import { generateBucket } from '../src/core/synthetic/generator';
import { IndexTimelineData } from '../src/extension/timeline/indexAdapter';

const events = Number(process.argv[2] ?? 20_000);
const counts = (process.argv[3] ?? '100,1000,5000').split(',').map(Number);

async function ms(fn: () => Promise<unknown>): Promise<number> {
  const t = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t) / 1e6;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'ctl-bench-matched-'));
  try {
    await generateBucket({ events, out: dir, seed: 1 });
    const index = new EventIndex({ runner: new InlineRunner() });
    await loadEventFiles(index, new InlineRunner(), (await discover(new FolderSource(dir))).events);
    const ids = Array.from({ length: index.size }, (_, i) => index.summary(i).eventID).filter(
      (_, i) => i % 4 === 0,
    );
    console.log(`${index.size} events indexed; times in ms`);
    console.log('matched  id-set first  id-set filtered  OR-of-terms first');
    for (const n of counts) {
      const data = new IndexTimelineData(index, new EventIdSet(ids.slice(0, n)));
      const first = await ms(() => data.query('', null, 'asc'));
      const filtered = await ms(() => data.query('eventName:AssumeRole', null, 'asc'));
      const or: QueryNode = {
        kind: 'or',
        children: ids.slice(0, n).map((id) => ({
          kind: 'term',
          field: 'eventID',
          fields: ['eventID'],
          match: { op: 'eq', value: id },
          start: 0,
          end: 0,
        })),
      };
      const terms = n <= 1000 ? (await ms(() => index.query(or))).toFixed(0) : '(skipped: minutes)';
      console.log(
        `${String(n).padStart(7)}  ${first.toFixed(0).padStart(12)}  ${filtered.toFixed(0).padStart(15)}  ${terms.padStart(17)}`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

void main();
