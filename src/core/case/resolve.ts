// Which loaded events the case file's annotations are about. An annotation names its event by
// eventID plus the key of the log object it was read from; the same object may be loaded under a
// different root (one analyst added the bucket copy's root, another its AWSLogs/… folder, or
// s3:// against a local mirror), so the key matches when it is equal or has the same file name
// (CloudTrail's object names are unique: account, region, time and a random suffix). An
// annotation whose event is not loaded is kept and listed as not loaded, never dropped.
import type { EventIndex } from '../index/eventIndex';
import { Annotation, CaseFile, EventRef } from './caseFile';

export interface ResolvedCase {
  /** Row → its annotation, for the rows shown (hidden copies of an event left out); what EventIndex.query's `annotations` takes. */
  byRow: Map<number, Annotation>;
  /** Annotations whose event is not in the index. */
  notLoaded: Annotation[];
}

/** The last segment of a key or path (either separator). */
export function fileNameOf(key: string): string {
  const i = Math.max(key.lastIndexOf('/'), key.lastIndexOf('\\'));
  return key.slice(i + 1);
}

/** Whether an annotation's key names the object at `key` (equal, or the same file name). */
export function sameObject(annotationKey: string, key: string): boolean {
  return (
    annotationKey === key || (annotationKey !== '' && fileNameOf(annotationKey) === fileNameOf(key))
  );
}

/**
 * The event an edit of a row applies to: the annotation shown on it when there is one (it may
 * name the event's object under another root, or a hidden copy of it: a new entry under the row's
 * own key would leave it in force, so that a star could never be removed), else the row's own.
 */
export function editRef(
  s: { eventID: string; fileKey: string; eventTime: string },
  shown: Annotation | undefined,
): EventRef {
  return shown && shown.eventID === s.eventID
    ? { eventID: shown.eventID, key: shown.key, eventTime: shown.eventTime || s.eventTime }
    : { eventID: s.eventID, key: s.fileKey, eventTime: s.eventTime };
}

/**
 * How closely an annotation's key names the object at `key`: 0 when it does not (sameObject),
 * else the number of path segments they end with alike (Infinity when equal).
 */
function keyMatch(annotationKey: string, key: string): number {
  if (annotationKey === key) return Infinity;
  if (!sameObject(annotationKey, key)) return 0;
  const a = annotationKey.split(/[/\\]/);
  const b = key.split(/[/\\]/);
  let n = 1;
  while (n < a.length && n < b.length && a[a.length - 1 - n] === b[b.length - 1 - n]) n++;
  return n;
}

/** One pass over the index's eventID column (as remote.ts rowsOfEvents does). */
export function resolveAnnotations(index: EventIndex, c: CaseFile): ResolvedCase {
  return new AnnotationResolver(c).update(index);
}

/**
 * Resolution kept up to date while an index loads: rows are only ever appended, so each update
 * reads the eventIDs of the rows added since the last one (a timeline re-queries on every load
 * progress; a whole scan each time would cost O(events) per query). The rows of the annotated
 * eventIDs are kept, hidden copies included: a row may be hidden as a copy of another event after
 * it was read (copies are compared after each file), and its annotation then goes with the copy
 * shown.
 */
export class AnnotationResolver {
  private readonly byEventId = new Map<string, Annotation[]>();
  /** Annotated eventID → the rows read so far that have it. */
  private readonly rowsOf = new Map<string, number[]>();
  private scanned = 0;
  private index: EventIndex | undefined;

  constructor(readonly kase: CaseFile) {
    for (const a of kase.annotations) {
      const list = this.byEventId.get(a.eventID) ?? [];
      list.push(a);
      this.byEventId.set(a.eventID, list);
    }
  }

  update(index: EventIndex): ResolvedCase {
    if (this.index !== index) {
      this.index = index;
      this.scanned = 0;
      this.rowsOf.clear();
    }
    if (this.byEventId.size > 0) {
      for (let row = this.scanned; row < index.size; row++) {
        const id = index.value(row, 'eventID');
        if (typeof id !== 'string' || !this.byEventId.has(id)) continue;
        const rows = this.rowsOf.get(id);
        if (rows) rows.push(row);
        else this.rowsOf.set(id, [row]);
      }
    }
    this.scanned = index.size;
    const byRow = new Map<number, Annotation>();
    const found = new Set<Annotation>();
    for (const [id, rows] of this.rowsOf) {
      // Each annotation goes to the rows whose key ends as its key does over the most path
      // segments: its own object (the same key, or the same object under another root), never
      // another object of the same file name elsewhere, whose event reusing the eventID (a forged
      // record, another trail's log) would otherwise carry the analyst's star and note. A row
      // two annotations claim takes the closer.
      const claims = new Map<number, { a: Annotation; match: number }>();
      for (const a of this.byEventId.get(id)!) {
        let best = 0;
        let at: number[] = [];
        for (const row of rows) {
          const match = keyMatch(a.key, index.files[index.store.fileOf[row]].key);
          if (match > best) [best, at] = [match, [row]];
          else if (match === best && match > 0) at.push(row);
        }
        for (const row of at)
          if ((claims.get(row)?.match ?? 0) < best) claims.set(row, { a, match: best });
      }
      const shown = rows.filter((r) => !index.isDuplicate(r));
      for (const row of shown) {
        const a = claims.get(row)?.a;
        if (!a) continue;
        byRow.set(row, a);
        found.add(a);
      }
      // An annotation of a hidden copy goes with the copy shown. Which one it copies is known
      // when one event with this eventID is shown; otherwise it stays listed as not loaded.
      if (shown.length !== 1 || byRow.has(shown[0])) continue;
      for (const row of rows) {
        const a = index.isDuplicate(row) ? claims.get(row)?.a : undefined;
        if (!a) continue;
        byRow.set(shown[0], a);
        found.add(a);
        break;
      }
    }
    return {
      byRow,
      notLoaded: this.kase.annotations.filter((a) => !found.has(a)),
    };
  }
}
