// Bytes → text for event files. CloudTrail writes UTF-8, but evidence passes through other
// hands: Windows PowerShell's `>` redirect writes UTF-16 (little-endian, with a byte-order mark).
// Indexing and raw fetches decode with this one function, so record positions always agree.
import { EventFileError } from './eventFile';

const utf8 = new TextDecoder('utf-8'); // replaces invalid bytes; drops a leading BOM
let utf16le: InstanceType<typeof TextDecoder> | undefined;
let utf16be: InstanceType<typeof TextDecoder> | undefined;

export interface DecodedText {
  text: string;
  /** Set when the file was not UTF-8: what it was, for the file's notes. */
  encoding?: string;
}

export function decodeFileText(bytes: Uint8Array): DecodedText {
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
      text: (utf16le ??= new TextDecoder('utf-16le')).decode(bytes),
      encoding: `UTF-16 little-endian${b0 === 0xff ? ' (as a PowerShell ">" redirect writes)' : ', without a byte-order mark'}`,
    };
  }
  if ((b0 === 0xfe && b1 === 0xff) || (bytes.length >= 2 && b0 === 0 && b1 !== 0)) {
    return {
      text: (utf16be ??= new TextDecoder('utf-16be')).decode(bytes),
      encoding: 'UTF-16 big-endian',
    };
  }
  return { text: utf8.decode(bytes) };
}
