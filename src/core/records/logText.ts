// Turns the bytes of a CloudTrail log file (.json.gz or .json) into text a person can read:
// decompressed, checked against a size cap, and pretty-printed when it is one JSON value.
// Pure; the extension shows the result in a read-only document.
import { indentJson } from '../ingest/eventFile';
import { CorruptGzipError, DecompressionLimitError, gunzipCapped, isGzip } from '../ingest/gzip';
import { depthExceededAt, jsonErrorText, MAX_JSON_DEPTH } from '../ingest/jsonScan';
import { formatBytes } from '../output/bytes';

export interface LogText {
  text: string;
  /** Whether the text was re-indented (false: shown as stored, e.g. invalid JSON or JSON lines). */
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

/**
 * Decompresses (when gzip, with the project's capped gunzip) and pretty-prints a log file's
 * bytes. `name` is only used in messages. Throws LogTextError when the content is over
 * `maxBytes` once decompressed or the gzip stream is corrupt.
 */
export function renderLogText(bytes: Uint8Array, name: string, maxBytes: number): LogText {
  const compressed = isGzip(bytes);
  const limit = `${formatBytes(maxBytes)} (setting cloudtrailLens.documents.maxDecompressedSizeMB)`;
  let raw: Uint8Array = bytes;
  let ignored: string | undefined;
  if (compressed) {
    try {
      ({ data: raw, warning: ignored } = gunzipCapped(bytes, maxBytes));
    } catch (e) {
      if (e instanceof DecompressionLimitError)
        throw new LogTextError(
          `${name} decompresses to more than the limit of ${limit}.`,
          'too-large',
        );
      if (e instanceof CorruptGzipError)
        throw new LogTextError(`${name} is ${e.message}.`, 'corrupt-gzip');
      throw e;
    }
  } else if (bytes.length > maxBytes) {
    throw new LogTextError(
      `${name} is ${formatBytes(bytes.length)}, over the limit of ${limit}.`,
      'too-large',
    );
  }
  const shown = textOf(raw, name, compressed);
  if (!ignored) return shown;
  // Bytes after the last gzip member were not read: said first, whatever else is said.
  const warning = `${name}: ${ignored}.`;
  return { ...shown, warning: shown.warning ? `${warning} ${shown.warning}` : warning };
}

function textOf(raw: Uint8Array, name: string, compressed: boolean): LogText {
  const text = new TextDecoder('utf-8', { fatal: false }).decode(raw);
  if (text.includes('\u0000'))
    throw new LogTextError(
      `${name} does not contain text (binary data after decompression).`,
      'not-text',
    );
  // Re-indenting recurses (JSON.stringify): a document nested thousands deep is shown as stored.
  const deepAt = depthExceededAt(text);
  if (deepAt >= 0) {
    const line = text.slice(0, deepAt).split('\n').length;
    return {
      text,
      pretty: false,
      compressed,
      warning: `${name} nests more than ${MAX_JSON_DEPTH} levels deep (line ${line}); shown as stored, not re-indented.`,
    };
  }
  try {
    JSON.parse(text);
    // Indented with every token as stored: a log shown here must say what the file says.
    return { text: `${indentJson(text)}\n`, pretty: true, compressed };
  } catch (e) {
    // JSON lines stay as they are: one record per line is what makes them JSON lines.
    if (isJsonLines(text)) return { text, pretty: false, compressed };
    return {
      text,
      pretty: false,
      compressed,
      warning: `${name} is not valid JSON (${jsonErrorText(e)}); shown as stored.`,
    };
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
