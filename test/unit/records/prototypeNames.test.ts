// Log content used as a key: every name a plain object inherits (`constructor`, `__proto__`,
// `toString`, `hasOwnProperty`, …) in every field the product looks something up by must be an
// ordinary unknown value: no throw, no function or prototype handed back as an explanation.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../../src/cli/main';
import type { CliIo } from '../../../src/cli/io';
import { decodeIdPrefix, explainErrorCode } from '../../../src/core/records/decoders';
import { describeIdentity } from '../../../src/core/records/identity';
import { indexRecords } from '../../../src/core/records/recordIndex';
import { apiReferenceUrl, describeRequest, eventSpecFor } from '../../../src/core/records/request';
import type { CloudTrailRecord } from '../../../src/core/records/types';
import { explainValue } from '../../../src/core/records/valueHints';
import { detailFor, pivotsFor } from '../../../src/extension/timeline/detailModel';

export const PROTOTYPE_NAMES = [
  'constructor',
  '__proto__',
  'toString',
  'hasOwnProperty',
  'valueOf',
  'isPrototypeOf',
  'propertyIsEnumerable',
  'toLocaleString',
  '__defineGetter__',
  '__lookupGetter__',
];

/** A record with `name` in every field that is used as a key, and as keys of its objects. */
export function prototypeRecord(name: string, time = '2024-05-14T10:00:00Z'): CloudTrailRecord {
  const keyed = JSON.parse(
    `{${JSON.stringify(name)}: ${JSON.stringify(name)}, "bucketName": ${JSON.stringify(name)}, "policyArn": ${JSON.stringify(name)}}`,
  );
  return {
    eventVersion: '1.08',
    eventTime: time,
    eventSource: name,
    eventName: name,
    errorCode: name,
    errorMessage: name,
    awsRegion: name,
    sourceIPAddress: name,
    userAgent: name,
    recipientAccountId: name,
    eventType: name,
    userIdentity: {
      type: name,
      principalId: name,
      arn: name,
      accountId: name,
      accessKeyId: name,
      userName: name,
      invokedBy: name,
      sessionContext: {
        sessionIssuer: { type: name, arn: name, userName: name, principalId: name },
        attributes: { mfaAuthenticated: name, creationDate: name },
      },
    },
    requestParameters: keyed,
    responseElements: keyed,
    resources: [{ ARN: name, type: name, accountId: name }],
  } as CloudTrailRecord;
}

/** Every value reachable from `v` is data: no function, no Object.prototype. */
function assertPlainData(v: unknown, label: string, seen = new Set<unknown>()): void {
  assert.notEqual(typeof v, 'function', `${label}: a function`);
  if (v === null || typeof v !== 'object' || seen.has(v)) return;
  seen.add(v);
  assert.notEqual(v, Object.prototype, `${label}: Object.prototype`);
  for (const [k, child] of Object.entries(v)) assertPlainData(child, `${label}.${k}`, seen);
}

describe('prototype names in log content', () => {
  for (const name of PROTOTYPE_NAMES) {
    describe(JSON.stringify(name), () => {
      const record = prototypeRecord(name);

      it('describeRequest explains the call without throwing, in every source/name combination', () => {
        for (const [eventSource, eventName] of [
          [name, name],
          [name, 'AttachUserPolicy'],
          ['iam.amazonaws.com', name],
          [`${name}.amazonaws.com`, name],
          ['s3.amazonaws.com', 'GetObject'],
        ]) {
          const d = describeRequest({ ...record, eventSource, eventName });
          assertPlainData(d, 'describeRequest');
          assert.equal(typeof d.summary, 'string');
          assert.match(d.apiReferenceUrl, /^https:\/\/docs\.aws\.amazon\.com\//);
        }
        assert.equal(eventSpecFor(name, name), undefined);
        assert.match(apiReferenceUrl(name, name), /^https:\/\/docs\.aws\.amazon\.com\/search\//);
      });

      it('describeIdentity and every value explanation stay plain text', () => {
        assertPlainData(describeIdentity(record.userIdentity, record), 'describeIdentity');
        for (const path of [
          'errorCode',
          'eventSource',
          'userIdentity.type',
          'userIdentity.sessionContext.sessionIssuer.type',
          'sourceIPAddress',
          'userIdentity.accessKeyId',
          name,
        ]) {
          const hints = explainValue(path.split('.'), name);
          assertPlainData(hints, `explainValue(${path})`);
          assert.ok(
            hints.every((h) => typeof h === 'string'),
            path,
          );
        }
        assert.equal(explainErrorCode(name), undefined);
        assert.equal(explainErrorCode(name.toUpperCase()), undefined);
        assert.equal(decodeIdPrefix(name), undefined);
      });

      it('the detail pane keeps its explanation and pivots', () => {
        const d = detailFor(1, JSON.stringify(record), 0);
        assertPlainData(d, 'detailFor');
        assert.ok(!d.explanations.some((e) => e.label === 'Note'), JSON.stringify(d.explanations));
        assert.ok(
          d.explanations.some((e) => e.label === 'What' && e.text.startsWith(`${name}:${name} — `)),
          JSON.stringify(d.explanations),
        );
        assert.deepEqual(
          pivotsFor(record).map((p) => p.kind),
          ['principal', 'accessKey', 'sourceIp', 'session', 'resource'],
        );
      });

      it("the lenses' structural index finds the record", () => {
        const idx = indexRecords(
          JSON.stringify({
            Records: [
              JSON.parse(
                `{${JSON.stringify(name)}: 1, "eventVersion": "1.08", "eventTime": "x", "userIdentity": {}}`,
              ),
            ],
          }),
        );
        assert.equal(idx.records.length, 1);
      });
    });
  }

  describe('the CLI', function () {
    this.timeout(60_000);
    let dir: string;
    before(() => {
      dir = mkdtempSync(join(tmpdir(), 'ctl-proto-'));
      writeFileSync(
        join(dir, 'p.json'),
        JSON.stringify({
          Records: PROTOTYPE_NAMES.map((n, i) => prototypeRecord(n, `2024-05-14T10:00:0${i}Z`)),
        }),
      );
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    async function run(...args: string[]): Promise<{ code: number; out: string; err: string }> {
      let out = '';
      let err = '';
      const io: CliIo = {
        out: (t) => void (out += t),
        err: (t) => void (err += t),
        stderrIsTTY: false,
      };
      return { code: await main(args, io), out, err };
    }

    it('--fields with prototype names reads them as record paths', async () => {
      const r = await run(
        'query',
        dir,
        '--format',
        'csv',
        '--fields',
        `${PROTOTYPE_NAMES.join(',')},requestParameters.__proto__,requestParameters.constructor,eventSource`,
      );
      assert.equal(r.code, 0, r.err);
      const lines = r.out.trimEnd().split('\r\n');
      assert.equal(lines.length, PROTOTYPE_NAMES.length + 1);
      assert.equal(
        lines[0],
        `${PROTOTYPE_NAMES.join(',')},requestParameters.__proto__,requestParameters.constructor,eventSource`,
      );
      // No record has top-level keys with those names; requestParameters has one key of its own name.
      assert.equal(lines[1], `${','.repeat(PROTOTYPE_NAMES.length)},constructor,constructor`);
      assert.equal(lines[2], `${','.repeat(PROTOTYPE_NAMES.length)}__proto__,,__proto__`);
    });

    it('finds events by prototype names, in indexed fields and others', async () => {
      for (const filter of [
        'eventSource:constructor',
        'errorCode:__proto__',
        'requestParameters.toString:toString',
        'userIdentity.type:hasOwnProperty',
        'constructor',
      ]) {
        const r = await run('query', dir, '--filter', filter, '--count');
        assert.equal(r.code, 0, r.err);
        assert.equal(r.out, '1\n', filter);
      }
    });

    it('an unknown command named like a prototype member is refused', async () => {
      const r = await run('constructor');
      assert.equal(r.code, 2);
      assert.match(r.err, /unknown command "constructor"/);
    });
  });
});
