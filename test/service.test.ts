import fc from 'fast-check';
import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  COMMAND_NAMES,
  type BurrowApi,
  type EventName,
  type EventPayloads,
  type PendingPrompt,
} from '../shared';
import { TunnelManager } from '../electron/engine/manager';
import { createDispatcher } from '../electron/ipc/dispatcher';
import { BurrowService, type FileDialogs } from '../electron/service/burrow-service';
import { EncryptedSecretStore, openProfileStore, SettingsStore } from '../electron/store';
import { FakeEncryptor } from '../electron/store/test-support';
import { startFaultServer, type FaultServer } from './support/fault-server';
import { createIpcLoopback } from './support/ipc-loopback';
import { canConnect, echoRoundTrip, startEchoServer, type TestServer } from './support/net';
import { waitUntil } from './engine/engine-fixture';

/**
 * The app's back end as the window sees it: the real store in a temp folder, real secrets
 * storage (with a stand-in for Electron's safeStorage), the real engine against an SSH server,
 * all reached through the dispatcher and a client built from the contract.
 */
describe('the Burrow service over the IPC contract', () => {
  let dir: string;
  let server: FaultServer;
  let echo: TestServer;
  let service: BurrowService;
  let api: BurrowApi;
  let events: { event: EventName; payload: unknown }[];
  let trusted: boolean;
  let saved: { name: string; text: string }[];
  let toOpen: string | null;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'burrow-service-'));
    server = await startFaultServer({ users: [{ username: 'deploy', password: 'right' }] });
    echo = await startEchoServer();
    await copyFile(server.knownHostsPath, join(dir, 'known_hosts'));
    events = [];
    trusted = true;
    saved = [];
    toOpen = null;
    const ipc = createIpcLoopback();
    const repo = openProfileStore({
      dir,
      secrets: (kv) => new EncryptedSecretStore(kv, new FakeEncryptor()),
    });
    const dialogs: FileDialogs = {
      saveText: async (name, text) => {
        saved.push({ name, text });
        return join(dir, name);
      },
      openText: async () => (toOpen === null ? null : { path: join(dir, 'in.json'), text: toOpen }),
    };
    service = new BurrowService({
      repo,
      secrets: repo.secrets!,
      settings: new SettingsStore(repo.backend),
      events: {
        send<E extends EventName>(event: E, payload: EventPayloads[E]) {
          events.push({ event, payload });
          ipc.events.send(event, payload);
        },
      },
      dialogs,
      createEngine: ({ prompt, resolveProfile }) =>
        new TunnelManager({
          prompt,
          resolveProfile,
          knownHostsPath: join(dir, 'known_hosts'),
          statusIntervalMs: 20,
        }),
      readSshConfig: async () => ({ hosts: [], warnings: ['No ~/.ssh/config found.'] }),
      info: {
        version: '0.0.0-test',
        platform: process.platform,
        storePath: join(dir, 'profiles.json'),
      },
    });
    api = ipc.client(service.handlers, () => trusted);
  });

  afterEach(async () => {
    await service.dispose();
    await server.stop();
    await echo.dispose();
    await rm(dir, { recursive: true, force: true });
  });

  const newProfile = () => ({
    name: 'Staging',
    host: server.host,
    port: server.port,
    username: 'deploy',
    auth: [{ type: 'password' as const }],
    forwards: [
      {
        id: 'echo',
        type: 'local' as const,
        bindPort: 0,
        targetHost: '127.0.0.1',
        targetPort: echo.port,
      },
    ],
  });

  it('creates, lists, edits and deletes profiles, with field-level errors for bad edits', async () => {
    const created = await api.call['profiles.create']({ profile: newProfile() });
    expect(created).toMatchObject({
      ok: true,
      value: { id: expect.any(String), name: 'Staging', port: server.port },
    });
    const id = created.ok ? created.value.id : '';
    expect((await api.call['profiles.list'](undefined)).ok).toBe(true);
    await waitUntil(
      () => events.some((e) => e.event === 'profiles'),
      2000,
      () => 'a profiles event',
    );

    const taken = await api.call['profiles.create']({ profile: newProfile() });
    expect(taken).toMatchObject({ ok: false, error: { kind: 'conflict' } });

    const bad = await api.call['forwards.add']({
      profileId: id,
      forward: {
        id: 'x',
        type: 'local',
        bindPort: 99999,
        targetHost: 'db',
        targetPort: 5432,
      } as never,
    });
    expect(bad).toMatchObject({
      ok: false,
      error: { kind: 'invalid-input', issues: [{ path: 'forward.bindPort' }] },
    });

    const copy = await api.call['profiles.duplicate']({ profileId: id });
    expect(copy).toMatchObject({ ok: true, value: { name: 'Staging (copy)' } });
    expect(await api.call['profiles.delete']({ profileId: id })).toEqual({
      ok: true,
      value: undefined,
    });
    expect(await api.call['profiles.delete']({ profileId: id })).toMatchObject({
      ok: false,
      error: { kind: 'not-found' },
    });
  });

  it('starts a tunnel, carries the password question to the window and back, and remembers it', async () => {
    const created = await api.call['profiles.create']({ profile: newProfile() });
    const id = created.ok ? created.value.id : '';
    const questions: PendingPrompt[] = [];
    api.on('prompt', (p) => {
      questions.push(p);
      void api.call['prompts.answer']({ id: p.id, answer: 'right', remember: true });
    });
    expect(await api.call['tunnels.start']({ profileId: id })).toEqual({
      ok: true,
      value: undefined,
    });
    expect(questions).toEqual([
      expect.objectContaining({
        canRemember: true,
        request: expect.objectContaining({ kind: 'password', username: 'deploy' }),
      }),
    ]);
    const snapshot = await api.call['tunnels.snapshot'](undefined);
    const forward = snapshot.ok ? snapshot.value.profiles[id]?.forwards.echo : undefined;
    expect(forward?.state.state).toBe('active');
    const port = (forward!.state as { bindPort: number }).bindPort;
    expect((await echoRoundTrip('127.0.0.1', port, Buffer.from('via app'))).toString()).toBe(
      'via app',
    );
    await waitUntil(
      () => events.some((e) => e.event === 'status'),
      2000,
      () => 'a status event',
    );

    // Saved, and shown to the window only as "a password is saved".
    expect(await api.call['secrets.list']({ profileId: id })).toEqual({
      ok: true,
      value: [{ kind: 'password', target: `deploy@${server.host}:${server.port}` }],
    });
    expect(JSON.stringify(events)).not.toContain('"right"');

    await api.call['tunnels.stop']({ profileId: id });
    expect(await canConnect('127.0.0.1', port)).toBe(false);
    // The next start uses the saved password: no question.
    await api.call['tunnels.start']({ profileId: id });
    expect(questions).toHaveLength(1);
    const log = await api.call['tunnels.log']({ profileId: id });
    expect(log.ok && log.value.map((l) => l.message).join('\n')).toMatch(/Connected to/);

    await api.call['profiles.delete']({ profileId: id });
    expect(await api.call['secrets.list']({ profileId: id })).toEqual({ ok: true, value: [] });
  });

  it('exports without secrets, previews an import with conflicts, and applies it all or nothing', async () => {
    const created = await api.call['profiles.create']({ profile: newProfile() });
    const id = created.ok ? created.value.id : '';
    expect(await api.call['transfer.exportToFile']({ ids: [id] })).toEqual({
      ok: true,
      value: { path: join(dir, 'burrow-profiles.json'), count: 1 },
    });
    const exported = JSON.parse(saved[0]!.text);
    expect(exported).toMatchObject({
      format: 'burrow-profiles',
      version: 1,
      profiles: [{ id, name: 'Staging' }],
    });

    const file = {
      ...exported,
      profiles: [
        { ...exported.profiles[0], host: 'changed.example' },
        { ...exported.profiles[0], id: 'other', name: 'Other' },
      ],
    };
    toOpen = JSON.stringify(file);
    const preview = await api.call['transfer.previewImportFile'](undefined);
    expect(preview).toMatchObject({
      ok: true,
      value: { ok: true, items: [{ action: 'replace' }, { action: 'add' }] },
    });
    const previewId = preview.ok && preview.value?.ok ? preview.value.previewId : '';
    const applied = await api.call['transfer.applyImport']({
      previewId,
      choices: { [id]: 'skip', other: 'add' },
    });
    expect(applied.ok && applied.value.map((p) => p.name).sort()).toEqual(['Other', 'Staging']);

    const broken = await api.call['transfer.previewImportText']({
      text: '{"format":"burrow-profiles","version":1,"profiles":[{"id":"x"}]}',
    });
    expect(broken).toMatchObject({
      ok: true,
      value: {
        ok: false,
        errors: expect.arrayContaining([expect.stringMatching(/^profiles\[0\]\.name/)]),
      },
    });
    expect(
      (await api.call['profiles.list'](undefined)).ok &&
        (await api.call['profiles.list'](undefined)),
    ).toMatchObject({ value: { length: 2 } });
  });

  it('refuses a foreign sender, and answers garbage for every command without crashing (fuzzed)', async () => {
    trusted = false;
    expect(await api.call['tunnels.stopAll'](undefined)).toMatchObject({
      ok: false,
      error: { kind: 'forbidden' },
    });
    trusted = true;
    const dispatch = createDispatcher(service.handlers);
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...COMMAND_NAMES), fc.anything(), async (name, payload) => {
        const result = await dispatch(name, payload, { trustedSender: true });
        expect(typeof result.ok).toBe('boolean');
      }),
      { numRuns: 1500 },
    );
    // Still healthy afterwards.
    expect((await api.call['app.info'](undefined)).ok).toBe(true);
  });

  it('refuses to delete a jump host without stopping its tunnel, and starts one forward of a failed profile', async () => {
    const created = await api.call['profiles.create']({ profile: newProfile() });
    const id = created.ok ? created.value.id : '';
    api.on('prompt', (p) => void api.call['prompts.answer']({ id: p.id, answer: 'right' }));
    await api.call['profiles.create']({
      profile: { ...newProfile(), name: 'Behind', forwards: [], jumpHosts: [{ profileId: id }] },
    });
    await api.call['tunnels.start']({ profileId: id });
    const refused = await api.call['profiles.delete']({ profileId: id });
    expect(refused).toMatchObject({
      ok: false,
      error: { kind: 'conflict', message: expect.stringContaining('"Behind"') },
    });
    const running = await api.call['tunnels.snapshot'](undefined);
    expect(running.ok && running.value.profiles[id]?.session.state).toBe('connected');

    // A profile that cannot even start (its jump host has a jump host) is failed, not running:
    // starting one of its forwards tries the profile again instead of failing on "not running".
    const nested = await api.call['profiles.create']({
      profile: { ...newProfile(), name: 'Nested', jumpHosts: [{ profileId: 'behind' }] },
    });
    const nestedId = nested.ok ? nested.value.id : '';
    await api.call['tunnels.start']({ profileId: nestedId });
    const again = await api.call['tunnels.startForward']({
      profileId: nestedId,
      forwardId: 'echo',
    });
    expect(again).toEqual({ ok: true, value: undefined });
    const after = await api.call['tunnels.snapshot'](undefined);
    expect(after.ok && after.value.profiles[nestedId]?.session).toMatchObject({
      state: 'error',
      error: { kind: 'invalid-config' },
    });
  });

  it('reads and changes settings, refusing invalid values by field', async () => {
    expect(await api.call['settings.get'](undefined)).toMatchObject({
      ok: true,
      value: { closeToTray: true, theme: 'system' },
    });
    expect(
      await api.call['settings.update']({ settings: { theme: 'dark', notifications: false } }),
    ).toMatchObject({
      ok: true,
      value: { theme: 'dark', notifications: false, closeToTray: true },
    });
    expect(events.some((e) => e.event === 'settings')).toBe(true);
    // A second change touches only what it names.
    expect(await api.call['settings.update']({ settings: { closeToTray: false } })).toMatchObject({
      ok: true,
      value: { theme: 'dark', notifications: false, closeToTray: false },
    });
    expect(
      await api.call['settings.update']({ settings: { knownHostsPath: 'relative/kh' } }),
    ).toMatchObject({
      ok: false,
      error: { kind: 'invalid-input' },
    });
    expect(
      await api.call['settings.update']({ settings: { theme: 'neon' } as never }),
    ).toMatchObject({
      ok: false,
      error: { kind: 'invalid-input', issues: [{ path: 'settings.theme' }] },
    });
  });

  it('reports store problems and secure storage in app.info', async () => {
    const info = await api.call['app.info'](undefined);
    expect(info).toMatchObject({
      ok: true,
      value: { version: '0.0.0-test', secureStorage: { available: true }, storeIssues: [] },
    });
  });
});
