// Starring, tagging and commenting events, wherever they are picked (timeline rows, a record's
// code lens in a log document): the tag or note is asked for here, the case store keeps it.
import * as vscode from 'vscode';
import { Annotation, normalizeTags } from '../../core/case/caseFile';
import { editRef } from '../../core/case/resolve';
import type { EventSummary } from '../../core/index/eventIndex';
import type { AnnotateAction } from '../../protocol';
import type { CaseStore } from './caseStore';
import { messageText } from '../messageText';

/**
 * `answer`, when given (a keybinding's or a test's argument), is the tag or note text, and no
 * input box is shown.
 */
export async function annotateEvents(
  store: CaseStore,
  events: ReadonlyArray<Pick<EventSummary, 'eventID' | 'fileKey' | 'eventTime' | 'row'>>,
  action: AnnotateAction,
  current: ReadonlyMap<number, Annotation>,
  answer?: string,
): Promise<boolean> {
  // An event's annotation is edited where it is (core/case/resolve.ts editRef).
  const refs = events.filter((e) => e.eventID !== '').map((e) => editRef(e, current.get(e.row)));
  if (refs.length === 0) {
    void vscode.window.showWarningMessage(
      'CloudTrail: these events have no eventID, so the case file cannot name them.',
    );
    return false;
  }
  const many = refs.length === 1 ? 'this event' : `these ${refs.length} events`;
  switch (action) {
    case 'star':
      return store.annotate(refs, { kind: 'toggle-star' });
    case 'tag':
    case 'untag': {
      const known = store.case.annotations.flatMap((a) => a.tags);
      const text =
        answer ??
        (await vscode.window.showInputBox({
          title: action === 'tag' ? `Tag ${many}` : `Remove a tag from ${many}`,
          prompt: messageText(
            `Tags, separated by commas or spaces${known.length ? ` (in use: ${[...new Set(known)].slice(0, 12).join(', ')})` : ''}`,
          ),
          placeHolder: 'exfil, persistence',
          validateInput: (v) =>
            normalizeTags(v.split(/[,\s]+/)).length ? undefined : 'Type at least one tag',
        }));
      if (text === undefined) return false;
      const tags = normalizeTags(text.split(/[,\s]+/));
      return store.annotate(
        refs,
        action === 'tag' ? { kind: 'add-tags', tags } : { kind: 'remove-tags', tags },
      );
    }
    case 'note': {
      const first = events.length === 1 ? current.get(events[0].row)?.note : undefined;
      const note =
        answer ??
        (await vscode.window.showInputBox({
          title: `Note on ${many}`,
          prompt: 'What this means for the investigation (empty removes the note)',
          value: first ?? '',
        }));
      if (note === undefined) return false;
      return store.annotate(refs, { kind: 'note', note });
    }
  }
}
