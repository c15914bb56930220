// Record features in the real VS Code: code lenses over every userIdentity and requestParameters
// with the plain-words texts for every identity type (real records from ../shared/datasets plus
// hand-made ones for the types the datasets lack), hovers on fields and values, and .json.gz
// logs opened decompressed and pretty-printed in a read-only JSON document.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as vscode from 'vscode';
import { formatTerm } from '../../src/core/query/format';
import type { IndexedRecord } from '../../src/core/records/recordIndex';
import type { CloudTrailRecord } from '../../src/core/records/types';
import { recordActionItems } from '../../src/extension/lenses/recordActions';
import { sampleFolder, waitFor, waitForActivation } from './support/host';

const datasets = resolve(
  process.env.CTL_PROJECT_ROOT ?? join(__dirname, '..', '..'),
  '..',
  'shared',
  'datasets',
);
const haveDatasets = existsSync(join(datasets, 'SOURCES.md'));

type Json = Record<string, unknown>;

const base = (eventName: string, userIdentity: Json, extra: Json = {}): Json => ({
  eventVersion: '1.09',
  userIdentity,
  eventTime: '2024-05-14T10:00:00Z',
  eventSource: 'iam.amazonaws.com',
  eventName,
  awsRegion: 'us-east-1',
  requestParameters: { userName: 'bob' },
  recipientAccountId: '111122223333',
  ...extra,
});

// Types the public datasets do not contain, shaped like the CloudTrail User Guide's examples.
const HAND_MADE: { record: Json; lens: string }[] = [
  {
    record: base('ListUsers', {
      type: 'IdentityCenterUser',
      accountId: '111122223333',
      onBehalfOf: {
        userId: '544894e8-80c1-707f-60e3-3ba6510dfac1',
        identityStoreArn: 'arn:aws:identitystore::111122223333:identitystore/d-9067642ac7',
      },
      credentialId: 'EXAMPLEcredential',
    }),
    lens: 'IAM Identity Center user 544894e8-80c1-707f-60e3-3ba6510dfac1',
  },
  {
    record: base(
      'AssumeRoleWithSAML',
      {
        type: 'SAMLUser',
        principalId: 'SampleUkh1i4+ExamplexL/jEvs=:SamlExample',
        userName: 'SamlExample',
        identityProvider: 'bdGOnTesti4+ExamplexL/jEvs=',
      },
      {
        eventSource: 'sts.amazonaws.com',
        requestParameters: {
          roleArn: 'arn:aws:iam::111122223333:role/SAMLRole',
          principalArn: 'arn:aws:iam::111122223333:saml-provider/Okta',
        },
      },
    ),
    lens: 'SAML federated user SamlExample via bdGOnTesti4+ExamplexL/jEvs=',
  },
  {
    record: base(
      'AssumeRoleWithWebIdentity',
      {
        type: 'WebIdentityUser',
        principalId: 'accounts.google.com:app:user-id',
        userName: 'user-id',
        identityProvider: 'accounts.google.com',
      },
      {
        eventSource: 'sts.amazonaws.com',
        requestParameters: { roleArn: 'arn:aws:iam::111122223333:role/Web', roleSessionName: 's' },
      },
    ),
    lens: 'Web identity user user-id via accounts.google.com',
  },
  {
    record: base(
      'CreateAccessKey',
      {
        type: 'AssumedRole',
        principalId: 'AROAEXAMPLE:alice-9f2c',
        arn: 'arn:aws:sts::111122223333:assumed-role/Admin/alice-9f2c',
        accountId: '111122223333',
        accessKeyId: 'ASIAEXAMPLEEXAMPLE12',
        onBehalfOf: { userId: 'user-123' },
        sessionContext: {
          sessionIssuer: {
            type: 'Role',
            arn: 'arn:aws:iam::111122223333:role/Admin',
            userName: 'Admin',
          },
          attributes: { mfaAuthenticated: 'false', creationDate: '2024-05-14T09:59:00Z' },
          sourceIdentity: 'alice',
        },
      },
      { sessionCredentialFromConsole: 'true' },
    ),
    lens: 'Assumed role Admin (session alice-9f2c) · source identity alice · on behalf of Identity Center user user-123 · MFA: no · via console',
  },
  {
    record: base(
      'GetObject',
      { type: 'AWSAccount', accountId: 'ANONYMOUS_PRINCIPAL', principalId: '' },
      { eventSource: 's3.amazonaws.com', requestParameters: { bucketName: 'b', key: 'k' } },
    ),
    lens: 'Anonymous caller: an unauthenticated request with no AWS credentials',
  },
  {
    record: base('ListUsers', { type: 'Directory', userName: 'dave' }),
    lens: 'Directory user dave (a request to a directory service such as Amazon WorkDocs or Quick; the identity type is not known)',
  },
];

// Real records: the first record of each identity type in panther-analysis' CloudTrail events.
const DATASET_TYPES: Record<string, RegExp> = {
  Root: /^\$\(warning\) Root user of \S+ — high risk/,
  IAMUser: /^\$\(person\) IAM user \S+/,
  AssumedRole: /^\$\(person\) Assumed role \S+/,
  FederatedUser: /^\$\(person\) Federated user \S+ \(sts:GetFederationToken\)/,
  AWSAccount:
    /^(\$\(person\) (Another )?AWS account \S+|\$\(warning\) Anonymous caller: an unauthenticated request)/,
  AWSService: /^\$\(person\) AWS service \S+\.amazonaws\.com on behalf of the account/,
  Unknown: /^\$\(person\) (Principal .+ of unknown type|Identity of unknown type)/,
};

function datasetRecordsByType(): Map<string, Json> {
  const byType = new Map<string, Json>();
  for (const line of readFileSync(
    join(datasets, 'panther-analysis', 'cloudtrail-test-events.jsonl'),
    'utf8',
  ).split('\n')) {
    if (!line.trim()) continue;
    const r = JSON.parse(line) as Json;
    const type = (r.userIdentity as Json | undefined)?.type;
    if (r.eventVersion && typeof type === 'string' && DATASET_TYPES[type] && !byType.has(type))
      byType.set(type, r);
  }
  return byType;
}

async function lensesOf(uri: vscode.Uri): Promise<vscode.CodeLens[]> {
  // The second argument resolves the lenses, as VS Code does for the ones on screen. A request
  // made just as the document opens can be cancelled by the editor's own (an empty answer on a
  // loaded machine; the extension host may still be starting its workers): ask again until
  // lenses come, for 30 s at most.
  const ask = async () =>
    (
      (await vscode.commands.executeCommand<vscode.CodeLens[]>(
        'vscode.executeCodeLensProvider',
        uri,
        10_000,
      )) ?? []
    ).filter((l) => l.command?.command === 'cloudtrailLens.recordActions');
  let lenses = await ask();
  for (
    const until = Date.now() + 30_000;
    lenses.length === 0 && Date.now() < until;
    lenses = await ask()
  )
    await new Promise((r) => setTimeout(r, 200));
  return lenses;
}

async function hoverText(uri: vscode.Uri, position: vscode.Position): Promise<string> {
  const hovers = await vscode.commands.executeCommand<vscode.Hover[]>(
    'vscode.executeHoverProvider',
    uri,
    position,
  );
  const markdown = (hovers ?? [])
    .flatMap((h) =>
      h.contents.map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : '')),
    )
    .join('\n');
  // Log-derived text is appended as escaped plain text: undo the escaping to read it.
  return markdown.replace(/&nbsp;/g, ' ').replace(/\\([\\`*_{}[\]()#+\-.!|<>])/g, '$1');
}

function positionOf(doc: vscode.TextDocument, needle: string, nth = 0, delta = 1): vscode.Position {
  let at = -1;
  for (let i = 0; i <= nth; i++) at = doc.getText().indexOf(needle, at + 1);
  assert.ok(at >= 0, `${needle} not found`);
  return doc.positionAt(at + delta);
}

describe('record lenses and hovers', function () {
  this.timeout(60_000);

  before(async () => {
    await waitForActivation();
  });

  it('puts a lens over every userIdentity and requestParameters, with the texts for every identity type', async function () {
    if (!haveDatasets) this.skip();
    const real = datasetRecordsByType();
    assert.deepEqual(
      [...real.keys()].sort(),
      Object.keys(DATASET_TYPES).sort(),
      'the dataset lacks an identity type',
    );
    const records = [...real.values(), ...HAND_MADE.map((h) => h.record)];
    const doc = await vscode.workspace.openTextDocument({
      language: 'json',
      content: JSON.stringify({ Records: records }, null, 2),
    });
    await vscode.window.showTextDocument(doc);
    const lenses = await lensesOf(doc.uri);
    assert.equal(
      lenses.length,
      records.length * 2,
      `lenses: ${lenses.map((l) => l.command?.title).join('\n')}`,
    );

    const identityLenses = lenses.filter((l) =>
      doc.lineAt(l.range.start.line).text.trim().startsWith('"userIdentity"'),
    );
    const requestLenses = lenses.filter((l) =>
      doc.lineAt(l.range.start.line).text.trim().startsWith('"requestParameters"'),
    );
    assert.equal(identityLenses.length, records.length);
    assert.equal(requestLenses.length, records.length);

    const titles = identityLenses.map((l) => l.command?.title ?? '');
    [...real.keys()].forEach((type, i) =>
      assert.match(titles[i], DATASET_TYPES[type], `${type}: ${titles[i]}`),
    );
    HAND_MADE.forEach((h, i) =>
      assert.equal(titles[real.size + i].replace(/^\$\([a-z-]+\) /, ''), h.lens),
    );

    const requestTitles = requestLenses.map((l) => l.command?.title ?? '');
    const createKey = requestTitles[real.size + 3];
    assert.equal(
      createKey,
      '$(warning) iam:CreateAccessKey — creates a long-term access key for IAM user bob · access key created (persistence)',
    );
  });

  it('says who is behind a role session when the document holds the call that issued its key', async () => {
    const bob = {
      type: 'IAMUser',
      principalId: 'AIDAEXAMPLEBOB',
      arn: 'arn:aws:iam::111122223333:user/bob',
      accountId: '111122223333',
      accessKeyId: 'AKIAEXAMPLEBOB',
      userName: 'bob',
    };
    const session = {
      type: 'AssumedRole',
      principalId: 'AROAEXAMPLE:bob-s',
      arn: 'arn:aws:sts::444455556666:assumed-role/Deploy/bob-s',
      accountId: '444455556666',
      accessKeyId: 'ASIAEXAMPLEDEPLOY1',
      sessionContext: {
        sessionIssuer: {
          type: 'Role',
          arn: 'arn:aws:iam::444455556666:role/Deploy',
          userName: 'Deploy',
        },
      },
    };
    const issued = base('AssumeRole', bob, {
      eventSource: 'sts.amazonaws.com',
      eventID: 'issue-1',
      requestParameters: {
        roleArn: 'arn:aws:iam::444455556666:role/Deploy',
        roleSessionName: 'bob-s',
      },
      responseElements: {
        credentials: { accessKeyId: 'ASIAEXAMPLEDEPLOY1', sessionToken: 't', expiration: 'x' },
        assumedRoleUser: { assumedRoleId: 'AROAEXAMPLE:bob-s', arn: session.arn },
      },
    });
    const used = base('DeleteUser', session, { eventID: 'use-1' });
    const orphan = base(
      'DeleteUser',
      { ...session, accessKeyId: 'ASIAEXAMPLEOTHER1' },
      { eventID: 'use-2' },
    );
    const doc = await vscode.workspace.openTextDocument({
      language: 'json',
      content: JSON.stringify({ Records: [used, orphan, issued] }, null, 2),
    });
    await vscode.window.showTextDocument(doc);
    const titles = (await lensesOf(doc.uri))
      .filter((l) => doc.lineAt(l.range.start.line).text.trim().startsWith('"userIdentity"'))
      .map((l) => l.command?.title ?? '');
    assert.equal(titles.length, 3);
    assert.match(titles[0], / · for bob \(via 1 role hop\)$/, titles[0]);
    assert.doesNotMatch(
      titles[1],
      / · for /,
      'a key issued outside the document says nothing of an origin',
    );
    assert.doesNotMatch(titles[2], / · for /, "an IAM user's own call only names the user");
  });

  it('gives stratus-red-team detonation files (plain .json arrays) lenses that flag the attack', async function () {
    if (!haveDatasets) this.skip();
    const uri = vscode.Uri.file(
      join(
        datasets,
        'stratus-red-team',
        'docs',
        'detonation-logs',
        'aws.defense-evasion.cloudtrail-stop.json',
      ),
    );
    const doc = await vscode.workspace.openTextDocument(uri);
    const titles = (await lensesOf(doc.uri)).map((l) => l.command?.title ?? '');
    assert.ok(
      titles.some((t) =>
        /^\$\(warning\) cloudtrail:StopLogging — stops logging on trail \S+ · CloudTrail logging stopped$/.test(
          t,
        ),
      ),
      titles.join('\n'),
    );
  });

  it('explains field names and decodes values on hover', async () => {
    const record = base(
      'CreateUser',
      { type: 'IAMUser', userName: 'alice', accessKeyId: 'AKIAIOSFODNN7EXAMPLE' },
      { errorCode: 'AccessDenied' },
    );
    const doc = await vscode.workspace.openTextDocument({
      language: 'json',
      content: JSON.stringify({ Records: [record] }, null, 2),
    });
    assert.match(
      await hoverText(doc.uri, positionOf(doc, '"eventTime"')),
      /When the request was completed, in UTC/,
    );
    assert.match(
      await hoverText(doc.uri, positionOf(doc, '"2024-05-14T10:00:00Z"', 0, 3)),
      /UTC: 2024-05-14 10:00:00Z/,
    );
    assert.match(
      await hoverText(doc.uri, positionOf(doc, '"AKIAIOSFODNN7EXAMPLE"', 0, 3)),
      /long-term access key/,
    );
    assert.match(await hoverText(doc.uri, positionOf(doc, '"AccessDenied"', 0, 3)), /not allowed/);
    assert.match(await hoverText(doc.uri, positionOf(doc, '"userIdentity"')), /IAM user alice/);
    const eventName = await hoverText(doc.uri, positionOf(doc, '"CreateUser"', 0, 3));
    assert.match(eventName, /iam:CreateUser — creates IAM user bob · failed: AccessDenied/);
    assert.match(
      eventName,
      /https:\/\/docs\.aws\.amazon\.com\/IAM\/latest\/APIReference\/API_CreateUser\.html/,
    );
  });

  it('a lens click offers timeline filters, copy ARN and the raw record', async () => {
    const assumed = HAND_MADE[3].record;
    const doc = await vscode.workspace.openTextDocument({
      language: 'json',
      content: JSON.stringify(
        { Records: [base('ListUsers', { type: 'IAMUser', userName: 'x' }), assumed] },
        null,
        2,
      ),
    });
    await vscode.window.showTextDocument(doc);
    // The second record of the pretty-printed log: from its "{" to its "}" at four spaces' indent.
    // (Located by hand: the test bundle cannot load jsonc-parser's UMD build that recordIndex uses.)
    const text = doc.getText();
    const start = text.indexOf('\n    {', text.indexOf('\n    }')) + 5;
    const end = text.lastIndexOf('\n    }') + 6;
    const indexed: IndexedRecord = { start, end };
    const record = JSON.parse(text.slice(start, end)) as CloudTrailRecord;
    assert.equal(record.eventName, 'CreateAccessKey');
    const items = recordActionItems(doc, indexed, record, 'identity');
    const item = (label: string) => {
      const found = items.find((i) => i.label.endsWith(label));
      assert.ok(found, `no "${label}" among ${items.map((i) => i.label).join(', ')}`);
      return found;
    };
    assert.match(items[0].label, /Filter timeline to this principal$/);
    assert.equal(
      item('Filter timeline to this principal').detail,
      formatTerm('role', 'arn:aws:iam::111122223333:role/Admin'),
    );
    assert.equal(
      item('Filter timeline to this access key').detail,
      formatTerm('key', 'ASIAEXAMPLEEXAMPLE12'),
    );
    assert.equal(
      item('Filter timeline to this event name').detail,
      formatTerm('event', 'CreateAccessKey'),
    );
    assert.equal(
      item('Copy ARN').description,
      'arn:aws:sts::111122223333:assumed-role/Admin/alice-9f2c',
    );
    assert.equal(item('Copy role/issuer ARN').description, 'arn:aws:iam::111122223333:role/Admin');
    assert.equal(item('Open API reference').description, 'iam:CreateAccessKey');
    // From the request lens, the event name leads.
    assert.match(
      recordActionItems(doc, indexed, record, 'request')[0].label,
      /Filter timeline to this event name$/,
    );

    await item('Show raw record').run();
    const selection = vscode.window.activeTextEditor?.selection;
    assert.ok(selection);
    assert.equal(doc.offsetAt(selection.start), indexed.start);
    assert.equal(doc.offsetAt(selection.end), indexed.end);
  });

  it('reads aws cloudtrail lookup-events output: lenses on each CloudTrailEvent string', async () => {
    const stop = base(
      'StopLogging',
      { type: 'Root', accountId: '111122223333', arn: 'arn:aws:iam::111122223333:root' },
      { eventSource: 'cloudtrail.amazonaws.com', requestParameters: { name: 'main' } },
    );
    const content = JSON.stringify(
      {
        Events: [
          { EventId: 'e1', EventName: 'StopLogging', CloudTrailEvent: JSON.stringify(stop) },
        ],
      },
      null,
      4,
    );
    const doc = await vscode.workspace.openTextDocument({ language: 'json', content });
    const titles = (await lensesOf(doc.uri)).map((l) => l.command?.title);
    assert.deepEqual(titles, [
      '$(warning) Root user of 111122223333 — high risk',
      '$(warning) cloudtrail:StopLogging — stops logging on trail main · CloudTrail logging stopped',
    ]);
  });

  it('shows a lookup-events record raw as its string holds it, every token as stored', async () => {
    // Tokens a parse and re-serialisation would change.
    const recordText = JSON.stringify(
      base('PutObject', { type: 'IAMUser', userName: 'x' }, { eventSource: 's3.amazonaws.com' }),
    ).replace(
      '"requestParameters":{',
      '"requestParameters":{"big":12345678901234567890,"huge":1e400,"one":1.0,"dup":1,"dup":2,',
    );
    const literal = JSON.stringify(recordText);
    const doc = await vscode.workspace.openTextDocument({
      language: 'json',
      content: `{"Events": [{"EventId": "e1", "CloudTrailEvent": ${literal}}]}`,
    });
    const text = doc.getText();
    const start = text.indexOf('{"EventId"');
    const indexed: IndexedRecord = {
      start,
      end: text.lastIndexOf('}', text.lastIndexOf(']')) + 1,
      embedded: { offset: text.indexOf(literal), length: literal.length },
    };
    const record = JSON.parse(recordText) as CloudTrailRecord;
    const show = recordActionItems(doc, indexed, record, 'request').find((i) =>
      i.label.endsWith('Show raw record'),
    );
    assert.ok(show);
    await show.run();
    await waitFor(
      () =>
        vscode.window.activeTextEditor?.document !== doc &&
        vscode.window.activeTextEditor?.document.isUntitled === true,
      10_000,
      'the raw record did not open',
    );
    assert.equal(vscode.window.activeTextEditor!.document.getText(), recordText);
  });

  it('explains records with prototype names and marks hidden characters in lenses and hovers (hostile fixture)', async () => {
    const fixture = join(
      process.env.CTL_PROJECT_ROOT ?? join(__dirname, '..', '..'),
      'test',
      'fixtures',
      'hostile',
      'AWSLogs',
      '111122223333',
      'CloudTrail',
      'us-east-1',
      '2024',
      '05',
      '14',
      '111122223333_CloudTrail_us-east-1_20240514T1020Z_output0001.json',
    );
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(fixture));
    const lenses = await lensesOf(doc.uri);
    const records = (JSON.parse(doc.getText()) as { Records: unknown[] }).Records.length;
    assert.equal(lenses.length, records * 2, 'a lens above each userIdentity and each request');
    const titles = lenses.map((l) => l.command?.title ?? '');
    const tooltips = lenses.map((l) => l.command?.tooltip ?? '');
    assert.ok(
      titles.some((t) => t.includes('constructor:toString — ') && t.includes('failed: __proto__')),
      titles.join('\n'),
    );
    assert.ok(
      titles.some((t) => t.includes('__proto__:constructor — ')),
      titles.join('\n'),
    );
    assert.ok(
      titles.some((t) => t.includes('IAM user admin⟨U+E0020⟩⟨U+E0070⟩')),
      titles.join('\n'),
    );
    assert.doesNotMatch(
      titles.join('\n') + tooltips.join('\n'),
      /[\u{E0000}-\u{E007F}\uFE0F\u{E0100}\u180B\u034F]/u,
      'a hidden character in a lens',
    );
    const hover = await hoverText(
      doc.uri,
      positionOf(doc, '"arn":"arn:aws:iam::111122223333:user/admin', 0, 10),
    );
    assert.match(hover, /admin⟨U\+E0020⟩/);
    assert.doesNotMatch(hover, /[\u{E0000}-\u{E007F}]/u);
    const constructorHover = await hoverText(
      doc.uri,
      positionOf(doc, '"eventName":"toString"', 0, 14),
    );
    assert.match(constructorHover, /constructor:toString — /);
  });

  it('leaves ordinary JSON alone', async () => {
    const doc = await vscode.workspace.openTextDocument({
      language: 'json',
      content: JSON.stringify({ name: 'x', eventName: 'not a record' }, null, 2),
    });
    assert.equal((await lensesOf(doc.uri)).length, 0);
  });
});

describe('readable .json.gz log documents', function () {
  this.timeout(60_000);

  before(async () => {
    await waitForActivation();
  });

  function firstLogFile(dir: string): string | undefined {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory() && e.name !== 'CloudTrail-Digest') {
        const found = firstLogFile(p);
        if (found) return found;
      } else if (e.isFile() && e.name.endsWith('.json.gz') && e.name.includes('_CloudTrail_'))
        return p;
    }
    return undefined;
  }

  it('opens a .json.gz from the sample folder decompressed, pretty-printed, read-only, with lenses', async () => {
    const file = firstLogFile(sampleFolder().fsPath);
    assert.ok(file, 'the sample folder holds no CloudTrail log file');
    const before = readFileSync(file);
    await vscode.commands.executeCommand('cloudtrailLens.openLogFile', vscode.Uri.file(file));
    await waitFor(
      () => vscode.window.activeTextEditor?.document.uri.scheme === 'cloudtrail-log',
      10_000,
      'the decompressed document did not open',
    );
    const doc = vscode.window.activeTextEditor!.document;
    assert.equal(doc.languageId, 'json');
    assert.match(doc.getText(), /^\{\n {2}"Records": \[\n/);
    const records = (JSON.parse(doc.getText()) as { Records: unknown[] }).Records.length;
    const lenses = await lensesOf(doc.uri);
    assert.equal(
      lenses.filter((l) => doc.lineAt(l.range.start.line).text.trim().startsWith('"userIdentity"'))
        .length,
      records,
    );
    // The lenses on screen come with their text, with no resolve round (none is asked for here);
    // those far below wait for VS Code to resolve them when they scroll into view.
    const unresolved =
      (await vscode.commands.executeCommand<vscode.CodeLens[]>(
        'vscode.executeCodeLensProvider',
        doc.uri,
        0,
      )) ?? [];
    const visible = vscode.window.activeTextEditor!.visibleRanges[0];
    const onScreen = unresolved.filter((l) => visible.contains(l.range.start));
    assert.ok(onScreen.length > 0, 'no lens on screen');
    assert.ok(
      onScreen.every(
        (l) =>
          l.command?.command === 'cloudtrailLens.recordActions' &&
          / — |IAM|role|service|account/i.test(l.command.title),
      ),
      `lenses on screen without their text: ${JSON.stringify(onScreen.map((l) => l.command?.title))}`,
    );
    // A long log: the lenses far below the screen wait for VS Code to resolve them in view.
    const long = await vscode.workspace.openTextDocument({
      language: 'json',
      content: JSON.stringify(
        {
          Records: Array.from({ length: 60 }, (_, k) =>
            base('ListUsers', { type: 'IAMUser', userName: `u${k}`, accountId: '111122223333' }),
          ),
        },
        null,
        2,
      ),
    });
    await vscode.window.showTextDocument(long);
    const longLenses =
      (await vscode.commands.executeCommand<vscode.CodeLens[]>(
        'vscode.executeCodeLensProvider',
        long.uri,
        0,
      )) ?? [];
    const longVisible = vscode.window.activeTextEditor!.visibleRanges[0];
    const resolvedLines = new Set(
      longLenses
        .filter((l) => l.command?.command === 'cloudtrailLens.recordActions')
        .map((l) => l.range.start.line),
    );
    assert.ok(
      longLenses.some(
        (l) => longVisible.contains(l.range.start) && resolvedLines.has(l.range.start.line),
      ),
      'the long log has no resolved lens on screen',
    );
    // (VS Code's command leaves out the lenses it was not asked to resolve.)
    const far = (await lensesOf(long.uri)).filter(
      (l) => l.range.start.line > longVisible.end.line + 400,
    );
    assert.ok(
      far.length > 0 && far.every((l) => !resolvedLines.has(l.range.start.line)),
      `lenses far below the screen were resolved with the list: ${far.filter((l) => resolvedLines.has(l.range.start.line)).length} of ${far.length}`,
    );
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    await vscode.window.showTextDocument(doc);
    // Read-only: typing in the editor changes nothing, and the file on disk is untouched.
    // (Control: the same typing does change a writable editor.)
    const writable = await vscode.workspace.openTextDocument({ language: 'json', content: '{}' });
    await vscode.window.showTextDocument(writable);
    await vscode.commands.executeCommand('type', { text: 'x' });
    assert.notEqual(writable.getText(), '{}');
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    await vscode.window.showTextDocument(doc);
    const text = doc.getText();
    await vscode.commands.executeCommand('type', { text: 'x' });
    assert.equal(doc.getText(), text);
    assert.equal(doc.isDirty, false);
    assert.deepEqual(readFileSync(file), before);
  });

  it('refuses a named pipe or a link to /dev/zero at once instead of reading it for ever', async function () {
    if (process.platform === 'win32') this.skip();
    const dir = mkdtempSync(join(tmpdir(), 'ctl-special-'));
    try {
      execFileSync('mkfifo', [join(dir, 'pipe.json.gz')]);
      symlinkSync('/dev/zero', join(dir, 'zero.json.gz'));
      for (const name of ['pipe.json.gz', 'zero.json.gz']) {
        const opened = vscode.commands.executeCommand(
          'cloudtrailLens.openLogFile',
          vscode.Uri.file(join(dir, name)),
        );
        const outcome = await Promise.race([
          opened.then(() => 'returned'),
          new Promise((r) => setTimeout(() => r('still reading'), 10_000)),
        ]);
        assert.equal(outcome, 'returned', `${name}: the command did not return`);
        assert.ok(
          !vscode.window.activeTextEditor?.document.uri.path.endsWith(name),
          `${name} was opened as a document`,
        );
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('opens a real flaws2 log the same way', async function () {
    if (!haveDatasets) this.skip();
    const dir = join(
      datasets,
      'flaws2-logs',
      'AWSLogs',
      '653711331788',
      'CloudTrail',
      'us_east_1',
      '2018',
      '11',
      '28',
    );
    const file = join(dir, readdirSync(dir)[0]);
    await vscode.commands.executeCommand('cloudtrailLens.openLogFile', vscode.Uri.file(file));
    await waitFor(
      () =>
        vscode.window.activeTextEditor?.document.uri.path.endsWith(readdirSync(dir)[0]) === true,
      10_000,
      'the flaws2 log did not open',
    );
    const doc = vscode.window.activeTextEditor!.document;
    assert.equal(doc.uri.scheme, 'cloudtrail-log');
    assert.ok((await lensesOf(doc.uri)).length > 0);
  });
});
