// `cloudtrail-lens lint`: runs the shared lint engine (src/core/lint) over files and prints one
// line per finding, or a JSON array. Exit 1 when any error-severity finding exists, else 0;
// 2 on bad arguments or unreadable files.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import {
  CONFIG_FILE_PATTERN,
  detectFormat,
  lintText,
  loadHclParser,
  RULES,
  type ConfigFormat,
  type Finding,
  type RuleGroup,
} from '../core/lint';
import { lineText } from '../core/output/visibleText';
import { readRegularFile } from '../core/sources/regularFile';
import { CliIo, exitCodeIfOutputCut, jsonForOutput, UsageError } from './io';

const HELP = `Usage: cloudtrail-lens lint FILE|FOLDER... [options]

Checks trail and event-selector configuration files (recognised by content): put/get-event-selectors
JSON, create/update-trail --cli-input-json, describe-trails / get-trail / get-trail-status output,
AWS::CloudTrail::Trail resources in CloudFormation templates (JSON or YAML, CDK synth output
included), Terraform aws_cloudtrail / aws_cloudtrail_event_data_store resources (.tf, .tf.json) and
terraform show -json output. Comments and trailing commas are allowed in JSON. Folders are searched
for *.json, *.jsonc, *.yaml, *.yml, *.template and *.tf files.

Options:
  --format text|json     text: "file:line:col severity rule-id message" (default); json: an array
  --disable RULE[,RULE]  switch rules off (repeatable)
  --disable-group GROUP  switch a rule group off: correctness or posture (repeatable)
  --list-rules           print every rule with its severity, group and documentation link (with
                         --format json: an array of {id, severity, group, title, description,
                         controls, docUrl}, and no files may be given)
  -h, --help             this help

Exit status: 1 when any error-severity finding exists, 0 otherwise, 2 on bad arguments and on
unreadable files or files in an unsupported format.
Suppress a finding in a file with a comment: // cloudtrail-lens-disable-next-line RULE (# in YAML and
Terraform).`;

/** The format a file is read in: by its name, else by content for names without a known ending. */
function formatOf(file: string, text: string): ConfigFormat | 'unsupported' {
  if (CONFIG_FILE_PATTERN.test(file) || !/\.[^./\\]+$/.test(file)) return detectFormat(text, file);
  // Any other ending (.tfvars, .txt…): JSON by content, as lint has always read named files; nothing else is guessed.
  return detectFormat(text) === 'json' ? 'json' : 'unsupported';
}

/** Trail configurations are kilobytes; a larger file is not one. */
const MAX_FILE_BYTES = 64 * 1024 * 1024;

interface Options {
  paths: string[];
  format: 'text' | 'json';
  disabledRules: string[];
  disabledGroups: RuleGroup[];
  listRules: boolean;
}

function parseArgs(args: string[]): Options | 'help' {
  const o: Options = {
    paths: [],
    format: 'text',
    disabledRules: [],
    disabledGroups: [],
    listRules: false,
  };
  const knownRules = new Set(RULES.map((r) => r.meta.id));
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--') {
      // The end of the options, as in POSIX tools: a file named -x can be given after it.
      o.paths.push(...args.slice(i + 1));
      break;
    }
    const [flag, inline] =
      a.startsWith('--') && a.includes('=')
        ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)]
        : [a, undefined];
    const value = (): string => {
      const v = inline ?? args[++i];
      if (v === undefined) throw new UsageError(`${flag} needs a value`);
      return v;
    };
    if (flag === '-h' || flag === '--help') return 'help';
    else if (flag === '--format') {
      const v = value();
      if (v !== 'text' && v !== 'json')
        throw new UsageError(`--format must be text or json, not "${v}"`);
      o.format = v;
    } else if (flag === '--disable') {
      for (const id of value().split(',').filter(Boolean)) {
        if (!knownRules.has(id)) throw new UsageError(`unknown rule "${id}" (see --list-rules)`);
        o.disabledRules.push(id);
      }
    } else if (flag === '--disable-group') {
      const v = value();
      if (v !== 'correctness' && v !== 'posture')
        throw new UsageError(`--disable-group must be correctness or posture, not "${v}"`);
      o.disabledGroups.push(v);
    } else if (flag === '--list-rules') o.listRules = true;
    else if (flag.startsWith('-') && flag !== '-') throw new UsageError(`unknown option "${flag}"`);
    else o.paths.push(a);
  }
  if (!o.paths.length && !o.listRules) throw new UsageError('no file given (see --help)');
  // Two JSON documents on stdout (the rules, then the findings) would be no JSON at all.
  if (o.listRules && o.paths.length && o.format === 'json')
    throw new UsageError('--list-rules with --format json prints the rules only: give no files');
  return o;
}

/** Files to lint: named files as given; folders searched for the configuration file names (CONFIG_FILE_PATTERN). */
function expand(path: string, out: { file: string; named: boolean }[]): void {
  const st = statSync(path);
  if (!st.isDirectory()) {
    out.push({ file: path, named: true });
    return;
  }
  for (const entry of readdirSync(path, { withFileTypes: true }).sort((a, b) =>
    a.name.localeCompare(b.name),
  )) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    const child = join(path, entry.name);
    if (entry.isDirectory()) expand(child, out);
    else if (CONFIG_FILE_PATTERN.test(entry.name)) out.push({ file: child, named: false });
  }
}

export interface JsonFinding {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  severity: Finding['severity'];
  ruleId: string;
  message: string;
  fixes: string[];
}

export async function runLint(args: string[], io: CliIo): Promise<number> {
  const opts = parseArgs(args);
  if (opts === 'help') {
    io.out(HELP + '\n');
    return 0;
  }
  if (opts.listRules && opts.format === 'json') {
    const rules = RULES.map(({ meta: m }) => ({
      id: m.id,
      severity: m.severity,
      group: m.group,
      title: m.title,
      description: m.description,
      controls: m.controls ?? [],
      docUrl: m.docUrl,
    }));
    io.out(jsonForOutput(rules, io) + '\n');
    return 0;
  }
  if (opts.listRules) {
    for (const r of RULES) {
      const m = r.meta;
      io.out(
        `${m.id}\t${m.severity}\t${m.group}\t${m.title}${m.controls ? ` [${m.controls.join('; ')}]` : ''}\t${m.docUrl}\n`,
      );
    }
    if (!opts.paths.length) return 0;
  }

  let exit = 0;
  const files: { file: string; named: boolean }[] = [];
  for (const p of opts.paths) {
    try {
      expand(p, files);
    } catch (e) {
      io.err(
        `cloudtrail-lens lint: ${p}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or folder' : (e as Error).message}\n`,
      );
      exit = 2;
    }
  }

  const all: JsonFinding[] = [];
  let errors = 0;
  let recognised = 0;
  for (const { file, named } of files) {
    let text: string;
    try {
      // Only regular files: a FIFO named *.json in a folder would block the read for ever.
      text = new TextDecoder().decode(await readRegularFile(file, { maxBytes: MAX_FILE_BYTES }));
    } catch (e) {
      io.err(`cloudtrail-lens lint: ${lineText((e as Error).message)}\n`);
      exit = 2;
      continue;
    }
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    const format = formatOf(file, text);
    if (format === 'unsupported') {
      io.err(
        `cloudtrail-lens lint: ${lineText(file)}: unsupported format; lint reads JSON, YAML and Terraform (.json, .jsonc, .yaml, .yml, .template, .tf, .tf.json)\n`,
      );
      exit = 2;
      continue;
    }
    if (format === 'terraform') {
      try {
        await loadHclParser();
      } catch (e) {
        io.err(
          `cloudtrail-lens lint: ${lineText(file)}: cannot load the Terraform parser (${(e as Error).message})\n`,
        );
        exit = 2;
        continue;
      }
    }
    // Only named files report syntax errors: a folder may hold any JSON or YAML, broken or not.
    const result = lintText(text, {
      format,
      disabledRules: opts.disabledRules,
      disabledGroups: opts.disabledGroups,
      reportSyntaxErrors: named,
    });
    if (result.kinds.length) recognised++;
    else if (named && !result.findings.length)
      io.err(
        `cloudtrail-lens lint: ${lineText(file)}: not a trail or event selector configuration; nothing to check\n`,
      );
    for (const f of result.findings) {
      if (f.severity === 'error') errors++;
      all.push({
        file,
        line: f.start.line,
        column: f.start.column,
        endLine: f.end.line,
        endColumn: f.end.column,
        severity: f.severity,
        ruleId: f.ruleId,
        message: f.message,
        fixes: f.fixes.map((x) => x.title),
      });
    }
  }

  exitCodeIfOutputCut(exit || (errors > 0 ? 1 : 0));
  if (opts.format === 'json') io.out(jsonForOutput(all, io) + '\n');
  else
    for (const f of all)
      // A file name or a value the message quotes never ends its line (lineText): CI reads these lines.
      io.out(
        `${lineText(f.file)}:${f.line}:${f.column} ${f.severity} ${f.ruleId} ${lineText(f.message)}\n`,
      );
  if (io.stderrIsTTY && opts.format === 'text') {
    const warnings = all.filter((f) => f.severity === 'warning').length;
    io.err(
      `${files.length} file(s), ${recognised} trail configuration(s): ${errors} error(s), ${warnings} warning(s), ${all.length - errors - warnings} info\n`,
    );
  }
  if (exit) return exit;
  return errors > 0 ? 1 : 0;
}
