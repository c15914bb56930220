// What digest validation reports. The verdict kinds carry the same meaning as the lines of
// `aws cloudtrail validate-logs`; `unverifiable` and the findings are ours (beyond the CLI) and
// never change the CLI-compatible counts of valid and INVALID files.
import type { ChainId } from './chains';

export type DigestVerdictKind =
  | 'valid'
  | 'not-found'
  | 'invalid-format'
  | 'signature-failed'
  | 'moved'
  | 'key-not-found'
  | 'key-unloadable'
  | 'error'
  /** No signature for it offline: neither metadata, a signatures file nor a successor's previousDigestSignature. */
  | 'unverifiable';

export type LogVerdictKind = 'valid' | 'not-found' | 'hash-mismatch' | 'invalid-format' | 'error';

export type SignatureSource = 'metadata' | 'signatures-file' | 'next-digest';

export interface DigestVerdict {
  type: 'digest';
  kind: DigestVerdictKind;
  bucket: string;
  key: string;
  localPath?: string;
  /**
   * The CLI's text after "INVALID: " (empty for valid); for unverifiable, why when a signatures
   * file was given (report.ts noSignatureIn), else empty (see unverifiedText).
   */
  message: string;
  /** ISO times: from the digest when it could be read, else the end time from its name. */
  startTime?: string;
  endTime?: string;
  signatureSource?: SignatureSource;
  fingerprint?: string;
  /** Number of log files it lists (when it could be read). */
  logCount?: number;
}

export interface LogVerdict {
  type: 'log';
  kind: LogVerdictKind;
  bucket: string;
  key: string;
  localPath?: string;
  message: string;
  /** The digest that lists it. */
  digestKey: string;
  /** The SHA-256 of its content that digest lists (hashValue, as written). */
  hashValue?: string;
  /** Bytes after the first gzip member, which the digest's hash does not cover (log-trailing-data). */
  trailingBytes?: number;
  /** ISO delivery time from the file name, when it follows the layout. */
  deliveryTime?: string;
  oldestEventTime?: string;
  newestEventTime?: string;
}

/** The CLI's "No log files were delivered by CloudTrail between A and B" notice. */
export interface GapNotice {
  type: 'gap';
  /** ISO: end time (from its name) of the older digest the chain resumes at. */
  from: string;
  /** ISO: start time of the starting digest. */
  to: string;
  digestKey: string;
}

export type StatusEvent = DigestVerdict | LogVerdict | GapNotice;

export type FindingKind =
  /** A log object on disk that no digest lists, though digests cover its delivery time. */
  | 'unlisted-log'
  /**
   * Logs no digest lists, delivered after the chain's newest digest although its successor was
   * already due at the window's end: the newest digest(s) were deleted (or the copy predates them).
   */
  | 'chain-truncated'
  /** Logs after the newest digest whose successor is not yet due (not tampering: CloudTrail is still to list them). */
  | 'awaiting-digest'
  /**
   * No log after the newest digest, though its successor was due before the window's end: nothing
   * after it is vouched for, and newest digests deleted with their logs would leave no trace. Said,
   * not failed (nothing a load reads is unvouched for).
   */
  | 'chain-end'
  /** A digest whose signature is on record (signatures file) but whose object is gone. */
  | 'deleted-digest'
  /** previousDigestHashValue is not the SHA-256 of the previous digest (a re-signed or swapped digest). */
  | 'previous-hash-mismatch'
  /** previousDigestSignature is not the previous digest's signature from its metadata. */
  | 'previous-signature-mismatch'
  /** A digest's start time is not the end time of the digest it points to. */
  | 'window-discontinuity'
  /** A stop in the chain (a new starting digest), with its time span. */
  | 'gap'
  /** The previous-digest pointer leads back to a digest already walked. */
  | 'chain-cycle'
  /** Log objects delivered when no digest chain ran: before a chain's first digest, in a gap, or in a region with no digests at all. */
  | 'no-digests'
  /**
   * Log objects in the window of a region (or an organization trail's member account) that holds
   * none of a trail's digests although that trail's digests show it delivers beyond one region
   * (a chain whose region is not its home region) or one account (an organization trail):
   * validation is set for a whole trail, so the region's digests were most likely deleted. NOT
   * VALIDATED (not no-digests).
   */
  | 'region-digests-missing'
  /**
   * With --trail-arn: log objects in the chosen trail's folders that another trail's valid digests
   * list. They are that trail's, so they are not hashed here: said, not failed (--strict fails).
   */
  | 'other-trail-logs'
  /**
   * A listed log with bytes after its first gzip member: the digest's hash (and the AWS CLI)
   * covers only that member, but gunzip, and so every view of the events, reads an appended
   * member as more records.
   */
  | 'log-trailing-data'
  /**
   * A digest with bytes after its first gzip member: its signature covers only that member, so
   * its verdict and the logs it vouches for stand, but the object was changed after delivery,
   * and gunzip (and the editor's view of the digest) shows what was appended.
   */
  | 'digest-trailing-data'
  /**
   * An object in a log day folder that CloudTrail did not deliver there (not
   * `<acct>_CloudTrail_<region>_<YYYYMMDDTHHmmZ>_<unique>.json.gz` of that folder's account,
   * region and day, or in a sub-folder), the same in an Insights or digest day folder, or a file
   * above the day folders: no digest lists it and the AWS CLI never looks at it, but loading the
   * folder reads it as events.
   */
  | 'foreign-file'
  /**
   * Backfill digests (`…_backfill.json.gz`: logs CloudTrail delivered too late for their hour's
   * digest), which Debian's AWS CLI skips: how many were valid and how many logs they vouch for.
   */
  | 'backfill-validated'
  /** A backfill digest that is not valid (INVALID or UNVERIFIED): the logs it lists are NOT VALIDATED. */
  | 'backfill-invalid'
  /** A log a valid backfill digest lists that does not match it (INVALID). */
  | 'backfill-log-invalid'
  /**
   * A folder's files a load reads as events that lie outside the trails' folders validation
   * judges (exports, a tree in a hidden folder or nested in another AWSLogs folder, an account
   * folder CloudTrail does not make): no digest here vouches for them. Said, not failed (--strict fails).
   */
  | 'outside-trails'
  /**
   * CloudTrail Insights files of the window (`…/CloudTrail-Insight/<region>/YYYY/MM/DD/`, named as
   * CloudTrail names them): a load reads them as events, but AWS documents no digest coverage of
   * them, so no digest vouches for their events. Said, not failed (--strict fails), as logs with no
   * digests are.
   */
  | 'insights-unvouched'
  /** A digest verified with a key whose listed validity period does not include the digest's end time. */
  | 'key-outside-validity';

export interface Finding {
  kind: FindingKind;
  message: string;
  key?: string;
  localPath?: string;
  /** Related object (e.g. the previous digest). */
  relatedKey?: string;
  /** ISO span the finding concerns. */
  from?: string;
  to?: string;
  /** For findings about many objects (e.g. logs after a truncated chain). */
  keys?: string[];
}

export interface DigestCounts {
  validDigests: number;
  invalidDigests: number;
  unverifiableDigests: number;
  validLogs: number;
  invalidLogs: number;
  // Ours, beyond the CLI's counts (which they never change): log objects in the window that no
  // digest lists, by why, and digests whose signature is on record but whose object is gone.
  /** NOT VALIDATED: inside hours digests cover (unlisted-log), or after a newest digest whose successor was due (chain-truncated). */
  notValidatedLogs: number;
  /** Of those, the ones after the newest digest (chain-truncated). */
  truncatedLogs: number;
  /** After the newest digest, its successor not yet due (awaiting-digest). */
  awaitingLogs: number;
  /** Delivered when no chain ran: before its first digest or in a gap (no-digests). */
  uncoveredLogs: number;
  deletedDigests: number;
  /** Listed logs with bytes after the gzip member their digest hashes (log-trailing-data): what follows is NOT VALIDATED. */
  trailingDataLogs: number;
  /** Other objects in the trail's folders (foreign-file: in the day folders of the window, or above the day folders): NOT VALIDATED. */
  foreignFiles: number;
  /** Backfill digests not valid, and logs a valid one lists that do not match it (backfill-invalid, backfill-log-invalid). */
  invalidBackfill: number;
  /**
   * Of validLogs, those listed by an UNVERIFIED digest: their hash matches a digest whose
   * signature could not be checked here, so nothing signed vouches for them (they count as valid
   * in the AWS CLI's lines, which have no UNVERIFIED).
   */
  unverifiedLogs: number;
}

export interface ChainReport {
  chain: ChainId;
  trailArn: string;
  bucket: string;
  /** ISO, the window asked for. */
  requestedStart: string;
  requestedEnd: string;
  /** ISO, the CLI's "Results found for A to B" (absent when no valid digest). */
  foundStart?: string;
  foundEnd?: string;
  /** Every status line in the CLI's order. */
  events: StatusEvent[];
  /**
   * The backfill digests' verdicts and those of the logs the valid ones list: not among the AWS
   * CLI's lines (Debian's skips backfill digests), but what custody and the report judge those
   * logs by.
   */
  backfill: Array<DigestVerdict | LogVerdict>;
  findings: Finding[];
  counts: DigestCounts;
}

export interface ValidationReport {
  source: string;
  chains: ChainReport[];
  /** Findings not tied to one chain (e.g. logs with no digests at all). */
  findings: Finding[];
  /** The public keys used (fingerprint → file) and problems with them. */
  keyWarnings: string[];
}

/**
 * True when a chain report has anything not valid: INVALID or UNVERIFIED files (the AWS CLI's
 * verdicts), logs NOT VALIDATED because the digest that should list them is missing, logs with
 * data after what their digest hashes, objects CloudTrail did not deliver in the trail's folders,
 * backfill digests that are not valid (or logs that do not match one), or deleted digests. Other findings alone don't count (see exitCodeOf's --strict).
 */
export function chainFailed(c: ChainReport): boolean {
  const k = c.counts;
  return (
    k.invalidDigests +
      k.invalidLogs +
      k.unverifiableDigests +
      k.notValidatedLogs +
      k.trailingDataLogs +
      k.foreignFiles +
      k.invalidBackfill +
      k.deletedDigests >
    0
  );
}
