// Renders a chain report exactly as `aws cloudtrail validate-logs` prints it (spec §5.4: same
// lines, TABs, blank lines and stdout/stderr split), then our extra findings on clearly marked
// lines that a diff against the CLI's output can drop.
import { parseTime } from './digestFile';
import {
  ChainReport,
  chainFailed,
  DigestCounts,
  DigestVerdict,
  Finding,
  FindingKind,
  ValidationReport,
} from './types';
import { formatSeconds } from '../time';
import { lineText } from '../output/visibleText';

export interface TextSink {
  out(text: string): void;
  err(text: string): void;
}

/** The marker every extra line starts with. */
export const FINDING_PREFIX = 'FINDING';

const show = (isoTime: string): string => formatSeconds(parseTime(isoTime) ?? 0);

export function writeChainText(report: ChainReport, sink: TextSink, verbose: boolean): void {
  sink.out(
    `Validating log files for trail ${lineText(report.trailArn)} between ${show(report.requestedStart)} and ${show(report.requestedEnd)}\n\n`,
  );
  let lastDoubleSpaced = true;
  const problem = (message: string) => {
    sink.err(lastDoubleSpaced ? `${message}\n\n` : `\n${message}\n\n`);
    lastDoubleSpaced = true;
  };
  const ok = (message: string) => {
    if (!verbose) return;
    sink.out(`${message}\n`);
    lastDoubleSpaced = false;
  };
  for (const e of report.events) {
    if (e.type === 'gap') {
      problem(
        `No log files were delivered by CloudTrail between ${show(e.from)} and ${show(e.to)}`,
      );
      continue;
    }
    const what = e.type === 'digest' ? 'Digest file' : 'Log file';
    // Keys, buckets and messages quoting them are foreign: each stays on its line (lineText).
    const line = `${what}\ts3://${lineText(e.bucket)}/${lineText(e.key)}`;
    if (e.kind === 'valid') ok(`${line}\tvalid`);
    else if (e.kind === 'unverifiable')
      problem(
        `${line}\t${lineText(unverifiedText(e, ' (give --signatures FILE with its S3 metadata)'))}`,
      );
    else problem(`${line}\tINVALID: ${lineText(e.message)}`);
  }
  const c = report.counts;
  let summary = lastDoubleSpaced ? '' : '\n';
  summary += `Results requested for ${show(report.requestedStart)} to ${show(report.requestedEnd)}\n`;
  const digests = c.validDigests + c.invalidDigests + c.unverifiableDigests;
  if (digests === 0) {
    sink.out(summary + 'No digests found\n');
  } else {
    if (report.foundStart === undefined || report.foundEnd === undefined)
      summary += 'No valid digests found in range\n';
    else summary += `Results found for ${show(report.foundStart)} to ${show(report.foundEnd)}:\n`;
    summary += `\n${c.validDigests}/${digests} digest files valid`;
    if (c.invalidDigests) summary += `, ${c.invalidDigests}/${digests} digest files INVALID`;
    if (c.unverifiableDigests)
      summary += `, ${c.unverifiableDigests}/${digests} digest files UNVERIFIED`;
    const logs = c.validLogs + c.invalidLogs;
    if (logs) {
      summary += `\n${c.validLogs}/${logs} log files valid`;
      if (c.invalidLogs) summary += `, ${c.invalidLogs}/${logs} log files INVALID`;
    }
    sink.out(summary + '\n');
  }
  const coverage = coverageSummary(c);
  if (coverage) sink.out(`${FINDING_PREFIX}\tcoverage\t${coverage}\n`);
  writeFindings(report.findings, sink);
}

/**
 * Why a digest is UNVERIFIED when a signatures file was given (its verdict's message): that file
 * has no signature for it (a digest added after the file was made has none) and no newer digest
 * carries one in its previousDigestSignature.
 */
export function noSignatureIn(signaturesFile: string): string {
  return `no signature for this digest in ${signaturesFile} (the signatures file given), and no newer digest signs it`;
}

/**
 * The words of an UNVERIFIED verdict, in the CLI's output and the extension's report alike;
 * `hint` (how to give the signatures) follows only when no signatures file was given.
 */
export function unverifiedText(v: DigestVerdict, hint = ''): string {
  return `UNVERIFIED: ${v.message || `no signature available offline${hint}`}`;
}

/**
 * Our line after the AWS CLI's counts: how many log files in the window no digest lists, by why,
 * how many listed ones carry data after what their digest hashes, how many other objects lie in
 * the trail's folders, how many digests were deleted, and how many "valid" logs only an UNVERIFIED
 * digest lists; undefined when there are none.
 */
export function coverageSummary(c: DigestCounts): string | undefined {
  const total = c.notValidatedLogs + c.awaitingLogs + c.uncoveredLogs;
  const parts: string[] = [];
  if (c.notValidatedLogs) parts.push(`${c.notValidatedLogs} NOT VALIDATED (${notValidatedWhy(c)})`);
  if (c.awaitingLogs)
    parts.push(`${c.awaitingLogs} awaiting the digest after the newest, not yet due`);
  if (c.uncoveredLogs) parts.push(`${c.uncoveredLogs} delivered when no digest chain ran`);
  const logs = total
    ? `${total} log file(s) in the window are listed by no digest: ${parts.join(', ')}`
    : '';
  const trailing = c.trailingDataLogs
    ? `${c.trailingDataLogs} listed log file(s) with data after what their digest hashes (NOT VALIDATED)`
    : '';
  const foreign = c.foreignFiles
    ? `${c.foreignFiles} other object(s) in the trail's folders that CloudTrail did not deliver there (NOT VALIDATED)`
    : '';
  const backfill = c.invalidBackfill
    ? `${c.invalidBackfill} backfill digest file(s) not valid or log file(s) not matching one (NOT VALIDATED)`
    : '';
  const deleted = c.deletedDigests
    ? `${c.deletedDigests} digest file(s) deleted (signature on record, file gone)`
    : '';
  const unverified = c.unverifiedLogs
    ? `${c.unverifiedLogs} of the valid log files are listed only by UNVERIFIED digests (their hashes match, but no checked signature vouches for them)`
    : '';
  return (
    [logs, trailing, foreign, backfill, deleted, unverified].filter(Boolean).join('; ') || undefined
  );
}

function notValidatedWhy(c: DigestCounts): string {
  const inside = c.notValidatedLogs - c.truncatedLogs;
  const why: string[] = [];
  if (inside) why.push(`${inside} inside hours that digests cover`);
  if (c.truncatedLogs)
    why.push(`${c.truncatedLogs} delivered after the newest digest, whose successor was due`);
  return why.join(', ');
}

/**
 * Findings of logs NOT VALIDATED for want of the digest that should list them, each log named
 * (chain-truncated: after the newest digest; region-digests-missing: a region of a trail that
 * delivers beyond it with none of its digests).
 */
export const LOGS_NAMED_FINDINGS: ReadonlySet<FindingKind> = new Set<FindingKind>([
  'chain-truncated',
  'region-digests-missing',
]);

/** How many files of a notice (UNVOUCHED_NOTICES) are named one a line. */
export const NOTICE_FILES_NAMED = 20;

/**
 * Notices of files a load reads as events that no digest vouches for, without failing the
 * validation (--strict fails): their first NOTICE_FILES_NAMED files are named one a line.
 */
export const UNVOUCHED_NOTICES: ReadonlySet<FindingKind> = new Set<FindingKind>([
  'outside-trails',
  'insights-unvouched',
]);

export function writeFindings(findings: Finding[], sink: TextSink): void {
  // Only marked lines (no headers or blank lines), so dropping them gives the AWS CLI's output.
  for (const f of findings) {
    // A message quotes keys and names: it stays on its line (lineText), as each key below.
    sink.out(`${FINDING_PREFIX}\t${f.kind}\t${lineText(f.message)}\n`);
    if (UNVOUCHED_NOTICES.has(f.kind)) {
      // Named one a line, the first NOTICE_FILES_NAMED of them (--format json has them all).
      const keys = f.keys ?? [];
      for (const key of keys.slice(0, NOTICE_FILES_NAMED))
        sink.out(`${FINDING_PREFIX}\t${f.kind}\tno digest vouches for ${lineText(key)}\n`);
      if (keys.length > NOTICE_FILES_NAMED)
        sink.out(
          `${FINDING_PREFIX}\t${f.kind}\tand ${keys.length - NOTICE_FILES_NAMED} more (--format json names them all)\n`,
        );
    }
    // Each log that is NOT VALIDATED for want of its digest is named on a line of its own.
    if (LOGS_NAMED_FINDINGS.has(f.kind))
      for (const key of f.keys ?? [])
        sink.out(
          `${FINDING_PREFIX}\t${f.kind}\tNOT VALIDATED: log file ${lineText(key)} is listed by no digest\n`,
        );
  }
}

/**
 * The tampering findings that fail the validation (chainFailed counts them, or they stand outside
 * the chains: FAILING_REPORT_FINDINGS): the views show them as errors, the others as warnings.
 */
export const NOT_VALIDATED_FINDINGS: ReadonlySet<FindingKind> = new Set<FindingKind>([
  'unlisted-log',
  'chain-truncated',
  'region-digests-missing',
  'log-trailing-data',
  'foreign-file',
  'backfill-invalid',
  'backfill-log-invalid',
  'deleted-digest',
]);

/** Findings that mean something was changed, added or removed (used by --strict). */
export const TAMPERING_FINDINGS: ReadonlySet<FindingKind> = new Set<FindingKind>([
  ...NOT_VALIDATED_FINDINGS,
  'previous-hash-mismatch',
  'previous-signature-mismatch',
  'window-discontinuity',
  'chain-cycle',
  'key-outside-validity',
  'digest-trailing-data',
]);

/** Findings outside the chains that fail the validation (NOT VALIDATED files, deleted digests). */
export const FAILING_REPORT_FINDINGS: ReadonlySet<FindingKind> = new Set<FindingKind>([
  'deleted-digest',
  'foreign-file',
  'region-digests-missing',
]);

/**
 * 0 when everything validated; 1 when anything is INVALID or UNVERIFIED, a log is NOT VALIDATED
 * (listed by no digest where one was due, or in a region of a trail that delivers beyond it with
 * none of its digests), a digest was deleted or a file CloudTrail did not deliver lies in a
 * trail's folders (chainFailed, or a report finding), and, when strict, when any other tampering
 * finding or one outside the chains exists (among them the files a load reads that no digest
 * vouches for: no-digests, outside-trails, insights-unvouched, and those of another trail not
 * checked with --trail-arn: other-trail-logs).
 */
export function exitCodeOf(report: ValidationReport, strict = false): number {
  if (report.chains.some(chainFailed)) return 1;
  if (report.findings.some((f) => FAILING_REPORT_FINDINGS.has(f.kind))) return 1;
  // Logs no digest ever covered (validation was off) are not tampering, but --strict wants them covered.
  if (
    strict &&
    report.chains.some((c) =>
      c.findings.some(
        (f) =>
          TAMPERING_FINDINGS.has(f.kind) ||
          f.kind === 'no-digests' ||
          f.kind === 'other-trail-logs',
      ),
    )
  )
    return 1;
  if (strict && report.findings.length) return 1;
  return 0;
}
