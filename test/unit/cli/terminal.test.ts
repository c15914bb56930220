// Nothing hostile reaches a terminal: log values, file names and parser messages quoting a file
// are attacker-controlled. With stdout/stderr a terminal every control and hidden character is
// shown escaped (JSON lines as \u escapes, the same JSON); in files and pipes JSON lines stay
// exact and CSV marks control characters.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../../src/cli/main';
import { progressLine } from '../../../src/cli/query';
import type { CliIo } from '../../../src/cli/io';
import { tagCharacters } from '../../support/hostile';

const TITLE = '\u001b]0;PWNED\u0007';

/** Characters that act in or hide from a terminal, besides tab, line feed and CRLF line ends. */
function rawHidden(text: string): string[] {
  return [
    ...text
      .replace(/\r\n/g, '\n')
      .matchAll(/(?![\t\n])[\p{Cc}\p{Cf}\p{Default_Ignorable_Code_Point}\p{Zl}\p{Zp}]/gu),
  ].map((m) => `U+${m[0].codePointAt(0)!.toString(16)}`);
}

describe('CLI output to a terminal', function () {
  this.timeout(60_000);
  let dir: string;
  let events: string;
  let recordTexts: string[];
  let badName: string;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'ctl-tty-'));
    events = join(dir, 'events.json');
    // Valid JSON may hold C1 controls, DEL, bidi overrides and tag characters raw in strings;
    // C0 controls are \u-escaped in the file.
    recordTexts = [
      `{"eventVersion":"1.08","eventTime":"2024-05-14T10:00:00Z","eventSource":"s3.amazonaws.com","eventName":"Get\u009bObject","userAgent":${JSON.stringify(TITLE)},"awsRegion":"us-east-1","sourceIPAddress":"203.0.113.1"}`,
      `{"eventVersion":"1.08","eventTime":"2024-05-14T10:01:00Z","eventSource":"iam.amazonaws.com","eventName":"CreateUser","userAgent":"a\u007fb\u202ec","awsRegion":"us-east-1","sourceIPAddress":"admin${tagCharacters('x')}","errorCode":"x;=cmd"}`,
    ];
    writeFileSync(events, `{"Records":[\n${recordTexts.join(',\n')}\n]}\n`);
    // A file whose name and content carry escape sequences: it cannot be read, and is named.
    badName = `bad${TITLE}.json`;
    writeFileSync(join(dir, badName), '{"Records": [\u001b]0;PWNED\u0007]}');
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  async function run(
    tty: boolean,
    ...args: string[]
  ): Promise<{ code: number; out: string; err: string }> {
    let out = '';
    let err = '';
    const io: CliIo = {
      out: (t) => void (out += t),
      err: (t) => void (err += t),
      control: () => {},
      stderrIsTTY: tty,
      stdoutIsTTY: tty,
    };
    const code = await main(args, io);
    return { code, out, err };
  }

  it('JSON lines to a terminal: hidden characters as \\u escapes, the same JSON values', async () => {
    const r = await run(true, 'query', events);
    assert.equal(r.code, 0, r.err);
    assert.deepEqual(rawHidden(r.out), []);
    const lines = r.out.trimEnd().split('\n');
    assert.deepEqual(
      lines.map((l) => JSON.parse(l)),
      recordTexts.map((t) => JSON.parse(t)),
    );
    assert.match(lines[0], /Get\\u009bObject/);
  });

  it('JSON lines to a file or pipe: the records exactly as stored', async () => {
    const r = await run(false, 'query', events);
    assert.equal(r.out, recordTexts.join('\n') + '\n');
  });

  it('JSON lines to a terminal stay valid JSON when a record has tabs between its tokens', async () => {
    const tabbed = join(dir, 'tabbed.json');
    const record = `{"eventVersion":"1.08",\t"eventTime":"2024-05-14T10:00:00Z","eventSource":"s3.amazonaws.com","eventName":"GetObject"}`;
    writeFileSync(tabbed, `{"Records":[${record}]}`);
    try {
      for (const args of [[], ['--annotate']]) {
        const r = await run(true, 'query', tabbed, ...args);
        assert.equal(r.code, 0, r.err);
        const line = JSON.parse(r.out) as Record<string, unknown>;
        assert.deepEqual(args.length ? line.record : line, JSON.parse(record));
      }
    } finally {
      rmSync(tabbed);
    }
  });

  it('CSV and table to a terminal carry no control or hidden character', async () => {
    for (const format of ['csv', 'table']) {
      const r = await run(
        true,
        'query',
        events,
        '--format',
        format,
        '--fields',
        'eventName,userAgent,sourceIPAddress,errorCode',
      );
      assert.equal(r.code, 0, r.err);
      assert.deepEqual(rawHidden(r.out), [], format);
      assert.ok(r.out.includes('⟨U+001B⟩]0;PWNED⟨U+0007⟩'), format);
      assert.ok(r.out.includes(`admin⟨U+E0078⟩`), format);
    }
  });

  it('CSV to a file marks control characters too (and keeps its CRLF line ends)', async () => {
    const r = await run(
      false,
      'query',
      events,
      '--format',
      'csv',
      '--fields',
      'eventName,userAgent,errorCode',
    );
    assert.deepEqual(rawHidden(r.out), []);
    assert.equal(
      r.out,
      'eventName,userAgent,errorCode\r\nGet⟨U+009B⟩Object,"⟨U+001B⟩]0;PWNED⟨U+0007⟩",\r\nCreateUser,a⟨U+007F⟩b⟨U+202E⟩c,"x;\'=cmd"\r\n',
    );
  });

  it("file names and parser messages on a terminal's stderr are escaped", async () => {
    const tty = await run(true, 'query', dir, '--count');
    assert.equal(tty.code, 0);
    assert.deepEqual(rawHidden(tty.err), [], tty.err);
    assert.match(tty.err, /bad⟨U\+001B⟩\]0;PWNED⟨U\+0007⟩\.json:\d+:\d+: invalid JSON/, tty.err);
    // The parser's account of the offending character, escaped (marked, or JSON-escaped).
    assert.match(
      tty.err,
      /invalid JSON.*(⟨U\+001B⟩|\\u001b)/,
      "the parser's snippet of the file, escaped",
    );
    // Not a terminal: a log file or pipe gets the name marked all the same (see below).
    const piped = await run(false, 'query', dir, '--count');
    assert.ok(piped.err.includes('bad⟨U+001B⟩]0;PWNED⟨U+0007⟩.json'), piped.err);
    assert.equal(piped.out, '2\n');
  });

  it('to a file or pipe too, a name or log value with a line break, tab or escape forges no line of a note or of detect', async () => {
    const forged = 'FORGED\t1 of 1 event files could not be read';
    const sub = mkdtempSync(join(tmpdir(), 'ctl-lines-'));
    try {
      writeFileSync(join(sub, `bad\n${forged}.json`), 'not json');
      const record = {
        eventVersion: '1.08',
        eventTime: '2024-05-14T10:00:00Z',
        eventSource: 'cloudtrail.amazonaws.com',
        eventName: 'DeleteTrail',
        awsRegion: 'us-east-1',
        sourceIPAddress: `203.0.113.1\n${forged}`,
        userIdentity: { type: 'IAMUser', arn: `arn:aws:iam::111122223333:user/a\n${forged}` },
        eventID: `id\r\n${forged}`,
      };
      writeFileSync(join(sub, `ok\n${forged}.json`), JSON.stringify({ Records: [record] }));
      const lineStarts = (text: string) => text.split('\n').filter((l) => l.startsWith('FORGED'));
      const query = await run(false, 'query', sub, '--count', '--no-cache');
      assert.equal(query.out, '1\n');
      assert.deepEqual(lineStarts(query.err), [], query.err);
      assert.match(
        query.err,
        /bad⟨U\+000A⟩FORGED⟨U\+0009⟩1 of 1 event files could not be read\.json:1:1: /,
      );
      const detect = await run(false, 'detect', sub, '--no-cache');
      assert.equal(detect.code, 1, detect.err);
      assert.deepEqual(lineStarts(detect.out), [], detect.out);
      assert.deepEqual(lineStarts(detect.err), [], detect.err);
      assert.match(
        detect.out,
        /^ {2}\S*ok⟨U\+000A⟩FORGED⟨U\+0009⟩1 of 1 event files could not be read\.json$/m,
      );
      assert.match(detect.out, /from 203\.0\.113\.1⟨U\+000A⟩FORGED/);
      assert.match(detect.out, /eventID id⟨U\+000D⟩⟨U\+000A⟩FORGED/);
    } finally {
      rmSync(sub, { recursive: true, force: true });
    }
  });

  it("every command's messages go through the same guard", async () => {
    const lint = await run(true, 'lint', join(dir, `missing${TITLE}.json`));
    assert.ok(lint.err.includes('missing⟨U+001B⟩]0;PWNED⟨U+0007⟩.json'), lint.err);
    assert.deepEqual(rawHidden(lint.err), []);
    const unknown = await run(true, `x${TITLE}`);
    assert.deepEqual(rawHidden(unknown.err), []);
  });

  it('the progress line keeps its own carriage return and erase', async () => {
    let control = '';
    const io: CliIo = {
      out: () => {},
      err: () => {},
      control: (t) => void (control += t),
      stderrIsTTY: true,
      stdoutIsTTY: false,
    };
    assert.equal(await main(['query', events, '--count'], io), 0);
    assert.ok(readFileSync(events).length > 0);
    assert.ok(control.startsWith('\rReading '), JSON.stringify(control));
    assert.ok(control.endsWith('\r\u001b[K'));
  });

  it('the progress line says when the files are still being listed', () => {
    const p = { filesDone: 3, filesTotal: 10, filesFailed: 0, events: 1234, bytesRead: 2048 };
    assert.equal(
      progressLine({ ...p, listing: true }),
      'Reading 3/10+ files (still listing), 1,234 events (2 KiB)…',
    );
    assert.equal(
      progressLine({ ...p, listing: false }),
      'Reading 3/10 files, 1,234 events (2 KiB)…',
    );
  });
});
