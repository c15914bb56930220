// Indexing records for detection tests: the records are written as one delivered-log file in a
// temporary folder and loaded through the real path (discover → workers → columns).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventIndex } from '../../../src/core/index/eventIndex';
import { loadEventFiles } from '../../../src/core/ingest/load';
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
): Promise<IndexedRecords> {
  const dir = mkdtempSync(join(tmpdir(), 'ctl-detect-'));
  for (const [name, records] of Object.entries(files))
    writeFileSync(join(dir, name), JSON.stringify({ Records: records }));
  const own = !pool;
  const p = pool ?? new WorkerPool(2);
  const index = new EventIndex({ runner: p });
  await loadEventFiles(index, p, (await discover(new FolderSource(dir))).events);
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
