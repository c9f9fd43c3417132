import { appendFile, readFile, rm, writeFile } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startDevWeb, type DevWebServer } from '../electron/dev-web/server';
import { createDispatcher } from '../electron/ipc/dispatcher';
import type { BurrowService } from '../electron/service/burrow-service';
import type { CommandInput, CommandName, CommandOutput } from '../shared';
import {
  chromiumAvailability,
  launchChromium,
  screenshot,
  screenshotBothThemes,
  setTheme,
  waitForTheme,
} from './support/browser';
import { makeTempDir, makeTestKeys, type TestKeys } from './support/keys';
import {
  canConnect,
  pseudoRandomBytes,
  startEchoServer,
  waitFor,
  type TestServer,
} from './support/net';
import { sshdAvailability, startSshd, type SshdInstance } from './support/sshd';

const sshdAvail = sshdAvailability();
const chromiumAvail = chromiumAvailability();
const skipReason = !sshdAvail.ok ? sshdAvail.reason : !chromiumAvail.ok ? chromiumAvail.reason : '';
if (skipReason) console.warn(`[window.e2e] skipped: ${skipReason}`);

/** Every wait is a condition; this is how long a slow shared machine gets to meet it. */
const WAIT = 20_000;
const TEST_TIMEOUT = 90_000;
/** The first test also takes twelve screenshots and waits for Vite's first compile. */
const FIRST_TEST_TIMEOUT = 180_000;

/** A command through the real dispatcher, as the window's own requests go. */
async function call<K extends CommandName>(
  service: BurrowService,
  name: K,
  input: CommandInput<K>,
): Promise<CommandOutput<K>> {
  const result = await createDispatcher(service.handlers)(name, input, { trustedSender: true });
  if (!result.ok) throw new Error(`${name}: ${result.error.message}`);
  return result.value as CommandOutput<K>;
}

/** Polls a locator's text until it matches. */
async function waitForText(locator: Locator, pattern: RegExp, message: string): Promise<string> {
  let last = '';
  try {
    await waitFor(
      async () => {
        last = (await locator.innerText({ timeout: 1000 })).trim();
        return pattern.test(last);
      },
      WAIT,
      message,
    );
  } catch (err) {
    const html = await locator.evaluate((e) => e.outerHTML).catch(() => '(not found)');
    throw new Error(`${(err as Error).message}; last text ${JSON.stringify(last)} in ${html}`);
  }
  return last;
}

/** Bytes from the row's "Downloaded 256 KB in all" tooltip. */
function parseBytes(title: string | null): number {
  const match = /(?:Downloaded|Uploaded) ([\d.]+) (B|KB|MB|GB)/.exec(title ?? '');
  if (!match) return -1;
  const units = { B: 1, KB: 1024, MB: 1024 ** 2, GB: 1024 ** 3 } as const;
  return Number(match[1]) * units[match[2] as keyof typeof units];
}

/**
 * A real client that keeps its connection through the tunnel open: round trips are checked byte
 * for byte, and a trickle keeps traffic (and so the row's rates) going while screenshots are taken.
 */
class HeldClient {
  private readonly chunks: Buffer[] = [];
  private received = 0;
  private closed = false;
  private trickle: NodeJS.Timeout | undefined;

  private constructor(private readonly socket: Socket) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      this.chunks.push(chunk);
      this.received += chunk.length;
    });
    socket.on('error', () => undefined);
    socket.on('close', () => (this.closed = true));
  }

  static open(port: number): Promise<HeldClient> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port });
      socket.once('connect', () => resolve(new HeldClient(socket)));
      socket.once('error', reject);
    });
  }

  /** Sends `payload` and resolves with exactly that many bytes of echo. */
  async roundTrip(payload: Buffer): Promise<Buffer> {
    const start = this.received;
    this.socket.write(payload);
    await waitFor(
      () => this.received - start >= payload.length || this.closed,
      WAIT,
      `echo of ${payload.length} bytes`,
    );
    return Buffer.concat(this.chunks).subarray(start, start + payload.length);
  }

  /** Writes a little every 50 ms until stopTrickle(): live rates for the screenshots. */
  startTrickle(): void {
    const chunk = pseudoRandomBytes(16 * 1024, 'trickle');
    this.trickle = setInterval(() => {
      if (!this.closed) this.socket.write(chunk);
    }, 50);
  }

  stopTrickle(): void {
    clearInterval(this.trickle);
  }

  async close(): Promise<void> {
    this.stopTrickle();
    this.socket.end();
    await waitFor(() => this.closed, WAIT, 'client socket closed');
  }

  /** Resolves once the connection has ended, from either side. */
  async ended(): Promise<void> {
    await waitFor(() => this.closed, WAIT, 'connection ended');
  }

  destroy(): void {
    this.stopTrickle();
    this.socket.destroy();
  }
}

describe.skipIf(Boolean(skipReason))('the window in real Chromium over npm run dev:web', () => {
  let keys: TestKeys;
  let sshd: SshdInstance;
  let refusing: SshdInstance;
  let echo: TestServer;
  let dir: string;
  let knownHostsPath: string;
  let web: DevWebServer;
  let service: BurrowService;
  let browser: Browser;
  let page: Page;
  const serverLog: string[] = [];
  const pageProblems: string[] = [];
  const clients: HeldClient[] = [];

  beforeAll(async () => {
    dir = await makeTempDir('burrow-window-e2e-');
    knownHostsPath = join(dir, 'known_hosts');
    // Empty: the first connection to any server must ask about its host key.
    await writeFile(knownHostsPath, '');
    [keys, echo, browser] = await Promise.all([
      makeTestKeys(),
      startEchoServer(),
      launchChromium(),
    ]);
    [sshd, refusing] = await Promise.all([
      startSshd({ keys }),
      startSshd({ keys, variant: 'no-forwarding' }),
    ]);
    web = await startDevWeb({
      storeDir: join(dir, 'store'),
      knownHostsPath,
      sshConfigPath: join(dir, 'no-ssh-config'),
      log: (line) => serverLog.push(line),
    });
    service = web.service;
    await call(service, 'settings.update', { settings: { theme: 'light' } });

    // The app's default window size (electron/main/window-options.ts).
    const context = await browser.newContext({ viewport: { width: 1100, height: 720 } });
    page = await context.newPage();
    page.setDefaultTimeout(WAIT);
    page.on('pageerror', (err) => pageProblems.push(`page error: ${err.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') pageProblems.push(`console error: ${message.text()}`);
    });
    await page.goto(web.url);
    // A cold Vite cache bundles React and friends on the first visit: wait for it here, with
    // the set-up's own time, not inside the first test's waits.
    await page.getByRole('heading', { name: 'Welcome to Burrow' }).waitFor({ timeout: 100_000 });
  }, 120_000);

  afterEach(async ({ task }) => {
    // What the window showed when a test failed, next to the other screenshots.
    if (task.result?.state === 'fail' && page) {
      const slug = task.name.replace(/[^a-z0-9]+/gi, '-').slice(0, 60);
      await screenshot(page, `failed-${slug}`).catch(() => undefined);
      console.warn(`[window.e2e] dev-web log:\n${serverLog.slice(-40).join('\n')}`);
    }
    for (const client of clients.splice(0)) client.destroy();
    if (service) await call(service, 'tunnels.stopAll', undefined);
    // Each test answers for what the page did during it: no errors, no CSP violations.
    const problems = pageProblems.splice(0);
    expect(problems).toEqual([]);
  });

  afterAll(async () => {
    await browser?.close();
    await web?.close();
    await Promise.all([sshd?.stop(), refusing?.stop(), echo?.dispose()]);
    await keys?.cleanup();
    if (dir) await rm(dir, { recursive: true, force: true });
  }, 60_000);

  /** The profile page's session words (" · Connected"). */
  const sessionLabel = () => page.getByRole('main').locator('.session-label');

  it(
    'first run: a profile made in the editor, its host key trusted, data through the tunnel, port released',
    async () => {
      // Empty state.
      await page.getByRole('heading', { name: 'Welcome to Burrow' }).waitFor();
      await screenshotBothThemes(service, page, 'empty');

      // The editor, filled in as a user would.
      await page.getByRole('button', { name: 'Create your first profile' }).click();
      const editor = page.getByRole('form', { name: 'New profile' });
      await editor.getByRole('heading', { name: 'New profile' }).waitFor();
      await editor.getByLabel('Name', { exact: true }).fill('Loopback test server');
      await editor.getByLabel('Host', { exact: true }).fill(sshd.host);
      await editor.getByLabel('Port', { exact: true }).fill(String(sshd.port));
      await editor.getByLabel('User', { exact: true }).fill(sshd.user);

      // Login: only the test key. New profiles start with agent, keyboard-interactive, password.
      const methods = editor.getByRole('list', { name: 'Login methods' });
      expect(await methods.getByRole('listitem').count()).toBe(3);
      await editor
        .getByRole('group', { name: 'Add a login method' })
        .getByRole('button', { name: 'Key file' })
        .click();
      await editor.getByRole('textbox', { name: 'Key file' }).fill(keys.ed25519.privatePath);
      for (const method of ['SSH agent', 'Keyboard-interactive', 'Password'])
        await editor.getByRole('button', { name: `Remove ${method}`, exact: true }).click();
      await waitFor(async () => (await methods.getByRole('listitem').count()) === 1, WAIT);
      await expect(methods.getByRole('listitem').innerText()).resolves.toContain('Key file');

      // One outgoing forward to the echo server, on any free local port.
      await editor.getByRole('button', { name: 'Add forward' }).click();
      const card = editor.getByRole('list', { name: 'Forwards' }).getByRole('listitem');
      const outgoing = card.getByRole('radio', { name: 'Outgoing' });
      await outgoing.check();
      expect(await outgoing.isChecked()).toBe(true);
      await card.getByLabel('Name (optional)').fill('Echo service');
      await card.getByLabel('Listen port').fill('0');
      await card.getByLabel('Target host (as the server sees it)').fill('127.0.0.1');
      await card.getByLabel('Target port').fill(String(echo.port));
      await waitForText(
        card.locator('.forward-path'),
        new RegExp(
          `localhost:any free port → 127\\.0\\.0\\.1 \\(ssh\\) → the server itself, port ${echo.port}`,
        ),
        'path picture of the new forward',
      );
      // The top of the form, then the forward's card from its top.
      await editor.getByRole('heading', { name: 'New profile' }).scrollIntoViewIfNeeded();
      await screenshotBothThemes(service, page, 'editor');
      await card.evaluate((element) => element.scrollIntoView({ block: 'start' }));
      await screenshotBothThemes(service, page, 'editor-forward');

      await editor.getByRole('button', { name: 'Save' }).click();
      await page.getByRole('heading', { name: 'Loopback test server' }).waitFor();
      const [saved] = service.profiles();
      expect(saved).toMatchObject({
        name: 'Loopback test server',
        host: '127.0.0.1',
        port: sshd.port,
        username: sshd.user,
        auth: [{ type: 'key', path: keys.ed25519.privatePath }],
        forwards: [
          {
            type: 'local',
            name: 'Echo service',
            bindHost: '127.0.0.1',
            bindPort: 0,
            targetHost: '127.0.0.1',
            targetPort: echo.port,
          },
        ],
      });
      await screenshotBothThemes(service, page, 'list');

      // Start the forward: the unknown host key is asked about, with the server's real key.
      const row = page.getByRole('listitem', { name: 'Echo service' });
      await row.getByRole('switch', { name: 'Run Echo service' }).click();
      const hostKey = page.getByRole('dialog', { name: "Trust this server's host key?" });
      await hostKey.waitFor();
      const facts = await hostKey.locator('.prompt-facts').innerText();
      expect(facts).toContain(sshd.hostFingerprint);
      expect(facts).toContain(sshd.hostKeyType);
      expect(facts).toContain(`${sshd.user}@127.0.0.1:${sshd.port}`);
      expect(await hostKey.locator('.prompt-fingerprint').innerText()).toBe(sshd.hostFingerprint);
      await screenshotBothThemes(service, page, 'prompt-hostkey');
      await hostKey.getByRole('button', { name: 'Accept and save' }).click();
      await hostKey.waitFor({ state: 'detached' });

      // Listening, on the port Burrow picked.
      await waitForText(row.locator('.state-line'), /^Listening$/, 'forward listening');
      const copy = row.getByRole('button', { name: /^Copy address 127\.0\.0\.1:\d+$/ });
      const label = (await copy.getAttribute('aria-label')) ?? '';
      const port = Number(/:(\d+)$/.exec(label)?.[1]);
      expect(port).toBeGreaterThan(0);
      expect(await copy.innerText()).toContain(`127.0.0.1:${port}`);
      await waitForText(sessionLabel(), /Connected/, 'session connected');

      // Real data through the tunnel, byte for byte, with the connection held open.
      const openCount = row.getByTitle('Open connections (total since start)');
      const down = row.getByTitle(/^Downloaded /);
      const up = row.getByTitle(/^Uploaded /);
      expect(await openCount.innerText()).toMatch(/^0 open\s*\/\s*0$/);
      const first = await HeldClient.open(port);
      clients.push(first);
      const payload = pseudoRandomBytes(256 * 1024, 'window-e2e');
      const echoed = await first.roundTrip(payload);
      expect(echoed.length).toBe(payload.length);
      expect(echoed.equals(payload)).toBe(true);
      await waitForText(openCount, /^1 open\s*\/\s*1$/, 'one open connection');
      await waitFor(
        async () => parseBytes(await down.getAttribute('title')) >= payload.length,
        WAIT,
        'downloaded total counts the echo',
      );
      await waitFor(
        async () => parseBytes(await up.getAttribute('title')) >= payload.length,
        WAIT,
        'uploaded total counts the payload',
      );

      // A second connection keeps traffic flowing: the rates move and the sparkline draws.
      const second = await HeldClient.open(port);
      clients.push(second);
      second.startTrickle();
      await waitForText(openCount, /^2 open\s*\/\s*2$/, 'two open connections');
      await waitForText(down, /^[1-9][\d.]* (B|KB|MB)\/s$/, 'a non-zero download rate');
      await waitForText(up, /^[1-9][\d.]* (B|KB|MB)\/s$/, 'a non-zero upload rate');
      await screenshotBothThemes(service, page, 'running');
      second.stopTrickle();

      await Promise.all([first.close(), second.close()]);
      await waitForText(openCount, /^0 open\s*\/\s*2$/, 'connections closed');

      // Off: the row says so, and the port is really released.
      await row.getByRole('switch', { name: 'Run Echo service' }).click();
      await waitForText(row.locator('.state-line'), /^Off$/, 'forward off');
      expect(await row.getByRole('button', { name: /^Copy address/ }).count()).toBe(0);
      await waitFor(async () => !(await canConnect('127.0.0.1', port)), WAIT, 'port released');
      await expect(
        row.getByRole('switch', { name: 'Run Echo service' }).getAttribute('aria-checked'),
      ).resolves.toBe('false');

      // "Accept and save" wrote the server's key to known_hosts.
      const knownHosts = await readFile(knownHostsPath, 'utf8');
      expect(knownHosts).toContain(sshd.hostPublicLine.split(' ')[1]);
      expect(knownHosts).toContain(sshd.hostKeyType);
    },
    FIRST_TEST_TIMEOUT,
  );

  it(
    'asks for a password and logs in with it',
    async () => {
      const profile = await call(service, 'profiles.create', {
        profile: {
          name: 'Password login',
          host: sshd.host,
          port: sshd.port,
          username: sshd.user,
          auth: [{ type: 'password' }],
          forwards: [],
        },
      });
      // The first test saved this server's key; make sure of it, so only the password is asked.
      if (!(await readFile(knownHostsPath, 'utf8')).includes(sshd.hostPublicLine))
        await appendFile(knownHostsPath, `[127.0.0.1]:${sshd.port} ${sshd.hostPublicLine}\n`);
      await page
        .getByRole('navigation', { name: 'Profiles' })
        .getByRole('button', { name: /^Password login, / })
        .click();
      await page.getByRole('heading', { name: 'Password login' }).waitFor();
      await page.getByRole('main').getByRole('button', { name: 'Start', exact: true }).click();

      const dialog = page.getByRole('dialog', { name: 'Password needed' });
      await dialog.waitFor();
      expect(await dialog.innerText()).toContain(`${sshd.user}@127.0.0.1:${sshd.port}`);
      // Web mode has no keyring, and the dialog says so instead of offering to remember.
      expect(await dialog.getByRole('checkbox').count()).toBe(0);
      expect(await dialog.innerText()).toContain('cannot remember the password');
      await dialog.getByLabel('Password').fill(sshd.password);
      await screenshotBothThemes(service, page, 'prompt-password');
      await dialog.getByRole('button', { name: 'Log in' }).click();
      await dialog.waitFor({ state: 'detached' });

      await waitForText(sessionLabel(), /Connected/, 'logged in with the password');
      await page
        .getByRole('navigation', { name: 'Profiles' })
        .getByRole('button', { name: `Password login, ${sshd.user}@127.0.0.1, Connected` })
        .waitFor();
      expect(service.engine.snapshot().profiles[profile.id]?.session.state).toBe('connected');
      await page.getByRole('main').getByRole('button', { name: 'Stop', exact: true }).click();
      await waitForText(sessionLabel(), /Stopped/, 'stopped');
    },
    TEST_TIMEOUT,
  );

  it(
    'shows what a server that forbids forwarding refuses, in words, and releases the port',
    async () => {
      await call(service, 'profiles.create', {
        profile: {
          name: 'No forwarding allowed',
          host: refusing.host,
          port: refusing.port,
          username: refusing.user,
          auth: [{ type: 'key', path: keys.ed25519.privatePath }],
          forwards: [
            {
              id: 'out',
              name: 'Blocked outgoing',
              type: 'local',
              bindPort: 0,
              targetHost: '127.0.0.1',
              targetPort: echo.port,
            },
            {
              id: 'in',
              name: 'Blocked incoming',
              type: 'remote',
              bindPort: 0,
              targetHost: '127.0.0.1',
              targetPort: echo.port,
            },
          ],
        },
      });
      await page
        .getByRole('navigation', { name: 'Profiles' })
        .getByRole('button', { name: /^No forwarding allowed, / })
        .click();
      await page.getByRole('heading', { name: 'No forwarding allowed' }).waitFor();
      await page.getByRole('main').getByRole('button', { name: 'Start', exact: true }).click();

      // A server not yet in known_hosts: trusted for this connection only.
      const hostKey = page.getByRole('dialog', { name: "Trust this server's host key?" });
      await hostKey.waitFor();
      expect(await hostKey.locator('.prompt-fingerprint').innerText()).toBe(
        refusing.hostFingerprint,
      );
      await hostKey.getByRole('button', { name: 'Accept once' }).click();
      await hostKey.waitFor({ state: 'detached' });
      await waitForText(sessionLabel(), /Connected/, 'session connected');

      // Incoming: refused when the server is asked to listen.
      const incoming = page.getByRole('listitem', { name: 'Blocked incoming' });
      await waitForText(incoming.locator('.state-line'), /^Failed$/, 'incoming failed');
      // The row shows the sentence (cut to fit); its tooltip holds all of it.
      const incomingError =
        (await incoming.getByText(/The server refused/).getAttribute('title')) ?? '';
      expect(incomingError).toMatch(/refused to listen/);
      expect(incomingError).toMatch(/AllowTcpForwarding, PermitListen or GatewayPorts/);

      // Outgoing: listens here; the refusal comes when a client connects.
      const outgoing = page.getByRole('listitem', { name: 'Blocked outgoing' });
      await waitForText(outgoing.locator('.state-line'), /^Listening$/, 'outgoing listening');
      const label =
        (await outgoing
          .getByRole('button', { name: /^Copy address 127\.0\.0\.1:\d+$/ })
          .getAttribute('aria-label')) ?? '';
      const port = Number(/:(\d+)$/.exec(label)?.[1]);
      const client = await HeldClient.open(port);
      clients.push(client);
      client.roundTrip(Buffer.from('hello?')).catch(() => undefined);
      // The client is let go (not left hanging) and the row says why.
      await client.ended();
      await waitForText(outgoing.locator('.state-line'), /^Failed$/, 'outgoing failed');
      const outgoingError =
        (await outgoing.getByText(/The server refused/).getAttribute('title')) ?? '';
      expect(outgoingError).toMatch(
        new RegExp(`refused to open a connection to 127\\.0\\.0\\.1:${echo.port}`),
      );
      expect(outgoingError).toMatch(/Its admin must allow it \(AllowTcpForwarding, PermitOpen\)/);
      await waitFor(async () => !(await canConnect('127.0.0.1', port)), WAIT, 'port released');
      // The session itself stays up; only the forwards failed.
      expect(await sessionLabel().innerText()).toMatch(/Connected/);
      await screenshotBothThemes(service, page, 'error');
    },
    TEST_TIMEOUT,
  );

  it(
    'settings: the theme chosen in the page applies at once and is saved',
    async () => {
      await page
        .getByRole('navigation', { name: 'Profiles' })
        .getByRole('button', { name: 'Settings' })
        .click();
      await page.getByRole('heading', { name: 'Settings', level: 1 }).waitFor();
      await screenshotBothThemes(service, page, 'settings');

      const dark = page.getByRole('radio', { name: 'Dark', exact: true });
      await dark.check();
      await waitForTheme(page, 'dark');
      await waitFor(
        async () => (await call(service, 'settings.get', undefined)).theme === 'dark',
        WAIT,
        'dark theme saved',
      );
      const pageBackground = () =>
        page
          .locator('html')
          .evaluate(
            (html) => html.ownerDocument.defaultView?.getComputedStyle(html).backgroundColor,
          );
      const darkBackground = await pageBackground();
      await page.getByRole('radio', { name: 'Light', exact: true }).check();
      await waitForTheme(page, 'light');
      expect(await pageBackground()).not.toBe(darkBackground);
      await setTheme(service, page, 'light');
    },
    TEST_TIMEOUT,
  );
});
