import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_KINDS, ERROR_SENTENCES, type Profile } from '../../shared';
import { startFaultServer, type FaultServer } from '../support/fault-server';
import { TunnelManager } from '../../electron/engine/manager';
import { makeEngine, testProfile, waitUntil } from './engine-fixture';

describe('errors that need no server at all, and 2FA-style logins', () => {
  let server: FaultServer;
  beforeAll(async () => {
    server = await startFaultServer({
      users: [
        {
          username: 'twofactor',
          keyboardInteractive: {
            name: 'Corporate login',
            instructions: 'Three answers, please.',
            prompts: [
              { prompt: 'Password: ', echo: false },
              { prompt: 'Verification code: ', echo: true },
              { prompt: 'PIN: ', echo: false },
            ],
            answers: ['pw', '123456', '0000'],
          },
        },
      ],
      authMethods: ['keyboard-interactive'],
    });
  });
  afterAll(() => server?.stop());

  it('has one sentence for every error kind that says what to do', () => {
    for (const kind of ERROR_KINDS) expect(ERROR_SENTENCES[kind]).toMatch(/^[A-Z].{20,}\.$/);
  });

  it('rejects an invalid profile as invalid-config naming the field, without connecting', async () => {
    const t = makeEngine({ knownHostsPath: server.knownHostsPath });
    const before = server.connectionCount();
    const bad = {
      ...testProfile({ host: server.host, port: server.port, username: 'x' }),
      port: 70000,
    } as Profile;
    await t.engine.start(bad);
    expect(t.session(bad.id)).toMatchObject({
      state: 'error',
      error: { kind: 'invalid-config', message: expect.stringContaining('port: must be between') },
    });
    expect(server.connectionCount()).toBe(before);
    await t.engine.dispose();
  });

  it('reports an address this computer does not have as bind-denied', async () => {
    const t = makeEngine({
      knownHostsPath: server.knownHostsPath,
      answers: { 'keyboard-interactive': () => ['pw', '123456', '0000'] },
    });
    const profile = testProfile({
      host: server.host,
      port: server.port,
      username: 'twofactor',
      auth: [{ type: 'keyboard-interactive' }],
      // 192.0.2.1 is TEST-NET-1: never assigned to a real machine. Binding sends no traffic.
      forwards: [{ id: 'nowhere', type: 'dynamic', bindHost: '192.0.2.1', bindPort: 0 }],
    });
    await t.engine.start(profile);
    const status = await t.waitForForward(profile.id, 'nowhere', 'error');
    expect(status.state).toMatchObject({
      error: { kind: 'bind-denied', message: expect.stringContaining('192.0.2.1') },
    });
    await t.engine.dispose();
  });

  it('passes every prompt of one keyboard-interactive round to the user, echo flags included', async () => {
    const t = makeEngine({
      knownHostsPath: server.knownHostsPath,
      answers: { 'keyboard-interactive': () => ['pw', '123456', '0000'] },
    });
    const profile = testProfile({
      host: server.host,
      port: server.port,
      username: 'twofactor',
      auth: [{ type: 'keyboard-interactive' }],
    });
    await t.engine.start(profile);
    await t.waitForSession(profile.id, 'connected');
    expect(t.prompts).toEqual([
      expect.objectContaining({
        kind: 'keyboard-interactive',
        name: 'Corporate login',
        instructions: 'Three answers, please.',
        prompts: [
          { prompt: 'Password: ', echo: false },
          { prompt: 'Verification code: ', echo: true },
          { prompt: 'PIN: ', echo: false },
        ],
      }),
    ]);
    await t.engine.dispose();
  });
});

describe('stopping while a question is open', () => {
  it('stop() returns at once, and the question is told it is no longer needed', async () => {
    const server = await startFaultServer({ acceptAnyAuth: true });
    let signal: AbortSignal | undefined;
    const engine = new TunnelManager({
      knownHostsPath: '/nonexistent/known_hosts',
      // A person who never answers the host-key question.
      prompt: (_request, options) => {
        signal = options?.signal;
        return new Promise(() => {});
      },
    });
    const profile = testProfile({
      host: server.host,
      port: server.port,
      username: 'x',
      auth: [{ type: 'password' }],
    });
    void engine.start(profile);
    await waitUntil(
      () => signal !== undefined,
      5000,
      () => 'the host-key question',
    );
    const started = Date.now();
    await engine.stop(profile.id);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(signal?.aborted).toBe(true);
    expect(engine.snapshot().profiles[profile.id]?.session).toEqual({ state: 'stopped' });
    await engine.dispose();
    await server.stop();
  });
});
