// The selected event in full: the plain-words explanations (the same the code lenses show), the
// actions (pivots, ±5 minutes of context, open raw, copy as JSON) and the pretty-printed record.
import { DetailReply, Pivot } from '../protocol';
import { clear, h } from './dom';
import { formatTime, hasEventTime, Zone } from './timeFormat';
import { cellText, revealHidden } from '../core/output/visibleText';
import { LEVEL_ICONS, Level } from '../core/detect/levels';

export interface DetailEvents {
  onPivot(pivot: Pivot): void;
  onContext(time: number, id: number): void;
  onOpenRaw(id: number): void;
  onCopy(id: number): void;
  /** Show another event (a hop of the origin chain: the event that issued its credentials). */
  onOpenEvent(id: number): void;
  onClose(): void;
}

export class DetailView {
  readonly element: HTMLElement;
  private readonly content: HTMLElement;
  private shown: DetailReply | null = null;
  private zone: Zone = 'UTC';

  constructor(private readonly events: DetailEvents) {
    const close = h(
      'button',
      { class: 'icon-button detail-close', title: 'Close details', 'aria-label': 'Close details' },
      '×',
    );
    close.addEventListener('click', () => this.events.onClose());
    this.content = h('div', { class: 'detail-content', tabindex: 0 });
    this.element = h(
      'aside',
      { class: 'detail', role: 'region', 'aria-label': 'Event details' },
      close,
      this.content,
    );
    this.set(null);
  }

  focus(): void {
    this.content.focus();
  }

  setZone(zone: Zone): void {
    this.zone = zone;
    if (this.shown) this.set(this.shown);
  }

  get current(): DetailReply | null {
    return this.shown;
  }

  /** The event could not be shown (its file could not be read again, or changed): why, instead. */
  showError(message: string): void {
    this.shown = null;
    clear(this.content);
    this.content.append(
      h(
        'p',
        { class: 'detail-error', role: 'alert' },
        `Could not show this event: ${revealHidden(message)}`,
      ),
    );
  }

  set(d: DetailReply | null, loading = false): void {
    this.shown = d;
    clear(this.content);
    if (!d) {
      this.content.append(
        h(
          'p',
          { class: 'detail-note' },
          loading ? 'Loading…' : 'Select an event to see it in full.',
        ),
      );
      return;
    }
    const actions = h('div', { class: 'detail-actions' });
    for (const p of d.pivots) {
      const b = h(
        'button',
        { class: 'pivot', title: `Filter: ${cellText(p.filter, 2000)}` },
        cellText(p.label, 160),
      );
      b.dataset.pivot = p.kind;
      b.addEventListener('click', () => this.events.onPivot(p));
      actions.append(b);
    }
    const ctx = h(
      'button',
      { class: 'context', title: 'All events from 5 minutes before to 5 minutes after this one' },
      '±5 minutes',
    );
    ctx.disabled = !hasEventTime(d.time);
    ctx.addEventListener('click', () => this.events.onContext(d.time, d.id));
    const raw = h('button', { class: 'open-raw' }, 'Open raw record');
    raw.addEventListener('click', () => this.events.onOpenRaw(d.id));
    const copy = h('button', { class: 'copy-json' }, 'Copy as JSON');
    copy.addEventListener('click', () => this.events.onCopy(d.id));
    actions.append(ctx, raw, copy);
    const explanations = h('dl', { class: 'explanations' });
    for (const e of d.explanations)
      explanations.append(h('dt', {}, revealHidden(e.label)), h('dd', {}, revealHidden(e.text)));
    this.content.append(h('h2', { class: 'detail-title' }, formatTime(d.time, this.zone)), actions);
    if (d.warnings?.length) {
      const warnings = h('dl', { class: 'explanations record-warnings', role: 'alert' });
      for (const w of d.warnings)
        warnings.append(h('dt', {}, revealHidden(w.label)), h('dd', {}, revealHidden(w.text)));
      this.content.append(warnings);
    }
    if (d.detections?.length) this.content.append(this.detectionList(d.detections));
    if (d.origin) this.content.append(this.originChain(d.origin));
    this.content.append(explanations, h('pre', { class: 'record-json' }, revealHidden(d.json)));
  }

  /** The rules that fired: each its level and title, why (the field tests that held) and what it means. */
  private detectionList(list: NonNullable<DetailReply['detections']>): HTMLElement {
    const items = h('ul', { class: 'detection-list' });
    for (const d of list) {
      const head = h(
        'p',
        { class: 'detection-head' },
        h(
          'strong',
          { 'data-level': d.level },
          `${LEVEL_ICONS[d.level as Level] ?? ''} ${cellText(d.level, 20)}`,
        ),
        ' ',
        cellText(d.title, 300),
      );
      head.title = `Rule ${cellText(d.id, 200)}${d.tags.length ? `\n${cellText(d.tags.join(' '), 400)}` : ''}`;
      const why = h('ul', { class: 'detection-why' });
      for (const m of d.matched)
        why.append(
          h(
            'li',
            {},
            `${cellText(m.field, 200)} ${cellText(m.condition, 300)}${m.values.length ? ` — ${cellText(m.values.join(', '), 300)}` : ''}`,
          ),
        );
      const parts: (HTMLElement | null)[] = [
        head,
        d.matched.length ? h('p', { class: 'detection-why' }, 'Matched:') : null,
        d.matched.length ? why : null,
        d.description
          ? h('p', { class: 'detection-description' }, revealHidden(d.description))
          : null,
      ];
      if (d.falsePositives.length)
        parts.push(
          h(
            'p',
            { class: 'detection-why' },
            `False positives: ${cellText(d.falsePositives.join('; '), 600)}`,
          ),
        );
      items.append(h('li', {}, ...parts));
    }
    return h(
      'section',
      { class: 'detections', 'aria-label': 'Detections' },
      h('p', {}, h('strong', {}, `Detections (${list.length}):`)),
      items,
    );
  }

  /** Who is behind the event, hop by hop from the origin; each hop opens the event that issued it. */
  private originChain(o: NonNullable<DetailReply['origin']>): HTMLElement {
    const list = h('ol', { class: 'origin-hops' });
    for (const hop of o.hops) {
      const link = h(
        'button',
        {
          class: 'origin-hop link-button',
          title: `Show the ${cellText(hop.eventName, 80)} event ${cellText(hop.eventID, 80)} that issued these credentials`,
        },
        `${cellText(hop.eventName, 80)} → ${cellText(hop.arn, 300)}`,
      );
      link.addEventListener('click', () => this.events.onOpenEvent(hop.id));
      list.append(h('li', {}, link));
    }
    const login = o.consoleLogin;
    let console: HTMLElement | null = null;
    if (login) {
      const link = h(
        'button',
        {
          class: 'origin-hop link-button origin-console',
          title: `Show the ConsoleLogin event ${cellText(login.eventID, 80)} that started this console session`,
        },
        `ConsoleLogin at ${formatTime(login.time, this.zone)}`,
      );
      link.addEventListener('click', () => this.events.onOpenEvent(login.id));
      console = h('p', { class: 'origin-summary' }, 'Console session signed in by ', link);
    }
    return h(
      'section',
      { class: 'origin', 'aria-label': 'Origin' },
      h('p', { class: 'origin-summary' }, h('strong', {}, 'Origin: '), revealHidden(o.summary)),
      ...(o.hops.length ? [list] : []),
      console,
    );
  }
}
