// The same event loaded twice (a log present as .json and .json.gz, overlapping downloads, a
// lookup-events export beside the delivered logs) is shown once. CloudTrail gives every event
// a unique eventID, so two rows with one eventID are candidates; they are copies only when the
// records are equal (load.ts compares them), because log content is attacker-controlled: a
// forged record reusing a real eventID must never hide the real one.
//
// Rows are found by eventID in an open-addressing table of row ids (4 bytes a slot, 1⅓ to 2⅔ slots per event), keyed
// by the packed UUID bytes or the eventID's dictionary id (see ColumnStore).
import { ABSENT, EVENT_ID_COLUMN, IRREGULAR, PACKED_UUID } from './schema';
import type { ColumnStore } from './columnStore';

/** The table and what comparing found, as a snapshot of the index saves it. */
export interface DuplicateState {
  table: Uint32Array;
  used: number;
  /** First row with an eventID → the rows shown with it, when several were seen. */
  shown: [number, number[]][];
  hidden: Uint32Array;
}

/**
 * Whether a table of `slots` slots may hold `used` eventIDs: at most three quarters full (half
 * full took 128 MB at 10,000,000 events instead of 64). A saved table is checked by it too.
 */
export function tableHolds(used: number, slots: number): boolean {
  return used * 4 <= slots * 3;
}

export class DuplicateRows {
  /** row + 1 of the first row with each eventID; 0 is empty. */
  private table: Uint32Array = new Uint32Array(1 << 12);
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
    // Grown once per file, not checked per row.
    let size = this.table.length;
    while (!tableHolds(this.used + count, size)) size *= 2;
    if (size > this.table.length) this.rehash(size);
    const ids = store.scalars[EVENT_ID_COLUMN].ids;
    const bytes = store.eventIds;
    const table = this.table;
    const mask = table.length - 1;
    // The loop of insert(), written out: this runs for every event loaded.
    for (let r = first; r < first + count; r++) {
      const id = ids[r];
      if (id === ABSENT || id === IRREGULAR) continue;
      for (
        let i = (id === PACKED_UUID ? uuidHash(bytes, r * 16) : idHash(id)) & mask;
        ;
        i = (i + 1) & mask
      ) {
        const slot = table[i];
        if (slot === 0) {
          table[i] = r + 1;
          this.used++;
          break;
        }
        if (ids[slot - 1] === id && this.same(slot - 1, r)) {
          this.candidates.push([r, slot - 1]);
          break;
        }
      }
    }
  }

  /** Rows registered but not yet compared (a snapshot is only taken when there are none). */
  get pending(): number {
    return this.candidates.length;
  }

  state(): DuplicateState {
    return {
      table: this.table,
      used: this.used,
      shown: [...this.shown],
      hidden: Uint32Array.from(this.hidden),
    };
  }

  /** Takes a saved state whole (an empty table, the rows of `store` already restored). */
  restore(store: ColumnStore, s: DuplicateState): void {
    if (this.used !== 0) throw new Error('restore needs an empty table');
    const size = s.table.length;
    if (size < 2 || (size & (size - 1)) !== 0 || !tableHolds(s.used, size))
      throw new Error('duplicate table size');
    this.store = store;
    this.table = s.table;
    this.used = s.used;
    for (const [first, rows] of s.shown) this.shown.set(first, rows);
    for (let i = 0; i < s.hidden.length; i++) this.hidden.add(s.hidden[i]);
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

  private rehash(size: number): void {
    const old = this.table;
    this.table = new Uint32Array(size);
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
    return id === PACKED_UUID ? uuidHash(store.eventIds, row * 16) : idHash(id);
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

function idHash(id: number): number {
  return Math.imul(id, 0x9e3779b1);
}

/** A UUID's bytes are (mostly) random: four of them, mixed, spread the rows evenly. */
function uuidHash(b: Uint8Array, o: number): number {
  return (
    Math.imul(b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24), 0x9e3779b1) ^
    (b[o + 12] | (b[o + 13] << 8))
  );
}
