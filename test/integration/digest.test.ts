// "CloudTrail: Validate Digest Chain" in the real VS Code: on a signed chain with one tampered
// and one forged log, it reports per chain, puts the INVALID log in the Problems panel, and opens
// the events of the suspicious logs. A second chain has its newest digest deleted and a log of
// that hour edited (issue 20), a third a digest that is a gzip bomb.
import * as assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import * as vscode from 'vscode';
import { SignedBucket, signingKey } from '../../src/core/synthetic/digests';
import { waitFor, waitForActivation } from './support/host';

interface Result {
  exitCode: number;
  reportUri: vscode.Uri;
  problems: number;
  suspiciousKeys: string[];
  report: { chains: Array<{ counts: Record<string, number> }> };
}

describe('digest validation command', function () {
  this.timeout(120_000);
  let dir: string;
  let root: string;
  let tampered: string;
  let forged: string;
  let hidden: string[];
  let deletedDigest: string;
  let bombDigest: string;
  let bombLogs: string[];
  const config = () => vscode.workspace.getConfiguration('cloudtrailLens');

  before(async () => {
    await waitForActivation();
    dir = mkdtempSync(join(tmpdir(), 'ctl-it-digest-'));
    root = join(dir, 'bucket');
    const bucket = new SignedBucket(root, 'example-cloudtrail-bucket');
    const chain = bucket.chain({ region: 'eu-west-1', homeRegion: 'eu-west-1' });
    const [d0] = chain.hours(3);
    tampered = d0.logKeys[0];
    writeFileSync(
      bucket.file(tampered),
      gzipSync(
        JSON.stringify({
          Records: [{ eventName: 'StopLogging', eventTime: '2024-05-14T09:40:00Z' }],
        }),
      ),
    );
    forged = chain.unlistedLog('2024-05-14T10:40:00Z');
    // us-west-2: the newest digest deleted, a log of its hour edited.
    const west = bucket.chain({ region: 'us-west-2', homeRegion: 'us-west-2' }).hours(3);
    deletedDigest = west[2].key;
    hidden = west[2].logKeys;
    rmSync(bucket.file(deletedDigest));
    const log = JSON.parse(gunzipSync(readFileSync(bucket.file(hidden[0]))).toString('utf8'));
    log.Records.push({
      ...log.Records[0],
      eventName: 'DeleteTrail',
      eventSource: 'cloudtrail.amazonaws.com',
    });
    writeFileSync(bucket.file(hidden[0]), gzipSync(JSON.stringify(log)));
    // ap-south-1: the newest digest is 64 MiB of zeros once decompressed.
    const south = bucket.chain({ region: 'ap-south-1', homeRegion: 'ap-south-1' }).hours(2);
    bombDigest = south[1].key;
    bombLogs = south[1].logKeys; // listed by no valid digest: NOT VALIDATED
    writeFileSync(bucket.file(bombDigest), gzipSync(Buffer.alloc(64 << 20)));
    bucket.writeSignatures();
    const keys = bucket.writePublicKeys(join(dir, 'keys.json'), [signingKey(0)]);
    await config().update('publicKeys', [keys], vscode.ConfigurationTarget.Global);
  });

  after(async () => {
    await config().update('publicKeys', undefined, vscode.ConfigurationTarget.Global);
    rmSync(dir, { recursive: true, force: true });
  });

  it('validates, shows the report, and lists the INVALID log in the Problems panel', async () => {
    const result = (await vscode.commands.executeCommand('cloudtrailLens.validateDigests', {
      source: { type: 'folder', path: root },
    })) as Result;
    assert.ok(result, 'the command returned no result');
    assert.equal(result.exitCode, 1);
    const none = {
      notValidatedLogs: 0,
      truncatedLogs: 0,
      awaitingLogs: 0,
      uncoveredLogs: 0,
      deletedDigests: 0,
      trailingDataLogs: 0,
      foreignFiles: 0,
      invalidBackfill: 0,
      unverifiedLogs: 0,
    };
    // Chains in key order: ap-south-1, eu-west-1, us-west-2.
    assert.deepEqual(result.report.chains[0].counts, {
      validDigests: 1,
      invalidDigests: 1,
      unverifiableDigests: 0,
      validLogs: 2,
      invalidLogs: 0,
      ...none,
      notValidatedLogs: 2,
    });
    assert.deepEqual(result.report.chains[1].counts, {
      validDigests: 3,
      invalidDigests: 0,
      unverifiableDigests: 0,
      validLogs: 5,
      invalidLogs: 1,
      ...none,
      notValidatedLogs: 1,
    });
    assert.deepEqual(result.report.chains[2].counts, {
      validDigests: 2,
      invalidDigests: 0,
      unverifiableDigests: 0,
      validLogs: 4,
      invalidLogs: 0,
      ...none,
      notValidatedLogs: 2,
      truncatedLogs: 2,
      deletedDigests: 1,
    });

    const doc = vscode.workspace.textDocuments.find(
      (d) => d.uri.toString() === result.reportUri.toString(),
    );
    assert.ok(doc, 'the report document is not open');
    assert.match(
      doc.getText(),
      /111122223333 eu-west-1 \(trail management-events, home eu-west-1\): NOT VALID/,
    );
    assert.match(doc.getText(), /INVALID: hash value doesn't match/);
    assert.match(doc.getText(), /FINDING unlisted-log/);
    assert.match(
      doc.getText(),
      /111122223333 us-west-2 \(trail management-events, home us-west-2\): NOT VALID\n/,
    );
    assert.match(
      doc.getText(),
      /Beyond the AWS CLI's counts: 2 log file\(s\) in the window are listed by no digest: 2 NOT VALIDATED \(2 delivered after the newest digest, whose successor was due\); 1 digest file\(s\) deleted/,
    );
    assert.ok(
      doc
        .getText()
        .includes(`FINDING deleted-digest: Digest file ${deletedDigest} has a signature on record`),
    );
    assert.match(doc.getText(), /Digest {2}INVALID: invalid format/);
    assert.ok(doc.getText().includes(bombDigest));
    const links = (await vscode.commands.executeCommand(
      'vscode.executeLinkProvider',
      doc.uri,
    )) as vscode.DocumentLink[];
    assert.ok(
      links.some((l) => l.target?.fsPath === join(root, ...tampered.split('/'))),
      'no link to the tampered log',
    );

    const onTampered = vscode.languages.getDiagnostics(
      vscode.Uri.file(join(root, ...tampered.split('/'))),
    );
    assert.deepEqual(
      onTampered.map((d) => [d.severity, d.code, d.source]),
      [[vscode.DiagnosticSeverity.Error, 'hash-mismatch', 'CloudTrail digest']],
    );
    const onForged = vscode.languages.getDiagnostics(
      vscode.Uri.file(join(root, ...forged.split('/'))),
    );
    assert.deepEqual(
      onForged.map((d) => [d.severity, d.code]),
      [[vscode.DiagnosticSeverity.Error, 'unlisted-log']],
    );
    const onHidden = vscode.languages.getDiagnostics(
      vscode.Uri.file(join(root, ...hidden[0].split('/'))),
    );
    assert.deepEqual(
      onHidden.map((d) => [d.severity, d.code]),
      [[vscode.DiagnosticSeverity.Error, 'chain-truncated']],
    );
    assert.deepEqual(
      [...result.suspiciousKeys].sort(),
      [tampered, forged, ...hidden, ...bombLogs].sort(),
    );
  });

  it('uses the cloudtrail-public-keys.json kept in the folder without asking for keys', async () => {
    const keysInFolder = join(root, 'cloudtrail-public-keys.json');
    copyFileSync(join(dir, 'keys.json'), keysInFolder);
    await config().update('publicKeys', undefined, vscode.ConfigurationTarget.Global);
    try {
      // Asking would open a file dialog no one answers here: the command would not settle.
      const result = (await Promise.race([
        vscode.commands.executeCommand('cloudtrailLens.validateDigests', {
          source: { type: 'folder', path: root },
          prefix: 'AWSLogs/',
        }),
        new Promise((resolve) => setTimeout(() => resolve('asked'), 30_000)),
      ])) as Result | 'asked';
      assert.notEqual(
        result,
        'asked',
        'the command asked for public keys although the folder has them',
      );
      assert.ok(
        typeof result === 'object' && result.report.chains.length === 3,
        'the command returned no report',
      );
    } finally {
      rmSync(keysInFolder);
      await config().update(
        'publicKeys',
        [join(dir, 'keys.json')],
        vscode.ConfigurationTarget.Global,
      );
    }
  });

  it('opens the events of exactly the suspicious log files', async () => {
    const result = (await vscode.commands.executeCommand('cloudtrailLens.validateDigests', {
      source: { type: 'folder', path: root },
    })) as Result;
    await vscode.commands.executeCommand('cloudtrailLens.digest.openSuspiciousEvents', result);
    // The timeline opens on exactly those files (its own tests cover what it displays).
    const title = 'INVALID or NOT VALIDATED log file(s)';
    const tabs = () => vscode.window.tabGroups.all.flatMap((g) => g.tabs).map((t) => t.label);
    await waitFor(
      () => tabs().some((l) => l.includes(`6 ${title}`)),
      20_000,
      `no timeline tab "${title}"; tabs: ${JSON.stringify(tabs())}`,
    );
  });
});
