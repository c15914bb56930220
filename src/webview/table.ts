// The event table: a fixed-row-height virtual list. Only the rows in view plus a small overscan
// exist in the DOM (a pool of row elements is reused), and rows arrive from the host in pages
// for the current query id; rows not yet arrived show as placeholders.
import { ColumnId, LIMITS, RowSummary, SortOrder } from '../protocol';
import { COLUMN_TITLES } from '../core/index/columns';
import { clear, h } from './dom';
import { formatTime, hasEventTime, Zone } from './timeFormat';
import { cellText } from '../core/output/visibleText';
import { LEVEL_ICONS } from '../core/detect/levels';

const LEVEL_OF_ICON = new Map(Object.entries(LEVEL_ICONS).map(([level, icon]) => [icon, level]));
import { scrollTopForRow, scrollTopToReveal, visibleWindow } from './virtualWindow';

export const ROW_HEIGHT = 22;
/** The time cell of an event without a readable eventTime (such events are listed last). */
const NO_TIME = '⚠ no time';
const NO_TIME_TITLE =
  'This record has no readable eventTime: it is listed last and is outside every time range.';

export const PAGE_SIZE = 100;
const OVERSCAN = 10;
/** Pages kept on either side of the view (a page is PAGE_SIZE rows). */
const KEPT_PAGES = 5;

export { COLUMN_TITLES };

export interface TableEvents {
  requestPage(queryId: number, start: number, count: number): void;
  /** `clicked`: the user clicked the row (not the keyboard or a restore). */
  onSelect(row: number, id: number | null, clicked: boolean): void;
  onOpen(row: number): void;
  onSort(sort: SortOrder): void;
  onScroll(topRow: number): void;
  /** A column's width was dragged to `px` (kept in the view state). */
  onResize(column: ColumnId, px: number): void;
}

/** Narrowest a column can be dragged to. */
export const MIN_COLUMN_PX = 40;

/** `ec2` for `ec2.amazonaws.com`: the distinctive part of an event source (the full name is the tooltip). */
export function shortServiceName(source: string): string {
  return source.endsWith('.amazonaws.com') && source.length > 14 ? source.slice(0, -14) : source;
}

export class TableView {
  readonly element: HTMLElement;
  private readonly header: HTMLElement;
  private readonly viewport: HTMLElement;
  private readonly spacer: HTMLElement;
  private readonly body: HTMLElement;
  private readonly empty: HTMLElement;
  private pool: HTMLElement[] = [];
  private pages = new Map<number, RowSummary[]>();
  private requested = new Set<number>();
  private queryId = -1;
  private total = 0;
  private columns: ColumnId[] = [];
  private zone: Zone = 'UTC';
  private sort: SortOrder = 'asc';
  private widths: Partial<Record<ColumnId, number>> = {};
  selectedRow = -1;
  /** Event ids picked with Ctrl/Cmd- or Shift-click besides the selected row. */
  readonly marked = new Set<number>();
  /**
   * A Shift-click's run over rows not loaded yet (scrolled past, never in view): they are asked
   * for, and their ids picked as they arrive; actions wait for them (`whenPicked`).
   */
  private pendingRun: { from: number; to: number; missing: number } | null = null;
  private runWaiters: ((complete: boolean) => void)[] = [];
  private frame = 0;

  constructor(private readonly events: TableEvents) {
    this.header = h('div', { class: 'table-header', role: 'row' });
    this.spacer = h('div', { class: 'table-spacer' });
    this.body = h('div', { class: 'table-body', role: 'rowgroup' });
    this.empty = h('div', { class: 'table-empty', hidden: true });
    this.viewport = h(
      'div',
      {
        class: 'table-viewport',
        tabindex: 0,
        role: 'grid',
        'aria-label': 'Events',
        'aria-multiselectable': 'false',
      },
      this.spacer,
      this.body,
    );
    this.element = h('div', { class: 'table' }, this.header, this.viewport, this.empty);
    this.viewport.addEventListener('scroll', () => {
      // The header scrolls sideways with the rows.
      this.header.scrollLeft = this.viewport.scrollLeft;
      this.schedule();
    });
    new ResizeObserver(() => this.schedule()).observe(this.viewport);
    this.viewport.addEventListener('keydown', (e) => this.onKey(e));
    // Shift- and Ctrl/Cmd-click pick rows: not the browser's text selection, which a Shift-click
    // would otherwise stretch across the page from the last click.
    this.body.addEventListener('mousedown', (e) => {
      if (e.shiftKey || e.ctrlKey || e.metaKey) e.preventDefault();
    });
    this.body.addEventListener('click', (e) => {
      const rowEl = (e.target as HTMLElement).closest<HTMLElement>('.row');
      if (!rowEl || rowEl.dataset.row === undefined) return;
      this.pick(Number(rowEl.dataset.row), e);
      this.viewport.focus({ preventScroll: true });
    });
    this.body.addEventListener('dblclick', (e) => {
      const rowEl = (e.target as HTMLElement).closest<HTMLElement>('.row');
      if (rowEl?.dataset.row !== undefined) this.events.onOpen(Number(rowEl.dataset.row));
    });
  }

  /**
   * A click on `row`: Ctrl/Cmd adds or removes it, Shift picks the run of rows from the selected
   * one (rows not loaded yet included: they are asked for), for actions on several events at once
   * (star, tag, note); a plain click starts over.
   */
  pick(row: number, keys: { ctrlKey: boolean; metaKey: boolean; shiftKey: boolean }): void {
    if (keys.ctrlKey || keys.metaKey) {
      if (this.marked.size === 0 && this.selectedSummary())
        this.marked.add(this.selectedSummary()!.id);
      const id = this.rowAt(row)?.id;
      if (id !== undefined && !this.marked.delete(id)) this.marked.add(id);
    } else if (keys.shiftKey && this.selectedRow >= 0) {
      this.settleRun();
      this.pickRun(Math.min(row, this.selectedRow), Math.max(row, this.selectedRow));
    } else {
      this.settleRun();
      this.marked.clear();
    }
    this.select(row, false, true);
  }

  /**
   * Picks rows `from`..`to`. Those not loaded are asked for in pages; a run longer than the host
   * annotates at once is read one row past that limit, so that the host refuses it with its
   * message rather than acting on part of it.
   */
  private pickRun(from: number, to: number): void {
    const last = Math.min(to, from + LIMITS.annotateIds);
    let missing = 0;
    for (let r = from; r <= last; r++) {
      const id = this.rowAt(r)?.id;
      if (id !== undefined) this.marked.add(id);
      else missing++;
    }
    if (!missing) return;
    this.pendingRun = { from, to: last, missing };
    const firstPage = Math.floor(from / PAGE_SIZE);
    const lastPage = Math.floor(last / PAGE_SIZE);
    const chunk = Math.floor(LIMITS.pageCount / PAGE_SIZE);
    for (let p = firstPage; p <= lastPage;) {
      if (this.pages.get(p)?.length === Math.min(PAGE_SIZE, this.total - p * PAGE_SIZE)) {
        p++;
        continue;
      }
      let end = p;
      while (end + 1 <= lastPage && end + 1 - p < chunk && !this.pages.has(end + 1)) end++;
      for (let q = p; q <= end; q++) this.requested.add(q);
      const start = p * PAGE_SIZE;
      this.events.requestPage(
        this.queryId,
        start,
        Math.min((end + 1) * PAGE_SIZE, this.total) - start,
      );
      p = end + 1;
    }
  }

  /**
   * Resolves once a Shift-click's run has all its rows picked (at once when there is none): true,
   * or false when the run was let go first (a new result came, or a new click).
   */
  whenPicked(): Promise<boolean> {
    return this.pendingRun
      ? new Promise((done) => this.runWaiters.push(done))
      : Promise.resolve(true);
  }

  /** True while a Shift-click's run still waits for rows. */
  get picking(): boolean {
    return this.pendingRun !== null;
  }

  /** Ends the pending run (all its rows came, a new click or a new result) and lets actions go. */
  private settleRun(): void {
    const complete = this.pendingRun === null || this.pendingRun.missing <= 0;
    this.pendingRun = null;
    for (const done of this.runWaiters.splice(0)) done(complete);
  }

  /** A new result: forget cached pages; `firstRows` came with the query reply. */
  setResult(queryId: number, total: number, pageStart: number, firstRows: RowSummary[]): void {
    this.queryId = queryId;
    this.total = total;
    // A run's rows not come yet are of the old result, at positions that mean other events now:
    // what was picked of it stays picked, the rest is let go.
    this.settleRun();
    this.pages.clear();
    this.requested.clear();
    this.addRows(queryId, pageStart, firstRows);
    this.empty.hidden = total > 0;
    this.empty.textContent = total > 0 ? '' : 'No events match the filter and time range.';
    this.render();
  }

  addRows(queryId: number, start: number, rows: RowSummary[]): void {
    if (queryId !== this.queryId) return;
    // Pages are PAGE_SIZE-aligned; a reply may span several.
    for (let i = 0; i < rows.length; i++) {
      const row = start + i;
      const p = Math.floor(row / PAGE_SIZE);
      let page = this.pages.get(p);
      if (!page) this.pages.set(p, (page = []));
      const run = this.pendingRun;
      if (run && row >= run.from && row <= run.to && !page[row - p * PAGE_SIZE]) {
        this.marked.add(rows[i].id);
        run.missing--;
      }
      page[row - p * PAGE_SIZE] = rows[i];
    }
    if (this.pendingRun && this.pendingRun.missing <= 0) this.settleRun();
    // A page is here once all of it came: one that came in part (a reply from a row within it,
    // as for a result shrunk under the scroll position) is still asked for.
    const end = start + rows.length;
    for (let p = Math.floor(start / PAGE_SIZE); p * PAGE_SIZE < end; p++)
      if (start <= p * PAGE_SIZE && end >= Math.min((p + 1) * PAGE_SIZE, this.total))
        this.requested.add(p);
    this.schedule();
  }

  setColumns(columns: ColumnId[], sort: SortOrder, zone: Zone): void {
    this.columns = columns;
    this.sort = sort;
    this.zone = zone;
    clear(this.header);
    for (const c of columns) {
      const cell = h('div', { class: `cell col-${c}`, role: 'columnheader' }, COLUMN_TITLES[c]);
      if (c === 'time') {
        cell.classList.add('sortable');
        cell.setAttribute('aria-sort', sort === 'asc' ? 'ascending' : 'descending');
        cell.title = 'Sort by time';
        cell.append(h('span', { class: 'sort-indicator' }, sort === 'asc' ? ' ▲' : ' ▼'));
        cell.addEventListener('click', () =>
          this.events.onSort(this.sort === 'asc' ? 'desc' : 'asc'),
        );
      }
      this.header.append(cell);
      cell.append(this.resizeHandle(c, cell));
    }
    this.applyWidths();
    for (const el of this.pool) el.remove();
    this.pool = [];
    this.render();
  }

  /** Column widths the user dragged (px); the others keep their CSS width. */
  setWidths(widths: Partial<Record<ColumnId, number>>): void {
    this.widths = { ...widths };
    this.applyWidths();
  }

  private applyWidths(): void {
    // A time in UTC ends in Z, elsewhere in a six-character offset: its column is sized to fit.
    const css = (c: ColumnId): string =>
      c === 'time' && this.zone === 'UTC' ? 'var(--col-time-utc)' : `var(--col-${c})`;
    this.element.style.setProperty(
      '--columns',
      this.columns.map((c) => (this.widths[c] ? `${this.widths[c]}px` : css(c))).join(' '),
    );
  }

  /** A grip on the header cell's right edge: drag to resize the column. */
  private resizeHandle(c: ColumnId, cell: HTMLElement): HTMLElement {
    const grip = h('span', {
      class: 'col-resize',
      role: 'separator',
      'aria-orientation': 'vertical',
      title: 'Drag to resize the column',
    });
    grip.addEventListener('click', (e) => e.stopPropagation());
    grip.addEventListener('pointerdown', (e) => {
      e.preventDefault();
      e.stopPropagation();
      grip.setPointerCapture(e.pointerId);
      const x0 = e.clientX;
      const w0 = cell.getBoundingClientRect().width;
      const move = (m: PointerEvent) => {
        this.widths[c] = Math.max(MIN_COLUMN_PX, Math.round(w0 + m.clientX - x0));
        this.applyWidths();
      };
      const up = () => {
        grip.removeEventListener('pointermove', move);
        grip.removeEventListener('pointerup', up);
        if (this.widths[c]) this.events.onResize(c, this.widths[c]!);
      };
      grip.addEventListener('pointermove', move);
      grip.addEventListener('pointerup', up);
    });
    return grip;
  }

  rowAt(row: number): RowSummary | undefined {
    return this.pages.get(Math.floor(row / PAGE_SIZE))?.[row % PAGE_SIZE];
  }

  /** The row index of an id among loaded rows (selection survives a re-query when visible). */
  findRow(id: number): number {
    for (const [p, rows] of this.pages) {
      const i = rows.findIndex((r) => r && r.id === id);
      if (i >= 0) return p * PAGE_SIZE + i;
    }
    return -1;
  }

  get topRow(): number {
    return visibleWindow(
      this.viewport.scrollTop,
      this.viewport.clientHeight,
      ROW_HEIGHT,
      this.total,
      0,
    ).topRow;
  }

  scrollToRow(row: number): void {
    this.viewport.scrollTop = scrollTopForRow(
      row,
      this.viewport.clientHeight,
      ROW_HEIGHT,
      this.total,
    );
    this.schedule();
  }

  focus(): void {
    this.viewport.focus();
  }

  select(row: number, reveal = false, clicked = false): void {
    if (this.total === 0) return;
    row = Math.max(0, Math.min(this.total - 1, row));
    this.showSelected(row, reveal);
    this.events.onSelect(row, this.rowAt(row)?.id ?? null, clicked);
  }

  /**
   * Marks `row` selected (scrolled into view when `reveal`) without announcing it: for a row
   * whose event is the selection already and has not come yet (the page asks for it).
   */
  showSelected(row: number, reveal: boolean): void {
    this.selectedRow = row;
    if (reveal)
      this.viewport.scrollTop = scrollTopToReveal(
        row,
        this.viewport.scrollTop,
        this.viewport.clientHeight,
        ROW_HEIGHT,
        this.total,
      );
    this.render();
  }

  /** The events an action applies to: the picked rows and the selected one. */
  selectedIds(): number[] {
    const ids = new Set(this.marked);
    const sel = this.selectedSummary();
    if (sel) ids.add(sel.id);
    return [...ids];
  }

  /** Re-announces the selection once its row has arrived (after a page reply). */
  selectedSummary(): RowSummary | undefined {
    return this.selectedRow >= 0 ? this.rowAt(this.selectedRow) : undefined;
  }

  private onKey(e: KeyboardEvent): void {
    const pageRows = Math.max(1, Math.floor(this.viewport.clientHeight / ROW_HEIGHT) - 1);
    const cur = this.selectedRow < 0 ? -1 : this.selectedRow;
    const moves: Record<string, number> = {
      ArrowDown: cur + 1,
      ArrowUp: Math.max(0, cur - 1),
      PageDown: cur + pageRows,
      PageUp: cur - pageRows,
      Home: 0,
      End: this.total - 1,
    };
    if (e.key in moves) {
      e.preventDefault();
      this.select(moves[e.key], true);
    } else if (e.key === 'Enter' && this.selectedRow >= 0) {
      e.preventDefault();
      this.events.onOpen(this.selectedRow);
    }
  }

  private schedule(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.render();
    });
  }

  private render(): void {
    const w = visibleWindow(
      this.viewport.scrollTop,
      this.viewport.clientHeight,
      ROW_HEIGHT,
      this.total,
      OVERSCAN,
    );
    this.spacer.style.height = `${w.contentHeight}px`;
    this.body.style.transform = `translateY(${w.offsetY}px)`;
    const n = w.end - w.first;
    while (this.pool.length < n) {
      const el = h('div', { class: 'row', role: 'row' });
      for (const c of this.columns)
        el.append(h('div', { class: `cell col-${c}`, role: 'gridcell' }));
      this.pool.push(el);
      this.body.append(el);
    }
    while (this.pool.length > n) this.pool.pop()!.remove();
    for (let i = 0; i < n; i++) this.fill(this.pool[i], w.first + i);
    // VS Code's context menu on a row (webview/context) gets these with the row's own id: as
    // drawn, so a new result or a selection let go leaves none behind.
    this.body.dataset.vscodeContext = JSON.stringify({
      selectedIds: this.selectedIds(),
      ...(this.picking ? { selectionPending: true } : {}),
    });
    this.events.onScroll(w.topRow);
    // Forget pages far from the view: the view's memory stays flat however far one scrolls.
    const firstPage = Math.floor(w.first / PAGE_SIZE);
    const lastPage = Math.floor(Math.max(w.first, w.end - 1) / PAGE_SIZE);
    for (const p of this.pages.keys()) {
      if (p < firstPage - KEPT_PAGES || p > lastPage + KEPT_PAGES) {
        this.pages.delete(p);
        this.requested.delete(p);
      }
    }
    // Ask for the pages in view that are neither here nor on their way.
    for (let p = firstPage; p * PAGE_SIZE < w.end; p++) {
      if (this.requested.has(p)) continue;
      this.requested.add(p);
      this.events.requestPage(
        this.queryId,
        p * PAGE_SIZE,
        Math.min(PAGE_SIZE, this.total - p * PAGE_SIZE),
      );
    }
  }

  private fill(el: HTMLElement, row: number): void {
    const r = this.rowAt(row);
    el.dataset.row = String(row);
    el.setAttribute('aria-rowindex', String(row + 1));
    el.classList.toggle('selected', row === this.selectedRow);
    el.setAttribute('aria-selected', String(row === this.selectedRow));
    el.classList.toggle('placeholder', !r);
    el.classList.toggle('marked', !!r && this.marked.has(r.id));
    el.dataset.vscodeContext = r
      ? JSON.stringify({ webviewSection: 'row', rowId: r.id })
      : JSON.stringify({ webviewSection: 'placeholder' });
    el.classList.toggle('error', !!r?.errorCode);
    const cells = el.children;
    for (let i = 0; i < this.columns.length; i++) {
      const cell = cells[i] as HTMLElement;
      const value = r ? this.cellValue(r, this.columns[i]) : '';
      if (cell.textContent !== value) cell.textContent = value;
      // The value on hover (up to 400 characters, hidden characters marked), still as text; a
      // shortened service name shows its full name there.
      cell.title = r && this.columns[i] === 'eventSource' ? cellText(r.eventSource) : value;
      // The level's icon leads the cell; the level also colours it (timeline.css), never alone.
      if (this.columns[i] === 'detection') {
        const level = r ? LEVEL_OF_ICON.get(r.detection.charAt(0)) : undefined;
        if (level) cell.dataset.level = level;
        else delete cell.dataset.level;
      }
      if (this.columns[i] === 'time') {
        const untimed = !!r && !hasEventTime(r.time);
        cell.classList.toggle('no-time', untimed);
        if (untimed) cell.title = NO_TIME_TITLE;
      }
      // A failed call is marked on its first cell (an icon, see timeline.css), which names the error.
      if (i === 0 && r?.errorCode) cell.title = `${cell.title}\nFailed: ${cellText(r.errorCode)}`;
    }
  }

  private cellValue(r: RowSummary, c: ColumnId): string {
    if (c === 'time') return hasEventTime(r.time) ? formatTime(r.time, this.zone) : NO_TIME;
    if (c === 'eventSource') return cellText(shortServiceName(r.eventSource));
    return cellText(r[c] ?? '');
  }
}
