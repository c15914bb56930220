// DetectionResults: what the timeline and explorer ask of a run.
import * as assert from 'node:assert/strict';
import { parseSigmaRules } from '../../../src/core/detect/rule';
import { DetectionResults, detectionsJson, ruleSelector } from '../../../src/core/detect/results';
import type { DetectionRun } from '../../../src/core/detect/run';

const rules = parseSigmaRules(
  ['high', 'low', 'high', 'critical']
    .map(
      (level, i) =>
        `title: Rule ${String.fromCharCode(65 + i)} ${level}\nid: 00000000-0000-4000-8000-00000000000${i}\nlevel: ${level}\nlogsource: {product: aws, service: cloudtrail}\ndetection: {s: {eventName: X}, condition: s}`,
    )
    .join('\n---\n'),
  't',
).rules;
const run: DetectionRun = {
  hits: [
    { rule: rules[0], rows: Uint32Array.of(1, 3) },
    { rule: rules[1], rows: Uint32Array.of(1, 2, 5) },
    { rule: rules[2], rows: Uint32Array.of(3) },
    { rule: rules[3], rows: Uint32Array.of() },
  ],
  version: 1,
  rawRows: 0,
  answeredRows: 0,
  timings: { columnsMs: 0, answersMs: 0, rawMs: 0 },
};

describe('DetectionResults', () => {
  const d = new DetectionResults(run);
  it('gives the rules of a row, highest level first, and its level', () => {
    assert.deepEqual(
      d.rulesOf(1).map((r) => r.title),
      ['Rule A high', 'Rule B low'],
    );
    assert.equal(d.levelOf(2), 'low');
    assert.equal(d.levelOf(0), undefined);
    assert.deepEqual(d.rulesOf(0), []);
    assert.deepEqual(detectionsJson(d.rulesOf(3)), [
      { id: '00000000-0000-4000-8000-000000000000', title: 'Rule A high', level: 'high', tags: [] },
      { id: '00000000-0000-4000-8000-000000000002', title: 'Rule C high', level: 'high', tags: [] },
    ]);
  });

  it('selects rows by rule id or title wildcard, and by level', () => {
    assert.deepEqual([...d.rowsOfRule('00000000-0000-4000-8000-000000000001')], [1, 2, 5]);
    assert.deepEqual([...d.rowsOfRule('rule ? high')], [1, 3]);
    assert.deepEqual([...d.rowsOfRule('*low')], [1, 2, 5]);
    assert.deepEqual([...d.rowsOfRule('nothing')], []);
    assert.deepEqual([...d.rowsOfLevel('high')], [1, 3]);
    assert.deepEqual([...d.rowsOfLevel('low', true)], [1, 2, 3, 5]);
    assert.equal(ruleSelector('RULE A HIGH')(rules[0]), true);
  });

  it('groups the facet by level (each event counted once, at its highest level) and counts rows by level', () => {
    const facet = d.facet(Uint32Array.of(0, 1, 2, 3, 4, 5));
    assert.deepEqual(
      facet.map((g) => [g.level, g.events, g.rules.map((r) => [r.rule.title, r.events])]),
      [
        [
          'high',
          2,
          [
            ['Rule A high', 2],
            ['Rule C high', 1],
          ],
        ],
        ['low', 2, [['Rule B low', 3]]],
      ],
    );
    assert.deepEqual(d.countsByLevel([1, 2, 4]), {
      informational: 0,
      low: 1,
      medium: 0,
      high: 1,
      critical: 0,
    });
  });
});
