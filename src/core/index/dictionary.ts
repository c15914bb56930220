// Dictionary encoding of a column: each distinct value once, rows hold Uint32 ids. Id 0 is the
// absent value (undefined). Values keep their JSON type: "true" and true are different entries,
// and a number kept as written (schema.ts WrittenNumber) is one entry per text: 1E2 and 100 are
// two, as the user sees two.
import { isWrittenNumber, type Primitive } from './schema';

/** A dictionary's values in id order (values[0] the absent value), or how to get them when first needed. */
export type DictionaryValues = Primitive[] | (() => Primitive[]);

export class Dictionary {
  private list: Primitive[] | undefined;
  private load: (() => Primitive[]) | undefined;
  /** value → id; built on first use for a restored dictionary (most are only read). */
  private ids: Map<Primitive, number> | undefined;
  /** A WrittenNumber's text → id (an object is another key each time it is made). */
  private writtenIds = new Map<string, number>();

  /**
   * Empty, or restored from a snapshot (ingest/indexSnapshot.ts): its values in id order, each
   * once, possibly decoded only when first read (a column no view has asked for costs nothing).
   */
  constructor(values: DictionaryValues = [undefined]) {
    if (typeof values === 'function') this.load = values;
    else {
      this.list = values;
      if (values.length <= 1) this.ids = new Map();
    }
  }

  get values(): Primitive[] {
    if (!this.list) {
      this.list = this.load!();
      this.load = undefined;
    }
    return this.list;
  }

  get size(): number {
    return this.values.length;
  }

  idOf(v: Primitive): number {
    if (v === undefined) return 0;
    const ids = (this.ids ??= this.lookup());
    const written = isWrittenNumber(v);
    let id = written ? this.writtenIds.get(v.written) : ids.get(v);
    if (id === undefined) {
      const values = this.values;
      id = values.length;
      if (written) {
        // Kept as a plain object, as a worker message or the index cache gives it back.
        values.push({ written: v.written });
        this.writtenIds.set(v.written, id);
      } else {
        values.push(v);
        ids.set(v, id);
      }
    }
    return id;
  }

  /** The id of a value already present, or -1. */
  find(v: Primitive): number {
    if (v === undefined) return 0;
    const ids = (this.ids ??= this.lookup());
    return (isWrittenNumber(v) ? this.writtenIds.get(v.written) : ids.get(v)) ?? -1;
  }

  private lookup(): Map<Primitive, number> {
    const values = this.values;
    const ids = new Map<Primitive, number>();
    for (let id = 1; id < values.length; id++) {
      const v = values[id];
      if (isWrittenNumber(v)) this.writtenIds.set(v.written, id);
      else ids.set(v, id);
    }
    return ids;
  }
}
