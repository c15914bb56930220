import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseQuery } from '../../../src/core/query/parse';
import { chooseBins } from '../../../src/extension/timeline/bins';
import { completionsAt } from '../../../src/extension/timeline/completion';
import { detailFor, pivotsFor } from '../../../src/extension/timeline/detailModel';
import { contentSecurityPolicy, timelineHtml } from '../../../src/extension/timeline/html';
import type { CloudTrailRecord } from '../../../src/core/records/types';

const HOSTILE = join(
  __dirname,
  '../../fixtures/hostile/AWSLogs/111122223333/CloudTrail/us-east-1/2024/05/14/111122223333_CloudTrail_us-east-1_20240514T1010Z_hostile0001.json',
);
const hostile = (): CloudTrailRecord[] => JSON.parse(readFileSync(HOSTILE, 'utf8')).Records;

describe('timeline host: histogram bins', () => {
  it('picks round widths aligned to them, within the wanted count', () => {
    const from = Date.UTC(2024, 4, 14, 10, 7, 13);
    const b = chooseBins({ from, to: from + 6 * 3600_000 }, 200);
    assert.equal(b.binMs, 2 * 60_000);
    assert.equal(b.from % b.binMs, 0);
    assert.ok(b.from <= from && b.from + b.binMs * b.bins >= from + 6 * 3600_000);
    assert.ok(b.bins <= 200);
  });

  it('handles a single instant and a very long span', () => {
    const t = Date.UTC(2024, 0, 1);
    const one = chooseBins({ from: t, to: t }, 100);
    assert.equal(one.bins, 1);
    const long = chooseBins({ from: 0, to: Date.UTC(2100, 0, 1) }, 50);
    assert.ok(long.bins <= 50 && long.from + long.binMs * long.bins >= Date.UTC(2100, 0, 1));
  });
});

describe('timeline host: filter completion', () => {
  const values = (paths: string[], prefix: string) =>
    paths[0] === 'eventName'
      ? [
          { value: 'GetObject', count: 12 },
          { value: 'Get Weird "One"', count: 2 },
        ].filter((v) => v.value.toLowerCase().startsWith(prefix.toLowerCase()))
      : [];

  it('completes field names where a field is typed', () => {
    const items = completionsAt('eventSo', 7, values);
    assert.ok(items.some((i) => i.insert === 'eventSource:' && i.from === 0 && i.to === 7));
    const after = completionsAt('ip:1.2.3.4 eve', 14, values);
    assert.ok(after.length > 0 && after.every((i) => i.from === 11));
  });

  it('completes values after field:, written so they parse back to the same value', () => {
    const items = completionsAt('event:Get', 9, values);
    assert.deepEqual(
      items.map((i) => i.label),
      ['GetObject', 'Get Weird "One"'],
    );
    for (const it of items) {
      const text = 'event:Get'.slice(0, it.from) + it.insert;
      const node = parseQuery(text);
      assert.equal(node.kind, 'term');
      assert.deepEqual(node.kind === 'term' && node.match, { op: 'eq', value: it.label });
    }
  });

  it('keeps the minus of an exclusion', () => {
    const [it] = completionsAt('-event:GetO', 11, values);
    assert.equal('-event:GetO'.slice(0, it.from) + it.insert, '-event:GetObject ');
  });
});

describe('timeline host: detail pane model', () => {
  it('explains the record in plain words and pretty-prints it whole', () => {
    const rec = hostile()[0];
    const d = detailFor(9, JSON.stringify(rec), 123);
    assert.equal(d.id, 9);
    assert.deepEqual(JSON.parse(d.json), rec);
    assert.ok(d.json.includes('\n  "eventVersion"'));
    const labels = d.explanations.map((e) => e.label);
    assert.ok(labels.includes('Who') && labels.includes('What') && labels.includes('Error'));
  });

  it('offers pivots whose filters parse and match the record value exactly', () => {
    const rec = hostile()[0];
    const pivots = pivotsFor(rec);
    assert.deepEqual(
      pivots.map((p) => p.kind),
      ['principal', 'accessKey', 'sourceIp', 'session', 'resource'],
    );
    const role = parseQuery(pivots[0].filter);
    assert.deepEqual(role.kind === 'term' && role.match, {
      op: 'eq',
      value: 'arn:aws:iam::111122223333:role/Hostile<script>',
    });
  });

  it('says which keys a record names twice, and shows every one as stored', () => {
    // JSON.parse (the index, the explanations) keeps the last of each; Athena and SIEMs may keep the first.
    const raw =
      '{"eventName":"ConsoleLogin","userIdentity":{"arn":"arn:aws:iam::1:user/alice","type":"IAMUser","arn":"arn:aws:iam::1:user/mallory"},' +
      '"resources":[{"ARN":"a"},{"ARN":"b","ARN":"c"}],"eventTime":"2024-05-14T00:00:00Z","eventNam\\u0065":"DeleteTrail"}';
    const d = detailFor(1, raw, 0);
    const note = d.warnings?.find((e) => e.label === 'Duplicated keys');
    assert.ok(note, JSON.stringify(d.warnings));
    assert.match(note.text, /userIdentity\.arn, resources\[1\]\.ARN, eventName/);
    assert.match(note.text, /the last/);
    assert.ok(d.json.includes('ConsoleLogin') && d.json.includes('alice'));
    assert.equal(
      (detailFor(1, JSON.stringify(hostile()[0]), 0).warnings ?? []).some(
        (e) => e.label === 'Duplicated keys',
      ),
      false,
    );
  });

  it('never fails on a record that is not an object or not JSON', () => {
    assert.equal(detailFor(1, '[1,2]', -1).pivots.length, 0);
    assert.equal(detailFor(1, '{oops', -1).json, '{oops');
  });
});

describe('timeline host: page and CSP', () => {
  it('allows only the nonce script and stylesheet, and fetches nothing', () => {
    const csp = contentSecurityPolicy('N0NCE');
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /script-src 'nonce-N0NCE'(;|$)/);
    assert.match(csp, /style-src 'nonce-N0NCE'(;|$)/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|img-src|font-src|connect-src/);
  });

  const assets = {
    script: 'console.log(1 < 2);\n//# sourceMappingURL=timeline.js.map\n',
    style: 'body { color: red; }',
  };

  it('writes the script and stylesheet into the page, each with the nonce, and no inline style or handler', () => {
    const html = timelineHtml(assets, 'CloudTrail Timeline: <x>', 'abc');
    assert.equal(html.match(/<script/g)?.length, 1);
    assert.equal(html.match(/<style/g)?.length, 1);
    assert.match(
      html,
      /<script nonce="abc">\nconsole\.log\(1 < 2\);\n\n\/\/# sourceURL=timeline\.js\n<\/script>/,
    );
    assert.match(html, /<style nonce="abc">\nbody \{ color: red; \}\n<\/style>/);
    assert.doesNotMatch(html, /\ssrc=|\shref=|style=|onload=|onclick=|sourceMappingURL/);
    assert.match(html, /<title>CloudTrail Timeline: &lt;x&gt;<\/title>/);
    // The panel's name in its rows' context menu arguments, as an attribute's text.
    assert.match(
      timelineHtml(assets, 't', 'abc', 'tok"en'),
      /<body data-vscode-context="\{&quot;timelinePanel&quot;:&quot;tok\\&quot;en&quot;\}">/,
    );
  });

  it('refuses assets that could end their element early', () => {
    assert.throws(
      () => timelineHtml({ ...assets, script: 'const s = "</SCRIPT><b>";' }, 't'),
      /media\/timeline\.js contains/,
    );
    assert.throws(
      () => timelineHtml({ ...assets, script: 'const s = "<!--";' }, 't'),
      /media\/timeline\.js contains/,
    );
    assert.throws(
      () => timelineHtml({ ...assets, style: 'a::after { content: "</style>"; }' }, 't'),
      /media\/timeline\.css contains/,
    );
  });
});
