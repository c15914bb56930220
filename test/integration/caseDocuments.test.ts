// The case in a log document (issue 18), in the real VS Code: an annotation of the document's
// log object is found on its record by eventID (the gutter star and the hover sit there); one of
// another object with the same eventID is not.
import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { applyEdit, emptyCase } from '../../src/core/case/caseFile';
import { annotatedRecords, documentKey } from '../../src/extension/case/caseDocuments';
import { RecordIndexCache } from '../../src/extension/documents/recordIndexCache';

describe('case: annotated records in a log document', () => {
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), 'ctl-case-doc-'))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('finds each annotated record of the document by its eventID and object', async () => {
    const record = (id: string, t: string) => ({
      eventVersion: '1.09',
      eventTime: t,
      eventSource: 's3.amazonaws.com',
      eventName: 'GetObject',
      awsRegion: 'us-east-1',
      eventID: id,
    });
    const file = join(
      dir,
      '111122223333_CloudTrail_us-east-1_20240514T1010Z_abcdefghijklmnop.json',
    );
    writeFileSync(
      file,
      JSON.stringify(
        {
          Records: [
            record('id-1', '2024-05-14T10:00:00Z'),
            record('id-2', '2024-05-14T10:01:00Z'),
            record('id-3', '2024-05-14T10:02:00Z'),
          ],
        },
        null,
        2,
      ),
    );
    const document = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
    const key = documentKey(document);
    assert.ok(
      key.endsWith('111122223333_CloudTrail_us-east-1_20240514T1010Z_abcdefghijklmnop.json'),
      key,
    );
    const when = new Date('2026-12-05T20:00:00Z');
    let c = applyEdit(
      emptyCase(),
      [
        {
          eventID: 'id-2',
          key: `AWSLogs/111122223333/CloudTrail/us-east-1/2024/05/14/${key.split('/').pop()}`,
          eventTime: '',
        },
      ],
      { kind: 'star', starred: true },
      'a',
      when,
    );
    c = applyEdit(
      c,
      [{ eventID: 'id-3', key: 'AWSLogs/other-object.json.gz', eventTime: '' }],
      { kind: 'star', starred: true },
      'a',
      when,
    );
    const cache = new RecordIndexCache();
    try {
      const found = annotatedRecords(document, cache, c.annotations);
      assert.equal(found.length, 1);
      assert.equal(found[0].annotation.eventID, 'id-2');
      const text = document.getText(
        new vscode.Range(
          document.positionAt(found[0].record.start),
          document.positionAt(found[0].record.end),
        ),
      );
      assert.equal(JSON.parse(text).eventID, 'id-2');
    } finally {
      cache.dispose();
    }
  });

  it('does not show an annotation of a file on another file of the same name (a forged copy reusing the eventID)', async () => {
    const name = '111122223333_CloudTrail_us-east-1_20240514T1010Z_samenamesamename.json';
    const record = {
      eventVersion: '1.09',
      eventTime: '2024-05-14T10:00:00Z',
      eventSource: 's3.amazonaws.com',
      eventName: 'GetObject',
      awsRegion: 'us-east-1',
      eventID: 'reused-id',
    };
    const real = join(dir, 'real', name);
    const forged = join(dir, 'forged', name);
    for (const f of [real, forged]) {
      mkdirSync(join(f, '..'), { recursive: true });
      writeFileSync(f, JSON.stringify({ Records: [record] }, null, 2));
    }
    const realDoc = await vscode.workspace.openTextDocument(vscode.Uri.file(real));
    const forgedDoc = await vscode.workspace.openTextDocument(vscode.Uri.file(forged));
    const c = applyEdit(
      emptyCase(),
      [{ eventID: 'reused-id', key: documentKey(realDoc), eventTime: '' }],
      { kind: 'star', starred: true },
      'a',
      new Date('2026-12-05T20:00:00Z'),
    );
    const cache = new RecordIndexCache();
    try {
      assert.equal(annotatedRecords(realDoc, cache, c.annotations).length, 1);
      assert.deepEqual(annotatedRecords(forgedDoc, cache, c.annotations), []);
    } finally {
      cache.dispose();
    }
  });
});
