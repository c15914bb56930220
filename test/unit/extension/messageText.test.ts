// Notifications, progress messages and input-box prompts: VS Code makes `[label](command:…)` in
// them a link it runs with commands allowed, so a message quoting a file name, key or log value
// must hold no link.
import * as assert from 'node:assert/strict';
import { messageText } from '../../../src/extension/messageText';

/** VS Code's linked-text syntax (src/vs/base/common/linkedText.ts), which notifications and quick-input prompts parse. */
const VSCODE_LINK =
  /\[([^\]]+)\]\(((?:https?:\/\/|command:|file:)[^)\s]+)(?: (["'])(.+?)(\3))?\)/gi;

describe('messageText (notifications, prompts)', () => {
  it('leaves no link in a file name, key or log value, and reads the same', () => {
    const hostile = [
      '/evidence/[Show details](command:workbench.action.terminal.sendSequence?%7B%22text%22%3A%22id%5Cn%22%7D).json: the file is empty',
      'AWSLogs/[Docs](https://evil.example/x)/[Open](file:///etc/passwd "title")',
      '[A](COMMAND:x)',
    ];
    for (const text of hostile) {
      assert.ok(text.match(VSCODE_LINK), 'the input holds a link');
      const shown = messageText(text);
      assert.equal(shown.match(VSCODE_LINK), null, shown);
      assert.equal(shown.replace(/\] \(/g, ']('), text);
    }
  });

  it('shows hidden characters as markers', () => {
    assert.equal(messageText('a\u202eb\u001b[2Jc'), 'a⟨U+202E⟩b⟨U+001B⟩[2Jc');
  });

  it('leaves ordinary messages as they are', () => {
    const text = 'CloudTrail timeline: 2 of 9 file(s) could not be read (the others are loaded).';
    assert.equal(messageText(text), text);
  });
});
