// A detection run as the views use it: the rules that fired on a row (highest level first), the
// rows of a `detection:` or `level:` term, a Detections facet grouped by level, and hit counts
// by level over a set of rows (an explorer row's files).
import { Level, LEVELS, levelRank, SigmaRule } from './rule';
import type { DetectionRun } from './run';
import { parsePattern } from './values';

export interface LevelGroup {
  level: Level;
  /** Events with at least one hit at this level (as their highest level). */
  events: number;
  /** Each rule of this level that fired, with its events. */
  rules: Array<{ rule: SigmaRule; events: number }>;
}

export class DetectionResults {
  /** Per row: the rules that fired, highest level first (undefined when none). */
  private readonly byRow = new Map<number, SigmaRule[]>();

  constructor(readonly run: DetectionRun) {
    for (const h of run.hits) {
      for (const r of h.rows) {
        let list = this.byRow.get(r);
        if (!list) this.byRow.set(r, (list = []));
        list.push(h.rule);
      }
    }
    for (const list of this.byRow.values()) list.sort((a, b) => levelRank(b.level) - levelRank(a.level) || (a.title < b.title ? -1 : a.title > b.title ? 1 : 0));
  }

  /** The rules that fired on the row, highest level first. */
  rulesOf(row: number): readonly SigmaRule[] {
    return this.byRow.get(row) ?? [];
  }

  /** The highest level of the rules that fired on the row. */
  levelOf(row: number): Level | undefined {
    return this.byRow.get(row)?.[0].level;
  }

  /** Rows (ascending) on which a rule selected by `detection:<pattern>` fired: an id (exact) or a title wildcard, case-insensitive. */
  rowsOfRule(pattern: string): Uint32Array {
    const test = ruleSelector(pattern);
    return this.rowsWhere((h) => test(h));
  }

  /** Rows (ascending) with a hit at `level` (or at or above it, when `orAbove`). */
  rowsOfLevel(level: Level, orAbove = false): Uint32Array {
    return this.rowsWhere((r) => (orAbove ? levelRank(r.level) >= levelRank(level) : r.level === level));
  }

  private rowsWhere(keep: (rule: SigmaRule) => boolean): Uint32Array {
    const rows = new Set<number>();
    for (const h of this.run.hits) if (keep(h.rule)) for (const r of h.rows) rows.add(r);
    return Uint32Array.from(rows).sort();
  }

  /** The Detections facet over some rows: per level (highest first), the events and the rules. */
  facet(rows: ArrayLike<number>): LevelGroup[] {
    const groups = new Map<Level, { events: number; rules: Map<SigmaRule, number> }>();
    for (let i = 0; i < rows.length; i++) {
      const rules = this.byRow.get(rows[i]);
      if (!rules) continue;
      const top = rules[0].level;
      for (const rule of rules) {
        let g = groups.get(rule.level);
        if (!g) groups.set(rule.level, (g = { events: 0, rules: new Map() }));
        g.rules.set(rule, (g.rules.get(rule) ?? 0) + 1);
      }
      groups.get(top)!.events++;
    }
    return [...LEVELS]
      .reverse()
      .filter((l) => groups.has(l))
      .map((level) => {
        const g = groups.get(level)!;
        const rules = [...g.rules.entries()].map(([rule, events]) => ({ rule, events })).sort((a, b) => b.events - a.events || (a.rule.title < b.rule.title ? -1 : 1));
        return { level, events: g.events, rules };
      });
  }

  /** Events with hits by their highest level, over some rows (an explorer row's events). */
  countsByLevel(rows: Iterable<number>): Record<Level, number> {
    const out = Object.fromEntries(LEVELS.map((l) => [l, 0])) as Record<Level, number>;
    for (const r of rows) {
      const l = this.levelOf(r);
      if (l) out[l]++;
    }
    return out;
  }
}

/** `detection:` value → a rule test: the rule's id (exact) or its title (wildcards `*` `?`), case-insensitive. */
export function ruleSelector(pattern: string): (rule: SigmaRule) => boolean {
  const tokens = parsePattern(pattern);
  const body = tokens.map((t) => (t === 0 ? '.*' : t === 1 ? '.' : (t as string).replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'))).join('');
  const re = new RegExp(`^${body}$`, 'isu');
  const id = pattern.toLowerCase();
  return (rule) => rule.id.toLowerCase() === id || re.test(rule.title);
}

/** A row's detections as JSON output carries them (`query --format jsonl --annotate`, `detect --format json`). */
export function detectionsJson(rules: readonly SigmaRule[]): Array<{ id: string; title: string; level: Level; tags: string[] }> {
  return rules.map((r) => ({ id: r.id, title: r.title, level: r.level, tags: r.tags }));
}
