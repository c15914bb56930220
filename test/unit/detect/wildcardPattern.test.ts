// Sigma's wildcard values (`*`, `?`) as WildcardPattern tests them: the same answers as the
// one-RegExp form `^….*….$` they replace, and no backtracking over a long hostile value.
import { strict as assert } from 'node:assert';
import { parsePattern, WildcardPattern } from '../../../src/core/detect/values';

/** The reference: the whole pattern as one anchored RegExp (what the engine used before). */
function reference(pattern: string, cased: boolean): RegExp {
  const body = parsePattern(pattern)
    .map((t) =>
      t === 0 ? '.*' : t === 1 ? '.' : (t as string).replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'),
    )
    .join('');
  return new RegExp(`^${body}$`, cased ? 'su' : 'isu');
}

/** A seeded generator (mulberry32), so that a failure names a case that can be run again. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Letters in both cases, a letter whose cases differ in UTF-16 form (Σσς, K and the Kelvin sign),
// an astral character (two UTF-16 units for one `?`), a line break (which `?` and `*` match).
const ALPHABET = ['a', 'b', 'A', 'B', 'σ', 'Σ', 'ς', 'k', '\u212a', '😀', '\n', '.', '\\'];
const PATTERN_EXTRAS = ['*', '?', '\\*', '\\?'];

describe('WildcardPattern (Sigma wildcards without backtracking)', () => {
  it('agrees with the one-RegExp form on 20,000 seeded patterns and values, cased and not', () => {
    const next = random(7);
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)];
    const text = (n: number, extras: string[]) =>
      Array.from({ length: n }, () => pick([...ALPHABET, ...extras])).join('');
    for (let i = 0; i < 20_000; i++) {
      const pattern = text(Math.floor(next() * 7), PATTERN_EXTRAS);
      const cased = next() < 0.3;
      const p = new WildcardPattern(parsePattern(pattern), cased);
      const re = reference(pattern, cased);
      // Values made from the pattern's own letters match often; random ones mostly do not.
      const values = [text(Math.floor(next() * 9), []), pattern.replace(/[*?\\]/g, ''), ''];
      for (const v of values)
        assert.equal(
          p.test(v),
          re.test(v),
          `pattern ${JSON.stringify(pattern)} (${cased ? 'cased' : 'any case'}) on ${JSON.stringify(v)}`,
        );
    }
  });

  it('a long value that almost matches is decided without backtracking (contains a*b*c over 300 KB)', () => {
    // The one-RegExp form tries every split of the value: minutes here (2.7 s already at 100 KB
    // for two stars). The runs are each placed once, so this is a few passes over the value.
    const hostile = 'a'.repeat(300_000);
    const p = new WildcardPattern(parsePattern('*a*b*c*'), false);
    const started = performance.now();
    assert.equal(p.test(hostile), false);
    assert.equal(p.test(`${hostile}b${hostile}C`), true);
    assert.ok(
      performance.now() - started < 5000,
      'decided in well under the seconds a backtracking match takes',
    );
  });
});
