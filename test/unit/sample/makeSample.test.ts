// The sample folder that `npm start` and the VS Code tests open: made from the fixture
// generators, remade only when asked, when its inputs change or when a file it made was changed
// (a quick fix autosaved on the sample), never left half-made, never losing a file the user added.
import * as assert from 'node:assert/strict';
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCloudTrailKey } from '../../../src/core/sources/layout';
import { ensureSample } from '../../../scripts/make-sample';

function walk(dir: string, rel = ''): string[] {
  return readdirSync(join(dir, rel), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(dir, join(rel, e.name)) : [join(rel, e.name)],
  );
}

describe('sample folder (scripts/make-sample.ts)', function () {
  this.timeout(120_000);
  let parent: string;
  let out: string;
  const quiet = () => {};

  before(async () => {
    parent = mkdtempSync(join(tmpdir(), 'ctl-sample-test-'));
    out = join(parent, 'sample');
    await ensureSample({ out, log: quiet });
  });
  after(() => rmSync(parent, { recursive: true, force: true }));

  it('holds logs of several accounts and regions, a digest chain and the lint sample config', () => {
    const files = walk(out);
    const parsed = files.map((f) => parseCloudTrailKey(f)).filter((k) => k !== undefined);
    const logs = parsed.filter((k) => k.kind === 'log');
    const digests = parsed.filter((k) => k.kind === 'digest');
    assert.ok(logs.length > 100, `only ${logs.length} log files`);
    assert.ok(new Set(logs.map((k) => k.accountId)).size >= 3, 'fewer than three accounts');
    assert.ok(new Set(logs.map((k) => k.region)).size >= 3, 'fewer than three regions');
    assert.ok(
      logs.some((k) => k.organizationId),
      'no organization trail layout',
    );
    assert.ok(digests.length > 0, 'no digest files');
    for (const name of [
      'cloudtrail-public-keys.json',
      'trail-config.json',
      'trail-template.yaml',
      'trail.tf',
      'README.md',
    ]) {
      assert.ok(files.includes(name), `${name} is missing`);
    }
    assert.deepEqual(
      readFileSync(join(out, 'trail-config.json')),
      readFileSync(join(__dirname, '..', '..', 'fixtures', 'lint', 'sample-trail-config.json')),
    );
  });

  it('leaves nothing beside the sample (no staging folder)', () => {
    assert.deepEqual(readdirSync(parent), ['sample']);
  });

  it('reuses the sample while its inputs are unchanged', async () => {
    const readme = join(out, 'README.md');
    const before = statSync(readme).mtimeMs;
    await ensureSample({ out, log: quiet });
    assert.equal(statSync(readme).mtimeMs, before);
  });

  it('remakes it when forced, and when what it was made from differs, keeping the files the user added', async () => {
    const marker = join(out, 'stray-file.txt');
    writeFileSync(marker, 'x');
    const readme = join(out, 'README.md');
    const before = statSync(readme).mtimeMs;
    await ensureSample({ out, log: quiet, force: true });
    assert.notEqual(statSync(readme).mtimeMs, before, 'force did not remake it');
    assert.equal(readFileSync(marker, 'utf8'), 'x', 'a file the user added was lost');

    const stamp = readdirSync(out).find((f) => f.endsWith('.stamp'));
    assert.ok(stamp, 'no stamp file');
    const made = JSON.parse(readFileSync(join(out, stamp), 'utf8'));
    writeFileSync(join(out, stamp), JSON.stringify({ ...made, hash: 'made-from-something-else' }));
    await ensureSample({ out, log: quiet });
    assert.notEqual(
      JSON.parse(readFileSync(join(out, stamp), 'utf8')).hash,
      'made-from-something-else',
      'a sample made from other inputs was kept',
    );
    assert.equal(readFileSync(marker, 'utf8'), 'x', 'a file the user added was lost');

    // A stamp without the list of made files (an older sample): everything in it was made.
    writeFileSync(join(out, stamp), JSON.stringify({ hash: 'made-from-something-else' }));
    await ensureSample({ out, log: quiet });
    assert.ok(!existsSync(marker), 'a file of an older sample was kept');
  });

  it('heals: a made file that was edited or deleted is made again', async () => {
    const config = join(out, 'trail-config.json');
    const original = readFileSync(config);
    writeFileSync(config, '{"Trails": []}\n'); // what an autosaved quick fix would leave
    const log = walk(out).find((f) => f.endsWith('.json.gz') && f.includes('CloudTrail/'));
    assert.ok(log, 'no log file in the sample');
    rmSync(join(out, log));
    const lines: string[] = [];
    await ensureSample({ out, log: (line) => lines.push(line) });
    assert.deepEqual(readFileSync(config), original);
    assert.ok(existsSync(join(out, log)), `${log} was not made again`);
    assert.ok(
      lines.some((l) => l.includes('differs from what was made')),
      `no message says why: ${lines.join(' | ')}`,
    );
  });
});
