// A facet value is what a click filters on: `field:<label>` (formatTerm) must find exactly the
// events the facet counts, whatever JSON type the value has, null included.
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventIndex, FacetResult } from '../../../src/core/index/eventIndex';
import { formatTerm } from '../../../src/core/query/format';
import { parseQuery } from '../../../src/core/query/parse';
import { loadEventFiles } from '../../../src/core/ingest/load';
import { InlineRunner } from '../../../src/core/ingest/pool';
import { discover } from '../../../src/core/sources/discover';
import { FolderSource } from '../../../src/core/sources/folder';

const base = (i: number) => ({
  eventVersion: '1.08',
  eventTime: `2024-05-14T10:00:0${i}Z`,
  eventID: `e-${i}`,
  eventName: 'GetObject',
});

// One spelling per value (case variants are other values, which a case-insensitive click joins).
const RECORDS = [
  { ...base(0), errorCode: null, sourceIPAddress: null, recipientAccountId: 111122223333 },
  { ...base(1), errorCode: null, sourceIPAddress: '', recipientAccountId: '111122223333' },
  { ...base(2), errorCode: '', readOnly: true, userIdentity: { arn: null } },
  { ...base(3), errorCode: 'AccessDenied', readOnly: 'true', userIdentity: { arn: null } },
  { ...base(4), eventName: 443, readOnly: false, userIdentity: { arn: 'arn:aws:iam::1:user/a' } },
  { ...base(5), eventName: '443', userAgent: null },
  // Numbers a double would not print back (written into the file by recordsText): shown as
  // written, and a spelling of their value's entry, which a click on the value finds.
  { ...base(6), errorCode: '#1E2', userAgent: '#-0', sourceIPAddress: '#12345678901234567890' },
  { ...base(7), errorCode: 100, userAgent: 0 },
  { ...base(8), errorCode: '#100.0', recipientAccountId: '#12345678901' },
  // An account ID as text, and as a number (its leading zero lost) in another record: two values.
  { ...base(9), recipientAccountId: '012345678901' },
];
/** The file's text: a string "#…" is written as the number … (JSON.stringify cannot write 1E2). */
const recordsText = JSON.stringify({ Records: RECORDS }).replace(/"#([^"]*)"/g, '$1');

describe('facets count what their clicks filter', function () {
  this.timeout(60_000);
  let dir: string;
  let index: EventIndex;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ctl-facets-'));
    writeFileSync(join(dir, 'a.json'), recordsText);
    const runner = new InlineRunner();
    index = new EventIndex({ runner });
    await loadEventFiles(index, runner, (await discover(new FolderSource(dir))).events);
    assert.equal(index.size, RECORDS.length);
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  const count = async (filter: string) => (await index.query(parseQuery(filter))).rows.length;

  async function check(f: FacetResult): Promise<void> {
    const labels = f.values.map((v) => `${v.field ?? f.field}=${v.label}`);
    assert.equal(new Set(labels).size, labels.length, `one entry per value: ${labels}`);
    for (const v of f.values) {
      const term = formatTerm(v.field ?? f.field, v.label);
      assert.equal(await count(term), v.count, `${f.field} ${JSON.stringify(v.label)}: ${term}`);
    }
    const field = f.field === 'principal' ? 'userIdentity.arn' : f.field;
    assert.equal(await count(`-${field}:*`), f.absent, `${f.field}: absent`);
  }

  for (const field of [
    'errorCode',
    'sourceIPAddress',
    'recipientAccountId',
    'readOnly',
    'eventName',
    'userAgent',
  ]) {
    it(field, async () => check(index.facet(await index.query({ kind: 'all' }), field, 20)));
  }

  it('numbers as written: a spelling of their value, which is the label a click filters on', async () => {
    const all = await index.query({ kind: 'all' });
    const entry = (field: string, label: string) =>
      index.facet(all, field, 20).values.find((v) => v.label === label);
    assert.deepEqual(entry('errorCode', '100')?.count, 3);
    assert.deepEqual(
      entry('errorCode', '100')
        ?.spellings?.map((s) => s.label)
        .sort(),
      ['100.0', '1E2'],
    );
    assert.equal(entry('userAgent', '0')?.count, 2);
    assert.deepEqual(
      entry('userAgent', '0')?.spellings?.map((s) => s.label),
      ['-0'],
    );
    // Alone, a number is shown as written (a double makes it 12345678901234567000).
    assert.equal(entry('sourceIPAddress', '12345678901234567890')?.count, 1);
    assert.deepEqual(
      index.summaries(all, 0, all.rows.length).map((s) => [s.errorCode, s.userAgent]),
      [...RECORDS.keys()].map((i) => [
        ['', '', '', 'AccessDenied', '', '', '1E2', '100', '100.0', ''][i],
        ['', '', '', '', '', '', '-0', '0', '', ''][i],
      ]),
    );
  });

  it('principal', async () => {
    const f = index.principalFacet(await index.query({ kind: 'all' }), 20);
    assert.deepEqual(
      f.values.map((v) => v.label),
      ['arn:aws:iam::1:user/a'],
    );
    await check(f);
  });
});

// Spellings a click joins (the query language ignores case, by Unicode simple case folding) are
// one entry, counted together and shown as the most frequent spelling; spellings it keeps apart (a
// zero-width space, a bidi control, ß and ss, İ and i) stay apart. A facet listing 'admin 2'
// beside 'Admin 3' had an exclude-click on 'admin' hide the 'Admin' events too.
const GROUPS: Array<Array<[string, number]>> = [
  [
    ['Admin', 3],
    ['admin', 2],
    ['ADMIN', 1],
  ],
  [['admin\u200b', 1]],
  [['\u202eadmin', 1]],
  [
    ['ΟΔΟΣ', 2],
    ['οδος', 1],
    ['οδοσ', 1],
  ],
  [
    ['\u212a', 2], // the Kelvin sign
    ['K', 1],
  ],
  [
    ['ß', 1],
    ['ẞ', 1],
  ],
  [['ss', 1]],
  [['İ', 1]],
  [['i', 1]],
];

describe('facets join the spellings a click joins', function () {
  this.timeout(60_000);
  let dir: string;
  let index: EventIndex;

  before(async () => {
    const records = GROUPS.flat().flatMap(([name, n], i) =>
      Array.from({ length: n }, (_, k) => ({
        ...base(0),
        eventID: `s-${i}-${k}`,
        eventName: name,
        userIdentity: { type: 'IAMUser', arn: `arn:aws:iam::1:user/${name}` },
      })),
    );
    dir = mkdtempSync(join(tmpdir(), 'ctl-facets-case-'));
    writeFileSync(join(dir, 'a.json'), JSON.stringify({ Records: records }));
    const runner = new InlineRunner();
    index = new EventIndex({ runner });
    await loadEventFiles(index, runner, (await discover(new FolderSource(dir))).events);
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  async function check(f: FacetResult, field: string, prefix: string): Promise<void> {
    // The other spellings are said, most events first: CloudTrail writes one of each name.
    const expected = GROUPS.map((g) => ({
      label: prefix + g[0][0],
      count: g.reduce((n, [, c]) => n + c, 0),
      spellings:
        g.length > 1
          ? g.slice(1).map(([label, count]) => ({ label: prefix + label, count }))
          : undefined,
    })).sort((a, b) => b.count - a.count || (a.label < b.label ? -1 : 1));
    assert.deepEqual(
      f.values.map((v) => ({ label: v.label, count: v.count, spellings: v.spellings })),
      expected,
    );
    for (const v of f.values) {
      const filter = formatTerm(v.field ?? field, v.label);
      const found = (await index.query(parseQuery(filter))).rows.length;
      assert.equal(found, v.count, `${JSON.stringify(v.label)}: ${filter}`);
    }
    assert.equal(f.other, 0);
  }

  it('eventName', async () =>
    check(index.facet(await index.query({ kind: 'all' }), 'eventName', 100), 'eventName', ''));

  it('principal', async () =>
    check(
      index.principalFacet(await index.query({ kind: 'all' }), 100),
      'principal',
      'arn:aws:iam::1:user/',
    ));
});
