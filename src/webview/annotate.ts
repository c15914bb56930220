// Star, tag and comment events from the table's keyboard: S stars (or un-stars) the selected
// rows, T tags them, Shift+T removes a tag, N writes a note. The host asks for the text and keeps
// the case file; the same actions are on the rows' context menu (VS Code's webview/context).
import type { AnnotateAction } from '../protocol';

const KEYS: Record<string, AnnotateAction> = { s: 'star', t: 'tag', T: 'untag', n: 'note' };

export function annotateKeys(
  table: { element: HTMLElement; selectedIds(): number[]; whenPicked(): Promise<boolean> },
  send: (ids: number[], action: AnnotateAction) => void,
): void {
  table.element.addEventListener('keydown', (e) => {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    const target = e.target as HTMLElement;
    if (target.closest('input, textarea, select')) return;
    const action = KEYS[e.key];
    if (!action) return;
    if (!table.selectedIds().length) return;
    e.preventDefault();
    // A Shift-click's run over rows not loaded yet: the action waits for them, and is not sent
    // for part of the run when the run was let go (a new result came first).
    void table.whenPicked().then((complete) => {
      if (complete) send(table.selectedIds(), action);
    });
  });
}
