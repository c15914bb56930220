// Array.prototype.map whose result has one shape. V8 gives map's result packed elements while
// its builtin runs and holey ones once the calling function is optimized (TurboFan inlines
// map), so code reading such arrays meets two maps and is deoptimized and optimized again, at
// up to 100 ms of compiling for a large function (BENCHMARKS.md, "One shape for the arrays hot
// code reads"). For arrays that hot code reads; elsewhere map is fine.
export function packedMap<T, U>(list: readonly T[], f: (x: T, i: number) => U): U[] {
  const out: U[] = [];
  for (let i = 0; i < list.length; i++) out.push(f(list[i], i));
  return out;
}
