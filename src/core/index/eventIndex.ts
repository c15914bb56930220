// The event index: every loaded CloudTrail event as columns, queried in memory.
//
// How the pieces fit (source → ingest → index → views):
//   - ingest/load.ts finds event files in LogSources (sources/discover.ts), reads their bytes,
//     and has the worker pool (ingest/pool.ts) gunzip and parse them into ColumnBatches, which
//     it appends here file by file. Queries work at any time during a load: each call sees the
//     events appended so far (`version` changes with every append).
//   - Per event the index keeps: eventTime (Float64 ms), dictionary ids (Uint32) of the fields
//     in index/schema.ts (eventName, eventSource, region, accounts, the principal's type, ARN,
//     user/role names and access key, source IP, user agent, errorCode, readOnly, category,
//     eventType, eventID), the resources' ARNs/types (CSR), and where the raw record lives:
//     (file id, element index in the file). No parsed record is kept; `rawRecords` reads the
//     file again (in a worker) when the full JSON is wanted.
//
// The API the views use:
//   query(node, {order, range, files})   → QueryResult: row ids sorted by time (asc or desc)
//   summaries(result, start, count)      → EventSummary[] for a page of result rows
//   rawRecords(rows) / rawRecord(row)    → the exact JSON text of events (async)
//   facet(result, field, limit)          → top-N values with counts, plus other / absent
//   histogram(result, from, to, bins)    → counts per bin, errors counted separately
//   timeBounds()                         → first and last event time
//   files / fileById(id)                 → every file with its event count and state
//   problems                             → files (or elements) that could not be loaded, why
//
// Row ids are stable for the life of the index; results are plain typed arrays that a view may
// keep (e.g. by query id) and page through.
import type { LogSource, SourceErrorCode } from '../sources/source';
import type { CloudTrailKeyInfo } from '../sources/layout';
import type { ColumnBatch } from '../ingest/batch';
import type { FileShape } from '../ingest/eventFile';
import { DEFAULT_MAX_UNCOMPRESSED_BYTES } from '../ingest/gzip';
import {
  ABSENT,
  IRREGULAR,
  PACKED_UUID,
  Primitive,
  SCALAR_FIELDS,
  ScalarField,
  TIME_FIELD,
  isWrittenNumber,
  packUuid,
  textOfPrimitive,
  valueOfPrimitive,
} from './schema';
import type { ChangedResult, FailedResult, FilePosition, FileProblemCode } from '../ingest/jobs';
import type { JobRunner } from '../ingest/pool';
import { mentionsField, type QueryNode } from '../query/ast';
import { caseKey, type AnnotationValues } from '../query/match';
import { ColumnStore, type StoreState } from './columnStore';
import { ExecutionContext, evaluate } from './execute';
import { isDeepStrictEqual } from 'node:util';
import { DuplicateRows, type DuplicateState } from './duplicates';
import { ANONYMOUS_PRINCIPAL_LABEL, principalDisplayName } from './principal';
import { isAnonymousIdentity } from '../records/identity';
import { keyLocation, SourceError } from '../sources/source';
import { formatEventTime } from '../time';
import { ORIGIN_FIELD } from '../query/fields';
import {
  Origin,
  OriginColumn,
  originLabel,
  originMatchValues,
  resolveOrigins,
} from '../origin/resolve';
import { indexOriginSource } from '../origin/indexSource';
import { mapLimited } from '../mapLimited';
import { IngestAnswers, type AnswersState } from '../detect/ingestDetect';

export type EventFileKind = 'log' | 'insight' | 'loose';

export interface IndexedFile {
  id: number;
  source: LogSource;
  key: string;
  /** Where the file is, for people: a local path or s3://bucket/key. */
  location: string;
  kind: EventFileKind;
  /** What the AWSLogs layout says (account, region, organization, delivery time), when it applies. */
  info?: CloudTrailKeyInfo;
  /** Bytes as stored. */
  size: number;
  /**
   * SHA-256 (hex) of the bytes indexed, as stored, once loaded: a re-read (rawRecords) must find
   * the same bytes, or the rows would name records of another version of the file.
   */
  sha256?: string;
  state: 'pending' | 'loaded' | 'failed';
  events: number;
  shape?: FileShape;
  /** First row of the file's events (they are contiguous), -1 until loaded. */
  firstRow: number;
  /** What the file is when it is not a plain delivered log, what was read under another name or left out on purpose. */
  notes: string[];
  /** Events without a readable eventTime (listed last; outside every time range). */
  untimed: number;
  /** Events of this file already loaded from another file (or earlier in this one): not shown twice. */
  duplicates: number;
  /** Which files hold the copies that are shown (file → events). */
  duplicatesOf: Map<IndexedFile, number>;
}

export interface FileProblem {
  fileId: number;
  key: string;
  location: string;
  code: FileProblemCode | SourceErrorCode;
  message: string;
  /**
   * 'error': the file was not loaded. 'warning': it loaded, but some elements were skipped (or
   * bytes after its last gzip member).
   */
  severity: 'error' | 'warning';
  /** Where in the file (a JSON syntax error). */
  position?: FilePosition;
}

export type SortOrder = 'asc' | 'desc';

export interface QueryOptions {
  order?: SortOrder;
  /** Half-open [from, to) in ms; events without a valid time are outside every range. */
  range?: { from: number; to: number } | null;
  /** Only events of these files. */
  files?: readonly number[];
  /** What the case file says about annotated rows, for the query fields starred / tag / note (core/case/resolve.ts). */
  annotations?: ReadonlyMap<number, AnnotationValues>;
  signal?: AbortSignal;
}

export interface QueryResult {
  /** Matching row ids in the requested time order. */
  rows: Uint32Array;
  order: SortOrder;
  /** index.version when the query ran (events appended later are not in it). */
  version: number;
  /** Events that matched the filter but have no readable eventTime, left out by the range. */
  untimedOutsideRange?: number;
}

/** One event as a table row shows it. Strings are '' when the record has no value. */
export interface EventSummary {
  row: number;
  /** ms since the epoch, NaN when the record has no valid eventTime. */
  time: number;
  eventTime: string;
  eventName: string;
  eventSource: string;
  principal: string;
  principalType: string;
  principalArn: string;
  accessKeyId: string;
  sourceIPAddress: string;
  userAgent: string;
  region: string;
  account: string;
  errorCode: string;
  /** true, false, or undefined when the record does not say. */
  readOnly: boolean | undefined;
  eventID: string;
  eventType: string;
  fileId: number;
  fileKey: string;
  /** Who is behind the session (core/origin): the origin's ARN, or the service or SAML/web-identity subject. */
  origin: string;
  /** Its short name ("bob", "lambda.amazonaws.com"). */
  originName: string;
  originType: string;
  /** Credential issuances followed from the origin to this event's session. */
  originHops: number;
  /** False when an issuing event is not among the loaded events ('' until resolved while loading). */
  originComplete: boolean | undefined;
  /** What the case file says about it (`★ tags ✎`), set by a view that has a case (the timeline). */
  case?: string;
  /** The detection rules that fired on it (core/detect/results.ts detectionsCell), set by a view that ran them. */
  detections?: string;
}

export interface FacetCount {
  value: Primitive;
  /** The value as text ('' for absent). */
  label: string;
  count: number;
  /** The query field that selects this value, when it is not the facet's own (principalFacet). */
  field?: string;
  /**
   * The other spellings counted in this entry (joinSpellings), most events first: CloudTrail
   * writes one spelling of a name, so a second is worth seeing (a record written by hand).
   */
  spellings?: { label: string; count: number }[];
}

/** How many other spellings an entry lists (it counts them all). */
const MAX_SPELLINGS = 5;

export interface FacetResult {
  field: string;
  values: FacetCount[];
  /** Events with a value not among `values`. */
  other: number;
  /** Events without the field. */
  absent: number;
}

export interface HistogramResult {
  from: number;
  binMs: number;
  counts: Uint32Array;
  errors: Uint32Array;
}

/** Fields facet() and value() accept besides the indexed record paths. */
const DERIVED_FIELDS = ['principal', 'account'] as const;

export interface EventIndexOptions {
  runner: JobRunner;
  maxUncompressedBytes?: number;
}

/** What loading left in one file's entry (IndexedFile without its source and location). */
export interface FileState {
  state: IndexedFile['state'];
  events: number;
  firstRow: number;
  shape?: FileShape;
  /** IndexedFile.sha256: a loaded file's has one. */
  sha256?: string;
  notes: string[];
  untimed: number;
  duplicates: number;
  /** [file id, events]: which files hold the copies shown. */
  duplicatesOf: [number, number][];
}

/**
 * The whole index as it is in memory once loaded: columns and dictionaries, the time order, the
 * duplicate table, the files' entries and problems, the rule answers. A snapshot (ingest/indexSnapshot.ts) saves it;
 * `adopt` takes it back without any per-row work.
 */
export interface IndexState {
  store: StoreState;
  duplicates: DuplicateState;
  /** Every row (hidden copies included) in time order. */
  order: Uint32Array;
  untimed: number;
  files: FileState[];
  problems: Omit<FileProblem, 'key' | 'location'>[];
  /** Every row's origin (core/origin), resolved over all the rows. */
  origins: OriginColumn;
  /** Rule answers decided while the files were loaded. */
  answers: AnswersState;
}

const col = (store: ColumnStore, f: ScalarField) => store.scalarByField.get(f)!;

export class EventIndex {
  readonly store = new ColumnStore();
  readonly files: IndexedFile[] = [];
  readonly problems: FileProblem[] = [];
  /** Rule answers decided while files were indexed (detect/ingestDetect.ts), for the runner. */
  readonly ingestAnswers = new IngestAnswers();
  /** Grows with every change; results remember the version they were computed at. */
  version = 0;
  readonly maxUncompressedBytes: number;
  private readonly runner: JobRunner;
  private sorted: Uint32Array | undefined;
  private ranks: Uint32Array | undefined;
  private sortedVersion = -1;
  private boundsScanned = 0;
  private minTime = Infinity;
  private maxTime = -Infinity;
  private readonly duplicates = new DuplicateRows();
  private resolving: Promise<void> = Promise.resolve();
  private visibleOrder: { version: number; rows: Uint32Array } | undefined;
  /** Events shown that have no readable eventTime. */
  untimed = 0;
  private originCache: { version: number; column: OriginColumn } | undefined;
  /** Derived columns worked out elsewhere and asynchronously (detections), by query field: brought up to date before a query that names them. */
  private readonly derivedRefresh = new Map<string, (signal?: AbortSignal) => Promise<void>>();

  constructor(options: EventIndexOptions) {
    this.runner = options.runner;
    this.maxUncompressedBytes = options.maxUncompressedBytes ?? DEFAULT_MAX_UNCOMPRESSED_BYTES;
  }

  get size(): number {
    return this.store.size;
  }

  // ── loading (used by ingest/load.ts) ───────────────────────────────────────────────────

  addFile(
    source: LogSource,
    key: string,
    size: number,
    kind: EventFileKind,
    info?: CloudTrailKeyInfo,
  ): IndexedFile {
    const file: IndexedFile = {
      id: this.files.length,
      source,
      key,
      location: locationOf(source, key),
      kind,
      info,
      size,
      state: 'pending',
      events: 0,
      firstRow: -1,
      notes: [],
      untimed: 0,
      duplicates: 0,
      duplicatesOf: new Map(),
    };
    this.files.push(file);
    return file;
  }

  /** `sha256`: the fingerprint of the bytes the batch was read from (IndexedFile.sha256). */
  appendBatch(fileId: number, batch: ColumnBatch, sha256: string, notes: string[] = []): void {
    const file = this.files[fileId];
    file.firstRow = this.store.append(fileId, batch);
    file.events = batch.count;
    file.shape = batch.shape;
    file.sha256 = sha256;
    file.state = 'loaded';
    file.notes.push(...notes);
    for (let i = 0; i < batch.count; i++) if (Number.isNaN(batch.times[i])) file.untimed++;
    this.untimed += file.untimed;
    this.duplicates.add(this.store, file.firstRow, batch.count);
    this.version++;
  }

  addProblem(
    fileId: number,
    code: FileProblem['code'],
    message: string,
    severity: FileProblem['severity'] = 'error',
    position?: FilePosition,
  ): void {
    const file = this.files[fileId];
    if (severity === 'error') file.state = 'failed';
    this.problems.push({
      fileId,
      key: file.key,
      location: file.location,
      code,
      message,
      severity,
      ...(position ? { position } : {}),
    });
    this.version++;
  }

  /**
   * The index as it is (views of its arrays, not copies). Only for a settled index: every row
   * compared for copies (`resolveDuplicates` done).
   */
  state(): IndexState {
    if (this.duplicates.pending > 0) throw new Error('rows not yet compared for copies');
    return {
      store: this.store.state(),
      duplicates: this.duplicates.state(),
      order: this.allRowsInOrder(),
      untimed: this.untimed,
      files: this.files.map((f) => ({
        state: f.state,
        events: f.events,
        firstRow: f.firstRow,
        ...(f.shape ? { shape: f.shape } : {}),
        ...(f.sha256 ? { sha256: f.sha256 } : {}),
        notes: f.notes,
        untimed: f.untimed,
        duplicates: f.duplicates,
        duplicatesOf: [...f.duplicatesOf].map(([g, n]) => [g.id, n]),
      })),
      problems: this.problems.map(({ key: _k, location: _l, ...p }) => p),
      origins: this.origins(),
      answers: this.ingestAnswers.state(),
    };
  }

  /**
   * Takes a saved state whole: the files, registered already (addFile, in the same order as when
   * it was saved), get their entries back; columns, dictionaries, duplicate table and time order
   * are used as they are.
   */
  adopt(s: IndexState): void {
    if (this.size !== 0 || this.problems.length > 0) throw new Error('adopt needs an empty index');
    if (s.files.length !== this.files.length) throw new Error('not the same files');
    this.store.restore(s.store);
    this.duplicates.restore(this.store, s.duplicates);
    s.files.forEach((saved, id) => {
      const f = this.files[id];
      f.state = saved.state;
      f.events = saved.events;
      f.firstRow = saved.firstRow;
      f.shape = saved.shape;
      f.sha256 = saved.sha256;
      f.notes = saved.notes;
      f.untimed = saved.untimed;
      f.duplicates = saved.duplicates;
      f.duplicatesOf = new Map(saved.duplicatesOf.map(([g, n]) => [this.files[g], n]));
    });
    for (const p of s.problems) {
      const f = this.files[p.fileId];
      this.problems.push({ ...p, key: f.key, location: f.location });
    }
    this.untimed = s.untimed;
    this.version++;
    this.sorted = s.order;
    this.sortedVersion = this.version;
    this.ranks = undefined;
    this.setOrigins(s.origins);
    this.ingestAnswers.restore(s.answers);
  }

  // ── the same event twice ───────────────────────────────────────────────────────────────

  /**
   * Compares the rows loaded since the last call with the earlier rows that have their eventID,
   * and hides each one whose record equals one shown (the same JSON, however it is spaced or
   * wrapped). Of two copies the one listed later is hidden, whichever was loaded first, so what
   * is shown does not depend on load order. Calls run one after the other.
   */
  resolveDuplicates(signal?: AbortSignal): Promise<void> {
    const run = this.resolving.then(() => this.resolveNow(signal));
    this.resolving = run.catch(() => undefined);
    return run;
  }

  private async resolveNow(signal?: AbortSignal): Promise<void> {
    const candidates = this.duplicates.takeCandidates();
    if (candidates.length === 0) return;
    const involved = new Set<number>();
    for (const [row, first] of candidates) {
      involved.add(row);
      for (const r of this.duplicates.shownWith(first)) involved.add(r);
    }
    const rows = [...involved];
    const texts = await this.rawRecords(rows, signal);
    const parsed = new Map<number, unknown>();
    rows.forEach((r, i) => parsed.set(r, safeParse(texts[i])));
    for (const [row, first] of candidates) {
      const record = parsed.get(row);
      const same =
        record === undefined
          ? undefined
          : this.duplicates
              .shownWith(first)
              .find((r) => r !== row && isDeepStrictEqual(parsed.get(r), record));
      if (same === undefined) {
        this.duplicates.distinct(row, first);
        continue;
      }
      const later = (a: number, b: number) =>
        this.store.fileOf[a] - this.store.fileOf[b] ||
        this.store.elementOf[a] - this.store.elementOf[b];
      const [hide, keep] = later(row, same) > 0 ? [row, same] : [same, row];
      if (!this.duplicates.hide(hide, keep, first)) continue;
      const file = this.files[this.store.fileOf[hide]];
      const from = this.files[this.store.fileOf[keep]];
      file.duplicates++;
      file.duplicatesOf.set(from, (file.duplicatesOf.get(from) ?? 0) + 1);
      if (!Number.isFinite(this.store.times[hide])) this.untimed--;
      this.version++;
    }
  }

  /** True when the row is a hidden copy of another (never in results). */
  isDuplicate(row: number): boolean {
    return this.duplicates.isHidden(row);
  }

  /** Events shown: rows loaded minus copies of the same event. */
  get eventCount(): number {
    return this.size - this.duplicates.hiddenCount;
  }

  fileById(id: number): IndexedFile | undefined {
    return this.files[id];
  }

  // ── order and queries ──────────────────────────────────────────────────────────────────

  /**
   * Every event shown (copies of the same event left out), in ascending time order; ties keep
   * file order, then order within the file; events without a time last.
   */
  order(): Uint32Array {
    const all = this.allRowsInOrder();
    if (this.duplicates.hiddenCount === 0) return all;
    if (this.visibleOrder?.version !== this.version) {
      this.visibleOrder = {
        version: this.version,
        rows: all.filter((r) => !this.duplicates.isHidden(r)),
      };
      this.ranks = undefined;
    }
    return this.visibleOrder.rows;
  }

  private allRowsInOrder(): Uint32Array {
    if (this.sorted && this.sortedVersion === this.version) return this.sorted;
    const size = this.size;
    if (this.sorted && this.sorted.length <= size && this.sorted.length > 0) {
      // Rows only ever get appended: sort the new ones and merge them in (linear), so a view
      // refreshing while files load does not re-sort everything each time.
      if (this.sorted.length < size)
        this.sorted = mergeNewRows(this.store, this.files, this.sorted, size);
    } else this.sorted = sortByTime(this.store, this.files);
    this.sortedVersion = this.version;
    this.ranks = undefined;
    return this.sorted;
  }

  /** Each row's position in order(). */
  rank(): Uint32Array {
    const order = this.order();
    if (!this.ranks) {
      const ranks = new Uint32Array(this.size); // by row id: hidden copies are not in the order
      for (let i = 0; i < order.length; i++) ranks[order[i]] = i;
      this.ranks = ranks;
    }
    return this.ranks;
  }

  // ── who is behind each event (core/origin) ─────────────────────────────────────────────

  /**
   * Every row's origin, worked out from the credential chains of all the events loaded, once per
   * version (a file loaded later may hold the call that issued a key used earlier). Also keeps
   * the store's ORIGIN_FIELD column, which `origin:` terms run on.
   */
  origins(): OriginColumn {
    if (this.originCache?.version !== this.version)
      this.setOrigins(resolveOrigins(indexOriginSource(this.store)));
    return this.originCache!.column;
  }

  private setOrigins(column: OriginColumn): void {
    this.store.derived.set(ORIGIN_FIELD, {
      ids: column.ids,
      values: column.origins.map(originMatchValues),
    });
    this.originCache = { version: this.version, column };
  }

  originOf(row: number): Origin {
    const c = this.origins();
    return c.origins[c.ids[row]];
  }

  /**
   * The origin as views show it (table cells, facets) while files are still loading: the last
   * resolution is reused until the index has grown fourfold since (so resolving costs about n/3
   * over the whole load, not n per refresh; doubling cost n); rows added since have none yet.
   * Loading ends with a full resolution (load.ts), and `origin:` terms always resolve first.
   */
  private displayOrigins(): OriginColumn {
    const c = this.originCache;
    if (c && c.version !== this.version && this.size < 4 * c.column.ids.length) return c.column;
    return this.origins();
  }

  private displayOriginOf(row: number): Origin | undefined {
    const c = this.displayOrigins();
    return row < c.ids.length ? c.origins[c.ids[row]] : undefined;
  }

  /**
   * The origin of the event with this eventID, for a view that knows the event only by it (the
   * code lens over a log open in the editor); undefined when no shown row has it. A forged record
   * may reuse a real eventID (both are shown, duplicates.ts): when the shown rows with it have
   * different origins, there is no one answer, and undefined is returned rather than the first's.
   */
  originOfEventId(eventID: string): Origin | undefined {
    const c = col(this.store, 'eventID');
    const id = c.dict.find(eventID);
    const packed = new Uint8Array(16);
    const isPacked = id < 0 && packUuid(eventID, 0, eventID.length, packed, 0);
    if (id <= 0 && !isPacked) return undefined;
    const bytes = this.store.eventIds;
    const origins = this.origins();
    let found = -1;
    for (let r = 0; r < this.size; r++) {
      if (id > 0 ? c.ids[r] !== id : c.ids[r] !== PACKED_UUID || !sameBytes(bytes, r * 16, packed))
        continue;
      if (this.duplicates.isHidden(r)) continue;
      if (found >= 0 && origins.ids[r] !== found) return undefined;
      found = origins.ids[r];
    }
    return found < 0 ? undefined : origins.origins[found];
  }

  /**
   * Names the work that keeps derived columns (store.derived) of `fields` current: the detection
   * results (core/detect/indexDetections.ts) are made by the rule engine, which reads records
   * again, so they are brought up to date before a query on them rather than on every load.
   */
  provideDerived(
    fields: readonly string[],
    refresh: (signal?: AbortSignal) => Promise<void>,
  ): void {
    for (const f of fields) this.derivedRefresh.set(f, refresh);
  }

  async query(node: QueryNode, options: QueryOptions = {}): Promise<QueryResult> {
    if (mentionsField(node, ORIGIN_FIELD)) this.origins();
    const refreshes = new Set<(signal?: AbortSignal) => Promise<void>>();
    for (const [field, refresh] of this.derivedRefresh)
      if (mentionsField(node, field)) refreshes.add(refresh);
    for (const refresh of refreshes) await refresh(options.signal);
    const version = this.version;
    const size = this.size;
    const ctx: ExecutionContext = {
      store: this.store,
      order: () => this.order(),
      rank: () => this.rank(),
      annotations: options.annotations,
      matchRaw: (n, rows, signal) => this.matchRaw(n, rows, signal),
    };
    let mask: Uint8Array | null =
      node.kind === 'all' ? null : await evaluate(ctx, node, options.signal);
    if (options.files) {
      const only = new Uint8Array(size);
      for (const id of options.files) {
        const f = this.files[id];
        if (f && f.firstRow >= 0) only.fill(1, f.firstRow, Math.min(size, f.firstRow + f.events));
      }
      mask = mask ? mask.map((v, i) => v & only[i]) : only;
    }
    const order = this.order();
    const times = this.store.times;
    const range = options.range;
    const inRange = (r: number) => !range || (times[r] >= range.from && times[r] < range.to);
    const hidden =
      this.duplicates.hiddenCount > 0 ? (r: number) => this.duplicates.isHidden(r) : undefined;
    let rows: Uint32Array;
    let matched = size;
    if (mask) {
      matched = 0;
      for (let r = 0; r < size; r++) matched += mask[r];
    }
    let untimedOutsideRange = 0;
    if (range && this.untimed > 0) {
      for (let r = 0; r < size; r++)
        if ((!mask || mask[r] === 1) && !Number.isFinite(times[r]) && !hidden?.(r))
          untimedOutsideRange++;
    }
    if (mask && matched < size / 16) {
      // Few matches: collect them in row order and sort their positions in the time order,
      // instead of walking the whole order.
      const rank = this.rank();
      const ranks = new Uint32Array(matched);
      let k = 0;
      for (let r = 0; r < size; r++)
        if (mask[r] === 1 && inRange(r) && !hidden?.(r)) ranks[k++] = rank[r];
      const sorted = ranks.subarray(0, k).sort();
      rows = new Uint32Array(k);
      for (let i = 0; i < k; i++) rows[i] = order[sorted[i]];
    } else {
      const out = new Uint32Array(matched);
      let n = 0;
      for (let i = 0; i < order.length; i++) {
        const r = order[i];
        if (r >= size) continue; // appended while the query ran
        if (mask && mask[r] !== 1) continue;
        if (!inRange(r)) continue;
        out[n++] = r;
      }
      rows = n === out.length ? out : out.slice(0, n);
    }
    if (options.order === 'desc') rows.reverse();
    return {
      rows,
      order: options.order ?? 'asc',
      version,
      ...(range ? { untimedOutsideRange } : {}),
    };
  }

  timeBounds(): { from: number; to: number } | null {
    // Views ask on every progress report while loading, so this must not sort: rows are only
    // ever appended, and a running min/max over the rows added since the last call is exact.
    const times = this.store.times;
    for (let r = this.boundsScanned; r < this.size; r++) {
      const t = times[r];
      if (!Number.isFinite(t)) continue;
      if (t < this.minTime) this.minTime = t;
      if (t > this.maxTime) this.maxTime = t;
    }
    this.boundsScanned = this.size;
    return this.minTime <= this.maxTime ? { from: this.minTime, to: this.maxTime } : null;
  }

  // ── reading rows ───────────────────────────────────────────────────────────────────────

  /**
   * A column value of a row (an indexed record path, or 'principal' / 'account'), as JSON.parse
   * reads it from the record (a number kept as written is its double here; str and summary give
   * its text).
   */
  value(row: number, field: string): string | number | boolean | null | undefined {
    const s = this.store;
    if (field === TIME_FIELD) return Number.isFinite(s.times[row]) ? s.times[row] : undefined;
    if (field === 'principal') return this.principalOf(row);
    if (field === 'account') return this.accountOf(row);
    const c = s.scalarByField.get(field);
    if (!c) throw new Error(`"${field}" is not an indexed field`);
    const id = c.ids[row];
    if (id === PACKED_UUID) return s.packedEventId(row);
    return id === IRREGULAR ? undefined : valueOfPrimitive(c.dict.values[id]);
  }

  private str(row: number, f: ScalarField): string {
    const c = col(this.store, f);
    const id = c.ids[row];
    if (id === PACKED_UUID) return this.store.packedEventId(row);
    if (id === ABSENT || id === IRREGULAR) return '';
    return textOfPrimitive(c.dict.values[id]);
  }

  principalOf(row: number): string {
    return principalDisplayName({
      type: this.str(row, 'userIdentity.type'),
      arn: this.str(row, 'userIdentity.arn'),
      userName: this.str(row, 'userIdentity.userName'),
      issuerUserName: this.str(row, 'userIdentity.sessionContext.sessionIssuer.userName'),
      invokedBy: this.str(row, 'userIdentity.invokedBy'),
      principalId: this.str(row, 'userIdentity.principalId'),
      accountId: this.str(row, 'userIdentity.accountId'),
      onBehalfOfUserId: this.str(row, 'userIdentity.onBehalfOf.userId'),
      insightType: this.str(row, 'insightDetails.insightType'),
      insightState: this.str(row, 'insightDetails.state'),
    });
  }

  /** The account the event was logged in: recipientAccountId, else the file's, else the caller's. */
  accountOf(row: number): string {
    return (
      this.str(row, 'recipientAccountId') ||
      this.files[this.store.fileOf[row]]?.info?.accountId ||
      this.str(row, 'userIdentity.accountId')
    );
  }

  summary(row: number): EventSummary {
    const s = this.store;
    const t = s.times[row];
    const readOnly = this.value(row, 'readOnly');
    const file = this.files[s.fileOf[row]];
    return {
      row,
      time: t,
      eventTime: formatEventTime(t),
      eventName: this.str(row, 'eventName'),
      eventSource: this.str(row, 'eventSource'),
      principal: this.principalOf(row),
      principalType: this.str(row, 'userIdentity.type'),
      principalArn: this.str(row, 'userIdentity.arn'),
      accessKeyId: this.str(row, 'userIdentity.accessKeyId'),
      sourceIPAddress: this.str(row, 'sourceIPAddress'),
      userAgent: this.str(row, 'userAgent'),
      region: this.str(row, 'awsRegion'),
      account: this.accountOf(row),
      errorCode: this.str(row, 'errorCode'),
      readOnly:
        readOnly === true || readOnly === 'true'
          ? true
          : readOnly === false || readOnly === 'false'
            ? false
            : undefined,
      eventID: this.str(row, 'eventID'),
      eventType: this.str(row, 'eventType'),
      fileId: file.id,
      fileKey: file.key,
      ...originFields(this.displayOriginOf(row)),
    };
  }

  /** Summaries of result rows [start, start + count). */
  summaries(result: QueryResult | Uint32Array, start: number, count: number): EventSummary[] {
    const rows = result instanceof Uint32Array ? result : result.rows;
    const out: EventSummary[] = [];
    for (let i = Math.max(0, start); i < Math.min(rows.length, start + count); i++)
      out.push(this.summary(rows[i]));
    return out;
  }

  /** The exact JSON text of one event, read again from its file. */
  async rawRecord(row: number, signal?: AbortSignal): Promise<string> {
    return (await this.rawRecords(Uint32Array.of(row), signal))[0];
  }

  /**
   * The exact JSON text of each row, in the order given. Each file involved is read and
   * decompressed once per call, so ask for rows in batches (a page, a few thousand rows).
   * Throws SourceError when a file can no longer be read, or ('changed') no longer holds the
   * bytes it was indexed from.
   */
  async rawRecords(rows: ArrayLike<number>, signal?: AbortSignal): Promise<string[]> {
    const out: string[] = new Array(rows.length);
    await this.forEachFileOf(rows, signal, async (file, positions, elements, bytes) => {
      const res = await this.runner.run({
        kind: 'texts',
        bytes,
        sha256: file.sha256!,
        maxUncompressedBytes: this.maxUncompressedBytes,
        shape: file.shape!,
        elements,
      });
      if (!res.ok) throw rereadError(file, res);
      positions.forEach((p, i) => (out[p] = res.texts[i]));
    });
    return out;
  }

  private async matchRaw(
    node: QueryNode,
    rows: Uint32Array,
    signal?: AbortSignal,
  ): Promise<Uint8Array> {
    const out = new Uint8Array(rows.length);
    await this.forEachFileOf(rows, signal, async (file, positions, elements, bytes) => {
      const res = await this.runner.run({
        kind: 'match',
        bytes,
        sha256: file.sha256!,
        maxUncompressedBytes: this.maxUncompressedBytes,
        shape: file.shape!,
        elements,
        node,
      });
      if (!res.ok) throw rereadError(file, res);
      positions.forEach((p, i) => (out[p] = res.matched[i]));
    });
    return out;
  }

  /**
   * Groups rows by file, reads each file once and hands its bytes to `work`, a few at a time.
   * `work` has the worker check them against the file's fingerprint (TextsJob.sha256).
   */
  private async forEachFileOf(
    rows: ArrayLike<number>,
    signal: AbortSignal | undefined,
    work: (
      file: IndexedFile,
      positions: number[],
      elements: Uint32Array,
      bytes: Uint8Array,
    ) => Promise<void>,
  ): Promise<void> {
    const byFile = new Map<number, number[]>();
    for (let i = 0; i < rows.length; i++) {
      const f = this.store.fileOf[rows[i]];
      let list = byFile.get(f);
      if (!list) byFile.set(f, (list = []));
      list.push(i);
    }
    await mapLimited(
      [...byFile.entries()],
      Math.max(2, this.runner.threads * 2),
      async ([fileId, positions]) => {
        if (signal?.aborted) throw new SourceError('cancelled', '', 'cancelled');
        const file = this.files[fileId];
        const elements = Uint32Array.from(positions, (p) => this.store.elementOf[rows[p]]);
        const bytes = await file.source.read(file.key, {
          maxBytes: this.maxUncompressedBytes,
          signal,
        });
        await work(file, positions, elements, bytes);
      },
    );
  }

  // ── aggregates ─────────────────────────────────────────────────────────────────────────

  /** The most frequent values of `field` among the result's events. */
  facet(result: QueryResult | Uint32Array, field: string, limit = 10): FacetResult {
    const rows = result instanceof Uint32Array ? result : result.rows;
    if (field === 'principal' || field === 'account') return this.derivedFacet(rows, field, limit);
    if (field === ORIGIN_FIELD) return this.originFacet(rows, limit);
    const c = this.store.scalarByField.get(field);
    if (!c)
      throw new Error(
        `cannot facet on "${field}": facets work on ${[...SCALAR_FIELDS, ...DERIVED_FIELDS].join(', ')}`,
      );
    const counts = new Uint32Array(c.dict.size);
    for (let i = 0; i < rows.length; i++) {
      const id = c.ids[rows[i]];
      if (id < counts.length) counts[id]++; // IRREGULAR and PACKED_UUID rows count as "other"
    }
    // A click filters `field:<label>`, which matches a value by its text: values with one text
    // (the number 443 and the string "443", true and "true") are one entry, and null, which no
    // term matches but `-field:*`, counts with the absent. Spellings of one text are joined
    // after (joinSpellings), and so are a number's spellings (1E2 and 100).
    const values = c.dict.values;
    let absent = counts[0];
    const byLabel = new Map<string, FacetCount>();
    for (let id = 1; id < counts.length; id++) {
      if (counts[id] === 0) continue;
      if (values[id] === null) {
        absent += counts[id];
        continue;
      }
      const label = labelOf(values[id]);
      // A number kept as written (1E2) is not the string "1E2": joinSpellings joins it by value.
      const key = isWrittenNumber(values[id]) ? `\0${label}` : label;
      const entry = byLabel.get(key);
      if (entry) entry.count += counts[id];
      else byLabel.set(key, { value: values[id], label, count: counts[id] });
    }
    const top = sortFacet(joinSpellings(byLabel.values())).slice(0, limit);
    const shown = top.reduce((s, e) => s + e.count, 0);
    return { field, values: top, other: rows.length - absent - shown, absent };
  }

  /**
   * Who acted, for the Principal facet: callers with an ARN by their ARN (a click filters on it
   * exactly), and those without one that an investigator looks for by kind: anonymous callers
   * (`principal:anonymous`) and IAM Identity Center users (by user id).
   */
  principalFacet(result: QueryResult | Uint32Array, limit = 10): FacetResult {
    const rows = result instanceof Uint32Array ? result : result.rows;
    const arn = col(this.store, 'userIdentity.arn');
    const arnCounts = new Uint32Array(arn.dict.size);
    const anonymousIds = (f: ScalarField) => {
      const c = col(this.store, f);
      return {
        ids: c.ids,
        anonymous: c.dict.values.map((v) =>
          isAnonymousIdentity({ accountId: valueOfPrimitive(v) }),
        ),
      };
    };
    const account = anonymousIds('userIdentity.accountId');
    const principalId = anonymousIds('userIdentity.principalId');
    const user = col(this.store, 'userIdentity.onBehalfOf.userId');
    const userCounts = new Uint32Array(user.dict.size);
    let anonymous = 0;
    let absent = 0;
    // A null ARN is no ARN (no term matches it but `-userIdentity.arn:*`), as facet() has it.
    const nullArn = arn.dict.find(null);
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i];
      const a = arn.ids[r];
      if (a !== ABSENT && a !== nullArn) {
        if (a < arnCounts.length) arnCounts[a]++; // IRREGULAR rows count as "other"
      } else if (account.anonymous[account.ids[r]] || principalId.anonymous[principalId.ids[r]])
        anonymous++;
      else if (
        user.ids[r] !== ABSENT &&
        user.ids[r] < userCounts.length &&
        typeof user.dict.values[user.ids[r]] === 'string'
      )
        userCounts[user.ids[r]]++;
      else absent++;
    }
    const values: FacetCount[] = [];
    arnCounts.forEach(
      (n, id) =>
        n > 0 &&
        id !== ABSENT &&
        values.push({
          value: arn.dict.values[id],
          label: labelOf(arn.dict.values[id]),
          count: n,
          field: 'userIdentity.arn',
        }),
    );
    userCounts.forEach(
      (n, id) =>
        n > 0 &&
        values.push({
          value: user.dict.values[id],
          label: labelOf(user.dict.values[id]),
          count: n,
          field: 'userIdentity.onBehalfOf.userId',
        }),
    );
    if (anonymous > 0)
      values.push({
        value: ANONYMOUS_PRINCIPAL_LABEL,
        label: ANONYMOUS_PRINCIPAL_LABEL,
        count: anonymous,
        field: 'principal',
      });
    const top = sortFacet(joinSpellings(values)).slice(0, limit);
    const shown = top.reduce((n, v) => n + v.count, 0);
    return { field: 'principal', values: top, other: rows.length - absent - shown, absent };
  }

  /** Who is behind the events: by origin ARN (what `origin:` matches), labelled with its name. */
  private originFacet(rows: Uint32Array, limit: number): FacetResult {
    const c = this.displayOrigins();
    const counts = new Uint32Array(c.origins.length);
    let absent = 0;
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i];
      if (r < c.ids.length) counts[c.ids[r]]++;
      else absent++;
    }
    // Entries with the same ARN (one origin reached by chains of different lengths) count
    // together, and so do its spellings (a click filters origin:"<arn>", which ignores case).
    const byArn = new Map<string, { label: string; count: number }>();
    counts.forEach((n, id) => {
      if (n === 0) return;
      const o = c.origins[id];
      if (!o.arn) {
        absent += n;
        return;
      }
      const e = byArn.get(o.arn);
      const label = o.complete ? originLabel(o) : `${originLabel(o)} (chain stops here)`;
      if (e) e.count += n;
      else byArn.set(o.arn, { label, count: n });
    });
    const shownArn = new Map<string, string>();
    const entries = joinSpellings(
      [...byArn].map(([arn, e]) => {
        shownArn.set(arn, e.label);
        return { value: arn, label: arn, count: e.count, field: 'origin' };
      }),
    );
    const top = sortFacet(entries).slice(0, limit);
    const shown = top.reduce((s, e) => s + e.count, 0);
    // A click filters with the alias (origin:"<arn>"), which the filter box shows as typed.
    return {
      field: ORIGIN_FIELD,
      values: top.map((e) => ({ ...e, label: shownArn.get(e.label) ?? e.label })),
      other: rows.length - absent - shown,
      absent,
    };
  }

  private derivedFacet(
    rows: Uint32Array,
    field: 'principal' | 'account',
    limit: number,
  ): FacetResult {
    const counts = new Map<string, number>();
    for (let i = 0; i < rows.length; i++) {
      const v = field === 'principal' ? this.principalOf(rows[i]) : this.accountOf(rows[i]);
      counts.set(v, (counts.get(v) ?? 0) + 1);
    }
    const absent = counts.get('') ?? 0;
    counts.delete('');
    const sorted = [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    const top = sorted.slice(0, limit);
    const shown = top.reduce((s, [, n]) => s + n, 0);
    return {
      field,
      values: top.map(([v, n]) => ({ value: v, label: v, count: n })),
      other: rows.length - absent - shown,
      absent,
    };
  }

  /** Events per time bin over [from, to), and how many of them have an errorCode. */
  histogram(
    result: QueryResult | Uint32Array,
    from: number,
    to: number,
    bins: number,
  ): HistogramResult {
    const rows = result instanceof Uint32Array ? result : result.rows;
    const nBins = Math.max(1, Math.floor(bins));
    const binMs = Math.max(1, (to - from) / nBins);
    const counts = new Uint32Array(nBins);
    const errors = new Uint32Array(nBins);
    const times = this.store.times;
    const err = col(this.store, 'errorCode');
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i];
      const t = times[r];
      if (!(t >= from && t < to)) continue;
      const b = Math.min(nBins - 1, Math.floor((t - from) / binMs));
      counts[b]++;
      const e = err.ids[r];
      if (
        e !== ABSENT &&
        e !== IRREGULAR &&
        err.dict.values[e] !== null &&
        err.dict.values[e] !== ''
      )
        errors[b]++;
    }
    return { from, binMs, counts, errors };
  }

  /** Bytes held by the columns (typed arrays; dictionaries are extra). */
  get columnBytes(): number {
    return this.store.arrayBytes;
  }
}

function originFields(
  o: Origin | undefined,
): Pick<EventSummary, 'origin' | 'originName' | 'originType' | 'originHops' | 'originComplete'> {
  if (!o)
    return { origin: '', originName: '', originType: '', originHops: 0, originComplete: undefined };
  return {
    origin: o.arn,
    originName: o.name,
    originType: o.type,
    originHops: o.hops.length,
    originComplete: o.complete,
  };
}

function sameBytes(bytes: Uint8Array, at: number, want: Uint8Array): boolean {
  for (let i = 0; i < 16; i++) if (bytes[at + i] !== want[i]) return false;
  return true;
}

function safeParse(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function labelOf(v: Primitive): string {
  return textOfPrimitive(v);
}

/**
 * Facet entries joined as a click on one filters them: `field:<label>` ignores case (caseKey),
 * so `Admin`, `admin` and `ADMIN` are one entry, counted together and shown as the spelling
 * most events have. Listed apart, an exclude-click on `admin (2)` also hid `Admin`'s events.
 * A number kept as written (1E2, 100.0) is a spelling of its value (100), which a click on the
 * value finds; the label (what a click filters on) is the value's own text when the entry has
 * one, so that the click finds what it found before numbers were kept as written.
 */
function joinSpellings(entries: Iterable<FacetCount>): FacetCount[] {
  const groups = new Map<string, FacetCount[]>();
  for (const e of entries) {
    const text = isWrittenNumber(e.value) ? String(valueOfPrimitive(e.value)) : e.label;
    const key = `${e.field ?? ''}\0${caseKey(text)}`;
    const g = groups.get(key);
    if (g) g.push(e);
    else groups.set(key, [e]);
  }
  return [...groups.values()].map((g) => {
    if (g.length === 1) return g[0];
    const sorted = sortFacet(g);
    const first = sorted.findIndex((e) => !isWrittenNumber(e.value));
    if (first > 0) sorted.unshift(...sorted.splice(first, 1));
    const [shown, ...others] = sorted;
    return {
      ...shown,
      count: g.reduce((n, e) => n + e.count, 0),
      spellings: others.slice(0, MAX_SPELLINGS).map((e) => ({ label: e.label, count: e.count })),
    };
  });
}

/** Most events first, then by label. */
function sortFacet(entries: FacetCount[]): FacetCount[] {
  return entries.sort(
    (x, y) => y.count - x.count || (x.label < y.label ? -1 : x.label > y.label ? 1 : 0),
  );
}

/**
 * Why a file read again gave no records: its bytes changed since it was indexed, or it could not
 * be decompressed or parsed again.
 */
function rereadError(file: IndexedFile, res: FailedResult | ChangedResult): SourceError {
  if ('changed' in res)
    return new SourceError(
      'changed',
      file.key,
      `${file.location}: the file changed since it was loaded (its bytes are not those its events were indexed from), so no record is read from it; loading it again reads the new version`,
    );
  return new SourceError('io', file.key, `${file.location}: ${res.message}`);
}

function locationOf(source: LogSource, key: string): string {
  return source.localPath?.(key) || keyLocation(source, key);
}

/**
 * The order of rows [0, size) from the order of rows [0, sorted.length): the new rows are sorted
 * on their own (the same fast sort as a full one) and merged in linearly; the same result as a
 * full sort.
 */
function mergeNewRows(
  store: ColumnStore,
  files: readonly IndexedFile[],
  sorted: Uint32Array,
  size: number,
): Uint32Array {
  const times = store.times;
  const fileOf = store.fileOf;
  const elementOf = store.elementOf;
  const key = (r: number) => (Number.isFinite(times[r]) ? times[r] : Infinity);
  const before = (a: number, b: number) => {
    const ta = key(a);
    const tb = key(b);
    if (ta !== tb) return ta < tb;
    if (fileOf[a] !== fileOf[b]) return fileOf[a] < fileOf[b];
    return elementOf[a] < elementOf[b];
  };
  const fresh = sortByTime(store, files, sorted.length, size);
  const out = new Uint32Array(size);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < sorted.length && j < fresh.length)
    out[k++] = before(fresh[j], sorted[i]) ? fresh[j++] : sorted[i++];
  while (i < sorted.length) out[k++] = sorted[i++];
  while (j < fresh.length) out[k++] = fresh[j++];
  return out;
}

/**
 * Sorts rows [fromRow, toRow) by (time, file id, element); rows without a time go last. A file's
 * rows are contiguous and appended whole, so the rows in that span are exactly those of the
 * files whose first row lies in it: they are first laid out by file (in element order), then
 * stably sorted by time. When every time is a whole second, a radix sort of the seconds does the
 * work (stableSortByKey); for times more than 136 years apart the sort key packs time and
 * position into one double and the native numeric sort does it (about 10× faster than a
 * comparator on a million rows); times with milliseconds take the comparator.
 */
function sortByTime(
  store: ColumnStore,
  files: readonly IndexedFile[],
  fromRow = 0,
  toRow = store.size,
): Uint32Array {
  const n = toRow - fromRow;
  const byFile = new Uint32Array(n);
  let k = 0;
  for (const f of files) {
    if (f.firstRow < fromRow || f.firstRow >= toRow) continue;
    for (let r = f.firstRow; r < f.firstRow + f.events && r < toRow; r++) byFile[k++] = r;
  }
  const times = store.times;
  let minSec = Infinity;
  let maxSec = 0;
  let wholeSeconds = true;
  for (let r = fromRow; r < toRow; r++) {
    const t = times[r];
    if (!Number.isFinite(t)) continue;
    if (t % 1000 !== 0 || t < 0) {
      wholeSeconds = false;
      break;
    }
    if (t / 1000 > maxSec) maxSec = t / 1000;
    if (t / 1000 < minSec) minSec = t / 1000;
  }
  if (minSec === Infinity) minSec = 0;
  if (wholeSeconds && maxSec - minSec + 1 <= 0xffffffff) {
    // Seconds from the earliest (rows without a time after every timed row), sorted stably: rows
    // of the same second keep the order of byFile.
    const last = maxSec - minSec + 1;
    const seconds = new Uint32Array(n);
    for (let i = 0; i < n; i++) {
      const t = times[byFile[i]];
      seconds[i] = Number.isFinite(t) ? t / 1000 - minSec : last;
    }
    return stableSortByKey(byFile, seconds, last);
  }
  // Seconds counted from the earliest, so that the position (log2 n bits: 24 for 10,000,000
  // rows) fits beside them in a double's 53 bits; counted from 1970, only 22 bits did, and past
  // 4 million rows the sort fell back to the comparator.
  const POS = 2 ** Math.max(1, Math.ceil(Math.log2(n + 1)));
  if (wholeSeconds && (maxSec - minSec + 2) * POS < Number.MAX_SAFE_INTEGER) {
    const keys = new Float64Array(n);
    const last = maxSec - minSec + 1; // rows without a time sort after every timed row
    for (let i = 0; i < n; i++) {
      const t = times[byFile[i]];
      keys[i] = (Number.isFinite(t) ? t / 1000 - minSec : last) * POS + i;
    }
    keys.sort();
    const out = new Uint32Array(n);
    for (let i = 0; i < n; i++) out[i] = byFile[keys[i] % POS];
    return out;
  }
  const pos = new Uint32Array(n);
  for (let i = 0; i < n; i++) pos[byFile[i] - fromRow] = i;
  const key = (r: number) => (Number.isFinite(times[r]) ? times[r] : Infinity);
  return byFile.sort((a, b) => key(a) - key(b) || pos[a - fromRow] - pos[b - fromRow]);
}

/**
 * `items` ordered by `keys` (≤ maxKey), equal keys in their order in `items`: a radix sort, 16
 * bits a pass (one pass when every key fits in 16 bits). About 4× faster than sorting packed
 * doubles at a million rows.
 */
function stableSortByKey(items: Uint32Array, keys: Uint32Array, maxKey: number): Uint32Array {
  const n = items.length;
  let from: Uint32Array = items;
  let fromKeys: Uint32Array = keys;
  let to: Uint32Array = new Uint32Array(n);
  let toKeys: Uint32Array = new Uint32Array(n);
  const counts = new Uint32Array(65537);
  for (let shift = 0; shift < 32 && maxKey >>> shift > 0; shift += 16) {
    counts.fill(0);
    for (let i = 0; i < n; i++) counts[((fromKeys[i] >>> shift) & 0xffff) + 1]++;
    for (let d = 1; d <= 65536; d++) counts[d] += counts[d - 1];
    for (let i = 0; i < n; i++) {
      const k = fromKeys[i];
      const at = counts[(k >>> shift) & 0xffff]++;
      to[at] = from[i];
      toKeys[at] = k;
    }
    [from, to] = [to, from];
    [fromKeys, toKeys] = [toKeys, fromKeys];
  }
  return from;
}
