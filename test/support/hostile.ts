// The hostile fixture (test/fixtures/hostile/): its folder, and its records read from the files
// themselves, so tests count what the fixture holds instead of repeating numbers by hand.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const HOSTILE_FOLDER = join(__dirname, '..', 'fixtures', 'hostile');
export const HOSTILE_LOGS = join(
  HOSTILE_FOLDER,
  'AWSLogs',
  '111122223333',
  'CloudTrail',
  'us-east-1',
  '2024',
  '05',
  '14',
);

/** The output-side file: one compact record per line, written with tokens a re-serialisation would change. */
export const OUTPUT_FIXTURE = join(
  HOSTILE_LOGS,
  '111122223333_CloudTrail_us-east-1_20240514T1020Z_output0001.json',
);

/** Records nested deeper than this are left out of a load and reported (src/core/ingest/jsonScan.ts MAX_JSON_DEPTH). */
export const RECORD_DEPTH_LIMIT = 512;

/** Every record of every log file of the fixture, the ones nested too deep to load included. */
export function allHostileRecords(): Record<string, unknown>[] {
  return readdirSync(HOSTILE_LOGS)
    .filter((n) => n.endsWith('.json'))
    .sort()
    .flatMap(
      (n) =>
        (
          JSON.parse(readFileSync(join(HOSTILE_LOGS, n), 'utf8')) as {
            Records: Record<string, unknown>[];
          }
        ).Records,
    );
}

/** The fixture's records that load: all but those nested deeper than RECORD_DEPTH_LIMIT. */
export function hostileRecords(): Record<string, unknown>[] {
  return allHostileRecords().filter((r) => nestingDepth(r) <= RECORD_DEPTH_LIMIT);
}

/** How deep a parsed value nests (an object or array is level 1), counted without recursion. */
export function nestingDepth(value: unknown): number {
  let max = 0;
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length) {
    const [v, depth] = stack.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    max = Math.max(max, depth);
    for (const child of Object.values(v)) stack.push([child, depth + 1]);
  }
  return max;
}

/** The output fixture's records as their exact bytes in the file (each line between `{"Records":[` and `]}`, without its comma). */
export function outputFixtureRecordBytes(): Buffer[] {
  const file = readFileSync(OUTPUT_FIXTURE);
  const lines: Buffer[] = [];
  for (let at = 0; at < file.length;) {
    const end = file.indexOf(0x0a, at);
    lines.push(file.subarray(at, end < 0 ? file.length : end));
    at = end < 0 ? file.length : end + 1;
  }
  const last = lines.findIndex((l) => l.toString() === ']}');
  return lines
    .slice(1, last)
    .map((l) => (l[l.length - 1] === 0x2c ? l.subarray(0, l.length - 1) : l));
}

/** `text` written in Unicode tag characters (U+E0000 + each ASCII code): invisible in most fonts ("ASCII smuggling"). */
export function tagCharacters(text: string): string {
  return [...text].map((c) => String.fromCodePoint(0xe0000 + c.charCodeAt(0))).join('');
}
