// The same event loaded twice (a log present as .json and .json.gz, overlapping downloads, a
// lookup-events export beside the delivered logs) is shown once. CloudTrail gives every event
// a unique eventID, so two rows with one eventID are candidates; they are copies only when the
// records are equal (load.ts compares them), because log content is attacker-controlled: a
// forged record reusing a real eventID must never hide the real one.
//
// Rows are found by eventID in an open-addressing table of row ids (8 bytes per event), keyed
// by the packed UUID bytes or the eventID's dictionary id (see ColumnStore).
import { ABSENT, EVENT_ID_COLUMN, IRREGULAR, PACKED_UUID } from '../ingest/columns';
import type { ColumnStore } from './columnStore';

export class DuplicateRows {
  /** row + 1 of the first row with each eventID; 0 is empty. */
  private table = new Uint32Array(1 << 12);
  private used = 0;
  private store: ColumnStore | undefined;
  /** [row, first row with its eventID] for rows not yet compared. */
  private candidates: [number, number][] = [];
  /** First row with an eventID → the rows shown with it (distinct records), when several were seen. */
  private readonly shown = new Map<number, number[]>();
  private readonly hidden = new Set<number>();

  get hiddenCount(): number {
    return this.hidden.size;
  }

  isHidden(row: number): boolean {
    return this.hidden.size > 0 && this.hidden.has(row);
  }

  /** Registers rows [first, first + count) of the store; rows whose eventID was seen become candidates. */
  add(store: ColumnStore, first: number, count: number): void {
    this.store = store;
    const ids = store.scalars[EVENT_ID_COLUMN].ids;
    for (let r = first; r < first + count; r++) {
      const id = ids[r];
      if (id === ABSENT || id === IRREGULAR) continue;
      if ((this.used + 1) * 2 > this.table.length) this.rehash();
      const earlier = this.insert(r);
      if (earlier >= 0) this.candidates.push([r, earlier]);
    }
  }

  takeCandidates(): [row: number, first: number][] {
    const c = this.candidates;
    this.candidates = [];
    return c;
  }

  /** The rows shown with the eventID first seen at `first`: what a new row is compared with. */
  shownWith(first: number): number[] {
    return this.shown.get(first) ?? [first];
  }

  /** `row` (the eventID first seen at `first`) holds a record none of those shown has. */
  distinct(row: number, first: number): void {
    this.shown.set(first, [...this.shownWith(first), row]);
  }

  /** Hides `row` as a copy of `kept`; false when it already was hidden. */
  hide(row: number, kept: number, first: number): boolean {
    if (this.hidden.has(row)) return false;
    this.hidden.add(row);
    const list = this.shownWith(first).filter((r) => r !== row);
    if (!list.includes(kept)) list.push(kept);
    this.shown.set(first, list);
    return true;
  }

  /** The earlier row with the same eventID, or -1 (then `row` is now registered). */
  private insert(row: number): number {
    const mask = this.table.length - 1;
    for (let i = this.hash(row) & mask; ; i = (i + 1) & mask) {
      const slot = this.table[i];
      if (slot === 0) {
        this.table[i] = row + 1;
        this.used++;
        return -1;
      }
      if (this.same(slot - 1, row)) return slot - 1;
    }
  }

  private rehash(): void {
    const old = this.table;
    this.table = new Uint32Array(old.length * 2);
    const mask = this.table.length - 1;
    for (const slot of old) {
      if (slot === 0) continue;
      let i = this.hash(slot - 1) & mask;
      while (this.table[i] !== 0) i = (i + 1) & mask;
      this.table[i] = slot;
    }
  }

  private hash(row: number): number {
    const store = this.store!;
    const id = store.scalars[EVENT_ID_COLUMN].ids[row];
    if (id !== PACKED_UUID) return Math.imul(id, 0x9e3779b1) >>> 0;
    let h = 0x811c9dc5;
    const bytes = store.eventIds;
    for (let i = row * 16; i < row * 16 + 16; i++) h = Math.imul(h ^ bytes[i], 0x01000193);
    return h >>> 0;
  }

  private same(a: number, b: number): boolean {
    const store = this.store!;
    const ids = store.scalars[EVENT_ID_COLUMN].ids;
    if (ids[a] !== ids[b]) return false;
    if (ids[a] !== PACKED_UUID) return true;
    const bytes = store.eventIds;
    for (let i = 0; i < 16; i++) if (bytes[a * 16 + i] !== bytes[b * 16 + i]) return false;
    return true;
  }
}
