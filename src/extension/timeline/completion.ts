// Completion in the filter box: field names (the query language's aliases and well-known paths)
// where a field is being typed, frequent values of the field after `field:`. The inserted text
// comes from the query language's own formatter, so a value with quotes or spaces stays exact.
import { CompletionItem, LIMITS } from '../../protocol';
import { fieldCompletions, resolveField } from '../../core/query/fields';
import { formatTermWithin } from '../../core/query/format';

const MAX_ITEMS = 30;

export type ValueSource = (
  paths: string[],
  prefix: string,
  limit: number,
) => { value: string; count: number }[];

/** The word around the cursor: from the last space or "(" before it to the next space after it. */
function wordAt(text: string, cursor: number): { from: number; to: number } {
  let from = Math.min(cursor, text.length);
  let inQuote = false;
  // Quotes are counted from the start so a space inside "…" does not end the word.
  let wordStart = 0;
  for (let i = 0; i < from; i++) {
    const c = text[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (c === '"') inQuote = !inQuote;
    else if (!inQuote && (c === ' ' || c === '(' || c === ')' || c === '\t')) wordStart = i + 1;
  }
  from = wordStart;
  let to = cursor;
  while (to < text.length && !/[\s()]/.test(text[to])) to++;
  return { from, to };
}

export function completionsAt(text: string, cursor: number, values: ValueSource): CompletionItem[] {
  cursor = Math.max(0, Math.min(cursor, text.length));
  const { from, to } = wordAt(text, cursor);
  let word = text.slice(from, cursor);
  let negate = false;
  let start = from;
  if (word.startsWith('-')) {
    negate = true;
    word = word.slice(1);
    start++;
  }
  if (word.startsWith('NOT')) return [];
  const colon = word.indexOf(':');
  if (colon < 0) {
    const lower = word.toLowerCase();
    return fieldCompletions()
      .filter((f) => f.label.toLowerCase().startsWith(lower) && f.label.toLowerCase() !== lower)
      .slice(0, MAX_ITEMS)
      .map((f) => ({ label: f.label, detail: f.detail, insert: `${f.label}:`, from: start, to }));
  }
  const field = word.slice(0, colon);
  const typed = word
    .slice(colon + 1)
    .replace(/^"/, '')
    .replace(/\\(.)/g, '$1');
  if (!field || /^[<>=]/.test(typed)) return [];
  const { paths } = resolveField(field);
  if (!paths.length) return [];
  const replaceFrom = negate ? start - 1 : start;
  // The filter must stay within what the host takes: a very long value is inserted as a prefix wildcard.
  const room = LIMITS.filterLength - (text.length - (to - replaceFrom)) - 1;
  return values(paths, typed, MAX_ITEMS).flatMap((v) => {
    const fitted = formatTermWithin(field, v.value, room, { negate });
    return fitted
      ? [
          {
            label: v.value === '' ? '""' : v.value,
            detail: `${v.count.toLocaleString('en-US')} events`,
            insert: fitted.term + ' ',
            from: replaceFrom,
            to,
          },
        ]
      : [];
  });
}
