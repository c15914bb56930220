// Object keys as file names. S3 keys are attacker-chosen text; written as files (a download to a
// folder, the S3 cache) each segment must be a plain name on every platform: no device names that
// Windows reserves (CON, aux.json.gz), no ':' (an alternate data stream on NTFS), no name that
// Windows would silently change (a trailing dot or space), nothing over 255 bytes.
import { createHash } from 'node:crypto';

const WINDOWS_RESERVED =
  /^(con|prn|aux|nul|com[0-9\u00b9\u00b2\u00b3]|lpt[0-9\u00b9\u00b2\u00b3])(\..*)?$/i;
const WINDOWS_FORBIDDEN = /[<>:"\\|?*\u0000-\u001f]/;
export const MAX_NAME_BYTES = 255;

/** Why `segment` cannot be written as a file name everywhere, or undefined when it can. */
export function unportableName(segment: string): string | undefined {
  if (segment === '' || segment === '.' || segment === '..')
    return `the path segment "${segment}" is not a name`;
  if (WINDOWS_FORBIDDEN.test(segment))
    return `"${segment.replace(/[\u0000-\u001f]/g, '?')}" holds a character file names may not (":" would write an alternate data stream on Windows)`;
  if (/[. ]$/.test(segment))
    return `"${segment}" ends with a dot or a space (Windows would drop it)`;
  if (WINDOWS_RESERVED.test(segment))
    return `"${segment}" is a device name Windows reserves (CON, PRN, AUX, NUL, COM1–9, LPT1–9)`;
  if (Buffer.byteLength(segment) > MAX_NAME_BYTES)
    return `a name of ${Buffer.byteLength(segment)} bytes is longer than file systems allow (${MAX_NAME_BYTES})`;
  return undefined;
}

/**
 * A file name for a key's last segment that is safe everywhere and close to the original (an
 * editor opening the cached file shows it and sees `.json.gz`): forbidden characters become '_',
 * a reserved name gets a '_' in front, and a long name becomes a hash of the key plus its extension.
 */
export function safeFileName(key: string, maxBytes = 200): string {
  const base = key.slice(key.lastIndexOf('/') + 1) || 'object';
  let name = base
    .replace(/[<>:"\\|?*\u0000-\u001f]/g, '_')
    .replace(/[. ]+$/, (m) => '_'.repeat(m.length));
  if (WINDOWS_RESERVED.test(name)) name = `_${name}`;
  if (Buffer.byteLength(name) > maxBytes) {
    const ext = /(\.[A-Za-z0-9]{1,10}){0,2}$/.exec(name)?.[0] ?? '';
    name = `${createHash('sha256').update(key).digest('hex').slice(0, 32)}${ext}`;
  }
  return name;
}
