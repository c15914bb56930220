// Hovers inside CloudTrail records: on a field name, what the field means (with a link to the
// AWS documentation); on a value, what it decodes to (UTC and local time, key and id prefixes,
// error codes, ARNs). Values from the log are appended as plain text, never as markdown.
import * as vscode from 'vscode';
import { fieldInfo } from '../../core/records/fieldCatalog';
import { describeIdentity } from '../../core/records/identity';
import { locateField } from '../../core/records/fieldLocation';
import { parseRecord, recordAt } from '../../core/records/recordIndex';
import { describeRequest } from '../../core/records/request';
import { explainValue } from '../../core/records/valueHints';
import type { RecordIndexCache } from '../documents/recordIndexCache';

function fieldMarkdown(md: vscode.MarkdownString, path: readonly (string | number)[]): boolean {
  const info = fieldInfo(path);
  if (!info) return false;
  md.appendMarkdown('**');
  md.appendText(info.path);
  md.appendMarkdown('** — ');
  md.appendText(info.meaning);
  if (info.since) md.appendText(` (since eventVersion ${info.since})`);
  md.appendMarkdown(`\n\n[CloudTrail documentation](${info.doc})`);
  return true;
}

export class RecordHoverProvider implements vscode.HoverProvider {
  constructor(private readonly cache: RecordIndexCache) {}

  provideHover(document: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
    if (!vscode.workspace.getConfiguration('cloudtrailLens').get<boolean>('hovers.enabled', true)) return undefined;
    const index = this.cache.get(document);
    if (index.shape === 'none') return undefined;
    const offset = document.offsetAt(position);
    const record = recordAt(index, offset);
    if (!record) return undefined;
    const ownText = document.getText(new vscode.Range(document.positionAt(record.start), document.positionAt(record.end)));
    const loc = locateField(ownText, record, offset);
    if (!loc) return undefined;
    const md = new vscode.MarkdownString();
    const range = loc.range ? new vscode.Range(document.positionAt(loc.range.offset), document.positionAt(loc.range.offset + loc.range.length)) : undefined;

    if (loc.isKey) {
      if (!fieldMarkdown(md, loc.path)) return undefined;
      const field = loc.path.join('.');
      if (field === 'userIdentity' || field === 'requestParameters' || field === 'Events.0.CloudTrailEvent') {
        const parsed = parseRecord(ownText, record);
        if (parsed && field !== 'requestParameters') {
          const who = describeIdentity(parsed.userIdentity, parsed);
          md.appendMarkdown('\n\n---\n\n');
          md.appendText(who.summary);
          for (const f of who.facts) {
            md.appendMarkdown('\n\n');
            md.appendText(`${f.label}: ${f.value}`);
          }
        }
        if (parsed && field !== 'userIdentity') {
          const what = describeRequest(parsed);
          md.appendMarkdown('\n\n---\n\n');
          md.appendText(what.summary);
          if (what.risky) {
            md.appendMarkdown('\n\n$(warning) ');
            md.appendText(`Why it matters: ${what.risky}`);
          }
          md.appendMarkdown(`\n\n[API reference: ${what.service}:${what.operation}](${what.apiReferenceUrl})`);
        }
        md.supportThemeIcons = true;
      }
      return new vscode.Hover(md, range);
    }

    // An event name: what the call did, as the request lens says it, with its API reference.
    if (loc.path.length === 1 && loc.path[0] === 'eventName') {
      const parsed = parseRecord(ownText, record);
      if (!parsed) return undefined;
      const what = describeRequest(parsed);
      md.appendText(what.summary);
      if (what.risky) md.appendText(`\n\nWhy it matters: ${what.risky}`);
      md.appendMarkdown(`\n\n[API reference: ${what.service}:${what.operation}](${what.apiReferenceUrl})`);
      return new vscode.Hover(md, range);
    }

    const hints = explainValue(loc.path, loc.value);
    if (!hints.length) return undefined;
    const known = fieldInfo(loc.path);
    if (known) {
      md.appendMarkdown('**');
      md.appendText(known.path);
      md.appendMarkdown('**\n\n');
    }
    hints.forEach((h, i) => {
      if (i) md.appendMarkdown('\n\n');
      md.appendText(h);
    });
    return new vscode.Hover(md, range);
  }
}
