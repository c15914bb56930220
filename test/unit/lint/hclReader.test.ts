// The HCL reader reads block headers and attributes of an error-free tree from the text where they
// are plain, and walks the tree's nodes otherwise (formats/hcl.ts): what it reads must be exactly
// what the walk of every node reads (`treeOnly`), for the project's .tf fixtures, the shared
// Terraform files when present, the layouts that the text shortcuts must recognise or leave to the
// tree, and seeded edits of each (some keep the tree error-free, some break it).
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { loadHclParser } from '../../../src/core/lint';
import { forgetHclTrees, nullArguments, readHcl } from '../../../src/core/lint/formats/hcl';
import type { Node } from '../../../src/core/lint/tree';
import { random, terraformCorpus } from './terraformCorpus';

/** Layouts around the text shortcuts: each is read from the tree where the text is not plain. */
const LAYOUTS = [
  // a comment after `{` (a child of the block, before its body), trailing comments
  'resource "aws_cloudtrail" "t" { # c\n  name = "a" # c2\n  enable_logging = true // c3\n}\n',
  // an attribute's name and `=` on two lines; CRLF line ends
  'resource "aws_cloudtrail" "t" {\r\n  # first\r\n  name\r\n  = "a"\r\n  is_multi_region_trail = false\r\n}\r\n',
  // trailing spaces after the last attribute of a nested block
  'resource "aws_cloudtrail" "t" {\n  name = "a"\n  event_selector { # x\n    read_write_type = "All"   \n  }\n}',
  // escapes in labels, an extra label, no spaces in the header, `= null`
  'resource "aws_cloudtrail" "t\\"x" "extra" {\n  name = "a"\n}\nresource"aws_cloudtrail""u"{\nname="b"\nkms_key_id=null\n}\n',
  // a comment between the labels
  'resource "aws_cloudtrail" /* c */ "t" {\n  name = "a"\n}\n',
  // a heredoc, then an attribute
  'resource "aws_cloudtrail" "t" {\n  name = <<EOF\nabc\nEOF\n  s3_key_prefix = "p"\n}\n',
  // empty bodies
  'resource "aws_cloudtrail" "t" {}\nresource "aws_cloudtrail" "u" {\n}\n',
  // a no-break space (not whitespace to the reader's end search) after a value
  'resource "aws_cloudtrail" "t" {\n  name = "a" \u00a0\n  s3_key_prefix = "p"\n}\n',
  // a comment inside a list value, a dynamic block, values read from the tree
  'resource "aws_cloudtrail" "t" {\n  name = var.name\n  advanced_event_selector {\n    field_selector {\n      field  = "eventCategory"\n      equals = ["Data", # c\n        "Management"]\n    }\n  }\n  dynamic "event_selector" {\n    for_each = var.s\n    content {\n      read_write_type = "All"\n    }\n  }\n  tags = { a = "b" }\n}\n',
];

/** Edits that keep a tree error-free (comments, line breaks, line ends) and some that break it. */
const SNIPPETS = [
  ' # c\n',
  '\n',
  ' /* c */ ',
  '\r\n',
  '\t',
  '\n  event_selector {\n    read_write_type = "All"\n  }\n',
  '{',
  '"',
  ' = true',
  '\n= 1',
];

/** What the reader read, with the `= null` arguments it keeps aside (nullArguments). */
function reading(text: string, treeOnly: boolean): unknown {
  forgetHclTrees();
  return JSON.parse(
    JSON.stringify(readHcl(text, { treeOnly }), function (key, value: unknown) {
      if (key === 'parent') return undefined;
      const nulls =
        value && typeof value === 'object' ? nullArguments.get(value as Node) : undefined;
      return nulls ? { ...(value as object), nulls: [...nulls] } : value;
    }),
  );
}

describe('HCL reader: text shortcuts', function () {
  this.timeout(120_000);
  before(() => loadHclParser());
  after(() => forgetHclTrees());

  const { files, sharedPresent } = terraformCorpus();
  if (!sharedPresent) it('NOT RUN on the shared Terraform files: ../shared/datasets is absent');

  it('read the layouts as the walk of every node reads them', () => {
    for (const [i, text] of LAYOUTS.entries()) {
      const read = reading(text, false);
      assert.deepEqual(read, reading(text, true), `layout ${i}`);
      assert.ok(JSON.stringify(read).includes('"targets":[{'), `layout ${i} holds a trail`);
    }
  });

  it('read every file, and every file after each of 25 seeded edits, as the walk does', () => {
    assert.ok(files.length > 0);
    let errorFree = 0;
    for (const [n, file] of files.entries()) {
      const pick = random(n + 1);
      let text = readFileSync(file, 'utf8');
      for (let i = 0; i <= 25; i++) {
        const fast = reading(text, false) as { errors: unknown[] };
        assert.deepEqual(fast, reading(text, true), `${file}, edit ${i}`);
        if (!fast.errors.length) errorFree++;
        const at = pick(text.length + 1);
        text = text.slice(0, at) + SNIPPETS[pick(SNIPPETS.length)] + text.slice(at);
      }
    }
    assert.ok(errorFree >= files.length, `${errorFree} error-free texts`);
  });
});
