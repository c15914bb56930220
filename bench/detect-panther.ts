// The built-in pack on Panther's labelled CloudTrail test events: a confusion table against
// Panther's labels (expected: true = the Panther rule fires, i.e. suspicious), and every built-in
// rule that fires on an event Panther labels benign, for BENCHMARKS.md.
//   npx tsx bench/detect-panther.ts [../shared/datasets/panther-analysis]
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { builtinRules } from '../src/core/detect/builtinPack';
import { ruleMatches } from '../src/core/detect/evaluate';
import { levelRank } from '../src/core/detect/rule';

const dir = resolve(
  process.argv[2] ?? join(__dirname, '..', '..', 'shared', 'datasets', 'panther-analysis'),
);
const events = readFileSync(join(dir, 'cloudtrail-test-events.jsonl'), 'utf8')
  .split('\n')
  .filter(Boolean);
const labels = readFileSync(join(dir, 'detection-labels.jsonl'), 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((l) => JSON.parse(l) as { line: number; rule: string; test: string; expected: boolean });
const rules = builtinRules();
for (const minLevel of ['informational', 'medium'] as const) {
  const table = { tp: 0, fn: 0, fp: 0, tn: 0 };
  const benignHits: string[] = [];
  let skipped = 0;
  for (const label of labels) {
    const record = JSON.parse(events[label.line - 1]) as Record<string, unknown>;
    if (typeof record.eventSource !== 'string') {
      skipped++; // Okta records mixed into Panther's tests
      continue;
    }
    const fired = rules.filter(
      (r) => levelRank(r.level) >= levelRank(minLevel) && ruleMatches(r, record),
    );
    if (label.expected) fired.length ? table.tp++ : table.fn++;
    else if (fired.length) {
      table.fp++;
      for (const r of fired)
        benignHits.push(
          `line ${label.line}\t${r.level}\t${r.title}\t<- ${label.rule.split('/').pop()} :: ${label.test}`,
        );
    } else table.tn++;
  }
  console.log(
    `\nbuilt-in rules at level >= ${minLevel}: ${rules.filter((r) => levelRank(r.level) >= levelRank(minLevel)).length}; events ${labels.length - skipped} (skipped ${skipped} non-CloudTrail)`,
  );
  console.log(
    `| Panther label \\ built-in pack | fires | silent |\n|---|---|---|\n| suspicious (expected: true) | ${table.tp} | ${table.fn} |\n| benign (expected: false) | ${table.fp} | ${table.tn} |`,
  );
  if (minLevel === 'informational') for (const h of benignHits) console.log(h);
}
