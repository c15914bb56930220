// One measured run of attribution on hostile credential chains (bench/originChains.bench.ts runs
// it): each shape of test/unit/origin/chainGraphs.ts is indexed, then every event's origin is
// resolved from the index's columns as `index.origins()` does, timed. Prints one JSON line: per
// shape, the wall and CPU time (of the process: the main thread and V8's helpers), the distinct
// origins and a digest of every row's origin (the two engines of an A/B must give the same).
//   node originOnce.js ROWS
import { createHash } from 'node:crypto';
import { EventIndex } from '../src/core/index/eventIndex';
import { buildBatch } from '../src/core/ingest/batch';
import { InlineRunner } from '../src/core/ingest/pool';
import { indexOriginSource } from '../src/core/origin/indexSource';
import { resolveOrigins } from '../src/core/origin/resolve';
import { FolderSource } from '../src/core/sources/folder';
import { claimedKey, deepChain } from '../test/unit/origin/chainGraphs';

export function originShapes(rows: number): [string, () => Record<string, unknown>[]][] {
  return [
    [`a chain of ${rows} sessions`, () => deepChain({ sessions: rows })],
    [`a loop of ${rows} sessions`, () => deepChain({ sessions: rows, loop: true })],
    [`60 sessions chained, ${rows} callers`, () => deepChain({ sessions: 60, uses: rows })],
    [
      `60 sessions in a loop, ${rows} callers`,
      () => deepChain({ sessions: 60, loop: true, uses: rows }),
    ],
    [`100 sessions chained, ${rows} callers`, () => deepChain({ sessions: 100, uses: rows })],
    [`one key claimed 64 times, ${rows} sessions`, () => claimedKey({ claims: 64, uses: rows })],
  ];
}

function main(): void {
  const rows = Number(process.argv[2]);
  const out: { shape: string; ms: number; cpuMs: number; origins: number; digest: string }[] = [];
  for (const [shape, make] of originShapes(rows)) {
    const records = make();
    const index = new EventIndex({ runner: new InlineRunner() });
    const file = index.addFile(new FolderSource('/nonexistent'), 'chains.json', 1, 'loose');
    index.appendBatch(
      file.id,
      buildBatch(
        records,
        records.map((_, i) => i),
        'lines',
      ),
      '0'.repeat(64),
    );
    const started = performance.now();
    const cpu = process.cpuUsage();
    const column = resolveOrigins(indexOriginSource(index.store));
    const ms = performance.now() - started;
    const used = process.cpuUsage(cpu);
    const cpuMs = (used.user + used.system) / 1000;
    const hash = createHash('sha256');
    for (const id of column.ids) hash.update(JSON.stringify(column.origins[id]));
    out.push({
      shape,
      ms,
      cpuMs,
      origins: column.origins.length,
      digest: hash.digest('hex').slice(0, 16),
    });
  }
  console.log(JSON.stringify(out));
}

main();
