// The timeline's detections, host side, driven through the protocol as the webview does: the
// Detections column, the facet grouped by level, `detection:` / `level:` filters, and the detail
// pane's rules with why they fired.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventIndex } from '../../../src/core/index/eventIndex';
import { InlineRunner } from '../../../src/core/ingest/pool';
import { FolderSource } from '../../../src/core/sources/folder';
import { builtinRules } from '../../../src/core/detect/builtinPack';
import { IndexTimelineData } from '../../../src/extension/timeline/indexAdapter';
import { loadScope } from '../../../src/extension/timeline/timelineLoader';
import { TimelineSession } from '../../../src/extension/timeline/timelineSession';
import { Envelope, START_QUERY } from '../../../src/protocol';
import { asker, QUIET_HOST } from '../../support/timelineAsk';
import { TECHNIQUE_SCENARIOS } from '../../fixtures/detect/techniques';

describe('timeline detections over a real index', function () {
  this.timeout(60_000);
  let dir: string;
  let data: IndexTimelineData;
  let session: TimelineSession;
  const posted: Envelope[] = [];
  const ask = asker(() => session, posted);

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ctl-timeline-detect-'));
    for (const s of TECHNIQUE_SCENARIOS)
      writeFileSync(join(dir, `${s.technique}.json`), JSON.stringify({ Records: s.records }));
    const index = new EventIndex({ runner: new InlineRunner() });
    data = new IndexTimelineData(index);
    session = new TimelineSession(data, (e) => posted.push(e), QUIET_HOST, 'test', null);
    // As the panel does: the rules read first and given to the load (decided as files are
    // indexed), then the pack over every event once loaded.
    const rules = builtinRules();
    const detections = data.setDetectionRules(rules);
    await loadScope(
      index,
      new InlineRunner(),
      [{ source: new FolderSource(dir) }],
      new AbortController().signal,
      () => {},
      undefined,
      undefined,
      undefined,
      undefined,
      rules,
    );
    assert.ok(!index.ingestAnswers.empty, 'rows decided at ingest');
    await detections.update();
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('shows the top rule with its level icon in the Detections column', async () => {
    const q = await ask<'queryResult'>({
      type: 'query',
      ...START_QUERY,
      filter: 'event:StopLogging',
      pageCount: 10,
    });
    assert.ok(q.rows.length > 0);
    const top = data.detections!.results.rulesOf(q.rows[0].id)[0];
    assert.ok(top, 'StopLogging fires a rule');
    assert.ok(
      q.rows[0].detection.startsWith(`▲ ${top.title}`) ||
        q.rows[0].detection.startsWith(`◆ ${top.title}`),
      q.rows[0].detection,
    );
    const quiet = await ask<'queryResult'>({
      type: 'query',
      ...START_QUERY,
      filter: 'NOT detection:*',
      pageCount: 10,
    });
    assert.ok(quiet.rows.length > 0);
    for (const r of quiet.rows) assert.equal(r.detection, '');
  });

  it('groups the Detections facet by level, each level then its rules, and its values filter', async () => {
    const q = await ask<'queryResult'>({ type: 'query', ...START_QUERY });
    const f = await ask<'facetsResult'>({ type: 'facets', queryId: q.queryId, limit: 100 });
    const facet = f.facets.find((x) => x.id === 'detection');
    assert.ok(facet, 'the Detections facet is listed');
    const levels = facet.values.filter((v) => !v.sub);
    assert.deepEqual(
      levels.map((v) => v.field),
      levels.map(() => 'level'),
    );
    const order = ['critical', 'high', 'medium', 'low', 'informational'];
    assert.deepEqual(
      levels.map((v) => v.value),
      order.filter((l) => levels.some((v) => v.value === l)),
      'highest level first',
    );
    assert.ok(levels.some((v) => v.value === 'high'));
    // Each rule sits under its level.
    let level = '';
    for (const v of facet.values) {
      if (!v.sub) level = v.value;
      else assert.equal(builtinRules().find((r) => r.id === v.value)!.level, level, v.label);
    }
    // A level's count is the events whose highest level it is; `level:high` finds at least those.
    const high = levels.find((v) => v.value === 'high')!;
    const byLevel = await ask<'queryResult'>({
      type: 'query',
      ...START_QUERY,
      filter: 'level:high',
    });
    assert.ok(byLevel.matches >= high.count && high.count > 0);
    // A rule's count is what `detection:<id>` finds.
    const rule = facet.values.find((v) => v.sub)!;
    const byRule = await ask<'queryResult'>({
      type: 'query',
      ...START_QUERY,
      filter: `detection:${rule.value}`,
    });
    assert.equal(byRule.matches, rule.count);
    // The facet click writes the filter.
    const term = await ask<'filterText'>({
      type: 'addTerm',
      filter: '',
      field: rule.field,
      value: rule.value,
      negate: false,
    });
    assert.equal(term.filter, `detection:${rule.value}`);
  });

  it('lists in the detail pane the rules that fired, why, and what they mean', async () => {
    const q = await ask<'queryResult'>({
      type: 'query',
      ...START_QUERY,
      filter: 'event:StopLogging',
      pageCount: 1,
    });
    const d = await ask<'detailResult'>({ type: 'detail', id: q.rows[0].id });
    assert.ok(d.detections && d.detections.length > 0);
    const first = d.detections[0];
    assert.ok(first.description.length > 20, 'the rule says why it matters');
    assert.ok(
      first.matched.some((m) => m.field === 'eventName' && m.values.includes('StopLogging')),
      JSON.stringify(first.matched),
    );
    assert.ok(['critical', 'high'].includes(first.level));
    const benign = await ask<'queryResult'>({
      type: 'query',
      ...START_QUERY,
      filter: 'NOT detection:*',
      pageCount: 1,
    });
    const none = await ask<'detailResult'>({ type: 'detail', id: benign.rows[0].id });
    assert.equal(none.detections, undefined);
  });
});
