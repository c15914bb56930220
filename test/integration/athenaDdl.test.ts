// Athena Table DDL from an explorer row in the real VS Code: on an organization's row of an S3
// source (the local S3 server), the editor shows the partition-projected table for that
// organization trail, with the accounts and regions the bucket holds.
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { CloudTrailLensApi } from '../../src/extension/extension';
import type { ExplorerElement } from '../../src/extension/tree/explorerProvider';
import { generateBucket, ORGANIZATION_ID } from '../../src/core/synthetic/generator';
import { S3RVER_CREDENTIALS, TestS3Server } from '../support/s3server';
import { waitFor, waitForActivation } from './support/host';

const BUCKET = 'ide-athena-ddl-bucket';

describe('Athena Table DDL from the explorer (local S3 server)', function () {
  this.timeout(90_000);
  let api: CloudTrailLensApi;
  let server: TestS3Server;
  let dir: string;
  const env: Record<string, string | undefined> = {};

  before(async () => {
    api = await waitForActivation<CloudTrailLensApi>();
    await api.explorer.ready;
    dir = mkdtempSync(join(tmpdir(), 'ctl-ddl-ide-'));
    await generateBucket({ events: 300, out: dir, seed: 5 });
    server = await new TestS3Server([BUCKET]).start();
    await server.uploadFolder(BUCKET, dir);
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
    await vscode.workspace
      .getConfiguration('cloudtrailLens')
      .update(
        'sources',
        [{ type: 's3', bucket: BUCKET, region: 'us-east-1', endpoint: server.endpoint }],
        vscode.ConfigurationTarget.Global,
      );
  });

  after(async () => {
    await vscode.workspace
      .getConfiguration('cloudtrailLens')
      .update('sources', undefined, vscode.ConfigurationTarget.Global);
    for (const [k, v] of Object.entries(env)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    await server?.dispose();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("shows the organization trail's table with partition projection for its accounts and regions", async () => {
    const provider = api.explorer.provider;
    let source: ExplorerElement | undefined;
    await waitFor(
      async () => {
        source = (await provider.getChildren()).find(
          (r) =>
            r.kind === 'source' && r.entry.config.type === 's3' && r.entry.config.bucket === BUCKET,
        );
        return Boolean(source);
      },
      20_000,
      'the S3 source did not appear',
    );
    const item = provider.getTreeItem(source!);
    assert.match(item.contextValue ?? '', /\bs3\b/);
    const location = (await provider.getChildren(source!)).find(
      (k) => k.kind === 'node' && k.node.type === 'location',
    )!;
    const org = (await provider.getChildren(location)).find(
      (k) => k.kind === 'node' && k.node.type === 'organization',
    );
    assert.ok(org, 'no organization row');
    // The command waits on its "Create Table on Athena" notification: not awaited here.
    void vscode.commands.executeCommand('cloudtrailLens.explorer.athenaDdl', org);
    let ddl = '';
    await waitFor(
      () => {
        ddl =
          vscode.workspace.textDocuments
            .find((d) => d.languageId === 'sql' && d.getText().includes('CREATE EXTERNAL TABLE'))
            ?.getText() ?? '';
        return ddl !== '';
      },
      30_000,
      'no DDL editor opened',
    );
    assert.match(ddl, new RegExp(`LOCATION 's3://${BUCKET}/AWSLogs/${ORGANIZATION_ID}/'`));
    assert.match(ddl, /'projection.account.values'='444455556666,777788889999'/);
    assert.match(ddl, /'projection.region.type'='enum'/);
    assert.match(ddl, /'projection.timestamp.range'='2024\/05\/14,NOW'/);
    assert.match(ddl, /CREATE EXTERNAL TABLE IF NOT EXISTS `default`.`cloudtrail_logs`/);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });
});
