// One configuration, four renderings written for these tests (test/fixtures/lint/iac/equivalent.*):
// a CloudFormation JSON template, the same template in YAML (short-form !Ref, flow and block
// lists), Terraform HCL and Terraform JSON. Six trails plant a problem for every correctness rule
// that all four can express. The engine must find the same things in each: the same rule, on the
// same element of the same trail (compared as a path in the configuration model, under the API's
// names), with a fix in each or in none.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  detectFormat,
  lintText,
  loadHclParser,
  readDocument,
  RULES,
  type Finding,
} from '../../../src/core/lint';
import { anchorOf } from '../../../src/core/lint/recognise';
import { pathOf, type Node } from '../../../src/core/lint/tree';

const FIXTURES = join(__dirname, '..', '..', 'fixtures', 'lint', 'iac');
const RENDERINGS = ['equivalent.json', 'equivalent.yaml', 'equivalent.tf', 'equivalent.tf.json'];

/** The model node a finding is on: the one with its exact range (a YAML mapping starts where its first key does). */
function nodeWithRange(node: Node, offset: number, length: number): Node | undefined {
  if (offset < node.offset || offset > node.offset + node.length) return undefined;
  for (const c of node.children ?? []) {
    const found = nodeWithRange(c, offset, length);
    if (found) return found;
  }
  return node.offset === offset && node.length === length ? node : undefined;
}

/** Each finding as "rule @ trail-number path (fix)", the path in API names within the trail's settings. */
function describeFindings(file: string): { format: string; lines: string[]; findings: Finding[] } {
  const path = join(FIXTURES, file);
  const text = readFileSync(path, 'utf8');
  const format = detectFormat(text, path);
  const doc = readDocument(text, format);
  const { findings } = lintText(text, { format });
  const lines = findings.map((f) => {
    const i = doc.targets.findIndex((t) => {
      const a = anchorOf(t);
      return (
        (f.offset >= t.object.offset && f.offset < t.object.offset + t.object.length) ||
        f.offset === a.offset
      );
    });
    assert.ok(i >= 0, `${file}: ${f.ruleId} at ${f.start.line}:${f.start.column} is in no trail`);
    const t = doc.targets[i];
    const a = anchorOf(t);
    const node = f.offset === a.offset ? undefined : nodeWithRange(t.object, f.offset, f.length);
    assert.ok(
      node || f.offset === a.offset,
      `${file}: ${f.ruleId} at ${f.start.line}:${f.start.column} is on no element`,
    );
    // A key the schema does not know stays as written (`Equal` in JSON, `equal` in Terraform): compared without case.
    const where = node
      ? pathOf(node).path.slice(pathOf(t.object).path.length).join('.').toLowerCase()
      : '(name)';
    return `${f.ruleId} @ trail ${i} ${where}${f.fixes.length ? ' (fix)' : ''}`;
  });
  return { format, lines: lines.sort(), findings };
}

describe('lint: equivalent JSON, YAML, Terraform and Terraform JSON renderings', () => {
  before(() => loadHclParser());

  it('are read as the format their names say', () => {
    assert.deepEqual(
      RENDERINGS.map((f) => describeFindings(f).format),
      ['json', 'yaml', 'terraform', 'json'],
    );
  });

  it('give the same findings, on the same elements, with fixes in the same places', () => {
    const [json, ...others] = RENDERINGS.map(describeFindings);
    for (const [i, other] of others.entries())
      assert.deepEqual(other.lines, json.lines, RENDERINGS[i + 1]);
    // Spot checks that the paths are what the fixture plants (and not, say, all at the trail's name).
    assert.ok(
      json.lines.includes(
        'unknown-operator @ trail 4 advancedeventselectors.1.fieldselectors.1.equal (fix)',
      ),
      json.lines.join('\n'),
    );
    assert.ok(
      json.lines.includes('read-write-type @ trail 0 eventselectors.0.readwritetype (fix)'),
    );
    assert.ok(json.lines.includes('too-many-event-selectors @ trail 2 eventselectors.5'));
    assert.equal(json.lines.length, 40);
  });

  it('cover every correctness rule that is not about one format', () => {
    const fired = new Set(describeFindings('equivalent.json').findings.map((f) => f.ruleId));
    const formatSpecific = [
      'cfn-required-property',
      'cfn-unknown-property',
      'cfn-properties-not-checked',
      'yaml-unknown-tag',
      'yaml-alias',
      // JSON and YAML; Terraform refuses an argument set twice itself (hcl-syntax).
      'repeated-key',
      'terraform-required-argument',
      'terraform-not-created',
    ];
    const missing = RULES.filter(
      (r) =>
        r.meta.group === 'correctness' &&
        !formatSpecific.includes(r.meta.id) &&
        !fired.has(r.meta.id),
    ).map((r) => r.meta.id);
    assert.deepEqual(missing, []);
  });
});
