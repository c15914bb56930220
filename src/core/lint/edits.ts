// Text edits for quick fixes, computed on the text so that the editor and the CLI can apply the
// same fix. Edits touch only the text they change, so comments and layout stay as they were.
import type { FormattingOptions } from 'jsonc-parser';
import type { TextEdit } from './types';
import { prop, type Node } from './tree';

let memo: { text: string; fmt: FormattingOptions } | undefined;

/** The indentation the document already uses, so inserted text matches it. */
export function formattingOf(text: string): FormattingOptions {
  // Every fix of a lint run asks about the same text; scanning it once per fix would be quadratic.
  if (memo?.text === text) return memo.fmt;
  memo = { text, fmt: detectFormatting(text) };
  return memo.fmt;
}

function detectFormatting(text: string): FormattingOptions {
  const m = /\n([ \t]+)\S/.exec(text);
  const indent = m?.[1] ?? '  ';
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  if (indent.startsWith('\t')) return { insertSpaces: false, tabSize: 4, eol };
  return { insertSpaces: true, tabSize: Math.min(Math.max(indent.length, 1), 8), eol };
}

/** Sets property `key` of object `obj` to `value`: replaces the value in place, or inserts the property. */
export function setProperty(text: string, obj: Node, key: string, value: unknown): TextEdit[] {
  const existing = prop(obj, key);
  // Replacing in place keeps the surrounding layout and comments exactly as they are.
  if (existing) return [replaceNode(existing, value)];
  return [insertProperty(text, obj, key, value)];
}

/** The indentation of the line `offset` is on, when only whitespace precedes it there. */
function indentAt(text: string, offset: number): string | undefined {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  const before = text.slice(lineStart, offset);
  return /^[ \t]*$/.test(before) ? before : undefined;
}

/**
 * Appends property `key` to object `obj`, on its own line at the indentation of the last
 * property. Plain offsets, no re-parse: fixes are computed for every finding, so this stays cheap.
 */
export function insertProperty(text: string, obj: Node, key: string, value: unknown): TextEdit {
  const fmt = formattingOf(text);
  const member = `${JSON.stringify(key)}: ${JSON.stringify(value)}`;
  const props = obj.children ?? [];
  const last = props[props.length - 1];
  if (last) {
    const indent = indentAt(text, last.offset);
    const sep = indent === undefined ? ', ' : `,${fmt.eol}${indent}`;
    return { offset: last.offset + last.length, length: 0, newText: sep + member };
  }
  const unit = fmt.insertSpaces ? ' '.repeat(fmt.tabSize ?? 2) : '\t';
  const outer = indentAt(text, obj.offset) ?? '';
  return {
    offset: obj.offset,
    length: obj.length,
    newText: `{${fmt.eol}${outer}${unit}${member}${fmt.eol}${outer}}`,
  };
}

/**
 * Removes `node` (an array item or an object property) with the comma that separates it from
 * its neighbour, leaving everything else (layout, comments) untouched.
 */
export function removeNode(node: Node): TextEdit {
  const siblings = node.parent?.children ?? [node];
  const i = siblings.indexOf(node);
  const prev = siblings[i - 1];
  const next = siblings[i + 1];
  if (prev)
    return {
      offset: prev.offset + prev.length,
      length: node.offset + node.length - (prev.offset + prev.length),
      newText: '',
    };
  if (next) return { offset: node.offset, length: next.offset - node.offset, newText: '' };
  return { offset: node.offset, length: node.length, newText: '' };
}

/** Replaces a node's text by `value` serialised as JSON. */
export function replaceNode(node: Node, value: unknown): TextEdit {
  return { offset: node.offset, length: node.length, newText: JSON.stringify(value) };
}

/** Applies non-overlapping edits (offsets in the original text). The CLI and tests use it. */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const sorted = [...edits].sort((a, b) => b.offset - a.offset);
  let out = text;
  let lastStart = Infinity;
  for (const e of sorted) {
    if (e.offset + e.length > lastStart) throw new Error('overlapping edits');
    out = out.slice(0, e.offset) + e.newText + out.slice(e.offset + e.length);
    lastStart = e.offset;
  }
  return out;
}
