// The case file: what an investigation keeps (stars, tags, notes, saved searches), in a JSON file
// the team commits and reviews like code (`.cloudtrail-lens/case.json` by default).
//
// Its layout is chosen for git's default merge, which conflicts when two sides change the same or
// ADJACENT lines, or insert at the same place:
//   - one entry per line (a note's line breaks are written as \n), annotations sorted by event
//     time (then eventID, then key), searches by name: two analysts annotating different events
//     change or insert different lines;
//   - a blank line between entries, so that changes to neighbouring entries are never adjacent;
//   - every entry line ends with a comma and each list ends with a fixed `null`: adding or
//     removing an entry never edits its neighbour's line.
// It stays plain JSON (any JSON tool reads it). An annotation is keyed by the event's eventID
// plus the key of the log object it came from, never by a row number; it carries who last
// changed it and when. Entries for the same event written twice (a union merge, a hand edit)
// are read as one.

import { isUtf8 } from 'node:buffer';
import { duplicatedKeys } from '../ingest/eventFile';
import { instantOf } from '../query/time';

export const CASE_FORMAT = 'cloudtrail-lens-case/1';
/** The product's folder in a workspace; event discovery leaves it out. */
export const CASE_FOLDER = '.cloudtrail-lens';
export const DEFAULT_CASE_FILE = `${CASE_FOLDER}/case.json`;
const ABOUT =
  'CloudTrail Lens case file: one entry per line between blank lines, annotations sorted by event time; each list ends with null so that every entry line ends with a comma and git merges edits of different entries.';

export interface Annotation {
  /** The event's eventTime as written in the record ('' when it has none). */
  eventTime: string;
  eventID: string;
  /** Key of the log object the event was read from, relative to its source (an S3 key or a path under the folder added). */
  key: string;
  starred: boolean;
  /** Lower-case, sorted, no duplicates. */
  tags: string[];
  /** Free text; '' for none. */
  note: string;
  /** Who last changed it (git user.name, else the OS user). */
  by: string;
  /** When, ISO 8601 UTC. */
  at: string;
}

export interface SavedSearch {
  name: string;
  /** Query-language text. */
  filter: string;
  /** Half-open time range in ms, or absent for all time. */
  range?: { from: number; to: number };
  /** What the timeline was opened on (the extension's open-timeline argument, kept as data); absent: the workspace's sources. */
  scope?: Record<string, unknown>;
  by: string;
  at: string;
}

export interface CaseFile {
  annotations: Annotation[];
  searches: SavedSearch[];
  /**
   * Fields the file holds that a case does not keep (a hand-added `"severity"`, a newer
   * version's): read past, but a save would drop them, so saveCase refuses while there are any.
   */
  unkeptFields?: string[];
}

export class CaseFileError extends Error {
  override readonly name = 'CaseFileError';
  constructor(
    readonly file: string,
    readonly problem: string,
  ) {
    super(`${file}: ${problem}`);
  }
}

export function emptyCase(): CaseFile {
  return { annotations: [], searches: [] };
}

/** Annotation identity: eventID + object key. */
export function annotationId(a: Pick<Annotation, 'eventID' | 'key'>): string {
  return `${a.eventID}\u0000${a.key}`;
}

/** The fixed order of annotations in the file: event time, then eventID, then key. */
export function compareAnnotations(a: Annotation, b: Annotation): number {
  return cmp(a.eventTime, b.eventTime) || cmp(a.eventID, b.eventID) || cmp(a.key, b.key);
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Tags as stored: trimmed, lower-case, no spaces inside (a tag is one query word), sorted, unique. */
export function normalizeTags(tags: readonly string[]): string[] {
  return [...new Set(tags.map(normalizeTag).filter((t) => t !== ''))].sort();
}

export function normalizeTag(tag: string): string {
  return tag.trim().toLowerCase().replace(/\s+/g, '-');
}

/** An annotation in one cell (the timeline's Case column): "★ exfil c2 ✎" (star, tags, a pencil for a note). */
export function annotationText(a: Annotation | undefined): string {
  if (!a) return '';
  return [a.starred ? '★' : '', ...a.tags, a.note ? '✎' : ''].filter(Boolean).join(' ');
}

/** Whether an annotation says anything (an entry with no star, tag or note is dropped). */
export function isEmptyAnnotation(a: Annotation): boolean {
  return !a.starred && a.tags.length === 0 && a.note === '';
}

// ── writing ─────────────────────────────────────────────────────────────────────────────────

export function serializeCase(c: CaseFile): string {
  const annotations = mergeDuplicates(c.annotations)
    .filter((a) => !isEmptyAnnotation(a))
    .sort(compareAnnotations);
  const searches = mergeSearches(c.searches).sort((a, b) => cmp(a.name, b.name));
  const list = (entries: string[]) =>
    entries.length ? `\n${entries.map((e) => `\n    ${e},\n`).join('')}\n    null` : '\n    null';
  return (
    '{\n' +
    `  "format": ${JSON.stringify(CASE_FORMAT)},\n` +
    `  "about": ${JSON.stringify(ABOUT)},\n` +
    `  "searches": [${list(searches.map(searchLine))}\n  ],\n` +
    `  "annotations": [${list(annotations.map(annotationLine))}\n  ]\n` +
    '}\n'
  );
}

function annotationLine(a: Annotation): string {
  // Fixed key order; JSON.stringify escapes line breaks, so an entry is always one line.
  return JSON.stringify({
    eventTime: a.eventTime,
    eventID: a.eventID,
    key: a.key,
    starred: a.starred,
    tags: a.tags,
    note: a.note,
    by: a.by,
    at: a.at,
  });
}

function searchLine(s: SavedSearch): string {
  return JSON.stringify({
    name: s.name,
    filter: s.filter,
    ...(s.range
      ? { from: new Date(s.range.from).toISOString(), to: new Date(s.range.to).toISOString() }
      : {}),
    ...(s.scope ? { scope: s.scope } : {}),
    by: s.by,
    at: s.at,
  });
}

// ── reading ─────────────────────────────────────────────────────────────────────────────────

/**
 * Reads a case file's bytes (parseCase). Bytes that are not UTF-8 (Latin-1 or damaged text) are
 * refused: read as U+FFFD, the notes holding them would be written back changed.
 */
export function parseCaseBytes(bytes: Uint8Array, file: string): CaseFile {
  if (!isUtf8(bytes))
    throw new CaseFileError(
      file,
      'not valid UTF-8 text (Latin-1, UTF-16 or damaged?): its invalid bytes cannot be read as they are (a save would change them). Save it as UTF-8; it was left as it is.',
    );
  return parseCase(
    Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'),
    file,
  );
}

/**
 * Reads a case file's text. `file` names it in errors. Throws CaseFileError when the text is not
 * JSON, not a case file (another program's JSON), or an entry is malformed: a case file is
 * never half-read, so it is never written back with entries missing.
 */
export function parseCase(text: string, file: string): CaseFile {
  let json: unknown;
  try {
    json = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (e) {
    const conflict = /^(<<<<<<<|=======|>>>>>>>)/m.test(text)
      ? ' (it holds git conflict markers: resolve the merge conflict first)'
      : '';
    throw new CaseFileError(file, `not valid JSON${conflict}: ${(e as Error).message}`);
  }
  if (!isObject(json) || json.format !== CASE_FORMAT) {
    const found =
      isObject(json) && typeof json.format === 'string'
        ? ` (its format is "${json.format.slice(0, 80)}")`
        : '';
    throw new CaseFileError(
      file,
      `not a CloudTrail Lens case file: expected "format": "${CASE_FORMAT}"${found}. It was left as it is.`,
    );
  }
  // JSON.parse keeps the last of a repeated key: a hand edit or a merge that wrote "annotations"
  // (or an entry's "note") twice would be read without the first, and the next save would drop it.
  const repeated = duplicatedKeys(text, 5);
  if (repeated.length)
    throw new CaseFileError(
      file,
      `names a key more than once (${repeated.join(', ')}): only the last of each would be read, and saving would drop the others. Keep one of each; the file was left as it is.`,
    );
  const unkept = unkeptKeys(json, CASE_KEYS, 'the file');
  const annotations = listOf(json.annotations, 'annotations', file).map((e, i) => {
    const a = readAnnotation(e, i, file);
    unkept.push(...unkeptKeys(e as object, ANNOTATION_KEYS, `annotation ${i + 1} (${a.eventID})`));
    return a;
  });
  const searches = listOf(json.searches ?? [], 'searches', file).map((e, i) => {
    const s = readSearch(e, i, file);
    unkept.push(...unkeptKeys(e as object, SEARCH_KEYS, `saved search ${i + 1} (${s.name})`));
    return s;
  });
  return {
    annotations: mergeDuplicates(annotations),
    searches: mergeSearches(searches),
    ...(unkept.length ? { unkeptFields: unkept } : {}),
  };
}

// What each part of a case file holds (serializeCase writes these and no others).
const CASE_KEYS = new Set(['format', 'about', 'searches', 'annotations']);
const ANNOTATION_KEYS = new Set([
  'eventTime',
  'eventID',
  'key',
  'starred',
  'tags',
  'note',
  'by',
  'at',
]);
const SEARCH_KEYS = new Set(['name', 'filter', 'from', 'to', 'scope', 'by', 'at']);

/** `where: "key"` for each key of `o` outside `known`. */
function unkeptKeys(o: object, known: ReadonlySet<string>, where: string): string[] {
  return Object.keys(o)
    .filter((k) => !known.has(k))
    .map((k) => `${where}: ${JSON.stringify(k.length > 80 ? `${k.slice(0, 80)}…` : k)}`);
}

function listOf(value: unknown, name: string, file: string): unknown[] {
  if (!Array.isArray(value)) throw new CaseFileError(file, `"${name}" must be a list`);
  // null entries are the list terminators (and harmless anywhere).
  return value.filter((e) => e !== null);
}

function readAnnotation(e: unknown, i: number, file: string): Annotation {
  const where = `annotation ${i + 1}`;
  if (!isObject(e)) throw new CaseFileError(file, `${where}: expected an object`);
  const str = (k: string, required: boolean): string => {
    const v = e[k];
    if (v === undefined && !required) return '';
    if (typeof v !== 'string') throw new CaseFileError(file, `${where}: "${k}" must be text`);
    return v;
  };
  const eventID = str('eventID', true);
  if (eventID === '') throw new CaseFileError(file, `${where}: "eventID" is empty`);
  const tags = e.tags ?? [];
  if (!Array.isArray(tags) || !tags.every((t) => typeof t === 'string'))
    throw new CaseFileError(file, `${where} (${eventID}): "tags" must be a list of text`);
  if (e.starred !== undefined && typeof e.starred !== 'boolean')
    throw new CaseFileError(file, `${where} (${eventID}): "starred" must be true or false`);
  return {
    eventTime: str('eventTime', false),
    eventID,
    key: str('key', false),
    starred: e.starred === true,
    tags: normalizeTags(tags as string[]),
    note: str('note', false),
    by: str('by', false),
    at: str('at', false),
  };
}

function readSearch(e: unknown, i: number, file: string): SavedSearch {
  const where = `saved search ${i + 1}`;
  if (!isObject(e)) throw new CaseFileError(file, `${where}: expected an object`);
  if (typeof e.name !== 'string' || e.name.trim() === '')
    throw new CaseFileError(file, `${where}: "name" must be non-empty text`);
  if (typeof e.filter !== 'string')
    throw new CaseFileError(file, `${where} (${e.name}): "filter" must be text`);
  const out: SavedSearch = {
    name: e.name,
    filter: e.filter,
    by: typeof e.by === 'string' ? e.by : '',
    at: typeof e.at === 'string' ? e.at : '',
  };
  if (e.from !== undefined || e.to !== undefined) {
    // Read as the query language reads times (never Date.parse: a time without a zone would be
    // the machine's local time, so one case file would mean another window on each machine).
    const time = (v: unknown) => (typeof v === 'string' ? instantOf(v) : undefined) ?? NaN;
    const from = time(e.from);
    const to = time(e.to);
    if (!Number.isFinite(from) || !Number.isFinite(to) || from > to)
      throw new CaseFileError(
        file,
        `${where} (${e.name}): "from" and "to" must be ISO times, from before to`,
      );
    out.range = { from, to };
  }
  if (e.scope !== undefined) {
    if (!isObject(e.scope))
      throw new CaseFileError(file, `${where} (${e.name}): "scope" must be an object`);
    // A scope is a few levels deep (a source, a prefix, keys); one nested deeper would overflow
    // the stack when the case is written back, so every later edit would fail.
    if (deeperThan(e.scope, MAX_SCOPE_DEPTH))
      throw new CaseFileError(
        file,
        `${where} (${e.name}): "scope" is nested more than ${MAX_SCOPE_DEPTH} levels deep`,
      );
    out.scope = e.scope;
  }
  return out;
}

const MAX_SCOPE_DEPTH = 32;

/** Whether a JSON value nests objects or lists more than `max` levels deep (without recursion). */
function deeperThan(value: unknown, max: number): boolean {
  let level: unknown[] = [value];
  for (let depth = 0; level.length; depth++) {
    if (depth > max) return true;
    const next: unknown[] = [];
    for (const v of level) if (typeof v === 'object' && v !== null) next.push(...Object.values(v));
    level = next;
  }
  return false;
}

/** Entries for the same event read as one: starred if either is, tags united, notes kept both, the later change's who/when. */
function mergeDuplicates(list: readonly Annotation[]): Annotation[] {
  const byId = new Map<string, Annotation>();
  for (const a of list) {
    const id = annotationId(a);
    const seen = byId.get(id);
    if (!seen) {
      byId.set(id, { ...a, tags: [...a.tags] });
      continue;
    }
    const later = a.at > seen.at ? a : seen;
    byId.set(id, {
      eventTime: seen.eventTime || a.eventTime,
      eventID: a.eventID,
      key: a.key,
      starred: seen.starred || a.starred,
      tags: normalizeTags([...seen.tags, ...a.tags]),
      note:
        seen.note === a.note || a.note === ''
          ? seen.note
          : seen.note === ''
            ? a.note
            : `${seen.note}\n${a.note}`,
      by: later.by,
      at: later.at,
    });
  }
  return [...byId.values()];
}

/**
 * Searches saved under one name twice (a union merge of two analysts' saves, a hand edit): the
 * later keeps the name and a different one is kept as "name (2)", as a merge of two saves keeps
 * it (caseMerge.ts): the filter of neither analyst is dropped.
 */
function mergeSearches(list: readonly SavedSearch[]): SavedSearch[] {
  const byName = new Map<string, SavedSearch>();
  const other: SavedSearch[] = [];
  for (const s of list) {
    const seen = byName.get(s.name);
    if (!seen) {
      byName.set(s.name, s);
      continue;
    }
    const [later, earlier] = s.at > seen.at ? [s, seen] : [seen, s];
    byName.set(s.name, later);
    const text = searchText(earlier);
    if (
      text !== searchText(later) &&
      !other.some((o) => o.name === s.name && searchText(o) === text)
    )
      other.push(earlier);
  }
  for (const s of other) {
    let n = 2;
    while (byName.has(`${s.name} (${n})`)) n++;
    const name = `${s.name} (${n})`;
    byName.set(name, { ...s, name });
  }
  return [...byName.values()];
}

/** What a saved search is, without who saved it when. */
function searchText(s: SavedSearch): string {
  return searchLine({ ...s, by: '', at: '' });
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

// ── changing ────────────────────────────────────────────────────────────────────────────────

/** The event an edit applies to. */
export interface EventRef {
  eventID: string;
  key: string;
  eventTime: string;
}

export type AnnotationEdit =
  | { kind: 'star'; starred: boolean }
  | { kind: 'toggle-star' }
  | { kind: 'add-tags'; tags: string[] }
  | { kind: 'remove-tags'; tags: string[] }
  | { kind: 'note'; note: string };

/**
 * The case with an edit applied to each event (several selected rows at once). For 'toggle-star'
 * on several events: all become starred unless all already are. Returns a new CaseFile.
 */
export function applyEdit(
  c: CaseFile,
  events: readonly EventRef[],
  edit: AnnotationEdit,
  who: string,
  when: Date = new Date(),
): CaseFile {
  const byId = new Map(c.annotations.map((a) => [annotationId(a), a]));
  const at = when.toISOString();
  let star: boolean | undefined;
  if (edit.kind === 'toggle-star') star = !events.every((e) => byId.get(annotationId(e))?.starred);
  for (const e of events) {
    if (!e.eventID) continue;
    const id = annotationId(e);
    const current = byId.get(id) ?? {
      eventTime: e.eventTime,
      eventID: e.eventID,
      key: e.key,
      starred: false,
      tags: [],
      note: '',
      by: who,
      at,
    };
    const next: Annotation = {
      ...current,
      eventTime: current.eventTime || e.eventTime,
      by: who,
      at,
    };
    switch (edit.kind) {
      case 'star':
        next.starred = edit.starred;
        break;
      case 'toggle-star':
        next.starred = star!;
        break;
      case 'add-tags':
        next.tags = normalizeTags([...current.tags, ...edit.tags]);
        break;
      case 'remove-tags': {
        const drop = new Set(normalizeTags(edit.tags));
        next.tags = current.tags.filter((t) => !drop.has(t));
        break;
      }
      case 'note':
        next.note = edit.note.trim();
        break;
    }
    if (isEmptyAnnotation(next)) byId.delete(id);
    else byId.set(id, next);
  }
  return { annotations: [...byId.values()].sort(compareAnnotations), searches: c.searches };
}

/** The case with a search saved (replacing one of the same name). */
export function saveSearch(
  c: CaseFile,
  search: Omit<SavedSearch, 'by' | 'at'>,
  who: string,
  when: Date = new Date(),
): CaseFile {
  const name = search.name.trim();
  if (!name) throw new Error('a saved search needs a name');
  return {
    annotations: c.annotations,
    searches: [
      ...c.searches.filter((s) => s.name !== name),
      { ...search, name, by: who, at: when.toISOString() },
    ],
  };
}

export function deleteSearch(c: CaseFile, name: string): CaseFile {
  return { annotations: c.annotations, searches: c.searches.filter((s) => s.name !== name) };
}

/** Every tag with the number of annotations carrying it, most used first. */
export function tagCounts(c: CaseFile): Array<{ tag: string; count: number }> {
  const counts = new Map<string, number>();
  for (const a of c.annotations) for (const t of a.tags) counts.set(t, (counts.get(t) ?? 0) + 1);
  return [...counts]
    .map(([tag, count]) => ({ tag, count }))
    .sort((a, b) => b.count - a.count || cmp(a.tag, b.tag));
}
