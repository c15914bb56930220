// Line and indentation helpers for the text edits of line-oriented formats (YAML, HCL).
import { formattingOf } from '../edits';
import type { TextEdit } from '../types';

export function lineStartOf(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

/** The offset of the line break ending the line `offset` is on (or the text's end). */
export function lineEndOf(text: string, offset: number): number {
  const nl = text.indexOf('\n', offset);
  if (nl < 0) return text.length;
  return text[nl - 1] === '\r' ? nl - 1 : nl;
}

/** The whitespace that starts the line `offset` is on. */
export function indentOf(text: string, offset: number): string {
  const start = lineStartOf(text, offset);
  return /^[ \t]*/.exec(text.slice(start, offset + 1))![0];
}

/** One level of the document's indentation, and its line break. */
export function unitOf(text: string): { unit: string; eol: string } {
  const fmt = formattingOf(text);
  return { unit: fmt.insertSpaces ? ' '.repeat(fmt.tabSize ?? 2) : '\t', eol: fmt.eol ?? '\n' };
}

/**
 * The range of whole lines from the line of `start` to the line of `end` (its line break
 * included), for removing a block or a mapping entry without leaving an empty line.
 */
export function wholeLines(
  text: string,
  start: number,
  end: number,
): { offset: number; length: number } {
  const from = lineStartOf(text, start);
  const lineEnd = lineEndOf(text, Math.max(end - 1, start));
  let to = lineEnd;
  if (text[to] === '\r') to++;
  if (text[to] === '\n') to++;
  return { offset: from, length: to - from };
}

/**
 * Joins insertions that fall where a removal starts into that removal, so that no two edits
 * start at the same offset (editors and applyEdits order such edits differently).
 */
export function joinEdits(edits: TextEdit[]): TextEdit[] {
  const out: TextEdit[] = [];
  for (const e of edits) {
    const same = out.find((o) => o.offset === e.offset);
    if (!same) out.push({ ...e });
    else if (e.length === 0) same.newText = e.newText + same.newText;
    else if (same.length === 0)
      Object.assign(same, { length: e.length, newText: same.newText + e.newText });
    else out.push({ ...e });
  }
  return out;
}
