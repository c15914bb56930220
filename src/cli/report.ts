// `cloudtrail-lens report CASEFILE PATH... [--format md|html|timesketch]`: the evidence report of
// a case file over the events under PATH, in a pipeline. Events are read as `query` reads them;
// the chain of custody hashes each log file and, with --public-keys, takes each file's verdict
// from digest validation of the folders named (core/digest, as `validate`).
import { existsSync, promises as fs, statSync } from 'node:fs';
import * as path from 'node:path';
import { analystName } from '../core/case/analyst';
import { CaseFileError, parseCase } from '../core/case/caseFile';
import { custodyOf } from '../core/case/custody';
import { annotatedRows, buildReport, reportHtml, reportMarkdown, timesketchJsonl } from '../core/case/report';
import { resolveAnnotations } from '../core/case/resolve';
import { loadPublicKeyFiles, loadSignaturesFile, SIGNATURES_FILE_NAME, SignaturesFile, ValidationAbort, ValidationReport, validateSource } from '../core/digest';
import { EventIndex } from '../core/index/eventIndex';
import { emptyLookedAt, nothingReadMessage } from '../core/index/fileNotes';
import { QuerySyntaxError } from '../core/query/ast';
import { parseQuery } from '../core/query/parse';
import { DEFAULT_MAX_LOAD_BYTES, DEFAULT_MAX_RECORDS } from '../core/ingest/budget';
import { WorkerPool } from '../core/ingest/pool';
import { FolderSource } from '../core/sources/folder';
import { isS3Uri } from '../core/sources/s3';
import { SourceError } from '../core/sources/source';
import { CliIo, forEachArg, UsageError } from './io';
import { findEventFiles, loadWithProgress } from './query';

export const REPORT_USAGE = `Usage: cloudtrail-lens report CASEFILE PATH... [options]

The evidence report of a case file (.cloudtrail-lens/case.json: the stars, tags and notes made in
the timeline) over the CloudTrail events under PATH (files, folders, s3://bucket/prefix, read as
"query" reads them). It covers the starred, tagged or noted events (or, with --filter, the events
matching it), in time order with who / what / where in plain words, the analysts' notes, the
case's annotations whose events are not under PATH, and the chain of custody: each event's log
file with its SHA-256 and its digest validation verdict (valid / unverified offline / invalid /
not covered) and the public key fingerprints used.

Options:
  --format FORMAT      md (default: Markdown), html (one self-contained file), or timesketch
                       (JSONL for Timesketch's importer: message, datetime, timestamp_desc, the
                       event's fields flattened, the case's tags as "tag")
  --filter EXPR        the events matching EXPR instead of the annotated ones (the query language,
                       with starred:true, tag:NAME, note:*text*)
  --public-keys FILE   output of "aws cloudtrail list-public-keys" (repeat): validate the digest
                       chains of each folder PATH (as "validate") for each file's verdict; without
                       it no file is verified ("unverified offline")
  --signatures FILE    digests' S3 metadata (as "validate"); default PATH/${SIGNATURES_FILE_NAME} when present
  --output FILE        write the report to FILE instead of stdout
  --title TEXT         the report's title

Exit codes: 0 done, 1 no event could be read, 2 bad arguments, case file or filter.`;

type Format = 'md' | 'html' | 'timesketch';

interface ReportArgs {
  caseFile: string;
  paths: string[];
  format: Format;
  filter?: string;
  publicKeys: string[];
  signatures?: string;
  output?: string;
  title?: string;
}

function parseReportArgs(args: string[]): ReportArgs | 'help' {
  const positionals: string[] = [];
  const out: Omit<ReportArgs, 'caseFile' | 'paths'> = { format: 'md', publicKeys: [] };
  let help = false;
  forEachArg(args, (arg, value) => {
    switch (arg) {
      case '--help':
      case '-h':
        help = true;
        break;
      case '--format': {
        const f = value();
        if (f !== 'md' && f !== 'html' && f !== 'timesketch') throw new UsageError(`--format must be md, html or timesketch, not "${f}"`);
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
      default:
        if (arg.startsWith('-') && arg !== '-') throw new UsageError(`unknown option ${arg}\n\n${REPORT_USAGE}`);
        positionals.push(arg);
    }
  });
  if (help) return 'help';
  if (positionals.length < 2) throw new UsageError(`expected a CASEFILE and at least one PATH\n\n${REPORT_USAGE}`);
  if (out.signatures && out.publicKeys.length === 0) throw new UsageError('--signatures needs --public-keys');
  return { caseFile: positionals[0], paths: positionals.slice(1), ...out };
}

export async function runReport(args: string[], io: CliIo): Promise<number> {
  const parsed = parseReportArgs(args);
  if (parsed === 'help') {
    io.out(REPORT_USAGE + '\n');
    return 0;
  }
  let caseText: string;
  try {
    caseText = await fs.readFile(parsed.caseFile, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(`${parsed.caseFile}: ${code === 'ENOENT' ? 'no such case file' : (e as Error).message}`);
  }
  let kase;
  try {
    kase = parseCase(caseText, parsed.caseFile);
  } catch (e) {
    if (e instanceof CaseFileError) throw new UsageError(e.message);
    throw e;
  }
  let node;
  try {
    node = parsed.filter === undefined ? undefined : parseQuery(parsed.filter);
  } catch (e) {
    if (e instanceof QuerySyntaxError) throw new UsageError(`bad filter: ${e.message}`);
    throw e;
  }
  // Keys and signatures are read before the events: a typo fails at once.
  let validation: { publicKeys: Awaited<ReturnType<typeof loadPublicKeyFiles>>; signatures?: SignaturesFile } | undefined;
  if (parsed.publicKeys.length) {
    try {
      const publicKeys = await loadPublicKeyFiles(parsed.publicKeys.map((f) => path.resolve(f)));
      if (publicKeys.size === 0) throw new UsageError(`No public keys found in ${parsed.publicKeys.join(', ')}`);
      validation = { publicKeys, signatures: parsed.signatures ? await loadSignaturesFile(path.resolve(parsed.signatures)) : undefined };
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
  }

  const looked = emptyLookedAt();
  const files = await findEventFiles(parsed.paths, {}, looked, [], false, io);
  const pool = new WorkerPool();
  try {
    const index = new EventIndex({ runner: pool });
    await loadWithProgress(index, pool, files, io, { maxRecords: DEFAULT_MAX_RECORDS, maxBytes: DEFAULT_MAX_LOAD_BYTES });
    if (index.eventCount === 0) {
      io.err(`${nothingReadMessage(parsed.paths.length === 1 ? parsed.paths[0] : `the ${parsed.paths.length} paths given`, looked, index, 'name such a file on the command line')}\n`);
      return 1;
    }
    const resolved = resolveAnnotations(index, kase);
    if (resolved.notLoaded.length) io.err(`note: ${resolved.notLoaded.length} annotation(s) of the case are about events not under the paths given (listed in the report)\n`);
    const rows = node ? (await index.query(node, { annotations: resolved.byRow })).rows : annotatedRows(resolved);
    const chunks: string[] = [];
    const write = parsed.output ? (t: string) => chunks.push(t) : (t: string) => io.out(t);

    if (parsed.format === 'timesketch') {
      await timesketchJsonl(index, resolved, rows, write);
    } else {
      const reports = validation ? await validateFolders(parsed.paths, validation, parsed.signatures !== undefined, io) : undefined;
      const custody = await custodyOf(index, rows, reports);
      const model = await buildReport({
        index,
        resolved,
        rows,
        custody,
        caseFile: parsed.caseFile,
        scope: parsed.paths,
        selection: parsed.filter === undefined ? 'the starred, tagged or noted events of the case' : `the events matching ${parsed.filter}`,
        generatedBy: await analystName(path.dirname(path.resolve(parsed.caseFile))),
        title: parsed.title,
      });
      write(parsed.format === 'html' ? reportHtml(model) : reportMarkdown(model));
    }
    if (parsed.output) {
      await fs.writeFile(parsed.output, chunks.join(''));
      io.err(`${rows.length} event(s) written to ${parsed.output}\n`);
    }
    return 0;
  } finally {
    await pool.close();
  }
}

/** Digest validation of each folder PATH (s3:// and single files are not validated: said on stderr). */
async function validateFolders(paths: string[], v: { publicKeys: Awaited<ReturnType<typeof loadPublicKeyFiles>>; signatures?: SignaturesFile }, signaturesGiven: boolean, io: CliIo): Promise<ValidationReport[]> {
  const reports: ValidationReport[] = [];
  for (const p of paths) {
    if (isS3Uri(p) || !existsSync(p) || !statSync(p).isDirectory()) {
      io.err(`note: ${p}: digests are validated for folders only; its files are "unverified offline"\n`);
      continue;
    }
    const root = path.resolve(p);
    let signatures = v.signatures;
    const defaultSignatures = path.join(root, SIGNATURES_FILE_NAME);
    if (!signaturesGiven && existsSync(defaultSignatures)) signatures = await loadSignaturesFile(defaultSignatures);
    try {
      const report = await validateSource(new FolderSource(root), { publicKeys: v.publicKeys, signatures });
      for (const w of report.keyWarnings) io.err(`warning: ${w}\n`);
      reports.push(report);
    } catch (e) {
      if (e instanceof ValidationAbort || e instanceof SourceError) io.err(`${root}: digest validation failed: ${e.message}\n`);
      else throw e;
    }
  }
  return reports;
}
