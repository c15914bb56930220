// The bench/e2e contract: everything the timeline writes for a benchmark or a UI test to read,
// and nothing else. Readers: bench/timelineVsCode.ts and bench/timelineBrowser.ts (the marks and
// `lastQueryMs`/`lastRenderMs`), test/e2e/*.test.ts (the body's data attributes).
//
// performance marks (each once per page):
//   timeline:script              the bundle started running
//   timeline:ready-sent          the ready (with the first query) went to the host
//   timeline:hello               the first hello was applied
//   timeline:first-events        the host first said it holds events
//   timeline:first-rows-painted  the frame in which the first rows were drawn
// <body data-*>:
//   ready          'true' once the first hello was applied
//   busy           'true' while a query is on its way or its result is not yet painted
//   loading        'true' while the host is reading files
//   queryId        the id of the result on screen (set in the frame it is painted)
//   lastQueryMs    the whole of the last query, request to paint (ms)
//   lastRenderMs   the view's own share of it: result applied to the DOM (ms)
//   matches, total the counts on screen
//   fileNotes      how many files have notes
//   zone           the time zone the view shows times in

export type ProbeMark =
  | 'timeline:script'
  | 'timeline:ready-sent'
  | 'timeline:hello'
  | 'timeline:first-events'
  | 'timeline:first-rows-painted';

export interface Marks {
  mark(name: string): unknown;
  getEntriesByName(name: string): unknown[];
}

export class Probe {
  constructor(
    private readonly data: Record<string, string | undefined>,
    private readonly marks: Marks = performance,
  ) {}

  /** Sets the mark unless it is already set. */
  mark(name: ProbeMark): void {
    if (!this.marked(name)) this.marks.mark(name);
  }

  marked(name: ProbeMark): boolean {
    return this.marks.getEntriesByName(name).length > 0;
  }

  ready(): void {
    this.data.ready = 'true';
  }

  busy(busy: boolean): void {
    this.data.busy = String(busy);
  }

  loading(loading: boolean): void {
    this.data.loading = String(loading);
  }

  rendered(ms: number): void {
    this.data.lastRenderMs = ms.toFixed(1);
  }

  /** A result is on screen: the frame it was painted in. */
  painted(queryId: number, queryMs: number): void {
    this.data.busy = 'false';
    this.data.lastQueryMs = String(Math.round(queryMs));
    this.data.queryId = String(queryId);
  }

  counts(matches: number, total: number): void {
    this.data.matches = String(matches);
    this.data.total = String(total);
  }

  fileNotes(n: number): void {
    this.data.fileNotes = String(n);
  }

  zone(zone: string): void {
    this.data.zone = zone;
  }
}
