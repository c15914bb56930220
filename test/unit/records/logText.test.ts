import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { LogTextError, renderLogText } from '../../../src/core/records/logText';
import { dataset, describeWithDatasets } from '../../support/datasets';

const MB = 1024 * 1024;
const log = {
  Records: [
    { eventVersion: '1.08', eventName: 'StopLogging', eventSource: 'cloudtrail.amazonaws.com' },
  ],
};

describe('readable log text', () => {
  it('decompresses and pretty-prints a compact .json.gz', () => {
    const out = renderLogText(gzipSync(JSON.stringify(log)), 'a.json.gz', 10 * MB);
    assert.equal(out.compressed, true);
    assert.equal(out.pretty, true);
    assert.equal(out.text, `${JSON.stringify(log, null, 2)}\n`);
    assert.equal(out.warning, undefined);
  });

  it('pretty-prints plain JSON too, and leaves JSON lines one record per line', () => {
    assert.equal(
      renderLogText(Buffer.from(JSON.stringify(log)), 'a.json', MB).text.split('\n')[1],
      '  "Records": [',
    );
    const lines = '{"eventVersion":"1.08"}\n{"eventVersion":"1.09"}\n';
    const out = renderLogText(gzipSync(lines), 'a.jsonl.gz', MB);
    assert.equal(out.text, lines);
    assert.equal(out.warning, undefined);
  });

  it('shows invalid JSON as stored, with a warning naming the file', () => {
    const out = renderLogText(gzipSync('{"Records": [ {"eventVersion": '), 'broken.json.gz', MB);
    assert.equal(out.pretty, false);
    assert.equal(out.text, '{"Records": [ {"eventVersion": ');
    assert.match(out.warning ?? '', /^broken\.json\.gz is not valid JSON/);
  });

  it('refuses content over the cap, compressed or not, with a clear message', () => {
    const big = gzipSync(Buffer.alloc(3 * MB, 0x20));
    assert.throws(
      () => renderLogText(big, 'bomb.json.gz', 1 * MB),
      (e: unknown) =>
        e instanceof LogTextError &&
        e.code === 'too-large' &&
        /bomb\.json\.gz decompresses to more than the limit of 1 MiB/.test(e.message),
    );
    assert.throws(
      () => renderLogText(Buffer.alloc(2 * MB, 0x20), 'big.json', 1 * MB),
      (e: unknown) => e instanceof LogTextError && e.code === 'too-large',
    );
  });

  it('reports a corrupt gzip file by name', () => {
    const bytes = gzipSync(JSON.stringify(log));
    const corrupt = Buffer.concat([bytes.subarray(0, 12), Buffer.alloc(20, 0xff)]);
    assert.throws(
      () => renderLogText(corrupt, 'bad.json.gz', MB),
      (e: unknown) =>
        e instanceof LogTextError &&
        e.code === 'corrupt-gzip' &&
        e.message.startsWith('bad.json.gz is not valid gzip'),
    );
  });

  it('shows the members before trailing garbage, with a warning naming the file and the bytes ignored', () => {
    const bytes = Buffer.concat([gzipSync(JSON.stringify(log)), Buffer.from('junk')]);
    const out = renderLogText(bytes, 'tail.json.gz', MB);
    assert.equal(out.text, `${JSON.stringify(log, null, 2)}\n`);
    assert.match(
      out.warning ?? '',
      /^tail\.json\.gz: 4 bytes after the last complete gzip member were ignored/,
    );
    const both = renderLogText(
      Buffer.concat([gzipSync('{"Records": ['), Buffer.alloc(9)]),
      'x.json.gz',
      MB,
    );
    assert.match(
      both.warning ?? '',
      /^x\.json\.gz: 9 zero bytes .*\. x\.json\.gz is not valid JSON/,
    );
  });
});

describeWithDatasets('readable log text on real files', () => {
  it('flaws2 and the AWS processing library .json.gz files open as indented JSON', () => {
    const flaws = dataset(
      'flaws2-logs',
      'AWSLogs',
      '653711331788',
      'CloudTrail',
      'us_east_1',
      '2018',
      '11',
      '28',
    );
    const files = readdirSync(flaws).map((f) => `${flaws}/${f}`);
    files.push(
      dataset(
        'aws-cloudtrail-processing-library',
        'src',
        'test',
        'resources',
        'SerializerTestFileCompact.json.gz',
      ),
    );
    for (const file of files) {
      const out = renderLogText(readFileSync(file), file, 64 * MB);
      assert.equal(out.pretty, true, file);
      assert.match(out.text, /^\{\n {2}"Records": \[\n/, file);
    }
  });
});
