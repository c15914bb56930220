// Turns the bytes of a CloudTrail log file (.json.gz or .json) into text a person can read:
// decompressed, checked against a size cap, and pretty-printed when it is one JSON value.
// Pure; the extension shows the result in a read-only document.
import { gunzipSync } from 'fflate';

export interface LogText {
  text: string;
  /** Whether the text was re-indented (false: shown as stored, e.g. invalid JSON). */
  pretty: boolean;
  /** Whether the bytes were gzip-compressed. */
  compressed: boolean;
  /** A problem the reader should know about (invalid JSON …); the text is still shown. */
  warning?: string;
}

export class LogTextError extends Error {
  constructor(
    message: string,
    readonly code: 'too-large' | 'corrupt-gzip' | 'not-text',
  ) {
    super(message);
    this.name = 'LogTextError';
  }
}

const MB = 1024 * 1024;

export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * The uncompressed size a gzip member declares in its trailer (ISIZE, modulo 2^32). Reading it
 * first lets a decompression bomb be refused before any memory is spent on it.
 */
export function declaredGunzipSize(bytes: Uint8Array): number {
  const n = bytes.length;
  if (n < 18) return 0;
  return (bytes[n - 4] | (bytes[n - 3] << 8) | (bytes[n - 2] << 16) | (bytes[n - 1] << 24)) >>> 0;
}

/**
 * Decompresses (when gzip) and pretty-prints a log file's bytes. `name` is only used in
 * messages. Throws LogTextError when the content is over `maxBytes` once decompressed or the
 * gzip stream is corrupt.
 */
export function renderLogText(bytes: Uint8Array, name: string, maxBytes: number): LogText {
  const compressed = isGzip(bytes);
  let raw: Uint8Array = bytes;
  const limit = `${Math.round(maxBytes / MB)} MB (setting cloudtrailLens.documents.maxDecompressedSizeMB)`;
  if (compressed) {
    const declared = declaredGunzipSize(bytes);
    // ISIZE is modulo 4 GiB: a compressed file bigger than that limit is over any sane cap anyway.
    if (declared > maxBytes || bytes.length > maxBytes) {
      throw new LogTextError(`${name} decompresses to ${(declared / MB).toFixed(1)} MB, over the limit of ${limit}.`, 'too-large');
    }
    try {
      raw = gunzipSync(bytes, declared > 0 ? { out: new Uint8Array(declared) } : undefined);
    } catch (e) {
      throw new LogTextError(`${name} is not a valid gzip file (${e instanceof Error ? e.message : String(e)}).`, 'corrupt-gzip');
    }
    if (raw.length > maxBytes) throw new LogTextError(`${name} decompresses to more than ${limit}.`, 'too-large');
  } else if (bytes.length > maxBytes) {
    throw new LogTextError(`${name} is ${(bytes.length / MB).toFixed(1)} MB, over the limit of ${limit}.`, 'too-large');
  }
  const text = new TextDecoder('utf-8', { fatal: false }).decode(raw);
  if (text.includes('\u0000')) throw new LogTextError(`${name} does not contain text (binary data after decompression).`, 'not-text');
  try {
    return { text: `${JSON.stringify(JSON.parse(text), null, 2)}\n`, pretty: true, compressed };
  } catch (e) {
    // JSON lines stay as they are: one record per line is what makes them JSON lines.
    if (isJsonLines(text)) return { text, pretty: false, compressed };
    return { text, pretty: false, compressed, warning: `${name} is not valid JSON (${e instanceof Error ? e.message : String(e)}); shown as stored.` };
  }
}

function isJsonLines(text: string): boolean {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  if (lines.length < 2) return false;
  return lines.every((line) => {
    try {
      JSON.parse(line);
      return true;
    } catch {
      return false;
    }
  });
}
