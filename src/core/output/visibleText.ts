// Log values are attacker-controlled. Wherever one is shown (the timeline, lenses, hovers, quick
// picks, the CLI's table, a terminal, a CSV cell) it is shown as text, but text can still
// deceive: bidi overrides reorder what is shown (Trojan Source), zero-width characters, Unicode
// tag characters ("ASCII smuggling": `admin` followed by invisible tags looks like `admin`) and
// variation selectors hide differences between values that look equal, and control characters
// are invisible or, in a terminal, act. Every such character is shown as a visible marker, e.g.
// ⟨U+202E⟩, so what the user reads is what the log holds. This is the one definition of
// "hidden" and of how it is shown; every view uses it.

// Controls (Cc), format characters (Cf: bidi embeddings, overrides and isolates, zero-width
// characters, the BOM, tags, …), every default-ignorable code point (variation selectors
// U+FE00–FE0F and U+E0100–E01EF, Mongolian U+180B–180F, the grapheme joiner U+034F, Hangul
// fillers, …), line and paragraph separators, and lone surrogates (JSON can carry "\ud800").
const HIDDEN_SOURCE = '[\\p{Cc}\\p{Cf}\\p{Default_Ignorable_Code_Point}\\p{Zl}\\p{Zp}\\p{Cs}]';
/** Every hidden character but tab and line feed (text shown over several lines keeps them). */
const HIDDEN = new RegExp(`(?![\\t\\n])${HIDDEN_SOURCE}`, 'gu');
/** Every hidden character but tab, line feed and a CR that ends a line (CRLF). */
const HIDDEN_TERMINAL = new RegExp(`(?![\\t\\n]|\\r\\n)${HIDDEN_SOURCE}`, 'gu');
/** Every hidden character but tab, line feed and carriage return (in valid JSON, only white space between tokens). */
const HIDDEN_BUT_JSON_SPACE = new RegExp(`(?![\\t\\n\\r])${HIDDEN_SOURCE}`, 'gu');
/** Every hidden character, tab and line breaks included. */
const HIDDEN_ALL = new RegExp(HIDDEN_SOURCE, 'gu');
const LEADING_HIDDEN_OR_SPACE = new RegExp(`^(?:${HIDDEN_SOURCE}|\\s)+`, 'u');

function marker(c: string): string {
  return `⟨U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}⟩`;
}

/** The text with every hidden character but tab and line feed shown as a marker (⟨U+202E⟩). */
export function revealHidden(text: string): string {
  return text.replace(HIDDEN, marker);
}

/**
 * Foreign text (a file name, an S3 key, a log value, a message quoting them) inside one line of
 * line-oriented output: the CLI's text reports and notes, which are read and grepped line by line
 * and split at TABs, whether they go to a terminal, a file or a pipe. Every hidden character is
 * shown as a marker, tab and line breaks included, so a name holding `\nFINDING\t…` cannot end
 * its line and forge the next, nor add a field; nothing is cut (the name stays whole).
 */
export function lineText(text: string): string {
  return text.replace(HIDDEN_ALL, marker);
}

/**
 * Text for a terminal: every hidden character shown as a marker but tab, line feed and the CR
 * of a CRLF line end (a bare CR, which lets later text overwrite a line, is marked).
 */
export function terminalText(text: string): string {
  return text.replace(HIDDEN_TERMINAL, marker);
}

/** The text without the hidden and white-space characters it starts with. */
export function trimHiddenStart(text: string): string {
  return text.replace(LEADING_HIDDEN_OR_SPACE, '');
}

/** The first `max` UTF-16 units of the text, never ending inside a surrogate pair. */
export function cutText(text: string, max: number): string {
  if (text.length <= max) return text;
  const code = text.charCodeAt(max - 1);
  return text.slice(0, code >= 0xd800 && code <= 0xdbff ? max - 1 : max);
}

/** For single-line cells: also shows line breaks, and cuts very long values (the detail pane has them whole). */
export function cellText(text: string, max = 400): string {
  const cut =
    text.length > max
      ? cutText(text, max) + `… (${text.length.toLocaleString('en-US')} chars)`
      : text;
  return revealHidden(cut.replace(/\r\n|\r|\n/g, '⏎').replace(/\t/g, ' '));
}

/**
 * JSON text with every hidden character written as a `\uXXXX` escape. For valid JSON this keeps
 * the value exactly while nothing invisible or acting is left in the text: what a terminal gets
 * when it is shown JSON lines. Valid JSON holds a raw control character only as white space
 * between tokens (tab, line feed, carriage return; an escape there would make the text invalid):
 * tabs and line feeds are kept, and a carriage return that does not end a line (it would let later
 * text overwrite the line) becomes a space.
 */
export function escapeHiddenInJson(json: string): string {
  return json
    .replace(HIDDEN_BUT_JSON_SPACE, (c) => {
      let out = '';
      for (let i = 0; i < c.length; i++)
        out += `\\u${c.charCodeAt(i).toString(16).padStart(4, '0')}`;
      return out;
    })
    .replace(/\r(?!\n)/g, ' ');
}
