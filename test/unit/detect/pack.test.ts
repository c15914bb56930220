// The built-in pack: its rules are well-formed, and together they catch every technique of the
// hand-made scenarios and of the Stratus Red Team detonation logs, run through the index.
import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { builtinRules } from '../../../src/core/detect/builtinPack';
import { ruleMatches } from '../../../src/core/detect/evaluate';
import { runRules } from '../../../src/core/detect/run';
import { LEVELS } from '../../../src/core/detect/rule';
import { WorkerPool } from '../../../src/core/ingest/pool';
import { dataset, describeWithDatasets } from '../../support/datasets';
import { STRATUS_ATTACK, taggedWith, TECHNIQUE_SCENARIOS } from '../../fixtures/detect/techniques';
import { fileOfRow, indexFiles } from './helpers';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('built-in rule pack', function () {
  this.timeout(120_000);
  let pool: WorkerPool;
  before(() => (pool = new WorkerPool(2)));
  after(() => pool.close());

  it('has at least 40 rules, each with a UUID, title, level, ATT&CK tags, description and false positives', () => {
    const rules = builtinRules();
    assert.ok(rules.length >= 40, `${rules.length} rules`);
    assert.equal(new Set(rules.map((r) => r.id)).size, rules.length, 'ids are unique');
    assert.equal(new Set(rules.map((r) => r.title)).size, rules.length, 'titles are unique');
    for (const r of rules) {
      assert.match(r.id, UUID, r.title);
      assert.ok(LEVELS.includes(r.level), r.title);
      assert.ok(
        r.tags.some((t) => /^attack\.t\d{4}(\.\d{3})?$/.test(t)),
        `${r.title}: a technique tag`,
      );
      assert.ok(
        r.tags.some((t) => /^attack\.[a-z]+(-[a-z]+)*$/.test(t)),
        `${r.title}: a tactic tag`,
      );
      assert.ok(r.description.length > 40, `${r.title}: a description of why it matters`);
      assert.ok(r.falsepositives.length > 0, `${r.title}: false positives`);
    }
  });

  it('catches every hand-made technique scenario with a rule tagged with its technique', async () => {
    const files = Object.fromEntries(
      TECHNIQUE_SCENARIOS.map((s) => [`${s.technique}.json`, s.records]),
    );
    const { index, close } = await indexFiles(files, pool);
    try {
      const run = await runRules(index, builtinRules());
      for (const s of TECHNIQUE_SCENARIOS) {
        const hits = run.hits.filter(
          (h) =>
            taggedWith(h.rule.tags, s.attack) &&
            [...h.rows].some((r) => fileOfRow(index, r) === `${s.technique}.json`),
        );
        assert.ok(hits.length > 0, `${s.technique}: no rule tagged ${s.attack} fired`);
      }
      // The benign neighbours (GetCallerIdentity, Describe* calls) are not flagged.
      const flagged = new Set(run.hits.flatMap((h) => [...h.rows]));
      for (let r = 0; r < index.size; r++) {
        const name = index.value(r, 'eventName');
        if (
          name === 'GetCallerIdentity' ||
          name === 'DescribeInstanceInformation' ||
          name === 'DescribeParameters'
        )
          assert.ok(!flagged.has(r), `${name} flagged`);
      }
    } finally {
      await close();
    }
  });
});

describe('built-in rule pack on near misses', () => {
  const rule = (title: string) => {
    const r = builtinRules().find((x) => x.title === title);
    assert.ok(r, title);
    return r;
  };
  const call = (eventSource: string, eventName: string, extra: Record<string, unknown>) => ({
    eventSource,
    eventName,
    userIdentity: { type: 'IAMUser', userName: 'mallory', arn: 'arn:aws:iam::1:user/mallory' },
    ...extra,
  });

  it('a Lambda permission for the principal "*" only, not for any principal', () => {
    const r = rule('Lambda function made invocable by anyone');
    const add = (principal: string) =>
      call('lambda.amazonaws.com', 'AddPermission20150331v2', {
        requestParameters: { functionName: 'f', principal },
      });
    assert.equal(ruleMatches(r, add('*')), true);
    assert.equal(ruleMatches(r, add('s3.amazonaws.com')), false);
    assert.equal(ruleMatches(r, add('111122223333')), false);
  });

  it("a key or password for another user whose name ends the caller's, not only its own", () => {
    const session = {
      type: 'AssumedRole',
      arn: 'arn:aws:sts::1:assumed-role/ops/admin',
      principalId: 'AROAEXAMPLE:admin',
    };
    const user = (name: string) => ({
      type: 'IAMUser',
      userName: name,
      arn: `arn:aws:iam::1:user/${name}`,
    });
    for (const [title, eventName] of [
      ['IAM access key created for another user', 'CreateAccessKey'],
      ['Console password of another IAM user changed', 'UpdateLoginProfile'],
    ]) {
      const r = rule(title);
      const on = (userIdentity: unknown, userName: string) =>
        ruleMatches(
          r,
          call('iam.amazonaws.com', eventName, { userIdentity, requestParameters: { userName } }),
        );
      assert.equal(on(user('svc-admin'), 'admin'), true, `${title}: svc-admin for admin`);
      assert.equal(on(user('mallory'), 'alice'), true, title);
      assert.equal(on(user('alice'), 'alice'), false, `${title}: their own`);
      assert.equal(on(session, 'admin'), false, `${title}: a session named like the user`);
      assert.equal(on(session, 'alice'), true, title);
    }
  });

  it('an inline policy granting "*" anywhere in its Action list', () => {
    const r = rule('Inline IAM policy grants all actions');
    const put = (statement: unknown) =>
      ruleMatches(
        r,
        call('iam.amazonaws.com', 'PutUserPolicy', {
          requestParameters: {
            userName: 'u',
            policyName: 'p',
            policyDocument: JSON.stringify(
              { Version: '2012-10-17', Statement: [statement] },
              null,
              2,
            ),
          },
        }),
      );
    assert.equal(put({ Effect: 'Allow', Action: '*', Resource: '*' }), true);
    assert.equal(put({ Effect: 'Allow', Action: ['*'], Resource: '*' }), true);
    assert.equal(put({ Effect: 'Allow', Action: ['s3:GetObject', '*'], Resource: '*' }), true);
    assert.equal(put({ Effect: 'Allow', Action: ['s3:Get*', 'iam:*'], Resource: '*' }), false);
    assert.equal(put({ Effect: 'Allow', NotAction: '*', Resource: '*' }), false);
  });
});

describeWithDatasets('built-in rule pack on the Stratus Red Team detonation logs', function () {
  this.timeout(120_000);
  it('every technique file gets at least one hit from a rule tagged with that technique', async () => {
    const dir = dataset('stratus-red-team', 'docs', 'detonation-logs');
    const names = readdirSync(dir).filter((f) => f.endsWith('.json'));
    assert.equal(names.length, 35);
    const files = Object.fromEntries(
      names.map((f) => [f, JSON.parse(readFileSync(`${dir}/${f}`, 'utf8')) as unknown[]]),
    );
    const { index, close } = await indexFiles(files);
    try {
      const run = await runRules(index, builtinRules());
      const missing: string[] = [];
      for (const f of names) {
        const technique = f.replace(/\.json$/, '');
        const attack = STRATUS_ATTACK[technique];
        assert.ok(attack, `${technique}: no ATT&CK technique known for it`);
        const hit = run.hits.some(
          (h) =>
            taggedWith(h.rule.tags, attack) && [...h.rows].some((r) => fileOfRow(index, r) === f),
        );
        if (!hit) missing.push(`${technique} (${attack})`);
      }
      assert.deepEqual(missing, []);
    } finally {
      await close();
    }
  });
});
