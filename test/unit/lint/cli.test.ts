// `cloudtrail-lens lint`: output formats, exit codes, bad arguments, folders.
import * as assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../../src/cli/main';
import type { CliIo } from '../../../src/cli/io';
import { createTrail, json, putAdvanced, mgmt } from './helpers';

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIo = { out: (t) => (out += t), err: (t) => (err += t), stderrIsTTY: false };
  const code = await main(['lint', ...args], io);
  return { code, out, err };
}

describe('cloudtrail-lens lint', () => {
  let dir: string;
  let bad: string;
  let warnOnly: string;
  let clean: string;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'ctl-lint-'));
    bad = join(dir, 'selectors.json');
    // readOnly with NotEquals (error) and a Management selector with eventName (error).
    writeFileSync(bad, putAdvanced([mgmt({ Field: 'readOnly', NotEquals: ['true'] }, { Field: 'eventName', Equals: ['CreateUser'] })]));
    warnOnly = join(dir, 'trail.jsonc');
    writeFileSync(warnOnly, `// a trail\n${createTrail({ EnableLogFileValidation: false })}`);
    clean = join(dir, 'clean.json');
    writeFileSync(clean, createTrail());
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  it('prints file:line:col severity rule-id message and exits 1 on errors', async () => {
    const r = await run([bad]);
    assert.equal(r.code, 1);
    const lines = r.out.trim().split('\n');
    assert.equal(lines.length, 2);
    assert.match(lines[0], new RegExp(`^${bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+:\\d+ error equals-only-field "readOnly" accepts only the Equals operator, not NotEquals\\.$`));
    assert.match(lines[1], / error field-not-allowed /);
  });

  it('exits 0 when there are only warnings', async () => {
    const r = await run([warnOnly]);
    assert.equal(r.code, 0);
    // Line 1 is the comment; EnableLogFileValidation is the 6th property; `false` starts at column 30.
    assert.match(r.out, /trail\.jsonc:7:30 warning log-file-validation-off /);
  });

  it('--format json prints an array with positions and fix titles', async () => {
    const r = await run(['--format', 'json', warnOnly, clean]);
    assert.equal(r.code, 0);
    const arr = JSON.parse(r.out);
    assert.equal(arr.length, 1);
    assert.deepEqual(arr[0], {
      file: warnOnly,
      line: 7,
      column: 30,
      endLine: 7,
      endColumn: 35,
      severity: 'warning',
      ruleId: 'log-file-validation-off',
      message: 'Log file validation is off: tampering with delivered logs would go undetected (CIS 3.2).',
      fixes: ['Turn on log file validation'],
    });
    assert.deepEqual(JSON.parse((await run(['--format=json', clean])).out), []);
  });

  it('--disable and --disable-group switch rules off', async () => {
    assert.equal((await run(['--disable', 'equals-only-field,field-not-allowed', bad])).code, 0);
    assert.equal((await run(['--disable-group', 'correctness', bad])).out, '');
  });

  it('exits 2 on bad arguments', async () => {
    for (const args of [[], ['--format', 'xml', clean], ['--disable', 'no-such-rule', clean], ['--disable-group', 'style', clean], ['--frobnicate', clean], ['--format']]) {
      const r = await run(args);
      assert.equal(r.code, 2, args.join(' '));
      assert.ok(r.err.length > 0);
    }
  });

  it('names a missing file, still lints the others, and exits 2', async () => {
    const r = await run([join(dir, 'missing.json'), bad]);
    assert.equal(r.code, 2);
    assert.match(r.err, /missing\.json: no such file or folder/);
    assert.match(r.out, /equals-only-field/);
  });

  it('reports a syntax error in a named file as an error finding', async () => {
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, '{"Name": "t-1", "S3BucketName": "b" "IsMultiRegionTrail": true}');
    const r = await run([broken]);
    assert.equal(r.code, 1);
    assert.match(r.out, /broken\.json:1:\d+ error json-syntax JSON syntax error: comma expected\./);
  });

  it('says so when a named file is not a trail configuration', async () => {
    const other = join(dir, 'package.json');
    writeFileSync(other, json({ name: 'x' }));
    const r = await run([other]);
    assert.equal(r.code, 0);
    assert.match(r.err, /package\.json: not a trail or event selector configuration/);
  });

  it('searches folders for .json and .jsonc files, skipping broken JSON that is not a configuration', async () => {
    const sub = join(dir, 'tree', 'nested');
    mkdirSync(sub, { recursive: true });
    writeFileSync(join(sub, 'a.json'), readFileSync(bad));
    writeFileSync(join(sub, 'notes.txt'), readFileSync(bad));
    writeFileSync(join(sub, 'junk.json'), '{ not json');
    const r = await run([join(dir, 'tree')]);
    assert.equal(r.code, 1);
    assert.equal(r.out.trim().split('\n').length, 2);
    assert.ok(r.out.split('\n').every((l) => l === '' || l.includes('a.json')));
  });

  it('--list-rules prints every rule with its documentation link', async () => {
    const r = await run(['--list-rules']);
    assert.equal(r.code, 0);
    assert.match(r.out, /^logs-nothing\terror\tcorrectness\t.*\thttps:\/\/docs\.aws\.amazon\.com\//m);
    assert.match(r.out, /^no-kms-key\twarning\tposture\t.*CIS AWS Foundations 3\.7/m);
  });
});
