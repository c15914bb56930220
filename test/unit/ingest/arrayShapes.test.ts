// The arrays that the rules at ingest and the batch's transfer read keep one shape (V8 map)
// whether the code building them runs in the interpreter or optimized: Array.prototype.map gave
// them packed elements in one and holey ones in the other, and the readers were optimized again
// on each (BENCHMARKS.md, "One shape for the arrays hot code reads"). V8's own answer is asked in
// a child process started with --allow-natives-syntax (%HaveSameMap, %OptimizeFunctionOnNextCall).
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

const ROOT = path.join(__dirname, '..', '..', '..');

const SCRIPT = `
const { packedMap } = require(${JSON.stringify(path.join(ROOT, 'src/core/packedMap.ts'))});
const { BATCH_ARRAY_TYPES, batchOf } = require(${JSON.stringify(path.join(ROOT, 'src/core/ingest/batch.ts'))});
const sameMap = new Function('a', 'b', 'return %HaveSameMap(a, b)');
const prepare = new Function('f', '%PrepareFunctionForOptimization(f)');
const optimizeNext = new Function('f', '%OptimizeFunctionOnNextCall(f)');
/** What f(...args) returns, run by the interpreter and then optimized: [before, after]. */
function bothTiers(f, ...args) {
  const before = f(...args);
  prepare(f);
  f(...args);
  f(...args);
  optimizeNext(f);
  return [before, f(...args)];
}
const src = [new Uint32Array(1), new Uint32Array(2), new Uint32Array(3)];
const out = {};
{
  const viaPacked = () => packedMap(src, (x) => x);
  const [a, b] = bothTiers(viaPacked);
  out.packedMap = sameMap(a, b);
}
{
  const arrays = BATCH_ARRAY_TYPES.map((type) => new type(4));
  const rest = { count: 1, shape: 'records', values: [undefined, 'GetObject'], renamed: [] };
  const [a, b] = bothTiers(batchOf, arrays, rest);
  out.scalars = sameMap(a.scalars, b.scalars);
  out.resources = sameMap(a.resources, b.resources);
  out.batch = sameMap(a, b);
}
console.log(JSON.stringify(out));
`;

describe('array shapes that hot code reads', function () {
  this.timeout(60000);
  let shapes: Record<string, boolean>;

  before(() => {
    const r = spawnSync(
      process.execPath,
      ['--allow-natives-syntax', '--require', 'tsx/cjs', '-e', SCRIPT],
      { cwd: ROOT, encoding: 'utf8' },
    );
    assert.equal(r.status, 0, r.stderr);
    shapes = JSON.parse(r.stdout.trim().split('\n').pop()!);
  });

  it('packedMap gives one shape in the interpreter and optimized', () => {
    assert.equal(shapes.packedMap, true);
  });

  it("a batch's scalars and resources lists, and the batch, keep one shape", () => {
    assert.deepEqual(
      { scalars: shapes.scalars, resources: shapes.resources, batch: shapes.batch },
      { scalars: true, resources: true, batch: true },
    );
  });
});
