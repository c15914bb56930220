import * as assert from 'node:assert/strict';
import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomically } from '../../../src/core/output/atomicFile';
import { isInside, overwrittenInput } from '../../../src/core/output/outputTarget';

describe('output targets: never over what the tool reads', () => {
  let dir: string;
  let evidence: string;
  let log: string;
  let caseFile: string;
  let inputs: { path: string; what: string }[];
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ctl-output-target-'));
    evidence = join(dir, 'evidence');
    mkdirSync(join(evidence, 'AWSLogs'), { recursive: true });
    log = join(evidence, 'AWSLogs', 'a.json');
    writeFileSync(log, '{"Records":[]}');
    caseFile = join(dir, 'case.json');
    writeFileSync(caseFile, '{}');
    inputs = [
      { path: evidence, what: 'the evidence' },
      { path: caseFile, what: 'the case file' },
    ];
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('names the input a target is, or lies under, through links too', () => {
    assert.deepEqual(overwrittenInput(caseFile, inputs), { input: inputs[1], same: true });
    assert.deepEqual(overwrittenInput(log, inputs), { input: inputs[0], same: false });
    assert.deepEqual(overwrittenInput(join(dir, '.', 'evidence'), inputs), {
      input: inputs[0],
      same: true,
    });
    const link = join(dir, 'link.md');
    symlinkSync(log, link);
    assert.deepEqual(overwrittenInput(link, inputs), { input: inputs[0], same: false });
  });

  it('allows a new file, or an existing one elsewhere; refuses an input not made yet', () => {
    assert.equal(overwrittenInput(join(dir, 'report.md'), inputs), undefined);
    assert.equal(overwrittenInput(join(evidence, 'new-report.md'), inputs), undefined);
    const sibling = join(dir, 'evidence-copy.md'); // a name that starts like the folder's
    writeFileSync(sibling, 'x');
    assert.equal(overwrittenInput(sibling, inputs), undefined);
    rmSync(caseFile);
    assert.deepEqual(overwrittenInput(caseFile, inputs), { input: inputs[1], same: true });
  });

  it('isInside: a folder named ..x beside the parent is not inside it', () => {
    assert.ok(isInside('/a/b/c', '/a/b'));
    assert.ok(!isInside('/a/..b', '/a/b'));
    assert.ok(isInside('/a/b/..c', '/a/b'));
    assert.ok(!isInside('/a', '/a/b'));
  });

  it('writeFileAtomically writes the chunks, and a failed write leaves the old file as it was', async () => {
    const target = join(dir, 'report.jsonl');
    await writeFileAtomically(target, ['a\n', 'b\n']);
    assert.equal(readFileSync(target, 'utf8'), 'a\nb\n');
    async function* failing(): AsyncGenerator<string> {
      yield 'half';
      throw new Error('the records could not be read');
    }
    await assert.rejects(writeFileAtomically(target, failing()), /could not be read/);
    assert.equal(readFileSync(target, 'utf8'), 'a\nb\n');
    assert.deepEqual(readdirSync(dir).sort(), ['case.json', 'evidence', 'report.jsonl']);
  });
});
