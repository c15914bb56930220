// Top values per field for the current result. A click adds `field = value` to the filter, an
// alt- or shift-click adds its negation; the host writes the term in the query language, so the
// filter box always shows (and lets the user edit) exactly what was applied.
import { Facet, FacetId } from '../protocol';
import { FACET_TITLES } from '../core/index/columns';
import { clear, formatCount, h } from './dom';
import { cellText } from '../core/output/visibleText';

export { FACET_TITLES };

export interface FacetEvents {
  onPick(field: string, value: string, negate: boolean): void;
}

export class FacetsView {
  readonly element: HTMLElement;
  private collapsed = new Set<FacetId>();

  constructor(private readonly events: FacetEvents) {
    this.element = h('div', { class: 'facets', role: 'region', 'aria-label': 'Facets' });
    this.element.addEventListener('click', (e) => {
      const btn = (e.target as HTMLElement).closest<HTMLElement>('.facet-value');
      if (!btn) return;
      const field = btn.dataset.field;
      const value = btn.dataset.value;
      if (field === undefined || value === undefined) return;
      this.events.onPick(field, value, e.altKey || e.shiftKey);
    });
  }

  set(facets: Facet[] | null): void {
    clear(this.element);
    if (!facets) {
      this.element.append(h('div', { class: 'facets-note' }, 'Counting…'));
      return;
    }
    for (const f of facets) {
      const max = Math.max(1, ...f.values.map((v) => v.count));
      const title = h(
        'button',
        { class: 'facet-title', 'aria-expanded': String(!this.collapsed.has(f.id)) },
        FACET_TITLES[f.id],
      );
      const list = h('ul', { class: 'facet-values', hidden: this.collapsed.has(f.id) });
      title.addEventListener('click', () => {
        if (this.collapsed.has(f.id)) this.collapsed.delete(f.id);
        else this.collapsed.add(f.id);
        list.hidden = this.collapsed.has(f.id);
        title.setAttribute('aria-expanded', String(!list.hidden));
      });
      for (const v of f.values) {
        const shown = v.label === '' ? '(empty)' : cellText(v.label, 120);
        // Spellings a click finds together are one entry: the others are said, not hidden.
        const spellings = v.spellings?.length
          ? `\nAlso written as: ${v.spellings.map((o) => `${cellText(o.label, 200)} (${formatCount(o.count)})`).join(', ')}`
          : '';
        const btn = h(
          'button',
          {
            class: 'facet-value',
            title: `${cellText(v.value, 2000)}${spellings}\nClick: only these · Alt/Shift-click: exclude`,
          },
          h('span', { class: 'facet-bar' }),
          h('span', { class: 'facet-label' }, shown),
          ...(v.spellings?.length
            ? [
                h(
                  'span',
                  { class: 'facet-spellings' },
                  `+${v.spellings.length} spelling${v.spellings.length === 1 ? '' : 's'}`,
                ),
              ]
            : []),
          h('span', { class: 'facet-count' }, formatCount(v.count)),
        );
        if (v.sub) btn.classList.add('facet-sub');
        // A level row of the Detections facet: its icon and label take the level's colour.
        if (f.id === 'detection' && !v.sub) btn.dataset.level = v.value;
        btn.dataset.field = v.field ?? f.field;
        btn.dataset.value = v.value;
        btn.dataset.facet = f.id;
        (btn.firstChild as HTMLElement).style.width = `${(v.count / max) * 100}%`;
        list.append(h('li', {}, btn));
      }
      if (!f.values.length) list.append(h('li', { class: 'facets-note' }, 'no values'));
      if (f.other > 0)
        list.append(
          h('li', { class: 'facets-note' }, `${formatCount(f.other)} more in other values`),
        );
      this.element.append(h('section', { class: 'facet' }, title, list));
    }
  }
}
