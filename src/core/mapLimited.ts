// The one pool of asynchronous work in the core: listings of a source, downloads, log files read
// and indexed, digest chains walked. Each used to write its own lanes around a shared counter.

export interface MapLimitedOptions {
  /** Asked before each item is taken: true takes no more (items not taken are not mapped). */
  stop?: () => boolean;
}

/**
 * Maps `items` with at most `limit` calls of `fn` in flight, results in the input order.
 *
 * `items` is an array, read as it grows (items pushed while the pool runs are mapped too), or an
 * async iterable pulled one item at a time (a listing still going on: a worker waits for its next
 * item). Once a call rejects, no further item is taken and the promise rejects with that error.
 */
export async function mapLimited<T, R>(
  items: readonly T[] | AsyncIterable<T>,
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
  options: MapLimitedOptions = {},
): Promise<R[]> {
  const results: R[] = [];
  let next = 0;
  let failed = false;
  const list = Symbol.asyncIterator in items ? undefined : (items as readonly T[]);
  let pull: (() => Promise<IteratorResult<T, unknown>>) | undefined;
  if (!list) {
    const it = (items as AsyncIterable<T>)[Symbol.asyncIterator]();
    // One pull at a time: an async iterator need not support overlapping next() calls.
    let pulled: Promise<unknown> = Promise.resolve();
    pull = () => {
      const p = pulled.then(() => it.next());
      pulled = p.catch(() => undefined);
      return p;
    };
  }
  const worker = async (): Promise<void> => {
    for (;;) {
      if (failed || options.stop?.()) return;
      let item: T;
      if (list) {
        if (next >= list.length) return;
        item = list[next];
      } else {
        const r = await pull!();
        if (r.done || failed) return;
        item = r.value;
      }
      const i = next++;
      try {
        results[i] = await fn(item, i);
      } catch (e) {
        failed = true;
        throw e;
      }
    }
  };
  const workers = list ? Math.min(limit, list.length) : limit;
  await Promise.all(Array.from({ length: Math.max(1, workers) }, worker));
  return results;
}
