// `ip:10.0.0.0/8`: a network on an address field (the ip / sourceip aliases, sourceIPAddress)
// matches the IP addresses inside it (core/cidr.ts, shared with Sigma's |cidr), never a value
// that is not an address. The index (each distinct dictionary value tested once) and the
// reference matcher must agree on hostile values; SQL refuses the term rather than answer
// otherwise.
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventIndex } from '../../../src/core/index/eventIndex';
import { canonicalRecord } from '../../../src/core/ingest/canonical';
import { loadEventFiles } from '../../../src/core/ingest/load';
import { InlineRunner } from '../../../src/core/ingest/pool';
import { formatTerm } from '../../../src/core/query/format';
import { matchesRecord } from '../../../src/core/query/match';
import { parseQuery, QuerySyntaxError } from '../../../src/core/query/parse';
import { discover } from '../../../src/core/sources/discover';
import { FolderSource } from '../../../src/core/sources/folder';
import { compileQuery, SqlCompileError } from '../../../src/core/sql/compile';
import { runCli } from '../../support/cli';

/** sourceIPAddress values, and whether each is in 10.0.0.0/8. */
const IN_TEN: Array<[string, boolean]> = [
  ['10.0.0.1', true],
  ['10.255.255.255', true],
  ['9.255.255.255', false],
  ['11.0.0.0', false],
  ['100.0.0.1', false],
  // Read as decimal (no octal): the same reading as Sigma's |cidr.
  ['010.0.0.1', true],
  [' 10.0.0.5 ', true],
  ['10.0.0.5\n', true],
  ['10.0.0.1:443', false],
  ['10.0.0.256', false],
  ['10.0.0', false],
  ['10.0.0.1.5', false],
  ['10.0.0.1/8', false],
  ['\u0661\u0660.0.0.1', false],
  ['', false],
  ['   ', false],
  ['ec2.amazonaws.com', false],
  ['AWS Internal', false],
  ['10.0.0.1' + ' '.repeat(50_000), true],
  ['1'.repeat(100_000), false],
  [':'.repeat(10_000), false],
  ['2001:db8::1', false],
  // An IPv4-mapped IPv6 address is the IPv4 address it carries, however it is spelt.
  ['::ffff:10.0.0.1', true],
  ['::FFFF:10.1.2.3', true],
  ['::ffff:a01:203', true],
  ['::FFFF:A01:203', true],
  ['0:0:0:0:0:ffff:0a01:0203', true],
  ['::ffff:11.0.0.1', false],
  ['::ffff:b00:1', false],
  // Not mapped: IPv4-compatible (deprecated) and NAT64 addresses are IPv6 addresses.
  ['::10.0.0.1', false],
  ['64:ff9b::10.0.0.1', false],
  ['::ffff:10.0.0.1%eth0', false],
  ['fe80::1%eth0', false],
  ['[2001:db8::1]:443', false],
];

/** Every IPv4 address among the values (mapped ones included). */
const IPV4 = [
  ...IN_TEN.filter(([, yes]) => yes).map(([v]) => v),
  '9.255.255.255',
  '11.0.0.0',
  '100.0.0.1',
  '::ffff:11.0.0.1',
  '::ffff:b00:1',
  '192.0.2.7',
];

/** Networks, and the values of the records above (and some IPv6 ones) each must match. */
const NETWORKS: Array<[string, string[]]> = [
  ['ip:10.0.0.0/8', IN_TEN.filter(([, yes]) => yes).map(([v]) => v)],
  ['sourceIPAddress:10.1.2.3/8', IN_TEN.filter(([, yes]) => yes).map(([v]) => v)],
  // The same network written as IPv4-mapped IPv6 (::ffff:10.0.0.0 is 96 + 8 bits).
  ['ip:::ffff:10.0.0.0/104', IN_TEN.filter(([, yes]) => yes).map(([v]) => v)],
  ['sourceip:0.0.0.0/0', IPV4],
  ['ip:192.0.2.0/24', ['192.0.2.7']],
  ['ip:192.0.2.7/32', ['192.0.2.7']],
  ['ip:2001:db8::/32', ['2001:db8::1', '2001:DB8:0:0:0:0:0:ff']],
  ['ip:2001:DB8::/32', ['2001:db8::1', '2001:DB8:0:0:0:0:0:ff']],
  ['ip:::ffff:0:0/96', IPV4],
  ['ip:fe80::/10', []],
  ['ip:::/0', [...IPV4, '2001:db8::1', '2001:DB8:0:0:0:0:0:ff', '::10.0.0.1', '64:ff9b::10.0.0.1']],
];

const VALUES = [...IN_TEN.map(([v]) => v), '192.0.2.7', '2001:DB8:0:0:0:0:0:ff'];

function record(i: number, ip: unknown): Record<string, unknown> {
  return {
    eventVersion: '1.08',
    eventTime: `2024-05-14T10:${String(i % 60).padStart(2, '0')}:00Z`,
    eventName: 'ConsoleLogin',
    eventSource: 'signin.amazonaws.com',
    eventID: `e-${i}`,
    sourceIPAddress: ip,
    userIdentity: { type: 'IAMUser', userName: 'bob' },
  };
}

describe('query: networks on address fields (ip:10.0.0.0/8)', function () {
  this.timeout(120_000);

  it('parses a network on ip, sourceip and sourceIPAddress, and only there', () => {
    for (const q of ['ip:10.0.0.0/8', 'sourceip:10.0.0.0/8', 'sourceIPAddress:10.0.0.0/8']) {
      assert.deepEqual(parseQuery(q), {
        kind: 'term',
        field: q.split(':')[0],
        fields: ['sourceIPAddress'],
        match: { op: 'cidr', network: '10.0.0.0/8' },
        start: 0,
        end: q.length,
      });
    }
    assert.deepEqual((parseQuery('ip:2001:db8::/32') as { match: unknown }).match, {
      op: 'cidr',
      network: '2001:db8::/32',
    });
    // Quoted values are literal; other fields and wildcards are as before.
    const match = (q: string) => (parseQuery(q) as { match: unknown }).match;
    assert.deepEqual(match('ip:"10.0.0.0/8"'), { op: 'eq', value: '10.0.0.0/8' });
    assert.deepEqual(match('event:10.0.0.0/8'), { op: 'eq', value: '10.0.0.0/8' });
    assert.deepEqual(match('requestParameters.cidrIp:10.0.0.0/8'), {
      op: 'eq',
      value: '10.0.0.0/8',
    });
    assert.deepEqual(match('ip:10.*'), { op: 'wildcard', pattern: '10.*' });
    assert.deepEqual(match('ip:10.0.0.1'), { op: 'eq', value: '10.0.0.1' });
    assert.deepEqual(match('ip:ec2.amazonaws.com'), { op: 'eq', value: 'ec2.amazonaws.com' });
  });

  it('refuses what only looks like a network, instead of searching for its text', () => {
    for (const bad of ['10.0.0/8', '10.0.0.0/33', '2001:db8::/129', '10.0.0.0/', '256.0.0.0/8']) {
      assert.throws(
        () => parseQuery(`ip:${bad}`),
        (e: unknown) =>
          e instanceof QuerySyntaxError &&
          e.offset === 3 &&
          /expected a network like 10\.0\.0\.0\/8/.test(e.message) &&
          /quote the value/.test(e.message),
        bad,
      );
      assert.doesNotThrow(() => parseQuery(`ip:"${bad}"`));
    }
  });

  it('the reference matcher: addresses inside the network, never host names or malformed text', () => {
    const ten = parseQuery('ip:10.0.0.0/8');
    for (const [value, yes] of IN_TEN) {
      const r = record(0, value);
      assert.equal(
        matchesRecord(ten, r, JSON.stringify(r)),
        yes,
        JSON.stringify(value.slice(0, 40)),
      );
    }
    // Not strings: nothing; arrays: any element.
    for (const v of [167772161, null, { ip: '10.0.0.1' }, true]) {
      const r = record(0, v);
      assert.equal(matchesRecord(ten, r, JSON.stringify(r)), false, JSON.stringify(v));
    }
    const r = record(0, ['ec2.amazonaws.com', '10.1.1.1']);
    assert.equal(matchesRecord(ten, r, JSON.stringify(r)), true);
    const not = parseQuery('-ip:10.0.0.0/8');
    const host = record(0, 'ec2.amazonaws.com');
    assert.equal(matchesRecord(not, host, JSON.stringify(host)), true);
    // An address in the network written as IPv4-mapped IPv6 does not slip past the exclusion.
    const mapped = record(0, '::ffff:10.1.2.3');
    assert.equal(matchesRecord(not, mapped, JSON.stringify(mapped)), false);
  });

  // Twice: every value a string (the index answers from the column's dictionary) and with a
  // value that is not (the column is irregular: the index reads the records).
  for (const irregular of [false, true]) {
    describe(`the index agrees with the reference${irregular ? ' (irregular column)' : ''}`, () => {
      let dir: string;
      let index: EventIndex;
      let records: unknown[];
      let raws: string[];

      before(async () => {
        dir = mkdtempSync(join(tmpdir(), 'ctl-cidr-'));
        const values: unknown[] = [...VALUES, ...VALUES];
        if (irregular) values.push({ nested: '10.0.0.1' }, ['10.0.0.2'], 42, null);
        const lines = values.map((v, i) => JSON.stringify(record(i, v)));
        writeFileSync(join(dir, 'ips.jsonl'), lines.join('\n') + '\n');
        const runner = new InlineRunner();
        index = new EventIndex({ runner });
        await loadEventFiles(index, runner, [...(await discover(new FolderSource(dir))).events]);
        const all = Array.from({ length: index.size }, (_, i) => i);
        raws = await index.rawRecords(all);
        records = raws.map((r) => canonicalRecord(JSON.parse(r)).record);
        assert.equal(index.size, values.length);
      });

      after(() => rmSync(dir, { recursive: true, force: true }));

      const queries = [
        ...NETWORKS.map(([q]) => q),
        '-ip:10.0.0.0/8',
        'ip:10.0.0.0/8 OR ip:2001:db8::/32',
        'ip:10.0.0.0/8 eventName:ConsoleLogin',
        'NOT (ip:192.0.2.0/24 OR ip:"10.0.0.0/8")',
      ];
      for (const query of queries) {
        it(query, async () => {
          const ast = parseQuery(query);
          const expected = records.flatMap((r, i) => (matchesRecord(ast, r, raws[i]) ? [i] : []));
          const actual = [...(await index.query(ast)).rows].sort((a, b) => a - b);
          assert.deepEqual(actual, expected);
          const wanted = NETWORKS.find(([q]) => q === query)?.[1];
          if (wanted) {
            const got = new Set(
              expected.map((i) => (records[i] as { sourceIPAddress: unknown }).sourceIPAddress),
            );
            const strings = [...got].filter((v): v is string => typeof v === 'string');
            assert.deepEqual(strings.sort(), [...new Set(wanted)].sort());
          }
        });
      }
    });
  }

  it('a facet value with a slash stays an exact match', () => {
    const term = formatTerm('ip', '10.0.0.0/8');
    assert.deepEqual((parseQuery(term) as { match: unknown }).match, {
      op: 'eq',
      value: '10.0.0.0/8',
    });
    assert.deepEqual(
      (parseQuery(formatTerm('sourceIPAddress', '10.0.0/8')) as { match: unknown }).match,
      {
        op: 'eq',
        value: '10.0.0/8',
      },
    );
  });

  it('SQL refuses a network in Athena and CloudTrail Lake, naming the term', () => {
    for (const dialect of ['athena', 'lake'] as const) {
      assert.throws(
        () =>
          compileQuery(parseQuery('eventName:ConsoleLogin ip:10.0.0.0/8'), {
            dialect,
            from: dialect === 'athena' ? 'cloudtrail_logs' : 'a1b2c3d4-0000-4000-8000-0123456789ab',
          }),
        (e: unknown) =>
          e instanceof SqlCompileError &&
          /a network \(10\.0\.0\.0\/8\) is matched on the loaded timeline only/.test(e.message),
      );
    }
    // The literal text still compiles.
    assert.doesNotThrow(() =>
      compileQuery(parseQuery('ip:"10.0.0.0/8"'), { dialect: 'athena', from: 'cloudtrail_logs' }),
    );
  });

  it('the CLI counts the events of a network', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ctl-cidr-cli-'));
    try {
      const lines = VALUES.map((v, i) => JSON.stringify(record(i, v)));
      writeFileSync(join(dir, 'ips.jsonl'), lines.join('\n') + '\n');
      const count = async (filter: string) => {
        const r = await runCli(['query', dir, '--filter', filter, '--count']);
        assert.equal(r.code, 0, r.err);
        return Number(r.out.trim());
      };
      assert.equal(await count('ip:10.0.0.0/8'), IN_TEN.filter(([, yes]) => yes).length);
      assert.equal(await count('sourceIPAddress:192.0.2.0/24'), 1);
      assert.equal(await count('ip:2001:db8::/32'), 2);
      const bad = await runCli(['query', dir, '--filter', 'ip:10.0.0/8', '--count']);
      assert.equal(bad.code, 2);
      assert.match(bad.err, /expected a network like 10\.0\.0\.0\/8/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
