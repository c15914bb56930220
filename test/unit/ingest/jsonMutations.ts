// Texts for holding a strict JSON reader to JSON.parse: valid samples and seeded one-character
// mutations of them (about half of which are invalid JSON), and seeded mutations of whole
// records. Used by jsonScan.test.ts and by scanRecords.test.ts, which holds both of the fast
// path's record walks to the same.

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

/** What a record mutation puts in besides ALPHABET: pieces of JSON and of CloudTrail records. */
const RECORD_PIECES = [
  'null',
  'true',
  '{}',
  '[]',
  '\\u0065',
  '\\"',
  '"a":1,',
  'EventName',
  '"requestParameters":null,',
  '"userIdentity":[],',
  '"resources":[{"ARN":"x"}],',
  '"eventTime":"2024-05-14T00:00:00Z",',
];

/**
 * `count` mutations of the texts (1 to 3 each): a piece replaced, inserted or removed, a letter's
 * case flipped, a short run repeated (duplicated keys, repeated values), seeded as above.
 */
export function recordMutations(texts: readonly string[], count: number, seed: number): string[] {
  const next = random(seed);
  const pick = <T>(a: readonly T[]): T => a[Math.floor(next() * a.length)];
  const out: string[] = [];
  for (let n = 0; n < count; n++) {
    let t = texts[n % texts.length];
    for (let k = 1 + Math.floor(next() * 3); k > 0; k--) {
      const at = Math.floor(next() * t.length);
      const op = next();
      const piece = next() < 0.5 ? pick(ALPHABET) : pick(RECORD_PIECES);
      if (op < 0.3) t = t.slice(0, at) + piece + t.slice(at + 1);
      else if (op < 0.55) t = t.slice(0, at) + piece + t.slice(at);
      else if (op < 0.7) t = t.slice(0, at) + t.slice(at + 1 + Math.floor(next() * 5));
      else if (op < 0.85) {
        const c = t[at];
        t =
          t.slice(0, at) +
          (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase()) +
          t.slice(at + 1);
      } else t = t.slice(0, at) + t.slice(at, at + Math.floor(next() * 40)) + t.slice(at);
    }
    out.push(t);
  }
  return out;
}
