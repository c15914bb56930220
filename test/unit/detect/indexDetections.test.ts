// The detection results as the index's derived columns: `detection:` and `level:` answered from
// them (as indexed terms, whole, never from the records), agreeing with the reference matcher
// given each row's detections, kept current as files are appended, and refused by SQL.
import * as assert from 'node:assert/strict';
import { builtinRules } from '../../../src/core/detect/builtinPack';
import { IndexDetections } from '../../../src/core/detect/indexDetections';
import { ruleMatches } from '../../../src/core/detect/evaluate';
import { detectionsCell } from '../../../src/core/detect/results';
import { isIndexed } from '../../../src/core/index/execute';
import { matchesRecord } from '../../../src/core/query/match';
import { parseQuery } from '../../../src/core/query/parse';
import { compileQuery, SqlCompileError } from '../../../src/core/sql/compile';
import { loadEventFiles } from '../../../src/core/ingest/load';
import { discover } from '../../../src/core/sources/discover';
import { FolderSource } from '../../../src/core/sources/folder';
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventIndex } from '../../../src/core/index/eventIndex';
import { WorkerPool } from '../../../src/core/ingest/pool';
import { TECHNIQUE_SCENARIOS } from '../../fixtures/detect/techniques';
import { indexFiles } from './helpers';

const FILTERS = [
  'level:high',
  'level:critical OR level:high',
  'NOT level:*',
  'detection:*',
  'detection:"*CloudTrail*"',
  'detection:*cloudtrail* AND event:StopLogging',
  'NOT detection:*secret* AND level:medium',
  'level:low OR "GetCallerIdentity"',
];

describe('IndexDetections: detection: and level: on the index', function () {
  this.timeout(60_000);
  const scenarios = Object.fromEntries(
    TECHNIQUE_SCENARIOS.map((s) => [`${s.technique}.json`, s.records]),
  );

  it('answers detection: and level: from derived columns, as the reference matcher does with each row’s hits', async () => {
    const { index, close } = await indexFiles(scenarios);
    try {
      const rules = builtinRules();
      const detections = new IndexDetections(index, rules);
      await detections.update();
      assert.equal(detections.current, true);
      const texts = await index.rawRecords(Uint32Array.from({ length: index.size }, (_, i) => i));
      const records = texts.map((t) => JSON.parse(t));
      // The hits are the reference evaluator's.
      for (let r = 0; r < index.size; r++) {
        const want = rules
          .filter((rule) => ruleMatches(rule, records[r]))
          .map((x) => x.id)
          .sort();
        assert.deepEqual(
          detections.results
            .rulesOf(r)
            .map((x) => x.id)
            .sort(),
          want,
          `row ${r}`,
        );
      }
      let nonEmpty = 0;
      for (const filter of FILTERS) {
        const node = parseQuery(filter);
        const got = await index.query(node);
        const want: number[] = [];
        for (let r = 0; r < index.size; r++) {
          const fired = detections.results.rulesOf(r);
          const context = {
            detection: fired.flatMap((x) => [x.id, x.title]),
            level: fired.map((x) => x.level),
          };
          if (matchesRecord(node, records[r], texts[r], context)) want.push(r);
        }
        assert.deepEqual(
          [...got.rows].sort((a, b) => a - b),
          want,
          filter,
        );
        if (want.length > 0 && want.length < index.size) nonEmpty++;
      }
      assert.ok(nonEmpty >= 5, 'most filters select some rows but not all');
      // Indexed: answered from the columns, never by reading records.
      assert.equal(isIndexed(parseQuery('level:high AND detection:*'), index.store), true);
      // The CloudTrail-logging rule by its id selects the StopLogging event.
      const stop = rules.find(
        (r) => /cloudtrail/i.test(r.title) && /stop|delet|disabl/i.test(r.title),
      )!;
      const byId = await index.query(parseQuery(`detection:${stop.id}`));
      assert.ok(byId.rows.length > 0);
      for (const r of byId.rows) assert.ok(detections.results.rulesOf(r).includes(stop));
      assert.match(detectionsCell(detections.results.rulesOf(byId.rows[0])), /^[◆▲■●○] /);
    } finally {
      await close();
    }
  });

  it('runs only over the rows appended since, and a query on detection: brings it up to date first', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ctl-detect-inc-'));
    const pool = new WorkerPool(2);
    try {
      const names = Object.keys(scenarios);
      const half = Math.floor(names.length / 2);
      names.forEach((n, i) =>
        writeFileSync(
          join(dir, `${i < half ? 'a' : 'b'}-${n}`),
          JSON.stringify({ Records: scenarios[n] }),
        ),
      );
      const source = new FolderSource(dir);
      const files = (await discover(source)).events;
      const index = new EventIndex({ runner: pool });
      const detections = new IndexDetections(index, builtinRules());
      await loadEventFiles(
        index,
        pool,
        files.filter((f) => f.object.key.startsWith('a-')),
      );
      const firstHigh = (await index.query(parseQuery('level:high'))).rows.length;
      assert.equal(detections.results.rows, index.size, 'the query ran the rules first');
      const covered = index.size;
      await loadEventFiles(
        index,
        pool,
        files.filter((f) => f.object.key.startsWith('b-')),
      );
      assert.equal(detections.current, false);
      const all = (await index.query(parseQuery('level:high'))).rows.length;
      assert.equal(detections.current, true);
      assert.ok(all > firstHigh, 'the appended rows have their hits too');
      // The same answer as a fresh run over everything.
      const whole = new IndexDetections(index, builtinRules());
      await whole.update();
      for (let r = 0; r < index.size; r++)
        assert.deepEqual(
          detections.results.rulesOf(r),
          whole.results.rulesOf(r),
          `row ${r} (first run covered ${covered})`,
        );
    } finally {
      await pool.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('is refused by SQL with a message that says where it runs', () => {
    for (const dialect of ['athena', 'lake'] as const) {
      for (const filter of ['level:high', 'detection:*CloudTrail*']) {
        assert.throws(
          () => compileQuery(parseQuery(filter), { dialect, from: 't' }),
          (e: unknown) =>
            e instanceof SqlCompileError &&
            /detection rules over the loaded events/.test(e.message) &&
            /timeline/.test(e.message),
        );
      }
    }
  });
});
