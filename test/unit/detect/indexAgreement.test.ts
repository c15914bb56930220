// The index runner (dictionary tables, eventName buckets, raw reads of undecided rows) must give
// exactly what the reference evaluator gives on each parsed record.
import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { builtinRules } from '../../../src/core/detect/builtinPack';
import { explainMatch } from '../../../src/core/detect/evaluate';
import { parseSigmaRules } from '../../../src/core/detect/rule';
import { runRules } from '../../../src/core/detect/run';
import { dataset, describeWithDatasets } from '../../support/datasets';
import { TECHNIQUE_SCENARIOS } from '../../fixtures/detect/techniques';
import { assertAgreement, indexFiles } from './helpers';

const cloudtrail = 'logsource:\n  product: aws\n  service: cloudtrail\n';
/** Rules that exercise every evaluation path: indexed only, unindexed only, negations, keywords, N of. */
const EXTRA = parseSigmaRules(
  [
    `title: not-root\n${cloudtrail}detection:\n  a:\n    userIdentity.type: Root\n  condition: not a`,
    `title: keyword\n${cloudtrail}detection:\n  k:\n    - '*stratus*'\n  condition: k`,
    `title: mixed\n${cloudtrail}detection:\n  a:\n    eventSource|endswith: '.amazonaws.com'\n  b:\n    requestParameters.instanceId|startswith: 'i-'\n  c:\n    errorCode|exists: true\n  condition: a and (b or not c)`,
    `title: two-of\n${cloudtrail}detection:\n  s_a:\n    readOnly: true\n  s_b:\n    userIdentity.type: IAMUser\n  s_c:\n    requestParameters|contains: 'name'\n  condition: 2 of s_*`,
    `title: absent-error\n${cloudtrail}detection:\n  a:\n    errorCode: null\n    userAgent|contains: 'aws'\n  condition: a`,
  ].join('\n---\n'),
  'extra',
);

describe('detections: index runner agrees with the reference evaluator', function () {
  this.timeout(120_000);
  it('on the hand-made technique scenarios', async () => {
    assert.equal(EXTRA.problems.length, 0, JSON.stringify(EXTRA.problems));
    const { index, close } = await indexFiles(
      Object.fromEntries(TECHNIQUE_SCENARIOS.map((s) => [`${s.technique}.json`, s.records])),
    );
    try {
      assert.ok((await assertAgreement(index, [...builtinRules(), ...EXTRA.rules])) > 50);
    } finally {
      await close();
    }
  });

  it('on records whose keys a pipeline renamed, whichever path decides the rule', async () => {
    // `eventname` is read as eventName by the columns: a rule that also reads a field the index
    // does not keep is decided on the record, which must read it the same way (in the runner and
    // at ingest), or the rule misses the login the columns alone would have found.
    const rules = parseSigmaRules(
      [
        `title: columns\n${cloudtrail}detection:\n  a:\n    eventName: ConsoleLogin\n  condition: a`,
        `title: record\n${cloudtrail}detection:\n  a:\n    eventName: ConsoleLogin\n    additionalEventData.MFAUsed: 'No'\n  condition: a`,
        `title: keyword\n${cloudtrail}detection:\n  a:\n    eventName: ConsoleLogin\n  k:\n    - 'No'\n  condition: a and k`,
      ].join('\n---\n'),
      'renamed',
    ).rules;
    const records = [
      {
        eventname: 'ConsoleLogin',
        EventSource: 'signin.amazonaws.com',
        eventTime: '2024-01-01T00:00:00Z',
        additionalEventData: { MFAUsed: 'No' },
      },
    ];
    for (const options of [{}, { rules }]) {
      const { index, close } = await indexFiles({ 'renamed.json': records }, undefined, options);
      try {
        const run = await runRules(index, rules);
        assert.deepEqual(
          run.hits.map((h) => [h.rule.title, [...h.rows]]),
          [
            ['columns', [0]],
            ['record', [0]],
            ['keyword', [0]],
          ],
        );
        assert.equal(await assertAgreement(index, rules), 3);
        const [text] = await index.rawRecords(Uint32Array.of(0));
        assert.deepEqual(
          explainMatch(rules[1], JSON.parse(text)).map((m) => [m.field, m.values]),
          [
            ['eventName', ['ConsoleLogin']],
            ['additionalEventData.MFAUsed', ['No']],
          ],
        );
      } finally {
        await close();
      }
    }
  });
});

describeWithDatasets(
  'detections: index runner agrees with the reference evaluator on public data',
  function () {
    this.timeout(120_000);
    it('Stratus Red Team detonation logs and Panther test events', async () => {
      const dir = dataset('stratus-red-team', 'docs', 'detonation-logs');
      const files: Record<string, unknown[]> = Object.fromEntries(
        readdirSync(dir).map((f) => [
          f,
          JSON.parse(readFileSync(`${dir}/${f}`, 'utf8')) as unknown[],
        ]),
      );
      const panther = readFileSync(
        dataset('panther-analysis', 'cloudtrail-test-events.jsonl'),
        'utf8',
      )
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>)
        .filter((r) => typeof r.eventSource === 'string');
      files['panther.json'] = panther;
      const { index, close } = await indexFiles(files);
      try {
        assert.ok((await assertAgreement(index, [...builtinRules(), ...EXTRA.rules])) > 100);
      } finally {
        await close();
      }
    });
  },
);
