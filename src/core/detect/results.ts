// A detection run as the views use it: the rules that fired on a row (highest level first), the
// rows of a `detection:` or `level:` term, a Detections facet grouped by level, and hit counts
// by level over a set of rows (an explorer row's files).
//
// Rows are kept as combination ids (the same few sets of rules fire on most events): one Uint32
// per row into a small table of rule lists. That table is also what the index answers
// `detection:` and `level:` with (derivedColumns), like any other dictionary-encoded column.
import type { SigmaRule } from './rule';
import { Level, LEVEL_ICONS, LEVELS, levelRank } from './levels';
import type { DetectionRun, RuleHits } from './run';
import type { MatchReason } from './evaluate';
import { parsePattern, WildcardPattern } from './values';

export interface LevelGroup {
  level: Level;
  /** Events with at least one hit at this level (as their highest level). */
  events: number;
  /** Each rule of this level that fired, with its events. */
  rules: Array<{ rule: SigmaRule; events: number }>;
}

/** A column worked out from all the events (ColumnStore.derived): ids per row into lists of texts a term may match. */
export interface DerivedColumn {
  ids: Uint32Array;
  values: readonly (readonly string[])[];
}

const byLevelThenTitle = (a: SigmaRule, b: SigmaRule) =>
  levelRank(b.level) - levelRank(a.level) || (a.title < b.title ? -1 : a.title > b.title ? 1 : 0);

export class DetectionResults {
  /** Per row: its combination (0: no rule fired). Rows at or past `rows` have none yet. */
  private comboOf = new Uint32Array(0);
  /** Rows the rules have been run over: [0, rows). */
  rows = 0;
  /** Each combination: the rules that fired, highest level first. combos[0] is empty. */
  private readonly combos: SigmaRule[][] = [[]];
  private readonly comboByKey = new Map<string, number>([['', 0]]);
  /** Grows with every change (views cache on it). */
  revision = 0;

  constructor(run?: DetectionRun, rows?: number) {
    if (run)
      this.add(
        run.hits,
        0,
        rows ??
          Math.max(0, ...run.hits.map((h) => (h.rows.length ? h.rows[h.rows.length - 1] + 1 : 0))),
      );
  }

  /** Records the hits over rows [from, to) (the rows a run covered; rows of it without a hit have none). */
  add(hits: readonly RuleHits[], from: number, to: number): void {
    if (to > this.comboOf.length) {
      const grown = new Uint32Array(Math.max(to, this.comboOf.length * 2, 1024));
      grown.set(this.comboOf);
      this.comboOf = grown;
    }
    this.comboOf.fill(0, from, to);
    const byRow = new Map<number, SigmaRule[]>();
    for (const h of hits) {
      for (const r of h.rows) {
        if (r < from || r >= to) continue;
        let list = byRow.get(r);
        if (!list) byRow.set(r, (list = []));
        list.push(h.rule);
      }
    }
    for (const [r, list] of byRow) {
      list.sort(byLevelThenTitle);
      const key = list.map((x) => x.id).join('\n');
      let id = this.comboByKey.get(key);
      if (id === undefined) {
        id = this.combos.length;
        this.combos.push(list);
        this.comboByKey.set(key, id);
      }
      this.comboOf[r] = id;
    }
    this.rows = Math.max(this.rows, to);
    this.revision++;
  }

  /** The rules that fired on the row, highest level first. */
  rulesOf(row: number): readonly SigmaRule[] {
    return row < this.rows ? this.combos[this.comboOf[row]] : [];
  }

  /** The highest level of the rules that fired on the row. */
  levelOf(row: number): Level | undefined {
    return this.rulesOf(row)[0]?.level;
  }

  /** Rows (ascending) on which a rule selected by `detection:<pattern>` fired: an id (exact) or a title wildcard, case-insensitive. */
  rowsOfRule(pattern: string): Uint32Array {
    const test = ruleSelector(pattern);
    return this.rowsWhere((rules) => rules.some(test));
  }

  /** Rows (ascending) with a hit at `level` (or at or above it, when `orAbove`). */
  rowsOfLevel(level: Level, orAbove = false): Uint32Array {
    return this.rowsWhere((rules) =>
      rules.some((r) => (orAbove ? levelRank(r.level) >= levelRank(level) : r.level === level)),
    );
  }

  private rowsWhere(keep: (rules: readonly SigmaRule[]) => boolean): Uint32Array {
    const table = this.combos.map((c) => (c.length > 0 && keep(c) ? 1 : 0));
    const out: number[] = [];
    for (let r = 0; r < this.rows; r++) if (table[this.comboOf[r]] === 1) out.push(r);
    return Uint32Array.from(out);
  }

  /** The Detections facet over some rows: per level (highest first), the events and the rules. */
  facet(rows: ArrayLike<number>): LevelGroup[] {
    // Counted by combination first (one pass of integer increments), then spread over the rules.
    const perCombo = new Uint32Array(this.combos.length);
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i];
      if (r < this.rows) perCombo[this.comboOf[r]]++;
    }
    const groups = new Map<Level, { events: number; rules: Map<SigmaRule, number> }>();
    for (let c = 1; c < perCombo.length; c++) {
      const n = perCombo[c];
      if (n === 0) continue;
      const rules = this.combos[c];
      for (const rule of rules) {
        let g = groups.get(rule.level);
        if (!g) groups.set(rule.level, (g = { events: 0, rules: new Map() }));
        g.rules.set(rule, (g.rules.get(rule) ?? 0) + n);
      }
      groups.get(rules[0].level)!.events += n;
    }
    return [...LEVELS]
      .reverse()
      .filter((l) => groups.has(l))
      .map((level) => {
        const g = groups.get(level)!;
        const rules = [...g.rules.entries()]
          .map(([rule, events]) => ({ rule, events }))
          .sort((a, b) => b.events - a.events || (a.rule.title < b.rule.title ? -1 : 1));
        return { level, events: g.events, rules };
      });
  }

  /** Events with hits by their highest level, over some rows (an explorer row's events). */
  countsByLevel(rows: Iterable<number>): Record<Level, number> {
    const out = emptyLevelCounts();
    for (const r of rows) {
      const l = this.levelOf(r);
      if (l) out[l]++;
    }
    return out;
  }

  /**
   * The index's columns for `detection:` (each rule's id and title) and `level:` (the levels of
   * the rules that fired), sharing one id per row. Rows not yet run over have no value.
   */
  derivedColumns(): { detection: DerivedColumn; level: DerivedColumn } {
    const ids = this.comboOf.subarray(0, this.rows);
    return {
      detection: { ids, values: this.combos.map((c) => c.flatMap((r) => [r.id, r.title])) },
      level: { ids, values: this.combos.map((c) => [...new Set(c.map((r) => r.level))]) },
    };
  }
}

export function emptyLevelCounts(): Record<Level, number> {
  return Object.fromEntries(LEVELS.map((l) => [l, 0])) as Record<Level, number>;
}

/** "2 high, 1 medium" (highest first; levels without hits left out), '' when none. */
export function levelCountsText(counts: Readonly<Record<Level, number>>): string {
  return [...LEVELS]
    .reverse()
    .filter((l) => counts[l] > 0)
    .map((l) => `${counts[l].toLocaleString('en-US')} ${l}`)
    .join(', ');
}

/** The Detections cell (and CSV field): each rule that fired, highest level first, as its level's icon and title. */
export function detectionsCell(rules: readonly SigmaRule[]): string {
  return rules.map((r) => `${LEVEL_ICONS[r.level]} ${r.title}`).join(' · ');
}

/** `detection:` value → a rule test: the rule's id (exact) or its title (wildcards `*` `?`), case-insensitive. */
export function ruleSelector(pattern: string): (rule: SigmaRule) => boolean {
  const title = new WildcardPattern(parsePattern(pattern), false);
  const id = pattern.toLowerCase();
  return (rule) => rule.id.toLowerCase() === id || title.test(rule.title);
}

/** A row's detections as JSON output carries them (`query --format jsonl --annotate`, `detect --format json`); `matched` when the record was read. */
export function detectionsJson(
  rules: readonly SigmaRule[],
  matched?: (rule: SigmaRule) => MatchReason[],
): Array<{ id: string; title: string; level: Level; tags: string[]; matched?: MatchReason[] }> {
  return rules.map((r) => ({
    id: r.id,
    title: r.title,
    level: r.level,
    tags: r.tags,
    ...(matched ? { matched: matched(r) } : {}),
  }));
}
