import * as assert from 'node:assert/strict';
import { CatalogNode } from '../../../src/core/sources/layoutTree';
import {
  IndexedFileLike,
  indexedEvents,
  indexedHits,
} from '../../../src/core/sources/layoutEvents';

const A = '111111111111';
const day: CatalogNode = {
  type: 'day',
  id: `D:AWSLogs/${A}/us-east-1/2024-05-14`,
  root: 'AWSLogs/',
  accountId: A,
  region: 'us-east-1',
  date: '2024-05-14',
  kinds: ['log', 'digest'],
};
const dayPrefix = `AWSLogs/${A}/CloudTrail/us-east-1/2024/05/14/`;
const logKey = (n: number) =>
  `${dayPrefix}${A}_CloudTrail_us-east-1_20240514T10${n}0Z_x${n}.json.gz`;
const summary = { files: 3, bytes: 30, byKind: { log: 2, digest: 1 } };

function indexed(
  ...files: [string, number, IndexedFileLike['state']][]
): Map<string, IndexedFileLike> {
  return new Map(files.map(([key, events, state]) => [key, { key, events, state }]));
}

describe('event counts from the index', () => {
  it('counts a day only when every log file of it is indexed', () => {
    assert.equal(
      indexedEvents(day, indexed([logKey(1), 40, 'loaded']), summary),
      undefined,
      'one of two logs loaded is not a count',
    );
    assert.equal(
      indexedEvents(day, indexed([logKey(1), 40, 'loaded'], [logKey(2), 2, 'pending']), summary),
      undefined,
    );
    assert.equal(
      indexedEvents(day, indexed([logKey(1), 40, 'loaded'], [logKey(2), 2, 'loaded']), summary),
      42,
    );
    // A file that failed to load is done, with no events.
    assert.equal(
      indexedEvents(day, indexed([logKey(1), 40, 'loaded'], [logKey(2), 0, 'failed']), summary),
      40,
    );
  });

  it('counts detection hits by level on the same condition, once the rules ran over every loaded file', () => {
    const files = indexed(
      [logKey(1), 40, 'loaded'],
      [logKey(2), 2, 'loaded'],
      [logKey(3), 0, 'failed'],
    );
    const counts = new Map<string, { high: number; low: number }>([
      [logKey(1), { high: 2, low: 1 }],
      [logKey(2), { high: 1, low: 0 }],
    ]);
    const day3 = { ...summary, files: 4, byKind: { log: 3, digest: 1 } };
    assert.deepEqual(
      indexedHits(day, files, day3, (f) => counts.get(f.key)),
      { high: 3, low: 1 },
    );
    assert.equal(
      indexedHits(day, indexed([logKey(1), 40, 'loaded']), day3, (f) => counts.get(f.key)),
      undefined,
      'not every log indexed',
    );
    counts.delete(logKey(2));
    assert.equal(
      indexedHits(day, files, day3, (f) => counts.get(f.key)),
      undefined,
      'the rules have not run over one file yet',
    );
    const file: CatalogNode = {
      type: 'file',
      id: `F:${logKey(1)}`,
      key: logKey(1),
      size: 1,
      fileKind: 'log',
    } as CatalogNode;
    assert.deepEqual(
      indexedHits(file, files, undefined, (f) => counts.get(f.key)),
      { high: 2, low: 1 },
    );
  });

  it('does not count files of another day or before the node was counted', () => {
    const other = `AWSLogs/${A}/CloudTrail/us-east-1/2024/05/15/${A}_CloudTrail_us-east-1_20240515T1000Z_y.json.gz`;
    assert.equal(
      indexedEvents(day, indexed([logKey(1), 40, 'loaded'], [other, 9, 'loaded']), summary),
      undefined,
    );
    assert.equal(
      indexedEvents(day, indexed([logKey(1), 40, 'loaded'], [logKey(2), 2, 'loaded']), undefined),
      undefined,
    );
  });

  it('counts a file and a group of loose files from their keys', () => {
    const file: CatalogNode = { type: 'file', id: 'F', key: logKey(1), size: 10, fileKind: 'log' };
    assert.equal(indexedEvents(file, indexed([logKey(1), 40, 'loaded']), undefined), 40);
    assert.equal(indexedEvents(file, indexed([logKey(1), 40, 'pending']), undefined), undefined);
    const loose: CatalogNode = {
      type: 'loose',
      id: 'loose',
      truncated: false,
      files: [
        { kind: 'object', key: 'a.json', size: 1 },
        { kind: 'object', key: 'b.json', size: 1 },
      ],
    };
    assert.equal(indexedEvents(loose, indexed(['a.json', 3, 'loaded']), undefined), undefined);
    assert.equal(
      indexedEvents(loose, indexed(['a.json', 3, 'loaded'], ['b.json', 0, 'failed']), undefined),
      3,
    );
  });

  it('counts the same event in two files of a node once, and each file as what it holds', () => {
    const files = indexed(
      ['a.json', 8, 'loaded'],
      ['a.json.gz', 8, 'loaded'],
      ['b.jsonl', 3, 'loaded'],
    );
    const [a, gz, b] = [...files.values()];
    gz.duplicatesOf = new Map([[a, 8]]);
    b.duplicatesOf = new Map([[a, 1]]);
    const node = (...keys: string[]): CatalogNode => ({
      type: 'loose',
      id: 'loose',
      truncated: false,
      files: keys.map((key) => ({ kind: 'object' as const, key, size: 1 })),
    });
    assert.equal(indexedEvents(node('a.json', 'a.json.gz', 'b.jsonl'), files, undefined), 8 + 2);
    // Where the shown copy is outside the node, the node's files count in full.
    assert.equal(indexedEvents(node('a.json.gz', 'b.jsonl'), files, undefined), 11);
    const file: CatalogNode = {
      type: 'file',
      id: 'F',
      key: 'a.json.gz',
      size: 10,
      fileKind: 'loose',
    };
    assert.equal(indexedEvents(file, files, undefined), 8);
  });
});
