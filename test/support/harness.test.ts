import { readFile } from 'node:fs/promises';
import type { Client } from 'ssh2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFaultServer, type FaultServer } from './fault-server';
import {
  KEY_PASSPHRASE,
  fingerprintOf,
  makeTestKeys,
  sshKeygenFingerprint,
  startAgent,
  type TestKeys,
} from './keys';
import {
  canConnect,
  echoRoundTrip,
  freePort,
  pseudoRandomBytes,
  receiveAndHash,
  sendAndHash,
  startEchoServer,
  startSinkServer,
  startSourceServer,
  waitFor,
  type TestServer,
} from './net';
import { channelRoundTrip, clientClosed, connectClient, forwardIn, forwardOut } from './ssh-client';
import { TEST_PASSWORD, sshdAvailability, startSshd, type SshdInstance } from './sshd';

const avail = sshdAvailability();
if (!avail.ok) console.warn(`[harness] real-sshd tests skipped: ${avail.reason}`);

let keys: TestKeys;
let echo: TestServer;

beforeAll(async () => {
  [keys, echo] = await Promise.all([makeTestKeys(), startEchoServer()]);
});
afterAll(async () => {
  await echo?.dispose();
  await keys?.cleanup();
});

describe('net helpers', () => {
  it('echo, sink and source servers move bytes intact', async () => {
    const payload = pseudoRandomBytes(100_000);
    expect((await echoRoundTrip(echo.host, echo.port, payload)).equals(payload)).toBe(true);

    const sink = await startSinkServer();
    const up = await sendAndHash(sink.host, sink.port, 3_000_000);
    expect(up.reply).toBe(`${up.sentSha} 3000000\n`);
    await sink.dispose();

    const source = await startSourceServer(2_000_000);
    expect(await receiveAndHash(source.host, source.port)).toEqual({
      sha256: source.sha256,
      bytes: 2_000_000,
    });
    await source.dispose();
    expect(source.connections()).toBe(1);

    const port = await freePort();
    expect(await canConnect('127.0.0.1', port)).toBe(false);
    expect(await canConnect(echo.host, echo.port)).toBe(true);
    await expect(waitFor(() => false, 50, 'never')).rejects.toThrow(/never/);
  });

  it('fingerprintOf matches ssh-keygen -lf', async () => {
    expect(fingerprintOf(keys.ed25519.publicLine)).toBe(
      await sshKeygenFingerprint(`${keys.ed25519.privatePath}.pub`),
    );
    expect(await readFile(keys.rsaPem.privatePath, 'utf8')).toMatch(/BEGIN RSA PRIVATE KEY/);
  });
});

describe.skipIf(!avail.ok)('real sshd', () => {
  let def: SshdInstance;
  let pam: SshdInstance;
  let noFwd: SshdInstance;
  const clients: Client[] = [];
  const track = (c: Client): Client => (clients.push(c), c);

  beforeAll(async () => {
    [def, pam, noFwd] = await Promise.all([
      startSshd({ keys }),
      startSshd({ keys, variant: 'pam' }),
      startSshd({ keys, variant: 'no-forwarding' }),
    ]);
  });
  afterAll(async () => {
    for (const c of clients) c.end();
    await Promise.all([def?.stop(), pam?.stop(), noFwd?.stop()]);
  });

  it('default: key login, host key as announced, direct-tcpip to an echo server', async () => {
    let seenFingerprint = '';
    const client = track(
      await connectClient({
        host: def.host,
        port: def.port,
        username: def.user,
        privateKey: await readFile(keys.ed25519.privatePath),
        hostVerifier: (key: Buffer) => {
          seenFingerprint = fingerprintOf(`x ${key.toString('base64')}`);
          return true;
        },
      }),
    );
    expect(seenFingerprint).toBe(def.hostFingerprint);
    expect(def.hostKeyType).toBe('ssh-ed25519');
    expect(await readFile(def.knownHostsPath, 'utf8')).toBe(
      `[127.0.0.1]:${def.port} ${def.hostPublicLine}\n`,
    );
    const channel = await forwardOut(client, echo.host, echo.port);
    const payload = pseudoRandomBytes(50_000);
    expect((await channelRoundTrip(channel, payload)).equals(payload)).toBe(true);
    expect(await forwardIn(client, '127.0.0.1', 0)).toBeGreaterThan(0);
  });

  it('default: password, encrypted PEM key and agent work; the unauthorized key does not', async () => {
    track(
      await connectClient({
        host: def.host,
        port: def.port,
        username: def.user,
        password: TEST_PASSWORD,
      }),
    );
    track(
      await connectClient({
        host: def.host,
        port: def.port,
        username: def.user,
        privateKey: await readFile(keys.rsaPem.privatePath),
        passphrase: KEY_PASSPHRASE,
      }),
    );
    const agent = await startAgent([keys.ed25519Encrypted.privatePath]);
    try {
      track(
        await connectClient({
          host: def.host,
          port: def.port,
          username: def.user,
          agent: agent.socket,
        }),
      );
    } finally {
      await agent.dispose();
    }
    await expect(
      connectClient({
        host: def.host,
        port: def.port,
        username: def.user,
        privateKey: await readFile(keys.unauthorized.privatePath),
      }),
    ).rejects.toThrow(/authentication methods failed/);
    await waitFor(() => /Accepted publickey for burrowtest/.test(def.logs()));
  });

  it('pam: keyboard-interactive answers the PAM password prompt; password works too', async () => {
    const rounds: string[][] = [];
    track(
      await connectClient(
        {
          host: pam.host,
          port: pam.port,
          username: pam.user,
          authHandler: ['keyboard-interactive'],
        },
        {
          keyboard: (prompts) => {
            rounds.push(prompts.map((p) => p.prompt));
            return prompts.map(() => TEST_PASSWORD);
          },
        },
      ),
    );
    expect(rounds).toEqual([['Password: ']]);
    // sshd's log lines arrive through a pipe a moment after the client already knows.
    await waitFor(() => /Accepted keyboard-interactive\/pam for burrowtest/.test(pam.logs()));
    track(
      await connectClient({
        host: pam.host,
        port: pam.port,
        username: pam.user,
        password: TEST_PASSWORD,
      }),
    );
    await expect(
      connectClient(
        {
          host: pam.host,
          port: pam.port,
          username: pam.user,
          authHandler: ['keyboard-interactive'],
        },
        { keyboard: (prompts) => prompts.map(() => 'wrong') },
      ),
    ).rejects.toThrow(/authentication methods failed/);
  });

  it('no-forwarding: the server refuses direct-tcpip', async () => {
    const client = track(
      await connectClient({
        host: noFwd.host,
        port: noFwd.port,
        username: noFwd.user,
        privateKey: await readFile(keys.ed25519.privatePath),
      }),
    );
    await expect(forwardOut(client, echo.host, echo.port)).rejects.toThrow(
      /open failed|prohibited/i,
    );
  });

  it('dropConnections kills the sessions but keeps sshd listening', async () => {
    const client = track(
      await connectClient({
        host: def.host,
        port: def.port,
        username: def.user,
        privateKey: await readFile(keys.ed25519.privatePath),
      }),
    );
    const closed = clientClosed(client);
    client.on('error', () => undefined);
    await def.dropConnections();
    await closed;
    expect(await canConnect(def.host, def.port)).toBe(true);
  });
});

describe('fault server', () => {
  let fault: FaultServer;
  const otp = {
    prompts: [
      { prompt: 'Password: ', echo: false },
      { prompt: 'Verification code: ', echo: true },
    ],
    answers: ['pw', '123456'],
    name: '2FA',
  };

  beforeAll(async () => {
    fault = await startFaultServer({
      users: [
        { username: 'alice', password: 'pw', keyboardInteractive: otp },
        { username: 'bob', publicKeys: [keys.ed25519.publicLine] },
      ],
    });
  });
  afterAll(async () => {
    await fault?.stop();
  });

  it('multi-prompt keyboard-interactive checks every answer', async () => {
    const base = { host: fault.host, port: fault.port, username: 'alice' };
    const ki = ['keyboard-interactive' as const];
    const rounds: { name: string; prompts: { prompt: string; echo: boolean }[] }[] = [];
    const client = await connectClient(
      { ...base, authHandler: ki },
      {
        keyboard: (prompts, name) => {
          rounds.push({ name, prompts });
          return ['pw', '123456'];
        },
      },
    );
    client.end();
    expect(rounds).toEqual([{ name: '2FA', prompts: otp.prompts }]);
    await expect(
      connectClient({ ...base, authHandler: ki }, { keyboard: () => ['pw', '000000'] }),
    ).rejects.toThrow(/authentication methods failed/);
    expect(fault.authAttempts().filter((a) => a.username === 'alice')).toEqual([
      { method: 'keyboard-interactive', username: 'alice', success: true },
      { method: 'keyboard-interactive', username: 'alice', success: false },
    ]);
  });

  it('publickey, direct-tcpip and remote forwards are real', async () => {
    let fp = '';
    const client = await connectClient({
      host: fault.host,
      port: fault.port,
      username: 'bob',
      privateKey: await readFile(keys.ed25519.privatePath),
      hostVerifier: (key: Buffer) => {
        fp = fingerprintOf(`x ${key.toString('base64')}`);
        return true;
      },
    });
    expect(fp).toBe(fault.hostFingerprint);
    const payload = pseudoRandomBytes(20_000);
    const channel = await forwardOut(client, echo.host, echo.port);
    expect((await channelRoundTrip(channel, payload)).equals(payload)).toBe(true);

    // -R: the server listens; connections come back to the client, which pipes them to echo.
    client.on('tcp connection', (_info, accept) => {
      const ch = accept();
      ch.on('data', (d: Buffer) => ch.write(d));
      ch.on('end', () => ch.end());
    });
    const remotePort = await forwardIn(client, '127.0.0.1', 0);
    expect(fault.forwardListeners()).toEqual([{ bindAddr: '127.0.0.1', port: remotePort }]);
    const back = await echoRoundTrip('127.0.0.1', remotePort, Buffer.from('hello'));
    expect(back.toString()).toBe('hello');
    await new Promise<void>((resolve, reject) =>
      client.unforwardIn('127.0.0.1', remotePort, (err) => (err ? reject(err) : resolve())),
    );
    expect(fault.forwardListeners()).toEqual([]);
    expect(await canConnect('127.0.0.1', remotePort)).toBe(false);
    client.end();

    await expect(
      connectClient({
        host: fault.host,
        port: fault.port,
        username: 'bob',
        privateKey: await readFile(keys.unauthorized.privatePath),
      }),
    ).rejects.toThrow(/authentication methods failed/);
  });

  it('dropAll makes the client see close; silenceAll trips keepalive; restart on the same port', async () => {
    const login = { host: fault.host, port: fault.port, username: 'alice', password: 'pw' };
    const a = await connectClient(login);
    a.on('error', () => undefined);
    const closedA = clientClosed(a);
    fault.dropAll();
    await closedA;

    const b = await connectClient({ ...login, keepaliveInterval: 100, keepaliveCountMax: 2 });
    const errors: Error[] = [];
    b.on('error', (e) => errors.push(e));
    const closedB = clientClosed(b);
    fault.silenceAll();
    await closedB;
    expect(errors.map((e) => e.message)).toContain('Keepalive timeout');

    fault.setAuthRefused(true);
    await expect(connectClient(login)).rejects.toThrow(/authentication methods failed/);
    fault.setAuthRefused(false);

    fault.refuseNewConnections(true);
    await expect(connectClient(login)).rejects.toThrow();
    fault.refuseNewConnections(false);

    const { port, hostKey, hostFingerprint } = fault;
    await fault.stop();
    expect(await canConnect('127.0.0.1', port)).toBe(false);
    fault = await startFaultServer({
      port,
      hostKey,
      users: [{ username: 'alice', password: 'pw' }],
    });
    expect(fault.port).toBe(port);
    expect(fault.hostFingerprint).toBe(hostFingerprint);
    (await connectClient(login)).end();
  });
});
