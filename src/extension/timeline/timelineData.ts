// What the timeline needs from the event index, in the view's terms. The session speaks only to
// this interface; `indexAdapter.ts` implements it over the core index (src/core/index), so the
// session and its tests stay independent of the index's internals.
import type { EventSummary } from '../../core/index/eventIndex';
import type { Origin } from '../../core/origin/resolve';
import { DetectionView, Facet, FacetId, RowSummary, SortOrder, TimeRange } from '../../protocol';

/** A query's result: the matching events in the requested order. Opaque to the session. */
export interface ResultSet {
  readonly size: number;
  /** What the result leaves out without the filter saying so (events without a time). */
  readonly notes?: string[];
}

export interface TimelineData {
  /** Events indexed so far (grows while loading). */
  total(): number;
  /** Earliest and latest eventTime indexed, or null before any event. */
  bounds(): TimeRange | null;
  /** Runs `filter` (the core query language) within `range`; throws QuerySyntaxError. */
  query(filter: string, range: TimeRange | null, sort: SortOrder): Promise<ResultSet>;
  /** Rows start..start+count of a result, summarised for the table. */
  rows(result: ResultSet, start: number, count: number): RowSummary[];
  /** Rows start..start+count of a result, every summary field (the CSV export writes them). */
  summaries(result: ResultSet, start: number, count: number): EventSummary[];
  /** The row of event `id` in a result, -1 when the result does not hold it. */
  position(result: ResultSet, id: number): number;
  /** Event ids of rows start..start+count of a result (export walks a result with it). */
  ids(result: ResultSet, start: number, count: number): number[];
  /** Matching events (and those with an errorCode) per bin of [from, from + binMs * bins). */
  histogram(
    result: ResultSet,
    from: number,
    binMs: number,
    bins: number,
  ): { counts: number[]; errors: number[] };
  /** Top values of one facet field within a result. */
  facet(result: ResultSet, id: FacetId, limit: number): Facet;
  /**
   * How many distinct values of a query field (case-insensitively) start with `prefix` among the
   * events indexed; undefined when the field is not an indexed column.
   */
  valuesStartingWith(field: string, prefix: string): number | undefined;
  /** Frequent values of a query field (canonical paths) starting with `prefix`, for completion. */
  topValues(paths: string[], prefix: string, limit: number): { value: string; count: number }[];
  /** The event's record as JSON text, exactly as stored; undefined for an unknown id. */
  raw(id: number): Promise<string | undefined>;
  /** Several records' JSON texts, in the order given (each file read once: use for batches). */
  rawMany(ids: number[]): Promise<string[]>;
  /** The event's time (ms) or -1. */
  time(id: number): number;
  /**
   * Who is behind the event, from the credential chains of the events loaded (core/origin), and
   * for a console session its ConsoleLogin. `rawJson` is the event's record as stored.
   */
  origin?(
    id: number,
    rawJson: string,
  ): { origin: Origin; consoleLogin?: { id: number; eventID: string; time: number } } | undefined;
  /** The detection rules that fired on the event, with why (`rawJson` is its record as stored); undefined before they have run over it. */
  detectionsOf?(id: number, rawJson: string): DetectionView[] | undefined;
}
