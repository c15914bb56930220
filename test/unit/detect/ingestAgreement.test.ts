// Rules decided while the files are indexed (LoadOptions.rules, detect/ingestDetect.ts) must
// give exactly the hits of the path that reads undecided rows again from their files, which
// stays the fallback: for rules edited since the load, rows of a load without rules, rows from
// the per-file pack, and rules that cannot cross to a worker. Answers are kept by rule
// fingerprint: the same rules parsed again, also after a reopening from the snapshot, use them.
import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { builtinRules, BUILTIN_PACK_YAML } from '../../../src/core/detect/builtinPack';
import { parseSigmaRules, SigmaRule } from '../../../src/core/detect/rule';
import { DetectionRun, runRules } from '../../../src/core/detect/run';
import { EventIndex } from '../../../src/core/index/eventIndex';
import { IndexCache } from '../../../src/core/ingest/indexCache';
import { loadEventFiles, LoadOptions } from '../../../src/core/ingest/load';
import { InlineRunner, JobRunner, WorkerPool } from '../../../src/core/ingest/pool';
import { discover } from '../../../src/core/sources/discover';
import { FolderSource } from '../../../src/core/sources/folder';
import { generateBucket } from '../../../src/core/synthetic/generator';
import { dataset, describeWithDatasets, DATASETS_DIR } from '../../support/datasets';
import { TECHNIQUE_SCENARIOS } from '../../fixtures/detect/techniques';
import { assertAgreement } from './helpers';

const cloudtrail = 'logsource:\n  product: aws\n  service: cloudtrail\n';
/** Rules over fields the index does not keep, in every shape: not, keywords, N of, fieldref, no eventName. */
const EXTRA_YAML = [
  `title: keyword\n${cloudtrail}detection:\n  k:\n    - '*stratus*'\n  condition: k`,
  `title: mixed\n${cloudtrail}detection:\n  a:\n    eventSource|endswith: '.amazonaws.com'\n  b:\n    requestParameters.instanceId|startswith: 'i-'\n  c:\n    errorCode|exists: true\n  condition: a and (b or not c)`,
  `title: two-of\n${cloudtrail}detection:\n  s_a:\n    readOnly: true\n  s_b:\n    userIdentity.type: IAMUser\n  s_c:\n    requestParameters|contains: 'name'\n  condition: 2 of s_*`,
  `title: not-raw\n${cloudtrail}detection:\n  a:\n    eventName|startswith: Describe\n  b:\n    requestParameters.filterSet|exists: true\n  condition: a and not b`,
  `title: fieldref\n${cloudtrail}detection:\n  a:\n    requestParameters.userName|fieldref: userIdentity.userName\n  condition: not a`,
].join('\n---\n');
const EXTRA = parseSigmaRules(EXTRA_YAML, 'extra');

async function load(
  dir: string,
  runner: JobRunner,
  options: LoadOptions = {},
  index = new EventIndex({ runner }),
): Promise<EventIndex> {
  await loadEventFiles(index, runner, (await discover(new FolderSource(dir))).events, options);
  return index;
}

/** Each rule's hits by title and event (file and position: rows are numbered as files finish loading). */
const picture = (index: EventIndex, run: DetectionRun) =>
  run.hits.map((h) => [
    h.rule.title,
    [...h.rows]
      .map((r) => `${index.files[index.store.fileOf[r]].key}#${index.store.elementOf[r]}`)
      .sort(),
  ]);

/** The same folder loaded without and with the rules: the same hits, and with the rules no row read again. */
async function assertSameHits(
  dir: string,
  runner: JobRunner,
  rules: SigmaRule[],
): Promise<{ hits: number; answered: number }> {
  const plainIndex = await load(dir, runner);
  const plain = await runRules(plainIndex, rules);
  const decidedIndex = await load(dir, runner, { rules });
  const decided = await runRules(decidedIndex, rules);
  assert.ok(plain.rawRows > 0, 'the rules read rows the columns cannot decide');
  assert.equal(plain.answeredRows, 0);
  assert.deepEqual(picture(decidedIndex, decided), picture(plainIndex, plain));
  assert.equal(decided.rawRows, 0, 'every undecided row was answered at ingest');
  assert.equal(decided.answeredRows, plain.rawRows);
  // And both are what the reference evaluator says of each record (records whose keys a pipeline
  // renamed included: the evaluator reads them under CloudTrail's names, as the index does).
  const hits = await assertAgreement(decidedIndex, rules);
  return { hits, answered: decided.answeredRows };
}

describe('detections decided at ingest agree with the rows read again', function () {
  this.timeout(120_000);
  let root: string;
  let scenarios: string;
  let pool: WorkerPool;
  const rules = () => [...builtinRules(), ...EXTRA.rules];

  before(() => {
    assert.equal(EXTRA.problems.length, 0, JSON.stringify(EXTRA.problems));
    root = mkdtempSync(join(tmpdir(), 'ctl-ingest-detect-'));
    scenarios = join(root, 'scenarios');
    writeFiles(
      scenarios,
      Object.fromEntries(TECHNIQUE_SCENARIOS.map((s) => [`${s.technique}.json`, s.records])),
    );
    pool = new WorkerPool(2);
  });
  after(async () => {
    await pool.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('on the technique scenarios, in workers and inline', async () => {
    const inWorkers = await assertSameHits(scenarios, pool, rules());
    assert.ok(inWorkers.hits > 50 && inWorkers.answered > 20, JSON.stringify(inWorkers));
    const inline = await assertSameHits(scenarios, new InlineRunner(), rules());
    assert.deepEqual(inline, inWorkers);
  });

  it('on a generated bucket', async () => {
    const bucket = join(root, 'bucket');
    await generateBucket({ events: 6000, out: bucket, seed: 3 });
    const { hits, answered } = await assertSameHits(bucket, pool, rules());
    assert.ok(hits > 100 && answered > 100, JSON.stringify({ hits, answered }));
  });

  it('on records the scanner declines and keys spelt in other cases (every rule decided on them)', async () => {
    const dir = join(root, 'odd');
    writeFiles(dir, {
      'cased.json': [
        {
          eventVersion: '1.08',
          EventName: 'RunInstances',
          eventSource: 'ec2.amazonaws.com',
          eventTime: '2024-01-01T00:00:00Z',
          requestParameters: { instanceType: 'p4d.24xlarge' },
        },
        {
          eventName: 'CreateAccessKey',
          eventSource: 'iam.amazonaws.com',
          eventTime: '2024-01-01T00:00:01Z',
          userIdentity: { type: 'IAMUser', userName: 'alice' },
          requestParameters: { userName: 'bob' },
        },
      ],
    });
    writeFileSync(
      join(dir, 'lines.jsonl'),
      TECHNIQUE_SCENARIOS.flatMap((s) => s.records)
        .map((r) => JSON.stringify(r))
        .join('\n'),
    );
    await assertSameHits(dir, pool, rules());
  });

  it('a worker whose first file is broken still decides the files after it', async () => {
    const dir = join(root, 'broken-first');
    writeFiles(dir, {
      'b.json': TECHNIQUE_SCENARIOS.flatMap((s) => s.records),
    });
    writeFileSync(join(dir, 'a.json.gz'), Buffer.from([0x1f, 0x8b, 8, 0, 1, 2, 3]));
    const one = new WorkerPool(1);
    try {
      const index = await load(dir, one, { rules: rules() });
      assert.equal(index.problems[0]?.code, 'corrupt-gzip');
      const run = await runRules(index, rules());
      assert.ok(run.answeredRows > 20);
      assert.equal(run.rawRows, 0);
    } finally {
      await one.close();
    }
  });

  it('loads with more rule sets at once than a worker keeps compiled are all decided', async () => {
    const one = new WorkerPool(1);
    try {
      const list = rules();
      const indexes = await Promise.all(
        Array.from({ length: 7 }, () => load(scenarios, one, { rules: list })),
      );
      for (const index of indexes) {
        const run = await runRules(index, list);
        assert.ok(run.answeredRows > 20);
        assert.equal(run.rawRows, 0);
      }
    } finally {
      await one.close();
    }
  });

  it('falls back to reading rows for edited rules, or rules built by hand', async () => {
    const index = await load(scenarios, pool, { rules: rules() });
    const oracleIndex = await load(scenarios, pool);
    // The same rules read again (other objects, the same fingerprints) use the answers.
    const reread = await runRules(index, rulesAgain());
    const oracle = await runRules(oracleIndex, rulesAgain());
    assert.equal(reread.rawRows, 0);
    assert.equal(reread.answeredRows, oracle.rawRows);
    assert.deepEqual(picture(index, reread), picture(oracleIndex, oracle));
    // An edited rule (same id, another detection) has no answers: its rows are read.
    await assertEditedRuleReads(index, oracleIndex);
    // A rule whose tests cannot cross to a worker (no written form) is decided by reading.
    const handMade: SigmaRule[] = rules().map((r) => ({ ...r, expr: stripWritten(r.expr) }));
    const loaded = await load(scenarios, pool, { rules: handMade });
    const run = await runRules(loaded, handMade);
    assert.equal(run.answeredRows, 0);
    assert.deepEqual(picture(loaded, run), picture(oracleIndex, oracle));
  });

  it('mixes answered rows with rows appended by a load without rules', async () => {
    const more = join(root, 'more');
    await generateBucket({ events: 1500, out: more, seed: 11 });
    const list = rules();
    const index = await load(scenarios, pool, { rules: list });
    const firstOfMore = index.size;
    await load(more, pool, {}, index);
    const oracleIndex = await load(scenarios, pool);
    await load(more, pool, {}, oracleIndex);
    const oracle = await runRules(oracleIndex, list);
    const run = await runRules(index, list);
    assert.ok(run.answeredRows > 0 && run.rawRows > 0, `${run.answeredRows} ${run.rawRows}`);
    assert.equal(run.answeredRows + run.rawRows, oracle.rawRows);
    assert.deepEqual(picture(index, run), picture(oracleIndex, oracle));
    // Only the rows appended since a run (those of the second load), then only the answered ones.
    const from = await runRules(index, list, undefined, { from: firstOfMore });
    const oracleFrom = await runRules(oracleIndex, list, undefined, { from: firstOfMore });
    assert.equal(from.answeredRows, 0);
    assert.deepEqual(picture(index, from), picture(oracleIndex, oracleFrom));
  });

  it('reopened from the snapshot, the index keeps its answers for the same rules read again', async () => {
    const bucket = join(root, 'cached');
    await generateBucket({ events: 2000, out: bucket, seed: 5 });
    const cacheDir = join(root, 'cache');
    const first = IndexCache.open(cacheDir, 'scope');
    const fresh = await load(bucket, pool, { rules: rules(), cache: first });
    first.save();
    const a = await runRules(fresh, rules());
    assert.ok(a.answeredRows > 0 && a.rawRows === 0, `${a.answeredRows} ${a.rawRows}`);
    // Another index (as in another process) from the snapshot; the rules parsed again.
    const second = IndexCache.open(cacheDir, 'scope');
    const reopened = await load(bucket, pool, { cache: second });
    assert.equal(second.stats.snapshot, true);
    const reads = countReads(reopened);
    const b = await runRules(reopened, rulesAgain());
    assert.equal(reads(), 0, 'no record read again');
    assert.equal(b.rawRows, 0);
    assert.equal(b.answeredRows, a.answeredRows);
    assert.deepEqual(picture(reopened, b), picture(fresh, a));
    const oracleIndex = await load(bucket, pool);
    await assertEditedRuleReads(reopened, oracleIndex);
    // Rows from the per-file pack (a file added: the snapshot does not apply) have no answers
    // and are read; the added file's rows were decided at its load.
    await generateBucket({ events: 300, out: join(bucket, 'added'), seed: 6 });
    const third = IndexCache.open(cacheDir, 'scope');
    const packed = await load(bucket, pool, { rules: rules(), cache: third });
    assert.ok(!third.stats.snapshot && third.stats.hits > 0, JSON.stringify(third.stats));
    const plainIndex = await load(bucket, pool);
    const plain = await runRules(plainIndex, rules());
    const c = await runRules(packed, rules());
    assert.ok(c.rawRows > 0 && c.answeredRows > 0, `${c.rawRows} ${c.answeredRows}`);
    assert.equal(c.rawRows + c.answeredRows, plain.rawRows);
    assert.deepEqual(picture(packed, c), picture(plainIndex, plain));
  });

  /** One rule edited (same id, another detection): only its undecided rows are read, the hits exact. */
  async function assertEditedRuleReads(index: EventIndex, oracleIndex: EventIndex): Promise<void> {
    const editedYaml = EXTRA_YAML.replace(`startswith: 'i-'`, `startswith: 'i-0'`);
    assert.notEqual(editedYaml, EXTRA_YAML);
    const edited = [
      ...parseSigmaRules(BUILTIN_PACK_YAML, 'built-in').rules,
      ...parseSigmaRules(editedYaml, 'extra').rules,
    ];
    const mixed = edited.find((r) => r.title === 'mixed')!;
    const onlyEdited = await runRules(oracleIndex, [mixed]);
    assert.ok(onlyEdited.rawRows > 0);
    const reads = countReads(index);
    const run = await runRules(index, edited);
    assert.equal(run.rawRows, onlyEdited.rawRows, 'the edited rule reads its rows, no other');
    assert.equal(reads(), run.rawRows);
    assert.ok(run.answeredRows > 0);
    assert.deepEqual(
      picture(index, run),
      picture(oracleIndex, await runRules(oracleIndex, edited)),
    );
  }
});

/** The built-in pack and the extra rules parsed again: new objects. */
const rulesAgain = (): SigmaRule[] => [
  ...parseSigmaRules(BUILTIN_PACK_YAML, 'built-in').rules,
  ...parseSigmaRules(EXTRA_YAML, 'extra').rules,
];

/** Counts the records the index is asked to read again from their files. */
function countReads(index: EventIndex): () => number {
  let n = 0;
  const read = index.rawRecords.bind(index);
  index.rawRecords = (rows, signal) => {
    n += rows.length;
    return read(rows, signal);
  };
  return () => n;
}

describeWithDatasets('detections decided at ingest agree on public data', function () {
  this.timeout(120_000);
  it('every dataset folder (Stratus Red Team, flaws2, Panther, pwnedlabs, …)', async () => {
    const pool = new WorkerPool(2);
    const root = mkdtempSync(join(tmpdir(), 'ctl-ingest-detect-data-'));
    try {
      // Panther's test events are one record per line, most of them CloudTrail.
      writeFileSync(
        join(root, 'panther.jsonl'),
        readFileSync(dataset('panther-analysis', 'cloudtrail-test-events.jsonl')),
      );
      const stratus = dataset('stratus-red-team', 'docs', 'detonation-logs');
      assert.ok(readdirSync(stratus).length > 20);
      const rules = [...builtinRules(), ...EXTRA.rules];
      const { hits } = await assertSameHits(DATASETS_DIR, pool, rules);
      assert.ok(hits > 100, `${hits}`);
      await assertSameHits(root, pool, rules);
    } finally {
      await pool.close();
      rmSync(root, { recursive: true, force: true });
    }
  });
});

function writeFiles(dir: string, files: Record<string, unknown[]>): void {
  mkdirSync(dir, { recursive: true });
  for (const [name, records] of Object.entries(files))
    writeFileSync(join(dir, name), JSON.stringify({ Records: records }));
}

function stripWritten(e: SigmaRule['expr']): SigmaRule['expr'] {
  switch (e.kind) {
    case 'leaf': {
      const { written: _written, ...rest } = e;
      return rest;
    }
    case 'not':
      return { kind: 'not', child: stripWritten(e.child) };
    case 'const':
      return e;
    default:
      return { ...e, children: e.children.map(stripWritten) };
  }
}
