// Suppression comments, in the style of eslint / markdownlint, in every format's own comments
// (`//` and `/* */` in JSONC and HCL, `#` in YAML and HCL):
//   # cloudtrail-lens-disable rule-a, rule-b      off from this line on (no ids: every rule)
//   # cloudtrail-lens-enable rule-a               on again from this line on
//   # cloudtrail-lens-disable-next-line rule-a    off for the next line only
//   x: false # cloudtrail-lens-disable-line       off for this line only
// The format readers find the comments with their own scanners, so a `#` or `//` inside a string
// is never mistaken for one.
import { createScanner, SyntaxKind } from 'jsonc-parser';
import type { SourceComment } from './formats/types';
import type { LineIndex } from './tree';

type Directive = { kind: 'disable' | 'enable'; line: number; ids: string[] | 'all' };

const DIRECTIVE = /^\s*cloudtrail-lens-(disable-next-line|disable-line|disable|enable)\b([^\n]*)$/;

export class Suppressions {
  private readonly ranges: Directive[] = [];
  private readonly lines = new Map<number, string[] | 'all'>();

  constructor(comments: readonly SourceComment[], lines: LineIndex) {
    for (const c of comments) {
      const m = DIRECTIVE.exec(c.body.trim());
      if (!m) continue;
      const idsText = m[2].split('--')[0]; // "-- reason" after the ids, as in eslint
      const list = idsText.split(/[\s,]+/).filter(Boolean);
      const ids: string[] | 'all' = list.length ? list : 'all';
      const line = lines.lineOf(c.offset);
      if (m[1] === 'disable-line') this.addLine(line, ids);
      else if (m[1] === 'disable-next-line')
        this.addLine(lines.lineOf(c.offset + c.length) + 1, ids);
      else this.ranges.push({ kind: m[1] as 'disable' | 'enable', line, ids });
    }
  }

  private addLine(line: number, ids: string[] | 'all'): void {
    const prev = this.lines.get(line);
    this.lines.set(line, prev === 'all' || ids === 'all' ? 'all' : [...(prev ?? []), ...ids]);
  }

  /** Whether a finding of `ruleId` starting on 0-based `line` is suppressed. */
  suppressed(ruleId: string, line: number): boolean {
    const l = this.lines.get(line);
    if (l === 'all' || l?.includes(ruleId)) return true;
    let off = false;
    for (const d of this.ranges) {
      if (d.line > line) break;
      if (d.ids === 'all' || d.ids.includes(ruleId)) off = d.kind === 'disable';
    }
    return off;
  }
}

/** The comments of a JSONC text (the JSON scanner's; only when some may be a directive). */
export function jsoncComments(text: string): SourceComment[] {
  const out: SourceComment[] = [];
  if (!text.includes('cloudtrail-lens-')) return out;
  const scanner = createScanner(text, false);
  for (let kind = scanner.scan(); kind !== SyntaxKind.EOF; kind = scanner.scan()) {
    if (kind !== SyntaxKind.LineCommentTrivia && kind !== SyntaxKind.BlockCommentTrivia) continue;
    // getTokenValue() is off by one for comment tokens in jsonc-parser 3.3; slice the text instead.
    const raw = text.substr(scanner.getTokenOffset(), scanner.getTokenLength());
    out.push({
      offset: scanner.getTokenOffset(),
      length: scanner.getTokenLength(),
      body: kind === SyntaxKind.LineCommentTrivia ? raw.slice(2) : raw.slice(2, -2),
    });
  }
  return out;
}

/** Whether the text holds a comment (outside strings). */
export function hasComments(text: string): boolean {
  if (!text.includes('/')) return false;
  const scanner = createScanner(text, false);
  for (let kind = scanner.scan(); kind !== SyntaxKind.EOF; kind = scanner.scan()) {
    if (kind === SyntaxKind.LineCommentTrivia || kind === SyntaxKind.BlockCommentTrivia)
      return true;
  }
  return false;
}
