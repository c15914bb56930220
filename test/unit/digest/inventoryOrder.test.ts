// The inventory's groups come out in key order, whatever order the listing found their objects
// in (concurrent listings finish in any order): the report-level findings made from them
// (no-digests, foreign-file, insights-unvouched) are then the same from run to run.
import * as assert from 'node:assert/strict';
import { inventorySource } from '../../../src/core/digest/chains';
import type { LogSource } from '../../../src/core/sources/source';

const ACCOUNT = '111122223333';
const day = '2024/05/14';
const logKey = (region: string) =>
  `AWSLogs/${ACCOUNT}/CloudTrail/${region}/${day}/${ACCOUNT}_CloudTrail_${region}_20240514T0000Z_abcdefghijklmnop.json.gz`;
const insightKey = (region: string) =>
  `AWSLogs/${ACCOUNT}/CloudTrail-Insight/${region}/${day}/${ACCOUNT}_CloudTrail-Insight_${region}_20240514T0000Z_abcdefghijklmnop.json.gz`;
const foreignKey = (region: string) => `AWSLogs/${ACCOUNT}/CloudTrail/${region}/evil.json.gz`;

/** A source listing `keys` in the order given. */
function listing(keys: string[]): LogSource {
  return {
    async *listAll() {
      for (const key of keys) yield { kind: 'object', key, size: 1 };
    },
  } as unknown as LogSource;
}

describe('the inventory of a validation', () => {
  it('gives its groups in key order, not in the order the listing found them', async () => {
    const regions = ['us-west-2', 'eu-west-1', 'us-east-1', 'ap-southeast-2'];
    const keys = regions.flatMap((r) => [foreignKey(r), insightKey(r), logKey(r)]);
    const inventory = await inventorySource(listing(keys));
    const sorted = (m: Map<string, unknown>) => [...m.keys()].sort();
    for (const [name, groups] of [
      ['groups', inventory.groups],
      ['insightGroups', inventory.insightGroups],
      ['foreignGroups', inventory.foreignGroups],
    ] as const) {
      assert.equal(groups.size, regions.length, name);
      assert.deepEqual([...groups.keys()], sorted(groups), name);
    }
  });
});
