// The detection rules kept run over an index as it grows: each call to update() runs them over
// the rows appended since the last (a rule reads one event at a time, so earlier rows keep their
// hits), and installs the results as the index's derived columns for `detection:` and `level:`
// (answered like any dictionary column: a table per distinct set of rules, one scan of ids).
// Hidden duplicate rows keep their hits: every view leaves those rows out itself.
import type { EventIndex } from '../index/eventIndex';
import { DETECTION_FIELD, LEVEL_FIELD } from '../query/fields';
import { explainMatch, MatchReason } from './evaluate';
import { DetectionResults } from './results';
import type { SigmaRule } from './rule';
import { runRules } from './run';

export interface RowDetection {
  rule: SigmaRule;
  /** The field tests that held: why it fired. */
  matched: MatchReason[];
}

export class IndexDetections {
  readonly results = new DetectionResults();
  private running: Promise<void> = Promise.resolve();
  /** Time spent running the rules, all updates together (ms). */
  elapsedMs = 0;

  constructor(
    readonly index: EventIndex,
    readonly rules: readonly SigmaRule[],
  ) {
    index.provideDerived([DETECTION_FIELD, LEVEL_FIELD], (signal) => this.update(signal));
    this.install();
  }

  /** True when every row of the index has been run over. */
  get current(): boolean {
    return this.results.rows >= this.index.size;
  }

  /** Runs the rules over the rows not yet run over (calls queue one after the other). */
  update(signal?: AbortSignal): Promise<void> {
    const run = this.running.then(() => this.catchUp(signal));
    this.running = run.catch(() => undefined);
    return run;
  }

  private async catchUp(signal?: AbortSignal): Promise<void> {
    while (this.results.rows < this.index.size) {
      const started = performance.now();
      const from = this.results.rows;
      const to = this.index.size; // runRules covers the rows there are when it starts
      const run = await runRules(this.index, this.rules, signal, { from, keepHidden: true });
      this.results.add(run.hits, from, to);
      this.install();
      this.elapsedMs += performance.now() - started;
    }
  }

  private install(): void {
    const columns = this.results.derivedColumns();
    this.index.store.derived.set(DETECTION_FIELD, columns.detection);
    this.index.store.derived.set(LEVEL_FIELD, columns.level);
  }

  /** The rules that fired on a row, each with why, from its record (parsed). */
  explain(row: number, record: unknown): RowDetection[] {
    return this.results.rulesOf(row).map((rule) => ({ rule, matched: explainMatch(rule, record) }));
  }
}
