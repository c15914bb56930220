// Trail configuration linting in the real VS Code: diagnostics appear in the Problems panel for a
// bad event-selector file, a quick fix repairs it, completion and hover answer on selector fields,
// the settings switch rules off, and a recognised .json file with comments is read as JSONC.
import * as assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { sampleFolder, waitFor, waitForActivation, waitForDiagnostics } from './support/host';

const SOURCE = 'CloudTrail Lens';
const codeOf = (d: vscode.Diagnostic) =>
  typeof d.code === 'object' ? String(d.code.value) : String(d.code);
const ours = (uri: vscode.Uri) =>
  vscode.languages.getDiagnostics(uri).filter((d) => d.source === SOURCE);

const BAD_SELECTORS = `{
  "TrailName": "payments-audit",
  "AdvancedEventSelectors": [
    {
      "Name": "Management write events",
      "FieldSelectors": [
        { "Field": "eventCategory", "Equals": ["Management"] },
        { "Field": "readOnly", "NotEquals": ["true"] }
      ]
    },
    {
      "Name": "Ledger writes",
      "FieldSelectors": [
        { "Field": "eventCategory", "Equals": ["Data"] },
        { "Field": "resources.type", "Equals": ["AWS::DynamoDB::Table"] },
        { "Field": "eventName", "Equals": ["PutItem", "DeleteItem", "PutItem"] }
      ]
    }
  ]
}
`;

describe('trail configuration lint', function () {
  this.timeout(60_000);
  let dir: string;
  let badUri: vscode.Uri;
  const config = () => vscode.workspace.getConfiguration('cloudtrailLens.lint');

  before(async () => {
    await waitForActivation();
    dir = mkdtempSync(join(tmpdir(), 'ctl-it-lint-'));
    const bad = join(dir, 'event-selectors.json');
    writeFileSync(bad, BAD_SELECTORS);
    badUri = vscode.Uri.file(bad);
  });

  after(async () => {
    await config().update('disabledRules', undefined, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    rmSync(dir, { recursive: true, force: true });
  });

  it('shows the findings of a bad event-selector file in the Problems panel, with exact ranges', async () => {
    const doc = await vscode.workspace.openTextDocument(badUri);
    await vscode.window.showTextDocument(doc);
    const diags = (
      await waitForDiagnostics(badUri, (d) => d.some((x) => x.source === SOURCE))
    ).filter((d) => d.source === SOURCE);
    assert.deepEqual(diags.map((d) => [codeOf(d), d.severity]).sort(), [
      ['duplicate-value', vscode.DiagnosticSeverity.Warning],
      ['equals-only-field', vscode.DiagnosticSeverity.Error],
      ['s3-data-events-incomplete', vscode.DiagnosticSeverity.Information],
    ]);
    const op = diags.find((d) => codeOf(d) === 'equals-only-field')!;
    assert.equal(doc.getText(op.range), '"NotEquals"');
    assert.equal(op.range.start.line, 7);
    assert.match(
      String((op.code as { target: vscode.Uri }).target),
      /^https:\/\/docs\.aws\.amazon\.com\/awscloudtrail\//,
    );
  });

  it('applies the quick fix "Replace with Equals" and the finding goes away as you type', async () => {
    const op = ours(badUri).find((d) => codeOf(d) === 'equals-only-field')!;
    const actions = (await vscode.commands.executeCommand(
      'vscode.executeCodeActionProvider',
      badUri,
      op.range,
    )) as vscode.CodeAction[];
    const fix = actions.find((a) => a.title === 'Replace with Equals ["false"]');
    assert.ok(fix?.edit, `no quick fix; offered: ${actions.map((a) => a.title).join(' | ')}`);
    assert.ok(fix.isPreferred);
    assert.ok(await vscode.workspace.applyEdit(fix.edit));
    await waitFor(
      () => !ours(badUri).some((d) => codeOf(d) === 'equals-only-field'),
      10_000,
      'equals-only-field still reported after the fix',
    );
    const doc = await vscode.workspace.openTextDocument(badUri);
    assert.match(doc.getText(), /\{ "Field": "readOnly", "Equals": \["false"\] \}/);
    // The other findings stay.
    assert.ok(ours(badUri).some((d) => codeOf(d) === 'duplicate-value'));
  });

  it('removes the duplicate value with its quick fix', async () => {
    const dup = ours(badUri).find((d) => codeOf(d) === 'duplicate-value')!;
    const actions = (await vscode.commands.executeCommand(
      'vscode.executeCodeActionProvider',
      badUri,
      dup.range,
    )) as vscode.CodeAction[];
    const fix = actions.find((a) => a.title === 'Remove the duplicate value');
    assert.ok(fix?.edit);
    assert.ok(await vscode.workspace.applyEdit(fix.edit));
    await waitFor(
      () => !ours(badUri).some((d) => codeOf(d) === 'duplicate-value'),
      10_000,
      'duplicate-value still reported after the fix',
    );
    const doc = await vscode.workspace.openTextDocument(badUri);
    assert.match(doc.getText(), /"Equals": \["PutItem", "DeleteItem"\]/);
  });

  it('completes field names for the selector’s category and explains them on hover', async () => {
    const doc = await vscode.workspace.openTextDocument(badUri);
    const at = doc.positionAt(doc.getText().indexOf('"eventName"') + 1);
    const list = (await vscode.commands.executeCommand(
      'vscode.executeCompletionItemProvider',
      badUri,
      at,
    )) as vscode.CompletionList;
    const labels = list.items.map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
    for (const f of ['resources.ARN', 'eventName', 'userIdentity.arn'])
      assert.ok(labels.includes(f), `${f} not offered: ${labels.join(', ')}`);
    const hovers = (await vscode.commands.executeCommand(
      'vscode.executeHoverProvider',
      badUri,
      doc.positionAt(doc.getText().indexOf('"readOnly"') + 2),
    )) as vscode.Hover[];
    const text = hovers
      .flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value)))
      .join('\n');
    assert.match(text, /\*\*readOnly\*\*/);
  });

  it('switches a rule off through cloudtrailLens.lint.disabledRules', async () => {
    assert.ok(ours(badUri).some((d) => codeOf(d) === 's3-data-events-incomplete'));
    await config().update(
      'disabledRules',
      ['s3-data-events-incomplete'],
      vscode.ConfigurationTarget.Global,
    );
    await waitFor(
      () => !ours(badUri).some((d) => codeOf(d) === 's3-data-events-incomplete'),
      10_000,
      'the disabled rule is still reported',
    );
    await config().update('disabledRules', undefined, vscode.ConfigurationTarget.Global);
    await waitFor(
      () => ours(badUri).some((d) => codeOf(d) === 's3-data-events-incomplete'),
      10_000,
      'the rule did not come back',
    );
  });

  it('reads a recognised .json configuration with comments as JSONC', async () => {
    const file = join(dir, 'trail-with-comments.json');
    writeFileSync(
      file,
      '// create-trail input\n{\n  "Name": "audit",\n  "S3BucketName": "b",\n  "EnableLogFileValidation": false\n}\n',
    );
    const uri = vscode.Uri.file(file);
    await vscode.workspace.openTextDocument(uri);
    await waitFor(
      () =>
        vscode.workspace.textDocuments.some(
          (d) => d.uri.toString() === uri.toString() && d.languageId === 'jsonc',
        ),
      10_000,
      'the document was not switched to jsonc',
    );
    await waitForDiagnostics(uri, (d) =>
      d.some((x) => x.source === SOURCE && codeOf(x) === 'log-file-validation-off'),
    );
  });

  it('"CloudTrail: Lint Configuration Files" lints the workspace and reports what it found', async () => {
    const result = (await vscode.commands.executeCommand('cloudtrailLens.lintWorkspace')) as {
      files: number;
      configurations: number;
      cancelled: boolean;
    };
    assert.ok(result, 'the command returned nothing');
    assert.equal(result.cancelled, false);
    assert.ok(result.files >= result.configurations);
    // The sample workspace holds trail-config.json (test/fixtures/lint/sample-trail-config.json),
    // not open in any editor: its findings reach the Problems panel all the same.
    const sample = vscode.Uri.joinPath(sampleFolder(), 'trail-config.json');
    if (!existsSync(sample.fsPath)) return;
    assert.ok(result.configurations >= 1);
    const codes = ours(sample).map(codeOf);
    for (const id of [
      'data-resource-arn',
      'equals-only-field',
      'log-file-validation-off',
      'logging-stopped',
    ])
      assert.ok(codes.includes(id), `${id} missing: ${codes.join(', ')}`);
    assert.ok(!codes.includes('no-cloudwatch-logs'), 'the suppression comment was ignored');
  });

  describe('CloudFormation YAML and Terraform, recognised by content', () => {
    const TEMPLATE = `AWSTemplateFormatVersion: "2010-09-09"
Resources:
  AuditTrail:
    Type: AWS::CloudTrail::Trail
    Properties:
      TrailName: audit
      S3BucketName: !Ref LogBucket
      IsLogging: true
      IsMultiRegionTrail: false
      EnableLogFileValidation: true
      KMSKeyId: !GetAtt [Key, Arn]
      CloudWatchLogsLogGroupArn: !GetAtt LogGroup.Arn
      CloudWatchLogsRoleArn: !GetAtt Role.Arn
      AdvancedEventSelectors:
        - Name: management
          FieldSelectors:
            - Field: eventCategory
              Equals: [Management]
`;
    const TF = `resource "aws_cloudtrail" "audit" {
  name                          = "audit"
  s3_bucket_name                = aws_s3_bucket.logs.id
  is_multi_region_trail         = true
  include_global_service_events = true
  kms_key_id                    = aws_kms_key.trail.arn
  cloud_watch_logs_group_arn    = "\${aws_cloudwatch_log_group.trail.arn}:*"
  cloud_watch_logs_role_arn     = aws_iam_role.trail.arn
}
`;

    it('a YAML template: the diagnostic at its place, fixed with IsMultiRegionTrail: true', async () => {
      const uri = vscode.Uri.file(join(dir, 'trail.template'));
      writeFileSync(uri.fsPath, TEMPLATE);
      const doc = await vscode.workspace.openTextDocument(uri);
      await vscode.window.showTextDocument(doc);
      const [d] = (await waitForDiagnostics(uri, (x) => x.some((y) => y.source === SOURCE))).filter(
        (x) => x.source === SOURCE,
      );
      assert.equal(codeOf(d), 'not-multi-region');
      assert.equal(doc.getText(d.range), 'false');
      assert.equal(d.range.start.line, 8);
      const actions = (await vscode.commands.executeCommand(
        'vscode.executeCodeActionProvider',
        uri,
        d.range,
      )) as vscode.CodeAction[];
      const fix = actions.find((a) => a.title === 'Make the trail multi-Region');
      assert.ok(fix?.edit, `offered: ${actions.map((a) => a.title).join(' | ')}`);
      // The suppression comment is a YAML comment.
      const disable = actions.find((a) => a.title === 'Disable not-multi-region for this line')!;
      assert.match(
        disable.edit!.get(uri)[0].newText,
        /^ {6}# cloudtrail-lens-disable-next-line not-multi-region\n$/,
      );
      assert.ok(await vscode.workspace.applyEdit(fix.edit));
      await waitFor(
        () => ours(uri).length === 0,
        10_000,
        'not-multi-region still reported after the fix',
      );
      assert.match(doc.getText(), /\n {6}IsMultiRegionTrail: true\n/);
    });

    it('completes and explains selector fields in the YAML template', async () => {
      const doc = await vscode.workspace.openTextDocument(
        vscode.Uri.file(join(dir, 'trail.template')),
      );
      const at = doc.positionAt(doc.getText().indexOf('[Management]') + 1);
      const list = (await vscode.commands.executeCommand(
        'vscode.executeCompletionItemProvider',
        doc.uri,
        at,
      )) as vscode.CompletionList;
      const labels = list.items.map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
      for (const c of ['Management', 'Data', 'NetworkActivity'])
        assert.ok(labels.includes(c), labels.join(', '));
      const hovers = (await vscode.commands.executeCommand(
        'vscode.executeHoverProvider',
        doc.uri,
        doc.positionAt(doc.getText().indexOf('EnableLogFileValidation') + 3),
      )) as vscode.Hover[];
      assert.match(
        hovers
          .flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value)))
          .join('\n'),
        /CIS 3\.2/,
      );
    });

    it('a .tf file (plain text here: no Terraform extension), fixed with enable_log_file_validation = true', async () => {
      const uri = vscode.Uri.file(join(dir, 'main.tf'));
      writeFileSync(uri.fsPath, TF);
      const doc = await vscode.workspace.openTextDocument(uri);
      await vscode.window.showTextDocument(doc);
      const [d] = (await waitForDiagnostics(uri, (x) => x.some((y) => y.source === SOURCE))).filter(
        (x) => x.source === SOURCE,
      );
      assert.equal(codeOf(d), 'log-file-validation-off');
      assert.equal(doc.getText(d.range), 'name');
      const actions = (await vscode.commands.executeCommand(
        'vscode.executeCodeActionProvider',
        uri,
        d.range,
      )) as vscode.CodeAction[];
      const fix = actions.find((a) => a.title === 'Turn on log file validation')!;
      assert.ok(await vscode.workspace.applyEdit(fix.edit!));
      await waitFor(
        () => ours(uri).length === 0,
        10_000,
        'log-file-validation-off still reported after the fix',
      );
      assert.match(
        doc.getText(),
        /cloud_watch_logs_role_arn {5}= aws_iam_role\.trail\.arn\n {2}enable_log_file_validation {4}= true\n}/,
      );
    });

    it('an unsaved buffer is recognised by content too, and a YAML file that configures no trail gets nothing', async () => {
      const untitled = await vscode.workspace.openTextDocument({
        content: TF.replace(
          'is_multi_region_trail         = true',
          'is_multi_region_trail         = false',
        ),
      });
      await waitForDiagnostics(untitled.uri, (x) =>
        x.some((y) => y.source === SOURCE && codeOf(y) === 'not-multi-region'),
      );
      const other = vscode.Uri.file(join(dir, 'compose.yaml'));
      writeFileSync(other.fsPath, 'services:\n  web:\n    image: nginx\n    IsLogging: false\n');
      await vscode.workspace.openTextDocument(other);
      await new Promise((r) => setTimeout(r, 1000));
      assert.deepEqual(ours(other), []);
    });
  });
});
