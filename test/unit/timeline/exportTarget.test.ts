import assert from 'node:assert/strict';
import { isInside } from '../../../src/core/output/outputTarget';
import { defaultExportFolder } from '../../../src/extension/timeline/exportTarget';

describe('timeline: where an export is suggested', () => {
  const home = '/home/ir';
  it('never inside the evidence: the workspace is the evidence folder, so home', () => {
    assert.equal(
      defaultExportFolder({
        setting: '',
        workspaceFolders: ['/cases/42/evidence'],
        evidence: ['/cases/42/evidence'],
        home,
      }),
      home,
    );
    assert.equal(
      defaultExportFolder({
        setting: '',
        workspaceFolders: ['/cases/42/evidence/AWSLogs'],
        evidence: ['/cases/42/evidence'],
        home,
      }),
      home,
    );
  });

  it('the workspace when the evidence is elsewhere or below it', () => {
    assert.equal(
      defaultExportFolder({
        setting: '',
        workspaceFolders: ['/cases/42'],
        evidence: ['/cases/42/evidence'],
        home,
      }),
      '/cases/42',
    );
    assert.equal(
      defaultExportFolder({
        setting: '',
        workspaceFolders: [],
        evidence: ['/cases/42/evidence'],
        home,
      }),
      home,
    );
  });

  it('the configured export folder first (relative to the workspace), unless it is in the evidence', () => {
    assert.equal(
      defaultExportFolder({
        setting: 'exports',
        workspaceFolders: ['/cases/42'],
        evidence: ['/cases/42/evidence'],
        home,
      }),
      '/cases/42/exports',
    );
    assert.equal(
      defaultExportFolder({
        setting: '~/out',
        workspaceFolders: ['/cases/42/evidence'],
        evidence: ['/cases/42/evidence'],
        home,
      }),
      '/home/ir/out',
    );
    assert.equal(
      defaultExportFolder({
        setting: 'evidence/x',
        workspaceFolders: ['/cases/42'],
        evidence: ['/cases/42/evidence'],
        home,
      }),
      '/cases/42',
    );
  });

  it('tells inside from a sibling with the same prefix', () => {
    assert.ok(isInside('/a/b/c', '/a/b'));
    assert.ok(isInside('/a/b', '/a/b/'));
    assert.ok(!isInside('/a/bc', '/a/b'));
    assert.ok(!isInside('/a', '/a/b'));
  });
});
