// The controls above the timeline (filter box, time range, zone, columns, export) and the status
// line under them (counts, load progress, load errors, file notes). They only show what they are
// given and report what the user did; the controller decides.
import { COLUMN_IDS, ColumnId, LoadProgress, TimeRange } from '../protocol';
import { formatCount, h } from './dom';
import { Preset } from './state';
import { COLUMN_TITLES } from './table';
import { fromInputValue, rangeInputValues, Zone } from './timeFormat';
import { revealHidden } from '../core/output/visibleText';

export type ExportFormat = 'jsonl' | 'csv';

/** A file note's tooltip: where, then what, hidden characters marked as in the note's own text. */
export function fileNoteTitle(note: { location: string; message: string }): string {
  return `${revealHidden(note.location)}\n${revealHidden(note.message)}`;
}

export interface ToolbarEvents {
  onPreset(preset: Preset): void;
  /** A custom range typed into the inputs (`to` is the last second shown, inclusive). */
  onRange(range: TimeRange): void;
  onZoneClick(): void;
  onColumns(columns: ColumnId[]): void;
  onExport(format: ExportFormat): void;
  onCancelLoad(): void;
}

export class Toolbar {
  readonly element: HTMLElement;
  readonly status: HTMLElement;
  private readonly presetSelect: HTMLSelectElement;
  private readonly fromInput: HTMLInputElement;
  private readonly toInput: HTMLInputElement;
  private readonly customRange: HTMLElement;
  private readonly zoneButton: HTMLButtonElement;
  private readonly columnsMenu: HTMLElement;
  private readonly exportMenu: HTMLElement;
  private readonly countLabel: HTMLElement;
  private readonly progressBar: HTMLProgressElement;
  private readonly progressLabel: HTMLElement;
  private readonly loadBox: HTMLElement;
  private readonly loadError: HTMLElement;
  private readonly fileNotesBox: HTMLDetailsElement;
  private readonly fileNotesSummary: HTMLElement;
  private readonly fileNotesList: HTMLElement;
  private zone: Zone = 'UTC';

  constructor(
    filter: HTMLElement,
    private readonly events: ToolbarEvents,
  ) {
    this.presetSelect = h('select', {
      class: 'range-preset',
      'aria-label': 'Time range',
      title: 'Time range (relative to the newest event in the data)',
    });
    for (const [value, label] of [
      ['all', 'All time'],
      ['hour', 'Last hour of data'],
      ['day', 'Last day of data'],
      ['week', 'Last week of data'],
      ['custom', 'Custom range'],
    ] as const)
      this.presetSelect.append(h('option', { value }, label));
    // ISO 8601 text (a datetime-local input shows the browser locale's format and no zone).
    const rangeInput = (cls: string, label: string) =>
      h('input', {
        type: 'text',
        class: cls,
        'aria-label': label,
        spellcheck: 'false',
        placeholder: 'YYYY-MM-DDThh:mm:ss±hh:mm',
        title: `${label}: ISO 8601, e.g. 2024-05-14T10:05:00Z; without an offset, in the time zone shown`,
      });
    this.fromInput = rangeInput('range-from', 'From');
    this.toInput = rangeInput('range-to', 'To');
    this.customRange = h(
      'span',
      { class: 'custom-range' },
      this.fromInput,
      h('span', { class: 'range-sep' }, '→'),
      this.toInput,
    );
    this.zoneButton = h('button', {
      class: 'zone-toggle',
      title:
        'The time zone of every time shown (setting cloudtrailLens.timeZone): click to change it',
    });
    const columnsButton = h(
      'button',
      { class: 'columns-button', 'aria-haspopup': 'true', title: 'Choose columns' },
      'Columns',
    );
    this.columnsMenu = h('div', { class: 'popover columns-menu', hidden: true, role: 'menu' });
    const exportButton = h(
      'button',
      { class: 'export-button', 'aria-haspopup': 'true', title: 'Export the matching events' },
      'Export',
    );
    this.exportMenu = h('div', { class: 'popover export-menu', hidden: true, role: 'menu' });
    this.element = h(
      'div',
      { class: 'toolbar' },
      filter,
      this.presetSelect,
      this.customRange,
      this.zoneButton,
      h('span', { class: 'menu-anchor' }, columnsButton, this.columnsMenu),
      h('span', { class: 'menu-anchor' }, exportButton, this.exportMenu),
    );

    this.countLabel = h('span', { class: 'match-count', 'aria-live': 'polite' });
    this.progressBar = h('progress', { class: 'load-progress', max: 1, value: 0 });
    this.progressLabel = h('span', { class: 'load-label' });
    const cancelButton = h('button', { class: 'cancel-load' }, 'Cancel');
    this.loadBox = h(
      'span',
      { class: 'load', hidden: true },
      this.progressBar,
      this.progressLabel,
      cancelButton,
    );
    this.loadError = h('span', { class: 'load-error', hidden: true });
    // What each file said (not read and why, its shape, renamed fields, events without a time, copies).
    this.fileNotesSummary = h('summary', { class: 'file-notes-summary' });
    this.fileNotesList = h('ul', { class: 'file-notes-list' });
    this.fileNotesBox = h(
      'details',
      { class: 'file-notes', hidden: true },
      this.fileNotesSummary,
      this.fileNotesList,
    );
    this.status = h(
      'div',
      { class: 'status' },
      this.countLabel,
      this.loadBox,
      this.loadError,
      this.fileNotesBox,
    );

    this.presetSelect.addEventListener('change', () =>
      this.events.onPreset(this.presetSelect.value as Preset),
    );
    for (const input of [this.fromInput, this.toInput])
      input.addEventListener('change', () => {
        input.setCustomValidity('');
        const from = fromInputValue(this.fromInput.value, this.zone);
        const to = fromInputValue(this.toInput.value, this.zone);
        if (!Number.isFinite(from) || !Number.isFinite(to) || from > to) {
          input.setCustomValidity(
            !Number.isFinite(Number.isFinite(from) ? to : from)
              ? 'Write an ISO 8601 time, e.g. 2024-05-14T10:05:00Z'
              : 'The start must be before the end',
          );
          input.reportValidity();
          return;
        }
        this.fromInput.setCustomValidity('');
        this.toInput.setCustomValidity('');
        this.events.onRange({ from, to });
      });
    this.zoneButton.addEventListener('click', () => this.events.onZoneClick());
    cancelButton.addEventListener('click', () => this.events.onCancelLoad());

    const menus = [this.columnsMenu, this.exportMenu];
    const toggle = (menu: HTMLElement, button: HTMLElement): void => {
      const open = menu.hidden;
      for (const m of menus) m.hidden = true;
      menu.hidden = !open;
      button.setAttribute('aria-expanded', String(open));
    };
    columnsButton.addEventListener('click', () => toggle(this.columnsMenu, columnsButton));
    exportButton.addEventListener('click', () => toggle(this.exportMenu, exportButton));
    document.addEventListener('click', (e) => {
      const t = e.target as HTMLElement;
      if (!t.closest('.menu-anchor')) for (const m of menus) m.hidden = true;
      if (!t.closest('.file-notes')) this.fileNotesBox.open = false;
    });
    document.addEventListener('keydown', (e) => {
      if (e.key === 'Escape') for (const m of menus) m.hidden = true;
      if (e.key === 'Escape') this.fileNotesBox.open = false;
    });
    for (const c of COLUMN_IDS) {
      const box = h('input', { type: 'checkbox', value: c });
      box.addEventListener('change', () => {
        const chosen = new Set(this.chosenColumns());
        if (chosen.size === 0) {
          box.checked = true;
          return;
        }
        this.events.onColumns(COLUMN_IDS.filter((x) => chosen.has(x)));
      });
      this.columnsMenu.append(
        h('label', { class: 'menu-item' }, box, ` ${COLUMN_TITLES[c as ColumnId]}`),
      );
    }
    for (const [format, label] of [
      ['jsonl', 'JSON Lines (.jsonl)…'],
      ['csv', 'CSV (.csv)…'],
    ] as const) {
      const item = h('button', { class: `menu-item export-${format}`, role: 'menuitem' }, label);
      item.addEventListener('click', () => {
        this.exportMenu.hidden = true;
        this.events.onExport(format);
      });
      this.exportMenu.append(item);
    }
  }

  private chosenColumns(): ColumnId[] {
    return [...this.columnsMenu.querySelectorAll('input')]
      .filter((b) => b.checked)
      .map((b) => b.value as ColumnId);
  }

  /** Shows the preset, and the custom range's inputs (`shown`: the range they show). */
  syncRange(preset: Preset, shown: TimeRange | null): void {
    this.presetSelect.value = preset;
    this.customRange.hidden = preset !== 'custom';
    if (shown) {
      const values = rangeInputValues(shown, this.zone);
      this.fromInput.value = values.from;
      this.toInput.value = values.to;
    }
  }

  syncColumns(columns: ColumnId[]): void {
    for (const box of this.columnsMenu.querySelectorAll('input'))
      box.checked = columns.includes(box.value as ColumnId);
  }

  setZone(zone: Zone): void {
    this.zone = zone;
    this.zoneButton.textContent = zone;
  }

  showCount(matches: number, total: number, filtered: boolean): void {
    this.countLabel.textContent = filtered
      ? `${formatCount(matches)} of ${formatCount(total)} events match`
      : `${formatCount(total)} events`;
  }

  showProgress(p: LoadProgress): void {
    this.loadBox.hidden = !p.loading;
    this.progressBar.max = Math.max(1, p.filesTotal);
    // While files are still being found the total is not known: an indeterminate bar.
    if (p.listing) this.progressBar.removeAttribute('value');
    else this.progressBar.value = p.filesDone;
    this.progressLabel.textContent = `Reading ${formatCount(p.filesDone)} of ${formatCount(p.filesTotal)}${p.listing ? '+' : ''} files${p.listing ? ' (still listing)' : ''} · ${formatCount(p.events)} events`;
    const notes: string[] = [];
    if (p.cancelled) notes.push('Loading cancelled: showing what was read.');
    if (p.stopped) notes.push(`Loading stopped: ${p.stopped}.`);
    if (p.nothingRead) notes.push(p.nothingRead);
    else if (p.failedFiles)
      notes.push(
        `${formatCount(p.failedFiles)} file(s) could not be read${p.lastError ? ` (latest: ${p.lastError})` : ''}; see the file notes and the CloudTrail Lens output.`,
      );
    if (notes.length) this.showLoadError(notes.join(' '));
    this.showFileNotes(p);
  }

  private showFileNotes(p: LoadProgress): void {
    const notes = p.fileNotes ?? [];
    this.fileNotesBox.hidden = notes.length === 0;
    if (!notes.length) return;
    const count = (severity: string) => notes.filter((n) => n.severity === severity).length;
    const parts = [
      [count('error'), 'not read'],
      [count('warning'), 'with warnings'],
      [count('note'), 'notes'],
    ]
      .filter(([n]) => n)
      .map(([n, what]) => `${n} ${what}`);
    this.fileNotesSummary.textContent = `Files: ${parts.join(' · ')}${(p.fileNotesTotal ?? 0) > notes.length ? ` (first ${notes.length} of ${p.fileNotesTotal})` : ''}`;
    const name = (location: string) =>
      location.slice(Math.max(location.lastIndexOf('/'), location.lastIndexOf('\\')) + 1);
    const items = notes.map((n) =>
      h(
        'li',
        { class: `file-note ${n.severity}`, title: fileNoteTitle(n) },
        h('span', { class: 'file-note-name' }, revealHidden(name(n.location))),
        ' ',
        revealHidden(n.message),
      ),
    );
    this.fileNotesList.replaceChildren(...items);
  }

  showLoadError(text: string): void {
    this.loadError.hidden = false;
    this.loadError.textContent = revealHidden(text);
  }
}
