// `cloudtrail-lens report` arguments: what it writes and what it refuses before reading the events
// (the report itself is tested in test/unit/case/report.test.ts).
import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { emptyCase, serializeCase } from '../../../src/core/case/caseFile';
import { runCli } from '../../support/cli';

const record = {
  eventVersion: '1.08',
  eventTime: '2024-05-14T10:00:00Z',
  eventSource: 's3.amazonaws.com',
  eventName: 'GetObject',
  awsRegion: 'us-east-1',
  eventID: 'e-1',
  userIdentity: { type: 'IAMUser', userName: 'alice' },
};

describe('cloudtrail-lens report: arguments', function () {
  this.timeout(60_000);
  let dir: string;
  let logs: string;
  let log: string;
  let caseFile: string;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'ctl-cli-report-'));
    logs = join(dir, 'logs');
    mkdirSync(logs);
    log = join(logs, 'a.json');
    writeFileSync(log, JSON.stringify({ Records: [record] }));
    caseFile = join(dir, 'case.json');
    writeFileSync(caseFile, serializeCase(emptyCase()));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('--output never overwrites the case file or a log it reads', async () => {
    const caseBytes = readFileSync(caseFile);
    const logBytes = readFileSync(log);
    for (const [paths, output, why] of [
      [[logs], caseFile, /the case file/],
      [[logs], join(dir, '.', 'case.json'), /the case file/],
      [[logs], log, /under the folder/],
      [[log], log, /a PATH given/],
    ] as const) {
      const r = await runCli(['report', caseFile, ...paths, '--output', output, '--no-cache']);
      assert.equal(r.code, 2, r.err);
      assert.match(r.err, why);
      assert.match(r.err, /never overwrites its inputs/);
    }
    assert.deepEqual(readFileSync(caseFile), caseBytes);
    assert.deepEqual(readFileSync(log), logBytes);
    const ok = await runCli([
      'report',
      caseFile,
      logs,
      '--output',
      join(dir, 'r.md'),
      '--no-cache',
    ]);
    assert.equal(ok.code, 0, ok.err);
    assert.match(readFileSync(join(dir, 'r.md'), 'utf8'), /^# CloudTrail evidence report/);
  });

  it('an --output that cannot be written is named, without a stack trace', async () => {
    for (const [output, why] of [
      [dir, /a folder; name the report's file/],
      [join(dir, 'nope', 'report.md'), /no such folder/],
    ] as const) {
      const r = await runCli(['report', caseFile, logs, '--output', output, '--no-cache']);
      assert.equal(r.code, 2, r.err);
      assert.match(r.err, why);
      assert.doesNotMatch(r.err, /\n\s+at /, 'no stack trace');
    }
  });
});
