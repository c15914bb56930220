// Dictionary encoding of a column: each distinct value once, rows hold Uint32 ids. Id 0 is the
// absent value (undefined). Values keep their JSON type: "true" and true are different entries.
import type { Primitive } from './schema';

export class Dictionary {
  readonly values: Primitive[];
  /** value → id; built on first use for a dictionary restored from a snapshot (most are only read). */
  private ids: Map<Primitive, number> | undefined;

  /** `values` in id order, values[0] the absent value (a restored dictionary; each value once). */
  constructor(values: Primitive[] = [undefined]) {
    this.values = values;
    if (values.length <= 1) this.ids = new Map();
  }

  get size(): number {
    return this.values.length;
  }

  idOf(v: Primitive): number {
    if (v === undefined) return 0;
    const ids = (this.ids ??= this.lookup());
    let id = ids.get(v);
    if (id === undefined) {
      id = this.values.length;
      this.values.push(v);
      ids.set(v, id);
    }
    return id;
  }

  /** The id of a value already present, or -1. */
  find(v: Primitive): number {
    if (v === undefined) return 0;
    return (this.ids ??= this.lookup()).get(v) ?? -1;
  }

  private lookup(): Map<Primitive, number> {
    const ids = new Map<Primitive, number>();
    for (let id = 1; id < this.values.length; id++) ids.set(this.values[id], id);
    return ids;
  }
}
