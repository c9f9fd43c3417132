import { accessSync, constants } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { BurrowService } from '../../electron/service/burrow-service';
import { waitFor } from './net';

/** Debian's Chromium (apt-get install chromium); BURROW_CHROMIUM points elsewhere. */
export const CHROMIUM_PATH = process.env.BURROW_CHROMIUM ?? '/usr/bin/chromium';

/**
 * Flags Chromium needs on these machines: root in a container (no sandbox), no GPU, and no
 * network chatter of its own (QUIC, component updates, sync) that would hang on no internet.
 */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Where test screenshots go: test-artifacts/screenshots/ at the repo root (CI keeps them). */
export const SCREENSHOT_DIR = resolve(import.meta.dirname, '../../test-artifacts/screenshots');

/** Whether real-Chromium tests can run here, and if not why. */
export function chromiumAvailability(): { ok: true } | { ok: false; reason: string } {
  try {
    accessSync(CHROMIUM_PATH, constants.X_OK);
    return { ok: true };
  } catch {
    const how = process.env.BURROW_CHROMIUM
      ? 'BURROW_CHROMIUM is not an executable'
      : 'apt-get install chromium, or set BURROW_CHROMIUM';
    return { ok: false, reason: `${CHROMIUM_PATH} not found (${how})` };
  }
}

/** A headless Chromium with the flags this machine needs; close it in afterAll. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}

/** Saves the whole page as test-artifacts/screenshots/<name>.png and returns the path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  // Caret and animations off: the same state gives the same picture.
  await page.screenshot({ path, animations: 'disabled', caret: 'hide' });
  return path;
}

/**
 * Switches the app's theme the way another window would (settings.update through the service,
 * which pushes the new settings to every page) and waits until the page shows it.
 */
export async function setTheme(
  service: BurrowService,
  page: Page,
  theme: 'light' | 'dark',
): Promise<void> {
  await service.handlers['settings.update']({ settings: { theme } });
  await waitForTheme(page, theme);
}

/** Waits until <html data-theme> is `theme`. */
export async function waitForTheme(page: Page, theme: 'light' | 'dark'): Promise<void> {
  await waitFor(
    async () => (await page.locator('html').getAttribute('data-theme')) === theme,
    20_000,
    `data-theme="${theme}" on the page`,
  );
}

/** Takes `<name>-light.png` and `<name>-dark.png` of the same state; leaves the theme light. */
export async function screenshotBothThemes(
  service: BurrowService,
  page: Page,
  name: string,
): Promise<void> {
  for (const theme of ['light', 'dark'] as const) {
    await setTheme(service, page, theme);
    await screenshot(page, `${name}-${theme}`);
  }
  await setTheme(service, page, 'light');
}
