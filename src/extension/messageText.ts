// Text for VS Code's notifications, progress messages and input-box prompts. These are not plain
// text: VS Code turns `[label](https://…)`, `[label](file:…)` and `[label](command:id?args)` in
// them into links, and opens a clicked one with commands allowed, so a file name, S3 key, filter
// or error message quoting log content could put a link there that runs any command (a terminal
// command through workbench.action.terminal.sendSequence) behind an innocent label. Every such
// message goes through messageText: hidden characters are shown as markers, as everywhere, and
// no `](` is left to make a link (it becomes `] (`, so the text reads the same).
import { revealHidden } from '../core/output/visibleText';

/** A message that may quote file names, keys, filters or log content, made inert for VS Code. */
export function messageText(text: string): string {
  return revealHidden(text).replace(/\]\(/g, '] (');
}
