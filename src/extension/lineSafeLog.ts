// The output channel, one line per message. What the extension logs quotes file names, S3 keys,
// log values and error messages from the evidence, all attacker-controlled: a file named
// `x.json.gz\n2026-12-07 10:00:00.000 [info] all 4,982 files valid` would otherwise write a line
// of its own, dated and levelled like the extension's. Every message goes through lineText (as the
// CLI's text output does): each hidden character, line breaks included, is shown as a marker.
import type * as vscode from 'vscode';
import { lineText } from '../core/output/visibleText';

const LINE_METHODS = new Set<PropertyKey>([
  'trace',
  'debug',
  'info',
  'warn',
  'error',
  'append',
  'appendLine',
]);

/** The channel, every message it is given made one line (an Error by its message). */
export function lineSafeLog(channel: vscode.LogOutputChannel): vscode.LogOutputChannel {
  return new Proxy(channel, {
    get(target, prop) {
      const value: unknown = Reflect.get(target, prop, target);
      if (typeof value !== 'function') return value;
      if (!LINE_METHODS.has(prop)) return value.bind(target);
      return (message: unknown, ...args: unknown[]) =>
        value.call(
          target,
          lineText(message instanceof Error ? message.message : String(message)),
          ...args,
        );
    },
  });
}
