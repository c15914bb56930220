// Indexing records for detection tests: the records are written as one delivered-log file in a
// temporary folder and loaded through the real path (discover → workers → columns).
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { recordOf, ruleMatches } from '../../../src/core/detect/evaluate';
import type { SigmaRule } from '../../../src/core/detect/rule';
import { runRules } from '../../../src/core/detect/run';
import { EventIndex } from '../../../src/core/index/eventIndex';
import { loadEventFiles, LoadOptions } from '../../../src/core/ingest/load';
import { WorkerPool } from '../../../src/core/ingest/pool';
import { discover } from '../../../src/core/sources/discover';
import { FolderSource } from '../../../src/core/sources/folder';

export interface IndexedRecords {
  index: EventIndex;
  close(): Promise<void>;
}

/** An index of the given files ({name: records}), each written as {"Records": [...]}. */
export async function indexFiles(
  files: Record<string, unknown[]>,
  pool?: WorkerPool,
  options: LoadOptions = {},
): Promise<IndexedRecords> {
  const dir = mkdtempSync(join(tmpdir(), 'ctl-detect-'));
  for (const [name, records] of Object.entries(files))
    writeFileSync(join(dir, name), JSON.stringify({ Records: records }));
  const own = !pool;
  const p = pool ?? new WorkerPool(2);
  const index = new EventIndex({ runner: p });
  await loadEventFiles(index, p, (await discover(new FolderSource(dir))).events, options);
  return {
    index,
    close: async () => {
      if (own) await p.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The file a row came from (its key, as written). */
export function fileOfRow(index: EventIndex, row: number): string {
  return index.files[index.store.fileOf[row]].key;
}

/** Asserts that runRules gives, on every row shown, what the reference evaluator gives on its record; returns the hits. */
export async function assertAgreement(index: EventIndex, rules: SigmaRule[]): Promise<number> {
  const run = await runRules(index, rules);
  const rows = Uint32Array.from({ length: index.size }, (_, i) => i);
  const texts = await index.rawRecords(rows);
  let hits = 0;
  run.hits.forEach((h) => {
    const got = new Set(h.rows);
    hits += got.size;
    for (let r = 0; r < index.size; r++) {
      if (index.isDuplicate(r)) continue;
      const want = ruleMatches(h.rule, recordOf(texts[r]));
      assert.equal(
        got.has(r),
        want,
        `${h.rule.title} on row ${r} (${index.value(r, 'eventName')})`,
      );
    }
  });
  return hits;
}
