// The one column model: every field an event summary offers, in one table. The timeline's table
// columns, its facets, the CLI's `--fields` names and the CSV header (CLI `--format csv` and the
// timeline's export alike) are all read from it, so a column cannot be half-added.
//
// Each name has one meaning everywhere:
// - `principal` is the caller: the table shows its readable name (`Admin/alice`), the facet counts
//   `userIdentity.arn` (labelled with that name), and the query alias `principal:` matches the ARN
//   or the principal ID (src/core/query/fields.ts);
// - `region` is `awsRegion` (the CLI also accepts `awsRegion` as a --fields name);
// - `sourceIp` is `sourceIPAddress` (its CSV/--fields name, and the query alias `ip:`).
//
// To add a column (detections, origin, annotations…), add ONE entry below:
// - `id` is the key in the protocol's RowSummary and the CSS width `--col-<id>` in
//   media/timeline.css (a unit test fails until the width is there);
// - `read` turns an EventSummary into the cell's text (add the value to EventSummary first
//   if the index does not summarise it yet);
// - `table: 'shown'` puts it in the table by default, `'hidden'` only in the columns menu, `'none'`
//   keeps it out of the table (a facet or a CLI field only);
// - `facet: 'Title'` adds a facet on `field` (an indexed field of the query language).
// This file is imported by the webview bundle: no Node, no DOM, and only types from the index.
import type { EventSummary } from './eventIndex';

export interface ColumnSpec {
  /** The key in RowSummary, FacetId and the CSS variable `--col-<id>`. */
  readonly id: string;
  /** The table's column header and the columns menu entry. */
  readonly title: string;
  /** The CSV header and the CLI's `--fields` name. */
  readonly csv: string;
  /** Other names the CLI's `--fields` accepts for it. */
  readonly csvAliases?: readonly string[];
  /** The query language's field for its values: what a facet counts and a click filters on. */
  readonly field: string;
  /** The cell's text. */
  readonly read: (s: EventSummary) => string;
  /** In the table: shown by default, offered in the columns menu only, or not at all. */
  readonly table: 'shown' | 'hidden' | 'none';
  /** The facet panel's title for it, or false when it has no facet. */
  readonly facet: string | false;
}

const bool = (v: boolean | undefined): string => (v === undefined ? '' : String(v));

/** Table columns in their order, then the fields only facets or the CLI use. */
export const COLUMNS = [
  {
    id: 'time',
    title: 'Time',
    csv: 'time',
    csvAliases: ['eventTime'],
    field: 'eventTime',
    read: (s) => s.eventTime,
    table: 'shown',
    facet: false,
  },
  // The case file's annotations (core/case): `★ tags ✎`; its facet counts the tags (query field `tag`).
  {
    id: 'tag',
    title: 'Case',
    csv: 'case',
    field: '@tag',
    read: (s) => s.case ?? '',
    table: 'shown',
    facet: 'Tags (case)',
  },
  // The Sigma rules that fired (core/detect): each one's level icon and title, the highest first.
  // Its facet is grouped by level; `field` '@detection' is what `detection:` resolves to.
  {
    id: 'detection',
    title: 'Detections',
    csv: 'detections',
    field: '@detection',
    read: (s) => s.detections ?? '',
    table: 'shown',
    facet: 'Detections',
  },
  {
    id: 'eventName',
    title: 'Event',
    csv: 'eventName',
    field: 'eventName',
    read: (s) => s.eventName,
    table: 'shown',
    facet: 'Event name',
  },
  {
    id: 'eventSource',
    title: 'Source',
    csv: 'eventSource',
    field: 'eventSource',
    read: (s) => s.eventSource,
    table: 'shown',
    facet: 'Event source',
  },
  {
    id: 'principal',
    title: 'Principal',
    csv: 'principal',
    field: 'userIdentity.arn',
    read: (s) => s.principal,
    table: 'shown',
    facet: 'Principal',
  },
  {
    id: 'sourceIp',
    title: 'Source IP',
    csv: 'sourceIPAddress',
    field: 'sourceIPAddress',
    read: (s) => s.sourceIPAddress,
    table: 'shown',
    facet: 'Source IP',
  },
  {
    id: 'region',
    title: 'Region',
    csv: 'region',
    csvAliases: ['awsRegion'],
    field: 'awsRegion',
    read: (s) => s.region,
    table: 'shown',
    facet: 'Region',
  },
  {
    id: 'account',
    title: 'Account',
    csv: 'account',
    field: 'recipientAccountId',
    read: (s) => s.account,
    table: 'shown',
    facet: 'Account',
  },
  {
    id: 'errorCode',
    title: 'Error',
    csv: 'errorCode',
    field: 'errorCode',
    read: (s) => s.errorCode,
    table: 'shown',
    facet: 'Error code',
  },
  {
    id: 'readOnly',
    title: 'Read-only',
    csv: 'readOnly',
    field: 'readOnly',
    read: (s) => bool(s.readOnly),
    table: 'hidden',
    facet: false,
  },
  {
    id: 'userAgent',
    title: 'User agent',
    csv: 'userAgent',
    field: 'userAgent',
    read: (s) => s.userAgent,
    table: 'none',
    facet: 'User agent',
  },
  {
    id: 'principalType',
    title: 'Principal type',
    csv: 'principalType',
    field: 'userIdentity.type',
    read: (s) => s.principalType,
    table: 'none',
    facet: false,
  },
  {
    id: 'principalArn',
    title: 'Principal ARN',
    csv: 'principalArn',
    field: 'userIdentity.arn',
    read: (s) => s.principalArn,
    table: 'none',
    facet: false,
  },
  {
    id: 'accessKeyId',
    title: 'Access key',
    csv: 'accessKeyId',
    field: 'userIdentity.accessKeyId',
    read: (s) => s.accessKeyId,
    table: 'none',
    facet: false,
  },
  {
    id: 'eventID',
    title: 'Event ID',
    csv: 'eventID',
    field: 'eventID',
    read: (s) => s.eventID,
    table: 'none',
    facet: false,
  },
  {
    id: 'eventType',
    title: 'Event type',
    csv: 'eventType',
    field: 'eventType',
    read: (s) => s.eventType,
    table: 'none',
    facet: false,
  },
  {
    id: 'file',
    title: 'File',
    csv: 'file',
    field: '',
    read: (s) => s.fileKey,
    table: 'none',
    facet: false,
  },
  // Who is behind the session, followed through credential chains (core/origin).
  // (`field` '@origin' is what the query alias `origin:` resolves to, src/core/query/fields.ts.)
  {
    id: 'origin',
    title: 'Origin',
    csv: 'origin',
    field: '@origin',
    read: (s) => s.origin,
    table: 'hidden',
    facet: 'Origin',
  },
  {
    id: 'originType',
    title: 'Origin type',
    csv: 'originType',
    field: '',
    read: (s) => s.originType,
    table: 'none',
    facet: false,
  },
  {
    id: 'originHops',
    title: 'Origin hops',
    csv: 'originHops',
    field: '',
    read: (s) => (s.originType ? String(s.originHops) : ''),
    table: 'none',
    facet: false,
  },
  {
    id: 'originComplete',
    title: 'Origin complete',
    csv: 'originComplete',
    field: '',
    read: (s) => bool(s.originComplete),
    table: 'none',
    facet: false,
  },
] as const satisfies readonly ColumnSpec[];

type Column = (typeof COLUMNS)[number];
type TableColumn = Exclude<Column, { table: 'none' }>;

/** The table's columns (the protocol's), in their order. */
export type ColumnId = TableColumn['id'];
/** The fields the facet panel shows. */
export type FacetId = Exclude<Column, { facet: false }>['id'];

export const COLUMN_IDS: readonly ColumnId[] = COLUMNS.filter(
  (c): c is TableColumn => c.table !== 'none',
).map((c) => c.id);
export const DEFAULT_COLUMN_IDS: readonly ColumnId[] = COLUMNS.filter(
  (c): c is Extract<Column, { table: 'shown' }> => c.table === 'shown',
).map((c) => c.id);
export const FACET_IDS: readonly FacetId[] = COLUMNS.filter(
  (c): c is Exclude<Column, { facet: false }> => c.facet !== false,
).map((c) => c.id);

const byId = new Map<string, Column>(COLUMNS.map((c) => [c.id, c]));
const spec = (id: string): ColumnSpec => byId.get(id)!;

export const COLUMN_TITLES = Object.fromEntries(
  COLUMN_IDS.map((id) => [id, spec(id).title]),
) as Readonly<Record<ColumnId, string>>;
export const FACET_TITLES = Object.fromEntries(
  FACET_IDS.map((id) => [id, spec(id).facet as string]),
) as Readonly<Record<FacetId, string>>;
/** Each facet's query-language field (an indexed column of the index). */
export const FACET_FIELDS = Object.fromEntries(
  FACET_IDS.map((id) => [id, spec(id).field]),
) as Readonly<Record<FacetId, string>>;

/**
 * One row of the timeline's table, as the index summarises it (never a whole record): the event's
 * id, its time as a number (the webview formats it in the viewer's zone), and each other column's
 * text.
 */
export type RowSummary = {
  /** Stable id of the event in the index (the key for detail, raw, copy). */
  id: number;
  /** Milliseconds since the epoch (before 1970 too); NaN never crosses the wire, NO_EVENT_TIME means "no readable eventTime". */
  time: number;
} & { [K in Exclude<ColumnId, 'time'>]: string };

/**
 * The `time` of an event without a readable eventTime, on the wire to the webview: earlier than any
 * time a record can hold (year 0 at the earliest), so an event dated before 1970 keeps its time.
 */
export const NO_EVENT_TIME = Number.MIN_SAFE_INTEGER;

/** The table row of an event summary. */
export function toRow(s: EventSummary): RowSummary {
  const row: Record<string, string | number> = {
    id: s.row,
    time: Number.isFinite(s.time) ? Math.round(s.time) : NO_EVENT_TIME,
  };
  for (const id of COLUMN_IDS) if (id !== 'time') row[id] = spec(id).read(s);
  return row as RowSummary;
}

/**
 * Summary fields by their CLI / CSV name (and the names' aliases). A Map: names come from the
 * command line and must not meet Object's own properties.
 */
export const SUMMARY_FIELDS: ReadonlyMap<string, (s: EventSummary) => string> = new Map(
  COLUMNS.flatMap((c: ColumnSpec) =>
    [c.csv, ...(c.csvAliases ?? [])].map((name) => [name, c.read] as const),
  ),
);

/** The CSV names of the table's columns: the timeline export's header. */
export const EXPORT_CSV_FIELDS: readonly string[] = COLUMN_IDS.map((id) => spec(id).csv);
/**
 * The CSV names of the columns shown by default: the CLI's default `--fields`, less the
 * detections (the CLI runs the rule engine only when asked: `--fields detections`, a `detection:`
 * or `level:` filter, `--annotate`).
 */
export const DEFAULT_CSV_FIELDS: readonly string[] = DEFAULT_COLUMN_IDS.filter(
  (id) => id !== 'detection',
).map((id) => spec(id).csv);
