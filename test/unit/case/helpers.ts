// A signed bucket copy (logs + digests + keys + signatures) loaded into an index: the events the
// case tests annotate, and a chain the report's custody section can be checked against.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventIndex } from '../../../src/core/index/eventIndex';
import { loadEventFiles } from '../../../src/core/ingest/load';
import { WorkerPool } from '../../../src/core/ingest/pool';
import { discover } from '../../../src/core/sources/discover';
import { FolderSource } from '../../../src/core/sources/folder';
import { SignedBucket, signingKey, WrittenDigest } from '../../../src/core/synthetic/digests';

export class CaseWorkspace {
  readonly dir = mkdtempSync(join(tmpdir(), 'ctl-case-'));
  readonly root = join(this.dir, 'bucket');
  readonly bucket = new SignedBucket(this.root);
  readonly digests: WrittenDigest[];
  readonly keysFile: string;
  readonly signaturesFile: string;

  constructor(hours = 3) {
    this.digests = this.bucket.chain().hours(hours);
    this.keysFile = this.bucket.writePublicKeys(join(this.dir, 'keys.json'), [signingKey(0)]);
    this.signaturesFile = this.bucket.writeSignatures(join(this.dir, 'signatures.json'));
  }

  /** A fresh index over `root` (default: the bucket root). */
  async load(pool: WorkerPool, root = this.root): Promise<EventIndex> {
    const index = new EventIndex({ runner: pool });
    await loadEventFiles(index, pool, (await discover(new FolderSource(root))).events);
    return index;
  }

  dispose(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** The event reference (eventID, key, time) of a row, as the views build it. */
export function refOf(
  index: EventIndex,
  row: number,
): { eventID: string; key: string; eventTime: string } {
  const s = index.summary(row);
  return { eventID: s.eventID, key: s.fileKey, eventTime: s.eventTime };
}
