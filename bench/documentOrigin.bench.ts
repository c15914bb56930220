// The code lens's origin over a large log document holding a long credential chain (a planted
// file can be one): `npx tsx bench/documentOrigin.bench.ts [--sessions 300] [--mb 40] [--runs 3]`.
// Builds one document: a chain of SESSIONS AssumeRole calls (each made with the key the one
// before issued) among filler records up to about MB megabytes. Prints, medians of RUNS:
// - the one pass that finds where every "ASIA…" string is written (documentKeys, once per
//   document version);
// - every record of the chain given its origin from the document (originInDocument), i.e. the
//   lenses of the chain;
// - for comparison, what looking each followed key up in the whole text costs for ONE lens (the
//   lookup before documentKeys: text.indexOf per key, as many keys as the chain is long, capped
//   at 256).
import { documentKeys, originInDocument } from '../src/core/origin/documentOrigin';
import { indexRecords, parseRecord, type IndexedRecord } from '../src/core/records/recordIndex';
import { arg, median } from './bucket';

const sessions = Number(arg('sessions', '300'));
const mb = Number(arg('mb', '40'));
const runs = Number(arg('runs', '3'));

const key = (i: number) => `ASIA${String(i).padStart(16, '0')}`;
const ACCOUNT = '111122223333';
function call(i: number): object {
  // Session i acts with key(i), issued by call i (made with key(i - 1)); call 0 by a user.
  const identity =
    i === 0
      ? {
          type: 'IAMUser',
          principalId: 'AIDA0',
          arn: `arn:aws:iam::${ACCOUNT}:user/alice`,
          accountId: ACCOUNT,
          accessKeyId: 'AKIA0000000000000000',
          userName: 'alice',
        }
      : {
          type: 'AssumedRole',
          principalId: `AROA0:s${i - 1}`,
          arn: `arn:aws:sts::${ACCOUNT}:assumed-role/r${i - 1}/s${i - 1}`,
          accountId: ACCOUNT,
          accessKeyId: key(i - 1),
        };
  return {
    eventVersion: '1.08',
    userIdentity: identity,
    eventTime: '2024-05-14T10:00:00Z',
    eventSource: 'sts.amazonaws.com',
    eventName: 'AssumeRole',
    awsRegion: 'us-east-1',
    sourceIPAddress: '198.51.100.7',
    requestParameters: { roleArn: `arn:aws:iam::${ACCOUNT}:role/r${i}`, roleSessionName: `s${i}` },
    responseElements: {
      credentials: {
        accessKeyId: key(i),
        sessionToken: 'x'.repeat(400),
        expiration: 'May 14, 2024, 11:00:00 AM',
      },
      assumedRoleUser: {
        assumedRoleId: `AROA0:s${i}`,
        arn: `arn:aws:sts::${ACCOUNT}:assumed-role/r${i}/s${i}`,
      },
    },
    eventID: `00000000-0000-0000-0000-${String(i).padStart(12, '0')}`,
    eventType: 'AwsApiCall',
    recipientAccountId: ACCOUNT,
  };
}
const filler = JSON.stringify({
  ...call(0),
  eventName: 'GetObject',
  eventSource: 's3.amazonaws.com',
  responseElements: null,
  eventID: 'f',
});
const chain = Array.from({ length: sessions + 1 }, (_, i) => JSON.stringify(call(i)));
const fillers = Math.max(0, Math.ceil((mb * 1e6) / (filler.length + 2)) - chain.length);
// The chain spread through the document, its last session at the end.
const lines: string[] = [];
const every = Math.max(1, Math.floor(fillers / chain.length));
for (let i = 0, c = 0; i < fillers || c < chain.length; i++) {
  if (i % every === 0 && c < chain.length) lines.push(chain[c++]);
  if (i < fillers) lines.push(filler);
}
const text = `{"Records":[\n${lines.join(',\n')}\n]}`;
const { records } = indexRecords(text);
const parse = (r: IndexedRecord) => parseRecord(text.slice(r.start, r.end), r);
const chainRecords = records.filter((r) => text.slice(r.start, r.end).includes('"AssumeRole"'));
console.log(
  `document: ${(text.length / 1e6).toFixed(1)} MB, ${records.length} records, a chain of ${sessions} sessions`,
);

const pass: number[] = [];
const lenses: number[] = [];
const lookup: number[] = [];
let hops = 0;
for (let r = 0; r < runs; r++) {
  let t = performance.now();
  const keys = documentKeys(text);
  pass.push(performance.now() - t);
  t = performance.now();
  for (const rec of chainRecords)
    hops = Math.max(hops, originInDocument(keys, records, rec, parse)?.hops.length ?? 0);
  lenses.push(performance.now() - t);
  t = performance.now();
  let found = 0;
  for (let i = 0; i < Math.min(sessions, 256); i++) found += text.indexOf(key(i)) >= 0 ? 1 : 0;
  lookup.push(performance.now() - t);
  if (found === 0) throw new Error('no key found');
}
console.log(
  `documentKeys (once per version): median ${median(pass).toFixed(0)} ms (${pass.map((x) => x.toFixed(0)).join(', ')})`,
);
console.log(
  `origins of all ${chainRecords.length} chain records: median ${median(lenses).toFixed(0)} ms (${lenses.map((x) => x.toFixed(0)).join(', ')}); longest chain ${hops} hops`,
);
console.log(
  `the lookup before, for ONE lens (${Math.min(sessions, 256)} keys searched in the whole text): median ${median(lookup).toFixed(0)} ms (${lookup.map((x) => x.toFixed(0)).join(', ')})`,
);
