// Code lenses above each record's userIdentity (who acted) and requestParameters (what the call
// did). provideCodeLenses only places unresolved lenses from the structural index; the text of
// a lens is computed in resolveCodeLens, which VS Code calls for the lenses on screen only.
import * as vscode from 'vscode';
import { cellText } from '../../core/output/visibleText';
import { describeIdentity } from '../../core/records/identity';
import { type IndexedRecord, parseRecord } from '../../core/records/recordIndex';
import { describeRequest } from '../../core/records/request';
import type { CloudTrailRecord } from '../../core/records/types';
import type { RecordIndexCache } from '../documents/recordIndexCache';
import {
  documentKeys,
  DocumentKeys,
  documentMaySayMore,
  originInDocument,
} from '../../core/origin/documentOrigin';
import { describeOrigin, type Origin } from '../../core/origin/resolve';

/** The origin of an event by its eventID in the open timelines' loaded events, when one holds it. */
export type OriginLookup = (eventID: string) => Origin | undefined;
import { COMMANDS } from '../commands';

const LENS_TITLE_MAX = 1000;

/**
 * Log-derived text for a one-line label that VS Code renders with icons (lens titles, quick pick
 * items): hidden characters marked, and `$(name)` escaped so a value cannot show an icon.
 */
export function labelText(text: string, max = LENS_TITLE_MAX): string {
  return cellText(text, max).replace(/\$\(/g, '\\$(');
}

export type LensKind = 'identity' | 'request';

/** Arguments of the record actions command, as a lens passes them. */
export interface RecordActionArgs {
  uri: string;
  /** Offset of the record's first character in the document. */
  recordStart: number;
  kind: LensKind;
}

class RecordLens extends vscode.CodeLens {
  constructor(
    range: vscode.Range,
    readonly document: vscode.TextDocument,
    readonly version: number,
    readonly record: IndexedRecord,
    readonly kind: LensKind,
  ) {
    super(range);
  }
}

/** The record's text (only its own range is fetched from the document) parsed, or undefined. */
export function readRecord(
  document: vscode.TextDocument,
  record: IndexedRecord,
): CloudTrailRecord | undefined {
  const text = document.getText(
    new vscode.Range(document.positionAt(record.start), document.positionAt(record.end)),
  );
  return parseRecord(text, record);
}

/**
 * The lens title for a record: who acted, or what the call did (hidden characters from the log
 * shown as markers, so `admin` plus invisible tags does not read as `admin`). Exported for tests.
 */
export function lensTitle(
  record: CloudTrailRecord,
  kind: LensKind,
  origin?: Origin,
): { title: string; tooltip: string } {
  if (kind === 'identity') {
    const who = describeIdentity(record.userIdentity, record);
    const icon = who.risk === 'high' || who.conflicts.length ? '$(warning)' : '$(person)';
    const behind = origin && originWorthSaying(origin) ? ` · ${describeOrigin(origin)}` : '';
    const chain =
      behind && origin!.hops.length
        ? [
            '',
            'Credential chain:',
            ...origin!.hops.map((h) => `${h.eventName} ${h.eventID} → ${h.arn}`),
          ]
        : [];
    return {
      title: `${icon} ${labelText(who.summary + behind)}`,
      tooltip:
        tooltipText([
          ...who.facts.map((f) => `${f.label}: ${f.value}`),
          ...(behind ? [`Origin: ${describeOrigin(origin!)}`] : []),
          ...chain,
        ]) || who.summary,
    };
  }
  const what = describeRequest(record);
  const title = what.risky
    ? `$(warning) ${labelText(`${what.summary} · ${what.risky}`)}`
    : `$(symbol-event) ${labelText(what.summary)}`;
  const params = what.keyParameters.slice(0, 12).map((p) => `${p.name}: ${p.value}`);
  return {
    title,
    tooltip: tooltipText([
      what.summary,
      ...(what.risky ? [`Why it matters: ${what.risky}`] : []),
      ...params,
      `API reference: ${what.apiReferenceUrl}`,
    ]),
  };
}

/**
 * A tooltip of lines, each shown whole on its own line (cellText): a hop's ARN or an origin's
 * name with a line break in it must not add a line of its own to what the tooltip lists.
 */
function tooltipText(lines: string[]): string {
  return lines.map((l) => cellText(l, Infinity)).join('\n');
}

/**
 * Whether the origin adds to what the lens already says: only when a chain was followed (hops).
 * Without hops the origin is the caller itself (an IAM user, a SAML or web identity, an Identity
 * Center user on whose behalf), which the lens names already; a session whose key was issued
 * outside the loaded events is left as it is, not flagged on every line of a log.
 */
export function originWorthSaying(o: Origin): boolean {
  return o.hops.length > 0;
}

/** At most this many lenses are resolved with the list (each costs about 0.15 ms). */
const EAGER_LENSES = 120;
/** Lines beyond the visible ones (or from the top) whose lenses are resolved with the list. */
const EAGER_MARGIN = 150;

/** Line ranges of the document that are, or are about to be, on screen. */
function eagerLines(document: vscode.TextDocument): [number, number][] {
  const ranges = vscode.window.visibleTextEditors
    .filter((e) => e.document === document)
    .flatMap((e) => e.visibleRanges);
  if (ranges.length === 0) return [[0, EAGER_MARGIN]];
  return ranges.map((r) => [Math.max(0, r.start.line - EAGER_MARGIN), r.end.line + EAGER_MARGIN]);
}

export class RecordLensProvider implements vscode.CodeLensProvider<RecordLens> {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;
  private originLookup: OriginLookup | undefined;
  /** The last document an origin was looked for in, its text and keys (one at a time: a log can be 50 MB). */
  private keys: { uri: string; version: number; keys: DocumentKeys } | undefined;

  constructor(private readonly cache: RecordIndexCache) {}

  /** Origins from the open timelines (set once they exist); lenses are asked again when they change. */
  setOriginLookup(lookup: OriginLookup): void {
    this.originLookup = lookup;
  }

  /**
   * Who is behind the record: from an open timeline that loaded it (its scope is the widest),
   * else from the document's own events.
   */
  private originOf(lens: RecordLens, record: CloudTrailRecord): Origin | undefined {
    const eventID = typeof record.eventID === 'string' ? record.eventID : undefined;
    const fromTimeline = eventID ? this.originLookup?.(eventID) : undefined;
    if (fromTimeline && (fromTimeline.hops.length || !documentMaySayMore(fromTimeline)))
      return fromTimeline;
    const doc = lens.document;
    if (this.keys?.uri !== doc.uri.toString() || this.keys.version !== doc.version)
      this.keys = {
        uri: doc.uri.toString(),
        version: doc.version,
        keys: documentKeys(doc.getText()),
      };
    const fromDocument = originInDocument(
      this.keys.keys,
      this.cache.get(doc).records,
      lens.record,
      (r) => (r === lens.record ? record : readRecord(doc, r)),
    );
    // The document's answer when it got further than the timeline's (or there is no timeline).
    return fromDocument &&
      (!fromTimeline ||
        fromDocument.hops.length > fromTimeline.hops.length ||
        fromDocument.complete)
      ? fromDocument
      : fromTimeline;
  }

  refresh(): void {
    this.changed.fire();
  }

  provideCodeLenses(document: vscode.TextDocument, token: vscode.CancellationToken): RecordLens[] {
    if (!vscode.workspace.getConfiguration('cloudtrailLens').get<boolean>('codeLens.enabled', true))
      return [];
    const index = this.cache.get(document);
    const lenses: RecordLens[] = [];
    const at = (offset: number): vscode.Range => {
      const p = document.positionAt(offset);
      return new vscode.Range(p, p);
    };
    for (const record of index.records) {
      if (token.isCancellationRequested) return [];
      if (record.userIdentity !== undefined)
        lenses.push(
          new RecordLens(at(record.userIdentity), document, document.version, record, 'identity'),
        );
      const requestAnchor = record.requestParameters ?? record.eventName;
      if (requestAnchor !== undefined)
        lenses.push(
          new RecordLens(at(requestAnchor), document, document.version, record, 'request'),
        );
    }
    // The lenses on screen (or, before the editor is known, near the top) come resolved: VS Code
    // shows a lens with a command at once, where an unresolved one waits for its resolve round
    // (a debounce of 250 ms to over 1 s in a new window, then a trip to the extension host).
    const near = eagerLines(document);
    let eager = 0;
    for (const lens of lenses) {
      if (eager >= EAGER_LENSES) break;
      if (near.some(([from, to]) => lens.range.start.line >= from && lens.range.start.line <= to)) {
        this.resolveCodeLens(lens);
        eager++;
      }
    }
    return lenses;
  }

  resolveCodeLens(lens: RecordLens): RecordLens {
    const parsed =
      lens.document.version === lens.version ? readRecord(lens.document, lens.record) : undefined;
    if (!parsed) {
      lens.command = {
        title:
          lens.document.version === lens.version
            ? 'Not a valid CloudTrail record (invalid JSON)'
            : '…',
        command: '',
      };
      return lens;
    }
    const { title, tooltip } = lensTitle(
      parsed,
      lens.kind,
      lens.kind === 'identity' ? this.originOf(lens, parsed) : undefined,
    );
    const args: RecordActionArgs = {
      uri: lens.document.uri.toString(),
      recordStart: lens.record.start,
      kind: lens.kind,
    };
    lens.command = { title, tooltip, command: COMMANDS.recordActions, arguments: [args] };
    return lens;
  }

  dispose(): void {
    this.changed.dispose();
  }
}
