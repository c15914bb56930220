// TimelineData over the core EventIndex: the timeline's requests in the index's terms. Facets
// are on indexed columns only (dictionary counts: fast on millions of events); the principal
// facet counts userIdentity.arn and labels each ARN with its readable name, so a click filters
// on the exact ARN.
import type { Origin } from '../../core/origin/resolve';
import { consoleLoginRow } from '../../core/origin/console';
import {
  DetectionView,
  Facet,
  FacetId,
  FacetValue,
  RowSummary,
  SortOrder,
  TimeRange,
} from '../../protocol';
import { IndexDetections } from '../../core/detect/indexDetections';
import { detectionsCell, emptyLevelCounts } from '../../core/detect/results';
import { LEVEL_ICONS, Level } from '../../core/detect/levels';
import type { SigmaRule } from '../../core/detect/rule';
import { FACET_FIELDS, NO_EVENT_TIME, toRow } from '../../core/index/columns';
import { EventIndex, EventSummary, QueryResult } from '../../core/index/eventIndex';
import { principalDisplayName } from '../../core/index/principal';
import { resolveField } from '../../core/query/fields';
import { caseKey, valueMatcher } from '../../core/query/match';
import { untimedNotes } from '../../core/index/fileNotes';
import { parseQuery } from '../../core/query/parse';
import { EventIdSet, rowsOfEvents } from '../../core/sql/remote';
import { annotationText, type CaseFile } from '../../core/case/caseFile';
import { AnnotationResolver, ResolvedCase } from '../../core/case/resolve';
import { ResultSet, TimelineData } from './timelineData';

/** Results kept for a return to a recent filter. */
const RECENT_RESULTS = 8;

/** The AST without text positions: two spellings of one query share a key. */
function stripOffsets(node: unknown): unknown {
  return JSON.parse(JSON.stringify(node, (k, v) => (k === 'start' || k === 'end' ? undefined : v)));
}

/** Completion counts a field's values over all events at most once per index version. */
const COMPLETION_SCAN_LIMIT = 5000;

class IndexResultSet implements ResultSet {
  constructor(
    readonly result: QueryResult,
    readonly notes: string[] = [],
  ) {}
  get size(): number {
    return this.result.rows.length;
  }
}

function typeOfArn(arn: string): string {
  if (/:assumed-role\//.test(arn)) return 'AssumedRole';
  if (/:root$/.test(arn)) return 'Root';
  if (/:user\//.test(arn)) return 'IAMUser';
  if (/:federated-user\//.test(arn)) return 'FederatedUser';
  return '';
}

/** "arn:aws:sts::1:assumed-role/Admin/alice" → "Admin/alice"; other ARNs their readable name. */
export function principalLabel(arn: string): string {
  return principalDisplayName({ type: typeOfArn(arn), arn }) || arn;
}

/** The case the timeline shows annotations of, and its revision (grows with every change). */
export interface CaseSource {
  readonly case: CaseFile;
  readonly revision: number;
}

export class IndexTimelineData implements TimelineData {
  private valueCache = new Map<
    string,
    { version: number; values: { value: string; count: number }[] }
  >();
  private readonly recent = new Map<string, IndexResultSet>();
  private readonly facetCache = new WeakMap<ResultSet, Map<string, Facet>>();
  private readonly histogramCache = new WeakMap<
    ResultSet,
    Map<string, { counts: number[]; errors: number[] }>
  >();

  private onlySelected?: { version: number; rows: Set<number> };
  /** The detection rules run over this index (the built-in pack and the user's folders), once set. */
  detections?: IndexDetections;
  private countsByFile?: {
    revision: number;
    version: number;
    counts: Map<number, Record<Level, number>>;
  };
  private resolvedCase?: { version: number; revision: number; resolved: ResolvedCase };
  private resolver?: AnnotationResolver;

  /**
   * `only`: the event IDs this timeline is limited to (an Athena query's matches), under every filter.
   * `caseSource`: the case file whose annotations the rows, the Tags facet and starred / tag / note show.
   */
  constructor(
    readonly index: EventIndex,
    private readonly only?: EventIdSet,
    private readonly caseSource?: CaseSource,
    /** Said under every result: what the timeline holds, when less than its sources. */
    private readonly scopeNotes: readonly string[] = [],
  ) {}

  /** Runs these rules over the index from now on (replacing any earlier set): `detection:`, `level:`, the Detections column and facet. */
  setDetectionRules(rules: readonly SigmaRule[]): IndexDetections {
    this.detections = new IndexDetections(this.index, rules);
    return this.detections;
  }

  /**
   * Events with hits per file, by their highest level (hidden copies left out), once the rules
   * have run over every row of the file; the explorer shows them per row.
   */
  detectionCountsByFile(): Map<number, Record<Level, number>> {
    const d = this.detections;
    if (!d) return new Map();
    const cached = this.countsByFile;
    if (cached && cached.revision === d.results.revision && cached.version === this.index.version)
      return cached.counts;
    const counts = new Map<number, Record<Level, number>>();
    for (const f of this.index.files) {
      if (f.state !== 'loaded' || f.firstRow < 0 || f.firstRow + f.events > d.results.rows)
        continue;
      const c = emptyLevelCounts();
      for (let r = f.firstRow; r < f.firstRow + f.events; r++) {
        if (this.index.isDuplicate(r)) continue;
        const l = d.results.levelOf(r);
        if (l) c[l]++;
      }
      counts.set(f.id, c);
    }
    this.countsByFile = { revision: d.results.revision, version: this.index.version, counts };
    return counts;
  }

  /** The rules that fired on an event, each with why (from its record) and what it is. */
  detectionsOf(id: number, rawJson: string): DetectionView[] | undefined {
    const d = this.detections;
    if (!d || !(id >= 0 && id < d.results.rows)) return undefined;
    let record: unknown;
    try {
      record = JSON.parse(rawJson);
    } catch {
      return undefined;
    }
    return d.explain(id, record).map(({ rule, matched }) => ({
      id: rule.id,
      title: rule.title,
      level: rule.level,
      description: rule.description,
      falsePositives: rule.falsepositives,
      tags: rule.tags,
      matched: matched.map((m) => ({
        field: m.field ?? '(any field)',
        condition: m.condition,
        values: m.values,
      })),
    }));
  }

  /** The case's annotations on this index's rows (resolved again when either changes). */
  annotations(): ResolvedCase {
    const revision = this.caseSource?.revision ?? 0;
    const cached = this.resolvedCase;
    if (cached && cached.version === this.index.version && cached.revision === revision)
      return cached.resolved;
    // The same case on a grown index: only the new rows are read (AnnotationResolver).
    if (!this.resolver || this.resolver.kase !== this.caseSource?.case)
      this.resolver = this.caseSource ? new AnnotationResolver(this.caseSource.case) : undefined;
    const resolved = this.resolver
      ? this.resolver.update(this.index)
      : { byRow: new Map(), notLoaded: [] };
    this.resolvedCase = { version: this.index.version, revision, resolved };
    return resolved;
  }

  total(): number {
    // Limited to some events: those are the timeline's whole.
    return this.only ? this.onlyRows().rows.size : this.index.eventCount;
  }

  /** The rows of the events this timeline is limited to (kept while the index is unchanged). */
  private onlyRows(): { version: number; rows: Set<number> } {
    if (this.onlySelected?.version !== this.index.version)
      this.onlySelected = {
        version: this.index.version,
        rows: rowsOfEvents(this.index, this.only!),
      };
    return this.onlySelected;
  }

  bounds(): TimeRange | null {
    const b = this.index.timeBounds();
    // Ranges here are half-open, so the end is just after the last event: the end of its second,
    // as every range the view makes (presets, zoom, typed inputs) falls on whole seconds.
    return b ? { from: b.from, to: Math.floor(b.to / 1000) * 1000 + 1000 } : null;
  }

  async query(filter: string, range: TimeRange | null, sort: SortOrder): Promise<ResultSet> {
    const node = parseQuery(filter);
    // Going back to a recent filter (undoing a facet click, leaving a pivot) costs nothing while
    // the index is unchanged; the AST is the key, so spacing and aliases do not matter.
    const key = JSON.stringify([
      stripOffsets(node),
      range,
      sort,
      this.caseSource?.revision ?? 0,
      this.detections?.results.revision ?? 0,
    ]);
    const hit = this.recent.get(key);
    if (hit && hit.result.version === this.index.version) {
      this.recent.delete(key);
      this.recent.set(key, hit);
      return hit;
    }
    // Everything, unfiltered: the index's own time order is the answer (no copy when ascending).
    const found: QueryResult =
      node.kind === 'all' && !range
        ? {
            rows: sort === 'asc' ? this.index.order() : this.index.order().slice().reverse(),
            order: sort,
            version: this.index.version,
          }
        : await this.index.query(node, {
            order: sort,
            range,
            annotations: this.annotations().byRow,
          });
    const notes = [
      ...this.scopeNotes,
      ...untimedNotes(this.index, node, found.untimedOutsideRange),
    ];
    let result = new IndexResultSet(found, notes);
    if (this.only) {
      const only = this.onlyRows();
      result = new IndexResultSet(
        { ...found, rows: found.rows.filter((r) => only.rows.has(r)) },
        notes,
      );
    }
    this.recent.set(key, result);
    for (const k of this.recent.keys())
      if (this.recent.size > RECENT_RESULTS) this.recent.delete(k);
    return result;
  }

  rows(result: ResultSet, start: number, count: number): RowSummary[] {
    return this.summaries(result, start, count).map(toRow);
  }

  summaries(result: ResultSet, start: number, count: number): EventSummary[] {
    // With the case's annotation of each (the Case column, the CSV export's `case`).
    const byRow = this.annotations().byRow;
    const out = this.index.summaries(rowsOf(result), start, count);
    if (byRow.size) for (const s of out) s.case = annotationText(byRow.get(s.row));
    const d = this.detections;
    if (d) for (const s of out) s.detections = detectionsCell(d.results.rulesOf(s.row));
    return out;
  }

  position(result: ResultSet, id: number): number {
    return rowsOf(result).indexOf(id);
  }

  ids(result: ResultSet, start: number, count: number): number[] {
    return Array.from(rowsOf(result).subarray(start, start + count));
  }

  histogram(
    result: ResultSet,
    from: number,
    binMs: number,
    bins: number,
  ): { counts: number[]; errors: number[] } {
    let cached = this.histogramCache.get(result);
    if (!cached) this.histogramCache.set(result, (cached = new Map()));
    const key = `${from}/${binMs}/${bins}`;
    const hit = cached.get(key);
    if (hit) return hit;
    const h = this.index.histogram(rowsOf(result), from, from + binMs * bins, bins);
    const out = { counts: Array.from(h.counts), errors: Array.from(h.errors) };
    cached.set(key, out);
    return out;
  }

  facet(result: ResultSet, id: FacetId, limit: number): Facet {
    let cached = this.facetCache.get(result);
    if (!cached) this.facetCache.set(result, (cached = new Map()));
    const key = `${id}/${limit}`;
    const hit = cached.get(key);
    if (hit) return hit;
    const field = FACET_FIELDS[id];
    if (id === 'tag' || id === 'detection') {
      const facet =
        id === 'tag'
          ? this.tagFacet(rowsOf(result), limit)
          : this.detectionFacet(rowsOf(result), limit);
      cached.set(key, facet);
      return facet;
    }
    const f =
      id === 'principal'
        ? this.index.principalFacet(rowsOf(result), limit)
        : this.index.facet(rowsOf(result), field, limit);
    const values: FacetValue[] = f.values.map((v) => {
      const spellings = v.spellings ? { spellings: v.spellings } : {};
      if (id === 'origin')
        return {
          value: String(v.value),
          label: v.label,
          count: v.count,
          field: v.field,
          ...spellings,
        };
      if (id !== 'principal' || v.field === field)
        return {
          value: v.label,
          label: id === 'principal' ? principalLabel(v.label) : v.label,
          count: v.count,
          ...spellings,
        };
      const kind =
        v.field === 'userIdentity.onBehalfOf.userId'
          ? `${v.label} (Identity Center user)`
          : v.label;
      return { value: v.label, label: kind, count: v.count, field: v.field, ...spellings };
    });
    if (id === 'principal') {
      // The same role/session name in two accounts: say which account each is.
      const seen = new Map<string, number>();
      for (const v of values) seen.set(v.label, (seen.get(v.label) ?? 0) + 1);
      for (const v of values)
        if ((seen.get(v.label) ?? 0) > 1 && !v.field)
          v.label = `${v.label} · ${v.value.split(':')[4] || '?'}`;
    }
    const facet: Facet = { id, field, values, other: f.other };
    cached.set(key, facet);
    return facet;
  }

  /**
   * The rules that fired among a result's events, grouped by level (highest first): each level
   * (a click filters `level:high`) with its events, then its rules (a click filters
   * `detection:<id>`), at most `limit` rules in all.
   */
  private detectionFacet(rows: Uint32Array, limit: number): Facet {
    const groups = this.detections?.results.facet(rows) ?? [];
    const values: FacetValue[] = [];
    let shown = 0;
    let other = 0;
    for (const g of groups) {
      values.push({
        value: g.level,
        label: `${LEVEL_ICONS[g.level]} ${g.level}`,
        count: g.events,
        field: 'level',
      });
      for (const r of g.rules) {
        if (shown < limit) {
          values.push({
            value: r.rule.id,
            label: r.rule.title,
            count: r.events,
            field: 'detection',
            sub: true,
          });
          shown++;
        } else other += r.events;
      }
    }
    return { id: 'detection', field: 'detection', values, other };
  }

  /** The case's tags among a result's events, most used first. */
  private tagFacet(rows: Uint32Array, limit: number): Facet {
    const byRow = this.annotations().byRow;
    const counts = new Map<string, number>();
    if (byRow.size > 0) {
      for (const r of rows) {
        const a = byRow.get(r);
        if (a) for (const t of a.tags) counts.set(t, (counts.get(t) ?? 0) + 1);
      }
    }
    const sorted = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    const values = sorted
      .slice(0, limit)
      .map(([tag, count]) => ({ value: tag, label: tag, count }));
    return {
      id: 'tag',
      field: 'tag',
      values,
      other: sorted.slice(limit).reduce((n, [, c]) => n + c, 0),
    };
  }

  valuesStartingWith(field: string, prefix: string): number | undefined {
    const { paths } = resolveField(field);
    const columns = paths.map((p) => this.index.store.scalarByField.get(p));
    if (!columns.length || columns.some((c) => c === undefined)) return undefined;
    // The wildcard's own matching (case folding included) decides; values are counted once, and
    // so are the spellings of one (a click's exact term finds them all: caseKey).
    const matches = valueMatcher(field, {
      op: 'wildcard',
      pattern: `${prefix.replace(/[\\*]/g, (c) => `\\${c}`)}*`,
    });
    const found = new Set<string>();
    for (const column of columns)
      for (const v of column!.dict.values)
        if (v !== undefined && matches(v)) found.add(caseKey(String(v)));
    return found.size;
  }

  topValues(paths: string[], prefix: string, limit: number): { value: string; count: number }[] {
    const lower = prefix.toLowerCase();
    const merged = new Map<string, number>();
    for (const path of paths) {
      for (const v of this.allValues(path)) {
        if (v.value.toLowerCase().startsWith(lower))
          merged.set(v.value, (merged.get(v.value) ?? 0) + v.count);
      }
    }
    return [...merged.entries()]
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .slice(0, limit)
      .map(([value, count]) => ({ value, count }));
  }

  async raw(id: number): Promise<string | undefined> {
    if (!(id >= 0 && id < this.index.size)) return undefined;
    return this.index.rawRecord(id);
  }

  rawMany(ids: number[]): Promise<string[]> {
    return this.index.rawRecords(ids);
  }

  origin(
    id: number,
    rawJson: string,
  ): { origin: Origin; consoleLogin?: { id: number; eventID: string; time: number } } | undefined {
    if (!(id >= 0 && id < this.index.size)) return undefined;
    let record: unknown;
    try {
      record = JSON.parse(rawJson);
    } catch {
      record = undefined;
    }
    const login = consoleLoginRow(this.index, id, record);
    return {
      origin: this.index.originOf(id),
      ...(login >= 0
        ? {
            consoleLogin: {
              id: login,
              eventID: this.index.summary(login).eventID,
              time: this.time(login),
            },
          }
        : {}),
    };
  }

  time(id: number): number {
    const t = this.index.store.times[id];
    return Number.isFinite(t) ? Math.round(t) : NO_EVENT_TIME;
  }

  private allValues(path: string): { value: string; count: number }[] {
    if (!this.index.store.scalarByField.has(path)) return [];
    const cached = this.valueCache.get(path);
    if (cached && cached.version === this.index.version) return cached.values;
    const f = this.index.facet(this.index.order(), path, COMPLETION_SCAN_LIMIT);
    const values = f.values.map((v) => ({ value: v.label, count: v.count }));
    this.valueCache.set(path, { version: this.index.version, values });
    return values;
  }
}

function rowsOf(result: ResultSet): Uint32Array {
  if (!(result instanceof IndexResultSet)) throw new Error('a result of another index');
  return result.result.rows;
}
