// Texts for holding a strict JSON reader to JSON.parse: valid samples and seeded one-character
// mutations of them (about half of which are invalid JSON). Used by jsonScan.test.ts and by
// scanRecords.test.ts, which holds both of the fast path's record walks to the same.

/** A small seeded generator (mulberry32), so a failure names a reproducible case. */
function random(seed: number): () => number {
  return () => {
    seed |= 0;
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const SAMPLES = [
  '{"Records":[{"eventVersion":"1.08","eventTime":"2024-05-14T10:00:00Z","requestParameters":{"policy":"{\\"Version\\":\\"2012-10-17\\"}","n":-12.5e+3,"ok":true,"none":null,"list":[1,0,-0,0.25,1E9,"\\u00e9\\n\\t\\\\\\/"]},"resources":[]}]}',
  '[ {"a" : [ ] , "b" : { } } , "x\\"y" , 0 , false ]',
  '{\n  "Records": [\n    {\n      "eventName": "DeleteTrail",\n      "tags": {"k": "v"}\n    }\n  ]\n}\n',
];
/** The characters a mutation puts in: JSON's structure, escapes, number parts, a control character. */
export const ALPHABET = [
  '{',
  '}',
  '[',
  ']',
  ',',
  ':',
  '"',
  '\\',
  'u',
  '0',
  '1',
  '.',
  '-',
  'e',
  '+',
  't',
  'n',
  ' ',
  '\n',
  '\t',
  '\u0001',
  'x',
  "'",
];

/**
 * `count` one-character mutations of the samples (a character replaced, inserted or removed),
 * the same for the same seed, so a failure names a reproducible case.
 */
export function mutations(count: number, seed: number): string[] {
  const next = random(seed);
  const out: string[] = [];
  for (let n = 0; n < count; n++) {
    const sample = SAMPLES[n % SAMPLES.length];
    const at = Math.floor(next() * sample.length);
    const op = next();
    const ch = ALPHABET[Math.floor(next() * ALPHABET.length)];
    out.push(
      op < 0.4
        ? sample.slice(0, at) + ch + sample.slice(at + 1)
        : op < 0.7
          ? sample.slice(0, at) + ch + sample.slice(at)
          : sample.slice(0, at) + sample.slice(at + 1),
    );
  }
  return out;
}

/** Whether JSON.parse reads the text. */
export function parseAccepts(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
