// `cloudtrail-lens validate`: digest-chain validation of a local copy of a CloudTrail bucket,
// printing per chain what `aws cloudtrail validate-logs` prints, then findings beyond it.
import { existsSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import {
  chainLabel,
  exitCodeOf,
  ignoredOffset,
  loadPublicKeyFiles,
  loadSignaturesFile,
  parseTime,
  parseTrailArn,
  SIGNATURES_FILE_NAME,
  ValidationAbort,
  validateSource,
  writeChainText,
  writeFindings,
  ValidationReport,
  SignaturesFile,
} from '../core/digest';
import { lineText } from '../core/output/visibleText';
import { formatSeconds } from '../core/time';
import { FolderSource } from '../core/sources/folder';
import { isS3Uri, openS3Uri, S3Access, S3Source } from '../core/sources/s3';
import { SourceError } from '../core/sources/source';
import { CliIo, endpointOption, exitCodeIfOutputCut, jsonForOutput, UsageError } from './io';

const HELP = `Usage: cloudtrail-lens validate PATH --public-keys FILE [options]

Validates CloudTrail digest chains (log file integrity) in PATH, the root of a local copy of the
trail's S3 bucket (the folder holding AWSLogs/ or the key prefix), or the bucket itself as
s3://bucket[/prefix] (each digest's signature then comes from its S3 metadata, as the AWS CLI). For each chain (account, source
region, trail) it prints what "aws cloudtrail validate-logs" prints for the same data and window,
then findings the AWS CLI does not report, on lines starting with "FINDING". With several
chains, a line starting with "# chain:" names each block.

Options:
  --public-keys FILE   output of "aws cloudtrail list-public-keys" (repeat for several regions/files)
  --signatures FILE    digests' S3 metadata: {"bucket": NAME, "objects": {KEY: {"signature": HEX,
                       "signature-algorithm": "SHA256withRSA"}}}; default PATH/${SIGNATURES_FILE_NAME}
                       when present. Without it, a digest's signature comes from the next digest's
                       previousDigestSignature; the newest of each chain is then UNVERIFIED.
  --profile NAME       AWS profile for an s3:// PATH (default: the standard credential chain)
  --bucket-region R    the bucket's region for an s3:// PATH (default: AWS_REGION, else found out)
  --endpoint URL       an S3-compatible endpoint for an s3:// PATH
  --s3-bucket NAME     the bucket PATH is a copy of (default: the signatures file's, else the digests')
  --trail-arn ARN      only this trail
  --region R           only this source region (default: every region found)
  --account-id ID      only this account (e.g. a member account of an organization trail)
  --start-time T       start of the window (ISO 8601, UTC: an offset is not applied, as the AWS CLI;
                       default: everything in scope, from an hour before the oldest digest or the
                       oldest log, whichever is older)
  --end-time T         end of the window (default: now). For a copy of a bucket, give the time of the
                       copy: logs after the newest digest count as NOT VALIDATED once the next digest
                       was due (its end + 1 h + 15 min delivery slack, + 5 min clock slack for "now")
  --concurrency N      log files read and hashed at once (default 48 for s3://, 4 for a folder)
  --verbose            also print the valid files
  --format text|json   text (default) or every verdict and finding as JSON
  --strict             exit 1 also on the other findings (broken previous-digest links, window
                       discontinuities, keys used outside their validity), and on every file a load
                       reads that no digest vouches for: logs with no digests, CloudTrail Insights
                       files (no digest lists them), files outside the trails' folders, and with
                       --trail-arn the logs another trail's digests list (not hashed then)

Exit codes: 0 all valid; 1 anything INVALID or UNVERIFIED, a log NOT VALIDATED (in the window but
listed by no digest where one was due, in a region or member account holding none of the digests
of a trail whose digests show it delivers there, or with data after what its digest hashes), an
object in a trail's folders (CloudTrail/, CloudTrail-Insight/, CloudTrail-Digest/) that
CloudTrail did not deliver there (a .json, evil.json.gz, a sub-folder, a file above the day
folders) or a digest deleted (signature on record, file gone); 2 bad arguments or unreadable
input.`;

function openS3(uri: string, access: S3Access): S3Source {
  const source = openS3Uri(uri, access);
  if (!source)
    throw new UsageError(`${uri}: not an S3 location (expected s3://bucket or s3://bucket/prefix)`);
  return source;
}

export async function runValidate(args: string[], io: CliIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: {
        'public-keys': { type: 'string', multiple: true },
        signatures: { type: 'string' },
        's3-bucket': { type: 'string' },
        'trail-arn': { type: 'string' },
        region: { type: 'string' },
        'account-id': { type: 'string' },
        'start-time': { type: 'string' },
        'end-time': { type: 'string' },
        verbose: { type: 'boolean' },
        concurrency: { type: 'string' },
        format: { type: 'string' },
        strict: { type: 'boolean' },
        profile: { type: 'string' },
        'bucket-region': { type: 'string' },
        endpoint: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (e) {
    throw new UsageError(`${(e as Error).message}\n\n${HELP}`);
  }
  const { values: o, positionals } = parsed;
  if (o.help) {
    io.out(HELP + '\n');
    return 0;
  }
  if (positionals.length !== 1)
    throw new UsageError(`expected exactly one PATH (the bucket root folder)\n\n${HELP}`);
  // s3://bucket/prefix reads the bucket itself: signatures from each digest's metadata, as the AWS CLI.
  const s3 = isS3Uri(positionals[0])
    ? openS3(positionals[0], {
        profile: o.profile,
        region: o['bucket-region'],
        endpoint: o.endpoint === undefined ? undefined : endpointOption('--endpoint', o.endpoint),
      })
    : undefined;
  const root = s3 ? s3.label : path.resolve(positionals[0]);
  if (!s3 && (o.profile || o.endpoint || o['bucket-region']))
    throw new UsageError('--profile, --bucket-region and --endpoint apply to an s3:// PATH');
  if (!s3 && (!existsSync(root) || !statSync(root).isDirectory()))
    throw new UsageError(`${root}: not a folder`);
  if (!o['public-keys']?.length)
    throw new UsageError(
      '--public-keys FILE is required (save the output of "aws cloudtrail list-public-keys --start-time ... --region ..." to a file)',
    );
  const format = o.format ?? 'text';
  if (format !== 'text' && format !== 'json')
    throw new UsageError(`--format must be text or json, not "${format}"`);
  const time = (name: 'start-time' | 'end-time'): number | undefined => {
    const v = o[name];
    if (v === undefined) return undefined;
    const t = parseTime(v);
    if (t === undefined)
      throw new UsageError(`--${name} "${v}" is not a date/time (use e.g. 2024-05-14T10:00:00Z)`);
    // The window is the AWS CLI's (spec §5.1), which drops an offset: said, since it moves the
    // window by that much from what was typed.
    const offset = ignoredOffset(v);
    if (offset)
      io.err(
        `note: --${name} ${lineText(v)}: the offset ${offset} is not applied: read as ${formatSeconds(t)} (UTC), as the AWS CLI reads it\n`,
      );
    return t;
  };
  const concurrency = o.concurrency === undefined ? undefined : Number(o.concurrency);
  if (
    concurrency !== undefined &&
    !(Number.isInteger(concurrency) && concurrency >= 1 && concurrency <= 256)
  )
    throw new UsageError(
      `--concurrency must be a whole number from 1 to 256, not "${o.concurrency}"`,
    );
  const startTime = time('start-time');
  const endTime = time('end-time');
  const trailArn = o['trail-arn'];
  if (trailArn && !parseTrailArn(trailArn))
    throw new UsageError(`Invalid trail ARN provided: ${trailArn}`);
  if (o['account-id'] && !/^\d{12}$/.test(o['account-id']))
    throw new UsageError(`--account-id "${o['account-id']}" is not a 12-digit account id`);

  let publicKeys;
  let signatures: SignaturesFile | undefined;
  try {
    publicKeys = await loadPublicKeyFiles(o['public-keys'].map((f) => path.resolve(f)));
    const sigFile = o.signatures
      ? path.resolve(o.signatures)
      : s3
        ? undefined
        : path.join(root, SIGNATURES_FILE_NAME);
    if (sigFile && (o.signatures || existsSync(sigFile)))
      signatures = await loadSignaturesFile(sigFile);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  if (publicKeys.size === 0)
    throw new UsageError(`No public keys found in ${o['public-keys'].join(', ')}`);

  let report: ValidationReport;
  try {
    report = await validateSource(s3 ?? new FolderSource(root), {
      publicKeys,
      signatures,
      bucket: o['s3-bucket'] ?? s3?.bucket,
      trailArn,
      region: o.region,
      accountId: o['account-id'],
      startTime,
      endTime,
      concurrency,
    });
  } catch (e) {
    if (e instanceof ValidationAbort || e instanceof SourceError) throw new UsageError(e.message);
    throw e;
  } finally {
    s3?.dispose();
  }
  // No digest chain at all (no digests, or none in the window) vouches for nothing: never "all
  // valid", in text or JSON.
  const exitCode = report.chains.length ? exitCodeOf(report, o.strict) : 1;
  exitCodeIfOutputCut(exitCode);

  if (format === 'json') {
    io.out(jsonForOutput({ ...report, exitCode }, io) + '\n');
    return exitCode;
  }
  if (!report.chains.length) {
    const requested =
      startTime !== undefined ? ` between ${o['start-time']} and ${o['end-time'] ?? 'now'}` : '';
    io.err(
      `No digest files found under ${root}${o.region ? ` for region ${o.region}` : ''}${trailArn ? ` for trail ${trailArn}` : ''}${requested} (expected [prefix/]AWSLogs/[o-…/]<account>/CloudTrail-Digest/<region>/…)\n`,
    );
  }
  for (const chain of report.chains) {
    // Several chains: a marked line names each block (the CLI itself validates one per run).
    if (report.chains.length > 1) io.out(`# chain: ${lineText(chainLabel(chain.chain))}\n`);
    writeChainText(chain, io, Boolean(o.verbose));
  }
  writeFindings(report.findings, io);
  // A warning quotes the keys file's name and a fingerprint it lists: each stays on its line.
  for (const w of report.keyWarnings) io.err(`warning: ${lineText(w)}\n`);
  return exitCode;
}
