// The output channel quotes file names, keys and log values: none may write a line of its own.
import * as assert from 'node:assert/strict';
import type * as vscode from 'vscode';
import { lineSafeLog } from '../../../src/extension/lineSafeLog';

/** A stand-in channel: what each method was given. */
function recordingChannel() {
  const calls: { method: string; args: unknown[] }[] = [];
  const method =
    (name: string) =>
    (...args: unknown[]) =>
      calls.push({ method: name, args });
  const channel = {
    name: 'CloudTrail Lens',
    logLevel: 2,
    trace: method('trace'),
    debug: method('debug'),
    info: method('info'),
    warn: method('warn'),
    error: method('error'),
    append: method('append'),
    appendLine: method('appendLine'),
    show: method('show'),
  };
  return { channel: channel as unknown as vscode.LogOutputChannel, calls };
}

describe('lineSafeLog (the output channel)', () => {
  const forged =
    'AWSLogs/x.json.gz\n2026-12-07 10:00:00.000 [info] all 4,982 files valid\r\u2028\u0085';

  it('gives every message as one line, whichever method logs it', () => {
    const { channel, calls } = recordingChannel();
    const log = lineSafeLog(channel);
    log.info(`${forged}: no such file`);
    log.warn(forged);
    log.error(new Error(forged));
    log.debug(forged);
    log.trace(forged);
    log.appendLine(forged);
    log.append(forged);
    assert.deepEqual(
      calls.map((c) => c.method),
      ['info', 'warn', 'error', 'debug', 'trace', 'appendLine', 'append'],
    );
    for (const { args } of calls) {
      const text = args[0] as string;
      assert.equal(typeof text, 'string');
      assert.doesNotMatch(text, /[\n\r\u2028\u2029\u0085]/, JSON.stringify(text));
      assert.ok(
        text.includes('AWSLogs/x.json.gz'),
        'the name is kept, its hidden characters shown',
      );
      assert.ok(text.includes('[info] all 4,982 files valid'));
    }
  });

  it('leaves plain messages as they are and passes other members through', () => {
    const { channel, calls } = recordingChannel();
    const log = lineSafeLog(channel);
    log.info('Timeline "bucket": 4 of 4 file(s) from the index cache', 'extra');
    log.show(true);
    assert.equal(log.name, 'CloudTrail Lens');
    assert.deepEqual(calls, [
      {
        method: 'info',
        args: ['Timeline "bucket": 4 of 4 file(s) from the index cache', 'extra'],
      },
      { method: 'show', args: [true] },
    ]);
  });
});
