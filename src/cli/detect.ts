// `cloudtrail-lens detect PATH... [--rules DIR...] [--no-builtin] [--min-level L]
//  [--format text|json|sarif]`
//
// Loads the events like `query` (the same readers and options), runs the built-in Sigma pack and
// the rules under each --rules folder, and prints the hits at or above --min-level.
// Exit codes: 0 no such hit, 1 at least one hit at or above --min-level, 2 bad arguments, no
// event could be read, or a --rules folder cannot be read.
import * as path from 'node:path';
import { explainMatch, MatchReason } from '../core/detect/evaluate';
import { Level, LEVELS, levelRank, parseLevel, SigmaRule } from '../core/detect/rule';
import { loadRuleSet, problemLine } from '../core/detect/ruleSet';
import { runRules } from '../core/detect/run';
import type { EventIndex, EventSummary } from '../core/index/eventIndex';
import { cutText, lineText } from '../core/output/visibleText';
import { identityConflictNotes, noteText } from '../core/index/fileNotes';
import { CliIo, exitCodeIfOutputCut, forEachArg, jsonForOutput, oneOf, UsageError } from './io';
import { defaultLoadArgs, LoadArgs, parseLoadOption, withLoadedPaths } from './query';

export const DETECT_USAGE = `Usage: cloudtrail-lens detect PATH... [options]

Run Sigma detection rules over CloudTrail events in files, folders and S3 (s3://bucket/prefix):
the built-in pack (${LEVELS.join(', ')} rules for logging tampering, credential theft,
persistence, exfiltration…) plus your own rules for logsource product: aws, service: cloudtrail.
Events are read as by "query" (the same formats and options). A rule that cannot run fully
(an aggregation, a correlation, an unknown modifier, another log source) is listed on stderr
with the reason and not run.

Options:
  --rules DIR          also run every .yml/.yaml Sigma rule under DIR (may be given several times)
  --no-builtin         run only the --rules rules
  --min-level L        report hits of rules at level L or above: informational, low (default),
                       medium, high, critical
  --format F           text (default), json (one document: rules, hits with the matching fields,
                       problems), or sarif (SARIF 2.1.0, for code-scanning dashboards)
  --profile, --region, --endpoint, --include, --follow-links-outside, --max-file-mb,
  --max-records, --max-total-mb, --max-memory-mb, --cache-dir, --no-cache
                       as for "query"
Exit codes: 0 no hit at or above --min-level, 1 at least one, 2 bad arguments, no event could be
read, or a --rules folder could not be read.`;

type Format = 'text' | 'json' | 'sarif';

interface DetectArgs extends LoadArgs {
  rules: string[];
  builtin: boolean;
  minLevel: Level;
  format: Format;
}

export function parseDetectArgs(args: string[]): DetectArgs | 'help' {
  const out: DetectArgs = {
    ...defaultLoadArgs(),
    rules: [],
    builtin: true,
    minLevel: 'low',
    format: 'text',
  };
  let help = false;
  forEachArg(args, (a, value, operand) => {
    if (operand) return void out.paths.push(a);
    switch (a) {
      case '-h':
      case '--help':
        help = true;
        return;
      case '--rules':
        out.rules.push(value());
        return;
      case '--no-builtin':
        out.builtin = false;
        return;
      case '--min-level': {
        const v = value();
        const l = parseLevel(v);
        if (!l)
          throw new UsageError(`--min-level must be one of ${LEVELS.join(', ')} (got "${v}")`);
        out.minLevel = l;
        return;
      }
      case '--format':
        out.format = oneOf(a, value(), ['text', 'json', 'sarif'] as const);
        return;
      default:
        if (parseLoadOption(a, value, out)) return;
        if (a.startsWith('-') && a !== '-')
          throw new UsageError(`unknown option ${a} (see --help)`);
        out.paths.push(a);
    }
  });
  if (help) return 'help';
  if (out.paths.length === 0)
    throw new UsageError('give at least one file or folder to scan (see --help)');
  if (!out.builtin && out.rules.length === 0)
    throw new UsageError('--no-builtin needs at least one --rules DIR');
  return out;
}

/** One hit as the outputs describe it. */
interface Hit {
  rule: SigmaRule;
  event: EventSummary;
  /** Where the event is: its file (a local path or s3:// URI) and position in it. */
  location: string;
  element: number;
  matched: MatchReason[];
}

export async function runDetect(args: string[], io: CliIo): Promise<number> {
  const parsed = parseDetectArgs(args);
  if (parsed === 'help') {
    io.out(DETECT_USAGE + '\n');
    return 0;
  }
  const set = await loadRuleSet(parsed.rules, { builtin: parsed.builtin });
  for (const p of set.problems) io.err(`${problemLine(p)}\n`);
  if (
    set.problems.some(
      (p) =>
        parsed.rules.includes(p.source) &&
        /no such folder|not a folder|cannot be read/.test(p.reason),
    )
  )
    return 2;
  const rules = set.rules.filter((r) => levelRank(r.level) >= levelRank(parsed.minLevel));
  return withLoadedPaths(parsed, io, rules, async ({ index, nothingRead }) => {
    if (nothingRead) return 2;
    const run = await runRules(index, rules);
    const hits = await describeHits(index, run.hits);
    const hitRows = [...new Set(hits.map((h) => h.event.row))].sort((a, b) => a - b);
    for (const n of identityConflictNotes(index, hitRows))
      io.err(`${n.severity}: ${noteText(n)}\n`);
    exitCodeIfOutputCut(hits.length > 0 ? 1 : 0);
    if (parsed.format === 'json')
      io.out(
        jsonForOutput(jsonReport(set.rules.length, rules, hits, set.problems, index), io) + '\n',
      );
    else if (parsed.format === 'sarif') io.out(jsonForOutput(sarifReport(rules, hits), io) + '\n');
    else writeText(hits, rules.length, set.problems.length, index.eventCount, io);
    return hits.length > 0 ? 1 : 0;
  });
}

const EXPLAIN_CHUNK = 20_000;

/** Hits in time order (highest level first for the same event), each with why it matched. */
async function describeHits(
  index: EventIndex,
  ruleHits: Array<{ rule: SigmaRule; rows: Uint32Array }>,
): Promise<Hit[]> {
  const pairs: Array<{ rule: SigmaRule; row: number }> = [];
  for (const h of ruleHits) for (const row of h.rows) pairs.push({ rule: h.rule, row });
  const rank = index.rank();
  pairs.sort(
    (a, b) =>
      rank[a.row] - rank[b.row] ||
      levelRank(b.rule.level) - levelRank(a.rule.level) ||
      (a.rule.title < b.rule.title ? -1 : 1),
  );
  const rows = [...new Set(pairs.map((p) => p.row))];
  const records = new Map<number, unknown>();
  for (let i = 0; i < rows.length; i += EXPLAIN_CHUNK) {
    const chunk = rows.slice(i, i + EXPLAIN_CHUNK);
    const texts = await index.rawRecords(chunk);
    chunk.forEach((r, j) => records.set(r, JSON.parse(texts[j])));
  }
  return pairs.map(({ rule, row }) => {
    const file = index.files[index.store.fileOf[row]];
    return {
      rule,
      event: index.summary(row),
      location: file.location,
      element: index.store.elementOf[row],
      matched: explainMatch(rule, records.get(row)),
    };
  });
}

function reasonText(m: MatchReason): string {
  const vals = m.values.map((v) => (v.length > 80 ? `${cutText(v, 79)}…` : v)).join(', ');
  return m.field === undefined
    ? `keyword ${m.condition}`
    : `${m.field} ${m.condition}${vals ? ` (${vals})` : ''}`;
}

function writeText(
  hits: Hit[],
  rulesRun: number,
  problems: number,
  events: number,
  io: CliIo,
): void {
  // Log values and file names are foreign: none may end its line and forge the next (lineText).
  const t = lineText;
  for (const h of hits) {
    const e = h.event;
    io.out(`${h.rule.level.toUpperCase().padEnd(13)} ${t(h.rule.title)}\n`);
    io.out(
      `  ${t(e.eventTime) || '(no time)'}  ${t(e.eventName)}  ${t(e.principal)}  from ${t(e.sourceIPAddress) || '?'}  ${t(e.region)}  account ${t(e.account) || '?'}  eventID ${t(e.eventID)}\n`,
    );
    io.out(`  ${t(h.location)}\n`);
    for (const m of h.matched) io.out(`  matched: ${t(reasonText(m))}\n`);
  }
  const byLevel = LEVELS.map(
    (l) => [l, hits.filter((h) => h.rule.level === l).length] as const,
  ).filter(([, n]) => n > 0);
  const events_ = new Set(hits.map((h) => h.event.row)).size;
  io.out(
    `${hits.length} hit${hits.length === 1 ? '' : 's'} on ${events_} of ${events} events by ${rulesRun} rules${byLevel.length ? ` (${byLevel.map(([l, n]) => `${n} ${l}`).join(', ')})` : ''}${problems ? `; ${problems} rule${problems === 1 ? '' : 's'} not run (listed on stderr)` : ''}\n`,
  );
}

function ruleMeta(r: SigmaRule) {
  return {
    id: r.id,
    title: r.title,
    level: r.level,
    tags: r.tags,
    description: r.description,
    falsepositives: r.falsepositives,
    source: r.source,
  };
}

function jsonReport(
  loaded: number,
  rules: SigmaRule[],
  hits: Hit[],
  problems: unknown[],
  index: EventIndex,
) {
  return {
    events: index.eventCount,
    rulesLoaded: loaded,
    rulesRun: rules.map(ruleMeta),
    problems,
    hits: hits.map((h) => ({
      rule: { id: h.rule.id, title: h.rule.title, level: h.rule.level, tags: h.rule.tags },
      event: {
        eventID: h.event.eventID,
        eventTime: h.event.eventTime,
        eventSource: h.event.eventSource,
        eventName: h.event.eventName,
        principal: h.event.principal,
        principalArn: h.event.principalArn,
        sourceIPAddress: h.event.sourceIPAddress,
        awsRegion: h.event.region,
        account: h.event.account,
        errorCode: h.event.errorCode,
      },
      file: h.location,
      element: h.element,
      matched: h.matched,
    })),
  };
}

/** SARIF levels: error for high and critical, warning for medium, note below. */
function sarifLevel(l: Level): 'error' | 'warning' | 'note' {
  return levelRank(l) >= levelRank('high') ? 'error' : l === 'medium' ? 'warning' : 'note';
}

function artifactUri(location: string): string {
  if (/^s3:\/\//.test(location)) return location;
  const rel = path.relative(process.cwd(), location);
  const p = rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : path.resolve(location);
  return path.isAbsolute(p)
    ? `file://${p.split(path.sep).map(encodeURIComponent).join('/')}`
    : p.split(path.sep).map(encodeURIComponent).join('/');
}

/** SARIF 2.1.0: one run, the rules that ran as the driver's rules, one result per hit. */
export function sarifReport(rules: SigmaRule[], hits: Hit[]) {
  const indexOf = new Map(rules.map((r, i) => [r.id, i]));
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'cloudtrail-lens',
            version: String(require('../../package.json').version),
            rules: rules.map((r) => ({
              id: r.id,
              name: r.title,
              shortDescription: { text: r.title },
              fullDescription: { text: r.description || r.title },
              help: {
                text: `${r.description}${r.falsepositives.length ? `\nFalse positives: ${r.falsepositives.join('; ')}` : ''}`,
              },
              defaultConfiguration: { level: sarifLevel(r.level) },
              properties: { tags: r.tags, 'sigma-level': r.level, source: r.source },
            })),
          },
        },
        results: hits.map((h) => ({
          ruleId: h.rule.id,
          ruleIndex: indexOf.get(h.rule.id) ?? -1,
          level: sarifLevel(h.rule.level),
          message: {
            text: `${h.rule.title}: ${h.event.eventName} by ${h.event.principal || 'unknown principal'} at ${h.event.eventTime || 'an unknown time'}${h.matched.length ? ` (${h.matched.map(reasonText).join('; ')})` : ''}`,
          },
          locations: [
            {
              physicalLocation: { artifactLocation: { uri: artifactUri(h.location) } },
              logicalLocations: [
                { name: h.event.eventID || `element ${h.element}`, kind: 'object' },
              ],
            },
          ],
          partialFingerprints: { 'cloudtrailEventId/v1': `${h.event.eventID}:${h.rule.id}` },
          properties: {
            eventTime: h.event.eventTime,
            eventName: h.event.eventName,
            eventSource: h.event.eventSource,
            principal: h.event.principal,
            sourceIPAddress: h.event.sourceIPAddress,
            account: h.event.account,
            region: h.event.region,
            element: h.element,
          },
        })),
      },
    ],
  };
}
