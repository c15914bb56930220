// The command table (src/extension/commands.ts) and the explorer's context tokens
// (src/extension/tree/contextValues.ts) agree with package.json, and no other file spells a
// command id.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { COMMANDS, INTERNAL_COMMANDS } from '../../../src/extension/commands';
import { CONTEXT_TOKENS, sourceContextValue } from '../../../src/extension/tree/contextValues';
import { typeScriptFilesUnder } from '../../support/sourceFiles';

const root = join(__dirname, '..', '..', '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

describe('command ids', () => {
  it('contributes exactly the commands of the table', () => {
    const contributed = (pkg.contributes.commands as { command: string }[]).map((c) => c.command);
    assert.deepEqual([...contributed].sort(), Object.values(COMMANDS).sort());
    for (const id of Object.values(INTERNAL_COMMANDS))
      assert.ok(!contributed.includes(id), `${id} is internal`);
  });

  it('names in menus and key bindings only commands of the table', () => {
    const known = new Set<string>(Object.values(COMMANDS));
    const menus = Object.values(pkg.contributes.menus ?? {}).flat() as { command?: string }[];
    for (const m of menus)
      if (m.command) assert.ok(known.has(m.command), `menu entry for unknown command ${m.command}`);
  });

  it('is spelt in src only in the table', () => {
    const ids = [...Object.values(COMMANDS), ...Object.values(INTERNAL_COMMANDS)];
    for (const file of typeScriptFilesUnder(join(root, 'src'))) {
      if (file.endsWith(join('extension', 'commands.ts'))) continue;
      const text = readFileSync(file, 'utf8');
      for (const id of ids)
        assert.ok(!text.includes(`'${id}'`) && !text.includes(`"${id}"`), `${file} spells ${id}`);
    }
  });
});

describe('explorer context values', () => {
  it('builds every token that a package.json menu matches on', () => {
    const built = new Set<string>([
      ...Object.values(CONTEXT_TOKENS),
      ...(['folder', 's3', 'event-history'] as const).flatMap((t) =>
        sourceContextValue(t, true).split(' '),
      ),
    ]);
    const menus = Object.values(pkg.contributes.menus ?? {}).flat() as { when?: string }[];
    let checked = 0;
    for (const m of menus) {
      for (const [, pattern] of (m.when ?? '').matchAll(/viewItem =~ \/([^/]*)\//g)) {
        const tokens = pattern.replace(/\\b|[()]/g, '').split('|');
        for (const t of tokens)
          assert.ok(built.has(t), `menu "${m.when}" matches "${t}", a token nothing builds`);
        checked++;
      }
    }
    assert.ok(checked > 5);
  });

  it('marks a source by its type, and only added sources as removable', () => {
    assert.equal(
      sourceContextValue('folder', true),
      'ctl ctl-source ctl-source-folder removable local',
    );
    assert.equal(sourceContextValue('s3', false), 'ctl ctl-source ctl-source-s3 s3');
    assert.equal(
      sourceContextValue('event-history', true),
      'ctl ctl-source ctl-source-event-history removable',
    );
    assert.equal(
      sourceContextValue('folder', false, true),
      'ctl ctl-source ctl-source-folder local digests',
    );
    assert.equal(
      sourceContextValue('event-history', false, true),
      'ctl ctl-source ctl-source-event-history',
      'Event history has no digests',
    );
  });
});
