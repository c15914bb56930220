// The timeline page: a strict Content-Security-Policy (nothing by default; the one script and
// the one stylesheet by nonce; nothing may be fetched), no inline style attributes or handlers,
// and no log content: the page is an empty shell that the script fills as text.
//
// The script and stylesheet (media/timeline.js, media/timeline.css, built from src/webview) are
// written into the page rather than linked: a webview fetches its resources through VS Code's
// service worker and the workbench (in a remote window, from the server), which cost the first
// paint 300-400 ms in bench/timelineVsCode.ts.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface PageAssets {
  /** media/timeline.js */
  script: string;
  /** media/timeline.css */
  style: string;
}

export function makeNonce(): string {
  return randomBytes(18).toString('base64');
}

export function contentSecurityPolicy(nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src 'nonce-${nonce}'`,
    // postMessage needs no connect-src; nothing may be fetched, framed or submitted.
    "base-uri 'none'",
    "form-action 'none'",
    "frame-src 'none'",
  ].join('; ');
}

const escapeAttr = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Text written into a `<script>` or `<style>` element: it must not be able to end it early. */
function elementText(text: string, element: 'script' | 'style', file: string): string {
  if (new RegExp(`</${element}`, 'i').test(text) || (element === 'script' && /<!--/.test(text))) {
    throw new Error(
      `${file} contains "</${element}" or "<!--" and cannot be written into the timeline page`,
    );
  }
  // Source maps are not served to the page (nothing may be fetched); name the script for DevTools.
  return element === 'script'
    ? `${text.replace(/\n\/\/# sourceMappingURL=\S+\s*$/, '\n')}\n//# sourceURL=timeline.js`
    : text;
}

/**
 * The page of a timeline panel. `panelToken` names the panel in the context VS Code hands the
 * commands of the row context menu (data-vscode-context, merged from the body down), so that an
 * action lands in the panel that was right-clicked, whichever panel is active.
 */
export function timelineHtml(
  assets: PageAssets,
  title: string,
  nonce = makeNonce(),
  panelToken = '',
): string {
  const n = escapeAttr(nonce);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeAttr(contentSecurityPolicy(nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<style nonce="${n}">
${elementText(assets.style, 'style', 'media/timeline.css')}
</style>
<title>${escapeAttr(title)}</title>
</head>
<body data-vscode-context="${escapeAttr(JSON.stringify({ timelinePanel: panelToken }))}">
<script nonce="${n}">
${elementText(assets.script, 'script', 'media/timeline.js')}
</script>
</body>
</html>`;
}

/** The built page assets in `mediaDir` (read per panel: 65 KB, and a rebuilt view is picked up). */
export function readPageAssets(mediaDir: string): PageAssets {
  return {
    script: readFileSync(join(mediaDir, 'timeline.js'), 'utf8'),
    style: readFileSync(join(mediaDir, 'timeline.css'), 'utf8'),
  };
}
