// What the VS Code side shows of a validation report, without VS Code: the report document's
// text with the positions of its file links, the Problems-panel entries, and the log files whose
// events are worth opening. Pure, so it is unit-tested. Every value from a digest is shown as
// plain text (the report is a plaintext document, never HTML).
import {
  chainFailed,
  chainLabel,
  ChainReport,
  coverageSummary,
  DigestVerdict,
  FAILING_REPORT_FINDINGS,
  Finding,
  LogVerdict,
  LOGS_NAMED_FINDINGS,
  NOTICE_FILES_NAMED,
  NOT_VALIDATED_FINDINGS,
  TAMPERING_FINDINGS,
  UNVOUCHED_NOTICES,
  unverifiedText,
  ValidationReport,
} from '../../core/digest';
import { lineText } from '../../core/output/visibleText';

export interface ReportLink {
  line: number;
  start: number;
  end: number;
  path: string;
}

export interface RenderedReport {
  text: string;
  links: ReportLink[];
}

const VERDICT_WORDS: Record<string, string> = {
  valid: 'valid',
  'not-found': 'INVALID: not found',
  'invalid-format': 'INVALID: invalid format',
  'signature-failed': 'INVALID: signature verification failed',
  moved: 'INVALID: has been moved from its original location',
  'hash-mismatch': "INVALID: hash value doesn't match",
};

function verdictText(v: DigestVerdict | LogVerdict): string {
  if (v.kind === 'key-not-found' || v.kind === 'key-unloadable' || v.kind === 'error')
    return `INVALID: ${v.message}`;
  if (v.kind === 'unverifiable') return unverifiedText(v);
  return VERDICT_WORDS[v.kind] ?? v.kind;
}

export interface RenderContext {
  /** When the report was made (ISO). */
  when: string;
  keyFiles: string[];
  /**
   * The key files were found inside the evidence (a cloudtrail-public-keys.json beside AWSLogs/),
   * not chosen by the user: whoever could write the bucket could have written them.
   */
  keysFromEvidence?: boolean;
  signaturesFile?: string;
  scopeLabel?: string;
  /** The local file of a key (a folder source), to link the files a notice names. */
  localPathOf?: (key: string) => string | undefined;
}

export function renderReport(report: ValidationReport, ctx: RenderContext): RenderedReport {
  const lines: string[] = [];
  const links: ReportLink[] = [];
  // Each line quotes keys, names and messages from the evidence: none may break its line or
  // forge the next (lineText; the report's own lines have no tab or line break).
  const push = (s = '') => lines.push(lineText(s));
  const pathLine = (indent: string, p: string | undefined) => {
    if (!p) return;
    const shown = lineText(p);
    links.push({
      line: lines.length,
      start: indent.length,
      end: indent.length + shown.length,
      path: p,
    });
    push(indent + shown);
  };
  const failed = report.chains.filter(chainFailed).length;
  const findings = report.chains.reduce((n, c) => n + c.findings.length, report.findings.length);
  push(
    `CloudTrail digest validation: ${report.source}${ctx.scopeLabel ? ` (${ctx.scopeLabel})` : ''}`,
  );
  push(`Validated ${ctx.when}`);
  push(`Public keys: ${ctx.keyFiles.join(', ') || '(none)'}`);
  if (ctx.keysFromEvidence) {
    // The root of trust came with what it vouches for: a bucket writer could have planted their
    // own keys and re-signed every digest. Only the user's own list-public-keys can tell.
    const used = verifyingFingerprints(report);
    push(
      '   These keys were found in a file kept with the evidence, not chosen by you: whoever could write the bucket could have put their own keys there and re-signed every digest.',
    );
    push(
      used.length
        ? `   Keys that verified a digest (fingerprints): ${used.join(', ')}. Compare them with the Fingerprint values that "aws cloudtrail list-public-keys" prints when run with your own credentials.`
        : '   No key in it verified a digest.',
    );
  }
  push(
    ctx.signaturesFile
      ? `Signatures (S3 metadata): ${ctx.signaturesFile}`
      : 'Signatures: no signatures file; each digest is checked with the signature its successor carries, so the newest digest of each chain is UNVERIFIED',
  );
  push();
  push(
    report.chains.length
      ? `${report.chains.length} chain(s): ${report.chains.length - failed} fully valid, ${failed} with INVALID, UNVERIFIED or NOT VALIDATED files or deleted digests; ${findings} finding(s) beyond aws cloudtrail validate-logs`
      : 'No digest chains found (expected [prefix/]AWSLogs/[o-…/]<account>/CloudTrail-Digest/<region>/…).',
  );
  // Failures outside every chain (a file CloudTrail never writes where it lies, a deleted digest)
  // fail the validation too: the line above must not read as all valid.
  const outside = report.findings.filter((f) => FAILING_REPORT_FINDINGS.has(f.kind)).length;
  if (outside)
    push(
      `${outside} more outside the chains: files NOT VALIDATED or digests deleted (see Other findings); the validation fails`,
    );
  // Insights files pass no chain, yet their events are in every load: the lines above must not
  // read as if they were vouched for.
  const insights = report.findings
    .filter((f) => f.kind === 'insights-unvouched')
    .reduce((n, f) => n + (f.keys?.length ?? 0), 0);
  if (insights)
    push(
      `${insights} CloudTrail Insights file(s) in the window are vouched for by no digest (see Other findings)`,
    );
  for (const w of report.keyWarnings) push(`Warning: ${w}`);
  for (const chain of report.chains) renderChain(chain);
  if (report.findings.length) {
    push();
    push('Other findings');
    for (const f of report.findings) renderFinding(f);
  }
  return { text: lines.join('\n') + '\n', links };

  function renderChain(c: ChainReport): void {
    push();
    push(`== ${chainLabel(c.chain)}: ${chainFailed(c) ? 'NOT VALID' : 'valid'}`);
    push(`   Trail ${c.trailArn}, bucket ${c.bucket}`);
    push(
      `   Requested ${c.requestedStart} to ${c.requestedEnd}; ${c.foundStart && c.foundEnd ? `results found for ${c.foundStart} to ${c.foundEnd}` : 'no valid digest in range'}`,
    );
    const k = c.counts;
    const digests = k.validDigests + k.invalidDigests + k.unverifiableDigests;
    push(
      `   Digests: ${k.validDigests}/${digests} valid` +
        (k.invalidDigests ? `, ${k.invalidDigests} INVALID` : '') +
        (k.unverifiableDigests ? `, ${k.unverifiableDigests} UNVERIFIED` : '') +
        `; log files: ${k.validLogs}/${k.validLogs + k.invalidLogs} valid` +
        (k.invalidLogs ? `, ${k.invalidLogs} INVALID` : ''),
    );
    const coverage = coverageSummary(k);
    if (coverage) push(`   Beyond the AWS CLI's counts: ${coverage}`);
    push();
    for (const e of c.events) {
      if (e.type === 'gap') {
        push(`   No log files were delivered by CloudTrail between ${e.from} and ${e.to}`);
        continue;
      }
      if (e.type === 'log' && e.kind === 'valid') continue; // valid logs are summed up above
      const when =
        e.type === 'digest'
          ? `${e.startTime ?? '?'} to ${e.endTime ?? '?'}${e.logCount !== undefined ? `, ${e.logCount} log file(s)` : ''}`
          : (e.deliveryTime ?? '');
      push(`   ${e.type === 'digest' ? 'Digest' : '  Log'}  ${verdictText(e)}  ${when}`);
      if (e.localPath) pathLine('        ', e.localPath);
      else push(`        s3://${e.bucket}/${e.key}`);
    }
    if (c.findings.length) {
      push();
      push('   Beyond aws cloudtrail validate-logs:');
      for (const f of c.findings) renderFinding(f);
    }
  }

  function renderFinding(f: Finding): void {
    push(`   FINDING ${f.kind}: ${f.message}`);
    if (f.localPath) pathLine('        ', f.localPath);
    // Outside a chain, the logs NOT VALIDATED have no chain's Problems entry to find them by.
    if (!UNVOUCHED_NOTICES.has(f.kind) && !(LOGS_NAMED_FINDINGS.has(f.kind) && !f.localPath))
      return;
    // The files no digest vouches for, the first of them as in the CLI's text.
    const keys = f.keys ?? [];
    for (const key of keys.slice(0, NOTICE_FILES_NAMED)) {
      const local = ctx.localPathOf?.(key);
      if (local) pathLine('        ', local);
      else push(`        ${key}`);
    }
    if (keys.length > NOTICE_FILES_NAMED)
      push(`        and ${keys.length - NOTICE_FILES_NAMED} more`);
  }
}

/** Fingerprints of the public keys that verified at least one digest of the report, sorted. */
export function verifyingFingerprints(report: ValidationReport): string[] {
  const found = new Set<string>();
  for (const c of report.chains)
    for (const e of c.events)
      if (e.type === 'digest' && e.kind === 'valid' && e.fingerprint) found.add(e.fingerprint);
  return [...found].sort();
}

export type ProblemSeverity = 'error' | 'warning';

export interface PlannedProblem {
  /** The local file the entry is shown on. */
  path: string;
  severity: ProblemSeverity;
  message: string;
  /** Verdict or finding kind, shown as the diagnostic code. */
  code: string;
}

/**
 * Problems-panel entries: every INVALID file (error), every log NOT VALIDATED and deleted digest
 * (error), every UNVERIFIED digest and other tampering finding (warning). A file that is not
 * there is reported on the digest that names it; `localPathOf` finds the local files of the logs
 * a finding names by key (a chain-truncated finding's logs, each an error on itself).
 */
export function planProblems(
  report: ValidationReport,
  exists: (p: string) => boolean,
  localPathOf?: (key: string) => string | undefined,
): PlannedProblem[] {
  const out: PlannedProblem[] = [];
  for (const c of report.chains) {
    let newerDigest: string | undefined;
    const digestPaths = new Map<string, string>();
    for (const e of c.events)
      if (e.type === 'digest' && e.localPath) digestPaths.set(e.key, e.localPath);
    for (const e of c.events) {
      if (e.type === 'gap') continue;
      if (e.kind !== 'valid') {
        const own = e.localPath && exists(e.localPath) ? e.localPath : undefined;
        const host = own ?? (e.type === 'log' ? digestPaths.get(e.digestKey) : newerDigest);
        if (host) {
          const what = e.type === 'digest' ? 'Digest file' : 'Log file';
          out.push({
            path: host,
            severity: e.kind === 'unverifiable' ? 'warning' : 'error',
            message: own
              ? `${what} ${verdictText(e)}`
              : `${what} s3://${e.bucket}/${e.key} ${verdictText(e)}`,
            code: e.kind,
          });
        }
      }
      if (e.type === 'digest' && e.localPath && exists(e.localPath)) newerDigest = e.localPath;
    }
    for (const f of c.findings) {
      if (!TAMPERING_FINDINGS.has(f.kind)) continue;
      const severity = NOT_VALIDATED_FINDINGS.has(f.kind) ? 'error' : 'warning';
      const p = f.localPath ?? (f.key ? digestPaths.get(f.key) : undefined);
      if (p && exists(p)) out.push({ path: p, severity, message: f.message, code: f.kind });
      if (f.kind === 'chain-truncated')
        eachLog(
          f,
          'Log file NOT VALIDATED: no digest lists it, and the digest after the newest was due (deleted?)',
        );
    }
  }
  // Files CloudTrail never writes where they lie, outside any chain's folders (foreign-file).
  for (const f of report.findings)
    if (f.kind === 'foreign-file' && f.localPath && exists(f.localPath))
      out.push({ path: f.localPath, severity: 'error', message: f.message, code: f.kind });
    else if (f.kind === 'region-digests-missing')
      eachLog(
        f,
        'Log file NOT VALIDATED: its region holds none of the digests of a trail that delivers them for other regions (deleted?)',
      );
  /** An error on each log a finding names (by key) that is here. */
  function eachLog(f: Finding, message: string): void {
    for (const key of f.keys ?? []) {
      const own = localPathOf?.(key);
      if (own && exists(own)) out.push({ path: own, severity: 'error', message, code: f.kind });
    }
  }
  // A message quotes keys and names from the evidence: shown as every view shows them (lineText).
  return out.map((p) => ({ ...p, message: lineText(p.message) }));
}

/** Log files whose events deserve a look: INVALID ones that are still there, and the NOT VALIDATED ones (unlisted, after a truncated chain, with data after what their digest hashes, or objects CloudTrail did not deliver in the trail's folders). */
export function suspiciousLogKeys(report: ValidationReport): string[] {
  const keys = new Set<string>();
  for (const c of report.chains) {
    for (const e of c.events)
      if (e.type === 'log' && (e.kind === 'hash-mismatch' || e.kind === 'invalid-format'))
        keys.add(e.key);
    for (const f of c.findings) {
      if (
        (f.kind === 'unlisted-log' ||
          f.kind === 'log-trailing-data' ||
          f.kind === 'foreign-file' ||
          f.kind === 'backfill-log-invalid') &&
        f.key
      )
        keys.add(f.key);
      if (f.kind === 'chain-truncated' || f.kind === 'backfill-invalid')
        for (const k of f.keys ?? []) keys.add(k);
    }
  }
  for (const f of report.findings) {
    if (f.kind === 'foreign-file' && f.key) keys.add(f.key);
    if (f.kind === 'region-digests-missing') for (const k of f.keys ?? []) keys.add(k);
  }
  return [...keys];
}
