// The one typed protocol between the timeline webview (src/webview) and its host
// (src/extension/timeline), both directions, plus a tiny request/response helper.
//
// Every message is validated on arrival on both sides (`validateFromWebview`,
// `validateToWebview`): the webview is a browser context that renders attacker-controlled log
// values, so the host treats what it sends as untrusted input, and the webview only acts on
// messages of a known shape.
//
// The webview never holds all events: it asks for a query (which answers the count, the
// histogram and the first page at once, so a filter change costs one round trip), then for
// pages of rows by query id as the user scrolls, facets, and one record's detail at a time.

// The table's columns, the facets and the row shape come from the one column model.
import { COLUMN_IDS, ColumnId, FACET_IDS, FacetId, RowSummary } from './core/index/columns';
export { COLUMN_IDS, FACET_IDS };
export type { ColumnId, FacetId, RowSummary };

/** Milliseconds since the epoch, UTC. A range is half-open: [from, to). */
export interface TimeRange {
  from: number;
  to: number;
}

import type { SortOrder } from './core/index/eventIndex';
export type { SortOrder };

/** Pivots offered from the detail pane. */
export const PIVOT_KINDS = ['principal', 'accessKey', 'sourceIp', 'session', 'resource'] as const;
export type PivotKind = (typeof PIVOT_KINDS)[number];

export interface Histogram {
  /** Start of the first bin. */
  from: number;
  /** Width of each bin in ms. */
  binMs: number;
  /** Matching events per bin. */
  counts: number[];
  /** Of those, events with an errorCode (drawn stacked in a second colour). */
  errors: number[];
}

export interface FacetValue {
  /** The field's value: what a click filters on. */
  value: string;
  /** What to show (e.g. "Admin/alice" for an assumed-role ARN); often the value itself. */
  label: string;
  count: number;
  /** The query field a click filters on, when not the facet's (the principal facet: `principal:anonymous`). */
  field?: string;
  /** Shown under the value before it (the Detections facet: a rule under its level). */
  sub?: boolean;
  /** Other spellings counted in this entry (a click ignores case), most events first. */
  spellings?: { label: string; count: number }[];
}

export interface Facet {
  id: FacetId;
  /** The query language's name for the field (what a click writes into the filter). */
  field: string;
  values: FacetValue[];
  /** How many events have some value for the field besides the ones listed. */
  other: number;
}

export interface QueryError {
  message: string;
  /** Offset in the filter text where the problem is (0-based), and how many chars it spans. */
  offset: number;
  length: number;
}

/** What one file of the load said (core/index/fileNotes.ts): why it was not read, what it is. */
export interface FileNoteView {
  /** Where the file is (a path or s3:// URI), with `:line:column` for a JSON error. */
  location: string;
  severity: 'error' | 'warning' | 'note';
  message: string;
}

export interface LoadProgress {
  loading: boolean;
  filesDone: number;
  /** Files found so far; while `listing`, more are still being found. */
  filesTotal: number;
  listing?: boolean;
  events: number;
  /** Files that failed to load (each already reported to the user with its name). */
  failedFiles: number;
  /** The most recent failure, e.g. "AWSLogs/…/x.json.gz: not valid gzip". */
  lastError?: string;
  cancelled?: boolean;
  /** Loading stopped at the load's budget (records or decompressed bytes): why, and how to raise it. */
  stopped?: string;
  /** Every file's notes so far (at most LIMITS.fileNotes, errors first). */
  fileNotes?: FileNoteView[];
  /** How many notes there were in all (more than fileNotes holds when capped). */
  fileNotesTotal?: number;
  /** Nothing was read: what was looked at and why each thing was skipped. */
  nothingRead?: string;
}

export interface CompletionItem {
  label: string;
  /** Short description (e.g. "field", "1,234 events"). */
  detail: string;
  /** Text that replaces filter[from, to). */
  insert: string;
  from: number;
  to: number;
}

export interface Explanation {
  label: string;
  text: string;
}

export interface Pivot {
  kind: PivotKind;
  label: string;
  filter: string;
}

/** Who is behind an event (core/origin), for the detail pane: the chain hop by hop. */
export interface OriginView {
  /** "for bob (via 2 role hops)", or where the chain stops and why. */
  summary: string;
  /** Credential issuances from the origin outwards; `id` is the issuing event's id (a link). */
  hops: { id: number; eventID: string; eventName: string; arn: string }[];
  /** A console session: the ConsoleLogin that started it (a link). */
  consoleLogin?: { id: number; eventID: string; time: number };
}

/** A detection rule that fired on an event (core/detect), for the detail pane: what it is and why it fired. */
export interface DetectionView {
  id: string;
  title: string;
  /** The Sigma level: informational, low, medium, high or critical. */
  level: string;
  description: string;
  falsePositives: string[];
  /** ATT&CK and other tags (attack.t1562.008). */
  tags: string[];
  /** The field tests that held, with the values the event has there. */
  matched: { field: string; condition: string; values: string[] }[];
}

// ── webview → host ──────────────────────────────────────────────────────────────────────────

/**
 * The query a new view starts with (its default state): the host may answer it before the view
 * asks, in a hello it pushes as soon as it has the first events (see TimelineSession).
 */
export const START_QUERY: QueryParams = {
  filter: '',
  range: null,
  sort: 'asc',
  bins: 200,
  pageStart: 0,
  pageCount: 200,
};

/** The view started: `query` is its first query, answered in the hello (one round trip, not two). */
export interface ReadyRequest {
  type: 'ready';
  /** null when it cannot be known before the hello (a range relative to the data's bounds). */
  query: QueryParams | null;
}
export interface QueryParams {
  filter: string;
  /** null: all of the data. */
  range: TimeRange | null;
  sort: SortOrder;
  /** Number of histogram bins wanted (the canvas width decides). */
  bins: number;
  /** The first page, answered with the query. */
  pageStart: number;
  pageCount: number;
  /**
   * An event the view keeps selected across this query (a pivot, ±5 minutes): the reply says
   * its row in the result (`anchorRow`), wherever it is, so the view can scroll to it.
   */
  anchorId?: number;
}
export interface QueryRequest extends QueryParams {
  type: 'query';
}
export interface PageRequest {
  type: 'page';
  queryId: number;
  start: number;
  count: number;
}
export interface FacetsRequest {
  type: 'facets';
  queryId: number;
  limit: number;
}
export interface DetailRequest {
  type: 'detail';
  id: number;
}
export interface CompleteRequest {
  type: 'complete';
  filter: string;
  cursor: number;
}
/** Adds `field:value` (or its negation) to the filter, in the query language's own syntax. */
export interface AddTermRequest {
  type: 'addTerm';
  filter: string;
  field: string;
  value: string;
  negate: boolean;
}
export interface OpenRawEvent {
  type: 'openRaw';
  id: number;
}
export interface CopyJsonEvent {
  type: 'copyJson';
  id: number;
}
export interface ExportEvent {
  type: 'export';
  format: 'jsonl' | 'csv';
  queryId: number;
}
export interface CancelLoadEvent {
  type: 'cancelLoad';
}
/** The view painted its first result over some events (the host holds its load back until then). */
export interface ShownEvent {
  type: 'shown';
}
/** Star, tag or comment events (the selected rows); the host asks for the tag or note text. */
export interface AnnotateEvent {
  type: 'annotate';
  ids: number[];
  action: AnnotateAction;
}
export const ANNOTATE_ACTIONS = ['star', 'tag', 'untag', 'note'] as const;
export type AnnotateAction = (typeof ANNOTATE_ACTIONS)[number];
/** The user asked to change the time zone (the host opens the cloudtrailLens.timeZone setting). */
export interface OpenTimeZoneSettingEvent {
  type: 'openTimeZoneSetting';
}

export type FromWebview =
  | ReadyRequest
  | QueryRequest
  | PageRequest
  | FacetsRequest
  | DetailRequest
  | CompleteRequest
  | AddTermRequest
  | OpenRawEvent
  | CopyJsonEvent
  | ExportEvent
  | CancelLoadEvent
  | ShownEvent
  | AnnotateEvent
  | OpenTimeZoneSettingEvent;

// ── host → webview ──────────────────────────────────────────────────────────────────────────

export interface HelloReply {
  type: 'hello';
  title: string;
  total: number;
  bounds: TimeRange | null;
  progress: LoadProgress;
  /** A filter the panel was opened with (a code lens, a pivot from elsewhere); wins over saved state. */
  initialFilter: string | null;
  /** The time range that comes with it (null: all of the data). */
  initialRange: TimeRange | null;
  /** The answer to the ready's query (with the initial filter instead, if there is one). */
  first: QueryReply | null;
  /** The zone every time is shown in: "UTC" or an IANA zone (the cloudtrailLens.timeZone setting). */
  timeZone: string;
  /**
   * The host's data version when this hello's progress, total and result were taken. Progress
   * and refresh events carry theirs: messages posted to a page that is still loading can reach it
   * out of order, so a view that saw a later version before the hello keeps what that said and
   * asks again.
   */
  version: number;
}
export interface QueryReply {
  type: 'queryResult';
  queryId: number;
  matches: number;
  total: number;
  /** The data's overall time bounds (for presets and the custom range inputs). */
  bounds: TimeRange | null;
  histogram: Histogram;
  pageStart: number;
  rows: RowSummary[];
  /** The row of the query's `anchorId` in the result; absent when it is not in it. */
  anchorRow?: number;
  /** Set when the filter does not parse: nothing else is meaningful then. */
  error: QueryError | null;
  /** The filter parses but probably does not say what was meant (a field no record has, `or`). */
  warnings?: QueryError[];
  /** What the result leaves out without the filter saying so (events without a time). */
  notes?: string[];
}
export interface PageReply {
  type: 'pageResult';
  queryId: number;
  start: number;
  rows: RowSummary[];
}
export interface FacetsReply {
  type: 'facetsResult';
  queryId: number;
  facets: Facet[];
}
export interface DetailReply {
  type: 'detailResult';
  id: number;
  time: number;
  /** The full record, indented, every token (numbers, escapes, duplicate keys) as stored. */
  json: string;
  /** What is wrong with the record itself (keys named twice, an identity that contradicts
   * itself): shown first, above the detections and the origin that read it. */
  warnings?: Explanation[];
  explanations: Explanation[];
  pivots: Pivot[];
  /** Who is behind the event, when the timeline knows (its loaded events). */
  origin?: OriginView;
  /** The detection rules that fired on it, highest level first (absent before the rules have run over it). */
  detections?: DetectionView[];
}
export interface CompleteReply {
  type: 'completeResult';
  items: CompletionItem[];
}
export interface FilterReply {
  type: 'filterText';
  filter: string;
  /**
   * Said to the user with the filter: the value was too long for a filter and the term matches
   * the values starting with its first characters, or it could not be added at all (the filter
   * is then unchanged).
   */
  notice?: string;
}
export interface ErrorReply {
  type: 'error';
  message: string;
}
/** Loading advanced (new files read, new events indexed). */
export interface ProgressEvent {
  type: 'progress';
  progress: LoadProgress;
  total: number;
  bounds: TimeRange | null;
  /** Higher for each later progress or refresh (HelloReply.version): an older one arriving late is stale. */
  version: number;
}
/** The case file changed (an annotation here or a teammate's pulled edit): the view runs its query again, keeping its place. */
export interface RefreshEvent {
  type: 'refresh';
  /** As ProgressEvent.version. */
  version: number;
}
/** The time zone setting changed. */
export interface TimeZoneEvent {
  type: 'timeZone';
  zone: string;
}
/** The host asks the view to show this filter (the panel was re-targeted, e.g. by a code lens). */
export interface SetFilterEvent {
  type: 'setFilter';
  filter: string;
  range: TimeRange | null;
}

export type ToWebview =
  | HelloReply
  | QueryReply
  | PageReply
  | FacetsReply
  | DetailReply
  | CompleteReply
  | FilterReply
  | ErrorReply
  | ProgressEvent
  | SetFilterEvent
  | RefreshEvent
  | TimeZoneEvent;

/** Which reply each request gets. */
export interface ReplyOf {
  ready: HelloReply;
  query: QueryReply;
  page: PageReply;
  facets: FacetsReply;
  detail: DetailReply;
  complete: CompleteReply;
  addTerm: FilterReply;
}
export type RequestType = keyof ReplyOf;

// ── limits (the host refuses anything beyond them) ──────────────────────────────────────────

export const LIMITS = {
  filterLength: 10_000,
  pageCount: 500,
  bins: 2_000,
  facetLimit: 100,
  fieldLength: 200,
  valueLength: 20_000,
  fileNotes: 500,
  annotateIds: 10_000,
  /** IANA zone names are short ("America/Argentina/ComodRivadavia" is among the longest). */
  zoneLength: 64,
} as const;

// ── validation ──────────────────────────────────────────────────────────────────────────────

type Check = (v: unknown) => boolean;

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v);
const isFiniteNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const nonNegInt: Check = (v) => isInt(v) && v >= 0;
const str =
  (max: number): Check =>
  (v) =>
    typeof v === 'string' && v.length <= max;
const oneOf =
  (...values: readonly unknown[]): Check =>
  (v) =>
    values.includes(v);
const range: Check = (v) => {
  if (v === null) return true;
  if (!isObject(v)) return false;
  return isFiniteNum(v.from) && isFiniteNum(v.to) && v.from <= v.to;
};
const bool: Check = (v) => typeof v === 'boolean';
const arrayOf =
  (item: Check): Check =>
  (v) =>
    Array.isArray(v) && v.every(item);
const optional =
  (c: Check): Check =>
  (v) =>
    v === undefined || c(v);
const nullable =
  (c: Check): Check =>
  (v) =>
    v === null || c(v);
const shape =
  (fields: Record<string, Check>): Check =>
  (v) =>
    isObject(v) && Object.entries(fields).every(([k, c]) => c(v[k]));

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const queryParams: Record<keyof QueryParams, Check> = {
  filter: str(LIMITS.filterLength),
  range,
  sort: oneOf('asc', 'desc'),
  bins: (v) => isInt(v) && v >= 1 && v <= LIMITS.bins,
  pageStart: nonNegInt,
  pageCount: (v) => isInt(v) && v >= 0 && v <= LIMITS.pageCount,
  anchorId: optional(nonNegInt),
};

/** A check for every field of a message but its `type`: a field added to an interface must be checked here too. */
type Fields<T> = { [P in Exclude<keyof T, 'type'>]-?: Check };
type ShapesOf<M extends { type: string }> = { [K in M['type']]: Fields<Extract<M, { type: K }>> };

const fromWebviewShapes: ShapesOf<FromWebview> = {
  ready: { query: nullable(shape(queryParams)) },
  query: queryParams,
  page: {
    queryId: nonNegInt,
    start: nonNegInt,
    count: (v) => isInt(v) && v >= 0 && v <= LIMITS.pageCount,
  },
  facets: { queryId: nonNegInt, limit: (v) => isInt(v) && v >= 1 && v <= LIMITS.facetLimit },
  detail: { id: nonNegInt },
  complete: { filter: str(LIMITS.filterLength), cursor: nonNegInt },
  addTerm: {
    filter: str(LIMITS.filterLength),
    field: str(LIMITS.fieldLength),
    value: str(LIMITS.valueLength),
    negate: bool,
  },
  openRaw: { id: nonNegInt },
  copyJson: { id: nonNegInt },
  export: { format: oneOf('jsonl', 'csv'), queryId: nonNegInt },
  cancelLoad: {},
  shown: {},
  annotate: {
    ids: (v) =>
      arrayOf(nonNegInt)(v) &&
      (v as unknown[]).length >= 1 &&
      (v as unknown[]).length <= LIMITS.annotateIds,
    action: oneOf(...ANNOTATE_ACTIONS),
  },
  openTimeZoneSetting: {},
};

// Every column is text but the time (a number, formatted by the view).
const rowSummary = shape({
  ...(Object.fromEntries(COLUMN_IDS.map((c) => [c, str(Infinity)])) as Record<
    Exclude<ColumnId, 'time'>,
    Check
  >),
  id: nonNegInt,
  time: isInt,
} satisfies Record<keyof RowSummary, Check>);
const fileNote = shape({
  location: str(Infinity),
  severity: oneOf('error', 'warning', 'note'),
  message: str(Infinity),
} satisfies Fields<FileNoteView>);
const progress = shape({
  loading: bool,
  listing: optional(bool),
  filesDone: nonNegInt,
  filesTotal: nonNegInt,
  events: nonNegInt,
  failedFiles: nonNegInt,
  lastError: optional(str(Infinity)),
  cancelled: optional(bool),
  stopped: optional(str(Infinity)),
  fileNotes: optional((v) => arrayOf(fileNote)(v) && (v as unknown[]).length <= LIMITS.fileNotes),
  fileNotesTotal: optional(nonNegInt),
  nothingRead: optional(str(Infinity)),
} satisfies Fields<LoadProgress>);
const counts = arrayOf(nonNegInt);
const histogram = shape({
  from: isFiniteNum,
  binMs: (v) => isFiniteNum(v) && v > 0,
  counts,
  errors: counts,
} satisfies Fields<Histogram>);
const facet = shape({
  id: oneOf(...FACET_IDS),
  field: str(Infinity),
  values: arrayOf(
    shape({
      value: str(Infinity),
      label: str(Infinity),
      count: nonNegInt,
      field: optional(str(Infinity)),
      sub: optional(bool),
      spellings: optional(arrayOf(shape({ label: str(Infinity), count: nonNegInt }))),
    } satisfies Fields<FacetValue>),
  ),
  other: nonNegInt,
} satisfies Fields<Facet>);
const text = str(Infinity);

const queryResult: Fields<QueryReply> = {
  queryId: nonNegInt,
  matches: nonNegInt,
  total: nonNegInt,
  bounds: range,
  histogram,
  pageStart: nonNegInt,
  rows: arrayOf(rowSummary),
  anchorRow: optional(nonNegInt),
  error: nullable(shape({ message: text, offset: nonNegInt, length: nonNegInt })),
  warnings: optional(arrayOf(shape({ message: text, offset: nonNegInt, length: nonNegInt }))),
  notes: optional(arrayOf(text)),
};

const toWebviewShapes: ShapesOf<ToWebview> = {
  hello: {
    title: text,
    total: nonNegInt,
    bounds: range,
    progress,
    initialFilter: nullable(text),
    initialRange: range,
    first: nullable(shape({ type: oneOf('queryResult'), ...queryResult })),
    timeZone: str(LIMITS.zoneLength),
    version: nonNegInt,
  },
  queryResult,
  pageResult: { queryId: nonNegInt, start: nonNegInt, rows: arrayOf(rowSummary) },
  facetsResult: { queryId: nonNegInt, facets: arrayOf(facet) },
  detailResult: {
    id: nonNegInt,
    time: isInt,
    json: text,
    warnings: optional(arrayOf(shape({ label: text, text }))),
    explanations: arrayOf(shape({ label: text, text })),
    pivots: arrayOf(shape({ kind: oneOf(...PIVOT_KINDS), label: text, filter: text })),
    origin: optional(
      shape({
        summary: text,
        hops: arrayOf(shape({ id: nonNegInt, eventID: text, eventName: text, arn: text })),
        consoleLogin: optional(shape({ id: nonNegInt, eventID: text, time: isInt })),
      }),
    ),
    detections: optional(
      arrayOf(
        shape({
          id: text,
          title: text,
          level: text,
          description: text,
          falsePositives: arrayOf(text),
          tags: arrayOf(text),
          matched: arrayOf(shape({ field: text, condition: text, values: arrayOf(text) })),
        } satisfies Fields<DetectionView>),
      ),
    ),
  },
  completeResult: {
    items: arrayOf(
      shape({ label: text, detail: text, insert: text, from: nonNegInt, to: nonNegInt }),
    ),
  },
  filterText: { filter: text, notice: optional(text) },
  error: { message: text },
  progress: { progress, total: nonNegInt, bounds: range, version: nonNegInt },
  setFilter: { filter: text, range },
  refresh: { version: nonNegInt },
  timeZone: { zone: str(LIMITS.zoneLength) },
};

function validate<T extends { type: string }>(
  shapes: Record<string, Record<string, Check>>,
  body: unknown,
): T | undefined {
  if (
    !isObject(body) ||
    typeof body.type !== 'string' ||
    !Object.prototype.hasOwnProperty.call(shapes, body.type)
  )
    return undefined;
  const fields = shapes[body.type];
  for (const [k, check] of Object.entries(fields)) if (!check(body[k])) return undefined;
  return body as unknown as T;
}

/** The message if it is a well-formed webview → host message, else undefined. */
export function validateFromWebview(body: unknown): FromWebview | undefined {
  return validate<FromWebview>(fromWebviewShapes, body);
}

/** The message if it is a well-formed host → webview message, else undefined. */
export function validateToWebview(body: unknown): ToWebview | undefined {
  return validate<ToWebview>(toWebviewShapes, body);
}

// ── request / response over postMessage ─────────────────────────────────────────────────────

/** What actually crosses postMessage: a body, with ids pairing requests and replies. */
export interface Envelope {
  id: number;
  replyTo?: number;
  body: unknown;
}

function isEnvelope(v: unknown): v is Envelope {
  return isObject(v) && isInt(v.id) && (v.replyTo === undefined || isInt(v.replyTo)) && 'body' in v;
}

/**
 * Pairs requests with replies over a one-way postMessage in each direction. `TOut` is what this
 * side sends, `TIn` what it receives; `validateIn` rejects malformed input before anything acts
 * on it (a rejected request is answered with an `error` body so the other side never hangs).
 */
export class Channel<TOut extends { type: string }, TIn extends { type: string }> {
  private nextId = 1;
  private readonly pending = new Map<
    number,
    { resolve: (m: TIn) => void; reject: (e: Error) => void }
  >();

  constructor(
    private readonly post: (e: Envelope) => void,
    private readonly validateIn: (body: unknown) => TIn | undefined,
    /** Handles a message that is not a reply; a returned body is sent back as the reply. */
    private readonly onMessage: (msg: TIn) => Promise<TOut | undefined> | TOut | undefined,
    /** Builds the reply to a failed or malformed request; without it such requests get none. */
    private readonly makeError: ((message: string) => TOut) | undefined,
    private readonly onInvalid: (raw: unknown) => void = () => {},
  ) {}

  /** Sends a message that expects no reply. */
  notify(body: TOut): void {
    this.post({ id: this.nextId++, body });
  }

  /** Sends a request; resolves with the reply (an `error` reply rejects). */
  request<R extends TIn>(body: TOut): Promise<R> {
    const id = this.nextId++;
    return new Promise<R>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (m: TIn) => void, reject });
      this.post({ id, body });
    });
  }

  /** Feed every incoming postMessage payload here. */
  async receive(raw: unknown): Promise<void> {
    if (!isEnvelope(raw)) {
      this.onInvalid(raw);
      return;
    }
    const msg = this.validateIn(raw.body);
    if (raw.replyTo !== undefined) {
      const waiter = this.pending.get(raw.replyTo);
      if (!waiter) return;
      this.pending.delete(raw.replyTo);
      if (!msg) waiter.reject(new Error('malformed reply'));
      else if (msg.type === 'error')
        waiter.reject(new Error(String((msg as unknown as ErrorReply).message)));
      else waiter.resolve(msg);
      return;
    }
    if (!msg) {
      this.onInvalid(raw.body);
      if (this.makeError)
        this.post({
          id: this.nextId++,
          replyTo: raw.id,
          body: this.makeError('malformed message'),
        });
      return;
    }
    let reply: TOut | undefined;
    try {
      reply = await this.onMessage(msg);
    } catch (e) {
      reply = this.makeError?.(e instanceof Error ? e.message : String(e));
    }
    if (reply !== undefined) this.post({ id: this.nextId++, replyTo: raw.id, body: reply });
  }

  /** Fails every outstanding request (the panel closed). */
  dispose(): void {
    for (const w of this.pending.values()) w.reject(new Error('channel closed'));
    this.pending.clear();
  }
}
