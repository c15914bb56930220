// Hovers inside CloudTrail records: on a field name, what the field means (with a link to the
// AWS documentation); on a value, what it decodes to (UTC and the cloudtrailLens.timeZone zone, key and id prefixes,
// error codes, ARNs). Values from the log are appended as plain text, never as markdown, with
// their hidden characters marked.
import * as vscode from 'vscode';
import { revealHidden } from '../../core/output/visibleText';
import { fieldInfo } from '../../core/records/fieldMeanings';
import { describeIdentity } from '../../core/records/identity';
import { locateField } from '../../core/records/fieldLocation';
import { parseRecord, recordAt } from '../../core/records/recordIndex';
import { describeRequest, type RequestDescription } from '../../core/records/request';
import { escapeMarkdown } from '../tree/presentation';
import { explainValue } from '../../core/records/valueHints';
import { timeZoneSetting } from '../timeZone';
import type { RecordIndexCache } from '../documents/recordIndexCache';

/** Log-derived text, appended as plain text with its hidden characters marked. */
function appendShown(md: vscode.MarkdownString, text: string): void {
  md.appendText(revealHidden(text));
}

/** The API reference link: its text (from the log) escaped, its address kept inside the link. */
function appendApiReference(md: vscode.MarkdownString, what: RequestDescription): void {
  const url = what.apiReferenceUrl.replace(/[()]/g, (c) => (c === '(' ? '%28' : '%29'));
  md.appendMarkdown(
    `\n\n[${escapeMarkdown(revealHidden(`API reference: ${what.service}:${what.operation}`))}](${url})`,
  );
}

function fieldMarkdown(md: vscode.MarkdownString, path: readonly (string | number)[]): boolean {
  const info = fieldInfo(path);
  if (!info) return false;
  md.appendMarkdown('**');
  appendShown(md, info.path);
  md.appendMarkdown('** — ');
  appendShown(md, info.meaning);
  if (info.since) appendShown(md, ` (since eventVersion ${info.since})`);
  md.appendMarkdown(`\n\n[CloudTrail documentation](${info.doc})`);
  return true;
}

export class RecordHoverProvider implements vscode.HoverProvider {
  constructor(private readonly cache: RecordIndexCache) {}

  provideHover(document: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
    if (!vscode.workspace.getConfiguration('cloudtrailLens').get<boolean>('hovers.enabled', true))
      return undefined;
    const index = this.cache.get(document);
    if (index.shape === 'none') return undefined;
    const offset = document.offsetAt(position);
    const record = recordAt(index, offset);
    if (!record) return undefined;
    const ownText = document.getText(
      new vscode.Range(document.positionAt(record.start), document.positionAt(record.end)),
    );
    const loc = locateField(ownText, record, offset);
    if (!loc) return undefined;
    // Theme icons on from the start: appendText then escapes `$(name)` in log text too.
    const md = new vscode.MarkdownString(undefined, true);
    const range = loc.range
      ? new vscode.Range(
          document.positionAt(loc.range.offset),
          document.positionAt(loc.range.offset + loc.range.length),
        )
      : undefined;

    if (loc.isKey) {
      if (!fieldMarkdown(md, loc.path)) return undefined;
      const field = loc.path.join('.');
      if (
        field === 'userIdentity' ||
        field === 'requestParameters' ||
        field === 'Events.0.CloudTrailEvent'
      ) {
        const parsed = parseRecord(ownText, record);
        if (parsed && field !== 'requestParameters') {
          const who = describeIdentity(parsed.userIdentity, parsed);
          md.appendMarkdown('\n\n---\n\n');
          appendShown(md, who.summary);
          for (const f of who.facts) {
            md.appendMarkdown('\n\n');
            appendShown(md, `${f.label}: ${f.value}`);
          }
        }
        if (parsed && field !== 'userIdentity') {
          const what = describeRequest(parsed);
          md.appendMarkdown('\n\n---\n\n');
          appendShown(md, what.summary);
          if (what.risky) {
            md.appendMarkdown('\n\n$(warning) ');
            appendShown(md, `Why it matters: ${what.risky}`);
          }
          appendApiReference(md, what);
        }
      }
      return new vscode.Hover(md, range);
    }

    // An event name: what the call did, as the request lens says it, with its API reference.
    if (loc.path.length === 1 && loc.path[0] === 'eventName') {
      const parsed = parseRecord(ownText, record);
      if (!parsed) return undefined;
      const what = describeRequest(parsed);
      appendShown(md, what.summary);
      if (what.risky) appendShown(md, `\n\nWhy it matters: ${what.risky}`);
      appendApiReference(md, what);
      return new vscode.Hover(md, range);
    }

    const hints = explainValue(loc.path, loc.value, timeZoneSetting());
    if (!hints.length) return undefined;
    const known = fieldInfo(loc.path);
    if (known) {
      md.appendMarkdown('**');
      appendShown(md, known.path);
      md.appendMarkdown('**\n\n');
    }
    hints.forEach((h, i) => {
      if (i) md.appendMarkdown('\n\n');
      appendShown(md, h);
    });
    return new vscode.Hover(md, range);
  }
}
