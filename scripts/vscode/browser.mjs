// Debian's Chromium driven by playwright-core (which never downloads a browser of its own).
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { onCleanup } from './cleanup.mjs';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

export const VIEWPORT = { width: 1400, height: 900 };

/**
 * Chromium writes crash-report and dconf folders under $HOME whatever its profile is: give it
 * a home of its own so that a run leaves nothing in the user's.
 */
export function browserEnv(home) {
  mkdirSync(home, { recursive: true });
  return {
    ...process.env,
    HOME: home,
    XDG_CONFIG_HOME: join(home, '.config'),
    XDG_CACHE_HOME: join(home, '.cache'),
  };
}

/**
 * Launches a headless Chromium with a fresh profile (playwright makes a temporary one and
 * deletes it on close). Playwright kills a browser it launched when this process exits or is
 * interrupted (its handleSIGINT/SIGTERM/SIGHUP defaults), even when the caller never closes it.
 */
export async function launchChromium(executablePath) {
  const home = mkdtempSync(join(tmpdir(), 'ctl-browser-home-'));
  onCleanup(() => rmSync(home, { recursive: true, force: true }));
  return chromium.launch({
    executablePath,
    headless: true,
    args: CHROMIUM_ARGS,
    timeout: 60_000,
    env: browserEnv(home),
  });
}
