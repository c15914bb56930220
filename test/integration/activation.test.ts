// The extension as VS Code sees it: activation on the sample folder and every contribution in
// package.json backed by something real. Catches a command declared but never registered, a
// setting VS Code cannot resolve, or a menu pointing at a command that does not exist.
import * as assert from 'node:assert/strict';
import { existsSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { extension, manifest, sampleFolder, waitForActivation } from './support/host';

function settingsOf(m: ReturnType<typeof manifest>): Record<string, { default?: unknown }> {
  const c = m.contributes?.configuration;
  const blocks = Array.isArray(c) ? c : c ? [c] : [];
  return Object.assign({}, ...blocks.map((b) => b.properties ?? {}));
}

describe('extension activation', () => {
  it('opens the generated sample folder as the workspace', () => {
    const expected = process.env.CTL_SAMPLE_DIR;
    assert.ok(expected, 'the runner did not say which sample folder it opened (CTL_SAMPLE_DIR)');
    assert.equal(realpathSync(sampleFolder().fsPath), realpathSync(expected));
  });

  it('runs the built bundle of this project', () => {
    const ext = extension();
    const root = process.env.CTL_PROJECT_ROOT;
    assert.ok(root, 'the runner did not say where the project is (CTL_PROJECT_ROOT)');
    assert.equal(realpathSync(ext.extensionPath), realpathSync(root));
    assert.equal(ext.packageJSON.main, './dist/extension.js');
    assert.ok(
      existsSync(join(ext.extensionPath, 'dist', 'extension.js')),
      'dist/extension.js is missing: the build did not run',
    );
  });

  it('activates by itself on the sample folder', async () => {
    await waitForActivation();
    assert.equal(extension().isActive, true);
  });

  it('registers every command its package.json contributes', async () => {
    await waitForActivation();
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = (manifest().contributes?.commands ?? [])
      .map((c) => c.command)
      .filter((id) => !registered.has(id));
    assert.deepEqual(
      missing,
      [],
      `contributed but not registered after activation: ${missing.join(', ')}`,
    );
  });

  it('names its commands cloudtrailLens.* with the "CloudTrail" category', () => {
    const wrong = (manifest().contributes?.commands ?? []).filter(
      (c) => !c.command.startsWith('cloudtrailLens.') || c.category !== 'CloudTrail',
    );
    assert.deepEqual(wrong, []);
  });

  it('declares settings under cloudtrailLens.* whose defaults VS Code resolves', () => {
    for (const [key, schema] of Object.entries(settingsOf(manifest()))) {
      assert.ok(key.startsWith('cloudtrailLens.'), `setting ${key} is outside cloudtrailLens.*`);
      const inspected = vscode.workspace.getConfiguration().inspect(key);
      assert.ok(inspected, `VS Code does not know the setting ${key}`);
      if ('default' in schema)
        assert.deepEqual(inspected.defaultValue, schema.default, `default of ${key}`);
    }
  });

  it('points menus and welcome views only at contributed commands and views', () => {
    const c = manifest().contributes ?? {};
    const commands = new Set((c.commands ?? []).map((x) => x.command));
    const views = new Set(
      Object.values(c.views ?? {})
        .flat()
        .map((v) => v.id),
    );
    const dangling: string[] = [];
    for (const [menu, items] of Object.entries(c.menus ?? {})) {
      for (const item of items)
        if (item.command && !commands.has(item.command)) dangling.push(`${menu} → ${item.command}`);
    }
    for (const w of c.viewsWelcome ?? [])
      if (!views.has(w.view)) dangling.push(`viewsWelcome → ${w.view}`);
    assert.deepEqual(dangling, []);
  });
});
