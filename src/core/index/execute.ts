// Running a query AST over the index. Terms whose fields are all indexed columns are answered
// from the columns: `valueMatcher` (the one definition of value semantics) is applied once per
// distinct value in the column's dictionary, then the Uint32 id column is scanned against that
// small table. eventTime comparisons binary-search the time order. Everything else — terms on
// other paths, bare text, rows whose value could not be dictionary-encoded — is answered by
// `matchesRecord` on the raw records, read again from the files in the workers, and only for
// rows that the indexed parts of an AND have not already ruled out.
import type { QueryNode, TermNode } from '../query/ast';
import { AnnotationValues, annotationValue, valueMatcher } from '../query/match';
import { AnnotationField, isAnnotationField } from '../query/fields';
import { IRREGULAR, PACKED_UUID, TIME_FIELD, valueOfPrimitive, type Primitive } from './schema';
import { formatEventTime } from '../time';
import type { ColumnStore, IdArray } from './columnStore';

export interface ExecutionContext {
  store: ColumnStore;
  /** Row ids in ascending time order (rows without a valid time last). */
  order(): Uint32Array;
  /** Each row's position in order(). */
  rank(): Uint32Array;
  /** Per-evaluation memo of simpleTests. */
  simple?: Map<TermNode, RowTest[] | undefined>;
  /** What the case file says about annotated rows (the fields starred / tag / note); other rows have no annotation. */
  annotations?: ReadonlyMap<number, AnnotationValues>;
  /** matchesRecord(node) on the raw records of `rows`; a 0/1 answer per row, in order. */
  matchRaw(node: QueryNode, rows: Uint32Array, signal?: AbortSignal): Promise<Uint8Array>;
}

/** True when the node is answered from the columns alone (up to irregular rows). */
export function isIndexed(node: QueryNode, store: ColumnStore): boolean {
  switch (node.kind) {
    case 'all':
      return true;
    case 'text':
      return false;
    case 'not':
      return isIndexed(node.child, store);
    case 'and':
    case 'or':
      return node.children.every((c) => isIndexed(c, store));
    case 'term':
      return (
        node.fields.length > 0 &&
        node.fields.every(
          (f) =>
            f === TIME_FIELD ||
            store.scalarByField.has(f) ||
            store.resourceByField.has(f) ||
            store.derived.has(f) ||
            isAnnotationField(f),
        )
      );
  }
}

/** The set of rows matching `node`, as a 0/1 mask over all rows. */
export async function evaluate(
  ctx: ExecutionContext,
  node: QueryNode,
  signal?: AbortSignal,
): Promise<Uint8Array> {
  return evalNode({ ...ctx, simple: new Map() }, node, null, signal);
}

/**
 * `restrict`, when given, marks the only rows the caller will look at: rows outside it may be
 * answered arbitrarily, which lets raw-record evaluation skip them.
 */
async function evalNode(
  ctx: ExecutionContext,
  node: QueryNode,
  restrict: Uint8Array | null,
  signal?: AbortSignal,
): Promise<Uint8Array> {
  const n = ctx.store.size;
  if (node.kind !== 'term' && node.kind !== 'all') {
    const compiled = compileSimple(ctx, node);
    if (compiled) return compiled(restrict);
  }
  switch (node.kind) {
    case 'all':
      return new Uint8Array(n).fill(1);
    case 'and': {
      // Terms that the columns answer without exceptions run together in one pass over the
      // rows; then the other indexed children, then those needing raw records, each only on
      // the rows that survived.
      const simple: TermNode[] = [];
      const rest: QueryNode[] = [];
      for (const child of node.children) {
        if (child.kind === 'term' && simpleTests(ctx, child)) simple.push(child);
        else rest.push(child);
      }
      const children = rest.sort(
        (a, b) => Number(isIndexed(b, ctx.store)) - Number(isIndexed(a, ctx.store)),
      );
      let acc: Uint8Array | null = simple.length ? fusedAnd(ctx, simple, restrict) : null;
      for (const child of children) {
        const m: Uint8Array = await evalNode(
          ctx,
          child,
          acc ? intersect(acc, restrict) : restrict,
          signal,
        );
        acc = acc ? andInto(acc, m) : m;
      }
      return acc ?? new Uint8Array(n).fill(1);
    }
    case 'or': {
      const children = [...node.children].sort(
        (a, b) => Number(isIndexed(b, ctx.store)) - Number(isIndexed(a, ctx.store)),
      );
      let acc: Uint8Array | null = null;
      for (const child of children) {
        // Rows already matched need no further evaluation.
        const open = acc ? subtract(restrict, acc, n) : restrict;
        const m: Uint8Array = await evalNode(ctx, child, open, signal);
        acc = acc ? orInto(acc, m) : m;
      }
      return acc ?? new Uint8Array(n);
    }
    case 'not': {
      const m = await evalNode(ctx, node.child, restrict, signal);
      for (let i = 0; i < n; i++) m[i] = m[i] ^ 1;
      return m;
    }
    case 'text':
      return rawMask(ctx, node, restrict, null, signal);
    case 'term':
      return evalTerm(ctx, node, restrict, signal);
  }
}

/** One way a row can satisfy a term: its id in a column maps to 1 in the table, or its time
 * rank falls in [from, to). */
export type RowTest = { ids: IdArray; table: Uint8Array } | { from: number; to: number };

/** The tests of a term the columns answer exactly for every row, or undefined. */
function simpleTests(ctx: ExecutionContext, term: TermNode): RowTest[] | undefined {
  if (ctx.simple?.has(term)) return ctx.simple.get(term);
  const tests = computeSimpleTests(ctx, term);
  ctx.simple?.set(term, tests);
  return tests;
}

function computeSimpleTests(ctx: ExecutionContext, term: TermNode): RowTest[] | undefined {
  const store = ctx.store;
  if (term.fields.length === 0) return undefined;
  // A derived column is computed, never read from a record: irregular records do not touch it.
  if (store.rowIrregular.length > 0 && !term.fields.every((f) => store.derived.has(f)))
    return undefined;
  const tests: RowTest[] = [];
  for (const field of term.fields) {
    const matcher = valueMatcher(field, term.match);
    const derived = store.derived.get(field);
    if (derived) {
      tests.push({ ids: derived.ids, table: derivedTable(derived.values, matcher) });
      continue;
    }
    if (field === TIME_FIELD) {
      const op = term.match.op;
      if (
        store.timeIrregular.length > 0 ||
        !(op === 'lt' || op === 'le' || op === 'gt' || op === 'ge')
      )
        return undefined;
      tests.push(timeRange(ctx, op, matcher));
      continue;
    }
    const col = store.scalarByField.get(field);
    if (!col || col.irregular.length > 0 || field === 'eventID') return undefined;
    tests.push({ ids: col.ids, table: dictTable(col.dict.values, matcher) });
  }
  return tests;
}

/**
 * A tree of simple terms (see simpleTests) compiled into one loop over the rows: the whole
 * condition is evaluated per row with no intermediate masks. The generated code refers only to
 * numbered arrays and numbers, never to query text.
 */
function compileSimple(
  ctx: ExecutionContext,
  node: QueryNode,
): ((restrict: Uint8Array | null) => Uint8Array) | undefined {
  const tables: Uint8Array[] = [];
  const ids: IdArray[] = [];
  const bounds: number[] = [];
  let usesRank = false;
  const expr = (n: QueryNode): string | undefined => {
    switch (n.kind) {
      case 'all':
        return 'true';
      case 'text':
        return undefined;
      case 'not': {
        const e = expr(n.child);
        return e === undefined ? undefined : `!(${e})`;
      }
      case 'and':
      case 'or': {
        if (n.children.length === 0) return n.kind === 'and' ? 'true' : 'false';
        const parts = n.children.map(expr);
        if (parts.some((p) => p === undefined)) return undefined;
        return `(${parts.join(n.kind === 'and' ? ' && ' : ' || ')})`;
      }
      case 'term': {
        const tests = simpleTests(ctx, n);
        if (!tests) return undefined;
        return `(${tests
          .map((t) => {
            if ('ids' in t) {
              tables.push(t.table);
              ids.push(t.ids);
              return `t${tables.length - 1}[i${ids.length - 1}[r]] === 1`;
            }
            usesRank = true;
            bounds.push(t.from, t.to);
            return `(rank[r] >= b[${bounds.length - 2}] && rank[r] < b[${bounds.length - 1}])`;
          })
          .join(' || ')})`;
      }
    }
  };
  const e = expr(node);
  if (e === undefined) return undefined;
  const locals = tables.map((_, k) => `const t${k} = tables[${k}], i${k} = ids[${k}];`).join('\n');
  // The ids' widths are part of the body, so that each compiled loop reads one kind of array per
  // column (a monomorphic access; see ColumnStore's IdArray).
  const widths = ids.map((a) => a.BYTES_PER_ELEMENT).join('');
  const body = `// widths ${widths}
    ${locals}
    const mask = new Uint8Array(n);
    if (restrict === null) { for (let r = 0; r < n; r++) if (${e}) mask[r] = 1; }
    else { for (let r = 0; r < n; r++) if (restrict[r] === 1 && ${e}) mask[r] = 1; }
    return mask;`;
  // Compiled once per query shape, so a repeated or refined query runs optimised code.
  let loop = compiledLoops.get(body);
  if (!loop) {
    loop = new Function('tables', 'ids', 'rank', 'b', 'n', 'restrict', body) as CompiledLoop;
    if (compiledLoops.size > 200) compiledLoops.clear();
    compiledLoops.set(body, loop);
  }
  const rank = usesRank ? ctx.rank() : null;
  const run = loop;
  return (restrict) => run(tables, ids, rank, Float64Array.from(bounds), ctx.store.size, restrict);
}

type CompiledLoop = (
  t: Uint8Array[],
  i: IdArray[],
  rank: Uint32Array | null,
  bounds: Float64Array,
  n: number,
  restrict: Uint8Array | null,
) => Uint8Array;
const compiledLoops = new Map<string, CompiledLoop>();

function fusedAnd(
  ctx: ExecutionContext,
  terms: TermNode[],
  restrict: Uint8Array | null,
): Uint8Array {
  return compileSimple(ctx, { kind: 'and', children: terms })!(restrict);
}

async function evalTerm(
  ctx: ExecutionContext,
  term: TermNode,
  restrict: Uint8Array | null,
  signal?: AbortSignal,
): Promise<Uint8Array> {
  const store = ctx.store;
  if (!isIndexed(term, store)) return rawMask(ctx, term, restrict, null, signal);
  const n = store.size;
  const mask = new Uint8Array(n);
  // Annotations are not in the record, and derived columns (origin) are answered whole: no row needs reading for them.
  const rawRows: number[] = term.fields.every((f) => store.derived.has(f) || isAnnotationField(f))
    ? []
    : [...store.rowIrregular];
  for (const field of term.fields) {
    const matcher = valueMatcher(field, term.match);
    if (isAnnotationField(field)) {
      annotationMask(ctx, field, matcher, mask);
      continue;
    }
    const derived = store.derived.get(field);
    if (derived) {
      const table = derivedTable(derived.values, matcher);
      const ids = derived.ids; // rows past its end (appended since it was made) have no value
      const end = Math.min(n, ids.length);
      for (let r = 0; r < end; r++) if (table[ids[r]] === 1) mask[r] = 1;
      continue;
    }
    if (field === TIME_FIELD) {
      timeMask(ctx, term.match.op, matcher, mask);
      for (const r of store.timeIrregular) rawRows.push(r);
      continue;
    }
    const scalar = store.scalarByField.get(field);
    if (scalar) {
      const table = dictTable(scalar.dict.values, matcher);
      const ids = scalar.ids;
      for (let r = 0; r < n; r++) if (table[ids[r]] === 1) mask[r] = 1;
      if (field === 'eventID')
        for (let r = 0; r < n; r++)
          if (ids[r] === PACKED_UUID && matcher(store.packedEventId(r))) mask[r] = 1;
      for (const r of scalar.irregular) rawRows.push(r);
      continue;
    }
    const res = store.resourceByField.get(field)!;
    const table = dictTable(res.dict.values, matcher);
    const start = store.resourceStart;
    const ids = res.ids;
    for (let r = 0; r < n; r++) {
      for (let i = start[r], end = start[r + 1]; i < end; i++) {
        const id = ids[i];
        if (id === IRREGULAR) rawRows.push(r);
        else if (table[id] === 1) {
          mask[r] = 1;
          break;
        }
      }
    }
    for (const r of store.resourceIrregular) rawRows.push(r);
  }
  if (rawRows.length > 0) {
    const rows = Uint32Array.from(new Set(rawRows)).sort();
    for (const r of rows) mask[r] = 0;
    await rawMask(ctx, term, restrict, rows, signal, mask);
  }
  return mask;
}

/** A term on an annotation field (starred / tag / note) over the rows, ORed into `mask`. */
function annotationMask(
  ctx: ExecutionContext,
  field: AnnotationField,
  matcher: (v: unknown) => boolean,
  mask: Uint8Array,
): void {
  const n = ctx.store.size;
  const annotated = ctx.annotations ?? new Map<number, AnnotationValues>();
  // Every row without an annotation has the same value: tested once, then the few annotated rows.
  if (matcher(annotationValue(field, undefined)))
    for (let r = 0; r < n; r++) if (!annotated.has(r)) mask[r] = 1;
  for (const [r, a] of annotated) if (r < n && matcher(annotationValue(field, a))) mask[r] = 1;
}

/** matcher over each dictionary entry. Entry 0 (absent) never matches: a missing field has no
 * value to test (matchesRecord tests the values found at a path, and finds none). */
function dictTable(values: readonly unknown[], matcher: (v: unknown) => boolean): Uint8Array {
  const t = new Uint8Array(values.length);
  // A number kept as written is tested as the record's JSON.parse reads it (matchesRecord's value).
  for (let i = 1; i < values.length; i++)
    t[i] = matcher(valueOfPrimitive(values[i] as Primitive)) ? 1 : 0;
  return t;
}

/**
 * matcher over each entry of a derived column (entry 0 included: it is a value, not "absent"),
 * true when one of its texts matches, as matchesRecord tests the texts it is given.
 */
function derivedTable(
  values: readonly (readonly string[])[],
  matcher: (v: unknown) => boolean,
): Uint8Array {
  const t = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) t[i] = values[i].some((v) => matcher(v)) ? 1 : 0;
  return t;
}

/**
 * eventTime over the time order. A comparison (lt/le/gt/ge) is monotone in time, so a binary
 * search finds where it flips; other operators are tested once per distinct time. Rows with a
 * non-canonical eventTime are left to raw evaluation by the caller.
 */
function timeMask(
  ctx: ExecutionContext,
  op: TermNode['match']['op'],
  matcher: (v: unknown) => boolean,
  mask: Uint8Array,
): void {
  const order = ctx.order();
  const times = ctx.store.times;
  if (op === 'lt' || op === 'le' || op === 'gt' || op === 'ge') {
    const { from, to } = timeRange(ctx, op, matcher);
    for (let i = from; i < to; i++) mask[order[i]] = 1;
    return;
  }
  const finite = finiteCount(order, times);
  let lastTime = NaN;
  let last = false;
  for (let i = 0; i < finite; i++) {
    const t = times[order[i]];
    if (t !== lastTime) {
      lastTime = t;
      last = matcher(formatEventTime(t));
    }
    if (last) mask[order[i]] = 1;
  }
}

function finiteCount(order: Uint32Array, times: Float64Array): number {
  let finite = order.length;
  while (finite > 0 && !Number.isFinite(times[order[finite - 1]])) finite--;
  return finite;
}

/** The positions [from, to) in the time order where a time comparison holds. */
function timeRange(
  ctx: ExecutionContext,
  op: 'lt' | 'le' | 'gt' | 'ge',
  matcher: (v: unknown) => boolean,
): { from: number; to: number } {
  const order = ctx.order();
  const times = ctx.store.times;
  const finite = finiteCount(order, times);
  const test = (i: number) => matcher(formatEventTime(times[order[i]]));
  const upward = op === 'gt' || op === 'ge'; // false…false true…true
  // First index where test(i) === upward (the flip), in [0, finite].
  let lo = 0;
  let hi = finite;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (test(mid) === upward) hi = mid;
    else lo = mid + 1;
  }
  return upward ? { from: lo, to: finite } : { from: 0, to: lo };
}

async function rawMask(
  ctx: ExecutionContext,
  node: QueryNode,
  restrict: Uint8Array | null,
  only: Uint32Array | null,
  signal?: AbortSignal,
  into?: Uint8Array,
): Promise<Uint8Array> {
  const n = ctx.store.size;
  const mask = into ?? new Uint8Array(n);
  let rows: Uint32Array;
  if (only) rows = restrict ? only.filter((r) => restrict[r] === 1) : only;
  else if (restrict) {
    let count = 0;
    for (let r = 0; r < n; r++) count += restrict[r];
    rows = new Uint32Array(count);
    for (let r = 0, j = 0; r < n; r++) if (restrict[r] === 1) rows[j++] = r;
  } else {
    rows = new Uint32Array(n);
    for (let r = 0; r < n; r++) rows[r] = r;
  }
  if (rows.length === 0) return mask;
  const answers = await ctx.matchRaw(node, rows, signal);
  for (let i = 0; i < rows.length; i++) if (answers[i] === 1) mask[rows[i]] = 1;
  return mask;
}

function intersect(a: Uint8Array, b: Uint8Array | null): Uint8Array {
  if (!b) return a;
  const out = new Uint8Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i] & b[i];
  return out;
}

function andInto(acc: Uint8Array, m: Uint8Array): Uint8Array {
  for (let i = 0; i < acc.length; i++) acc[i] &= m[i];
  return acc;
}

function orInto(acc: Uint8Array, m: Uint8Array): Uint8Array {
  for (let i = 0; i < acc.length; i++) acc[i] |= m[i];
  return acc;
}

function subtract(restrict: Uint8Array | null, matched: Uint8Array, n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (restrict ? restrict[i] : 1) & (matched[i] ^ 1);
  return out;
}
