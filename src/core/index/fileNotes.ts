// What each file of a load said, in one list for every view (the CLI's stderr, the timeline's
// file notes, the output channel): why a file was not read, what was skipped in it, what shape it
// was, what was read under another name, its events without a time, its copies of events already
// loaded. And, when nothing at all was read, what was looked at and why each thing was skipped:
// an investigator must be able to tell "nothing happened" from "nothing was read".
import type { DiscoveredEventFile } from '../sources/discover';
import type { SourceObject } from '../sources/source';
import type { EventIndex, FileProblem } from './eventIndex';
import type { QueryNode } from '../query/ast';
import { TIME_FIELD } from './schema';
import { lineText } from '../output/visibleText';
import { identityConflicts } from '../records/identity';

export interface FileNote {
  fileId: number;
  location: string;
  /**
   * error: the file was not read; warning: part of it was skipped, or cannot be taken at its
   * word (an event whose userIdentity contradicts itself); note: read, and worth knowing.
   */
  severity: 'error' | 'warning' | 'note';
  message: string;
  /** `path:line:column` for a JSON syntax error. */
  position?: FileProblem['position'];
}

/**
 * One note as a line: `path[:line:column]: message`. The path and the message (which may quote the
 * file's content or other files' names) stay on the line whatever they hold (lineText).
 */
export function noteText(n: Pick<FileNote, 'location' | 'message' | 'position'>): string {
  return `${lineText(n.location)}${n.position ? `:${n.position.line}:${n.position.column}` : ''}: ${lineText(n.message)}`;
}

/**
 * Every file's notes, in file order. `quiet` says which failed files are not failures to the
 * user (a loose JSON file found by listing that is not CloudTrail): they are notes.
 */
export function fileNotes(
  index: EventIndex,
  quiet: (p: FileProblem) => boolean = () => false,
): FileNote[] {
  const notes: FileNote[] = [];
  const problems = new Map<number, FileProblem[]>();
  for (const p of index.problems) problems.set(p.fileId, [...(problems.get(p.fileId) ?? []), p]);
  for (const file of index.files) {
    for (const p of problems.get(file.id) ?? []) {
      const severity = p.severity === 'warning' ? 'warning' : quiet(p) ? 'note' : 'error';
      notes.push({
        fileId: file.id,
        location: file.location,
        severity,
        message: severity === 'note' ? `not read: ${p.message}` : p.message,
        ...(p.position ? { position: p.position } : {}),
      });
    }
    if (file.state !== 'loaded') continue;
    const note = (message: string) =>
      notes.push({ fileId: file.id, location: file.location, severity: 'note', message });
    for (const n of file.notes) note(n);
    if (file.untimed > 0)
      note(
        `${count(file.untimed, 'event')} without a readable eventTime: listed last, marked "no time", and outside every time range`,
      );
    if (file.duplicates > 0) {
      const from = [...file.duplicatesOf.keys()].map((f) =>
        f === file ? 'earlier in this file' : f.location,
      );
      note(
        `${count(file.duplicates, 'event')} already loaded from ${from.slice(0, 3).join(', ')}${from.length > 3 ? ` and ${from.length - 3} more files` : ''}: the same event, shown once`,
      );
    }
  }
  return notes;
}

/** What a filter and a time range leave out because events have no readable time, if any. */
export function untimedNotes(
  index: EventIndex,
  node: QueryNode,
  untimedOutsideRange = 0,
): string[] {
  const notes: string[] = [];
  if (untimedOutsideRange > 0)
    notes.push(
      `${count(untimedOutsideRange, 'event')} that match${untimedOutsideRange === 1 ? 'es' : ''} the filter but ${untimedOutsideRange === 1 ? 'has' : 'have'} no readable eventTime ${untimedOutsideRange === 1 ? 'is' : 'are'} outside the time range (listed last with all time)`,
    );
  if (index.untimed > 0 && usesTime(node))
    notes.push(
      `${count(index.untimed, 'event')} without a readable eventTime never match${index.untimed === 1 ? 'es' : ''} a time term`,
    );
  return notes;
}

/**
 * Of the events `rows` (those a view shows), the ones whose userIdentity contradicts itself
 * (records/identity.ts identityConflicts), one note per file: how many, and the first one's
 * eventID and what disagrees. CloudTrail never writes such a record; the views name its
 * principal by the ARN (identityNames).
 */
export function identityConflictNotes(index: EventIndex, rows: ArrayLike<number>): FileNote[] {
  const byFile = new Map<number, { count: number; eventID: string; conflicts: string[] }>();
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i];
    const v = (field: string) => index.value(row, field);
    const conflicts = identityConflicts({
      type: v('userIdentity.type'),
      arn: v('userIdentity.arn'),
      userName: v('userIdentity.userName'),
      accountId: v('userIdentity.accountId'),
      principalId: v('userIdentity.principalId'),
      accessKeyId: v('userIdentity.accessKeyId'),
      issuerUserName: v('userIdentity.sessionContext.sessionIssuer.userName'),
      issuerArn: v('userIdentity.sessionContext.sessionIssuer.arn'),
    });
    if (conflicts.length === 0) continue;
    const fileId = index.store.fileOf[row];
    const seen = byFile.get(fileId);
    if (seen) seen.count++;
    else byFile.set(fileId, { count: 1, eventID: String(v('eventID') ?? ''), conflicts });
  }
  return [...byFile].map(([fileId, { count: n, eventID, conflicts }]) => ({
    fileId,
    location: index.files[fileId].location,
    severity: 'warning',
    message: `${count(n, 'event')} whose userIdentity contradicts itself, which CloudTrail never writes: the record may have been edited (${n === 1 ? '' : 'the first, '}${eventID ? `eventID ${eventID}: ` : ''}${conflicts.join('; ')}). Names are read from the ARN; filters read each field as written`,
  }));
}

function usesTime(node: QueryNode): boolean {
  switch (node.kind) {
    case 'and':
    case 'or':
      return node.children.some(usesTime);
    case 'not':
      return usesTime(node.child);
    case 'term':
      return node.fields.includes(TIME_FIELD);
    default:
      return false;
  }
}

function count(n: number, what: string): string {
  return `${n.toLocaleString('en-US')} ${what}${n === 1 ? '' : 's'}`;
}

/** What was found under a location, for the message when nothing could be read. */
export interface LookedAt {
  /** Files read as events (or tried). */
  eventFiles: number;
  digests: number;
  /** Skipped by name: file extension → how many ('' for none). */
  skipped: Map<string, number>;
}

export function emptyLookedAt(): LookedAt {
  return { eventFiles: 0, digests: 0, skipped: new Map() };
}

export function tallyObject(
  t: LookedAt,
  kind: 'event' | 'digest' | 'ignored',
  object: SourceObject | DiscoveredEventFile,
): void {
  if (kind === 'event') t.eventFiles++;
  else if (kind === 'digest') t.digests++;
  else {
    const key = 'key' in object ? object.key : object.object.key;
    const name = key.slice(key.lastIndexOf('/') + 1);
    const ext = /(\.[A-Za-z0-9]{1,8})(\.gz)?$/.exec(name)?.[0]?.toLowerCase() ?? '';
    t.skipped.set(ext, (t.skipped.get(ext) ?? 0) + 1);
  }
}

/**
 * The message when no event at all was read from `where`: what was looked at, what was skipped
 * and why, what to do. `includeHint` says how to read files skipped by name (a CLI option, or
 * naming the file).
 */
export function nothingReadMessage(
  where: string,
  looked: LookedAt,
  index: EventIndex,
  includeHint: string,
): string {
  const skipped = [...looked.skipped.values()].reduce((a, b) => a + b, 0);
  const total = looked.eventFiles + looked.digests + skipped;
  if (total === 0) return `No CloudTrail events: ${where} holds no files.`;
  const parts: string[] = [];
  const failed = index.files.filter((f) => f.state === 'failed').length;
  const empty = index.files.filter((f) => f.state === 'loaded' && f.events === 0).length;
  if (failed)
    parts.push(
      `${count(failed, 'file')} could not be read as CloudTrail events (each is listed with the reason)`,
    );
  if (empty)
    parts.push(`${count(empty, 'file')} read with no events in ${empty === 1 ? 'it' : 'them'}`);
  if (looked.digests)
    parts.push(
      `${count(looked.digests, 'digest file')}, which hold${looked.digests === 1 ? 's' : ''} no events (check ${looked.digests === 1 ? 'it' : 'them'} with validate)`,
    );
  const skippedText = skippedByName(looked, includeHint);
  if (skippedText) parts.push(skippedText);
  return `No CloudTrail events were read from ${where}. Looked at ${count(total, 'file')}: ${parts.join('; ')}.`;
}

/**
 * The files a listing skipped by their names, and how to read them; undefined when it skipped
 * none. Said after every load, not only one that read nothing: records kept under another name
 * (`events.txt`, `trail.log`) must not go unseen beside the files that loaded.
 */
export function skippedByName(looked: LookedAt, includeHint: string): string | undefined {
  const skipped = [...looked.skipped.values()].reduce((a, b) => a + b, 0);
  if (!skipped) return undefined;
  const byExt = [...looked.skipped]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .map(([ext, n]) => `${n} ${ext || 'without an extension'}`)
    .join(', ');
  return `${count(skipped, 'file')} skipped by name (${byExt}): in folders only .json, .json.gz, .jsonl and .ndjson files and CloudTrail's own file names are read; ${includeHint}`;
}
