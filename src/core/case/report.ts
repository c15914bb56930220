// The evidence report: what an investigation found, for people who were not in the editor. One
// model (buildReport) written as Markdown, as one self-contained HTML file (no script, no external
// resource, a CSP that forbids loading any, every value escaped), and as Timesketch JSONL.
//
// It covers given rows (the starred or tagged events, or the current result): a summary (scope,
// time span, counts by tag), the events in time order with who / what / where in the plain words
// of the lenses and the detail pane (records/identity.ts, records/request.ts) and who is behind
// each session (core/origin, worded by describeOrigin as the detail pane words it), the analysts'
// notes, the detection rules that fired on them (core/detect: the built-in pack and the user's
// rule folders), and the chain of custody (custody.ts).
import { DetectionResults } from '../detect/results';
import type { Level, SigmaRule } from '../detect/rule';
import { runRules } from '../detect/run';
import type { EventIndex } from '../index/eventIndex';
import { ConsoleLogins } from '../origin/console';
import { describeOrigin, type Origin } from '../origin/resolve';
import { describeIdentity } from '../records/identity';
import { describeRequest } from '../records/request';
import type { CloudTrailRecord } from '../records/types';
import { escapeMarkdown } from '../output/markdown';
import { flatFields } from '../output/recordFields';
import { revealHidden } from '../output/visibleText';
import { Annotation } from './caseFile';
import type { Custody, CustodyVerdict } from './custody';
import type { ResolvedCase } from './resolve';

export interface ReportEvent {
  row: number;
  eventTime: string;
  eventID: string;
  eventName: string;
  eventSource: string;
  /** Who acted, in plain words (the identity lens). */
  who: string;
  /** Why the identity is a risk (root, anonymous, long-term keys…), when it is. */
  whoRisk?: string;
  /** Who is behind the session, when that adds to `who` (reportOrigin). */
  origin?: ReportOrigin;
  /** The ConsoleLogin that started a console session (core/origin/console.ts), when it was loaded. */
  signIn?: ReportSignIn;
  /** What the call did, in plain words (the request lens). */
  what: string;
  /** Why the call matters, when it does. */
  whyItMatters?: string;
  /** From where: source address, user agent, region, account. */
  where: string;
  errorCode: string;
  annotation?: Annotation;
  /** The detection rules that fired on it, highest level first (empty when none, or detections did not run). */
  detections: DetectedRule[];
  /** The log object it was read from (custody.files by fileId). */
  fileId: number;
  location: string;
}

/** The origin of an event's session (core/origin) as the report states it. */
export interface ReportOrigin {
  /** describeOrigin's words: "for bob (via 2 role hops)", or where and why the chain stops. */
  summary: string;
  /** Each credential issuance from the origin outwards (the detail pane's chain). */
  hops: Array<{ eventID: string; eventName: string; arn: string }>;
}

/**
 * The origin, when it adds to the Who line: a chain was followed (hops), or it could not be
 * followed to its end (the reader must know the attribution stops there). A complete origin
 * without hops is the caller itself (an IAM user, root, a SAML or web identity, a service; the
 * federated user's issuer and the onBehalfOf user are in the Who line already). Unlike the code
 * lens (extension/lenses/recordLenses.ts originWorthSaying), an incomplete chain is said: a
 * report covers a few chosen events, not every line of a log.
 */
export function reportOrigin(o: Origin): ReportOrigin | undefined {
  if (o.complete && o.hops.length === 0) return undefined;
  return {
    summary: describeOrigin(o),
    hops: o.hops.map((h) => ({ eventID: h.eventID, eventName: h.eventName, arn: h.arn })),
  };
}

/** The sign-in that started an event's console session, as the detail pane links it. */
export interface ReportSignIn {
  eventID: string;
  eventTime: string;
  sourceIPAddress: string;
}

/** The ConsoleLogin of the console session `record` (the event at `row`) was made in, if loaded. */
function signInOf(
  index: EventIndex,
  logins: ConsoleLogins,
  row: number,
  record: unknown,
): ReportSignIn | undefined {
  const login = logins.rowFor(row, record);
  if (login < 0) return undefined;
  const s = index.summary(login);
  return { eventID: s.eventID, eventTime: s.eventTime, sourceIPAddress: s.sourceIPAddress };
}

/** A sign-in in words: "ConsoleLogin at … from …" (the event ID is the reader's to quote). */
function signInWords(si: ReportSignIn): string {
  return `ConsoleLogin at ${si.eventTime || '(no time)'}${si.sourceIPAddress ? ` from ${si.sourceIPAddress}` : ''}`;
}

/** A detection rule as the report names it. */
export interface DetectedRule {
  id: string;
  title: string;
  level: Level;
}

/** What the detection rules said about the events covered. */
export interface ReportDetections {
  /** Rules run (built-in and the user's). */
  rulesRun: number;
  /** Rules that could not be loaded or run (listed by `detect` / Check Detection Rules). */
  notRun: number;
  /** Covered events with at least one hit. */
  events: number;
  /** Each rule that fired on a covered event, with how many: highest level first, then most events. */
  hits: Array<DetectedRule & { events: number }>;
}

/** The rules to run for a report: a loaded rule set (core/detect/ruleSet.ts). */
export interface ReportRules {
  rules: readonly SigmaRule[];
  /** Rules that were not loaded (problems of the rule set). */
  notRun: number;
}

/** Runs the rules over the index and keeps the hits on `rows` (the events a report covers). */
export async function detectionsFor(
  index: EventIndex,
  rules: ReportRules,
  signal?: AbortSignal,
): Promise<{ results: DetectionResults; rulesRun: number; notRun: number }> {
  return {
    results: new DetectionResults(await runRules(index, rules.rules, signal)),
    rulesRun: rules.rules.length,
    notRun: rules.notRun,
  };
}

export interface ReportModel {
  title: string;
  /** ISO time the report was made, and by whom. */
  generatedAt: string;
  generatedBy: string;
  caseFile: string;
  /** Where the events were loaded from. */
  scope: string[];
  /** What the report covers, in words ("the starred or tagged events", "events matching …"). */
  selection: string;
  /** Time span of the events covered (ISO), when any has a time. */
  from?: string;
  to?: string;
  starred: number;
  tagCounts: Array<{ tag: string; count: number }>;
  /** Detections hit; undefined when no rule was run. */
  detections?: ReportDetections;
  events: ReportEvent[];
  /** Annotations whose event is not in the loaded scope (kept in the case, listed here). */
  notLoaded: Annotation[];
  custody: Custody;
}

export interface ReportInput {
  index: EventIndex;
  resolved: ResolvedCase;
  /** The rows covered, any order. */
  rows: ArrayLike<number>;
  custody: Custody;
  caseFile: string;
  scope: string[];
  selection: string;
  generatedBy: string;
  generatedAt?: Date;
  title?: string;
  /** The detection rules' results over the index (detectionsFor); absent: detections not run. */
  detections?: { results: DetectionResults; rulesRun: number; notRun: number };
}

/** The rows the case annotates (starred, tagged or noted), for a report on "the case". */
export function annotatedRows(resolved: ResolvedCase): number[] {
  return [...resolved.byRow.keys()];
}

/** Rows in the index's time order (ties in file order, untimed last). */
export function inTimeOrder(index: EventIndex, rows: ArrayLike<number>): number[] {
  const rank = index.rank();
  return Array.from(rows).sort((a, b) => rank[a] - rank[b]);
}

export async function buildReport(input: ReportInput, signal?: AbortSignal): Promise<ReportModel> {
  const { index, resolved } = input;
  const rows = inTimeOrder(index, input.rows);
  const texts = await index.rawRecords(rows, signal);
  const logins = new ConsoleLogins(index);
  const events: ReportEvent[] = rows.map((row, i) => {
    const s = index.summary(row);
    let record: CloudTrailRecord | undefined;
    try {
      record = JSON.parse(texts[i]) as CloudTrailRecord;
    } catch {
      record = undefined;
    }
    const who = record ? describeIdentity(record.userIdentity, record) : undefined;
    const what = record ? describeRequest(record) : undefined;
    const file = index.files[s.fileId];
    const origin = reportOrigin(index.originOf(row));
    const signIn = signInOf(index, logins, row, record);
    const where = [
      s.sourceIPAddress ? `from ${s.sourceIPAddress}` : '',
      s.userAgent ? `using ${s.userAgent}` : '',
      s.region ? `in ${s.region}` : '',
      s.account ? `account ${s.account}` : '',
    ]
      .filter(Boolean)
      .join(', ');
    return {
      row,
      eventTime: s.eventTime,
      eventID: s.eventID,
      eventName: s.eventName,
      eventSource: s.eventSource,
      who: who?.summary ?? s.principal,
      ...(who?.risk === 'high' || who?.risk === 'medium'
        ? { whoRisk: who.riskReason ?? `${who.risk} risk` }
        : {}),
      ...(origin ? { origin } : {}),
      ...(signIn ? { signIn } : {}),
      what: what?.summary ?? `${s.eventSource} ${s.eventName}`,
      ...(what?.risky ? { whyItMatters: what.risky } : {}),
      where,
      errorCode: s.errorCode,
      ...(resolved.byRow.has(row) ? { annotation: resolved.byRow.get(row) } : {}),
      detections: (input.detections?.results.rulesOf(row) ?? []).map((r) => ({
        id: r.id,
        title: r.title,
        level: r.level,
      })),
      fileId: s.fileId,
      location: file.location,
    };
  });
  const tags = new Map<string, number>();
  for (const e of events)
    for (const t of e.annotation?.tags ?? []) tags.set(t, (tags.get(t) ?? 0) + 1);
  const timed = events.filter((e) => e.eventTime !== '');
  return {
    title: input.title ?? 'CloudTrail evidence report',
    generatedAt: (input.generatedAt ?? new Date()).toISOString(),
    generatedBy: input.generatedBy,
    caseFile: input.caseFile,
    scope: input.scope,
    selection: input.selection,
    ...(timed.length ? { from: timed[0].eventTime, to: timed[timed.length - 1].eventTime } : {}),
    starred: events.filter((e) => e.annotation?.starred).length,
    tagCounts: [...tags]
      .map(([tag, count]) => ({ tag, count }))
      .sort((a, b) => b.count - a.count || (a.tag < b.tag ? -1 : 1)),
    ...(input.detections ? { detections: summarizeDetections(input.detections, rows) } : {}),
    events,
    notLoaded: resolved.notLoaded,
    custody: input.custody,
  };
}

function summarizeDetections(
  d: NonNullable<ReportInput['detections']>,
  rows: number[],
): ReportDetections {
  const groups = d.results.facet(rows);
  return {
    rulesRun: d.rulesRun,
    notRun: d.notRun,
    events: groups.reduce((n, g) => n + g.events, 0),
    hits: groups.flatMap((g) =>
      g.rules.map(({ rule, events }) => ({
        id: rule.id,
        title: rule.title,
        level: rule.level,
        events,
      })),
    ),
  };
}

/** The summary's detections line: counts in our own words (no rule text, so nothing to escape). */
function detectionsSummary(d: ReportDetections | undefined): string {
  if (!d) return 'not run';
  const notRun = d.notRun ? `; ${d.notRun} rule${d.notRun === 1 ? '' : 's'} could not run` : '';
  if (!d.hits.length)
    return `no hit (${d.rulesRun} rule${d.rulesRun === 1 ? '' : 's'} run${notRun})`;
  return `${d.hits.length} rule${d.hits.length === 1 ? '' : 's'} hit on ${d.events} event${d.events === 1 ? '' : 's'} (${d.rulesRun} run${notRun})`;
}

const VERDICT_WORDS: Record<CustodyVerdict, string> = {
  valid: 'valid',
  'unverified offline': 'unverified offline',
  invalid: 'INVALID',
  'not covered': 'not covered',
};

// ── Markdown ────────────────────────────────────────────────────────────────────────────────

/** Log-derived text in running Markdown: hidden characters shown as markers, syntax escaped. */
function md(text: string): string {
  return escapeMarkdown(revealHidden(text)).replace(/\r?\n/g, ' ');
}

/** A value as a code span (ARNs, keys, hashes read as they are), whatever backticks it holds. */
function code(text: string): string {
  const t = revealHidden(text).replace(/\r?\n/g, ' ');
  if (t === '') return '';
  const longest = Math.max(0, ...(t.match(/`+/g) ?? []).map((r) => r.length));
  const fence = '`'.repeat(longest + 1);
  const pad = t.startsWith('`') || t.endsWith('`') || t.startsWith(' ') ? ' ' : '';
  return `${fence}${pad}${t}${pad}${fence}`;
}

export function reportMarkdown(m: ReportModel): string {
  const out: string[] = [];
  const custodyById = new Map(m.custody.files.map((f) => [f.fileId, f]));
  out.push(`# ${md(m.title)}`, '');
  out.push(
    `Generated ${m.generatedAt} by ${md(m.generatedBy)} from the case file ${code(m.caseFile)}.`,
    '',
  );
  out.push('## Summary', '');
  out.push(
    `- **Covers:** ${md(m.selection)}: ${m.events.length} event${m.events.length === 1 ? '' : 's'}${m.starred ? `, ${m.starred} starred` : ''}`,
  );
  out.push(`- **Scope:** ${m.scope.map(code).join(', ') || 'none'}`);
  out.push(`- **Time span:** ${m.from ? `${m.from} → ${m.to}` : 'no event has a time'}`);
  out.push(
    `- **Tags:** ${m.tagCounts.length ? m.tagCounts.map((t) => `${code(t.tag)} (${t.count})`).join(', ') : 'none'}`,
  );
  out.push(`- **Detections:** ${detectionsSummary(m.detections)}`);
  for (const h of m.detections?.hits ?? [])
    out.push(`  - ${h.level}: ${md(h.title)} (${h.events} event${h.events === 1 ? '' : 's'})`);
  const counts = verdictCounts(m.custody);
  out.push(
    `- **Custody:** ${m.custody.files.length} log file${m.custody.files.length === 1 ? '' : 's'}: ${counts}`,
  );
  out.push('');
  out.push('## Events', '');
  m.events.forEach((e, i) => {
    const a = e.annotation;
    out.push(
      `### ${i + 1}. ${a?.starred ? '★ ' : ''}${e.eventTime || '(no time)'} — ${md(e.eventName || '(no eventName)')}`,
      '',
    );
    out.push(`- **Who:** ${md(e.who)}${e.whoRisk ? ` — ${md(e.whoRisk)}` : ''}`);
    if (e.origin) {
      out.push(`- **Origin:** ${md(e.origin.summary)}`);
      e.origin.hops.forEach((h, n) =>
        out.push(`  ${n + 1}. ${md(h.eventName)} ${code(h.eventID)} → ${code(h.arn)}`),
      );
    }
    if (e.signIn)
      out.push(`- **Signed in:** ${md(signInWords(e.signIn))}, ${code(e.signIn.eventID)}`);
    out.push(
      `- **What:** ${md(e.what)}${e.whyItMatters ? ` — why it matters: ${md(e.whyItMatters)}` : ''}`,
    );
    out.push(`- **Where:** ${md(e.where || 'not recorded')}`);
    if (a?.tags.length) out.push(`- **Tags:** ${a.tags.map(code).join(' ')}`);
    if (e.detections.length)
      out.push(
        `- **Detections:** ${e.detections.map((d) => `${d.level}: ${md(d.title)}`).join('; ')}`,
      );
    out.push(`- **Event ID:** ${code(e.eventID)}`);
    const f = custodyById.get(e.fileId);
    out.push(`- **Source:** ${code(e.location)}${f ? ` (${VERDICT_WORDS[f.verdict]})` : ''}`);
    if (a?.note) {
      out.push('', `> **Note** (${md(a.by || 'unknown')}, ${md(a.at)}):`);
      for (const line of revealHidden(a.note).split(/\r?\n/)) out.push(`> ${escapeMarkdown(line)}`);
    }
    out.push('');
  });
  if (m.notLoaded.length) {
    out.push('## Annotations of events not loaded', '');
    out.push(
      'These annotations are in the case file, but their events are not in the scope this report was made from.',
      '',
    );
    for (const a of m.notLoaded) {
      out.push(
        `- ${a.eventTime ? md(a.eventTime) : '(no time)'} ${code(a.eventID)} in ${code(a.key)}${a.starred ? ' ★' : ''}${a.tags.length ? ` ${a.tags.map(code).join(' ')}` : ''}${a.note ? `: ${md(a.note)}` : ''}`,
      );
    }
    out.push('');
  }
  out.push('## Chain of custody', '');
  out.push(custodyIntro(m.custody), '');
  out.push(
    '| # | Log file | SHA-256 (file as stored) | SHA-256 (content, as digests list it) | Verdict | Why |',
  );
  out.push('|---|---|---|---|---|---|');
  // In a table a '|' ends the cell unless escaped: md() escapes it already (escaping it again
  // would escape the backslash and leave the '|' to split the cell); a code span does not.
  m.custody.files.forEach((f, i) => {
    out.push(
      `| ${i + 1} | ${code(f.location).replace(/\|/g, '\\|')} | ${code(f.sha256)} | ${f.contentSha256 ? code(f.contentSha256) : '—'} | **${VERDICT_WORDS[f.verdict]}** | ${md(f.reason)} |`,
    );
  });
  out.push('');
  out.push(
    `Public key fingerprints used: ${m.custody.fingerprints.length ? m.custody.fingerprints.map(code).join(', ') : 'none'}`,
    '',
  );
  return out.join('\n');
}

function verdictCounts(c: Custody): string {
  const counts = new Map<CustodyVerdict, number>();
  for (const f of c.files) counts.set(f.verdict, (counts.get(f.verdict) ?? 0) + 1);
  return (
    (['valid', 'unverified offline', 'invalid', 'not covered'] as const)
      .filter((v) => counts.get(v))
      .map((v) => `${counts.get(v)} ${VERDICT_WORDS[v]}`)
      .join(', ') || 'none'
  );
}

function custodyIntro(c: Custody): string {
  return c.validated
    ? 'Each event was read from the log file below. Its SHA-256 was computed when this report was made; the verdict is digest validation\'s (the rules of "aws cloudtrail validate-logs"): valid means a digest lists the file with the same content hash and the digest\'s signature was verified with the public key named.'
    : 'Each event was read from the log file below. Its SHA-256 was computed when this report was made. Digest validation was not run (no public keys were given), so no file is verified.';
}

// ── HTML ────────────────────────────────────────────────────────────────────────────────────

/** Text for HTML content and attribute values: hidden characters shown as markers, then escaped. */
export function escapeHtml(text: string): string {
  return revealHidden(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const STYLE = `
body{font:14px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;margin:2em auto;max-width:72em;padding:0 1em;color:#1f2328;background:#fff}
h1{font-size:1.6em;margin-bottom:.2em}h2{border-bottom:1px solid #d0d7de;padding-bottom:.2em;margin-top:1.6em}
.meta{color:#59636e}code{font:12px ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;background:#f6f8fa;padding:.1em .3em;border-radius:4px;word-break:break-all}
table{border-collapse:collapse;width:100%}th,td{border:1px solid #d0d7de;padding:.3em .5em;text-align:left;vertical-align:top}th{background:#f6f8fa}
.event{border:1px solid #d0d7de;border-radius:6px;padding:.6em 1em;margin:.8em 0}.event h3{margin:.1em 0 .4em;font-size:1.05em}
.star{color:#bf8700}.tag{display:inline-block;background:#ddf4ff;color:#0969da;border-radius:1em;padding:0 .6em;margin-right:.3em;font-size:.9em}
.note{border-left:4px solid #d0d7de;margin:.5em 0;padding:.2em .8em;white-space:pre-wrap;background:#f6f8fa}
.v-valid{color:#1a7f37;font-weight:600}.v-invalid{color:#cf222e;font-weight:600}.v-unverified-offline{color:#9a6700;font-weight:600}.v-not-covered{color:#59636e;font-weight:600}
.lvl-critical,.lvl-high{color:#cf222e;font-weight:600}.lvl-medium{color:#9a6700;font-weight:600}.lvl-low,.lvl-informational{color:#59636e;font-weight:600}ul.detections{margin:.2em 0;padding-left:1.2em}ol.hops{margin:.2em 0;padding-left:1.6em}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.2em 1em;margin:0}dt{font-weight:600}dd{margin:0}
`;

export function reportHtml(m: ReportModel): string {
  const h = escapeHtml;
  const c = (t: string) => (t === '' ? '' : `<code>${h(t)}</code>`);
  const verdict = (v: CustodyVerdict) =>
    `<span class="v-${v.replace(/ /g, '-')}">${h(VERDICT_WORDS[v])}</span>`;
  const custodyById = new Map(m.custody.files.map((f) => [f.fileId, f]));
  const parts: string[] = [];
  parts.push(
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="utf-8">',
    // Nothing may load from anywhere: the file is the whole report, and a value that escaped would still fetch nothing.
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${h(m.title)}</title><style>${STYLE}</style></head><body>`,
    `<h1>${h(m.title)}</h1>`,
    `<p class="meta">Generated ${h(m.generatedAt)} by ${h(m.generatedBy)} from the case file ${c(m.caseFile)}.</p>`,
    '<h2>Summary</h2><dl>',
    `<dt>Covers</dt><dd>${h(m.selection)}: ${m.events.length} event${m.events.length === 1 ? '' : 's'}${m.starred ? `, ${m.starred} starred` : ''}</dd>`,
    `<dt>Scope</dt><dd>${m.scope.map(c).join(', ') || 'none'}</dd>`,
    `<dt>Time span</dt><dd>${m.from ? `${h(m.from)} → ${h(m.to ?? '')}` : 'no event has a time'}</dd>`,
    `<dt>Tags</dt><dd>${m.tagCounts.length ? m.tagCounts.map((t) => `<span class="tag">${h(t.tag)}</span>${t.count}`).join(' ') : 'none'}</dd>`,
    `<dt>Detections</dt><dd>${h(detectionsSummary(m.detections))}${m.detections?.hits.length ? `<ul class="detections">${m.detections.hits.map((d) => `<li><span class="lvl-${d.level}">${h(d.level)}</span> ${h(d.title)} (${d.events} event${d.events === 1 ? '' : 's'})</li>`).join('')}</ul>` : ''}</dd>`,
    `<dt>Custody</dt><dd>${m.custody.files.length} log file${m.custody.files.length === 1 ? '' : 's'}: ${h(verdictCounts(m.custody))}</dd>`,
    '</dl>',
    '<h2>Events</h2>',
  );
  m.events.forEach((e, i) => {
    const a = e.annotation;
    const f = custodyById.get(e.fileId);
    parts.push(
      `<section class="event"><h3>${i + 1}. ${a?.starred ? '<span class="star" title="starred">★</span> ' : ''}${h(e.eventTime || '(no time)')} — ${h(e.eventName || '(no eventName)')}</h3><dl>`,
      `<dt>Who</dt><dd>${h(e.who)}${e.whoRisk ? ` — <strong>${h(e.whoRisk)}</strong>` : ''}</dd>`,
      e.origin
        ? `<dt>Origin</dt><dd>${h(e.origin.summary)}${e.origin.hops.length ? `<ol class="hops">${e.origin.hops.map((o) => `<li>${h(o.eventName)} ${c(o.eventID)} → ${c(o.arn)}</li>`).join('')}</ol>` : ''}</dd>`
        : '',
      e.signIn
        ? `<dt>Signed in</dt><dd>${h(signInWords(e.signIn))}, ${c(e.signIn.eventID)}</dd>`
        : '',
      `<dt>What</dt><dd>${h(e.what)}${e.whyItMatters ? ` — <strong>why it matters:</strong> ${h(e.whyItMatters)}` : ''}</dd>`,
      `<dt>Where</dt><dd>${h(e.where || 'not recorded')}</dd>`,
      a?.tags.length
        ? `<dt>Tags</dt><dd>${a.tags.map((t) => `<span class="tag">${h(t)}</span>`).join('')}</dd>`
        : '',
      e.detections.length
        ? `<dt>Detections</dt><dd>${e.detections.map((d) => `<span class="lvl-${d.level}">${h(d.level)}</span> ${h(d.title)}`).join('; ')}</dd>`
        : '',
      `<dt>Event ID</dt><dd>${c(e.eventID)}</dd>`,
      `<dt>Source</dt><dd>${c(e.location)}${f ? ` (${verdict(f.verdict)})` : ''}</dd>`,
      '</dl>',
      a?.note
        ? `<div class="note"><strong>Note</strong> (${h(a.by || 'unknown')}, ${h(a.at)}):\n${h(a.note)}</div>`
        : '',
      '</section>',
    );
  });
  if (m.notLoaded.length) {
    parts.push(
      '<h2>Annotations of events not loaded</h2><p>These annotations are in the case file, but their events are not in the scope this report was made from.</p><ul>',
    );
    for (const a of m.notLoaded) {
      parts.push(
        `<li>${h(a.eventTime || '(no time)')} ${c(a.eventID)} in ${c(a.key)}${a.starred ? ' ★' : ''} ${a.tags.map((t) => `<span class="tag">${h(t)}</span>`).join('')}${a.note ? `: ${h(a.note)}` : ''}</li>`,
      );
    }
    parts.push('</ul>');
  }
  parts.push('<h2>Chain of custody</h2>', `<p>${h(custodyIntro(m.custody))}</p>`);
  parts.push(
    '<table><thead><tr><th>#</th><th>Log file</th><th>SHA-256 (file as stored)</th><th>SHA-256 (content, as digests list it)</th><th>Verdict</th><th>Why</th></tr></thead><tbody>',
  );
  m.custody.files.forEach((f, i) => {
    parts.push(
      `<tr><td>${i + 1}</td><td>${c(f.location)}</td><td>${c(f.sha256)}</td><td>${f.contentSha256 ? c(f.contentSha256) : '—'}</td><td>${verdict(f.verdict)}</td><td>${h(f.reason)}</td></tr>`,
    );
  });
  parts.push('</tbody></table>');
  parts.push(
    `<p>Public key fingerprints used: ${m.custody.fingerprints.length ? m.custody.fingerprints.map(c).join(', ') : 'none'}</p>`,
  );
  parts.push('</body></html>', '');
  return parts.filter((p) => p !== '').join('\n');
}

// ── Timesketch ──────────────────────────────────────────────────────────────────────────────

/**
 * Timesketch JSONL (its "import from JSON/CSV" format): one object per event with `message`,
 * `datetime` (ISO 8601), `timestamp` (µs), `timestamp_desc`, the record's fields flattened to
 * dotted names (arrays by index: `resources.0.ARN`; recordFields.ts flatFields: values as stored,
 * a dot inside a key escaped), the session's origin as `query --fields`
 * gives it (`origin`, `origin_type`, `origin_hops`, `origin_complete`; the message adds its words
 * when they add to who, as the Who line), and the case's tags as `tag` (Timesketch's own label
 * field), the star and the note as `case_starred` / `case_note`. A record field of one of these
 * names, or beneath one, is kept as `record_<name>`. Yielded a few thousand lines at a time, so
 * that a large result is written as it is made, never held whole.
 */
export async function* timesketchJsonl(
  index: EventIndex,
  resolved: ResolvedCase,
  rows: ArrayLike<number>,
  signal?: AbortSignal,
): AsyncGenerator<string> {
  const ordered = inTimeOrder(index, rows);
  const logins = new ConsoleLogins(index);
  const CHUNK = 5000;
  for (let i = 0; i < ordered.length; i += CHUNK) {
    const chunk = ordered.slice(i, i + CHUNK);
    const texts = await index.rawRecords(chunk, signal);
    const lines = chunk.map((row, j) =>
      timesketchLine(index, logins, row, texts[j], resolved.byRow.get(row)),
    );
    yield lines.join('\n') + '\n';
  }
}

function timesketchLine(
  index: EventIndex,
  logins: ConsoleLogins,
  row: number,
  raw: string,
  a: Annotation | undefined,
): string {
  const s = index.summary(row);
  let record: CloudTrailRecord | undefined;
  try {
    record = JSON.parse(raw) as CloudTrailRecord;
  } catch {
    record = undefined;
  }
  const who = record ? describeIdentity(record.userIdentity, record).summary : s.principal;
  const what = record ? describeRequest(record).summary : `${s.eventSource} ${s.eventName}`;
  const origin = index.originOf(row);
  const behind = reportOrigin(origin);
  const signIn = signInOf(index, logins, row, record);
  const out: Record<string, unknown> = record
    ? flatFields(raw, MAX_FLATTEN_DEPTH)
    : Object.create(null);
  // Timesketch needs a time for every event: one without a readable eventTime is placed at the
  // epoch, and its description and message say so (never passed off as an event from 1970).
  const timed = Number.isFinite(s.time);
  const time = timed ? s.time : 0;
  const tool: Record<string, unknown> = {
    message: `${timed ? '' : '(no readable eventTime) '}${who}${behind ? ` · ${behind.summary}` : ''}: ${what}`,
    datetime: new Date(time).toISOString(),
    timestamp: time * 1000,
    timestamp_desc: timed ? 'CloudTrail eventTime' : 'no readable eventTime (placed at the epoch)',
    data_type: 'aws:cloudtrail:event',
    source_file: index.files[s.fileId].location,
    origin: origin.arn,
    origin_type: origin.type,
    origin_hops: origin.hops.length,
    origin_complete: origin.complete,
    ...(signIn ? { console_login_event_id: signIn.eventID } : {}),
    tag: a?.tags ?? [],
    ...(a?.starred ? { case_starred: true } : {}),
    ...(a?.note ? { case_note: a.note, case_note_by: a.by } : {}),
  };
  // A record field named as one of these (a top-level `message`, `origin` or `tag`: CloudTrail
  // writes none, a forged record may), or beneath one (`tag.0`, which Timesketch would read as a
  // field of the tool's `tag`), keeps its value under `record_<name>` (the first name free), so
  // neither hides the other.
  const heads = new Map<string, string[]>(); // a tool field's name → the record's keys under it
  for (const key of Object.keys(out)) {
    const head = fieldHead(key);
    if (Object.hasOwn(tool, head)) heads.set(head, [...(heads.get(head) ?? []), key]);
  }
  if (heads.size > 0) {
    const taken = new Set(Object.keys(out).map(fieldHead));
    for (const [head, keys] of heads) {
      let moved = `record_${head}`;
      for (let n = 2; taken.has(moved) || Object.hasOwn(tool, moved); n++)
        moved = `record_${head}_${n}`;
      taken.add(moved);
      for (const key of keys) {
        out[moved + key.slice(head.length)] = out[key];
        delete out[key];
      }
    }
  }
  Object.assign(out, tool);
  return JSON.stringify(out);
}

const MAX_FLATTEN_DEPTH = 32;

/** A flattened field's top-level name: up to its first dot that is not escaped (flatFields). */
function fieldHead(key: string): string {
  for (let i = 0; i < key.length; i++) {
    if (key[i] === '\\') i++;
    else if (key[i] === '.') return key.slice(0, i);
  }
  return key;
}
