// Text edits for quick fixes, computed on the text so that the editor and the CLI can apply the
// same fix. jsonc-parser's `modify` does the structural work and keeps comments intact.
import { FormattingOptions, getNodePath, modify } from 'jsonc-parser';
import type { TextEdit } from './types';
import type { Node } from './tree';

/** The indentation the document already uses, so inserted text matches it. */
export function formattingOf(text: string): FormattingOptions {
  const m = /\n([ \t]+)\S/.exec(text);
  const indent = m?.[1] ?? '  ';
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  if (indent.startsWith('\t')) return { insertSpaces: false, tabSize: 4, eol };
  return { insertSpaces: true, tabSize: Math.min(Math.max(indent.length, 1), 8), eol };
}

function fromModify(text: string, path: (string | number)[], value: unknown): TextEdit[] {
  return modify(text, path, value, { formattingOptions: formattingOf(text) }).map((e) => ({
    offset: e.offset,
    length: e.length,
    newText: e.content,
  }));
}

/** Sets property `key` of object `obj` to `value`: replaces the value in place, or inserts the property. */
export function setProperty(text: string, obj: Node, key: string, value: unknown): TextEdit[] {
  const existing = obj.children?.find((p) => p.children?.[0]?.value === key)?.children?.[1];
  // Replacing in place keeps the surrounding layout and comments exactly as they are.
  if (existing) return [replaceNode(existing, value)];
  return fromModify(text, [...getNodePath(obj), key], value);
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
  if (prev) return { offset: prev.offset + prev.length, length: node.offset + node.length - (prev.offset + prev.length), newText: '' };
  if (next) return { offset: node.offset, length: next.offset - node.offset, newText: '' };
  return { offset: node.offset, length: node.length, newText: '' };
}

/** Removes item `index` of `array`, with its separating comma. */
export function removeItem(array: Node, index: number): TextEdit[] {
  const item = array.children?.[index];
  return item ? [removeNode(item)] : [];
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
