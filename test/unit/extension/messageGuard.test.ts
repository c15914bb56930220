// Every notification and input-box prompt whose text is not a fixed string goes through
// messageText (src/extension/messageText.ts): VS Code runs `[label](command:…)` links in them.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { typeScriptFilesUnder } from '../../support/sourceFiles';

const root = join(__dirname, '..', '..', '..', 'src', 'extension');

describe('messages with foreign text go through messageText', () => {
  it('show*Message, prompt: and progress messages take a fixed string or messageText(…)', () => {
    const bad: string[] = [];
    const call =
      /(show(?:Error|Warning|Information)Message\(|\bprompt:|progress\.report\(\{(?:\s*increment:[^\n]*\n)?\s*message:)\s*/g;
    for (const file of typeScriptFilesUnder(root)) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(call)) {
        const rest = text.slice(m.index! + m[0].length);
        const fixed =
          /^(?:'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"|`(?:[^`$\\]|\\.)*`)\s*[,)}\n]/.test(rest);
        if (!fixed && !rest.startsWith('messageText(')) {
          const line = text.slice(0, m.index).split('\n').length;
          bad.push(`${file.slice(root.length + 1)}:${line}: ${rest.split('\n')[0]}`);
        }
      }
    }
    assert.deepEqual(bad, []);
  });
});
