// "Run on Athena" in a real VS Code: the timeline's filter goes to Athena as SQL (shown in an
// editor first), runs on the loopback Athena server (DuckDB over a generated bucket), and the
// matched events open in a new timeline from the few log files they came from, downloaded from
// the S3 test server. The fake credentials of the run's AWS profile never show anywhere.
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
import type { FrameLocator } from 'playwright-core';
import { BucketTally, generateBucket } from '../../src/core/synthetic/generator';
import { TestAwsQueryServer } from '../support/awsQueryServer';
import { TestS3Server } from '../support/s3server';
import { openWorkbench, waitUntil, Workbench } from './support/workbench';

const BUCKET = 'e2e-athena-trail';

async function bodyData(view: FrameLocator): Promise<Record<string, string | undefined>> {
  return view.locator('body').evaluate((b) => ({ ...(b as HTMLElement).dataset }));
}

async function palette(wb: Workbench, title: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await wb.runCommand(title);
      return;
    } catch (e) {
      if (attempt >= 4) throw e;
      await wb.page.keyboard.press('Escape');
      await wb.page.waitForTimeout(3000);
    }
  }
}

/** Every file under `dir` whose text holds `needle` (VS Code's logs and state). */
function filesContaining(dir: string, needle: string): string[] {
  const found: string[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const full = join(d, name);
      const st = statSync(full);
      if (st.isDirectory()) walk(full);
      else if (st.isFile() && st.size < 50 * 1024 * 1024 && readFileSync(full).includes(needle))
        found.push(full);
    }
  };
  if (existsSync(dir)) walk(dir);
  return found;
}

describe('Run on Athena', () => {
  let dir: string;
  let tally: BucketTally;
  let s3: TestS3Server;
  let athena: TestAwsQueryServer;

  before(async function () {
    this.timeout(180_000);
    dir = mkdtempSync(join(tmpdir(), 'ctl-e2e-athena-'));
    tally = await generateBucket({ events: 500, out: dir, seed: 1616 });
    s3 = await new TestS3Server([BUCKET]).start();
    await s3.uploadFolder(BUCKET, dir);
    athena = await new TestAwsQueryServer(dir, BUCKET).start();
  });

  after(async () => {
    await athena?.stop();
    await s3?.dispose();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("sends the timeline's filter to Athena and opens exactly the matched events from their log files", async function () {
    const profile = process.env.CTL_E2E_AWS_PROFILE!;
    const settingsFile = process.env.CTL_E2E_SETTINGS_FILE!;
    const settings = existsSync(settingsFile)
      ? (JSON.parse(readFileSync(settingsFile, 'utf8') || '{}') as Record<string, unknown>)
      : {};
    writeFileSync(
      settingsFile,
      JSON.stringify({
        ...settings,
        'cloudtrailLens.athena.endpoint': athena.endpoint,
        'cloudtrailLens.athena.region': 'us-east-1',
        'cloudtrailLens.athena.profile': profile,
        'cloudtrailLens.athena.database': 'default',
        'cloudtrailLens.athena.table': 'cloudtrail_logs',
        'cloudtrailLens.sources': [
          {
            type: 's3',
            bucket: BUCKET,
            endpoint: s3.endpoint,
            region: 'us-east-1',
            profile: `${profile}-s3`,
          },
        ],
      }),
    );
    const wb = await openWorkbench(this);
    await palette(wb, 'CloudTrail: Open Timeline');
    let view = wb.webview();
    await view
      .locator('body[data-ready="true"][data-loading="false"][data-busy="false"]')
      .waitFor({ state: 'attached', timeout: 90_000 });
    const filter = view.locator('.filter-input');
    const before = (await bodyData(view)).queryId;
    await filter.fill('event:AssumeRole');
    await filter.press('Enter');
    await waitUntil(
      async () =>
        (await bodyData(view)).queryId !== before && (await bodyData(view)).busy === 'false',
      30_000,
      'the local filter did not apply',
    );
    await wb.step('local timeline filtered');

    // The timeline's own title-bar action.
    await wb.page.locator('.editor-actions [aria-label="Run on Athena"]').first().click();
    const editor = wb.page.locator('.editor-instance .view-lines').first();
    await waitUntil(
      async () =>
        // eventName compared case-folded as the timeline does (sqlFold; ASCII folded here).
        /upper\(lower\(translate\(eventname, .*\)\)\) = 'ASSUMEROLE'/.test(
          ((await editor.textContent()) ?? '').replace(/\u00a0/g, ' '),
        ),
      30_000,
      'the compiled SQL was not shown',
    );
    await wb.step('compiled SQL shown for review');
    const mark = s3.requests.length;
    await wb.page
      .locator('.notification-list-item .monaco-button', { hasText: 'Run on Athena' })
      .first()
      .click();

    // A new timeline over the matched files, limited to the matched events.
    const expected = tally.byEventName.AssumeRole;
    assert.ok(expected > 0);
    const tab = wb.page.locator('.tab', { hasText: /Athena, \d+ events in \d+ log files/ });
    await tab.waitFor({ state: 'visible', timeout: 60_000 });
    view = wb.webview();
    await view
      .locator('body[data-ready="true"][data-loading="false"][data-busy="false"]')
      .waitFor({ state: 'attached', timeout: 90_000 });
    await view.locator('.row:not(.placeholder)').first().waitFor({ state: 'visible' });
    const data = await bodyData(view);
    assert.equal(Number(data.matches), expected);
    assert.deepEqual(
      [...new Set(await view.locator('.row:not(.placeholder) .col-eventName').allTextContents())],
      ['AssumeRole'],
    );
    assert.match((await tab.textContent()) ?? '', new RegExp(`Athena, ${expected} events in`));
    assert.equal(Number(data.total), expected, 'the timeline is limited to the matched events');
    assert.match(
      (await view.locator('.match-count').textContent()) ?? '',
      new RegExp(`^${expected} events`),
    );
    await wb.step('matched events opened from their log files');

    // Athena got the compiled statement; S3 served just the matched files.
    const started = athena.calls.filter((c) => c.target === 'AmazonAthena.StartQueryExecution');
    assert.equal(started.length, 1);
    assert.match(String(started[0].body.QueryString), /FROM "cloudtrail_logs"/);
    const files = Number(/in (\d+) log files/.exec((await tab.textContent()) ?? '')![1]);
    const gets = s3.since(mark).filter((r) => r.method === 'GET' && !r.query.includes('list-type'));
    assert.equal(gets.length, files, 'only the matched log files were downloaded');

    // The fake secret was used to sign requests, and appears in no log, state or output file.
    assert.ok(athena.calls.some((c) => c.authorization.includes('AKIAE2EFAKEKEY000001')));
    assert.deepEqual(
      filesContaining(process.env.CTL_E2E_STATE_DIR!, process.env.CTL_E2E_FAKE_SECRET!),
      [],
    );

    // The untitled SQL editor would be restored into the next test's window: reverted and closed.
    await wb.page.locator('.tab', { hasText: 'Athena:' }).first().click();
    await palette(wb, 'View: Revert and Close Editor');
    await palette(wb, 'View: Close All Editors');
    await waitUntil(
      async () => (await wb.page.locator('.tab').count()) === 0,
      15_000,
      'editors stayed open',
    );
  });
});
