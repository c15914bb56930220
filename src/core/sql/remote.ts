// A remote query's answer, shaped for the local timeline (and the CLI's output), chosen by size:
// - Athena, at most MAX_ROWS_FOR_FILES matches from at most `maxFiles` log files: those files'
//   S3 keys and the matched event IDs. The caller downloads exactly those files (S3 source and
//   cache) and shows only the matched events: full records, lenses, detail pane and digest
//   validation all work.
// - otherwise: the rows as records rebuilt from the table's columns, streamed page by page into
//   a source the timeline loads as they arrive (they are as the table has them).
// The statement should select "$path" and the columns (compileQuery `select: 'rows'`): one
// query serves both ways, Athena reading the same bytes either way for the JSON table.
import type { EventIndex } from '../index/eventIndex';
import { StreamedDocument, StreamedSource } from '../sources/streamed';
import { AthenaRunner, QueryProgress, ResultPage } from './athena';
import { LakeRunner } from './lake';
import { addMatchedPage, rowsDocument } from './results';

export type RemoteOutcome =
  | {
      kind: 'files';
      byBucket: Map<string, string[]>;
      eventIds: Set<string>;
      progress?: QueryProgress;
    }
  | { kind: 'rows'; source: StreamedSource; progress?: QueryProgress; note: string };

export const REBUILT_NOTE =
  "These records are rebuilt from the table's columns, as the table has them: fields the table does not have are missing, and so are fields that are null in the log (the table holds null and missing alike).";

export const REBUILT_NOTE_LAKE =
  "These records are rebuilt from the event data store's columns, as the event data store has them: fields it does not have are missing, and so are fields that are null or an empty text in the log (its results give both as an empty text). In requestParameters, responseElements and additionalEventData every value is text: numbers and true/false come back as text, and a nested object or list as its JSON text.";

/**
 * Result rows read while the answer may still be the log files. Only their event IDs and files are
 * kept meanwhile; past this many, the rows are streamed into the timeline instead (the load's
 * budget bounds that), so a huge answer from few files (or a statement edited into a join) is
 * neither held in memory nor read to its end before anything shows.
 */
export const MAX_ROWS_FOR_FILES = 200_000;

export async function athenaToTimeline(
  runner: AthenaRunner,
  sql: string,
  opts: {
    maxFiles: number;
    /** Rows read while choosing (default MAX_ROWS_FOR_FILES). */
    maxRows?: number;
    signal?: AbortSignal;
    onProgress?: (p: QueryProgress) => void;
  },
): Promise<RemoteOutcome> {
  const { id, progress } = await runner.run(sql, opts);
  const maxRows = opts.maxRows ?? MAX_ROWS_FOR_FILES;
  const byBucket = new Map<string, string[]>();
  const seen = new Set<string>();
  const eventIds = new Set<string>();
  let rows = 0;
  for await (const page of runner.results(id, opts.signal)) {
    rows += page.rows.length;
    addMatchedPage(page, byBucket, seen, eventIds);
    // The log files are only enough when every row names its file and its event: a matched
    // record without an event ID could not be picked out of its file, and would be left out.
    const many = rows > maxRows;
    if (!identifiesEveryRow(page) || seen.size > opts.maxFiles || many) {
      // The rows again from the first page (Athena keeps the result), streamed as they are read.
      return {
        kind: 'rows',
        progress,
        note: many
          ? `More than ${maxRows.toLocaleString('en-US')} events matched, too many to download their log files: ${REBUILT_NOTE}`
          : REBUILT_NOTE,
        source: new StreamedSource(
          'Athena query results',
          rebuilt(runner.results(id, opts.signal), 'athena'),
        ),
      };
    }
  }
  return { kind: 'files', byBucket, eventIds, progress };
}

function identifiesEveryRow(page: ResultPage): boolean {
  const lower = page.columns.map((c) => c.toLowerCase());
  const idAt = lower.indexOf('eventid');
  const pathAt = lower.indexOf('$path');
  return idAt >= 0 && pathAt >= 0 && page.rows.every((row) => row[idAt] && row[pathAt]);
}

export function lakeToTimeline(
  runner: LakeRunner,
  sql: string,
  opts: { signal?: AbortSignal; onProgress?: (p: QueryProgress) => void },
): RemoteOutcome {
  return {
    kind: 'rows',
    note: REBUILT_NOTE_LAKE,
    source: new StreamedSource(
      'CloudTrail Lake query results',
      rebuilt(runner.query(sql, opts), 'lake'),
    ),
  };
}

async function* rebuilt(
  pages: AsyncIterable<ResultPage>,
  dialect: 'athena' | 'lake',
): AsyncGenerator<StreamedDocument> {
  let n = 0;
  for await (const page of pages)
    yield {
      key: `${dialect}-results-${String(++n).padStart(5, '0')}.json`,
      bytes: rowsDocument(page, dialect),
    };
}

/** Event IDs compared as CloudTrail writes them (lower-case GUIDs), whatever case a table returned. */
export class EventIdSet {
  private readonly ids: Set<string>;
  constructor(ids: Iterable<string>) {
    this.ids = new Set([...ids].map((id) => id.toLowerCase()));
  }
  get size(): number {
    return this.ids.size;
  }
  has(id: unknown): boolean {
    return typeof id === 'string' && this.ids.has(id.toLowerCase());
  }
}

/**
 * The rows holding these events: one pass over the index's eventID column (a query of N
 * `eventID:x` terms would test every row N times).
 */
export function rowsOfEvents(index: EventIndex, ids: EventIdSet): Set<number> {
  const rows = new Set<number>();
  for (let row = 0; row < index.size; row++)
    if (ids.has(index.value(row, 'eventID'))) rows.add(row);
  return rows;
}

/** The statement of an editor's text: the leading comment lines (the header the editor is opened with) and a final ';' removed. */
export function statementOf(text: string): string {
  return text
    .split('\n')
    .filter(
      (line, i, all) =>
        !(
          line.trimStart().startsWith('--') &&
          all.slice(0, i).every((l) => l.trimStart().startsWith('--') || l.trim() === '')
        ),
    )
    .join('\n')
    .trim()
    .replace(/;\s*$/, '');
}
