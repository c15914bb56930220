// Records rebuilt from Athena / CloudTrail Lake result rows, from pages shaped as the services
// send them (athena.ts: a NULL is a cell without VarCharValue, read as null; lake.ts: NULL and
// '' are both ''): what the table can tell is kept as the log wrote it, and what it cannot tell
// is said in the note the user sees.
import { strict as assert } from 'node:assert';
import type { ResultPage } from '../../../src/core/sql/athena';
import { lakeToTimeline, REBUILT_NOTE, REBUILT_NOTE_LAKE } from '../../../src/core/sql/remote';
import { recordsFromRows, rowsDocument } from '../../../src/core/sql/results';
import type { LakeRunner } from '../../../src/core/sql/lake';

const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

describe('records rebuilt from result rows', () => {
  it('Athena: an empty text is kept (Athena tells it from NULL); a NULL is left out', () => {
    const page: ResultPage = {
      columns: ['eventid', 'eventname', 'errorcode', 'errormessage', 'useragent', '$path'],
      rows: [['e-1', 'GetObject', 'AccessDenied', '', null, 's3://b/k.json.gz']],
    };
    const [record] = recordsFromRows(page, 'athena');
    assert.deepEqual(record, {
      eventID: 'e-1',
      eventName: 'GetObject',
      errorCode: 'AccessDenied',
      errorMessage: '',
    });
    assert.deepEqual(JSON.parse(decode(rowsDocument(page, 'athena'))), { Records: [record] });
  });

  it('CloudTrail Lake: NULL and an empty text both come as "" and are left out, and the note says so', () => {
    const page: ResultPage = {
      columns: ['eventID', 'eventName', 'errorMessage'],
      rows: [['e-1', 'GetObject', '']],
    };
    assert.deepEqual(recordsFromRows(page, 'lake'), [{ eventID: 'e-1', eventName: 'GetObject' }]);
    const outcome = lakeToTimeline(
      { query: async function* () {} } as unknown as LakeRunner,
      '',
      {},
    );
    assert.equal(outcome.kind === 'rows' && outcome.note, REBUILT_NOTE_LAKE);
    assert.match(REBUILT_NOTE_LAKE, /event data store's columns, as the event data store has them/);
    assert.match(REBUILT_NOTE_LAKE, /empty text/);
    assert.match(REBUILT_NOTE_LAKE, /requestParameters, responseElements and additionalEventData/);
    assert.match(REBUILT_NOTE, /null/);
  });

  it("Athena: a JSON column's text goes into the document as the table holds it (3600.0, a 20-digit number)", () => {
    const text =
      '{"durationSeconds":3600.0,"bytes":1.5E3,"id":12345678901234567890,"tags":[{"k":"v"}]}';
    const page: ResultPage = {
      columns: ['eventid', 'requestparameters', 'additionaleventdata'],
      rows: [['e-1', text, 'not json']],
    };
    const doc = decode(rowsDocument(page, 'athena'));
    assert.equal(
      doc,
      `{"Records":[{"eventID":"e-1","requestParameters":${text},"additionalEventData":"not json"}]}`,
    );
    assert.deepEqual(recordsFromRows(page, 'athena')[0].requestParameters, JSON.parse(text));
  });
});
