// The committed hostile digest fixture (test/fixtures/hostile-digests, made by its make.ts): each
// region is one attack on a signed chain by someone without the signing key. The AWS CLI passes
// all but the bomb; validation must name every one.
import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import { cli } from './helpers';

const DIR = join(__dirname, '../../fixtures/hostile-digests');
const ARGS = [
  join(DIR, 'bucket'),
  '--public-keys',
  join(DIR, 'keys.json'),
  '--signatures',
  join(DIR, 'signatures.json'),
  '--end-time',
  '2024-05-15T00:00:00Z',
];

interface JsonReport {
  exitCode: number;
  chains: Array<{
    chain: { region: string };
    counts: Record<string, number>;
    events: Array<{ type: string; kind: string }>;
    findings: Array<{ kind: string; keys?: string[] }>;
  }>;
}

describe('hostile digest fixture', function () {
  this.timeout(60_000);

  it('every attack is named, with the AWS CLI lines of each chain unchanged, and exit 1', async () => {
    const r = await cli([...ARGS, '--format', 'json']);
    const report = JSON.parse(r.out) as JsonReport;
    assert.equal(r.code, 1);
    const by = new Map(report.chains.map((c) => [c.chain.region, c]));
    assert.deepEqual(
      [...by.keys()],
      ['ap-northeast-1', 'eu-central-1', 'eu-west-1', 'sa-east-1', 'us-east-1', 'us-west-2'],
    );
    const kinds = (region: string) => by.get(region)!.findings.map((f) => f.kind);
    const pick = (region: string, ...names: string[]) =>
      Object.fromEntries(names.map((n) => [n, by.get(region)!.counts[n]]));

    // Newest digest deleted, a log of its hour edited: the CLI says 2/2 and 4/4 valid.
    assert.deepEqual(
      pick(
        'us-east-1',
        'validDigests',
        'invalidDigests',
        'validLogs',
        'notValidatedLogs',
        'deletedDigests',
      ),
      { validDigests: 2, invalidDigests: 0, validLogs: 4, notValidatedLogs: 2, deletedDigests: 1 },
    );
    assert.deepEqual(kinds('us-east-1'), ['chain-truncated', 'deleted-digest']);
    // A forged log inside covered hours.
    assert.deepEqual(pick('us-west-2', 'validDigests', 'validLogs', 'notValidatedLogs'), {
      validDigests: 3,
      validLogs: 6,
      notValidatedLogs: 1,
    });
    assert.deepEqual(kinds('us-west-2'), ['unlisted-log', 'chain-end']);
    // The newest digest a gzip bomb: INVALID: invalid format; the logs of its hour NOT VALIDATED.
    assert.deepEqual(
      by
        .get('eu-west-1')!
        .events.filter((e) => e.type === 'digest')
        .map((e) => e.kind),
      ['invalid-format', 'valid'],
    );
    assert.deepEqual(pick('eu-west-1', 'invalidDigests', 'notValidatedLogs'), {
      invalidDigests: 1,
      notValidatedLogs: 2,
    });
    // Logs from before the chain began, found by the default window.
    assert.deepEqual(kinds('ap-northeast-1'), ['no-digests', 'chain-end']);
    assert.deepEqual(pick('ap-northeast-1', 'uncoveredLogs', 'notValidatedLogs'), {
      uncoveredLogs: 1,
      notValidatedLogs: 0,
    });

    // A gzip member appended to a listed log: the AWS CLI hashes the first member only.
    assert.deepEqual(pick('eu-central-1', 'validDigests', 'validLogs', 'trailingDataLogs'), {
      validDigests: 2,
      validLogs: 4,
      trailingDataLogs: 1,
    });
    assert.deepEqual(kinds('eu-central-1'), ['log-trailing-data', 'chain-end']);
    // Files CloudTrail never delivers in a log folder, or above the day folders: the AWS CLI does
    // not look at them.
    assert.deepEqual(pick('sa-east-1', 'validDigests', 'validLogs', 'foreignFiles'), {
      validDigests: 2,
      validLogs: 4,
      foreignFiles: 3,
    });
    assert.deepEqual(kinds('sa-east-1'), [
      'chain-end',
      'foreign-file',
      'foreign-file',
      'foreign-file',
    ]);

    const text = await cli(ARGS);
    const east = text.out
      .split('# chain: 111122223333 us-east-1 (trail management-events, home us-east-1)\n')[1]
      .split('# chain:')[0];
    assert.ok(
      east.startsWith(
        'Validating log files for trail arn:aws:cloudtrail:us-east-1:111122223333:trail/management-events between 2024-05-14T03:00:00Z and 2024-05-15T00:00:00Z\n\n' +
          'Results requested for 2024-05-14T03:00:00Z to 2024-05-15T00:00:00Z\nResults found for 2024-05-14T09:17:42Z to 2024-05-14T11:17:42Z:\n\n2/2 digest files valid\n4/4 log files valid\n' +
          'FINDING\tcoverage\t2 log file(s) in the window are listed by no digest: 2 NOT VALIDATED (2 delivered after the newest digest, whose successor was due); 1 digest file(s) deleted (signature on record, file gone)\n',
      ),
      east,
    );
  });
});
