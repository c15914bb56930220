// The origin through `cloudtrail-lens query`: --fields origin…, --format jsonl --annotate, and
// the origin: filter, on a generated bucket with credential chains whose true origins are known.
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BucketTally, generateBucket } from '../../../src/core/synthetic/generator';
import { originKeyOf } from '../../../src/core/synthetic/generator/chains';
import { runCli } from '../../support/cli';
import { builtinRules } from '../../../src/core/detect/builtinPack';
import { ruleMatches } from '../../../src/core/detect/evaluate';

const PACK = builtinRules();

const run = (...args: string[]) => runCli(['query', ...args]);

describe('cloudtrail-lens query: origins', function () {
  this.timeout(120_000);
  let dir: string;
  let tally: BucketTally;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ctl-origin-cli-'));
    tally = await generateBucket({ events: 2500, out: dir, seed: 8, chains: true });
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  it('--annotate wraps each raw record, bytes unchanged, with its true origin and the detections that fired on it', async () => {
    const plain = await run(dir, '--filter', 'origin:chain-*');
    const annotated = await run(dir, '--filter', 'origin:chain-*', '--annotate');
    assert.equal(annotated.code, 0, annotated.err);
    const raw = plain.out.trimEnd().split('\n');
    const lines = annotated.out.trimEnd().split('\n');
    assert.ok(lines.length > 10);
    assert.equal(lines.length, raw.length);
    let multiHop = 0;
    lines.forEach((line, i) => {
      assert.ok(
        line.startsWith(`{"record":${raw[i]},"origin":`),
        `line ${i} holds the record as stored`,
      );
      const parsed = JSON.parse(line) as {
        record: { userIdentity: Record<string, unknown> };
        origin: Record<string, unknown>;
        detections: unknown[];
      };
      // The built-in pack's hits on the record (query-detections tests cover their content).
      assert.deepEqual(
        (parsed.detections as { id: string }[]).map((d) => d.id).sort(),
        PACK.filter((r) => ruleMatches(r, parsed.record))
          .map((r) => r.id)
          .sort(),
      );
      const truth = tally.origins![originKeyOf(parsed.record.userIdentity)!];
      const { missing, ...rest } = parsed.origin as { missing?: { accessKeyId?: string } };
      assert.deepEqual(
        { ...rest, ...(missing?.accessKeyId ? { missingKey: missing.accessKeyId } : {}) },
        truth,
      );
      assert.match(String(truth.name), /^chain-/);
      if ((truth.hops as unknown[]).length >= 2) multiHop++;
    });
    assert.ok(multiHop > 0);
  });

  it('--fields origin,originType,originHops,originComplete in csv', async () => {
    const r = await run(
      dir,
      '--format',
      'csv',
      '--fields',
      'eventID,origin,originType,originHops,originComplete',
    );
    assert.equal(r.code, 0, r.err);
    const [header, ...rows] = r.out.trimEnd().split('\r\n');
    assert.equal(header, 'eventID,origin,originType,originHops,originComplete');
    assert.equal(rows.length, tally.events);
    const byId = new Map<string, Record<string, unknown>>();
    for (const line of (await run(dir)).out.trimEnd().split('\n')) {
      const rec = JSON.parse(line) as { eventID: string; userIdentity: Record<string, unknown> };
      byId.set(rec.eventID, rec.userIdentity);
    }
    const seen = new Set<string>();
    for (const row of rows) {
      // Origins here hold no commas or quotes (ARNs, subjects, services).
      const [eventID, origin, type, hops, complete] = row.split(',');
      const truth = tally.origins![originKeyOf(byId.get(eventID))!];
      assert.deepEqual(
        [origin, type, Number(hops), complete === 'true'],
        [truth.arn, truth.type, truth.hops.length, truth.complete],
        row,
      );
      seen.add(type);
    }
    for (const t of [
      'IAMUser',
      'SAMLUser',
      'WebIdentityUser',
      'IdentityCenterUser',
      'AWSService',
      'AssumedRole',
    ])
      assert.ok(seen.has(t), t);
  });

  it('refuses --annotate outside jsonl', async () => {
    const r = await run(dir, '--format', 'csv', '--annotate');
    assert.equal(r.code, 2);
    assert.match(r.err, /--annotate applies to --format jsonl/);
  });
});
