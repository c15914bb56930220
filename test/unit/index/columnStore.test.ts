// The columns' ids are as narrow as their dictionaries (ColumnStore's IdArray): one byte each
// while a column holds at most 256 values, two up to 65,536, four past that or once a sentinel
// (IRREGULAR, PACKED_UUID) is met. Widening must never change a value a row reads back.
import * as assert from 'node:assert/strict';
import { buildBatch } from '../../../src/core/ingest/batch';
import { ColumnStore, idArrayOf } from '../../../src/core/index/columnStore';
import { ABSENT, IRREGULAR, PACKED_UUID, SCALAR_FIELDS } from '../../../src/core/index/schema';

const UUID = '6b1f5a3e-0c2d-4b8e-9f10-2a3b4c5d6e7f';

function record(i: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    eventVersion: '1.08',
    eventTime: `2024-05-14T00:00:${String(i % 60).padStart(2, '0')}Z`,
    eventName: `Call${i}`,
    eventSource: 's3.amazonaws.com',
    awsRegion: 'eu-west-1',
    eventID: `not-a-uuid-${i}`,
    ...extra,
  };
}

function append(store: ColumnStore, records: Record<string, unknown>[], fileId = 0): void {
  store.append(
    fileId,
    buildBatch(
      records,
      records.map((_, k) => k),
      'records',
    ),
  );
}

/** The values rows read back from one column. */
function valuesOf(store: ColumnStore, field: string): unknown[] {
  const c = store.scalarByField.get(field)!;
  return Array.from({ length: store.size }, (_, r) =>
    c.ids[r] === IRREGULAR ? 'IRREGULAR' : c.dict.values[c.ids[r]],
  );
}

describe('ColumnStore: id columns as narrow as their dictionaries', () => {
  it('starts at one byte, widens to two past 256 values and to four past 65,536, rows unchanged', () => {
    const store = new ColumnStore();
    append(store, [record(0), record(1)]);
    const names = store.scalarByField.get('eventName')!;
    assert.equal(names.ids.BYTES_PER_ELEMENT, 1);
    assert.equal(store.scalarByField.get('awsRegion')!.ids.BYTES_PER_ELEMENT, 1);

    // 255 values and the absent one fit a byte; the 256th value (id 256) does not.
    append(
      store,
      Array.from({ length: 253 }, (_, k) => record(k + 2)),
    );
    assert.equal(names.dict.size, 256);
    assert.equal(names.ids.BYTES_PER_ELEMENT, 1, '256 ids (0-255) still fit a byte');
    append(store, [record(255)]);
    assert.equal(names.ids.BYTES_PER_ELEMENT, 2);
    assert.equal(store.scalarByField.get('awsRegion')!.ids.BYTES_PER_ELEMENT, 1, 'others stay');

    // Past 65,536 values, in batches that each widen nothing but the last.
    for (let first = 256; first < 65_540; first += 5_000)
      append(
        store,
        Array.from({ length: Math.min(5_000, 65_540 - first) }, (_, k) => record(first + k)),
      );
    assert.equal(names.ids.BYTES_PER_ELEMENT, 4);
    assert.equal(store.size, 65_540);
    const expected = Array.from({ length: 65_540 }, (_, i) => `Call${i}`);
    assert.deepEqual(valuesOf(store, 'eventName'), expected);
    assert.ok(valuesOf(store, 'awsRegion').every((v) => v === 'eu-west-1'));
  });

  it('widens a one-byte column to four at its first irregular value, and lists the row', () => {
    const store = new ColumnStore();
    append(store, [record(0), record(1)]);
    const region = store.scalarByField.get('awsRegion')!;
    assert.equal(region.ids.BYTES_PER_ELEMENT, 1);
    append(store, [record(2, { awsRegion: { not: 'a scalar' } }), record(3)]);
    assert.equal(region.ids.BYTES_PER_ELEMENT, 4);
    assert.equal(region.ids[2], IRREGULAR);
    assert.deepEqual(region.irregular, [2]);
    assert.deepEqual(valuesOf(store, 'awsRegion'), [
      'eu-west-1',
      'eu-west-1',
      'IRREGULAR',
      'eu-west-1',
    ]);
  });

  it('widens the eventID column to four at its first packed UUID', () => {
    const store = new ColumnStore();
    append(store, [record(0)]);
    const ids = store.scalarByField.get('eventID')!;
    assert.equal(ids.ids.BYTES_PER_ELEMENT, 1);
    append(store, [record(1, { eventID: UUID }), record(2, { eventID: undefined })]);
    assert.equal(ids.ids.BYTES_PER_ELEMENT, 4);
    assert.equal(ids.ids[1], PACKED_UUID);
    assert.equal(store.packedEventId(1), UUID);
    assert.equal(ids.ids[2], ABSENT);
    assert.equal(ids.dict.values[ids.ids[0]], 'not-a-uuid-0');
  });

  it('keeps widths through growth, the trim and a state taken back whole', () => {
    const store = new ColumnStore();
    for (let f = 0; f < 6; f++)
      append(
        store,
        Array.from({ length: 400 }, (_, k) => record(f * 400 + k, { awsRegion: `r${k % 3}` })),
        f,
      );
    store.trim();
    const state = store.state();
    const back = new ColumnStore();
    back.restore(state);
    for (const field of ['eventName', 'awsRegion', 'eventSource']) {
      assert.equal(
        back.scalarByField.get(field)!.ids.constructor,
        store.scalarByField.get(field)!.ids.constructor,
        field,
      );
      assert.deepEqual(valuesOf(back, field), valuesOf(store, field), field);
    }
    assert.equal(store.scalarByField.get('eventName')!.ids.BYTES_PER_ELEMENT, 2);
    assert.equal(store.scalarByField.get('awsRegion')!.ids.BYTES_PER_ELEMENT, 1);
    // Appending after a restore grows the restored arrays, at their width.
    append(back, [record(9_999, { awsRegion: 'r9' })], 6);
    assert.equal(back.scalarByField.get('awsRegion')!.ids.BYTES_PER_ELEMENT, 1);
    assert.equal(valuesOf(back, 'awsRegion').at(-1), 'r9');
    assert.equal(valuesOf(back, 'eventName').at(-1), 'Call9999');
  });

  it('reads saved ids at the width their length gives, and refuses any other length', () => {
    const bytes = new Uint8Array(new ArrayBuffer(32), 8, 12);
    assert.equal(idArrayOf(bytes, 12).constructor, Uint8Array);
    assert.equal(idArrayOf(bytes, 6).constructor, Uint16Array);
    assert.equal(idArrayOf(bytes, 3).constructor, Uint32Array);
    assert.equal(idArrayOf(new Uint8Array(0), 0).length, 0);
    assert.throws(() => idArrayOf(bytes, 0), /array sizes/, 'bytes for no row');
    assert.throws(() => idArrayOf(bytes, 4), /array sizes/, '3 bytes per row');
    assert.throws(() => idArrayOf(bytes, 5), /array sizes/);
    assert.throws(() => idArrayOf(bytes, 24), /array sizes/, 'half a byte per row');
    assert.throws(
      () => idArrayOf(new Uint8Array(new ArrayBuffer(32), 9, 8), 4),
      /array sizes/,
      'two-byte ids at an odd offset',
    );
  });
});

function withoutKey(r: Record<string, unknown>, key: string): Record<string, unknown> {
  const { [key]: _, ...rest } = r;
  return rest;
}

describe('ColumnStore.batches: rows read back as the batches they were appended from', () => {
  const ASSUME_ROLE = {
    eventName: 'AssumeRole',
    eventSource: 'sts.amazonaws.com',
    responseElements: {
      credentials: { accessKeyId: 'ASIAEXAMPLE0000001' },
      assumedRoleUser: { arn: 'arn:aws:sts::111122223333:assumed-role/r/s' },
    },
    userIdentity: { type: 'IAMUser', arn: 'arn:aws:iam::111122223333:user/alice' },
  };
  // Every kind of row a batch can hold: sentinels, irregular times and resources, a key spelt in
  // another case, attribution inputs (kept sparse in the store), resources of several rows.
  const files: Record<string, unknown>[][] = [
    [
      record(0, { eventID: UUID }),
      record(1, ASSUME_ROLE),
      record(2, { eventName: { not: 'a string' } }), // IRREGULAR
      record(3, {
        resources: [
          { ARN: 'arn:aws:s3:::b/k1', type: 'AWS::S3::Object' },
          { ARN: 'arn:aws:s3:::b' },
        ],
      }),
    ],
    [
      record(4, { eventTime: '2024-05-14 00:00:04' }), // a time not in the canonical form
      record(5, { resources: 'not a list' }),
      withoutKey(record(6, { EventName: 'Other', eventname: 'Else' }), 'eventName'), // two spellings, no canonical one
      record(7, { ...ASSUME_ROLE, readOnly: false }),
      record(8, {
        errorCode: 'AccessDenied',
        userIdentity: { type: 'Root', accessKeyId: 'AKIAEXAMPLE' },
      }),
    ],
    [],
    [record(9), record(10, { eventName: 'Call0', awsRegion: 'us-east-1', eventID: 12 })],
  ];

  it('each file read back appends to another store as exactly the same rows, dictionaries and all', () => {
    const a = new ColumnStore();
    const firsts = files.map((records, fileId) => {
      const first = a.size;
      append(a, records, fileId);
      return first;
    });
    const b = new ColumnStore();
    const batches = a.batches();
    files.forEach((records, fileId) => {
      const batch = batches.batchOf(firsts[fileId], records.length, 'records');
      assert.equal(batch.count, records.length);
      // Its own dictionary: each value once, every one used by a row.
      assert.equal(new Set(batch.values).size, batch.values.length);
      const used = new Set([...batch.scalars, ...batch.resources].flatMap((ids) => [...ids]));
      for (let id = 1; id < batch.values.length; id++) assert.ok(used.has(id), `value ${id} used`);
      b.append(fileId, batch);
    });
    assert.deepEqual(b.state(), a.state());
    // The kinds of rows above are all there (the comparison covers them).
    const s = a.state();
    assert.ok(
      s.timeIrregular.length > 0 && s.resourceIrregular.length > 0 && s.rowIrregular.length > 0,
    );
    assert.ok(s.scalars.some((c) => c.irregular.length > 0));
    assert.ok(s.originInputs.some((c) => c.rows.length > 0));
    assert.ok([...s.scalars[SCALAR_FIELDS.indexOf('eventID')].ids].includes(PACKED_UUID));
  });

  it('reads a file in the middle alone, and refuses rows the store does not have', () => {
    const a = new ColumnStore();
    files.forEach((records, fileId) => append(a, records, fileId));
    const b = new ColumnStore();
    b.append(1, a.batches().batchOf(files[0].length, files[1].length, 'records'));
    const alone = new ColumnStore();
    append(alone, files[1], 1);
    assert.deepEqual(b.state(), alone.state());
    assert.throws(() => a.batches().batchOf(a.size - 1, 2, 'records'), /rows out of the store/);
  });
});
