// The HCL reader re-parses a text that differs from one read just before by handing tree-sitter
// the old tree, edited (formats/hcl.ts, recentTrees). What it reads must be exactly what a whole
// parse of the same text reads: edits of every kind (typing, deleting, pasting, breaking and
// mending a brace) over the project's .tf fixtures and, when present, the shared Terraform files.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadHclParser } from '../../../src/core/lint';
import { forgetHclTrees, readHcl } from '../../../src/core/lint/formats/hcl';
import { FIXTURES, random, terraformCorpus } from './terraformCorpus';

const SNIPPETS = [
  'x',
  '"',
  '{',
  '}',
  '\n',
  ' = true',
  '# cloudtrail-lens-disable-line\n',
  '\n  event_selector {\n    read_write_type = "All"\n  }\n',
  '[',
  ']',
  ',',
  '${var.a}',
  'é',
];

function edited(text: string, pick: (n: number) => number): string {
  const at = pick(text.length + 1);
  switch (pick(4)) {
    case 0: // type or paste
      return text.slice(0, at) + SNIPPETS[pick(SNIPPETS.length)] + text.slice(at);
    case 1: // delete a few characters
      return text.slice(0, at) + text.slice(at + 1 + pick(12));
    case 2: // replace a run
      return text.slice(0, at) + SNIPPETS[pick(SNIPPETS.length)] + text.slice(at + 1 + pick(6));
    default: // change nothing (a lint again of the same text)
      return text;
  }
}

describe('HCL reader: incremental re-parse', function () {
  this.timeout(120_000);
  before(() => loadHclParser());
  after(() => forgetHclTrees());

  const { files, sharedPresent } = terraformCorpus();
  if (!sharedPresent) it('NOT RUN on the shared Terraform files: ../shared/datasets is absent');

  it('reads after each edit exactly what a whole parse reads', () => {
    assert.ok(files.length > 0);
    let edits = 0;
    for (const [n, file] of files.entries()) {
      const pick = random(n + 1);
      let text = readFileSync(file, 'utf8');
      forgetHclTrees();
      readHcl(text);
      for (let i = 0; i < 25; i++) {
        text = edited(text, pick);
        const incremental = readHcl(text);
        forgetHclTrees();
        const whole = readHcl(text);
        assert.deepEqual(incremental, whole, `${file}, edit ${i}`);
        edits++;
      }
    }
    assert.ok(edits >= 25);
  });

  it('goes back and forth between a document and its text with a completion marker', () => {
    const text = readFileSync(join(FIXTURES, 'sample-trail.tf'), 'utf8');
    forgetHclTrees();
    const first = readHcl(text);
    const marked = `${text.slice(0, 40)}__marker__${text.slice(40)}`;
    const withMarker = readHcl(marked);
    assert.deepEqual(readHcl(text), first);
    forgetHclTrees();
    assert.deepEqual(readHcl(marked), withMarker);
  });
});
