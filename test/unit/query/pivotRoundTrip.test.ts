// Pivots and facet clicks write `field:value` with formatTerm / formatTermWithin
// (src/core/query/format.ts) from values found in the logs, which an attacker writes. Run through
// the index, such a term must select exactly the events whose field holds that value: this
// generates hostile values (seeded), puts them, and their case and hidden-character variants,
// into the fields the timeline pivots and facets on, and compares every term's rows with a
// plain reference filter.
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventIndex } from '../../../src/core/index/eventIndex';
import { canonicalRecord } from '../../../src/core/ingest/canonical';
import { loadEventFiles } from '../../../src/core/ingest/load';
import { InlineRunner } from '../../../src/core/ingest/pool';
import { equalityNumber, fieldValues } from '../../../src/core/query/match';
import { formatTerm } from '../../../src/core/query/format';
import { parseQuery } from '../../../src/core/query/parse';
import { discover } from '../../../src/core/sources/discover';
import { FolderSource } from '../../../src/core/sources/folder';

const FIXED = [
  '',
  ' ',
  ' lead',
  'trail ',
  'two words',
  'say "hi"',
  '\\',
  'a\\*b',
  '*',
  '?',
  'a?b',
  ':',
  'a:b',
  '(a OR b)',
  'AND',
  'OR',
  'NOT',
  'and',
  '-x',
  '-',
  '10.0.0.0/8',
  '10.0.0.1',
  '2001:db8::/32',
  '//x',
  'arn:aws:iam::123456789012:role/Admin',
  'Alice',
  'alice',
  'ALICE',
  'alice\u200b',
  '\u202ealice',
  'José',
  'jose\u0301',
  'ΟΔΟΣ',
  'οδος',
  '😀',
  '012',
  '12',
  '1e3',
  '1000',
  '-0',
  '0',
  '1.0',
  '1',
  ' 12 ',
  '+12',
  'true',
  'TRUE',
  'null',
  '2024-05-14',
  '2024-05-14T10:00:00Z',
  '>=5',
  '<x',
  'x'.repeat(300),
];

const PIECES = [
  'a',
  'B',
  ' ',
  '"',
  '\\',
  '*',
  '?',
  '(',
  ')',
  ':',
  '-',
  '/',
  '<',
  '>',
  '=',
  'AND',
  'OR',
  'NOT',
  'é',
  '😀',
  '\t',
  '1',
  '0',
  '.',
  'e',
  '\u200b',
];

function seeded(seed: number): () => number {
  return () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
}

/** Paths the timeline pivots and facets on, each with the field its term is written with. */
const FIELDS: Array<{ path: string; term: string }> = [
  { path: 'eventName', term: 'eventName' },
  { path: 'eventSource', term: 'eventSource' },
  { path: 'awsRegion', term: 'awsRegion' },
  { path: 'sourceIPAddress', term: 'sourceIPAddress' },
  { path: 'sourceIPAddress', term: 'ip' },
  { path: 'recipientAccountId', term: 'recipientAccountId' },
  { path: 'errorCode', term: 'errorCode' },
  { path: 'userAgent', term: 'userAgent' },
  { path: 'userIdentity.arn', term: 'userIdentity.arn' },
  { path: 'userIdentity.accessKeyId', term: 'key' },
  { path: 'resources.ARN', term: 'resource' },
  { path: 'requestParameters.bucketName', term: 'bucket' },
  { path: 'requestParameters.other', term: 'requestParameters.other' },
];

const foldEqual = (a: string, b: string): boolean =>
  a.length === b.length &&
  new RegExp(`^${a.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&')}$`, 'iu').test(b);

/**
 * The reference: the field holds `value` as a string (case aside), or holds a boolean written
 * that way, or a number written that way or, when `value` is written as JSON writes a number,
 * of its value: `12`, ` 12 ` and `12.0` find the number 12; `012` and `+12` are text, found
 * as the string "012" or "+12" only.
 */
function holds(record: unknown, path: string, value: string): boolean {
  const any = (v: unknown): boolean =>
    Array.isArray(v)
      ? v.some(any)
      : typeof v === 'string' || typeof v === 'boolean'
        ? foldEqual(value, String(v))
        : typeof v === 'number' && (foldEqual(value, String(v)) || equalityNumber(value) === v);
  return fieldValues(record, path).some(any);
}

describe('pivot terms select exactly the events holding the value', function () {
  this.timeout(120_000);
  let dir: string;
  let index: EventIndex;
  let records: unknown[];
  const values: string[] = [...FIXED];

  before(async () => {
    const random = seeded(20240514);
    for (let i = 0; i < 60; i++) {
      let v = '';
      const n = 1 + Math.floor(random() * 6);
      for (let j = 0; j < n; j++) v += PIECES[Math.floor(random() * PIECES.length)];
      values.push(v);
    }
    const pick = (): unknown => {
      const r = random();
      if (r < 0.05) return undefined;
      if (r < 0.08) return null;
      if (r < 0.1) return { nested: values[Math.floor(random() * values.length)] };
      if (r < 0.15) return Number(['12', '1000', '0', '1', '-0', '443'][Math.floor(random() * 6)]);
      if (r < 0.17) return random() < 0.5;
      if (r < 0.2) return [values[Math.floor(random() * values.length)], 'x'];
      return values[Math.floor(random() * values.length)];
    };
    const built: Record<string, unknown>[] = [];
    for (let i = 0; i < 400; i++) {
      const at = (): unknown => pick();
      const identity: Record<string, unknown> = { type: 'IAMUser', arn: at(), accessKeyId: at() };
      const record: Record<string, unknown> = {
        eventVersion: '1.08',
        eventID: `id-${i}`,
        eventTime: new Date(Date.UTC(2024, 4, 14, 10, 0, i)).toISOString().replace('.000', ''),
        eventName: at(),
        eventSource: at(),
        awsRegion: at(),
        sourceIPAddress: at(),
        recipientAccountId: at(),
        errorCode: at(),
        userAgent: at(),
        userIdentity: identity,
        resources: [{ ARN: at() }, { ARN: at() }],
        requestParameters: { bucketName: at(), other: at() },
      };
      for (const k of Object.keys(record)) if (record[k] === undefined) delete record[k];
      // Two spellings of a key and none canonical: the index reads the record from its raw text.
      if (i % 19 === 0) {
        delete record.eventName;
        record.EventName = at();
        record.EVENTNAME = at();
      }
      built.push(record);
    }
    dir = mkdtempSync(join(tmpdir(), 'ctl-pivot-'));
    writeFileSync(join(dir, 'pivots.json'), JSON.stringify({ Records: built }));
    const runner = new InlineRunner();
    index = new EventIndex({ runner });
    await loadEventFiles(index, runner, [...(await discover(new FolderSource(dir))).events]);
    const raws = await index.rawRecords(Array.from({ length: index.size }, (_, i) => i));
    records = raws.map((r) => canonicalRecord(JSON.parse(r)).record);
    assert.equal(index.size, built.length);
    assert.ok(index.store.rowIrregular.length > 0, 'some rows are read from their raw text');
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  for (const { path, term } of FIELDS) {
    it(`${term} (${path})`, async () => {
      const wrong: string[] = [];
      for (const value of values) {
        const text = formatTerm(term, value);
        const expected = records.flatMap((r, i) => (holds(r, path, value) ? [i] : []));
        const actual = [...(await index.query(parseQuery(text))).rows].sort((a, b) => a - b);
        if (expected.join() !== actual.join()) {
          const extra = actual.filter((r) => !expected.includes(r));
          const missing = expected.filter((r) => !actual.includes(r));
          wrong.push(
            `${text}: extra ${extra.map((r) => JSON.stringify(fieldValues(records[r], path))).join(' ')} missing ${missing.length}`,
          );
        }
        // The exclude-click: every other event, those without the field included.
        if (values.indexOf(value) % 3 !== 0) continue;
        const negated = formatTerm(term, value, { negate: true });
        const kept = (await index.query(parseQuery(negated))).rows.length;
        if (kept !== records.length - expected.length)
          wrong.push(`${negated}: ${kept} of ${records.length} kept`);
      }
      assert.deepEqual(wrong, []);
    });
  }
});
