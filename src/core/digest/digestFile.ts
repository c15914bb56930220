// The digest file's contents and the exact string CloudTrail signs (spec §2, §3.2).
import { fileNameTime, utcMs } from '../time';

export interface DigestLogEntry {
  s3Bucket: string;
  s3Object: string;
  hashValue: string;
  hashAlgorithm?: string;
  newestEventTime?: string | null;
  oldestEventTime?: string | null;
}

export interface DigestJson {
  awsAccountId?: string;
  digestStartTime: string;
  digestEndTime: string;
  digestS3Bucket: string;
  digestS3Object: string;
  digestPublicKeyFingerprint: string;
  digestSignatureAlgorithm?: string;
  newestEventTime?: string | null;
  oldestEventTime?: string | null;
  previousDigestS3Bucket?: string | null;
  previousDigestS3Object?: string | null;
  previousDigestHashValue?: string | null;
  previousDigestHashAlgorithm?: string | null;
  previousDigestSignature: string | null;
  logFiles: DigestLogEntry[];
}

/** The six keys the CLI requires; any missing makes the digest "invalid format". */
export const REQUIRED_DIGEST_KEYS = [
  'digestPublicKeyFingerprint',
  'digestS3Bucket',
  'digestS3Object',
  'previousDigestSignature',
  'digestEndTime',
  'digestStartTime',
] as const;

/** Parses decompressed digest bytes; undefined when it is not a JSON object. */
export function parseDigestJson(bytes: Uint8Array): Record<string, unknown> | undefined {
  try {
    const v = JSON.parse(Buffer.from(bytes).toString('utf8'));
    return v && typeof v === 'object' && !Array.isArray(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

/** True when all required keys are present (values may be null, as the CLI allows) and logFiles is a list. */
export function hasRequiredKeys(
  d: Record<string, unknown>,
): d is Record<string, unknown> & DigestJson {
  if (!REQUIRED_DIGEST_KEYS.every((k) => k in d)) return false;
  // The CLI would crash on a missing/invalid logFiles or unparseable times; we call that invalid format.
  if (!Array.isArray(d.logFiles)) return false;
  if (typeof d.digestStartTime !== 'string' || parseTime(d.digestStartTime) === undefined)
    return false;
  if (typeof d.digestEndTime !== 'string' || parseTime(d.digestEndTime) === undefined) return false;
  // The walk goes where these point (and reports that bucket): text, or null at a chain's start.
  for (const k of ['previousDigestS3Bucket', 'previousDigestS3Object'] as const)
    if (d[k] !== undefined && d[k] !== null && typeof d[k] !== 'string') return false;
  return d.logFiles.every(
    (l) => l && typeof l === 'object' && typeof (l as DigestLogEntry).s3Object === 'string',
  );
}

/** `<end>\n<bucket>/<key>\n<sha256 of uncompressed digest>\n<previous signature or null>`, no trailing newline. */
export function signedString(d: DigestJson, uncompressedSha256: string): string {
  return [
    d.digestEndTime,
    `${d.digestS3Bucket}/${d.digestS3Object}`,
    uncompressedSha256,
    d.previousDigestSignature ?? 'null',
  ].join('\n');
}

/**
 * Parses a timestamp as the CLI's dateutil would for CloudTrail's formats. Any UTC offset is
 * ignored, not applied, matching the CLI (spec §5.1). Returns ms since the epoch.
 */
export function parseTime(s: string): number | undefined {
  const m =
    /^(\d{4})-?(\d{2})-?(\d{2})(?:[T ](\d{2}):?(\d{2})(?::?(\d{2})(?:\.(\d+))?)?)?\s*(?:Z|[+-]\d{2}(?::?\d{2})?)?$/i.exec(
      s.trim(),
    );
  if (!m) return undefined;
  const [, y, mo, d, h = '0', mi = '0', sec = '0', frac = ''] = m;
  if (+h > 23 || +mi > 59 || +sec > 59) return undefined;
  const ms = utcMs(
    +y,
    +mo - 1,
    +d,
    +h,
    +mi,
    +sec,
    frac ? Math.floor(Number(`0.${frac}`) * 1000) : 0,
  );
  const back = new Date(ms);
  if (Number.isNaN(ms) || back.getUTCMonth() !== +mo - 1 || back.getUTCDate() !== +d)
    return undefined;
  return ms;
}

/**
 * The UTC offset written after the time in `s` that parseTime ignores (`+02:00`), or undefined when
 * there is none or it is zero: what validate tells the user it did not apply.
 */
export function ignoredOffset(s: string): string | undefined {
  const m = /[T ][\d:.]+\s*([+-]\d{2}(?::?\d{2})?)$/i.exec(s.trim());
  return m && /[1-9]/.test(m[1]) ? m[1] : undefined;
}

/** `YYYYMMDDTHHMMSSZ`, the CLI's format for comparing digest names (spec §5.2). */
export function compactTime(ms: number): string {
  return fileNameTime(ms, true);
}
