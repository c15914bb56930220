import assert from 'node:assert/strict';
import { defaultState, presetRange, restoreState } from '../../../src/webview/state';
import { shortServiceName } from '../../../src/webview/table';

describe('timeline: view state', () => {
  it('restores what was saved', () => {
    const saved = {
      ...defaultState(),
      filter: 'event:GetObject',
      preset: 'custom',
      range: { from: 1, to: 9 },
      sort: 'desc',
      selectedId: 42,
      selectedRow: 7,
      scrollRow: 120.5,
      columns: ['time', 'errorCode'],
      widths: { eventSource: 90, time: 200 },
      detailOpen: false,
    };
    assert.deepEqual(restoreState(JSON.parse(JSON.stringify(saved))), saved);
  });

  it('falls back field by field on junk', () => {
    const s = restoreState({
      filter: 7,
      preset: 'custom',
      range: { from: 9, to: 1 },
      zone: 'mars',
      columns: ['time', '<script>', 'bogus'],
      selectedId: -3,
      scrollRow: NaN,
    });
    const d = defaultState();
    assert.equal(s.filter, d.filter);
    assert.equal(s.preset, 'all', 'custom without a valid range is all');
    assert.ok(!('zone' in s), 'the zone is a setting, not view state');
    assert.deepEqual(s.columns, ['time']);
    assert.equal(s.selectedId, null);
    assert.equal(s.scrollRow, 0);
    assert.deepEqual(restoreState(undefined), d);
    assert.deepEqual(restoreState('x'), d);
  });

  it('keeps resized column widths, dropping junk', () => {
    assert.deepEqual(
      restoreState({
        widths: { time: 250.4, eventName: 'wide', bogus: 100, region: 5, account: Infinity },
      }).widths,
      { time: 250 },
    );
    assert.deepEqual(restoreState({ widths: null }).widths, {});
  });

  it('shortens service names to their distinctive part', () => {
    assert.equal(shortServiceName('ec2.amazonaws.com'), 'ec2');
    assert.equal(shortServiceName('signin.amazonaws.com'), 'signin');
    assert.equal(shortServiceName('.amazonaws.com'), '.amazonaws.com');
    assert.equal(shortServiceName('s3.example.com'), 's3.example.com');
  });

  it('reads presets relative to the end of the data, not the clock', () => {
    const bounds = { from: Date.UTC(2024, 0, 1), to: Date.UTC(2024, 0, 10) };
    assert.deepEqual(presetRange('hour', null, bounds), {
      from: bounds.to - 3600_000,
      to: bounds.to,
    });
    assert.deepEqual(presetRange('week', null, bounds), {
      from: bounds.to - 7 * 86400_000,
      to: bounds.to,
    });
    assert.deepEqual(
      presetRange('week', null, { from: bounds.to - 1000, to: bounds.to }),
      { from: bounds.to - 1000, to: bounds.to },
      'clamped to the data',
    );
    assert.equal(presetRange('all', null, bounds), null);
    assert.deepEqual(presetRange('custom', { from: 1, to: 2 }, bounds), { from: 1, to: 2 });
  });
});
