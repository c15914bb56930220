// Log values are attacker-controlled. They are always put in the DOM as text, but text can
// still deceive: bidi overrides reorder what is shown (Trojan Source), zero-width characters
// hide differences between values that look equal, and control characters are invisible.
// Every such character is shown as a visible marker, e.g. ⟨U+202E⟩, so what the user reads is
// what the log holds.

// C0/C1 controls except tab, bidi embeddings/overrides/isolates, zero-width and invisible
// formatting characters, the BOM, line/paragraph separators.
const HIDDEN = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u00AD\u061C\u115F\u1160\u17B4\u17B5\u180E\u200B-\u200F\u2028-\u202E\u2060-\u206F\u3164\uFE00-\uFE0F\uFEFF\uFFA0\uFFF9-\uFFFB]/g;

export function revealHidden(text: string): string {
  return text.replace(HIDDEN, (c) => `⟨U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}⟩`);
}

/** For single-line cells: also shows line breaks, and cuts very long values (the detail pane has them whole). */
export function cellText(text: string, max = 400): string {
  const cut = text.length > max ? text.slice(0, max) + `… (${text.length.toLocaleString('en-US')} chars)` : text;
  return revealHidden(cut.replace(/\r\n|\r|\n/g, '⏎').replace(/\t/g, ' '));
}
