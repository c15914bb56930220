// Who annotates: the git user name, read from an evidence folder's own git configuration only when
// the caller names that folder (the extension does once the workspace is trusted).
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analystName } from '../../../src/core/case/analyst';

describe('the analyst name', () => {
  let dir: string;
  let evidence: string;
  const cwd = process.cwd();
  const keys = ['HOME', 'USERPROFILE', 'GIT_CONFIG_GLOBAL', 'GIT_CONFIG_NOSYSTEM'] as const;
  const saved = Object.fromEntries(keys.map((k) => [k, process.env[k]]));
  before(function () {
    try {
      execFileSync('git', ['--version']);
    } catch {
      this.skip();
    }
  });
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ctl-analyst-'));
    const home = join(dir, 'home');
    evidence = join(dir, 'evidence');
    mkdirSync(home);
    mkdirSync(evidence);
    writeFileSync(join(home, '.gitconfig'), '[user]\n\tname = Alice Analyst\n');
    execFileSync('git', ['init', '-q'], { cwd: evidence });
    // The attacker's repository names someone else as the one who annotates.
    execFileSync('git', ['config', 'user.name', 'Mallory'], { cwd: evidence });
    process.env.HOME = home;
    process.env.USERPROFILE = home;
    delete process.env.GIT_CONFIG_GLOBAL;
    process.env.GIT_CONFIG_NOSYSTEM = '1';
  });
  afterEach(() => {
    process.chdir(cwd);
    for (const k of keys) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it("reads a folder's own git configuration when asked to", async () => {
    assert.equal(await analystName(evidence), 'Mallory');
  });

  it('without a folder, never reads the one the process runs in (`code .` in the evidence)', async () => {
    process.chdir(evidence);
    assert.equal(await analystName(), 'Alice Analyst');
  });
});
