// TimelineData over the core EventIndex: the timeline's requests in the index's terms. Facets
// are on indexed columns only (dictionary counts: fast on millions of events); the principal
// facet counts userIdentity.arn and labels each ARN with its readable name, so a click filters
// on the exact ARN.
import { Facet, FacetId, FacetValue, RowSummary, SortOrder, TimeRange } from '../../protocol';
import { FACET_FIELDS, toRow } from '../../core/index/columns';
import { EventIndex, EventSummary, QueryResult } from '../../core/index/eventIndex';
import { principalDisplayName } from '../../core/index/principal';
import { resolveField } from '../../core/query/fields';
import { valueMatcher } from '../../core/query/match';
import { untimedNotes } from '../../core/index/fileNotes';
import { parseQuery } from '../../core/query/parse';
import { EventIdSet, rowsOfEvents } from '../../core/sql/remote';
import { ResultSet, TimelineData } from './timelineData';

/** Results kept for a return to a recent filter. */
const RECENT_RESULTS = 8;

/** The AST without text positions: two spellings of one query share a key. */
function stripOffsets(node: unknown): unknown {
  return JSON.parse(JSON.stringify(node, (k, v) => (k === 'start' || k === 'end' ? undefined : v)));
}

/** Completion counts a field's values over all events at most once per index version. */
const COMPLETION_SCAN_LIMIT = 5000;

class IndexResult implements ResultSet {
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

export class IndexTimelineData implements TimelineData {
  private valueCache = new Map<string, { version: number; values: { value: string; count: number }[] }>();
  private readonly recent = new Map<string, IndexResult>();
  private readonly facetCache = new WeakMap<ResultSet, Map<string, Facet>>();
  private readonly histogramCache = new WeakMap<ResultSet, Map<string, { counts: number[]; errors: number[] }>>();

  private onlySelected?: { version: number; rows: Set<number> };

  /** `only`: the event IDs this timeline is limited to (an Athena query's matches), under every filter. */
  constructor(
    readonly index: EventIndex,
    private readonly only?: EventIdSet,
  ) {}

  total(): number {
    // Limited to some events: those are the timeline's whole.
    return this.only ? this.onlyRows().rows.size : this.index.eventCount;
  }

  /** The rows of the events this timeline is limited to (kept while the index is unchanged). */
  private onlyRows(): { version: number; rows: Set<number> } {
    if (this.onlySelected?.version !== this.index.version) this.onlySelected = { version: this.index.version, rows: rowsOfEvents(this.index, this.only!) };
    return this.onlySelected;
  }

  bounds(): TimeRange | null {
    const b = this.index.timeBounds();
    // Ranges here are half-open, so the end is just after the last event.
    return b ? { from: b.from, to: b.to + 1 } : null;
  }

  async query(filter: string, range: TimeRange | null, sort: SortOrder): Promise<ResultSet> {
    const node = parseQuery(filter);
    // Going back to a recent filter (undoing a facet click, leaving a pivot) costs nothing while
    // the index is unchanged; the AST is the key, so spacing and aliases do not matter.
    const key = JSON.stringify([stripOffsets(node), range, sort]);
    const hit = this.recent.get(key);
    if (hit && hit.result.version === this.index.version) {
      this.recent.delete(key);
      this.recent.set(key, hit);
      return hit;
    }
    // Everything, unfiltered: the index's own time order is the answer (no copy when ascending).
    const found: QueryResult =
      node.kind === 'all' && !range
        ? { rows: sort === 'asc' ? this.index.order() : this.index.order().slice().reverse(), order: sort, version: this.index.version }
        : await this.index.query(node, { order: sort, range });
    const notes = untimedNotes(this.index, node, found.untimedOutsideRange);
    let result = new IndexResult(found, notes);
    if (this.only) {
      const only = this.onlyRows();
      result = new IndexResult({ ...found, rows: found.rows.filter((r) => only.rows.has(r)) }, notes);
    }
    this.recent.set(key, result);
    for (const k of this.recent.keys()) if (this.recent.size > RECENT_RESULTS) this.recent.delete(k);
    return result;
  }

  rows(result: ResultSet, start: number, count: number): RowSummary[] {
    return this.summaries(result, start, count).map(toRow);
  }

  summaries(result: ResultSet, start: number, count: number): EventSummary[] {
    return this.index.summaries(rowsOf(result), start, count);
  }

  ids(result: ResultSet, start: number, count: number): number[] {
    return Array.from(rowsOf(result).subarray(start, start + count));
  }

  histogram(result: ResultSet, from: number, binMs: number, bins: number): { counts: number[]; errors: number[] } {
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
    const f = id === 'principal' ? this.index.principalFacet(rowsOf(result), limit) : this.index.facet(rowsOf(result), field, limit);
    const values: FacetValue[] = f.values.map((v) => {
      if (id !== 'principal' || v.field === field) return { value: v.label, label: id === 'principal' ? principalLabel(v.label) : v.label, count: v.count };
      const kind = v.field === 'userIdentity.onBehalfOf.userId' ? `${v.label} (Identity Center user)` : v.label;
      return { value: v.label, label: kind, count: v.count, field: v.field };
    });
    if (id === 'principal') {
      // The same role/session name in two accounts: say which account each is.
      const seen = new Map<string, number>();
      for (const v of values) seen.set(v.label, (seen.get(v.label) ?? 0) + 1);
      for (const v of values) if ((seen.get(v.label) ?? 0) > 1 && !v.field) v.label = `${v.label} · ${v.value.split(':')[4] || '?'}`;
    }
    const facet: Facet = { id, field, values, other: f.other };
    cached.set(key, facet);
    return facet;
  }

  valuesStartingWith(field: string, prefix: string): number | undefined {
    const { paths } = resolveField(field);
    const columns = paths.map((p) => this.index.store.scalarByField.get(p));
    if (!columns.length || columns.some((c) => c === undefined)) return undefined;
    // The wildcard's own matching (case folding included) decides; values are counted once.
    const matches = valueMatcher(field, { op: 'wildcard', pattern: `${prefix.replace(/[\\*]/g, (c) => `\\${c}`)}*` });
    const found = new Set<string>();
    for (const column of columns) for (const v of column!.dict.values) if (v !== undefined && matches(v)) found.add(String(v));
    return found.size;
  }

  topValues(paths: string[], prefix: string, limit: number): { value: string; count: number }[] {
    const lower = prefix.toLowerCase();
    const merged = new Map<string, number>();
    for (const path of paths) {
      for (const v of this.allValues(path)) {
        if (v.value.toLowerCase().startsWith(lower)) merged.set(v.value, (merged.get(v.value) ?? 0) + v.count);
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

  time(id: number): number {
    const t = this.index.store.times[id];
    return Number.isFinite(t) ? Math.round(t) : -1;
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
  if (!(result instanceof IndexResult)) throw new Error('a result of another index');
  return result.result.rows;
}
