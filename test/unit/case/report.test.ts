// The evidence report (issue 18): its chain of custody checked against the digest validator's own
// verdicts and against the files' bytes; Markdown and HTML with hostile values; Timesketch JSONL;
// who is behind each session (the origin); the CLI `report` command end to end.
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { applyEdit, emptyCase, serializeCase } from '../../../src/core/case/caseFile';
import { custodyOf } from '../../../src/core/case/custody';
import {
  buildReport,
  reportHtml,
  reportMarkdown,
  timesketchJsonl,
} from '../../../src/core/case/report';
import { resolveAnnotations } from '../../../src/core/case/resolve';
import { loadPublicKeyFiles, loadSignaturesFile, validateSource } from '../../../src/core/digest';
import type { LogVerdict } from '../../../src/core/digest/types';
import type { EventIndex } from '../../../src/core/index/eventIndex';
import { WorkerPool } from '../../../src/core/ingest/pool';
import { FolderSource } from '../../../src/core/sources/folder';
import { signingKey } from '../../../src/core/synthetic/digests';
import { builtinRules } from '../../../src/core/detect/builtinPack';
import { CaseWorkspace, refOf } from './helpers';
import { runCli } from '../../support/cli';
import { dataset, describeWithDatasets } from '../../support/datasets';

const WHEN = new Date('2026-12-05T20:00:00Z');
const HOSTILE =
  '<script>alert(1)</script><img src=x onerror=alert(2)>"\'&lt;<a href="https://evil.example/">x</a>\u202e[link](https://evil.example/)';

/** Every element is one the writer makes, with no attribute that loads or runs anything. */
function onlyOurMarkup(html: string): void {
  const allowed = new Set([
    'html',
    'head',
    'meta',
    'title',
    'style',
    'body',
    'h1',
    'h2',
    'h3',
    'p',
    'dl',
    'dt',
    'dd',
    'code',
    'span',
    'strong',
    'section',
    'div',
    'table',
    'thead',
    'tbody',
    'tr',
    'th',
    'td',
    'ul',
    'ol',
    'li',
  ]);
  for (const m of html.matchAll(/<\/?([a-zA-Z][a-zA-Z0-9]*)([^>]*)>/g)) {
    assert.ok(allowed.has(m[1].toLowerCase()), m[0]);
    assert.match(m[2], /^(?:\s[a-zA-Z-]+="[^"<>]*")*$/, m[0]);
    for (const a of m[2].matchAll(/\s([a-zA-Z-]+)="/g))
      assert.ok(
        ['class', 'title', 'charset', 'lang', 'name', 'content', 'http-equiv'].includes(
          a[1].toLowerCase(),
        ),
        m[0],
      );
  }
  for (const bad of ['url(', '@import', '<!--', '<![CDATA[']) assert.ok(!html.includes(bad), bad);
}

const cli = runCli;

describe('evidence report', function () {
  this.timeout(120_000);
  let ws: CaseWorkspace;
  let pool: WorkerPool;
  let index: EventIndex;
  let caseFile: string;
  let tampered: string;
  let forged: string;
  let validKey: string;

  before(async () => {
    ws = new CaseWorkspace(3);
    // A log of the first hour edited after delivery (its digest's hash no longer matches), and a
    // log no digest lists though digests cover its hour (planted), both holding annotated events.
    tampered = ws.digests[0].logKeys[0];
    const log = JSON.parse(gunzipSync(readFileSync(ws.bucket.file(tampered))).toString('utf8')) as {
      Records: Array<Record<string, unknown>>;
    };
    log.Records[0].eventName = 'ListRoles';
    writeFileSync(ws.bucket.file(tampered), gzipSync(JSON.stringify(log)));
    forged = ws.bucket.chain().unlistedLog('2024-05-14T10:40:00Z');
    validKey = ws.digests[1].logKeys[1];
    pool = new WorkerPool(2);
    index = await ws.load(pool);
    const rowIn = async (key: string) =>
      (await index.query({ kind: 'all' })).rows.find((r) => index.summary(r).fileKey === key)!;
    let c = applyEdit(
      emptyCase(),
      [refOf(index, await rowIn(validKey))],
      { kind: 'add-tags', tags: ['exfil'] },
      'alice',
      WHEN,
    );
    c = applyEdit(
      c,
      [refOf(index, await rowIn(tampered))],
      { kind: 'star', starred: true },
      'alice',
      WHEN,
    );
    c = applyEdit(
      c,
      [refOf(index, await rowIn(forged))],
      { kind: 'note', note: HOSTILE },
      'bob',
      WHEN,
    );
    c = applyEdit(
      c,
      [refOf(index, await rowIn(forged))],
      { kind: 'add-tags', tags: ['exfil', '"><img src=x>'] },
      'bob',
      WHEN,
    );
    caseFile = join(ws.dir, 'case.json');
    writeFileSync(caseFile, serializeCase(c));
  });
  after(async () => {
    await pool.close();
    ws.dispose();
  });

  it("custody: each file's SHA-256 is its bytes', its content hash the validator's, its verdict the validator's", async () => {
    const report = await validateSource(new FolderSource(ws.root), {
      publicKeys: await loadPublicKeyFiles([ws.keysFile]),
      signatures: await loadSignaturesFile(ws.signaturesFile),
    });
    const logVerdicts = new Map<string, LogVerdict>();
    for (const chain of report.chains)
      for (const e of chain.events) if (e.type === 'log') logVerdicts.set(e.key, e);
    const rows = (await index.query({ kind: 'all' })).rows;
    const custody = await custodyOf(index, rows, [report]);
    assert.equal(custody.files.length, index.files.length);
    const listed = new Map<string, string>();
    for (const d of ws.digests)
      for (const l of d.json.logFiles) listed.set(l.s3Object, l.hashValue);
    for (const f of custody.files) {
      const bytes = readFileSync(ws.bucket.file(f.key));
      assert.equal(f.sha256, createHash('sha256').update(bytes).digest('hex'), f.key);
      assert.equal(
        f.contentSha256,
        createHash('sha256').update(gunzipSync(bytes)).digest('hex'),
        f.key,
      );
      const v = logVerdicts.get(f.key);
      if (f.key === forged) {
        assert.equal(v, undefined);
        assert.equal(f.verdict, 'invalid');
        assert.match(f.reason, /is in no digest although digests cover its delivery time/);
      } else if (f.key === tampered) {
        assert.equal(v?.kind, 'hash-mismatch');
        assert.equal(f.verdict, 'invalid');
        assert.notEqual(f.contentSha256, listed.get(f.key));
      } else {
        assert.equal(v?.kind, 'valid', f.key);
        assert.equal(f.verdict, 'valid', f.key);
        assert.equal(f.contentSha256, listed.get(f.key));
        assert.equal(f.fingerprint, signingKey(0).fingerprint);
      }
    }
    assert.deepEqual(custody.fingerprints, [signingKey(0).fingerprint]);

    // Without the signatures file the newest digest's signature cannot be checked offline: its logs are "unverified offline".
    const offline = await validateSource(new FolderSource(ws.root), {
      publicKeys: await loadPublicKeyFiles([ws.keysFile]),
    });
    const newest = ws.digests[2];
    assert.equal(
      offline.chains[0].events.find(
        (e): e is Extract<typeof e, { type: 'digest' }> =>
          e.type === 'digest' && e.key === newest.key,
      )?.kind,
      'unverifiable',
    );
    const c2 = await custodyOf(index, rows, [offline]);
    for (const f of c2.files)
      if (newest.logKeys.includes(f.key)) assert.equal(f.verdict, 'unverified offline', f.key);
    // Without validation, nothing is verified.
    const c3 = await custodyOf(index, rows, undefined);
    assert.ok(
      c3.files.every((f) => f.verdict === 'unverified offline' && /not run/.test(f.reason)),
    );
  });

  it('custody: a log with a gzip member appended is invalid, though its first member matches the digest (the appended records are read)', async () => {
    const other = new CaseWorkspace(1);
    try {
      const key = other.digests[0].logKeys[0];
      const file = other.bucket.file(key);
      writeFileSync(
        file,
        Buffer.concat([
          readFileSync(file),
          gzipSync('{"Records":[{"eventName":"Planted","eventTime":"2024-05-14T09:30:00Z"}]}'),
        ]),
      );
      const idx = await other.load(pool);
      const rows = (await idx.query({ kind: 'all' })).rows;
      assert.ok(
        Array.from(rows).some((r) => idx.summary(r).eventName === 'Planted'),
        'the appended record is loaded',
      );
      const report = await validateSource(new FolderSource(other.root), {
        publicKeys: await loadPublicKeyFiles([other.keysFile]),
        signatures: await loadSignaturesFile(other.signaturesFile),
      });
      const f = (await custodyOf(idx, rows, [report])).files.find((x) => x.key === key)!;
      assert.equal(f.contentSha256, other.digests[0].json.logFiles[0].hashValue);
      assert.equal(f.verdict, 'invalid');
      assert.match(f.reason, /byte\(s\) after the gzip member digest .* hashes/);
    } finally {
      other.dispose();
    }
  });

  it('custody: a late log a valid backfill digest lists is valid by that digest, as validate vouches for it', async () => {
    const other = new CaseWorkspace(2);
    try {
      const chain = other.bucket.chain();
      const late = chain.unlistedLog('2024-05-14T09:40:00Z');
      const backfill = chain.backfill([late], '2024-05-14T12:00:00Z');
      other.bucket.writeSignatures(other.signaturesFile);
      const idx = await other.load(pool);
      const rows = (await idx.query({ kind: 'all' })).rows;
      const validate = async () =>
        validateSource(new FolderSource(other.root), {
          publicKeys: await loadPublicKeyFiles([other.keysFile]),
          signatures: await loadSignaturesFile(other.signaturesFile),
        });
      const f = (await custodyOf(idx, rows, [await validate()])).files.find((x) => x.key === late)!;
      assert.equal(f.verdict, 'valid', f.reason);
      assert.match(f.reason, new RegExp(`by digest ${backfill.key.replace(/[.]/g, '\\.')}`));
      // Without the backfill digest, nothing vouches for it.
      rmSync(other.bucket.file(backfill.key));
      const g = (await custodyOf(idx, rows, [await validate()])).files.find((x) => x.key === late)!;
      assert.notEqual(g.verdict, 'valid');
    } finally {
      other.dispose();
    }
  });

  it('custody: a changed copy of a listed log under another root is invalid, not valid by its key or name', async () => {
    // The bucket copy and a second copy (a working folder) loaded together: validation read the
    // bucket's object; the other copy has the same key but not the content the digest lists.
    const other = new CaseWorkspace(1);
    try {
      const key = other.digests[0].logKeys[0];
      const text = gunzipSync(readFileSync(other.bucket.file(key)))
        .toString()
        .replace(/"eventName":"[^"]+"/, '"eventName":"Tampered"');
      const copy = join(other.dir, 'copy', key);
      mkdirSync(join(copy, '..'), { recursive: true });
      writeFileSync(copy, gzipSync(text));
      const idx = await other.load(pool, other.dir);
      const rows = Array.from((await idx.query({ kind: 'all' })).rows);
      const tampered = rows.filter((r) => idx.summary(r).eventName === 'Tampered');
      assert.equal(tampered.length, 1);
      const report = await validateSource(new FolderSource(other.root), {
        publicKeys: await loadPublicKeyFiles([other.keysFile]),
        signatures: await loadSignaturesFile(other.signaturesFile),
      });
      const files = (await custodyOf(idx, rows, [report])).files;
      const changed = files.find((f) => f.location === copy)!;
      assert.equal(changed.verdict, 'invalid');
      assert.match(changed.reason, /not the object CloudTrail delivered/);
      const original = files.find((f) => f.location === other.bucket.file(key))!;
      assert.equal(original.verdict, 'valid');
    } finally {
      other.dispose();
    }
  });

  it('custody: an object planted in a log folder (evil.json.gz, a .json) is invalid, as validation found it, not "not covered"', async () => {
    const other = new CaseWorkspace(1);
    try {
      const day = other.digests[0].logKeys[0].slice(
        0,
        other.digests[0].logKeys[0].lastIndexOf('/') + 1,
      );
      const planted = [
        `${day}evil.json.gz`,
        `${day}${other.digests[0].logKeys[0].slice(day.length).replace('.json.gz', '.json')}`,
      ];
      const record = '{"Records":[{"eventName":"Planted","eventTime":"2024-05-14T09:30:00Z"}]}';
      other.bucket.write(planted[0], gzipSync(record));
      other.bucket.write(planted[1], Buffer.from(record));
      const idx = await other.load(pool);
      const rows = (await idx.query({ kind: 'all' })).rows;
      const report = await validateSource(new FolderSource(other.root), {
        publicKeys: await loadPublicKeyFiles([other.keysFile]),
        signatures: await loadSignaturesFile(other.signaturesFile),
      });
      const files = (await custodyOf(idx, rows, [report])).files;
      for (const key of planted) {
        const f = files.find((x) => x.key === key);
        assert.ok(f, `${key} is loaded`);
        assert.equal(f.verdict, 'invalid', key);
        assert.match(f.reason, /is not a log file CloudTrail delivered there/);
      }
    } finally {
      other.dispose();
    }
  });

  it('CLI report (Markdown): the annotated events in time order with who/what/where, notes, custody with hashes and verdicts', async () => {
    const r = await cli([
      'report',
      caseFile,
      ws.root,
      '--public-keys',
      ws.keysFile,
      '--signatures',
      ws.signaturesFile,
    ]);
    assert.equal(r.code, 0, r.err);
    const md = r.out;
    assert.match(md, /^# CloudTrail evidence report/);
    assert.match(
      md,
      /\*\*Covers:\*\* the starred, tagged or noted events of the case: 3 events, 1 starred/,
    );
    assert.ok(md.includes('- **Tags:** `exfil` (2), `"><img-src=x>` (1)'), md);
    const times = [...md.matchAll(/^### \d+\. (?:★ )?(\S+) — /gm)].map((m) => m[1]);
    assert.equal(times.length, 3);
    assert.deepEqual(times, [...times].sort());
    assert.match(md, /- \*\*Who:\*\* IAM user alice/);
    assert.match(
      md,
      /- \*\*Where:\*\* from 198\\\.51\\\.100\\\.7, using aws\\-cli\/2\\\.15\\\.0, in us\\-east\\-1, account 111122223333/,
    );
    // The hostile note is escaped: no raw tag or link survives, the bidi override is shown as a marker.
    // (Code spans show their text literally, so only the rest is checked.)
    const prose = md.replace(/(`+)(?:(?!\1)[^\n])*?\1/g, '');
    assert.doesNotMatch(prose, /(?:^|[^\\])[<[]/m, 'every < and [ outside code spans is escaped');
    assert.ok(md.includes('⟨U\\+202E⟩'));
    for (const key of [tampered, forged, validKey]) {
      const sha = createHash('sha256')
        .update(readFileSync(ws.bucket.file(key)))
        .digest('hex');
      const line = md.split('\n').find((l) => l.includes(sha));
      assert.ok(line, key);
      assert.match(line!, key === validKey ? /\*\*valid\*\*/ : /\*\*INVALID\*\*/);
    }
    assert.match(md, new RegExp(`Public key fingerprints used: \`${signingKey(0).fingerprint}\``));
  });

  it('CLI report (HTML) is self-contained and escapes every value', async () => {
    const out = join(ws.dir, 'report.html');
    const r = await cli([
      'report',
      caseFile,
      ws.root,
      '--format',
      'html',
      '--output',
      out,
      '--public-keys',
      ws.keysFile,
      '--title',
      'Case <b>42</b>',
    ]);
    assert.equal(r.code, 0, r.err);
    const html = readFileSync(out, 'utf8');
    assert.match(html, /^<!DOCTYPE html>/);
    assert.match(
      html,
      /<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">/,
    );
    assert.ok(html.includes('<title>Case &#60;b&#62;42&#60;/b&#62;</title>'));
    onlyOurMarkup(html);
    assert.ok(html.includes('&#60;script&#62;alert(1)&#60;/script&#62;'));
    assert.ok(html.includes('&#34;&#62;&#60;img-src=x&#62;'));
    // Tags and verdicts show.
    assert.match(html, /<span class="tag">exfil<\/span>/);
    assert.match(html, /class="v-invalid">INVALID</);
  });

  it('the HTML and Markdown writers escape hostile record values too', async () => {
    const rows = (await index.query({ kind: 'all' })).rows.slice(0, 2);
    const resolved = resolveAnnotations(index, emptyCase());
    const custody = await custodyOf(index, rows, undefined);
    const model = await buildReport({
      index,
      resolved,
      rows,
      custody,
      caseFile: 'c.json',
      scope: [HOSTILE],
      selection: 'x',
      generatedBy: HOSTILE,
    });
    model.events[0].who = HOSTILE;
    model.events[0].what = HOSTILE;
    model.events[0].where = HOSTILE;
    model.events[0].origin = {
      summary: HOSTILE,
      hops: [{ eventID: HOSTILE, eventName: HOSTILE, arn: `${HOSTILE}\n\`\`x` }],
    };
    // A case file's annotation of an event not loaded: every field is the file's (a hand edit).
    model.notLoaded = [
      {
        eventTime: `${HOSTILE}\n# forged heading`,
        eventID: HOSTILE,
        key: HOSTILE,
        starred: true,
        tags: [HOSTILE],
        note: HOSTILE,
        by: HOSTILE,
        at: HOSTILE,
      },
    ];
    const html = reportHtml(model);
    onlyOurMarkup(html);
    const md = reportMarkdown(model);
    const prose = md.replace(/(`+)(?:(?!\1)[^\n])*?\1/g, '');
    assert.doesNotMatch(prose, /(?:^|[^\\])[<[]/m);
    assert.doesNotMatch(md, /^# forged/m);
  });

  it("Markdown custody table: a '|' in a file name or a reason stays in its cell", async () => {
    const rows = (await index.query({ kind: 'all' })).rows.slice(0, 1);
    const custody = await custodyOf(index, rows, undefined);
    const model = await buildReport({
      index,
      resolved: resolveAnnotations(index, emptyCase()),
      rows,
      custody,
      caseFile: 'c.json',
      scope: ['s'],
      selection: 'x',
      generatedBy: 'y',
    });
    model.custody.files[0].location = 'logs/a|b.json';
    model.custody.files[0].reason = 'listed by digest x|y.json.gz | forged';
    const row = reportMarkdown(model)
      .split('\n')
      .find((l) => l.startsWith('| 1 |'))!;
    // Cells as GFM (cmark-gfm, GitHub) splits a row: a backslash escapes the punctuation after
    // it (a backslash too), and every other '|' ends a cell.
    const cells = [''];
    for (let i = 0; i < row.length; i++) {
      if (row[i] === '\\' && /[!-/:-@[-`{-~]/.test(row[i + 1] ?? '')) {
        cells[cells.length - 1] += row[i] + row[++i];
      } else if (row[i] === '|') cells.push('');
      else cells[cells.length - 1] += row[i];
    }
    assert.equal(cells.length, 8, row);
    assert.equal(cells[2].trim(), '`logs/a\\|b.json`');
    assert.match(cells[6], /x\\\|y\\\.json\\\.gz \\\| forged/);
  });

  it('Timesketch JSONL: message, datetime, timestamp_desc, flattened fields, tags', async () => {
    const r = await cli([
      'report',
      caseFile,
      ws.root,
      '--format',
      'timesketch',
      '--filter',
      'tag:exfil OR starred:true',
    ]);
    assert.equal(r.code, 0, r.err);
    const lines = r.out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.equal(lines.length, 3);
    for (const l of lines) {
      assert.equal(typeof l.message, 'string');
      assert.match(String(l.datetime), /^2024-05-14T\d\d:\d\d:\d\d\.000Z$/);
      assert.equal(l.timestamp, Date.parse(String(l.datetime)) * 1000);
      assert.equal(l.timestamp_desc, 'CloudTrail eventTime');
      assert.equal(l['userIdentity.userName'], 'alice');
      assert.equal(l.eventSource, 's3.amazonaws.com');
      assert.ok(Array.isArray(l.tag));
    }
    assert.deepEqual(
      lines
        .map((l) => (l.tag as string[]).join(','))
        .filter(Boolean)
        .sort(),
      ['"><img-src=x>,exfil', 'exfil'],
    );
    assert.match(String(lines.find((l) => l.case_starred)?.message), /IAM user alice/);
  });

  it('timesketchJsonl flattens arrays by index and keeps a "__proto__" key as a field', async () => {
    const rows = (await index.query({ kind: 'all' })).rows.slice(0, 1);
    let text = '';
    for await (const t of timesketchJsonl(index, resolveAnnotations(index, emptyCase()), rows))
      text += t;
    const line = JSON.parse(text) as Record<string, unknown>;
    assert.equal(line['userIdentity.type'], 'IAMUser');
    assert.deepEqual(line.tag, []);
  });

  /** The Timesketch line `report` writes for one delivered file holding `text`. */
  async function timesketchLine(text: string): Promise<Record<string, unknown>> {
    const dir = mkdtempSync(join(tmpdir(), 'ctl-timesketch-'));
    try {
      const file = join(dir, 'forged.json');
      writeFileSync(file, text);
      const r = await cli([
        'report',
        caseFile,
        file,
        '--format',
        'timesketch',
        '--filter',
        '*',
        '--no-cache',
      ]);
      assert.equal(r.code, 0, r.err);
      return JSON.parse(r.out) as Record<string, unknown>;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  it('Timesketch: an event without a readable eventTime says so where it is placed (at the epoch), never passes as one from 1970', async () => {
    const line = await timesketchLine(
      '{"Records":[{"eventVersion":"1.08","userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::1:user/alice","userName":"alice"},' +
        '"eventTime":"yesterday","eventSource":"ec2.amazonaws.com","eventName":"RunInstances",' +
        '"eventID":"11111111-1111-4111-8111-111111111111"}]}',
    );
    assert.equal(line.datetime, '1970-01-01T00:00:00.000Z');
    assert.equal(line.timestamp, 0);
    assert.match(String(line.timestamp_desc), /no readable eventTime/);
    assert.match(String(line.message), /^\(no readable eventTime\) /);
    assert.equal(line.eventTime, 'yesterday', "the record's own text is there");
  });

  it("Timesketch: a record field named as one of the tool's (message, origin, tag), or beneath one, keeps its value as record_<name>", async () => {
    const line = await timesketchLine(
      '{"Records":[{"eventVersion":"1.08","userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::1:user/alice","userName":"alice"},' +
        '"eventTime":"2024-05-14T00:00:00Z","eventSource":"ec2.amazonaws.com","eventName":"RunInstances",' +
        '"message":"benign maintenance","origin":"arn:aws:iam::1:user/ceo","tag":["reviewed"],"record_message":"taken","message.x":"dotted",' +
        '"eventID":"11111111-1111-4111-8111-111111111111"}]}',
    );
    // The tool's own fields say what the tool worked out…
    assert.match(String(line.message), /alice/);
    assert.notEqual(line.message, 'benign maintenance');
    assert.equal(line.origin, 'arn:aws:iam::1:user/alice');
    assert.deepEqual(line.tag, []);
    // …and the record's are all there.
    assert.equal(line.record_message_2, 'benign maintenance');
    assert.equal(line.record_message, 'taken');
    assert.equal(line.record_origin, 'arn:aws:iam::1:user/ceo');
    // beneath a tool's field: Timesketch would read tag.0 as part of the tool's tag
    assert.equal(line['record_tag.0'], 'reviewed');
    assert.equal(line['tag.0'], undefined);
    // a record key written with a dot is not beneath one
    assert.equal(line['message\\.x'], 'dotted');
  });

  it('Timesketch: values as stored, and a key written with a dot never stands for a nested one', async () => {
    // "userIdentity.arn" at the top, after the real userIdentity; numbers a parse changes.
    const line = await timesketchLine(
      '{"Records":[{"eventVersion":"1.08","userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::1:user/alice","userName":"alice"},' +
        '"userIdentity.arn":"arn:aws:iam::1:user/ceo","eventTime":"2024-05-14T00:00:00Z","eventSource":"ec2.amazonaws.com",' +
        '"eventName":"RunInstances","requestParameters":{"maxCount":123456789012345678901,"minCount":1e400,"x":-0,"y":2.5,"z":7},' +
        '"eventID":"11111111-1111-4111-8111-111111111111"}]}',
    );
    assert.equal(line['userIdentity.arn'], 'arn:aws:iam::1:user/alice');
    assert.equal(line['userIdentity\\.arn'], 'arn:aws:iam::1:user/ceo');
    assert.equal(line['requestParameters.maxCount'], '123456789012345678901');
    assert.equal(line['requestParameters.minCount'], '1e400');
    assert.equal(line['requestParameters.x'], '-0');
    assert.equal(line['requestParameters.y'], 2.5);
    assert.equal(line['requestParameters.z'], 7);
  });

  it('Timesketch: a top-level key "" neither stands for the record itself nor is dropped', async () => {
    // A forged record whose "" object repeats eventName, sourceIPAddress and userIdentity.arn:
    // flattened under no prefix, its members overwrote the record's own.
    const line = await timesketchLine(
      '{"Records":[{"eventVersion":"1.08","userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::1:user/mallory"},' +
        '"eventTime":"2024-05-14T00:00:00Z","eventSource":"cloudtrail.amazonaws.com","eventName":"DeleteTrail",' +
        '"sourceIPAddress":"203.0.113.9","eventID":"11111111-1111-4111-8111-111111111111",' +
        '"":{"eventName":"DescribeTrails","sourceIPAddress":"10.0.0.1","userIdentity":{"arn":"arn:aws:iam::1:user/alice"},"":"leaf"}}]}',
    );
    assert.equal(line.eventName, 'DeleteTrail');
    assert.equal(line.sourceIPAddress, '203.0.113.9');
    assert.equal(line['userIdentity.arn'], 'arn:aws:iam::1:user/mallory');
    assert.equal(line['.eventName'], 'DescribeTrails');
    assert.equal(line['.userIdentity.arn'], 'arn:aws:iam::1:user/alice');
    assert.equal(line['.'], 'leaf');
    const leaf = await timesketchLine(
      '{"Records":[{"eventVersion":"1.08","eventTime":"2024-05-14T00:00:00Z","eventSource":"s3.amazonaws.com",' +
        '"eventName":"GetObject","eventID":"11111111-1111-4111-8111-111111111111","":"kept"}]}',
    );
    assert.equal(leaf[''], 'kept');
  });

  it('detections hit by the covered events: built-in pack plus --rules, in the summary and on each event (md, html)', async () => {
    // A rule on the tampered log's edited event (ListRoles, starred) and one on PutObject; the
    // built-in pack fires on none of the synthetic events.
    const rules = join(ws.dir, 'rules');
    mkdirSync(rules, { recursive: true });
    const rule = (id: string, title: string, level: string, eventName: string) =>
      `title: ${title}\nid: ${id}\nlevel: ${level}\nlogsource:\n  product: aws\n  service: cloudtrail\ndetection:\n  sel:\n    eventName: ${eventName}\n  condition: sel\n`;
    writeFileSync(
      join(rules, 'case.yml'),
      `${rule('11111111-1111-4111-8111-111111111111', 'Roles listed <b>', 'high', 'ListRoles')}---\n${rule('22222222-2222-4222-8222-222222222222', 'Object written', 'low', 'PutObject')}`,
    );
    const all = (await index.query({ kind: 'all' })).rows;
    const covered = [
      ...(
        await cli([
          'query',
          ws.root,
          '--case',
          caseFile,
          '--filter',
          'tag:* OR starred:true OR note:*',
          '--format',
          'csv',
          '--fields',
          'eventID,eventName',
          '--no-cache',
        ])
      ).out
        .trim()
        .split(/\r?\n/)
        .slice(1),
    ].map((l) => l.split(','));
    assert.equal(covered.length, 3);
    const putObjects = covered.filter(([, name]) => name === 'PutObject').length;
    const putObjectsAll = all.filter((r) => index.summary(r).eventName === 'PutObject').length;
    assert.ok(
      putObjectsAll > putObjects,
      'the rule on PutObject fires on events the report does not cover',
    );

    const r = await cli(['report', caseFile, ws.root, '--rules', rules, '--no-cache']);
    assert.equal(r.code, 0, r.err);
    const hits = 1 + (putObjects ? 1 : 0);
    const events = 1 + putObjects;
    assert.ok(
      r.out.includes(
        `- **Detections:** ${hits} rule${hits === 1 ? '' : 's'} hit on ${events} event${events === 1 ? '' : 's'} (${builtinRules().length + 2} run)`,
      ),
      r.out,
    );
    assert.ok(r.out.includes('  - high: Roles listed \\<b\\> (1 event)'), r.out);
    if (putObjects)
      assert.ok(
        r.out.includes(
          `  - low: Object written (${putObjects} event${putObjects === 1 ? '' : 's'})`,
        ),
        r.out,
      );
    else assert.ok(!r.out.includes('Object written'));
    // On the event itself: the starred ListRoles.
    const listRoles = r.out.split('\n### ').find((e) => / — ListRoles\n/.test(e));
    assert.ok(listRoles?.includes('- **Detections:** high: Roles listed \\<b\\>'), listRoles);

    const html = await cli([
      'report',
      caseFile,
      ws.root,
      '--rules',
      rules,
      '--format',
      'html',
      '--no-cache',
    ]);
    assert.equal(html.code, 0, html.err);
    onlyOurMarkup(html.out);
    assert.match(
      html.out,
      /<dt>Detections<\/dt><dd>\d rules? hit on \d events? \(\d+ run\)<ul class="detections"><li><span class="lvl-high">high<\/span> Roles listed &#60;b&#62; \(1 event\)<\/li>/,
    );
    assert.match(
      html.out,
      /<dt>Detections<\/dt><dd><span class="lvl-high">high<\/span> Roles listed &#60;b&#62;<\/dd>/,
    );

    // Only the built-in pack: it ran, and nothing fired; with no rule at all, detections did not run.
    const builtin = await cli(['report', caseFile, ws.root, '--no-cache']);
    assert.ok(
      builtin.out.includes(`- **Detections:** no hit (${builtinRules().length} rules run)`),
      builtin.out,
    );
    const none = await cli(['report', caseFile, ws.root, '--no-builtin', '--no-cache']);
    assert.ok(none.out.includes('- **Detections:** not run'), none.out);
    const badFolder = await cli([
      'report',
      caseFile,
      ws.root,
      '--rules',
      join(ws.dir, 'no-rules-here'),
    ]);
    assert.equal(badFolder.code, 2);
    assert.match(badFolder.err, /--rules .*no-rules-here: no such folder/);
  });

  it('CLI query --case: starred:, tag:, note: read the case file; without it they are refused, naming --case', async () => {
    const refused = await cli([
      'query',
      ws.root,
      '--filter',
      'eventName:PutObject OR tag:exfil',
      '--no-cache',
    ]);
    assert.equal(refused.code, 2);
    assert.match(refused.err, /tag:exfil: tag: is read from a case file .*--case FILE/);
    assert.equal(refused.out, '');
    const tagged = await cli([
      'query',
      ws.root,
      '--case',
      caseFile,
      '--filter',
      'tag:exfil',
      '--format',
      'csv',
      '--fields',
      'eventID',
      '--no-cache',
    ]);
    assert.equal(tagged.code, 0, tagged.err);
    const c = JSON.parse(readFileSync(caseFile, 'utf8')) as {
      annotations: Array<{
        eventID: string;
        tags: string[];
        starred: boolean;
        note: string;
      } | null>;
    };
    const entries = c.annotations.filter((a): a is NonNullable<typeof a> => a !== null);
    assert.deepEqual(
      tagged.out.trim().split(/\r?\n/).slice(1).sort(),
      entries
        .filter((a) => a.tags.includes('exfil'))
        .map((a) => a.eventID)
        .sort(),
    );
    const starred = await cli([
      'query',
      ws.root,
      '--case',
      caseFile,
      '--filter',
      'starred:true',
      '--count',
      '--no-cache',
    ]);
    assert.equal(starred.out.trim(), String(entries.filter((a) => a.starred).length));
    const noted = await cli([
      'query',
      ws.root,
      '--case',
      caseFile,
      '--filter',
      'note:*script*',
      '--count',
      '--no-cache',
    ]);
    assert.equal(noted.out.trim(), '1');
    // A filter without annotation terms needs no case file; --case with --engine is refused.
    assert.equal(
      (await cli(['query', ws.root, '--filter', 'eventName:PutObject', '--count', '--no-cache']))
        .code,
      0,
    );
    const remote = await cli([
      'query',
      '--engine',
      'athena',
      '--case',
      caseFile,
      '--filter',
      'tag:exfil',
      '--table',
      't',
    ]);
    assert.equal(remote.code, 2);
    assert.match(remote.err, /--case applies to local paths/);
  });

  it('CLI: a bad case file is named and nothing is written', async () => {
    const bad = join(ws.dir, 'package.json');
    writeFileSync(bad, '{"name": "x"}');
    const r = await cli(['report', bad, ws.root]);
    assert.equal(r.code, 2);
    assert.match(r.err, /package\.json: not a CloudTrail Lens case file/);
    assert.equal(readFileSync(bad, 'utf8'), '{"name": "x"}');
    const missing = await cli(['report', join(ws.dir, 'nope.json'), ws.root]);
    assert.equal(missing.code, 2);
    assert.match(missing.err, /nope\.json: no such case file/);
  });
});

describe('evidence report: who is behind each session', function () {
  this.timeout(120_000);
  const ACCOUNT = '111122223333';
  // No '/': the name is also the last segment of the user's ARN, which names who acted.
  const HOSTILE_USER = '<img src=x onerror=alert(1)>\u202e[l](javascript:alert(2))';
  let dir: string;
  let caseFile: string;
  const call = (
    eventID: string,
    eventTime: string,
    eventName: string,
    userIdentity: Record<string, unknown>,
    extra: Record<string, unknown> = {},
  ) => ({
    eventVersion: '1.08',
    userIdentity: { accountId: ACCOUNT, ...userIdentity },
    eventTime,
    eventSource: eventName === 'AssumeRole' ? 'sts.amazonaws.com' : 'iam.amazonaws.com',
    eventName,
    awsRegion: 'us-east-1',
    sourceIPAddress: '203.0.113.9',
    userAgent: 'aws-cli/2.15.0',
    eventID,
    readOnly: true,
    eventType: 'AwsApiCall',
    recipientAccountId: ACCOUNT,
    ...extra,
  });
  const user = (name: string, key: string) => ({
    type: 'IAMUser',
    principalId: `AIDA${key}`,
    arn: `arn:aws:iam::${ACCOUNT}:user/${name}`,
    accessKeyId: key,
    userName: name,
  });
  const session = (role: string, name: string, key: string) => ({
    type: 'AssumedRole',
    principalId: `AROAEXAMPLE:${name}`,
    arn: `arn:aws:sts::${ACCOUNT}:assumed-role/${role}/${name}`,
    accessKeyId: key,
    sessionContext: {
      sessionIssuer: {
        type: 'Role',
        principalId: 'AROAEXAMPLE',
        arn: `arn:aws:iam::${ACCOUNT}:role/${role}`,
        accountId: ACCOUNT,
        userName: role,
      },
      attributes: { creationDate: '2024-05-14T10:00:00Z', mfaAuthenticated: 'false' },
    },
  });
  const assumeRole = (
    eventID: string,
    eventTime: string,
    caller: Record<string, unknown>,
    role: string,
    name: string,
    key: string,
  ) =>
    call(eventID, eventTime, 'AssumeRole', caller, {
      requestParameters: { roleArn: `arn:aws:iam::${ACCOUNT}:role/${role}`, roleSessionName: name },
      responseElements: {
        credentials: {
          accessKeyId: key,
          sessionToken: 'token',
          expiration: 'May 14, 2024, 11:00:00 AM',
        },
        assumedRoleUser: {
          assumedRoleId: `AROAEXAMPLE:${name}`,
          arn: `arn:aws:sts::${ACCOUNT}:assumed-role/${role}/${name}`,
        },
      },
    });

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'ctl-report-origin-'));
    const records = [
      // The IAM user mallory assumes Deployer, then uses the session.
      assumeRole(
        'e0000000-0000-4000-8000-000000000001',
        '2024-05-14T10:00:00Z',
        user('mallory', 'AKIAEXAMPLEMALLORY01'),
        'Deployer',
        'mallory-session',
        'ASIAEXAMPLESESSION01',
      ),
      call(
        'e0000000-0000-4000-8000-000000000002',
        '2024-05-14T10:01:00Z',
        'ListUsers',
        session('Deployer', 'mallory-session', 'ASIAEXAMPLESESSION01'),
      ),
      // A session whose key was issued by an event not loaded: the chain stops there.
      call(
        'e0000000-0000-4000-8000-000000000003',
        '2024-05-14T10:02:00Z',
        'ListRoles',
        session('Other', 'ghost', 'ASIAEXAMPLENOTLOADED'),
      ),
      // A user name made to pass for markup in the origin's words.
      assumeRole(
        'e0000000-0000-4000-8000-000000000004',
        '2024-05-14T10:03:00Z',
        user(HOSTILE_USER, 'AKIAEXAMPLEHOSTILE01'),
        'Deployer',
        'h',
        'ASIAEXAMPLEHOSTILE01',
      ),
      call(
        'e0000000-0000-4000-8000-000000000005',
        '2024-05-14T10:04:00Z',
        'ListPolicies',
        session('Deployer', 'h', 'ASIAEXAMPLEHOSTILE01'),
      ),
      // The IAM user carol signs in to the console, then acts with the console session.
      call(
        'e0000000-0000-4000-8000-000000000006',
        '2024-05-14T10:05:00Z',
        'ConsoleLogin',
        {
          type: 'IAMUser',
          principalId: 'AIDACAROL',
          arn: `arn:aws:iam::${ACCOUNT}:user/carol`,
          userName: 'carol',
        },
        {
          eventSource: 'signin.amazonaws.com',
          sourceIPAddress: '198.51.100.7',
          responseElements: { ConsoleLogin: 'Success' },
        },
      ),
      call(
        'e0000000-0000-4000-8000-000000000007',
        '2024-05-14T10:06:00Z',
        'GetAccountSummary',
        {
          ...user('carol', 'ASIAEXAMPLECONSOLE01'),
          principalId: 'AIDACAROL',
          sessionContext: {
            attributes: { creationDate: '2024-05-14T10:05:00Z', mfaAuthenticated: 'true' },
          },
        },
        { sessionCredentialFromConsole: 'true' },
      ),
    ];
    writeFileSync(
      join(dir, `${ACCOUNT}_CloudTrail_us-east-1_20240514T1005Z_origin.json`),
      JSON.stringify({ Records: records }),
    );
    caseFile = join(dir, 'case.json');
    writeFileSync(caseFile, serializeCase(emptyCase()));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const report = async (format: string) => {
    const r = await cli([
      'report',
      caseFile,
      join(dir, `${ACCOUNT}_CloudTrail_us-east-1_20240514T1005Z_origin.json`),
      '--filter',
      'eventTime>=2024-05-14T10:00:00Z',
      '--format',
      format,
      '--no-builtin',
      '--no-cache',
    ]);
    assert.equal(r.code, 0, r.err);
    return r.out;
  };
  /** The Markdown section of the event named `eventName`. */
  const section = (md: string, eventName: string) => {
    const s = md.split('\n### ').find((e) => e.split('\n')[0].endsWith(` — ${eventName}`));
    assert.ok(s, eventName);
    return s!;
  };

  it('Markdown: a role session names the IAM user behind it, with the hop; a chain that stops says so; the caller itself adds nothing', async () => {
    const md = await report('md');
    const listUsers = section(md, 'ListUsers');
    assert.ok(
      listUsers.includes('- **Who:** Assumed role Deployer \\(session mallory\\-session\\)'),
      listUsers,
    );
    assert.ok(listUsers.includes('\n- **Origin:** for mallory \\(via 1 role hop\\)\n'), listUsers);
    assert.ok(
      listUsers.includes(
        `\n  1. AssumeRole \`e0000000-0000-4000-8000-000000000001\` → \`arn:aws:sts::${ACCOUNT}:assumed-role/Deployer/mallory-session\`\n`,
      ),
      listUsers,
    );
    assert.ok(
      section(md, 'ListRoles').includes(
        '\n- **Origin:** chain stops at Other/ghost: key ASIAEXAMPLENOTLOADED issued outside the loaded events\n',
      ),
      md,
    );
    // mallory's own call: the Who line names mallory already.
    const own = section(md, 'AssumeRole');
    assert.match(own, /- \*\*Who:\*\* IAM user mallory/);
    assert.ok(!own.includes('**Origin:**'), own);
    // The hostile user name is escaped in the origin as in every other value.
    const hostile = section(md, 'ListPolicies');
    assert.match(hostile, /- \*\*Origin:\*\* for \\<img /);
    assert.ok(hostile.includes('⟨U\\+202E⟩'), hostile);
    const prose = md.replace(/(`+)(?:(?!\1)[^\n])*?\1/g, '');
    assert.doesNotMatch(prose, /(?:^|[^\\])[<[]/m, 'every < and [ outside code spans is escaped');
  });

  it('a console session names the ConsoleLogin that started it, in every format', async () => {
    const md = section(await report('md'), 'GetAccountSummary');
    assert.ok(
      md.includes(
        '\n- **Signed in:** ConsoleLogin at 2024\\-05\\-14T10:05:00Z from 198\\.51\\.100\\.7, `e0000000-0000-4000-8000-000000000006`\n',
      ),
      md,
    );
    assert.ok(!section(await report('md'), 'ListUsers').includes('Signed in'));
    const html = await report('html');
    assert.ok(
      html.includes(
        '<dt>Signed in</dt><dd>ConsoleLogin at 2024-05-14T10:05:00Z from 198.51.100.7, <code>e0000000-0000-4000-8000-000000000006</code></dd>',
      ),
    );
    const lines = (await report('timesketch'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const by = (name: string) => lines.find((l) => l.eventName === name)!;
    assert.equal(
      by('GetAccountSummary').console_login_event_id,
      'e0000000-0000-4000-8000-000000000006',
    );
    assert.equal(by('ListUsers').console_login_event_id, undefined);
  });

  it('HTML: the origin and its hops, escaped', async () => {
    const html = await report('html');
    onlyOurMarkup(html);
    assert.ok(
      html.includes(
        `<dt>Origin</dt><dd>for mallory (via 1 role hop)<ol class="hops"><li>AssumeRole <code>e0000000-0000-4000-8000-000000000001</code> → <code>arn:aws:sts::${ACCOUNT}:assumed-role/Deployer/mallory-session</code></li></ol></dd>`,
      ),
      html,
    );
    assert.ok(
      html.includes(
        '<dt>Origin</dt><dd>chain stops at Other/ghost: key ASIAEXAMPLENOTLOADED issued outside the loaded events</dd>',
      ),
      html,
    );
    assert.equal(
      html.split('<dt>Origin</dt>').length - 1,
      3,
      'the two direct IAM user calls have none',
    );
    assert.ok(
      html.includes(
        '<dt>Origin</dt><dd>for &#60;img src=x onerror=alert(1)&#62;⟨U+202E⟩[l](javascript:alert(2)) (via 1 role hop)',
      ),
      html,
    );
  });

  it('Timesketch: the origin as query --fields gives it, and its words in the message when they add to who', async () => {
    const lines = (await report('timesketch'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const by = (name: string) => lines.find((l) => l.eventName === name)!;
    const listUsers = by('ListUsers');
    assert.match(
      String(listUsers.message),
      /^Assumed role Deployer \(session mallory-session\).* · for mallory \(via 1 role hop\): /,
    );
    assert.equal(listUsers.origin, `arn:aws:iam::${ACCOUNT}:user/mallory`);
    assert.equal(listUsers.origin_type, 'IAMUser');
    assert.equal(listUsers.origin_hops, 1);
    assert.equal(listUsers.origin_complete, true);
    const stops = by('ListRoles');
    assert.match(
      String(stops.message),
      / · chain stops at Other\/ghost: key ASIAEXAMPLENOTLOADED issued outside the loaded events: /,
    );
    assert.equal(stops.origin_complete, false);
    const own = lines.find(
      (l) => l.eventName === 'AssumeRole' && l['userIdentity.userName'] === 'mallory',
    )!;
    assert.doesNotMatch(String(own.message), / · for /);
    assert.equal(own.origin, `arn:aws:iam::${ACCOUNT}:user/mallory`);
    assert.equal(own.origin_hops, 0);
  });
});

describeWithDatasets(
  'evidence report: pwnedlabs breach, who is behind the AdminRole session',
  function () {
    this.timeout(120_000);
    let dir: string;
    before(() => {
      dir = mkdtempSync(join(tmpdir(), 'ctl-report-pwned-'));
      writeFileSync(join(dir, 'case.json'), serializeCase(emptyCase()));
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    it('each event of the session names temp-user as its origin, in Markdown and HTML', async () => {
      const args = [
        'report',
        join(dir, 'case.json'),
        dataset('pwnedlabs-breach-in-the-cloud'),
        '--filter',
        'userIdentity.arn:"arn:aws:sts::107513503799:assumed-role/AdminRole/MySession"',
        '--no-builtin',
        '--no-cache',
      ];
      const md = await cli(args);
      assert.equal(md.code, 0, md.err);
      const events = md.out.split('\n### ').slice(1);
      assert.ok(events.length > 0);
      for (const e of events) {
        assert.match(e, /- \*\*Who:\*\* Assumed role AdminRole \\\(session MySession\\\)/);
        assert.ok(e.includes('\n- **Origin:** for temp\\-user \\(via 1 role hop\\)\n'), e);
        assert.match(
          e,
          /\n {2}1\. AssumeRole `[0-9a-f-]+` → `arn:aws:sts::107513503799:assumed-role\/AdminRole\/MySession`\n/,
        );
      }
      const html = await cli([...args, '--format', 'html']);
      assert.equal(html.code, 0, html.err);
      assert.equal(
        html.out.split('<dt>Origin</dt><dd>for temp-user (via 1 role hop)<ol class="hops">')
          .length - 1,
        events.length,
      );
    });
  },
);
