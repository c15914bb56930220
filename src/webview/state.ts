// What the view remembers across hiding and re-showing the panel (vscode.setState), so the
// host need not keep the webview alive (retainContextWhenHidden is costly). getState hands back
// whatever was stored, possibly by an older version, so it is checked field by field.
import { COLUMN_IDS, ColumnId, SortOrder, TimeRange } from '../protocol';
import { DEFAULT_COLUMN_IDS } from '../core/index/columns';

export const PRESETS = ['all', 'hour', 'day', 'week', 'custom'] as const;
export type Preset = (typeof PRESETS)[number];

export interface ViewState {
  filter: string;
  preset: Preset;
  /** Only for preset 'custom'. */
  range: TimeRange | null;
  sort: SortOrder;
  /** Selected event (index id) and its row in the current result. */
  selectedId: number | null;
  selectedRow: number;
  /** The row at the top of the table. */
  scrollRow: number;
  columns: ColumnId[];
  /** Widths (px) of the columns the user resized. */
  widths: Partial<Record<ColumnId, number>>;
  detailOpen: boolean;
}

export const DEFAULT_COLUMNS: readonly ColumnId[] = DEFAULT_COLUMN_IDS;

export function defaultState(): ViewState {
  return {
    filter: '',
    preset: 'all',
    range: null,
    sort: 'asc',
    selectedId: null,
    selectedRow: -1,
    scrollRow: 0,
    columns: [...DEFAULT_COLUMNS],
    widths: {},
    detailOpen: true,
  };
}

export function restoreState(saved: unknown): ViewState {
  const s = defaultState();
  if (typeof saved !== 'object' || saved === null) return s;
  const v = saved as Record<string, unknown>;
  if (typeof v.filter === 'string') s.filter = v.filter;
  if ((PRESETS as readonly unknown[]).includes(v.preset)) s.preset = v.preset as Preset;
  const r = v.range as Record<string, unknown> | null | undefined;
  if (
    r &&
    typeof r.from === 'number' &&
    typeof r.to === 'number' &&
    Number.isFinite(r.from) &&
    Number.isFinite(r.to) &&
    r.from <= r.to
  )
    s.range = { from: r.from, to: r.to };
  if (s.preset === 'custom' && !s.range) s.preset = 'all';
  if (v.sort === 'asc' || v.sort === 'desc') s.sort = v.sort;
  if (typeof v.selectedId === 'number' && Number.isSafeInteger(v.selectedId) && v.selectedId >= 0)
    s.selectedId = v.selectedId;
  if (typeof v.selectedRow === 'number' && Number.isSafeInteger(v.selectedRow))
    s.selectedRow = v.selectedRow;
  if (typeof v.scrollRow === 'number' && Number.isFinite(v.scrollRow) && v.scrollRow >= 0)
    s.scrollRow = v.scrollRow;
  if (Array.isArray(v.columns)) {
    const cols = v.columns.filter((c): c is ColumnId =>
      (COLUMN_IDS as readonly unknown[]).includes(c),
    );
    if (cols.length) s.columns = COLUMN_IDS.filter((c) => cols.includes(c));
  }
  if (typeof v.widths === 'object' && v.widths !== null) {
    for (const [c, w] of Object.entries(v.widths as Record<string, unknown>)) {
      if (
        (COLUMN_IDS as readonly string[]).includes(c) &&
        typeof w === 'number' &&
        Number.isFinite(w) &&
        w >= 40 &&
        w <= 4000
      )
        s.widths[c as ColumnId] = Math.round(w);
    }
  }
  if (typeof v.detailOpen === 'boolean') s.detailOpen = v.detailOpen;
  return s;
}

const HOUR = 3_600_000;
const PRESET_SPAN: Record<Exclude<Preset, 'all' | 'custom'>, number> = {
  hour: HOUR,
  day: 24 * HOUR,
  week: 7 * 24 * HOUR,
};

/** The range a preset means for data spanning `bounds` ("last hour of the data", not of the clock). */
export function presetRange(
  preset: Preset,
  custom: TimeRange | null,
  bounds: TimeRange | null,
): TimeRange | null {
  if (preset === 'custom') return custom;
  if (preset === 'all' || !bounds) return null;
  return { from: Math.max(bounds.from, bounds.to - PRESET_SPAN[preset]), to: bounds.to };
}
