// The origin of one record from the other records of its own document (a log file open in the
// editor), without parsing the whole document: the record that issued a key is found where the
// key is written in the text near a "credentials" key, and only those records are parsed and
// checked. Used by the code lens over userIdentity. Where each key is written is found in one
// pass over the text (documentKeys), kept by the caller for the document's version: looking for
// each key in the whole text, for each lens, took seconds per lens on a planted 40 MB file.
import type { IndexedRecord } from '../records/recordIndex';
import type { CloudTrailRecord } from '../records/types';
import { recordOriginSource } from './recordSource';
import { Origin, resolveOrigin } from './resolve';

/** How far before a key its response's "credentials" key may start (the session token can come first). */
const CREDENTIALS_LOOKBACK = 4096;
/** Keys followed at most (resolution follows 64 hops). */
const MAX_KEYS = 256;

/** A document's text and where each string that could be a temporary key ("ASIA…") is written. */
export interface DocumentKeys {
  text: string;
  /** Each such JSON string (as written, without its quotes) → the offsets where it starts. */
  at: Map<string, number[]>;
}

/** One pass over the text: every JSON string starting "ASIA" without escapes, and where. */
export function documentKeys(text: string): DocumentKeys {
  const at = new Map<string, number[]>();
  const token = /"(ASIA[^"\\]*)"/g;
  for (let m = token.exec(text); m; m = token.exec(text)) {
    const list = at.get(m[1]);
    if (list) list.push(m.index + 1);
    else at.set(m[1], [m.index + 1]);
  }
  return { text, at };
}

export function originInDocument(
  doc: DocumentKeys,
  records: readonly IndexedRecord[],
  target: IndexedRecord,
  parse: (r: IndexedRecord) => CloudTrailRecord | undefined,
): Origin | undefined {
  const first = parse(target);
  if (!first) return undefined;
  const chain: unknown[] = [first];
  // Every record that claims to have issued a key is given to resolution (which follows none when
  // they disagree), and the keys each was called with are followed in turn.
  const seen = new Set<string>();
  const keys: string[] = [];
  const follow = (r: CloudTrailRecord) => {
    const key = temporaryKey(r);
    if (key && !seen.has(key)) {
      seen.add(key);
      keys.push(key);
    }
  };
  follow(first);
  for (let k = 0; k < keys.length && seen.size <= MAX_KEYS; k++) {
    for (const issuing of findIssuing(doc, records, keys[k], parse)) {
      chain.push(issuing);
      follow(issuing);
    }
  }
  return resolveOrigin(recordOriginSource(chain), 0);
}

function temporaryKey(r: CloudTrailRecord): string | undefined {
  const k = (r.userIdentity as { accessKeyId?: unknown } | undefined)?.accessKeyId;
  return typeof k === 'string' && k.startsWith('ASIA') ? k : undefined;
}

function findIssuing(
  { text, at: written }: DocumentKeys,
  records: readonly IndexedRecord[],
  key: string,
  parse: (r: IndexedRecord) => CloudTrailRecord | undefined,
): CloudTrailRecord[] {
  const found: CloudTrailRecord[] = [];
  // A key the response writes with escapes is not found, as a search of the text would not.
  for (const at of written.get(key) ?? []) {
    // Bounded: an unbounded lastIndexOf would walk back through the whole document each time.
    const from = Math.max(0, at - CREDENTIALS_LOOKBACK);
    const near = text.slice(from, at).lastIndexOf('credentials');
    if (near < 0) continue;
    const credentials = from + near;
    const holder = recordAt(records, at);
    if (!holder || credentials < holder.start) continue;
    const r = parse(holder);
    const issued = (
      r?.responseElements as { credentials?: { accessKeyId?: unknown } } | null | undefined
    )?.credentials?.accessKeyId;
    // Whether it issued the key (no errorCode, an issuing call) is resolution's to say.
    if (r && issued === key) found.push(r);
  }
  return found;
}

/** The record whose text holds `offset` (records are in document order). */
function recordAt(records: readonly IndexedRecord[], offset: number): IndexedRecord | undefined {
  let lo = 0;
  let hi = records.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const r = records[mid];
    if (offset < r.start) hi = mid - 1;
    else if (offset >= r.end) lo = mid + 1;
    else return r;
  }
  return undefined;
}
