// The timeline page: a strict Content-Security-Policy (nothing by default; the one script by
// nonce; styles, images and fonts only from the extension's media/ folder), no inline styles or
// handlers, and no log content: the page is an empty shell that the script fills as text.
import { randomBytes } from 'node:crypto';

export interface PageResources {
  /** webview.cspSource */
  cspSource: string;
  /** webview.asWebviewUri of media/timeline.js and media/timeline.css */
  scriptUri: string;
  styleUri: string;
  title: string;
}

export function makeNonce(): string {
  return randomBytes(18).toString('base64');
}

export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${cspSource}`,
    `img-src ${cspSource} data:`,
    `font-src ${cspSource}`,
    // postMessage needs no connect-src; nothing may be fetched, framed or submitted.
    "base-uri 'none'",
    "form-action 'none'",
    "frame-src 'none'",
  ].join('; ');
}

const escapeAttr = (s: string): string => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function timelineHtml(r: PageResources, nonce = makeNonce()): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeAttr(contentSecurityPolicy(r.cspSource, nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${escapeAttr(r.styleUri)}">
<title>${escapeAttr(r.title)}</title>
</head>
<body>
<script nonce="${escapeAttr(nonce)}" src="${escapeAttr(r.scriptUri)}"></script>
</body>
</html>`;
}
