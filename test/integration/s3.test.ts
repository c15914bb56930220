// An S3 source in the real VS Code: a local S3-protocol server (s3rver on 127.0.0.1) seeded with
// a signed trail; the source is added to the user settings with its endpoint, appears in the
// CloudTrail explorer and expands to file level; a bucket that answers 403 shows why on its node
// while the other source keeps working.
import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { parseCase } from '../../src/core/case/caseFile';
import type { CloudTrailLensApi } from '../../src/extension/extension';
import type { TimelinePanel } from '../../src/extension/timeline/timelinePanel';
import type { ExplorerElement } from '../../src/extension/tree/explorerProvider';
import type { DigestValidationResult } from '../../src/extension/digest/registerDigestCommands';
import { SignedBucket, signingKey } from '../../src/core/synthetic/digests';
import { S3RVER_CREDENTIALS, TestS3Server } from '../support/s3server';
import { waitFor, waitForActivation } from './support/host';

const BUCKET = 'ide-trail-bucket';
const DENIED = 'ide-locked-bucket';

describe('S3 source in the CloudTrail explorer (local S3 server)', function () {
  this.timeout(90_000);
  let api: CloudTrailLensApi;
  let server: TestS3Server;
  let dir: string;
  let bucket: SignedBucket;
  const env: Record<string, string | undefined> = {};

  before(async () => {
    api = await waitForActivation<CloudTrailLensApi>();
    await api.explorer.ready;
    dir = mkdtempSync(join(tmpdir(), 'ctl-s3-ide-'));
    bucket = new SignedBucket(join(dir, 'bucket'), BUCKET);
    bucket
      .chain({
        prefix: 'org',
        accountId: '123456789012',
        region: 'eu-west-1',
        trailName: 'ide-trail',
        homeRegion: 'eu-west-1',
      })
      .hours(2);
    server = await new TestS3Server([BUCKET, DENIED]).start();
    await server.uploadFolder(BUCKET, bucket.root, bucket.signatures);
    server.deniedBuckets.add(DENIED);
    // The extension resolves credentials through the SDK's chain: environment first.
    for (const [k, v] of Object.entries({
      AWS_ACCESS_KEY_ID: S3RVER_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: S3RVER_CREDENTIALS.secretAccessKey,
      AWS_SESSION_TOKEN: undefined,
      AWS_PROFILE: undefined,
    })) {
      env[k] = process.env[k];
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    await vscode.workspace.getConfiguration('cloudtrailLens').update(
      'sources',
      [
        {
          type: 's3',
          bucket: BUCKET,
          prefix: 'org',
          region: 'us-east-1',
          endpoint: server.endpoint,
        },
        { type: 's3', bucket: DENIED, region: 'us-east-1', endpoint: server.endpoint },
      ],
      vscode.ConfigurationTarget.Global,
    );
  });

  after(async () => {
    await vscode.workspace
      .getConfiguration('cloudtrailLens')
      .update('sources', undefined, vscode.ConfigurationTarget.Global);
    await vscode.workspace
      .getConfiguration('cloudtrailLens')
      .update('publicKeys', undefined, vscode.ConfigurationTarget.Global);
    for (const [k, v] of Object.entries(env)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    await server?.dispose();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const provider = () => api.explorer.provider;
  const label = (el: ExplorerElement): string => {
    const l = provider().getTreeItem(el).label;
    return typeof l === 'string' ? l : (l?.label ?? '');
  };

  async function s3Source(bucketName: string): Promise<ExplorerElement> {
    let found: ExplorerElement | undefined;
    await waitFor(
      async () => {
        const roots = await provider().getChildren();
        found = roots.find(
          (r) =>
            r.kind === 'source' &&
            r.entry.config.type === 's3' &&
            r.entry.config.bucket === bucketName,
        );
        return Boolean(found);
      },
      20_000,
      `the S3 source ${bucketName} did not appear in the explorer`,
    );
    return found!;
  }

  async function child(parent: ExplorerElement, type: string): Promise<ExplorerElement> {
    const kids = await provider().getChildren(parent);
    const found = kids.find((k) => k.kind === 'node' && k.node.type === type);
    assert.ok(
      found,
      `no ${type} under ${label(parent)}: ${kids.map((k) => `${k.kind}:${label(k)}`).join(', ')}`,
    );
    return found;
  }

  it('expands an S3 source down to its log and digest files', async () => {
    const source = await s3Source(BUCKET);
    assert.match(provider().getTreeItem(source).contextValue ?? '', /ctl-source-s3/);
    const location = await child(source, 'location');
    assert.match(label(location), /ide-trail/);
    const account = await child(location, 'account');
    assert.equal(label(account).includes('123456789012'), true);
    const region = await child(account, 'region');
    const day = await child(region, 'day');
    const files = (await provider().getChildren(day)).filter(
      (k) => k.kind === 'node' && k.node.type === 'file',
    );
    const expected = [
      ...bucket.digests.flatMap((d) => d.logKeys),
      ...bucket.digests.map((d) => d.key),
    ].filter((k) => k.includes('/2024/05/14/'));
    assert.equal(files.length, expected.length);
    assert.deepEqual(
      files.map((f) => (f.kind === 'node' && f.node.type === 'file' ? f.node.key : '')).sort(),
      [...expected].sort(),
    );
    const item = provider().getTreeItem(files[0]);
    assert.match(item.contextValue ?? '', /\bs3\b/);
  });

  it('a bucket that denies access says so on its node; the other source still works', async () => {
    const denied = await s3Source(DENIED);
    const kids = await provider().getChildren(denied);
    const text = kids
      .map((k) => {
        const item = provider().getTreeItem(k);
        const tip = typeof item.tooltip === 'string' ? item.tooltip : (item.tooltip?.value ?? '');
        return `${label(k)} ${item.description ?? ''} ${tip}`;
      })
      .join('\n');
    assert.match(text, /access denied/i, text);
    const ok = await s3Source(BUCKET);
    assert.ok(
      (await provider().getChildren(ok)).some(
        (k) => k.kind === 'node' && k.node.type === 'location',
      ),
    );
  });

  it('Validate Digests Here on an S3 row takes each signature from the digest’s S3 metadata', async () => {
    const keys = bucket.writePublicKeys(join(dir, 'keys.json'), [signingKey(0)]);
    await vscode.workspace
      .getConfiguration('cloudtrailLens')
      .update('publicKeys', [keys], vscode.ConfigurationTarget.Global);
    const source = await s3Source(BUCKET);
    const location = await child(source, 'location');
    const account = await child(location, 'account');
    const result = await vscode.commands.executeCommand<DigestValidationResult | undefined>(
      'cloudtrailLens.explorer.validateDigests',
      account,
    );
    assert.ok(result, 'no validation result');
    const digests = result.report.chains
      .flatMap((c) => c.events)
      .filter((e) => e.type === 'digest');
    assert.equal(digests.length, 2);
    for (const d of digests) {
      assert.equal(d.type === 'digest' && d.kind, 'valid');
      assert.equal(d.type === 'digest' && d.signatureSource, 'metadata');
    }
    assert.equal(result.exitCode, 0);
  });

  it('a saved search over a source whose endpoint URL holds a password keeps no password in the case file, and reopens over that source', async () => {
    const config = () => vscode.workspace.getConfiguration('cloudtrailLens');
    const configured = config().inspect<unknown[]>('sources')?.globalValue ?? [];
    const caseFile = join(dir, 'password-case', 'case.json');
    // The bucket's root (not the other source's prefix), at the same server, with a user and
    // password in the URL (the SDK signs with the environment's keys; the user-info is unused).
    const source = {
      type: 's3',
      bucket: BUCKET,
      region: 'us-east-1',
      endpoint: server.endpoint.replace('http://', 'http://analyst:hunter2@'),
    };
    await config().update('caseFile', caseFile, vscode.ConfigurationTarget.Global);
    await config().update('sources', [...configured, source], vscode.ConfigurationTarget.Global);
    await waitFor(() => api.caseStore.file === caseFile, 10_000, 'the case file setting');
    try {
      const panel = await vscode.commands.executeCommand<TimelinePanel>(
        'cloudtrailLens.openTimeline',
        { source },
      );
      assert.ok(panel);
      await panel.loaded;
      assert.doesNotMatch(panel.panel.title, /hunter2|analyst/, panel.panel.title);
      await vscode.commands.executeCommand('cloudtrailLens.case.saveSearch', 'at the minio');
      const text = readFileSync(caseFile, 'utf8');
      assert.doesNotMatch(text, /hunter2|analyst/);
      const saved = parseCase(text, caseFile).searches.find((s) => s.name === 'at the minio');
      assert.deepEqual(saved?.scope, { source: { ...source, endpoint: server.endpoint } });
      panel.dispose();
      // Reopened over the user's own source (the endpoint as configured): the same timeline
      // scope, opened without asking (a question would be modal).
      const reopened = await vscode.commands.executeCommand<TimelinePanel>(
        'cloudtrailLens.case.openSearch',
        'at the minio',
      );
      assert.ok(reopened, 'the saved search opened no timeline');
      assert.equal(reopened.scope.key, panel.scope.key);
      await reopened.loaded;
      assert.ok(reopened.timelineData.index.eventCount > 0);
      reopened.dispose();
    } finally {
      await config().update('sources', configured, vscode.ConfigurationTarget.Global);
      await config().update('caseFile', undefined, vscode.ConfigurationTarget.Global);
    }
  });
});
