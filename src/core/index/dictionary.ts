// Dictionary encoding of a column: each distinct value once, rows hold Uint32 ids. Id 0 is the
// absent value (undefined). Values keep their JSON type: "true" and true are different entries.
import type { Primitive } from './schema';

export class Dictionary {
  readonly values: Primitive[] = [undefined];
  private readonly ids = new Map<Primitive, number>();

  get size(): number {
    return this.values.length;
  }

  idOf(v: Primitive): number {
    if (v === undefined) return 0;
    let id = this.ids.get(v);
    if (id === undefined) {
      id = this.values.length;
      this.values.push(v);
      this.ids.set(v, id);
    }
    return id;
  }

  /** The id of a value already present, or -1. */
  find(v: Primitive): number {
    if (v === undefined) return 0;
    return this.ids.get(v) ?? -1;
  }
}
