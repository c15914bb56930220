// The one column model (src/core/index/columns.ts): every table column has its CSS width, each
// name means one field across columns, facets and query aliases, and the views derived from the
// table (row shape, CSV header, CLI names, facets) say what they said before it existed.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  COLUMN_IDS,
  COLUMN_TITLES,
  COLUMNS,
  DEFAULT_COLUMN_IDS,
  DEFAULT_CSV_FIELDS,
  EXPORT_CSV_FIELDS,
  FACET_FIELDS,
  FACET_IDS,
  SUMMARY_FIELDS,
  NO_EVENT_TIME,
  toRow,
} from '../../../src/core/index/columns';
import type { EventSummary } from '../../../src/core/index/eventIndex';
import { resolveField } from '../../../src/core/query/fields';
import { validateToWebview } from '../../../src/protocol';

const summary: EventSummary = {
  row: 7,
  time: Date.UTC(2024, 4, 14, 10, 0, 0),
  eventTime: '2024-05-14T10:00:00Z',
  eventName: 'GetObject',
  eventSource: 's3.amazonaws.com',
  principal: 'Admin/alice',
  principalType: 'AssumedRole',
  principalArn: 'arn:aws:sts::1:assumed-role/Admin/alice',
  accessKeyId: 'ASIAEXAMPLE',
  sourceIPAddress: '192.0.2.1',
  userAgent: 'aws-cli/2',
  region: 'eu-west-1',
  account: '111122223333',
  errorCode: 'AccessDenied',
  readOnly: true,
  eventID: 'e-1',
  eventType: 'AwsApiCall',
  fileId: 0,
  fileKey: 'a.json',
  origin: 'arn:aws:iam::111122223333:user/alice',
  originName: 'alice',
  originType: 'IAMUser',
  originHops: 1,
  originComplete: true,
};

describe('the column model', () => {
  it('gives every table column a width in media/timeline.css (--col-<id>)', () => {
    const css = readFileSync(join(__dirname, '../../../media/timeline.css'), 'utf8');
    for (const id of COLUMN_IDS)
      assert.match(
        css,
        new RegExp(`--col-${id}\\s*:`),
        `media/timeline.css has no --col-${id} width`,
      );
  });

  it('has unique ids and unique CLI/CSV names', () => {
    assert.equal(new Set(COLUMNS.map((c) => c.id)).size, COLUMNS.length);
    const names = COLUMNS.flatMap((c) => [c.csv, ...('csvAliases' in c ? c.csvAliases : [])]);
    assert.equal(new Set(names).size, names.length, 'a --fields name names two columns');
    assert.equal(SUMMARY_FIELDS.size, names.length);
  });

  it('gives each column and facet name one meaning: typed as a query field, it selects the column field', () => {
    for (const c of COLUMNS) {
      if (!c.field) continue;
      const shown = c.table !== 'none' || c.facet !== false;
      for (const name of [c.id, c.csv]) {
        const { paths, alias } = resolveField(name);
        // A name that is neither an alias nor a record path is not a query field; the table's
        // columns and the facets must all be one.
        const isField = !!alias || paths[0] === c.field || name === c.field;
        if (shown && name === c.id) assert.ok(isField, `column "${c.id}" is not a query field`);
        if (isField)
          assert.ok(
            paths.includes(c.field),
            `${name}: the query field means ${paths.join('|')}, the column ${c.field}`,
          );
      }
    }
  });

  it('derives what the table, the facets, the CLI and the export used to list by hand', () => {
    // Origin (core/origin) is offered in the columns menu, not shown by default; Detections is shown.
    assert.deepEqual(COLUMN_IDS, [
      'time',
      'tag',
      'detection',
      'eventName',
      'eventSource',
      'principal',
      'sourceIp',
      'region',
      'account',
      'errorCode',
      'readOnly',
      'origin',
    ]);
    assert.deepEqual(DEFAULT_COLUMN_IDS, COLUMN_IDS.slice(0, -2));
    assert.deepEqual(FACET_IDS, [
      'tag',
      'detection',
      'eventName',
      'eventSource',
      'principal',
      'sourceIp',
      'region',
      'account',
      'errorCode',
      'userAgent',
      'origin',
    ]);
    assert.deepEqual(FACET_FIELDS, {
      tag: '@tag',
      detection: '@detection',
      eventName: 'eventName',
      eventSource: 'eventSource',
      principal: 'userIdentity.arn',
      sourceIp: 'sourceIPAddress',
      region: 'awsRegion',
      account: 'recipientAccountId',
      errorCode: 'errorCode',
      userAgent: 'userAgent',
      origin: '@origin',
    });
    assert.deepEqual(EXPORT_CSV_FIELDS, [
      'time',
      'case',
      'detections',
      'eventName',
      'eventSource',
      'principal',
      'sourceIPAddress',
      'region',
      'account',
      'errorCode',
      'readOnly',
      'origin',
    ]);
    // The CLI runs the rules only when asked (--fields detections, a detection:/level: filter, --annotate).
    assert.deepEqual(
      DEFAULT_CSV_FIELDS,
      EXPORT_CSV_FIELDS.slice(0, -2).filter((f) => f !== 'detections'),
    );
    assert.equal(COLUMN_TITLES.sourceIp, 'Source IP');
  });

  it('reads a row the protocol accepts, every column as its text and the time as a number', () => {
    const row = toRow(summary);
    assert.deepEqual(row, {
      id: 7,
      time: summary.time,
      tag: '',
      detection: '',
      eventName: 'GetObject',
      eventSource: 's3.amazonaws.com',
      principal: 'Admin/alice',
      sourceIp: '192.0.2.1',
      region: 'eu-west-1',
      account: '111122223333',
      errorCode: 'AccessDenied',
      readOnly: 'true',
      origin: 'arn:aws:iam::111122223333:user/alice',
    });
    assert.ok(validateToWebview({ type: 'pageResult', queryId: 1, start: 0, rows: [row] }));
    assert.equal(toRow({ ...summary, time: NaN, readOnly: undefined }).time, NO_EVENT_TIME);
    // 1969-12-31T23:59:59Z is a time, kept as one (not the mark of "no time").
    assert.equal(toRow({ ...summary, time: -1000 }).time, -1000);
    assert.equal(toRow({ ...summary, time: -1 }).time, -1);
    assert.equal(toRow({ ...summary, readOnly: undefined }).readOnly, '');
    for (const id of COLUMN_IDS) {
      const { [id]: _dropped, ...missing } = row;
      assert.equal(
        validateToWebview({ type: 'pageResult', queryId: 1, start: 0, rows: [missing] }),
        undefined,
        `a row without ${id} is refused`,
      );
    }
  });

  it('reads each CLI field name, aliases included, from the summary', () => {
    assert.equal(SUMMARY_FIELDS.get('time')!(summary), '2024-05-14T10:00:00Z');
    assert.equal(SUMMARY_FIELDS.get('eventTime')!(summary), '2024-05-14T10:00:00Z');
    assert.equal(SUMMARY_FIELDS.get('awsRegion')!(summary), 'eu-west-1');
    assert.equal(SUMMARY_FIELDS.get('file')!(summary), 'a.json');
    assert.equal(SUMMARY_FIELDS.get('origin')!(summary), 'arn:aws:iam::111122223333:user/alice');
    assert.equal(SUMMARY_FIELDS.get('originType')!(summary), 'IAMUser');
    assert.equal(SUMMARY_FIELDS.get('originHops')!(summary), '1');
    assert.equal(SUMMARY_FIELDS.get('originComplete')!(summary), 'true');
    assert.equal(SUMMARY_FIELDS.get('constructor'), undefined);
  });
});
