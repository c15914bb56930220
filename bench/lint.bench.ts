// Linting a 5,000-line trail configuration (target: ≤ 50 ms, what the editor pays per keystroke
// pause). The document is a JSONC CloudFormation template with many trails that mixes valid
// settings, basic and advanced selectors, comments and planted problems, so that every rule runs
// and reports; the same trails are also written as a CloudFormation YAML template (short-form
// !Ref, a comment above each resource) and as Terraform (aws_cloudtrail resources with blocks).
// Baselines measured in the same run: the parser alone of each format (jsonc-parser's parseTree,
// the yaml package's Parser, tree-sitter's parse), the floor any linter of that format pays.
// Usage (measures the code as shipped: bundled by esbuild like dist/, not through tsx):
//   npx esbuild bench/lint.bench.ts --bundle --platform=node --main-fields=module,main --outfile=out/bench/lint.bench.js \
//     && node --expose-gc out/bench/lint.bench.js [lines=5000] [runs=50] [format: json|yaml|terraform, default all]
// (npx tsx bench/lint.bench.ts also works; tsx's module wrappers make it somewhat slower.)
import { cpus, loadavg } from 'node:os';
import { parse as parseJsonc, parseTree } from 'jsonc-parser';
import { Parser as YamlParser, parseDocument, stringify } from 'yaml';
import {
  completionsAt,
  hoverAt,
  lintText,
  loadHclParser,
  type ConfigFormat,
} from '../src/core/lint';
import { forgetHclTrees } from '../src/core/lint/formats/hcl';

const targetLines = Number(process.argv[2] ?? 5000);
const runs = Number(process.argv[3] ?? 50);
const only = process.argv[4] as ConfigFormat | undefined;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function p95(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(s.length * 0.95))];
}

function time(fn: () => unknown): number {
  const t = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t) / 1e6;
}

function trail(i: number): Record<string, unknown> {
  const bad = i % 3 === 0;
  const props: Record<string, unknown> = {
    TrailName: bad ? `trail--${i}` : `trail-${i}`,
    S3BucketName: { Ref: 'LogBucket' },
    S3KeyPrefix: `accounts/${i}`,
    IsLogging: i % 7 !== 0,
    IsMultiRegionTrail: !bad,
    IncludeGlobalServiceEvents: true,
    EnableLogFileValidation: i % 2 === 0,
    KMSKeyId: `arn:aws:kms:eu-west-1:111122223333:key/${String(i).padStart(8, '0')}-12ab-34cd-56ef-1234567890ab`,
  };
  if (i % 2) {
    props.EventSelectors = [
      {
        ReadWriteType: bad ? 'Readonly' : 'All',
        IncludeManagementEvents: true,
        DataResources: [
          {
            Type: 'AWS::S3::Object',
            Values: [
              `arn:aws:s3:::bucket-${i}${bad ? '' : '/'}`,
              `arn:aws:s3:::bucket-${i}-archive/`,
            ],
          },
          {
            Type: 'AWS::Lambda::Function',
            Values: [`arn:aws:lambda:eu-west-1:111122223333:function:fn-${i}`],
          },
        ],
      },
    ];
  } else {
    props.AdvancedEventSelectors = [
      {
        Name: 'management',
        FieldSelectors: [
          { Field: 'eventCategory', Equals: ['Management'] },
          { Field: 'readOnly', [bad ? 'NotEquals' : 'Equals']: ['false'] },
        ],
      },
      {
        Name: 'objects',
        FieldSelectors: [
          { Field: 'eventCategory', Equals: ['Data'] },
          { Field: 'resources.type', Equals: [bad ? 'AWS::S3::object' : 'AWS::S3::Object'] },
          {
            Field: 'eventName',
            Equals: ['PutObject', 'DeleteObject', bad ? 'PutObject' : 'CopyObject'],
          },
          { Field: 'resources.ARN', StartsWith: [`arn:aws:s3:::bucket-${i}/`] },
        ],
      },
    ];
  }
  return { Type: 'AWS::CloudTrail::Trail', Properties: props };
}

function buildDocument(lines: number): string {
  const resources: Record<string, unknown> = {};
  let text = '';
  for (let i = 0; ; i++) {
    resources[`Trail${i}`] = trail(i);
    text = JSON.stringify(
      {
        AWSTemplateFormatVersion: '2010-09-09',
        Parameters: { LogBucket: { Type: 'String' } },
        Resources: resources,
      },
      null,
      2,
    );
    if (text.split('\n').length >= lines) break;
  }
  // JSONC: a comment above every resource, as people annotate templates.
  return text.replace(/^ {4}"Trail(\d+)": \{$/gm, '    // trail for account $1\n$&');
}

/** Trails with only the required settings: every posture fix inserts a property. */
function buildSparseDocument(lines: number): string {
  const resources: Record<string, unknown> = {};
  let text = '';
  for (let i = 0; ; i++) {
    resources[`Trail${i}`] = {
      Type: 'AWS::CloudTrail::Trail',
      Properties: { TrailName: `trail-${i}`, S3BucketName: `bucket-${i}`, IsLogging: true },
    };
    text = JSON.stringify({ Resources: resources }, null, 2);
    if (text.split('\n').length >= lines) break;
  }
  return text;
}

/** The mixed template's trails as CloudFormation YAML: block style, !Ref, a comment above each resource. */
function toYaml(json: string): string {
  const template = JSON.parse(json.replace(/^\s*\/\/.*$/gm, ''));
  return stringify(template, { lineWidth: 0 })
    .replace(/^( +)S3BucketName:\n +Ref: (\w+)$/gm, '$1S3BucketName: !Ref $2')
    .replace(/^ {2}Trail(\d+):$/gm, '  # trail for account $1\n$&');
}

const TF_NAMES: Record<string, string> = {
  TrailName: 'name',
  S3KeyPrefix: 's3_key_prefix',
  IsLogging: 'enable_logging',
  IsMultiRegionTrail: 'is_multi_region_trail',
  IncludeGlobalServiceEvents: 'include_global_service_events',
  EnableLogFileValidation: 'enable_log_file_validation',
  KMSKeyId: 'kms_key_id',
  ReadWriteType: 'read_write_type',
  IncludeManagementEvents: 'include_management_events',
  Type: 'type',
  Values: 'values',
  Name: 'name',
  Field: 'field',
  Equals: 'equals',
  NotEquals: 'not_equals',
  StartsWith: 'starts_with',
};

const hcl = (v: unknown): string =>
  Array.isArray(v)
    ? `[${v.map(hcl).join(', ')}]`
    : typeof v === 'string'
      ? JSON.stringify(v)
      : String(v);

function attributes(o: Record<string, unknown>, indent: string): string[] {
  const scalars = Object.entries(o).filter(
    ([, v]) => typeof v !== 'object' || (Array.isArray(v) && typeof v[0] !== 'object'),
  );
  const width = Math.max(...scalars.map(([k]) => TF_NAMES[k].length));
  return scalars.map(([k, v]) => `${indent}${TF_NAMES[k].padEnd(width)} = ${hcl(v)}`);
}

/** The mixed template's trails as Terraform: one aws_cloudtrail per trail, selectors as blocks. */
function toTerraform(json: string): string {
  const template = JSON.parse(json.replace(/^\s*\/\/.*$/gm, ''));
  const out: string[] = [];
  for (const [id, r] of Object.entries(template.Resources) as [
    string,
    { Properties: Record<string, unknown> },
  ][]) {
    const {
      S3BucketName: _bucket,
      EventSelectors,
      AdvancedEventSelectors,
      ...settings
    } = r.Properties as Record<string, never>;
    out.push(
      `# trail for account ${id.slice(5)}`,
      `resource "aws_cloudtrail" "${id}" {`,
      '  s3_bucket_name = aws_s3_bucket.logs.id',
      ...attributes(settings, '  '),
    );
    for (const es of (EventSelectors ?? []) as Record<string, unknown>[]) {
      const { DataResources, ...rest } = es as Record<string, never>;
      out.push('', '  event_selector {', ...attributes(rest, '    '));
      for (const dr of (DataResources ?? []) as Record<string, unknown>[])
        out.push('', '    data_resource {', ...attributes(dr, '      '), '    }');
      out.push('  }');
    }
    for (const as of (AdvancedEventSelectors ?? []) as {
      Name: string;
      FieldSelectors: Record<string, unknown>[];
    }[]) {
      out.push('', '  advanced_event_selector {', `    name = ${hcl(as.Name)}`);
      for (const fs of as.FieldSelectors)
        out.push('', '    field_selector {', ...attributes(fs, '      '), '    }');
      out.push('  }');
    }
    out.push('}', '');
  }
  return out.join('\n');
}

/** Grows the mixed template until its Terraform rendering has `lines` lines (it is denser than JSON). */
function buildTerraform(lines: number): string {
  for (let n = lines; ; n += 250) {
    const tf = toTerraform(buildDocument(n));
    if (tf.split('\n').length >= lines) return tf;
  }
}

/** Grows the mixed template until its YAML rendering has `lines` lines. */
function buildYaml(lines: number): string {
  for (let n = lines; ; n += 250) {
    const y = toYaml(buildDocument(n));
    if (y.split('\n').length >= lines) return y;
  }
}

/** tree-sitter's parse alone, with the grammar the engine loads. */
async function treeSitterParse(): Promise<(text: string) => void> {
  const { Language, Parser } = require('web-tree-sitter') as typeof import('web-tree-sitter');
  await Parser.init({ locateFile: () => require.resolve('web-tree-sitter/tree-sitter.wasm') });
  const parser = new Parser();
  parser.setLanguage(
    await Language.load(
      require.resolve('@tree-sitter-grammars/tree-sitter-hcl/tree-sitter-terraform.wasm'),
    ),
  );
  return (text) => parser.parse(text)!.delete();
}

interface Sample {
  wall: number;
  cpu: number;
}

/** Wall-clock and CPU time of one call: on a shared, loaded machine CPU time is the steadier figure. */
function measure(fn: () => unknown): Sample {
  const c = process.cpuUsage();
  const wall = time(fn);
  const d = process.cpuUsage(c);
  return { wall, cpu: (d.user + d.system) / 1000 };
}

function report(name: string, xs: Sample[]): { wall: number; cpu: number } {
  const wall = median(xs.map((x) => x.wall));
  const cpu = median(xs.map((x) => x.cpu));
  console.log(
    `  ${name.padEnd(36)} wall median ${wall.toFixed(1).padStart(6)} ms (p95 ${p95(
      xs.map((x) => x.wall),
    )
      .toFixed(1)
      .padStart(6)})   cpu median ${cpu.toFixed(1).padStart(6)} ms`,
  );
  return { wall, cpu };
}

interface Case {
  label: string;
  text: string;
  format: ConfigFormat;
  /** Where completion and hover are asked (an advanced selector's field, or a trail's name). */
  at: number;
  baselines: [string, (text: string) => unknown][];
  /** Lint as the CLI does for a named file as well (YAML: the syntax errors cost a second pass). */
  withSyntaxErrors?: boolean;
}

async function main(): Promise<void> {
  await loadHclParser();
  const tsParse = await treeSitterParse();
  const mixed = buildDocument(targetLines);
  const yaml = buildYaml(targetLines);
  const tf = buildTerraform(targetLines);
  const last = (text: string, ...needles: string[]) =>
    Math.max(...needles.map((n) => text.lastIndexOf(n))) + 3;
  const jsonBaselines: Case['baselines'] = [
    ['baseline: jsonc-parser parseTree', (t) => parseTree(t, [], { allowTrailingComma: true })],
    ['baseline: jsonc-parser parse', (t) => parseJsonc(t, [], { allowTrailingComma: true })],
  ];
  const cases: Case[] = [
    {
      label: 'mixed template (selectors, comments, planted problems)',
      text: mixed,
      format: 'json',
      at: last(mixed, '"resources.ARN"', '"TrailName"'),
      baselines: jsonBaselines,
    },
    {
      label: 'sparse template (every setting missing: insert fixes)',
      text: buildSparseDocument(targetLines),
      format: 'json',
      at: 0,
      baselines: jsonBaselines,
    },
    {
      label: 'mixed template as CloudFormation YAML',
      text: yaml,
      format: 'yaml',
      at: last(yaml, 'Field: resources.ARN', 'TrailName:') + 7,
      withSyntaxErrors: true,
      baselines: [
        ['baseline: yaml Parser (tokens)', (t) => Array.from(new YamlParser().parse(t))],
        ['baseline: yaml parseDocument', (t) => parseDocument(t)],
      ],
    },
    {
      label: 'mixed template as Terraform',
      text: tf,
      format: 'terraform',
      at: last(tf, 'field  = "resources.ARN"', '  name ') + 9,
      baselines: [['baseline: tree-sitter parse', tsParse]],
    },
  ];
  for (const c of cases) {
    const { text, format } = c;
    if (only && format !== only) continue;
    // What the editor asks: syntax errors from the engine only for Terraform (JSON and YAML have their own language services).
    const lintOptions = { format, reportSyntaxErrors: format === 'terraform' };
    const lineCount = text.split('\n').length;
    const cold = measure(() => lintText(text, lintOptions));
    const first = lintText(text, lintOptions);
    const bySeverity = (sev: string) => first.findings.filter((f) => f.severity === sev).length;
    const fixes = first.findings.reduce((n, f) => n + f.fixes.length, 0);
    console.log(
      `${c.label}: ${lineCount} lines, ${(text.length / 1024).toFixed(0)} KiB, ${first.findings.length} findings (${bySeverity('error')} errors, ${bySeverity('warning')} warnings, ${bySeverity('info')} info), ${fixes} fixes, ${new Set(first.findings.map((f) => f.ruleId)).size} rules firing`,
    );
    // Each function in its own block (warm-up, then the runs), so that one's garbage is not
    // collected during another's measurement; a full GC between blocks when node has --expose-gc.
    // `before` runs ahead of each call, outside the measurement.
    const block = (fn: (run: number) => unknown, before?: () => void): Sample[] => {
      (globalThis as { gc?: () => void }).gc?.();
      for (let i = 0; i < 20; i++) {
        before?.();
        fn(-1 - i); // warm-up: the editor lints the same code on every pause
      }
      return Array.from({ length: runs }, (_, i) => {
        before?.();
        return measure(() => fn(i));
      });
    };
    // The whole text parsed on every call (the HCL reader's kept trees forgotten first): what a
    // first lint of a document costs, the CLI's case, and what every lint cost before the reader
    // kept its trees.
    const lint = block(() => lintText(text, lintOptions), forgetHclTrees);
    // The editor's case: each lint follows a one-keystroke edit of the text linted before (a
    // different digit typed into a trail's name in the middle of the document each time).
    const middle = text.indexOf('trail-', text.length >> 1) + 6;
    const typed = (run: number) => text.slice(0, middle) + String(run + 1000) + text.slice(middle);
    const afterEdit =
      format === 'terraform' ? block((run) => lintText(typed(run), lintOptions)) : undefined;
    const withErrors = c.withSyntaxErrors
      ? block(() => lintText(text, { format, reportSyntaxErrors: true }))
      : undefined;
    const baselines = c.baselines.map(([name, fn]) => [name, block(() => fn(text))] as const);
    const completion = block(() => completionsAt(text, c.at, format));
    const hover = block(() => hoverAt(text, c.at, format));
    console.log(
      `  ${'lintText, first call (cold JIT)'.padEnd(36)} wall ${cold.wall.toFixed(1).padStart(6)} ms   cpu ${cold.cpu.toFixed(1).padStart(6)} ms`,
    );
    const l = report('lintText (whole engine)', lint);
    const e = afterEdit && report('lintText after a one-key edit', afterEdit);
    if (withErrors) report('lintText + syntax errors (CLI)', withErrors);
    const [p, ...others] = baselines.map(([name, xs]) => report(name, xs));
    void others;
    report('completionsAt (one request)', completion);
    report('hoverAt (one request)', hover);
    // CPU time is the work done; on an idle machine the wall time equals it (one thread).
    console.log(
      `  lint / ${c.baselines[0][0].replace('baseline: ', '')}: wall ${(l.wall / p.wall).toFixed(2)}x, cpu ${(l.cpu / p.cpu).toFixed(2)}x; target ≤ 50 ms: ${l.cpu <= 50 ? 'met' : 'NOT met'} (cpu median), wall median ${l.wall <= 50 ? 'within' : 'over'} it at load average ${loadavg()[0].toFixed(1)} on ${cpus().length} cores`,
    );
    if (e)
      console.log(
        `  after an edit / whole: cpu ${(e.cpu / l.cpu).toFixed(2)}x, wall ${(e.wall / l.wall).toFixed(2)}x; after an edit, target ≤ 50 ms: ${e.cpu <= 50 ? 'met' : 'NOT met'} (cpu median), wall median ${e.wall <= 50 ? 'within' : 'over'} it`,
      );
    console.log('');
  }
}

void main();
