// A number JSON reads but cannot write (1e999 is Infinity to JSON.parse): the index cache keeps
// values as JSON, where it would come back as null. Such a value is read from the raw record, so
// a load from the files, from the whole-index snapshot and from the per-file pack answer alike,
// and as the reference semantics (matchesRecord) does.
import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventIndex } from '../../../src/core/index/eventIndex';
import { canonicalRecord } from '../../../src/core/ingest/canonical';
import { IndexCache } from '../../../src/core/ingest/indexCache';
import { loadEventFiles } from '../../../src/core/ingest/load';
import { InlineRunner } from '../../../src/core/ingest/pool';
import { matchesRecord } from '../../../src/core/query/match';
import { parseQuery } from '../../../src/core/query/parse';
import { discover } from '../../../src/core/sources/discover';
import { FolderSource } from '../../../src/core/sources/folder';

const record = (i: number, name: string) =>
  `{"eventVersion":"1.08","eventTime":"2024-05-14T10:00:0${i}Z","eventID":"e-${i}","eventName":"${name}",` +
  `"errorCode":1e999,"recipientAccountId":-1e400,"userIdentity":{"arn":1E999},` +
  `"responseElements":{"credentials":{"accessKeyId":1e999}},"resources":[{"ARN":1e999}]}`;

const QUERIES = [
  'error:*',
  '-errorCode:*',
  'errorCode:Infinity',
  'account:*',
  'recipientAccountId:-Infinity',
  'arn:*',
  'userIdentity.arn:infinity',
  'resources.ARN:*',
  'resource:Infinity',
];

describe('numbers JSON cannot write (1e999)', function () {
  this.timeout(60_000);
  let dir: string;
  let logs: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ctl-infinity-'));
    logs = join(dir, 'logs');
    mkdirSync(logs);
    // Each path in: an ASCII log (the WebAssembly walk), a non-ASCII one (the JavaScript walk),
    // JSON lines (JSON.parse).
    writeFileSync(join(logs, 'a.json'), `{"Records":[${record(0, 'AssumeRole')}]}`);
    writeFileSync(join(logs, 'b.json'), `{"Records":[${record(1, 'Ünïcödé')}]}`);
    writeFileSync(join(logs, 'c.jsonl'), `${record(2, 'GetObject')}\n`);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  async function load(cache: IndexCache): Promise<EventIndex> {
    const runner = new InlineRunner();
    const index = new EventIndex({ runner });
    await loadEventFiles(index, runner, (await discover(new FolderSource(logs))).events, {
      cache,
    });
    cache.save();
    return index;
  }

  async function answers(index: EventIndex): Promise<Record<string, string[]>> {
    const all = Array.from({ length: index.size }, (_, i) => i);
    const raws = await index.rawRecords(all);
    const out: Record<string, string[]> = {};
    for (const q of QUERIES) {
      const node = parseQuery(q);
      const expected = raws.flatMap((raw, i) =>
        matchesRecord(node, canonicalRecord(JSON.parse(raw)).record, raw) ? [i] : [],
      );
      const rows = [...(await index.query(node)).rows].sort((a, b) => a - b);
      assert.deepEqual(rows, expected, q);
      // The events of the three files, by file name (the file ids depend on the load order).
      out[q] = rows
        .map((r) => index.fileById(index.store.fileOf[r])!.key)
        .filter((key) => key !== 'd.jsonl')
        .sort();
    }
    return out;
  }

  it('are found alike from the files, the snapshot and the pack', async () => {
    const cacheDir = join(dir, 'cache');
    const fresh = await answers(await load(IndexCache.open(cacheDir, 'scope')));
    assert.equal(fresh['error:*'].length, 3);
    const snapshot = IndexCache.open(cacheDir, 'scope');
    const reopened = await answers(await load(snapshot));
    assert.equal(snapshot.stats.snapshot, true, 'taken from the snapshot');
    assert.deepEqual(reopened, fresh);
    // A file added: the snapshot is not taken, the other files come from the pack.
    writeFileSync(join(logs, 'd.jsonl'), '{"eventTime":"2024-05-14T11:00:00Z","eventID":"x"}\n');
    const pack = IndexCache.open(cacheDir, 'scope');
    const fromPack = await answers(await load(pack));
    assert.equal(pack.stats.snapshot, false);
    assert.equal(pack.stats.hits, 3, 'the three files from the pack');
    assert.deepEqual(fromPack, fresh);
  });
});
