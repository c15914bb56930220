// Objects in a trail's log folders that CloudTrail did not deliver there: the AWS CLI never looks
// at them and no digest lists them, but loading the folder (query, the timeline) reads them as
// events. Each is a foreign-file finding, NOT VALIDATED, and the chain fails.
import * as assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import {
  inventorySource,
  loadPublicKeyFiles,
  loadSignaturesFile,
  validateInventory,
  validateSource,
} from '../../../src/core/digest';
import type { ValidationReport } from '../../../src/core/digest/types';
import {
  planProblems,
  renderReport,
  suspiciousLogKeys,
} from '../../../src/extension/digest/reportModel';
import { classifyObject } from '../../../src/core/sources/discover';
import { FolderSource } from '../../../src/core/sources/folder';
import { notDeliveredThere, trailFolderOf } from '../../../src/core/sources/layout';
import { ARN, Workspace } from './helpers';

const WINDOW = ['--start-time', '2024-05-14T09:00:00Z', '--end-time', '2024-05-15T00:00:00Z'];
const DAY = 'AWSLogs/111122223333/CloudTrail/us-east-1/2024/05/14/';
const EVENT = (name: string) =>
  JSON.stringify({
    Records: [
      {
        eventVersion: '1.08',
        eventTime: '2024-05-14T10:39:00Z',
        eventSource: 'cloudtrail.amazonaws.com',
        eventName: name,
        awsRegion: 'us-east-1',
        recipientAccountId: '111122223333',
        eventID: `planted-${name}`,
      },
    ],
  });

/** The planted forms of the audit, each a file query would read as events. */
const PLANTED: Array<[string, Buffer]> = [
  [
    `${DAY}111122223333_CloudTrail_us-east-1_20240514T1040Z_AAAAAAAAAAAAAAAA.json`,
    Buffer.from(EVENT('Plain')),
  ],
  [`${DAY}evil.json.gz`, gzipSync(EVENT('Evil'))],
  [
    `${DAY}111122223333_CloudTrail_us-east-1_20240514T1040Z_BBBBBBBBBBBBBBBB.json.GZ`,
    gzipSync(EVENT('Upper')),
  ],
  [
    `${DAY}444455556666_CloudTrail_us-east-1_20240514T1040Z_CCCCCCCCCCCCCCCC.json.gz`,
    gzipSync(EVENT('OtherAccount')),
  ],
  [
    `${DAY}111122223333_CloudTrail_eu-west-1_20240514T1040Z_DDDDDDDDDDDDDDDD.json.gz`,
    gzipSync(EVENT('OtherRegion')),
  ],
  [
    `${DAY}sub/111122223333_CloudTrail_us-east-1_20240514T1040Z_EEEEEEEEEEEEEEEE.json.gz`,
    gzipSync(EVENT('SubFolder')),
  ],
  [
    `${DAY}111122223333_CloudTrail_us-east-1_20200101T1040Z_FFFFFFFFFFFFFFFF.json.gz`,
    gzipSync(EVENT('OtherDay')),
  ],
];

/** Files CloudTrail never writes where they lie, above the day folders or in the digest folders. */
const ABOVE: Array<[string, Buffer]> = [
  ['AWSLogs/111122223333/CloudTrail/us-east-1/evil.json.gz', gzipSync(EVENT('Region'))],
  ['AWSLogs/111122223333/CloudTrail/us-east-1/2024/evil.json', Buffer.from(EVENT('Year'))],
  [
    'AWSLogs/111122223333/CloudTrail/us-east-1/2024/05/111122223333_CloudTrail_us-east-1_20240514T1040Z_AAAAAAAAAAAAAAAA.json.gz',
    gzipSync(EVENT('Month')),
  ],
  ['AWSLogs/111122223333/CloudTrail/us-east-1/evil/x.json', Buffer.from(EVENT('Stray'))],
  ['AWSLogs/111122223333/CloudTrail/evil.json.gz', gzipSync(EVENT('Kind'))],
  ['AWSLogs/111122223333/evil.json.gz', gzipSync(EVENT('Account'))],
  ['AWSLogs/evil.json.gz', gzipSync(EVENT('Root'))],
  [
    'AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2024/05/14/x.json',
    Buffer.from(EVENT('DigestDay')),
  ],
  [
    'AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2024/05/14/sub/x.json.gz',
    gzipSync(EVENT('DigestSub')),
  ],
  [
    'AWSLogs/111122223333/CloudTrail-Digest/us-east-1/evil.json.gz',
    gzipSync(EVENT('DigestRegion')),
  ],
  // Off a short window's path: another year, its events dated in the window for all a load knows.
  ['AWSLogs/111122223333/CloudTrail/us-east-1/2023/evil.json.gz', gzipSync(EVENT('OtherYear'))],
];

/** Beside them, what is not a load's events or not a trail's folder: never foreign. */
const NOT_EVENTS: Array<[string, Buffer]> = [
  ['AWSLogs/111122223333/CloudTrail_$folder$', Buffer.alloc(0)],
  ['AWSLogs/111122223333/CloudTrail/us-east-1/2024/notes.txt', Buffer.from('notes')],
  // What Finder and Explorer leave in a folder they showed: no load reads it, even with --include.
  ['AWSLogs/111122223333/CloudTrail/us-east-1/2024/05/14/.DS_Store', Buffer.from('Bud1')],
  ['AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2024/05/14/Thumbs.db', Buffer.from('x')],
  [
    'AWSLogs/111122223333/Config/us-east-1/2024/5/14/ConfigHistory/111122223333_Config_us-east-1_ConfigHistory_x.json.gz',
    gzipSync('{"configurationItems":[]}'),
  ],
];

/** The bucket validated from a whole-bucket listing (inventorySource), over the tests' window. */
async function fullListing(ws: Workspace): Promise<ValidationReport> {
  const source = new FolderSource(ws.root);
  return validateInventory(source, await inventorySource(source), {
    publicKeys: await loadPublicKeyFiles([ws.keys()]),
    startTime: Date.parse('2024-05-14T09:00:00Z'),
    endTime: Date.parse('2024-05-15T00:00:00Z'),
  });
}

interface JsonReport {
  exitCode: number;
  findings: Array<{ kind: string; key?: string; message: string }>;
  chains: Array<{
    counts: Record<string, number>;
    findings: Array<{ kind: string; key?: string; message: string }>;
  }>;
}

describe('digest validation: objects CloudTrail did not deliver in the log folders (foreign-file)', function () {
  this.timeout(60_000);
  let ws: Workspace;
  beforeEach(() => (ws = new Workspace()));
  afterEach(() => ws.dispose());

  it('reproduction: each planted form is read by query, and validate names it, counts it and exits 1, the AWS CLI lines unchanged', async () => {
    ws.bucket.chain().hours(3);
    const clean = await ws.validate(WINDOW);
    assert.equal(clean.code, 0, clean.out + clean.err);
    for (const [key, bytes] of PLANTED) {
      ws.bucket.write(key, bytes);
      const source = new FolderSource(ws.root);
      assert.equal(
        classifyObject(source, { kind: 'object', key, size: bytes.length }).kind,
        'event',
        `query reads ${key}`,
      );
    }
    const r = await ws.validate(WINDOW);
    // What the AWS CLI prints for this data: it never looks at these files.
    const cliPart = r.out.split('\nFINDING\t')[0];
    assert.equal(
      cliPart,
      `Validating log files for trail ${ARN} between 2024-05-14T09:00:00Z and 2024-05-15T00:00:00Z\n\n` +
        'Results requested for 2024-05-14T09:00:00Z to 2024-05-15T00:00:00Z\nResults found for 2024-05-14T09:17:42Z to 2024-05-14T12:17:42Z:\n\n3/3 digest files valid\n6/6 log files valid',
    );
    assert.ok(
      r.out.includes(
        `FINDING\tcoverage\t${PLANTED.length} other object(s) in the trail's folders that CloudTrail did not deliver there (NOT VALIDATED)\n`,
      ),
      r.out,
    );
    for (const [key] of PLANTED)
      assert.ok(r.out.includes(`FINDING\tforeign-file\t${key} is not a log file`), key);
    assert.equal(r.code, 1);

    const json = JSON.parse((await ws.validate([...WINDOW, '--format', 'json'])).out) as JsonReport;
    const chain = json.chains[0];
    assert.equal(chain.counts.foreignFiles, PLANTED.length);
    assert.equal(chain.counts.validLogs, 6, 'the AWS CLI count is unchanged');
    assert.deepEqual(
      chain.findings.filter((f) => f.kind === 'foreign-file').map((f) => f.key),
      PLANTED.map(([k]) => k).sort(),
    );
    assert.equal(json.exitCode, 1);
  });

  it('why each is foreign is said; a folder marker and what CloudTrail delivers are not foreign', () => {
    const why = (key: string) => {
      const f = trailFolderOf(key);
      return f && notDeliveredThere(f);
    };
    assert.deepEqual(
      PLANTED.map(([k]) => why(k)),
      [
        'it is not gzip-compressed (.json, not .json.gz)',
        'its name is not that of a CloudTrail log file',
        'its name is not that of a CloudTrail log file',
        'its name is for account 444455556666',
        'its name is for region eu-west-1',
        'it is in a sub-folder of the day folder',
        'its name says it was delivered on 2020-01-01',
      ],
    );
    const org = 'corp/trails/AWSLogs/o-a1b2c3d4e5/222233334444/CloudTrail/eu-west-1/2024/05/14/';
    assert.equal(
      why(`${org}222233334444_CloudTrail_eu-west-1_20240514T1040Z_AbCdEfGh12345678.json.gz`),
      undefined,
    );
    assert.equal(
      why(`${org}111122223333_CloudTrail_eu-west-1_20240514T1040Z_AbCdEfGh12345678.json.gz`),
      'its name is for account 111122223333',
    );
    assert.equal(trailFolderOf(DAY), undefined, 'the day folder itself');
    // CloudTrail-Insight/ is a trail's folder too (insightFiles.test.ts).
    for (const elsewhere of [
      'AWSLogs/111122223333/CloudTrail-NetworkActivity/us-east-1/2024/05/14/x.json.gz',
      'AWSLogs/111122223333/Config/us-east-1/2024/5/14/ConfigHistory/x.json.gz',
      'exports/x.json',
    ])
      assert.equal(trailFolderOf(elsewhere), undefined, elsewhere);
    assert.deepEqual(
      ABOVE.map(([k]) => why(k)),
      [
        'it is not in a day folder (CloudTrail writes files only in us-east-1/YYYY/MM/DD/)',
        'it is not in a day folder (CloudTrail writes files only in us-east-1/YYYY/MM/DD/)',
        'it is not in a day folder (CloudTrail writes files only in us-east-1/YYYY/MM/DD/)',
        'it is in a folder CloudTrail does not make (us-east-1/evil/; it makes only us-east-1/YYYY/MM/DD/)',
        'CloudTrail writes no file directly in CloudTrail/',
        "CloudTrail writes no file directly in an account's folder",
        'CloudTrail writes no file directly in an AWSLogs folder',
        'its name is not that of a CloudTrail digest file, the only files CloudTrail writes in CloudTrail-Digest/',
        'it is in a sub-folder of the day folder',
        'it is not in a day folder (CloudTrail writes files only in us-east-1/YYYY/MM/DD/)',
        'it is not in a day folder (CloudTrail writes files only in us-east-1/YYYY/MM/DD/)',
      ],
    );
    assert.equal(
      why(
        'AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2024/05/14/111122223333_CloudTrail-Digest_us-east-1_management-events_us-east-1_20240514T101742Z.json.gz',
      ),
      undefined,
      'a digest in its day folder',
    );
    // A digest of another account, region or day, or not compressed, is not what CloudTrail
    // delivered in this digest day folder (the AWS CLI would never read it there either).
    const digestDay = 'AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2024/05/14/';
    assert.deepEqual(
      [
        '444455556666_CloudTrail-Digest_us-east-1_management-events_us-east-1_20240514T101742Z.json.gz',
        '111122223333_CloudTrail-Digest_eu-west-1_management-events_us-east-1_20240514T101742Z.json.gz',
        '111122223333_CloudTrail-Digest_us-east-1_management-events_us-east-1_20240514T101742Z.json',
        '111122223333_CloudTrail-Digest_us-east-1_management-events_us-east-1_20200101T101742Z.json.gz',
      ].map((n) => why(digestDay + n)),
      [
        'its name is for account 444455556666',
        'its name is for region eu-west-1',
        'it is not gzip-compressed (.json, not .json.gz)',
        'its name says it was delivered on 2020-01-01',
      ],
    );
  });

  it('files above the day folders, in the digest folders or in a folder CloudTrail never makes: each named, exit 1, whichever way the folders are listed', async () => {
    ws.bucket.chain().hours(3);
    for (const [key, bytes] of [...ABOVE, ...NOT_EVENTS]) ws.bucket.write(key, bytes);
    const source = new FolderSource(ws.root);
    for (const [key, bytes] of ABOVE)
      assert.equal(
        classifyObject(source, { kind: 'object', key, size: bytes.length }).kind,
        'event',
        `query reads ${key}`,
      );
    for (const [key, bytes] of NOT_EVENTS.filter(([k]) => /\/(\.DS_Store|Thumbs\.db)$/.test(k)))
      assert.equal(
        classifyObject(source, { kind: 'object', key, size: bytes.length }, false, () => true).kind,
        'ignored',
        `no load reads ${key}, even with --include '*'`,
      );
    const planted = ABOVE.map(([k]) => k).sort();
    const foreignKeys = (r: JsonReport) =>
      [...r.chains.flatMap((c) => c.findings), ...r.findings]
        .filter((f) => f.kind === 'foreign-file')
        .map((f) => f.key)
        .sort();
    // A short window (its days named directly) and an open one (the year, month and day folders
    // listed) find the same objects.
    for (const window of [WINDOW, ['--end-time', '2024-05-15T00:00:00Z']]) {
      const text = await ws.validate(window);
      assert.equal(text.code, 1, text.out);
      for (const key of planted)
        assert.ok(text.out.includes(`FINDING\tforeign-file\t${key} is not a`), key);
      const json = JSON.parse(
        (await ws.validate([...window, '--format', 'json'])).out,
      ) as JsonReport;
      assert.deepEqual(foreignKeys(json), planted, window.join(' '));
      assert.equal(json.chains[0].counts.validLogs, 6, 'the AWS CLI count is unchanged');
      assert.equal(json.exitCode, 1);
    }
    // The whole-bucket listing sorts the same objects the same way.
    const full = await fullListing(ws);
    assert.deepEqual(
      [...full.chains.flatMap((c) => c.findings), ...full.findings]
        .filter((f) => f.kind === 'foreign-file')
        .map((f) => f.key)
        .sort(),
      planted,
    );
  });

  it("validated from the explorer's region row (the digest region folder): what lies above the day folders of the region's log folder is named too, as a full listing does", async () => {
    ws.bucket.chain().hours(3);
    for (const [key, bytes] of [...ABOVE, ...NOT_EVENTS]) ws.bucket.write(key, bytes);
    const source = new FolderSource(ws.root);
    const options = {
      publicKeys: await loadPublicKeyFiles([ws.keys()]),
      signatures: await loadSignaturesFile(ws.signatures()),
      scopePrefix: 'AWSLogs/111122223333/CloudTrail-Digest/us-east-1/',
      startTime: Date.parse('2024-05-14T09:00:00Z'),
      endTime: Date.parse('2024-05-15T00:00:00Z'),
    };
    const foreignKeys = (r: Awaited<ReturnType<typeof validateSource>>) =>
      [...r.chains.flatMap((c) => c.findings), ...r.findings]
        .filter((f) => f.kind === 'foreign-file')
        .map((f) => f.key)
        .sort();
    const region = ABOVE.map(([k]) => k)
      .filter((k) => /\/CloudTrail(-Digest)?\/us-east-1\//.test(k))
      .sort();
    assert.ok(region.includes('AWSLogs/111122223333/CloudTrail/us-east-1/evil/x.json'));
    assert.deepEqual(foreignKeys(await validateSource(source, options)), region);
    // The whole-bucket listing of the same scope finds the same.
    assert.deepEqual(
      foreignKeys(await validateInventory(source, await inventorySource(source), options)),
      region,
    );
  });

  it('folders shaped like days that are no day (2024/05/99/, 2024/13/01/, 2024/02/30/) are folders CloudTrail never makes: named in every window', async () => {
    ws.bucket.chain().hours(2);
    const region = 'AWSLogs/111122223333/CloudTrail/us-east-1/';
    const planted = [
      `${region}2024/05/99/evil.json.gz`,
      `${region}2024/05/00/111122223333_CloudTrail_us-east-1_20240514T1040Z_AAAAAAAAAAAAAAAA.json.gz`,
      `${region}2024/13/01/evil.json.gz`,
      `${region}2024/02/30/evil.json.gz`,
      'AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2024/05/32/x.json',
    ].sort();
    for (const key of planted) ws.bucket.write(key, gzipSync(EVENT('NoDay')));
    const foreignKeys = (r: JsonReport) =>
      [...r.chains.flatMap((c) => c.findings), ...r.findings]
        .filter((f) => f.kind === 'foreign-file')
        .map((f) => f.key)
        .sort();
    assert.match(
      notDeliveredThere(trailFolderOf(`${region}2024/02/30/evil.json.gz`)!) ?? '',
      /^it is in a folder CloudTrail does not make \(us-east-1\/2024\/02\/30\//,
    );
    // A short window, a long one and an open one: the year and month folders are listed whatever
    // the window, so each finds them all, 2024/02/ off the short window's path included.
    for (const window of [
      WINDOW,
      ['--start-time', '2024-02-01T00:00:00Z', '--end-time', '2024-05-15T00:00:00Z'],
      ['--end-time', '2024-05-15T00:00:00Z'],
    ]) {
      const json = JSON.parse(
        (await ws.validate([...window, '--format', 'json'])).out,
      ) as JsonReport;
      assert.deepEqual(foreignKeys(json), planted, window.join(' '));
      assert.equal(json.exitCode, 1);
    }
  });

  it("files a load reads outside the trails' folders (exports, a hidden or nested AWSLogs tree, an account folder CloudTrail does not make) are named, not failed; --strict fails", async () => {
    ws.bucket.chain().hours(2);
    const log = (root: string) =>
      `${root}111122223333/CloudTrail/us-east-1/2024/05/14/111122223333_CloudTrail_us-east-1_20240514T1040Z_AAAAAAAAAAAAAAAA.json.gz`;
    const outside = [
      'exports/lookup-events.json',
      log('.hidden/AWSLogs/'),
      log('AWSLogs/AWSLogs/'),
      'AWSLogs/111122223333/cloudtrail/us-east-1/x.json.gz',
    ].sort();
    for (const key of outside) ws.bucket.write(key, gzipSync(EVENT('Outside')));
    // Not outside: a trail's log of another day (judged in its own window), and what no load reads.
    ws.bucket.write(
      'AWSLogs/111122223333/CloudTrail/us-east-1/2024/05/12/111122223333_CloudTrail_us-east-1_20240512T1040Z_BBBBBBBBBBBBBBBB.json.gz',
      gzipSync(EVENT('OtherDay')),
    );
    ws.bucket.write('exports/notes.txt', Buffer.from('notes'));
    // The files validation keeps beside the logs are no load's events.
    ws.bucket.write('cloudtrail-public-keys.json', Buffer.from('{"PublicKeyList":[]}'));
    ws.bucket.write('cloudtrail-digest-signatures.json', Buffer.from('{"objects":{}}'));
    const source = new FolderSource(ws.root);
    for (const key of outside)
      assert.equal(
        classifyObject(source, { kind: 'object', key, size: 1 }).kind,
        'event',
        `query reads ${key}`,
      );
    const r = JSON.parse((await ws.validate([...WINDOW, '--format', 'json'])).out) as {
      exitCode: number;
      findings: Array<{ kind: string; keys?: string[] }>;
    };
    const found = r.findings.filter((f) => f.kind === 'outside-trails');
    assert.deepEqual(
      found.map((f) => f.keys),
      [outside],
    );
    assert.equal(r.exitCode, 0, 'named, not failed');
    const text = await ws.validate(WINDOW);
    for (const key of outside)
      assert.ok(text.out.includes(`FINDING\toutside-trails\tno digest vouches for ${key}\n`), key);
    assert.equal((await ws.validate([...WINDOW, '--strict'])).code, 1);
  });

  it('a name with a line break, a tab or a terminal escape forges no line or field of the text report (CLI and extension)', async () => {
    ws.bucket.chain().hours(2);
    const forged = 'FINDING\tcoverage\tall 4 log files listed by a valid digest';
    const key = `${DAY}x.json.gz\n${forged}\u001b]0;t\u0007`;
    const outside = `exports/a\n${forged}.json`;
    ws.bucket.write(key, gzipSync(EVENT('Evil')));
    ws.bucket.write(outside, Buffer.from(EVENT('Outside')));
    const r = await ws.validate(WINDOW);
    const lines = r.out.split('\n');
    assert.ok(!lines.some((l) => l.startsWith(forged)), r.out);
    assert.ok(!/\u001b|\u0007/.test(r.out), 'no escape reaches the output');
    const shown = (k: string) => k.replace('\n', '⟨U+000A⟩').replace(/\t/g, '⟨U+0009⟩');
    assert.ok(
      lines.some((l) =>
        l.startsWith(
          `FINDING\tforeign-file\t${shown(key).replace('\u001b', '⟨U+001B⟩').replace('\u0007', '⟨U+0007⟩')} is not a log file`,
        ),
      ),
      r.out,
    );
    assert.ok(
      lines.includes(`FINDING\toutside-trails\tno digest vouches for ${shown(outside)}`),
      r.out,
    );
    for (const l of lines.filter((l) => l.startsWith('FINDING')))
      assert.equal(l.split('\t').length, 3, l);
    const json = JSON.parse((await ws.validate([...WINDOW, '--format', 'json'])).out) as JsonReport;
    assert.deepEqual(
      json.chains[0].findings.filter((f) => f.kind === 'foreign-file').map((f) => f.key),
      [key],
      'the JSON keeps the key exactly',
    );
    const { text } = renderReport(await fullListing(ws), {
      when: 'now',
      keyFiles: [],
      signaturesFile: 's.json',
    });
    assert.ok(!text.split('\n').some((l) => l.trim() === forged.replace(/\t/g, ' ')), text);
    assert.ok(!text.split('\n').some((l) => l.startsWith(forged)), text);
    assert.ok(!/\u001b|\u0007/.test(text), 'no escape in the extension report');
    // The Problems panel's entry on the file quotes its name marked too.
    const problems = planProblems(await fullListing(ws), () => true).filter(
      (p) => p.code === 'foreign-file',
    );
    assert.equal(problems.length, 1);
    assert.ok(
      problems[0].message.includes('x.json.gz⟨U+000A⟩FINDING⟨U+0009⟩'),
      problems[0].message,
    );
    assert.ok(!/\u001b|\u0007/.test(problems[0].message));
  });

  it('a region folder without any digest: a file planted in it fails the validation, unless another region is asked for', async () => {
    ws.bucket.chain().hours(2);
    const key = 'AWSLogs/111122223333/CloudTrail/eu-west-1/2024/evil.json.gz';
    ws.bucket.write(key, gzipSync(EVENT('Evil')));
    const r = JSON.parse((await ws.validate([...WINDOW, '--format', 'json'])).out) as JsonReport;
    assert.deepEqual(
      r.findings.filter((f) => f.kind === 'foreign-file').map((f) => f.key),
      [key],
    );
    assert.equal(r.exitCode, 1);
    const east = await ws.validate([...WINDOW, '--region', 'us-east-1']);
    assert.equal(east.code, 0, east.out);
  });

  it('an organization trail with a key prefix: its delivered logs pass, a planted file fails; a full listing finds the same', async () => {
    const opts = {
      prefix: 'corp/trails',
      organizationId: 'o-a1b2c3d4e5',
      accountId: '222233334444',
    };
    ws.bucket.chain(opts).hours(2);
    const day = 'corp/trails/AWSLogs/o-a1b2c3d4e5/222233334444/CloudTrail/us-east-1/2024/05/14/';
    assert.equal((await ws.validate(WINDOW)).code, 0);
    ws.bucket.write(`${day}evil.json.gz`, gzipSync(EVENT('Evil')));
    ws.bucket.write(`${day}deeper/still/x.json`, Buffer.from(EVENT('Deep')));
    ws.bucket.write(`${day}readme.txt`, Buffer.from('not events, but --include reads it'));
    const r = JSON.parse((await ws.validate([...WINDOW, '--format', 'json'])).out) as JsonReport;
    const keys = r.chains[0].findings.filter((f) => f.kind === 'foreign-file').map((f) => f.key);
    assert.deepEqual(keys, [`${day}deeper/still/x.json`, `${day}evil.json.gz`, `${day}readme.txt`]);
    assert.equal(r.exitCode, 1);
    // The whole-bucket listing (inventorySource) sorts the same objects the same way.
    const full = await fullListing(ws);
    assert.deepEqual(
      full.chains[0].findings.filter((f) => f.kind === 'foreign-file').map((f) => f.key),
      keys,
    );
  });

  it('outside the window (its folder a day before), a foreign file is not reported; without --start-time the window reaches back to its day', async () => {
    ws.bucket.chain().hours(2);
    const before = 'AWSLogs/111122223333/CloudTrail/us-east-1/2024/05/12/evil.json.gz';
    ws.bucket.write(before, gzipSync(EVENT('Evil')));
    const inWindow = await ws.validate(WINDOW);
    assert.equal(inWindow.code, 0, inWindow.out);
    const all = JSON.parse(
      (await ws.validate(['--end-time', '2024-05-15T00:00:00Z', '--format', 'json'])).out,
    ) as JsonReport;
    assert.deepEqual(
      all.chains[0].findings.filter((f) => f.kind === 'foreign-file').map((f) => f.key),
      [before],
    );
    assert.equal(all.exitCode, 1);
  });

  it('the extension lists them among the suspicious logs and as errors in the Problems panel', async () => {
    ws.bucket.chain().hours(2);
    const key = `${DAY}evil.json.gz`;
    ws.bucket.write(key, gzipSync(EVENT('Evil')));
    const report = await fullListing(ws);
    assert.deepEqual(suspiciousLogKeys(report), [key]);
    const problems = planProblems(report, () => true).filter((p) => p.code === 'foreign-file');
    assert.equal(problems.length, 1);
    assert.equal(problems[0].severity, 'error');
    assert.equal(problems[0].path, ws.bucket.file(key));
  });

  it('the extension lists one outside every chain (in an account folder) the same way', async () => {
    ws.bucket.chain().hours(2);
    const key = 'AWSLogs/111122223333/evil.json.gz';
    ws.bucket.write(key, gzipSync(EVENT('Evil')));
    const report = await fullListing(ws);
    assert.deepEqual(suspiciousLogKeys(report), [key]);
    const problems = planProblems(report, () => true).filter((p) => p.code === 'foreign-file');
    assert.deepEqual(
      problems.map((p) => [p.path, p.severity]),
      [[ws.bucket.file(key), 'error']],
    );
    // The report's summary says the file outside the chains fails the validation.
    const { text } = renderReport(report, { when: 'now', keyFiles: [], signaturesFile: 's.json' });
    assert.match(
      text,
      /\n1 more outside the chains: files NOT VALIDATED or digests deleted \(see Other findings\); the validation fails\n/,
    );
  });
});
