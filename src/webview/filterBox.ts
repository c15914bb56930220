// The filter input: the core's query language, with a syntax error shown inline under the text
// (the offending span marked) and completion of field names and frequent values from the host.
import { CompletionItem, QueryError } from '../protocol';
import { clear, h } from './dom';
import { cellText, revealHidden } from '../core/output/visibleText';

export interface FilterEvents {
  /** The text changed (typing: debounced by the caller) or was submitted (Enter: now). */
  onChange(filter: string, now: boolean): void;
  complete(filter: string, cursor: number): Promise<CompletionItem[]>;
}

export class FilterBox {
  readonly element: HTMLElement;
  readonly input: HTMLInputElement;
  private readonly errorLine: HTMLElement;
  private readonly noteLine: HTMLElement;
  private readonly warningLines: HTMLElement;
  private readonly list: HTMLElement;
  private items: CompletionItem[] = [];
  private active = -1;
  private completeSeq = 0;

  constructor(private readonly events: FilterEvents) {
    this.input = h('input', {
      class: 'filter-input',
      type: 'text',
      spellcheck: 'false',
      autocomplete: 'off',
      placeholder: 'Filter, e.g. event:ConsoleLogin -error:* ip:203.0.113.*',
      'aria-label': 'Filter',
      role: 'combobox',
      'aria-autocomplete': 'list',
      'aria-expanded': 'false',
      'aria-controls': 'filter-completions',
    });
    this.list = h('ul', {
      class: 'completions',
      id: 'filter-completions',
      role: 'listbox',
      hidden: true,
    });
    this.errorLine = h('div', { class: 'filter-error', role: 'alert', hidden: true });
    this.noteLine = h('div', { class: 'filter-note', role: 'status', hidden: true });
    this.warningLines = h('ul', { class: 'filter-warnings', 'aria-live': 'polite', hidden: true });
    this.element = h(
      'div',
      { class: 'filter' },
      this.input,
      this.list,
      this.errorLine,
      this.warningLines,
      this.noteLine,
    );
    this.input.addEventListener('input', () => {
      this.showNote(null);
      this.events.onChange(this.input.value, false);
      void this.refreshCompletions();
    });
    this.input.addEventListener('keydown', (e) => this.onKey(e));
    this.input.addEventListener('blur', () => setTimeout(() => this.hideList(), 150));
    this.input.addEventListener('focus', () => void this.refreshCompletions());
    this.list.addEventListener('mousedown', (e) => {
      const li = (e.target as HTMLElement).closest<HTMLElement>('li');
      if (!li?.dataset.index) return;
      e.preventDefault();
      this.accept(Number(li.dataset.index));
    });
  }

  get value(): string {
    return this.input.value;
  }

  set value(v: string) {
    if (this.input.value !== v) this.input.value = v;
  }

  /** A note about the filter the host wrote (e.g. a value too long for a filter); null clears it. */
  showNote(text: string | null): void {
    this.noteLine.hidden = text === null;
    this.noteLine.textContent = text === null ? '' : revealHidden(text);
  }

  showError(err: QueryError | null): void {
    this.input.classList.toggle('invalid', !!err);
    this.input.setAttribute('aria-invalid', String(!!err));
    clear(this.errorLine);
    this.errorLine.hidden = !err;
    if (!err) return;
    const text = this.input.value;
    const a = Math.min(err.offset, text.length);
    const b = Math.min(text.length, a + Math.max(1, err.length));
    this.errorLine.append(
      h(
        'span',
        { class: 'filter-error-message' },
        `${revealHidden(err.message)} (column ${a + 1}): `,
      ),
      h(
        'code',
        {},
        revealHidden(text.slice(0, a)),
        h('mark', {}, a < text.length ? revealHidden(text.slice(a, b)) : '␣'),
        revealHidden(text.slice(b)),
      ),
    );
  }

  /**
   * What the filter probably did not mean (each with its span marked) and what the result leaves
   * out without saying so, under the box; the rows are the filter's as typed.
   */
  showWarnings(warnings: QueryError[], notes: string[]): void {
    clear(this.warningLines);
    const text = this.input.value;
    for (const w of warnings) {
      const a = Math.min(w.offset, text.length);
      const b = Math.min(text.length, a + Math.max(1, w.length));
      this.warningLines.append(
        h(
          'li',
          { class: 'filter-warning' },
          h('code', {}, revealHidden(text.slice(a, b))),
          `: ${revealHidden(w.message)}`,
        ),
      );
    }
    for (const n of notes)
      this.warningLines.append(h('li', { class: 'filter-note' }, revealHidden(n)));
    this.warningLines.hidden = warnings.length + notes.length === 0;
  }

  private async refreshCompletions(): Promise<void> {
    const seq = ++this.completeSeq;
    const items = await this.events
      .complete(this.input.value, this.input.selectionStart ?? this.input.value.length)
      .catch(() => []);
    if (seq !== this.completeSeq || document.activeElement !== this.input) return;
    this.items = items.slice(0, 50);
    this.active = this.items.length ? 0 : -1;
    this.renderList();
  }

  private renderList(): void {
    clear(this.list);
    this.list.hidden = this.items.length === 0;
    this.input.setAttribute('aria-expanded', String(!this.list.hidden));
    this.items.forEach((it, i) => {
      const li = h(
        'li',
        { role: 'option', id: `completion-${i}`, 'aria-selected': String(i === this.active) },
        h('span', { class: 'completion-label' }, cellText(it.label, 200)),
        h('span', { class: 'completion-detail' }, it.detail),
      );
      li.dataset.index = String(i);
      if (i === this.active) li.classList.add('active');
      this.list.append(li);
    });
    if (this.active >= 0)
      this.input.setAttribute('aria-activedescendant', `completion-${this.active}`);
    else this.input.removeAttribute('aria-activedescendant');
  }

  private hideList(): void {
    // Completions still on their way belong to what was hidden: a reply coming after Enter or
    // Escape would open the list again, over the histogram, where the next click takes an item.
    this.completeSeq++;
    this.items = [];
    this.active = -1;
    this.renderList();
  }

  private accept(i: number): void {
    const it = this.items[i];
    if (!it) return;
    const v = this.input.value;
    this.input.value = v.slice(0, it.from) + it.insert + v.slice(it.to);
    const caret = it.from + it.insert.length;
    this.input.setSelectionRange(caret, caret);
    this.hideList();
    this.events.onChange(this.input.value, false);
    this.input.focus();
  }

  private onKey(e: KeyboardEvent): void {
    const open = !this.list.hidden && this.items.length > 0;
    if (open && (e.key === 'ArrowDown' || e.key === 'ArrowUp')) {
      e.preventDefault();
      this.active =
        (this.active + (e.key === 'ArrowDown' ? 1 : -1) + this.items.length) % this.items.length;
      this.renderList();
    } else if (open && e.key === 'Tab') {
      e.preventDefault();
      this.accept(this.active);
    } else if (e.key === 'Enter') {
      // Enter runs the filter as typed; Tab (or a click) takes a completion.
      e.preventDefault();
      this.hideList();
      this.events.onChange(this.input.value, true);
    } else if (e.key === 'Escape' && open) {
      e.preventDefault();
      this.hideList();
    }
  }
}
