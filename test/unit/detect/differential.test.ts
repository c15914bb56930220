// Generated records and rules: the runner over the columns (reading undecided rows again), the
// runner over the answers decided at ingest, and the reference evaluator on each record must
// give the same hits. The records mix what the hand-made scenarios do not: numbers, booleans,
// nulls, arrays and objects where a column expects a scalar, paths through non-objects, keys
// spelt in other cases or repeated, Insights events; the rules every modifier, lists, keywords,
// negations and `N of`.
import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseSigmaRules } from '../../../src/core/detect/rule';
import { runRules } from '../../../src/core/detect/run';
import { EventIndex } from '../../../src/core/index/eventIndex';
import { loadEventFiles, LoadOptions } from '../../../src/core/ingest/load';
import { WorkerPool } from '../../../src/core/ingest/pool';
import { discover } from '../../../src/core/sources/discover';
import { FolderSource } from '../../../src/core/sources/folder';
import { assertAgreement } from './helpers';

const COLUMN_FIELDS = [
  'eventName',
  'errorCode',
  'sourceIPAddress',
  'userAgent',
  'readOnly',
  'userIdentity.type',
  'userIdentity.userName',
  'userIdentity.sessionContext.attributes.mfaAuthenticated',
  'requestParameters.bucketName',
];
const RECORD_FIELDS = [
  'requestParameters.port',
  'requestParameters.name',
  'additionalEventData.MFAUsed',
  'resources.ARN',
  'requestParameters.items.name',
];
const STRINGS = [
  '443',
  '0443',
  'Admin',
  'ADMIN',
  'ǅ',
  'ǆ',
  'straße',
  '\u212a',
  'k',
  'a*b',
  'a\\b',
  'x\u200by',
  '10.0.0.1',
  ' 10.0.0.5 ',
  '::ffff:10.0.0.1',
  '',
  'true',
  'null',
  'ConsoleLogin',
  '-enc',
  '/enc',
  'YWRtaW4=',
  'arn:aws:iam::1:user/admin',
];
const MODIFIERS = [
  [],
  ['contains'],
  ['startswith'],
  ['endswith'],
  ['contains', 'all'],
  ['re'],
  ['re', 'i'],
  ['cidr'],
  ['base64'],
  ['base64offset', 'contains'],
  ['windash', 'contains'],
  ['exists'],
  ['lt'],
  ['gte'],
  ['cased'],
  ['fieldref'],
  ['fieldref', 'endswith'],
  ['neq'],
  ['contains', 'neq'],
  ['fieldref', 'neq'],
];
const CONDITIONS = [
  'a',
  'a and b',
  'a or not b',
  'not a',
  '1 of s*',
  '2 of s*',
  'all of them',
  'k or a',
  'k and not b',
];

/** A small seeded generator (the same records and rules on every run). */
function generator(seed: number) {
  let s = seed;
  const rnd = () => (s = (s * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
  const pick = <T>(a: readonly T[]): T => a[Math.floor(rnd() * a.length)];
  return { rnd, pick };
}

function records(seed: number, fields: string[], count: number): string[] {
  const { rnd, pick } = generator(seed);
  const scalar = (): unknown => {
    const r = rnd();
    if (r < 0.55) return pick(STRINGS);
    if (r < 0.7) return pick([443, 0, -1, 1.5, 1e21]);
    if (r < 0.78) return rnd() < 0.5;
    if (r < 0.85) return null;
    if (r < 0.93) return [pick(STRINGS), pick([443, 'Admin', null])];
    return { name: pick(STRINGS), n: 443 };
  };
  const set = (o: Record<string, unknown>, path: string[], v: unknown) => {
    let cur = o;
    for (const k of path.slice(0, -1)) {
      if (typeof cur[k] !== 'object' || cur[k] === null || Array.isArray(cur[k])) cur[k] = {};
      cur = cur[k] as Record<string, unknown>;
    }
    cur[path[path.length - 1]] = v;
  };
  return Array.from({ length: count }, (_, i) => {
    const rec: Record<string, unknown> = {
      eventVersion: '1.08',
      eventTime: `2024-01-01T00:${String(Math.floor(i / 60) % 60).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}Z`,
      eventSource: 'iam.amazonaws.com',
      eventName: pick(['ConsoleLogin', 'GetObject', 'CreateUser', 'consolelogin']),
    };
    for (let k = Math.floor(rnd() * 5); k >= 0; k--) {
      const f = pick(fields);
      if (f === 'resources.ARN')
        rec.resources = rnd() < 0.8 ? [{ ARN: scalar() }, { ARN: pick(STRINGS) }] : scalar();
      else if (f === 'requestParameters.items.name')
        set(rec, ['requestParameters', 'items'], [{ name: scalar() }, { name: pick(STRINGS) }]);
      else set(rec, f.split('.'), scalar());
    }
    if (rnd() < 0.1) rec.userIdentity = pick([null, 'x', [1], 5]);
    if (rnd() < 0.1) rec.requestParameters = pick([null, 'text', [{ port: 443 }]]);
    let text = JSON.stringify(rec);
    const r = rnd();
    if (r < 0.1) text = text.replace('"eventName"', '"eventname"');
    else if (r < 0.15) text = text.replace('"eventName"', '"EventName":"X","eventname"');
    else if (r < 0.2) text = text.replace('"userIdentity"', '"UserIdentity"');
    else if (r < 0.25)
      text = text.replace(/"eventName":"[^"]*",/, '"insightDetails":{"eventName":"ConsoleLogin"},');
    else if (r < 0.35) text = text.replace('{', `{"eventName":"${pick(['ConsoleLogin', 'X'])}",`);
    else if (r < 0.4) text = text.replace('{', `{"errorCode":"${pick(['443', 'Admin'])}",`);
    return text;
  });
}

function rulesYaml(
  seed: number,
  fields: string[],
  modifiers: string[][],
  conditions: string[],
  count: number,
): string {
  const { rnd, pick } = generator(seed);
  const value = (m: string[]): unknown => {
    if (m.includes('exists')) return rnd() < 0.5;
    if (m.includes('fieldref')) return pick(fields);
    if (m.includes('lt') || m.includes('gte')) return pick([443, '443', 0]);
    if (m.includes('cidr')) return pick(['10.0.0.0/8', '::ffff:0:0/96']);
    if (m.includes('re')) return pick(['^admin$', 'Adm', '^4', '^$', '(?i)^admin']);
    const one = () =>
      pick<unknown>([
        ...STRINGS.filter((x) => x),
        443,
        true,
        null,
        'a\\*b',
        'Adm*',
        '?dmin',
        '*',
        '44?',
      ]);
    return rnd() < 0.3 ? [one(), one()] : one();
  };
  const selection = () =>
    Array.from({ length: 1 + Math.floor(rnd() * 2) }, () => {
      const m = pick(modifiers);
      return `    ${JSON.stringify([pick(fields), ...m].join('|'))}: ${JSON.stringify(value(m))}`;
    }).join('\n');
  return Array.from(
    { length: count },
    (_, i) =>
      `title: r${i}\nlogsource:\n  product: aws\n  service: cloudtrail\ndetection:\n` +
      ['a', 'b', 'sa', 'sb'].map((n) => `  ${n}:\n${selection()}\n`).join('') +
      `  k:\n    - ${JSON.stringify(pick(STRINGS.filter((x) => x)))}\n` +
      `  condition: ${pick(conditions)}`,
  ).join('\n---\n');
}

describe('detections on generated records and rules: the three paths agree', function () {
  this.timeout(120_000);
  let pool: WorkerPool;
  let root: string;
  before(() => {
    pool = new WorkerPool(2);
    root = mkdtempSync(join(tmpdir(), 'ctl-detect-diff-'));
  });
  after(async () => {
    await pool.close();
    rmSync(root, { recursive: true, force: true });
  });

  const cases = [
    {
      name: 'fields of the columns and of the record',
      seed: 7,
      fields: [...COLUMN_FIELDS, ...RECORD_FIELDS],
      modifiers: MODIFIERS,
      conditions: CONDITIONS,
    },
    {
      name: 'fields of the columns only (decided by the columns but for irregular rows)',
      seed: 11,
      fields: COLUMN_FIELDS,
      modifiers: MODIFIERS.filter((m) => !m.includes('fieldref')),
      conditions: CONDITIONS.filter((c) => !c.includes('k')),
    },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const dir = join(root, String(c.seed));
      const texts = records(c.seed, c.fields, 400);
      mkdirSync(dir);
      for (let f = 0; f < 4; f++)
        writeFileSync(
          join(dir, `f${f}.json`),
          `{"Records":[${texts.slice(f * 100, f * 100 + 100).join(',')}]}`,
        );
      const parsed = parseSigmaRules(
        rulesYaml(c.seed, c.fields, c.modifiers, c.conditions, 120),
        'generated',
      );
      assert.ok(parsed.rules.length > 90, JSON.stringify(parsed.problems.slice(0, 3)));
      const rules = parsed.rules;
      const load = async (options: LoadOptions = {}) => {
        const index = new EventIndex({ runner: pool });
        await loadEventFiles(index, pool, (await discover(new FolderSource(dir))).events, options);
        return index;
      };
      const plain = await load();
      const decided = await load({ rules });
      const hitsPlain = await assertAgreement(plain, rules);
      const hitsDecided = await assertAgreement(decided, rules);
      assert.equal(hitsDecided, hitsPlain);
      assert.ok(hitsPlain > 1000, `${hitsPlain}`);
      const run = await runRules(decided, rules);
      assert.equal(run.rawRows, 0, 'every undecided row was answered at ingest');
      if (c.fields === COLUMN_FIELDS) {
        const read = await runRules(plain, rules);
        assert.ok(
          read.rawRows < plain.size / 2,
          `the columns decide most rows (${read.rawRows} read)`,
        );
      }
    });
  }
});
