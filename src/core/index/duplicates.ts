// The same event loaded twice (a log present as .json and .json.gz, overlapping downloads, a
// lookup-events export beside the delivered logs) is shown once. CloudTrail gives every event
// a unique eventID, so two rows with one eventID are candidates; they are copies only when the
// records are equal (load.ts compares them), because log content is attacker-controlled: a
// forged record reusing a real eventID must never hide the real one.
//
// Rows are found by eventID in an open-addressing table, keyed by the packed UUID bytes or the
// eventID's dictionary id (see ColumnStore). A slot is two numbers side by side: the row (+ 1)
// and the eventID's hash, so that a probe compares hashes in the table's own cache line and only
// reads a row's eventID when they are equal, and growing the table reads no row at all (8 bytes a
// slot, 1⅓ to 2⅔ slots per event). At a million events, a probe that read each row it passed
// cost a cache miss or two: most of the time the main thread spent appending.
import { ABSENT, EVENT_ID_COLUMN, IRREGULAR, PACKED_UUID } from './schema';
import type { ColumnStore } from './columnStore';

/** The table and what comparing found, as a snapshot of the index saves it. */
export interface DuplicateState {
  /** [row + 1, hash] per slot. */
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

/** Whether a saved table has a table's shape: a power of two of slots that may hold `used`. */
export function validTable(table: Uint32Array, used: number): boolean {
  const slots = table.length / 2;
  return slots >= 2 && (slots & (slots - 1)) === 0 && tableHolds(used, slots);
}

export class DuplicateRows {
  /** Per slot: row + 1 of the first row with an eventID (0: empty), then that eventID's hash. */
  private table: Uint32Array = new Uint32Array(2 << 12);
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
    let slots = this.table.length / 2;
    while (!tableHolds(this.used + count, slots)) slots *= 2;
    if (slots > this.table.length / 2) this.rehash(slots);
    const ids = store.scalars[EVENT_ID_COLUMN].ids;
    const bytes = store.eventIds;
    const table = this.table;
    const mask = slots - 1;
    // The loop of insert(), written out: this runs for every event loaded.
    for (let r = first; r < first + count; r++) {
      const id = ids[r];
      if (id === ABSENT || id === IRREGULAR) continue;
      const hash = (id === PACKED_UUID ? uuidHash(bytes, r * 16) : idHash(id)) >>> 0;
      for (let i = hash & mask; ; i = (i + 1) & mask) {
        const slot = table[2 * i];
        if (slot === 0) {
          table[2 * i] = r + 1;
          table[2 * i + 1] = hash;
          this.used++;
          break;
        }
        if (table[2 * i + 1] === hash && this.same(slot - 1, r)) {
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
    if (!validTable(s.table, s.used)) throw new Error('duplicate table size');
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

  private rehash(slots: number): void {
    const old = this.table;
    const table = (this.table = new Uint32Array(2 * slots));
    const mask = slots - 1;
    for (let k = 0; k < old.length; k += 2) {
      if (old[k] === 0) continue;
      let i = old[k + 1] & mask;
      while (table[2 * i] !== 0) i = (i + 1) & mask;
      table[2 * i] = old[k];
      table[2 * i + 1] = old[k + 1];
    }
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
