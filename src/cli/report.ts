// `cloudtrail-lens report CASEFILE PATH... [--format md|html|timesketch]`: the evidence report of
// a case file over the events under PATH, in a pipeline. Events are read as `query` reads them
// (the same load options, s3:// included); the detection rules (the built-in pack and --rules
// folders, as `detect`) are run over them; the chain of custody hashes each log file and, with
// --public-keys, takes each file's verdict from digest validation of the folders and s3://
// locations named (core/digest, as `validate`).
import { existsSync, promises as fs, statSync } from 'node:fs';
import * as path from 'node:path';
import { analystName } from '../core/case/analyst';
import { custodyOf } from '../core/case/custody';
import {
  annotatedRows,
  buildReport,
  detectionsFor,
  reportHtml,
  reportMarkdown,
  timesketchJsonl,
} from '../core/case/report';
import { resolveAnnotations } from '../core/case/resolve';
import { overwrittenInput } from '../core/output/outputTarget';
import {
  loadPublicKeyFiles,
  loadSignaturesFile,
  SIGNATURES_FILE_NAME,
  SignaturesFile,
  ValidationAbort,
  ValidationReport,
  validateSource,
} from '../core/digest';
import { loadRuleSet, problemLine } from '../core/detect/ruleSet';
import { lineText } from '../core/output/visibleText';
import { QuerySyntaxError } from '../core/query/ast';
import { parseQuery } from '../core/query/parse';
import { FolderSource } from '../core/sources/folder';
import { isS3Uri, openS3Uri, S3Access } from '../core/sources/s3';
import { SourceError, type LogSource } from '../core/sources/source';
import { readCaseArg } from './caseArg';
import { CliIo, forEachArg, UsageError } from './io';
import { defaultLoadArgs, LoadArgs, parseLoadOption, withLoadedPaths } from './query';

export const REPORT_USAGE = `Usage: cloudtrail-lens report CASEFILE PATH... [options]

The evidence report of a case file (.cloudtrail-lens/case.json: the stars, tags and notes made in
the timeline) over the CloudTrail events under PATH (files, folders, s3://bucket/prefix, read as
"query" reads them). It covers the starred, tagged or noted events (or, with --filter, the events
matching it), in time order with who / what / where in plain words (and who is behind each
session when that adds to who: its origin, followed through AssumeRole… chains, or where the
chain stops), the analysts' notes, the detection rules that fired on them (the built-in pack and
--rules, as "detect"), the case's annotations whose events are not under PATH, and the chain of
custody: each event's log file with its SHA-256 and its digest validation verdict (valid /
unverified offline / invalid / not covered) and the public key fingerprints used.

Options:
  --format FORMAT      md (default: Markdown), html (one self-contained file), or timesketch
                       (JSONL for Timesketch's importer: message, datetime, timestamp_desc, the
                       event's fields flattened, origin, origin_type, origin_hops,
                       origin_complete, the case's tags as "tag")
  --filter EXPR        the events matching EXPR instead of the annotated ones (the query language,
                       with starred:true, tag:NAME, note:*text*)
  --rules DIR          also run the Sigma rules under DIR for the detections (repeat), as "detect"
  --no-builtin         do not run the built-in rule pack (with no --rules: no detections)
  --public-keys FILE   output of "aws cloudtrail list-public-keys" (repeat): validate the digest
                       chains of each folder or s3:// PATH (as "validate") for each file's verdict;
                       without it no file is verified ("unverified offline")
  --signatures FILE    digests' S3 metadata (as "validate"); default PATH/${SIGNATURES_FILE_NAME} when present
  --output FILE        write the report to FILE instead of stdout (never the case file or a
                       file under a PATH: the report does not overwrite what it reads)
  --title TEXT         the report's title
  --profile, --region, --endpoint, --include, --follow-links-outside, --max-file-mb,
  --max-records, --max-total-mb, --max-memory-mb, --cache-dir, --no-cache
                       as for "query" (--profile, --region, --endpoint: s3:// paths)

Exit codes: 0 done, 1 no event could be read, 2 bad arguments, case file or filter.`;

type Format = 'md' | 'html' | 'timesketch';

interface ReportArgs extends LoadArgs {
  caseFile: string;
  format: Format;
  rules: string[];
  builtin: boolean;
  filter?: string;
  publicKeys: string[];
  signatures?: string;
  output?: string;
  title?: string;
}

function parseReportArgs(args: string[]): ReportArgs | 'help' {
  const positionals: string[] = [];
  const out: Omit<ReportArgs, 'caseFile'> = {
    ...defaultLoadArgs(),
    format: 'md',
    publicKeys: [],
    rules: [],
    builtin: true,
  };
  let help = false;
  forEachArg(args, (arg, value, operand) => {
    if (operand) return void positionals.push(arg);
    switch (arg) {
      case '--help':
      case '-h':
        help = true;
        break;
      case '--format': {
        const f = value();
        if (f !== 'md' && f !== 'html' && f !== 'timesketch')
          throw new UsageError(`--format must be md, html or timesketch, not "${f}"`);
        out.format = f;
        break;
      }
      case '--filter':
        out.filter = value();
        break;
      case '--public-keys':
        out.publicKeys.push(value());
        break;
      case '--signatures':
        out.signatures = value();
        break;
      case '--output':
        out.output = value();
        break;
      case '--title':
        out.title = value();
        break;
      case '--rules':
        out.rules.push(value());
        break;
      case '--no-builtin':
        out.builtin = false;
        break;
      default:
        if (parseLoadOption(arg, value, out)) break;
        if (arg.startsWith('-') && arg !== '-')
          throw new UsageError(`unknown option ${arg}\n\n${REPORT_USAGE}`);
        positionals.push(arg);
    }
  });
  if (help) return 'help';
  if (positionals.length < 2)
    throw new UsageError(`expected a CASEFILE and at least one PATH\n\n${REPORT_USAGE}`);
  if (out.signatures && out.publicKeys.length === 0)
    throw new UsageError('--signatures needs --public-keys');
  return { ...out, caseFile: positionals[0], paths: positionals.slice(1) };
}

export async function runReport(args: string[], io: CliIo): Promise<number> {
  const parsed = parseReportArgs(args);
  if (parsed === 'help') {
    io.out(REPORT_USAGE + '\n');
    return 0;
  }
  const kase = await readCaseArg(parsed.caseFile);
  if (parsed.output) checkOutput(parsed.output, parsed.caseFile, parsed.paths);
  let node;
  try {
    node = parsed.filter === undefined ? undefined : parseQuery(parsed.filter);
  } catch (e) {
    if (e instanceof QuerySyntaxError) throw new UsageError(`bad filter: ${e.message}`);
    throw e;
  }
  // Keys and signatures are read before the events: a typo fails at once.
  let validation:
    | { publicKeys: Awaited<ReturnType<typeof loadPublicKeyFiles>>; signatures?: SignaturesFile }
    | undefined;
  if (parsed.publicKeys.length) {
    try {
      const publicKeys = await loadPublicKeyFiles(parsed.publicKeys.map((f) => path.resolve(f)));
      if (publicKeys.size === 0)
        throw new UsageError(`No public keys found in ${parsed.publicKeys.join(', ')}`);
      validation = {
        publicKeys,
        signatures: parsed.signatures
          ? await loadSignaturesFile(path.resolve(parsed.signatures))
          : undefined,
      };
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
  }

  // The rules too: a --rules folder that cannot be read fails before the events are read.
  const ruleSet =
    parsed.builtin || parsed.rules.length
      ? await loadRuleSet(parsed.rules, { builtin: parsed.builtin })
      : undefined;
  for (const p of ruleSet?.problems ?? []) io.err(`${problemLine(p)}\n`);
  const badFolder = ruleSet?.problems.find(
    (p) =>
      parsed.rules.includes(p.source) &&
      /no such folder|not a folder|cannot be read/.test(p.reason),
  );
  if (badFolder) throw new UsageError(`--rules ${badFolder.source}: ${badFolder.reason}`);

  return withLoadedPaths(parsed, io, ruleSet?.rules, async ({ index, nothingRead }) => {
    if (nothingRead || index.eventCount === 0) return 1;
    const resolved = resolveAnnotations(index, kase);
    if (resolved.notLoaded.length)
      io.err(
        `note: ${resolved.notLoaded.length} annotation(s) of the case are about events not under the paths given (listed in the report)\n`,
      );
    const rows = node
      ? (await index.query(node, { annotations: resolved.byRow })).rows
      : annotatedRows(resolved);
    const chunks: string[] = [];
    const write = parsed.output ? (t: string) => chunks.push(t) : (t: string) => io.out(t);

    if (parsed.format === 'timesketch') {
      for await (const text of timesketchJsonl(index, resolved, rows)) write(text);
    } else {
      const reports = validation
        ? await validatePaths(
            parsed.paths,
            parsed.s3,
            validation,
            parsed.signatures !== undefined,
            io,
          )
        : undefined;
      const custody = await custodyOf(index, rows, reports);
      const detections = ruleSet
        ? await detectionsFor(index, { rules: ruleSet.rules, notRun: ruleSet.problems.length })
        : undefined;
      const model = await buildReport({
        index,
        resolved,
        rows,
        custody,
        caseFile: parsed.caseFile,
        scope: parsed.paths,
        selection:
          parsed.filter === undefined
            ? 'the starred, tagged or noted events of the case'
            : `the events matching ${parsed.filter}`,
        generatedBy: await analystName(path.dirname(path.resolve(parsed.caseFile))),
        title: parsed.title,
        detections,
      });
      write(parsed.format === 'html' ? reportHtml(model) : reportMarkdown(model));
    }
    if (parsed.output) {
      try {
        await fs.writeFile(parsed.output, chunks.join(''));
      } catch (e) {
        throw new UsageError(
          `--output ${parsed.output}: cannot be written (${(e as Error).message})`,
        );
      }
      io.err(`${rows.length} event(s) written to ${parsed.output}\n`);
    }
    return 0;
  });
}

/**
 * Refuses, before anything is read, an --output that would overwrite what the report is made
 * from (the case file, a log file named or under a folder named: nothing the user has is ever
 * modified) or that cannot be a file (a folder, a missing folder), rather than after the load.
 */
function checkOutput(output: string, caseFile: string, paths: string[]): void {
  if (!existsSync(output)) {
    const dir = path.dirname(path.resolve(output));
    if (!existsSync(dir) || !statSync(dir).isDirectory())
      throw new UsageError(`--output ${output}: no such folder ${dir}`);
    return;
  }
  if (statSync(output).isDirectory())
    throw new UsageError(`--output ${output}: a folder; name the report's file`);
  const hit = overwrittenInput(output, [
    { path: caseFile, what: 'the case file' },
    ...paths.filter((p) => !isS3Uri(p)).map((p) => ({ path: p, what: p })),
  ]);
  if (hit)
    throw new UsageError(
      `--output ${output}: the report reads this file (${hit.input.path === caseFile ? 'the case file' : hit.same ? 'a PATH given' : `under the folder ${hit.input.path}`}) and never overwrites its inputs: name a new file`,
    );
}

/**
 * Digest validation of each folder or s3:// PATH (an S3 location's signatures come from its
 * digests' metadata, as "validate"); single files are not validated (said on stderr).
 */
async function validatePaths(
  paths: string[],
  s3: S3Access,
  v: { publicKeys: Awaited<ReturnType<typeof loadPublicKeyFiles>>; signatures?: SignaturesFile },
  signaturesGiven: boolean,
  io: CliIo,
): Promise<ValidationReport[]> {
  const reports: ValidationReport[] = [];
  for (const p of paths) {
    const bucket = isS3Uri(p) ? openS3Uri(p, s3) : undefined;
    let source: LogSource | undefined = bucket;
    let signatures = v.signatures;
    if (!bucket && existsSync(p) && statSync(p).isDirectory()) {
      const root = path.resolve(p);
      source = new FolderSource(root);
      const defaultSignatures = path.join(root, SIGNATURES_FILE_NAME);
      if (!signaturesGiven && existsSync(defaultSignatures))
        signatures = await loadSignaturesFile(defaultSignatures);
    }
    if (!source) {
      io.err(
        `note: ${p}: digests are validated for folders and s3:// locations only; its files are "unverified offline"\n`,
      );
      continue;
    }
    try {
      const report = await validateSource(source, {
        publicKeys: v.publicKeys,
        signatures,
        ...(bucket ? { bucket: bucket.bucket } : {}),
      });
      for (const w of report.keyWarnings) io.err(`warning: ${lineText(w)}\n`);
      reports.push(report);
    } catch (e) {
      if (e instanceof ValidationAbort || e instanceof SourceError)
        io.err(`${source.label}: digest validation failed: ${lineText(e.message)}\n`);
      else throw e;
    } finally {
      bucket?.dispose();
    }
  }
  return reports;
}
