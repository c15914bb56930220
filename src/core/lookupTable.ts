// Tables looked up with text from a log (an eventSource, an errorCode, a field name) must not
// answer for the names every plain object inherits: `constructor`, `__proto__`, `toString`,
// `hasOwnProperty`… A lookup table here is an object without a prototype, so such a name is just
// a missing key, never one of Object's methods or its prototype.

/** The entries as an object without a prototype; a missing key reads as undefined. */
export function lookupTable<T>(
  entries: Record<string, T>,
): Readonly<Record<string, T | undefined>> {
  return Object.freeze(Object.assign(Object.create(null) as Record<string, T>, entries));
}
