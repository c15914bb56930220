// Bytes → text for event files. CloudTrail writes UTF-8, but evidence passes through other
// hands: Windows PowerShell's `>` redirect writes UTF-16 (little-endian, with a byte-order mark),
// and a file edited or converted elsewhere may hold Latin-1 bytes, which are not UTF-8.
// Indexing and raw fetches decode with this one function, so record positions always agree.
import { isAscii, isUtf8 } from 'node:buffer';
import { EventFileError } from './eventFile';

const utf8 = new TextDecoder('utf-8'); // replaces invalid bytes; drops a leading BOM
/** UTF-16 decoders by label, replacing (index 0) or throwing (1) on what is not UTF-16. */
const utf16: Record<string, InstanceType<typeof TextDecoder>[]> = {};

export interface DecodedText {
  text: string;
  /** Set when the file was not plain UTF-8: what it was and how it was read, for the file's notes. */
  note?: string;
  /** Set when some of its bytes were read as U+FFFD: its records differ from the file (a warning). */
  warning?: string;
}

/**
 * The warning of a file with bytes that are not UTF-8: each is read as U+FFFD, so the records as
 * shown, searched and exported are not the file's bytes there, and the user must be told.
 */
const INVALID_UTF8 =
  'not valid UTF-8 (Latin-1 or damaged text?): its invalid bytes were read as U+FFFD "\uFFFD", so its records as shown and exported differ from the file there';

export function decodeFileText(bytes: Uint8Array): DecodedText {
  const encoding = utf16Of(bytes);
  if (!encoding) {
    const text = utf8.decode(bytes);
    return isUtf8(bytes) ? { text } : { text, warning: INVALID_UTF8 };
  }
  const note = `${encoding.name} text, decoded`;
  try {
    return { text: decoderOf(encoding, true).decode(bytes), note };
  } catch {
    return { text: decoderOf(encoding).decode(bytes), note, warning: INVALID_UTF16 };
  }
}

/** The warning of a UTF-16 file that is not valid UTF-16 (see INVALID_UTF8). */
const INVALID_UTF16 =
  'not valid UTF-16 (an unpaired surrogate, or an odd byte at the end): those code units were read as U+FFFD "\uFFFD", so its records as shown and exported differ from the file there';

/**
 * A file's text as decodeFileText gives it, decoded only when first asked for whole. The bytes
 * of most log files are ASCII: the text's offsets are then the bytes' own, and a piece of it
 * (`slice`) is read from them. Indexing such a file in WebAssembly never decodes it whole (at a
 * million events that was 2 GB of strings to allocate and collect).
 */
export class FileText {
  /** Set when the file was not plain UTF-8: what it was and how it was read, for the file's notes. */
  readonly note?: string;
  /** Set when some of its bytes were read as U+FFFD (DecodedText.warning). */
  readonly warning?: string;
  /** The file's bytes, when they are ASCII (the text is then UTF-8, one character a byte). */
  readonly ascii: Buffer | undefined;
  private decoded: string | undefined;

  private constructor(
    text: string | undefined,
    ascii: Uint8Array | undefined,
    note?: string,
    warning?: string,
  ) {
    this.decoded = text;
    this.ascii = ascii && Buffer.from(ascii.buffer, ascii.byteOffset, ascii.length);
    this.note = note;
    this.warning = warning;
  }

  /** The text of a file's bytes (decodeFileText's rules; throws its errors). */
  static decode(bytes: Uint8Array): FileText {
    if (!utf16Of(bytes) && isAscii(bytes)) return new FileText(undefined, bytes);
    const { text, note, warning } = decodeFileText(bytes);
    return new FileText(text, undefined, note, warning);
  }

  /** A text decoded already, with the UTF-8 bytes it came from when there are any. */
  static of(text: string, bytes?: Uint8Array): FileText {
    const ascii = bytes && bytes.length === text.length && isAscii(bytes) ? bytes : undefined;
    return new FileText(text, ascii);
  }

  get text(): string {
    return (this.decoded ??= this.ascii!.toString('latin1'));
  }

  /** Whether the text was decoded whole (at once for a file that is not ASCII). */
  get decodedWhole(): boolean {
    return this.decoded !== undefined;
  }

  get length(): number {
    return this.ascii ? this.ascii.length : this.text.length;
  }

  /** text.slice(start, end), without decoding the whole of an ASCII file. */
  slice(start: number, end: number): string {
    if (this.decoded !== undefined || !this.ascii) return this.text.slice(start, end);
    const n = this.ascii.length;
    const from = Math.max(0, Math.min(start, n));
    return this.ascii.toString('latin1', from, Math.max(from, Math.min(end, n)));
  }
}

/** The UTF-16 a file is in (by its byte-order mark, or a zero byte beside JSON's first character), or undefined for UTF-8. Throws for UTF-32. */
function utf16Of(bytes: Uint8Array): { name: string; label: 'utf-16le' | 'utf-16be' } | undefined {
  const [b0, b1, b2, b3] = bytes;
  if (
    bytes.length >= 4 &&
    ((b0 === 0xff && b1 === 0xfe && b2 === 0 && b3 === 0) ||
      (b0 === 0 && b1 === 0 && b2 === 0xfe && b3 === 0xff))
  ) {
    throw new EventFileError(
      'encoding',
      'the file is UTF-32 text, which is not read: convert it to UTF-8 (e.g. iconv -f UTF-32 -t UTF-8)',
    );
  }
  // A byte-order mark, or (without one) JSON's first character, which is ASCII, beside a zero byte.
  if ((b0 === 0xff && b1 === 0xfe) || (bytes.length >= 2 && b0 !== 0 && b1 === 0)) {
    return {
      label: 'utf-16le',
      name: `UTF-16 little-endian${b0 === 0xff ? ' (as a PowerShell ">" redirect writes)' : ', without a byte-order mark'}`,
    };
  }
  if ((b0 === 0xfe && b1 === 0xff) || (bytes.length >= 2 && b0 === 0 && b1 !== 0))
    return { label: 'utf-16be', name: 'UTF-16 big-endian' };
  return undefined;
}

function decoderOf(
  encoding: { label: 'utf-16le' | 'utf-16be' },
  fatal = false,
): InstanceType<typeof TextDecoder> {
  const decoders = (utf16[encoding.label] ??= []);
  return (decoders[fatal ? 1 : 0] ??= new TextDecoder(encoding.label, { fatal }));
}
