// Renders a chain report exactly as `aws cloudtrail validate-logs` prints it (spec §5.4: same
// lines, TABs, blank lines and stdout/stderr split), then our extra findings on clearly marked
// lines that a diff against the CLI's output can drop.
import { displayTime, parseTime } from './digestFile';
import { ChainReport, chainFailed, Finding, FindingKind, ValidationReport } from './types';

export interface TextSink {
  out(text: string): void;
  err(text: string): void;
}

/** The marker every extra line starts with. */
export const FINDING_PREFIX = 'FINDING';

const show = (isoTime: string): string => displayTime(parseTime(isoTime) ?? 0);

export function writeChainText(report: ChainReport, sink: TextSink, verbose: boolean): void {
  sink.out(`Validating log files for trail ${report.trailArn} between ${show(report.requestedStart)} and ${show(report.requestedEnd)}\n\n`);
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
      problem(`No log files were delivered by CloudTrail between ${show(e.from)} and ${show(e.to)}`);
      continue;
    }
    const what = e.type === 'digest' ? 'Digest file' : 'Log file';
    const line = `${what}\ts3://${e.bucket}/${e.key}`;
    if (e.kind === 'valid') ok(`${line}\tvalid`);
    else if (e.kind === 'unverifiable') problem(`${line}\tUNVERIFIED: no signature available offline (give --signatures FILE with its S3 metadata)`);
    else problem(`${line}\tINVALID: ${e.message}`);
  }
  const c = report.counts;
  let summary = lastDoubleSpaced ? '' : '\n';
  summary += `Results requested for ${show(report.requestedStart)} to ${show(report.requestedEnd)}\n`;
  const digests = c.validDigests + c.invalidDigests + c.unverifiableDigests;
  if (digests === 0) {
    sink.out(summary + 'No digests found\n');
  } else {
    if (report.foundStart === undefined || report.foundEnd === undefined) summary += 'No valid digests found in range\n';
    else summary += `Results found for ${show(report.foundStart)} to ${show(report.foundEnd)}:\n`;
    summary += `\n${c.validDigests}/${digests} digest files valid`;
    if (c.invalidDigests) summary += `, ${c.invalidDigests}/${digests} digest files INVALID`;
    if (c.unverifiableDigests) summary += `, ${c.unverifiableDigests}/${digests} digest files UNVERIFIED`;
    const logs = c.validLogs + c.invalidLogs;
    if (logs) {
      summary += `\n${c.validLogs}/${logs} log files valid`;
      if (c.invalidLogs) summary += `, ${c.invalidLogs}/${logs} log files INVALID`;
    }
    sink.out(summary + '\n');
  }
  writeFindings(report.findings, sink);
}

export function writeFindings(findings: Finding[], sink: TextSink): void {
  // Only marked lines (no headers or blank lines), so dropping them gives the AWS CLI's output.
  for (const f of findings) sink.out(`${FINDING_PREFIX}\t${f.kind}\t${f.message}\n`);
}

/** Findings that mean something was changed, added or removed (used by --strict). */
export const TAMPERING_FINDINGS: ReadonlySet<FindingKind> = new Set<FindingKind>([
  'unlisted-log',
  'chain-truncated',
  'previous-hash-mismatch',
  'previous-signature-mismatch',
  'window-discontinuity',
  'chain-cycle',
  'key-outside-validity',
]);

/** 0 when everything validated, 1 when anything is INVALID or unverifiable (or, when strict, tampering findings exist). */
export function exitCodeOf(report: ValidationReport, strict = false): number {
  if (report.chains.some(chainFailed)) return 1;
  if (strict && report.chains.some((c) => c.findings.some((f) => TAMPERING_FINDINGS.has(f.kind)))) return 1;
  if (strict && report.findings.length) return 1;
  return 0;
}
