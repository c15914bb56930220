// Opening a saved search of the shared case file: what is opened, and when the user is asked
// first (a scope naming an S3 location or Event history none of the user's sources).
import * as assert from 'node:assert/strict';
import type { SavedSearch } from '../../../src/core/case/caseFile';
import {
  savedSearchOpening,
  savedSearchScope,
} from '../../../src/extension/case/savedSearchOpening';
import type { SourceConfig } from '../../../src/extension/sources/sourceConfig';

const search = (scope?: Record<string, unknown>, range?: SavedSearch['range']): SavedSearch => ({
  name: 'Mallory [reads]',
  filter: 'eventName:GetObject',
  ...(range ? { range } : {}),
  ...(scope ? { scope } : {}),
  by: 'bo',
  at: '2024-06-01T00:00:00.000Z',
});
const mine: SourceConfig = { type: 's3', bucket: 'trail-bucket', prefix: 'logs/', profile: 'prod' };
const range = { from: 1_700_000_000_000, to: 1_700_003_600_000 };

describe('opening a saved search of the case file', () => {
  it('reopens a search without a scope over the workspace, with its filter and range, unasked', () => {
    assert.deepEqual(savedSearchOpening(search(undefined, range), [mine]), {
      open: { workspace: true, filter: 'eventName:GetObject', range },
    });
  });

  it('opens one of the user\u2019s sources (or a folder) as saved, unasked', () => {
    const scope = { source: { ...mine, prefix: 'logs' }, prefix: 'AWSLogs/1/', label: 'a day' };
    assert.deepEqual(savedSearchOpening(search(scope), [mine]), {
      open: { ...scope, filter: 'eventName:GetObject' },
    });
    const folder = { source: { type: 'folder', path: 'evidence' } };
    assert.equal(savedSearchOpening(search(folder), [], '/work').ask, undefined);
  });

  it('asks before an S3 location or Event history the user never added, naming it and the search', () => {
    const endpoint = { ...mine, endpoint: 'https://collector.example' };
    const s3 = savedSearchOpening(search({ source: endpoint, prefix: 'AWSLogs/' }), [mine]);
    assert.match(s3.ask!, /^The saved search "Mallory \[reads\]" of the case file opens /);
    assert.match(
      s3.ask!,
      /s3:\/\/trail-bucket\/logs\/ \(profile prod, https:\/\/collector\.example\)/,
    );
    assert.match(s3.ask!, /not one of your sources \(cloudtrailLens\.sources\)/);
    assert.deepEqual(s3.open, {
      source: endpoint,
      prefix: 'AWSLogs/',
      filter: 'eventName:GetObject',
    });
    const history = { type: 'event-history', regions: ['us-east-1'], profile: 'prod' };
    assert.match(
      savedSearchOpening(search({ source: history }), [mine]).ask!,
      /Event history \(LookupEvents\) in us-east-1 \(profile prod\)/,
    );
    // The same bucket in another region or with another profile is another source.
    assert.ok(savedSearchOpening(search({ source: { ...mine, region: 'eu-west-1' } }), [mine]).ask);
    assert.ok(savedSearchOpening(search({ source: { ...mine, profile: 'dev' } }), [])?.ask);
  });

  it('asks before a folder on a network share the user never added', () => {
    const share = { source: { type: 'folder', path: '\\\\collector.example\\logs' } };
    assert.match(
      savedSearchOpening(search(share), [], '/work').ask!,
      /opens the network folder \\\\collector\.example\\logs, which is not one of your sources .*signs in to that server/,
    );
  });

  it('opens with the search\u2019s own filter and range, not ones its scope carries', () => {
    const scope = { workspace: true, filter: 'x', range: { from: 0, to: 1 } };
    assert.deepEqual(savedSearchOpening(search(scope), []).open, {
      workspace: true,
      filter: 'eventName:GetObject',
    });
    assert.deepEqual(savedSearchOpening(search(scope, range), []).open, {
      workspace: true,
      filter: 'eventName:GetObject',
      range,
    });
  });

  describe('an endpoint URL that holds a user and password', () => {
    const minio: SourceConfig = {
      type: 's3',
      bucket: 'trail-bucket',
      profile: 'minio',
      endpoint: 'http://analyst:s3cr%40t@127.0.0.1:9000',
    };
    const scope = { source: minio, prefix: 'AWSLogs/1/', label: 'a day' };

    it('is saved in the shared case file without its user and password', () => {
      const saved = savedSearchScope(scope);
      assert.deepEqual(saved, {
        source: { ...minio, endpoint: 'http://127.0.0.1:9000' },
        prefix: 'AWSLogs/1/',
        label: 'a day',
      });
      assert.doesNotMatch(JSON.stringify(saved), /analyst|s3cr/);
      const history = {
        source: {
          type: 'event-history',
          regions: ['us-east-1'],
          endpoint: 'https://u:p@cloudtrail.vpce.example/',
        },
      };
      assert.deepEqual(savedSearchScope(history), {
        source: { ...history.source, endpoint: 'https://cloudtrail.vpce.example/' },
      });
      // A password holding an unescaped '@' goes with the rest of it (the host is after the last '@').
      const at = { source: { ...minio, endpoint: 'http://analyst:p@ss@127.0.0.1:9000' } };
      assert.equal(
        (savedSearchScope(at).source as SourceConfig & { endpoint: string }).endpoint,
        'http://127.0.0.1:9000',
      );
      // Nothing else changes: a scope without an endpoint, or the workspace's, is kept as it is.
      assert.deepEqual(savedSearchScope({ source: mine, prefix: 'x/' }), {
        source: mine,
        prefix: 'x/',
      });
      assert.deepEqual(savedSearchScope({ workspace: true }), { workspace: true });
    });

    it('reopens over the user\u2019s own source at that endpoint, with the endpoint as they configured it, unasked', () => {
      const opening = savedSearchOpening(search(savedSearchScope(scope)), [mine, minio]);
      assert.equal(opening.ask, undefined);
      assert.deepEqual(opening.open, { ...scope, filter: 'eventName:GetObject' });
    });

    it('asks when none of the user\u2019s sources is that bucket at that endpoint', () => {
      // A case file written before the endpoint's user-info was left out still carries it: the
      // user's source at the endpoint is found all the same.
      assert.deepEqual(savedSearchOpening(search(scope), [minio]), {
        open: { ...scope, filter: 'eventName:GetObject' },
      });
      const unknown = savedSearchOpening(search(scope), [mine]);
      assert.match(
        unknown.ask!,
        /opens s3:\/\/trail-bucket\/ \(profile minio, http:\/\/<redacted>@127\.0\.0\.1:9000\), which is not one of your sources/,
      );
      assert.doesNotMatch(unknown.ask!, /analyst|s3cr/);
      // Another profile or bucket at the same endpoint is another source.
      const other = savedSearchOpening(search(savedSearchScope(scope)), [
        { ...minio, profile: 'x' },
      ]);
      assert.ok(other.ask);
      assert.equal(
        (other.open.source as SourceConfig & { endpoint: string }).endpoint,
        'http://127.0.0.1:9000',
      );
    });
  });
});
