// Which field of a record the cursor is on, for hovers: jsonc-parser's getLocation run over the
// record's own text only, so it stays fast in huge documents. Kept apart from recordIndex so
// code that only needs the index does not load jsonc-parser.
import { getLocation, type JSONPath } from 'jsonc-parser';
import type { IndexedRecord } from './recordIndex';

export interface FieldLocation {
  /** Path relative to the record (or the lookup-events entry, prefixed with "Events", 0). */
  path: JSONPath;
  /** Whether the offset is on a property name. */
  isKey: boolean;
  /** The literal value under the cursor, when the cursor is on one. */
  value?: string | number | boolean | null;
  /** The range of the key or value under the cursor (document offsets). */
  range?: { offset: number; length: number };
}

/**
 * Where a document offset falls inside a record, given the record's own text: the field path
 * and whether it is on a key or a value. Only that text is scanned, so this stays fast in huge
 * documents. undefined inside a lookup-events CloudTrailEvent string.
 */
export function locateField(
  ownText: string,
  record: IndexedRecord,
  offset: number,
): FieldLocation | undefined {
  if (offset < record.start || offset >= record.end) return undefined;
  if (
    record.embedded &&
    offset > record.embedded.offset &&
    offset < record.embedded.offset + record.embedded.length
  )
    return undefined;
  const loc = getLocation(ownText, offset - record.start);
  const node = loc.previousNode;
  const path = record.embedded ? ['Events', 0, ...loc.path] : loc.path;
  const range = node ? { offset: record.start + node.offset, length: node.length } : undefined;
  const value =
    !loc.isAtPropertyKey &&
    node &&
    node.type !== 'object' &&
    node.type !== 'array' &&
    node.type !== 'property'
      ? (node.value as string | number | boolean | null)
      : undefined;
  return { path, isKey: loc.isAtPropertyKey, value, range };
}
