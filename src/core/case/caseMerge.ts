// Two people changing one case file at once (two VS Code windows, a colleague on a shared drive,
// a `git pull` between reading and saving): a change is made to the case as this window last
// read it (the base: what the analyst saw), and the file may hold another by then (theirs).
// Saving writes neither whole: it merges the two changes entry by entry, keyed as the file is
// (an annotation by its event's eventID plus its log object's key, a saved search by its name),
// so that neither side's stars, tags, notes or searches are lost.
import {
  Annotation,
  annotationId,
  CaseFile,
  compareAnnotations,
  isEmptyAnnotation,
  normalizeTags,
  SavedSearch,
} from './caseFile';

export interface CaseMerge {
  merged: CaseFile;
  /** Where both sides changed the same thing differently, and what was kept (both, always). */
  conflicts: string[];
}

/**
 * The case with both our change (`ours`, made to `base`) and theirs (`theirs`, the file as it is
 * now, also a change of `base`). Where only one side changed an entry, that side's entry is
 * kept. Where both changed one annotation: a star either side set or cleared is as that side
 * left it (ours when both), tags are theirs with ours added and removed, and two different new
 * notes are both kept, theirs first. Where both changed one saved search differently, theirs
 * keeps its name and ours is kept as "name (2)"; a search one side deleted and the other changed
 * is kept as changed.
 */
export function mergeCases(base: CaseFile, ours: CaseFile, theirs: CaseFile): CaseMerge {
  const conflicts: string[] = [];
  return {
    merged: {
      annotations: mergeAnnotations(base, ours, theirs, conflicts),
      searches: mergeSearches(base, ours, theirs, conflicts),
    },
    conflicts,
  };
}

function mergeAnnotations(
  base: CaseFile,
  ours: CaseFile,
  theirs: CaseFile,
  conflicts: string[],
): Annotation[] {
  const b = byKey(base.annotations, annotationId);
  const o = byKey(ours.annotations, annotationId);
  const t = byKey(theirs.annotations, annotationId);
  const out: Annotation[] = [];
  for (const id of new Set([...b.keys(), ...o.keys(), ...t.keys()])) {
    const kept = mergeAnnotation(b.get(id), o.get(id), t.get(id), conflicts);
    if (kept && !isEmptyAnnotation(kept)) out.push(kept);
  }
  return out.sort(compareAnnotations);
}

function mergeAnnotation(
  b: Annotation | undefined,
  o: Annotation | undefined,
  t: Annotation | undefined,
  conflicts: string[],
): Annotation | undefined {
  if (sameAnnotation(o, b)) return t;
  if (sameAnnotation(t, b) || sameAnnotation(o, t)) return o;
  // Both changed it: field by field, an absent entry read as one that says nothing.
  const some = (o ?? t)!;
  const none = { starred: false, tags: [] as string[], note: '' };
  const base = b ?? none;
  const mine = o ?? none;
  const their = t ?? none;
  const added = mine.tags.filter((tag) => !base.tags.includes(tag));
  const removed = new Set(base.tags.filter((tag) => !mine.tags.includes(tag)));
  let note = mine.note;
  if (mine.note === base.note) note = their.note;
  else if (their.note !== base.note && their.note !== mine.note) {
    // Both changed the note differently: neither text is dropped.
    note = [their.note, mine.note].filter(Boolean).join('\n');
    conflicts.push(
      their.note && mine.note
        ? `the note on event ${some.eventID} was changed on both sides: both texts are kept`
        : `the note on event ${some.eventID} was removed on one side and changed on the other: the changed note is kept`,
    );
  }
  const later = (o?.at ?? '') >= (t?.at ?? '') ? o : t;
  return {
    eventTime: o?.eventTime || t?.eventTime || b?.eventTime || '',
    eventID: some.eventID,
    key: some.key,
    starred: mine.starred !== base.starred ? mine.starred : their.starred,
    tags: normalizeTags([...their.tags.filter((tag) => !removed.has(tag)), ...added]),
    note,
    by: later?.by ?? some.by,
    at: later?.at ?? some.at,
  };
}

function mergeSearches(
  base: CaseFile,
  ours: CaseFile,
  theirs: CaseFile,
  conflicts: string[],
): SavedSearch[] {
  const b = byKey(base.searches, (s) => s.name);
  const o = byKey(ours.searches, (s) => s.name);
  const t = byKey(theirs.searches, (s) => s.name);
  const out = new Map<string, SavedSearch>();
  const renamed: SavedSearch[] = [];
  for (const name of new Set([...b.keys(), ...o.keys(), ...t.keys()])) {
    const [bs, os, ts] = [b.get(name), o.get(name), t.get(name)];
    if (sameSearch(os, bs)) {
      if (ts) out.set(name, ts);
    } else if (sameSearch(ts, bs) || sameSearch(os, ts)) {
      if (os) out.set(name, os);
    } else if (!os || !ts) {
      out.set(name, (os ?? ts)!);
      conflicts.push(
        `the saved search "${name}" was deleted on one side and changed on the other: it is kept as changed`,
      );
    } else {
      out.set(name, ts);
      renamed.push(os);
    }
  }
  for (const s of renamed) {
    let n = 2;
    while (out.has(`${s.name} (${n})`)) n++;
    const name = `${s.name} (${n})`;
    out.set(name, { ...s, name });
    conflicts.push(
      `the saved search "${s.name}" was also saved by ${describeWho(t.get(s.name)!)}: yours is kept as "${name}"`,
    );
  }
  return [...out.values()];
}

function describeWho(s: SavedSearch): string {
  return s.by ? `${s.by}${s.at ? ` at ${s.at}` : ''}` : 'someone else';
}

function byKey<T>(list: readonly T[], key: (v: T) => string): Map<string, T> {
  return new Map(list.map((v) => [key(v), v]));
}

function sameAnnotation(a: Annotation | undefined, b: Annotation | undefined): boolean {
  if (!a || !b) return a === b;
  return (
    a.starred === b.starred &&
    a.note === b.note &&
    a.tags.length === b.tags.length &&
    a.tags.every((tag, i) => tag === b.tags[i]) &&
    a.by === b.by &&
    a.at === b.at
  );
}

function sameSearch(a: SavedSearch | undefined, b: SavedSearch | undefined): boolean {
  if (!a || !b) return a === b;
  return canonical(a) === canonical(b);
}

/** JSON with object keys sorted (a scope read from a hand-edited file may list them in any order). */
function canonical(v: unknown): string {
  return JSON.stringify(v, (_k, value: unknown) =>
    value && typeof value === 'object' && !Array.isArray(value)
      ? Object.fromEntries(Object.entries(value).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)))
      : value,
  );
}
