// Linting a 5,000-line trail configuration (target: ≤ 50 ms, what the editor pays per keystroke
// pause). The document is a JSONC CloudFormation template with many trails that mixes valid
// settings, basic and advanced selectors, comments and planted problems, so that every rule runs
// and reports. Baselines measured in the same run: jsonc-parser's parseTree and JSON.parse of the
// same text (the floor any JSONC linter pays).
// Usage (measures the code as shipped: bundled by esbuild like dist/, not through tsx):
//   npx esbuild bench/lint.bench.ts --bundle --platform=node --main-fields=module,main --outfile=out/bench/lint.bench.js \
//     && node --expose-gc out/bench/lint.bench.js [lines=5000] [runs=50]
// (npx tsx bench/lint.bench.ts also works; tsx's module wrappers make it somewhat slower.)
import { cpus, loadavg } from 'node:os';
import { parse as parseJsonc, parseTree } from 'jsonc-parser';
import { completionsAt, hoverAt, lintText } from '../src/core/lint';

const targetLines = Number(process.argv[2] ?? 5000);
const runs = Number(process.argv[3] ?? 50);

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
          { Type: 'AWS::S3::Object', Values: [`arn:aws:s3:::bucket-${i}${bad ? '' : '/'}`, `arn:aws:s3:::bucket-${i}-archive/`] },
          { Type: 'AWS::Lambda::Function', Values: [`arn:aws:lambda:eu-west-1:111122223333:function:fn-${i}`] },
        ],
      },
    ];
  } else {
    props.AdvancedEventSelectors = [
      { Name: 'management', FieldSelectors: [{ Field: 'eventCategory', Equals: ['Management'] }, { Field: 'readOnly', [bad ? 'NotEquals' : 'Equals']: ['false'] }] },
      {
        Name: 'objects',
        FieldSelectors: [
          { Field: 'eventCategory', Equals: ['Data'] },
          { Field: 'resources.type', Equals: [bad ? 'AWS::S3::object' : 'AWS::S3::Object'] },
          { Field: 'eventName', Equals: ['PutObject', 'DeleteObject', bad ? 'PutObject' : 'CopyObject'] },
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
    text = JSON.stringify({ AWSTemplateFormatVersion: '2010-09-09', Parameters: { LogBucket: { Type: 'String' } }, Resources: resources }, null, 2);
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
    resources[`Trail${i}`] = { Type: 'AWS::CloudTrail::Trail', Properties: { TrailName: `trail-${i}`, S3BucketName: `bucket-${i}`, IsLogging: true } };
    text = JSON.stringify({ Resources: resources }, null, 2);
    if (text.split('\n').length >= lines) break;
  }
  return text;
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
  console.log(`  ${name.padEnd(36)} wall median ${wall.toFixed(1).padStart(6)} ms (p95 ${p95(xs.map((x) => x.wall)).toFixed(1).padStart(6)})   cpu median ${cpu.toFixed(1).padStart(6)} ms`);
  return { wall, cpu };
}

for (const [label, text] of [
  ['mixed template (selectors, comments, planted problems)', buildDocument(targetLines)],
  ['sparse template (every setting missing: insert fixes)', buildSparseDocument(targetLines)],
] as const) {
  const lineCount = text.split('\n').length;
  const cold = measure(() => lintText(text));
  const first = lintText(text);
  const bySeverity = (sev: string) => first.findings.filter((f) => f.severity === sev).length;
  const fixes = first.findings.reduce((n, f) => n + f.fixes.length, 0);
  console.log(`${label}: ${lineCount} lines, ${(text.length / 1024).toFixed(0)} KiB, ${first.findings.length} findings (${bySeverity('error')} errors, ${bySeverity('warning')} warnings, ${bySeverity('info')} info), ${fixes} fixes, ${new Set(first.findings.map((f) => f.ruleId)).size} rules firing`);
  const at = Math.max(text.lastIndexOf('"resources.ARN"'), text.lastIndexOf('"TrailName"')) + 3;
  // Each function in its own block (warm-up, then the runs), so that one's garbage is not
  // collected during another's measurement; a full GC between blocks when node has --expose-gc.
  const block = (fn: () => unknown): Sample[] => {
    (globalThis as { gc?: () => void }).gc?.();
    for (let i = 0; i < 20; i++) fn(); // warm-up: the editor lints the same code on every pause
    return Array.from({ length: runs }, () => measure(fn));
  };
  const lint = block(() => lintText(text));
  const tree = block(() => parseTree(text, [], { allowTrailingComma: true }));
  const values = block(() => parseJsonc(text, [], { allowTrailingComma: true }));
  const completion = block(() => completionsAt(text, at));
  const hover = block(() => hoverAt(text, at));
  console.log(`  ${'lintText, first call (cold JIT)'.padEnd(36)} wall ${cold.wall.toFixed(1).padStart(6)} ms   cpu ${cold.cpu.toFixed(1).padStart(6)} ms`);
  const l = report('lintText (whole engine)', lint);
  const t = report('baseline: jsonc-parser parseTree', tree);
  report('baseline: jsonc-parser parse', values);
  report('completionsAt (one request)', completion);
  report('hoverAt (one request)', hover);
  // CPU time is the work done; on an idle machine the wall time equals it (one thread).
  console.log(`  lint / parseTree: wall ${(l.wall / t.wall).toFixed(2)}x, cpu ${(l.cpu / t.cpu).toFixed(2)}x; target ≤ 50 ms: ${l.cpu <= 50 ? 'met' : 'NOT met'} (cpu median), wall median ${l.wall <= 50 ? 'within' : 'over'} it at load average ${loadavg()[0].toFixed(1)} on ${cpus().length} cores\n`);
}
