// The origin of one record from the other records of its own document (a log file open in the
// editor), without parsing the whole document: the record that issued a key is found where the
// key is written in the text near a "credentials" key, and only those records are parsed and
// checked. Used by the code lens over userIdentity. Where each key is written is found in one
// pass over the text (documentKeys), kept by the caller for the document's version: looking for
// each key in the whole text, for each lens, took seconds per lens on a planted 40 MB file.
// Resolution does not follow a claim dated after the key's first use, so the document's earliest
// record signed with a claimed key goes with the claims (found once per key and version).
import type { IndexedRecord } from '../records/recordIndex';
import type { CloudTrailRecord } from '../records/types';
import { recordOriginSource } from './recordSource';
import { ISSUED_OUTSIDE, Origin, resolveOrigin } from './resolve';

/** How far before a key its response's "credentials" key may start (the session token can come first). */
const CREDENTIALS_LOOKBACK = 4096;
/** Keys followed at most (resolution follows 64 hops). */
const MAX_KEYS = 256;

/** A document's text and where each string that could be a temporary key ("ASIA…") is written. */
export interface DocumentKeys {
  text: string;
  /** Each such JSON string (as written, without its quotes) → the offsets where it starts. */
  at: Map<string, number[]>;
  /** Each key's earliest use in the document, once looked for (null: none with a readable time). */
  firstUse: Map<string, IndexedRecord | null>;
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
  return { text, at, firstUse: new Map() };
}

export function originInDocument(
  doc: DocumentKeys,
  records: readonly IndexedRecord[],
  target: IndexedRecord,
  parse: (r: IndexedRecord) => CloudTrailRecord | undefined,
): Origin | undefined {
  const first = parse(target);
  if (!first) return undefined;
  // The records given to resolution, each once, by where it is in the document.
  const given = new Map<IndexedRecord, CloudTrailRecord>([[target, first]]);
  const give = (holder: IndexedRecord, r: CloudTrailRecord) => {
    if (!given.has(holder)) given.set(holder, r);
  };
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
    const claims = findIssuing(doc, records, keys[k], parse);
    for (const { holder, record } of claims) {
      give(holder, record);
      follow(record);
    }
    if (claims.length === 0) continue;
    const used = firstUse(doc, records, keys[k], parse);
    const record = used && parse(used);
    if (used && record) give(used, record);
  }
  // In document order, as an index of the document holds them (the first of equals named).
  const holders = [...given.keys()].sort((a, b) => a.start - b.start);
  return resolveOrigin(
    recordOriginSource(holders.map((h) => given.get(h))),
    holders.indexOf(target),
  );
}

/**
 * Whether an event's own document may say more of its origin than `wider`, the answer of a scope
 * holding more events (a timeline that loaded the document): only where that chain stopped at a
 * key issued outside the events it loaded. Where it stopped for what it saw (claims that disagree,
 * name another session or are dated after the key's first use), the document's fewer events
 * cannot undo that: its answer could follow the very claim the wider scope refused.
 */
export function documentMaySayMore(wider: Origin | undefined): boolean {
  return !wider || (!wider.complete && wider.missing?.reason === ISSUED_OUTSIDE);
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
): { holder: IndexedRecord; record: CloudTrailRecord }[] {
  const found: { holder: IndexedRecord; record: CloudTrailRecord }[] = [];
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
    if (r && issued === key) found.push({ holder, record: r });
  }
  return found;
}

/**
 * The document's earliest record signed with `key` (the first of those with the smallest
 * readable time, as resolution reads them), or undefined.
 */
function firstUse(
  doc: DocumentKeys,
  records: readonly IndexedRecord[],
  key: string,
  parse: (r: IndexedRecord) => CloudTrailRecord | undefined,
): IndexedRecord | undefined {
  let found = doc.firstUse.get(key);
  if (found === undefined) {
    const holders = [...new Set((doc.at.get(key) ?? []).map((at) => recordAt(records, at)))];
    const held = holders.flatMap((h) => {
      const r = h && parse(h);
      return h && r ? [{ holder: h, record: r }] : [];
    });
    const src = recordOriginSource(held.map((h) => h.record));
    let best = -1;
    for (let i = 0; i < held.length; i++) {
      if (src.value(i, 'userIdentity.accessKeyId') !== key) continue;
      const t = src.time(i);
      if (!Number.isNaN(t) && (best < 0 || t < src.time(best))) best = i;
    }
    doc.firstUse.set(key, (found = best < 0 ? null : held[best].holder));
  }
  return found ?? undefined;
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
