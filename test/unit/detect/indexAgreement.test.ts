// The index runner (dictionary tables, eventName buckets, raw reads of undecided rows) must give
// exactly what the reference evaluator gives on each parsed record.
import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { builtinRules } from '../../../src/core/detect/builtinPack';
import { parseSigmaRules } from '../../../src/core/detect/rule';
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
