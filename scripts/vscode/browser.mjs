// Debian's Chromium driven by playwright-core (which never downloads a browser of its own).
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
 * Launches a headless Chromium with a fresh profile (playwright makes a temporary one and
 * deletes it on close). The browser is killed on exit even when the caller never closes it.
 */
export async function launchChromium(executablePath) {
  const browser = await chromium.launch({ executablePath, headless: true, args: CHROMIUM_ARGS, timeout: 60_000 });
  const pid = browser.process?.()?.pid;
  const forget = onCleanup(() => {
    if (pid) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  });
  browser.on('disconnected', forget);
  return browser;
}
