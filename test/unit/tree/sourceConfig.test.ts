import * as assert from 'node:assert/strict';
import {
  describeSource,
  normalizedS3Prefix,
  parseS3Location,
  parseSourcesSetting,
  resolveFolderPath,
  s3Uri,
  sourceIdentity,
  unknownRemoteSource,
  usersSources,
} from '../../../src/extension/sources/sourceConfig';

describe('cloudtrailLens.sources setting', () => {
  it('keeps every valid entry and explains each invalid one by its index', () => {
    const { sources, problems } = parseSourcesSetting([
      { type: 'folder', path: '~/cases/incident-42' },
      { type: 's3', bucket: 'trail-bucket', prefix: 'org', profile: 'audit', region: '' },
      { type: 'folder' },
      { type: 's3', bucket: 'Not_A_Bucket' },
      { type: 'gcs', bucket: 'x' },
      'logs/',
      { type: 's3', bucket: 'ok-bucket', region: 5 },
    ]);
    assert.deepEqual(sources, [
      { type: 'folder', path: '~/cases/incident-42' },
      { type: 's3', bucket: 'trail-bucket', prefix: 'org', profile: 'audit' },
      { type: 's3', bucket: 'ok-bucket' },
    ]);
    assert.deepEqual(problems, [
      'cloudtrailLens.sources[2]: a folder source needs a "path"',
      'cloudtrailLens.sources[3]: "Not_A_Bucket" is not an S3 bucket name',
      'cloudtrailLens.sources[4]: unknown type "gcs" (expected "folder", "s3" or "event-history")',
      'cloudtrailLens.sources[5]: expected an object such as { "type": "folder", "path": "…" }',
      'cloudtrailLens.sources[6]: "region" must be a string',
    ]);
  });

  it('names a bucket that is a URL with a password without the password (the problem is logged and shown)', () => {
    const { problems } = parseSourcesSetting([
      { type: 's3', bucket: 'http://analyst:s3cret@minio.example:9000/trail-bucket' },
    ]);
    assert.deepEqual(problems, [
      'cloudtrailLens.sources[0]: "http://<redacted>@minio.example:9000/trail-bucket" is not an S3 bucket name',
    ]);
  });

  it('reads Event history sources: regions required, lookbackHours bounded', () => {
    const { sources, problems } = parseSourcesSetting([
      {
        type: 'event-history',
        profile: 'audit',
        regions: ['us-east-1', 'eu-west-1', 'us-east-1'],
        lookbackHours: 48,
      },
      { type: 'event-history', regions: [] },
      { type: 'event-history', regions: ['us-east-1', 'not a region'] },
      { type: 'event-history', regions: ['us-east-1'], lookbackHours: 5000 },
    ]);
    assert.deepEqual(sources, [
      {
        type: 'event-history',
        profile: 'audit',
        regions: ['us-east-1', 'eu-west-1'],
        lookbackHours: 48,
      },
      { type: 'event-history', regions: ['us-east-1'] },
    ]);
    assert.equal(problems.length, 3);
    assert.match(
      problems[0],
      /^cloudtrailLens.sources\[1\]: an event-history source needs "regions"/,
    );
    assert.match(problems[1], /not regions: "not a region"/);
    assert.match(problems[2], /lookbackHours/);
    assert.equal(
      describeSource(sources[0]),
      'Event history (LookupEvents) in us-east-1, eu-west-1 (profile audit)',
    );
    assert.notEqual(sourceIdentity(sources[0]), sourceIdentity(sources[1]));
  });

  it('treats a missing setting as no sources and a non-list as one problem', () => {
    assert.deepEqual(parseSourcesSetting(undefined), { sources: [], problems: [] });
    assert.deepEqual(parseSourcesSetting({ type: 'folder', path: '/x' }).problems, [
      'cloudtrailLens.sources must be a list of sources',
    ]);
  });

  it('resolves ~ and relative folder paths; a relative path without a workspace has no answer', () => {
    assert.equal(resolveFolderPath('~/logs', '/work', '/home/ana'), '/home/ana/logs');
    assert.equal(resolveFolderPath('logs/../cases', '/work', '/home/ana'), '/work/cases');
    assert.equal(resolveFolderPath('/abs//logs/', '/work', '/home/ana'), '/abs/logs/');
    assert.equal(resolveFolderPath('logs', undefined, '/home/ana'), undefined);
  });

  it('gives the same identity to the same source written two ways', () => {
    assert.equal(
      sourceIdentity({ type: 'folder', path: 'logs' }, '/work'),
      sourceIdentity({ type: 'folder', path: '/work/logs' }, '/elsewhere'),
    );
    assert.equal(
      sourceIdentity({ type: 's3', bucket: 'b', prefix: 'p' }),
      sourceIdentity({ type: 's3', bucket: 'b', prefix: '/p/' }),
    );
    assert.notEqual(
      sourceIdentity({ type: 's3', bucket: 'b', profile: 'x' }),
      sourceIdentity({ type: 's3', bucket: 'b', profile: 'y' }),
    );
  });

  it('writes S3 URIs and descriptions with the prefix normalised', () => {
    assert.equal(normalizedS3Prefix('a/b'), 'a/b/');
    assert.equal(s3Uri({ type: 's3', bucket: 'b', prefix: 'org' }), 's3://b/org/');
    // Keys are relative to the bucket root, so they already hold the prefix.
    assert.equal(
      s3Uri({ type: 's3', bucket: 'b', prefix: 'org' }, 'org/AWSLogs/111111111111/'),
      's3://b/org/AWSLogs/111111111111/',
    );
    assert.equal(
      describeSource({ type: 's3', bucket: 'b', profile: 'audit', region: 'eu-west-1' }),
      's3://b/ (profile audit, eu-west-1)',
    );
  });

  it('describes a source without the password of its endpoint URL (titles, tooltips, messages, the log)', () => {
    assert.equal(
      describeSource({
        type: 's3',
        bucket: 'b',
        endpoint: 'http://analyst:s3cret@127.0.0.1:9000',
      }),
      's3://b/ (http://<redacted>@127.0.0.1:9000)',
    );
    assert.equal(
      describeSource({ type: 's3', bucket: 'b', endpoint: 'https://minio.example:9000' }),
      's3://b/ (https://minio.example:9000)',
    );
  });

  it('reads an S3 location typed by a person', () => {
    assert.deepEqual(parseS3Location(' s3://trail-bucket/org/logs '), {
      bucket: 'trail-bucket',
      prefix: 'org/logs',
    });
    assert.deepEqual(parseS3Location('trail-bucket'), { bucket: 'trail-bucket' });
    assert.equal(parseS3Location('s3://Bad_Bucket/x'), undefined);
    assert.equal(parseS3Location(''), undefined);
  });
});

describe('unknownRemoteSource (a saved search from a shared case file)', () => {
  const s3 = { type: 's3', bucket: 'trail-bucket', prefix: 'logs/', profile: 'prod' } as const;
  it('names an S3 location or Event history that is none of the configured sources', () => {
    const attacker = { ...s3, endpoint: 'https://collector.example' };
    assert.deepEqual(unknownRemoteSource({ source: attacker }, [s3]), attacker);
    const history = { type: 'event-history', regions: ['us-east-1'], profile: 'prod' };
    assert.deepEqual(unknownRemoteSource({ source: history, filter: 'x' }, []), history);
  });
  it('names a folder on a network share (UNC) that is none of the configured sources', () => {
    for (const p of [
      '\\\\collector.example\\logs',
      '//collector.example/logs',
      '\\\\?\\UNC\\host\\s',
    ]) {
      const share = { type: 'folder', path: p } as const;
      assert.deepEqual(unknownRemoteSource({ source: share }, []), share, p);
      assert.equal(unknownRemoteSource({ source: share }, [share]), undefined, p);
    }
  });
  it('is undefined for a configured source (however its prefix is written), a local folder, no source, or what is not a source', () => {
    assert.equal(unknownRemoteSource({ source: { ...s3, prefix: 'logs' } }, [s3]), undefined);
    assert.equal(
      unknownRemoteSource({ source: { type: 'folder', path: '/evidence' } }, []),
      undefined,
    );
    assert.equal(unknownRemoteSource({ workspace: true }, []), undefined);
    assert.equal(unknownRemoteSource(undefined, []), undefined);
    assert.equal(unknownRemoteSource({ source: { type: 'ftp' } }, []), undefined);
  });
});

describe("usersSources (which configured sources are the user's own)", () => {
  const mine = { type: 's3', bucket: 'trail-bucket', profile: 'prod' } as const;
  const planted = { type: 's3', bucket: 'trail-bucket', endpoint: 'https://collector.example' };
  const share = { type: 'folder', path: '\\\\collector.example\\logs' };
  const levels = { globalValue: [mine], workspaceValue: [planted], workspaceFolderValue: [share] };
  it("counts a workspace's or a folder's sources only when the workspace is trusted", () => {
    assert.deepEqual(usersSources(levels, false), [mine]);
    assert.deepEqual(usersSources(levels, true), [mine, planted, share]);
  });
  it("so a saved search naming a source of an untrusted workspace's settings is asked about", () => {
    for (const source of [planted, share]) {
      assert.deepEqual(unknownRemoteSource({ source }, usersSources(levels, false)), source);
      assert.equal(unknownRemoteSource({ source }, usersSources(levels, true)), undefined);
    }
    assert.equal(unknownRemoteSource({ source: mine }, usersSources(levels, false)), undefined);
  });
  it('keeps only what parses as a source, from any level that is a list', () => {
    assert.deepEqual(usersSources(undefined, true), []);
    assert.deepEqual(
      usersSources({ globalValue: 'x', workspaceValue: [{ type: 'ftp' }] }, true),
      [],
    );
    assert.deepEqual(usersSources({ globalValue: [{ type: 'ftp' }, mine] }, false), [mine]);
  });
});
