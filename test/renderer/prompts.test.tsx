import { act, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PromptDialogs } from '../../renderer/src/features/prompts/PromptDialogs';
import { hostKeyFileType, removeKeyCommand } from '../../renderer/src/features/prompts/prompt-text';
import { ModelContext } from '../../renderer/src/state/hooks';
import { Notices } from '../../renderer/src/ui/Notices';
import type { BurrowApi } from '../../shared/ipc';
import type { NewProfileInput, Profile } from '../../shared/profile';
import type { PromptAnswer, PromptRequest } from '../../shared/prompt';
import type { ProfileStatus } from '../../shared/status';
import { startFaultServer, type FaultServer } from '../support/fault-server';
import { createInProcessApi, type InProcessApi } from './in-process-api';
import { startModel } from './start-model';

async function mount(backend: { api: BurrowApi; dispose(): Promise<void> }) {
  const model = await startModel(backend);
  render(
    <ModelContext.Provider value={model}>
      <PromptDialogs />
      <Notices />
    </ModelContext.Provider>,
  );
  return model;
}

async function setup(
  profiles: NewProfileInput[] = [{ name: 'Staging', host: 'bastion.example', username: 'deploy' }],
) {
  const backend = await createInProcessApi({ profiles });
  const model = await mount(backend);
  const [profile] = model.profiles.get() as Profile[];
  return { ...backend, model, profile: profile as Profile };
}

/** Asks the real prompt broker, as the engine does; resolves with what the user answered. */
function ask<R extends PromptRequest>(backend: InProcessApi, request: R, signal?: AbortSignal) {
  return backend.service.prompts.handler(request, signal ? { signal } : undefined) as Promise<
    PromptAnswer<R>
  >;
}

const place = (profile: Profile) => ({
  profileId: profile.id,
  host: profile.host,
  port: profile.port,
  username: profile.username,
});

describe('prompt dialogs', () => {
  it('asks about an unknown host key, oldest first, and answers accept once / save / reject', async () => {
    const user = userEvent.setup();
    const backend = await setup();
    const { profile } = backend;
    const hostKey = (fingerprint: string) =>
      ask(backend, { ...place(profile), kind: 'host-key', keyType: 'ssh-ed25519', fingerprint });
    const first = hostKey('SHA256:first');
    const second = hostKey('SHA256:second');
    const third = hostKey('SHA256:third');

    const dialog = await screen.findByRole('dialog', { name: "Trust this server's host key?" });
    expect(dialog).toHaveTextContent('“Staging” is connecting to deploy@bastion.example:22');
    expect(within(dialog).getByText('SHA256:first')).toHaveClass('prompt-fingerprint');
    expect(within(dialog).getByText('ssh-ed25519')).toBeInTheDocument();
    expect(dialog).toHaveTextContent('ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub');
    // A prompt has no close button: it must be answered.
    expect(within(dialog).queryByRole('button', { name: 'Close' })).toBeNull();
    await user.keyboard('{Escape}');
    expect(screen.getByRole('dialog')).toBeInTheDocument();

    await user.click(within(dialog).getByRole('button', { name: 'Accept once' }));
    await expect(first).resolves.toBe('accept-once');

    const next = await screen.findByText('SHA256:second');
    await user.click(
      within(next.closest('[role="dialog"]') as HTMLElement).getByRole('button', {
        name: 'Accept and save',
      }),
    );
    await expect(second).resolves.toBe('accept-save');

    await screen.findByText('SHA256:third');
    await user.click(screen.getByRole('button', { name: 'Reject' }));
    await expect(third).resolves.toBe('reject');
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(backend.service.prompts.pending()).toEqual([]);
  });

  it('names the jump host a question is about', async () => {
    const backend = await setup();
    void ask(backend, {
      profileId: backend.profile.id,
      host: 'jump.example',
      port: 2200,
      username: 'hop',
      kind: 'host-key',
      keyType: 'ecdsa-sha2-nistp256',
      fingerprint: 'SHA256:jump',
    });
    const dialog = await screen.findByRole('dialog');
    expect(dialog).toHaveTextContent('hop@jump.example:2200');
    expect(dialog).toHaveTextContent('jump host on the way to bastion.example');
    expect(dialog).toHaveTextContent('ssh_host_ecdsa_key.pub');
  });

  it('asks for a password and remembers it in secure storage when asked to', async () => {
    const user = userEvent.setup();
    const backend = await setup();
    const answer = ask(backend, { ...place(backend.profile), kind: 'password' });
    const dialog = await screen.findByRole('dialog', { name: 'Password needed' });
    expect(dialog).toHaveTextContent('“Staging” needs the password of deploy@bastion.example:22');
    const input = within(dialog).getByLabelText('Password');
    expect(input).toHaveAttribute('type', 'password');
    await waitFor(() => expect(input).toHaveFocus());
    await user.type(input, 'hunter2');
    await user.click(within(dialog).getByRole('checkbox', { name: /Remember the password/ }));
    await user.click(within(dialog).getByRole('button', { name: 'Log in' }));
    await expect(answer).resolves.toBe('hunter2');
    const secrets = await backend.api.call['secrets.list']({ profileId: backend.profile.id });
    expect(secrets).toEqual({
      ok: true,
      value: [{ kind: 'password', target: 'deploy@bastion.example:22' }],
    });
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
  });

  it('answers a password with Enter and saves nothing unless asked', async () => {
    const user = userEvent.setup();
    const backend = await setup();
    const answer = ask(backend, { ...place(backend.profile), kind: 'password' });
    await user.type(await screen.findByLabelText('Password'), 'secret{Enter}');
    await expect(answer).resolves.toBe('secret');
    const secrets = await backend.api.call['secrets.list']({ profileId: backend.profile.id });
    expect(secrets).toEqual({ ok: true, value: [] });
  });

  it('cancels a passphrase question with null', async () => {
    const user = userEvent.setup();
    const backend = await setup();
    const answer = ask(backend, {
      ...place(backend.profile),
      kind: 'passphrase',
      keyPath: '/home/me/.ssh/id_ed25519',
    });
    const dialog = await screen.findByRole('dialog', { name: 'Key passphrase needed' });
    expect(dialog).toHaveTextContent('/home/me/.ssh/id_ed25519');
    expect(
      within(dialog).getByRole('checkbox', { name: /Remember the passphrase/ }),
    ).not.toBeChecked();
    await user.type(within(dialog).getByLabelText('Passphrase'), 'typed but not sent');
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    await expect(answer).resolves.toBeNull();
  });

  it('Escape cancels a password question but never answers a host-key question', async () => {
    const user = userEvent.setup();
    const backend = await setup();
    const password = ask(backend, { ...place(backend.profile), kind: 'password' });
    await screen.findByRole('dialog', { name: 'Password needed' });
    await user.keyboard('{Escape}');
    await expect(password).resolves.toBeNull();
    ask(backend, {
      ...place(backend.profile),
      kind: 'host-key',
      keyType: 'ssh-ed25519',
      fingerprint: 'SHA256:abc',
    });
    const dialog = await screen.findByRole('dialog', { name: "Trust this server's host key?" });
    await user.keyboard('{Escape}');
    expect(dialog).toBeInTheDocument();
    expect(backend.service.prompts.pending()).toHaveLength(1);
  });

  it('asks every keyboard-interactive prompt, echoing only where the server allows', async () => {
    const user = userEvent.setup();
    const backend = await setup();
    const answer = ask(backend, {
      ...place(backend.profile),
      kind: 'keyboard-interactive',
      name: 'Two-factor login',
      instructions: 'Open your authenticator app.',
      prompts: [
        { prompt: 'Account: ', echo: true },
        { prompt: 'Verification code: ', echo: false },
      ],
    });
    const dialog = await screen.findByRole('dialog', { name: 'Two-factor login' });
    expect(dialog).toHaveTextContent('Open your authenticator app.');
    const account = within(dialog).getByLabelText('Account:');
    const code = within(dialog).getByLabelText('Verification code:');
    expect(account).toHaveAttribute('type', 'text');
    expect(code).toHaveAttribute('type', 'password');
    await user.type(account, 'deploy');
    await user.type(code, '123456');
    await user.click(within(dialog).getByRole('button', { name: 'Continue' }));
    await expect(answer).resolves.toEqual(['deploy', '123456']);
  });

  it('cancels keyboard-interactive with null', async () => {
    const user = userEvent.setup();
    const backend = await setup();
    const answer = ask(backend, {
      ...place(backend.profile),
      kind: 'keyboard-interactive',
      name: '',
      instructions: '',
      prompts: [{ prompt: 'Password: ', echo: false }],
    });
    const dialog = await screen.findByRole('dialog', { name: 'The server asks' });
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    await expect(answer).resolves.toBeNull();
  });

  it('closes a question that main no longer needs, without answering it', async () => {
    const backend = await setup();
    const controller = new AbortController();
    const answer = ask(backend, { ...place(backend.profile), kind: 'password' }, controller.signal);
    answer.catch(() => {});
    await screen.findByRole('dialog', { name: 'Password needed' });
    act(() => controller.abort(new Error('stopped')));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    await expect(answer).rejects.toThrow('stopped');
    expect(backend.model.notices.get()).toEqual([]);
  });

  it('says why a secret cannot be remembered when secure storage is unavailable', async () => {
    const backend = await createInProcessApi({
      profiles: [{ name: 'Staging', host: 'bastion.example', username: 'deploy' }],
      secureStorage: false,
    });
    const [profile] = backend.service.profiles();
    const model = await mount(backend);
    expect(model.info.get()?.secureStorage.available).toBe(false);
    void ask(backend as unknown as InProcessApi, { ...place(profile!), kind: 'password' });
    const dialog = await screen.findByRole('dialog', { name: 'Password needed' });
    expect(within(dialog).queryByRole('checkbox')).toBeNull();
    expect(dialog).toHaveTextContent(/Burrow cannot remember the password on this computer: .+/);
  });
});

describe('the changed host key dialog', () => {
  const mismatch = (profileId: string, message: string): ProfileStatus => ({
    profileId,
    session: { state: 'error', error: { kind: 'host-key-mismatch', message } },
    forwards: {},
  });
  const state = (profileId: string, session: ProfileStatus['session']): ProfileStatus => ({
    profileId,
    session,
    forwards: {},
  });

  it('shows once per refusal, explains the fix and copies the command', async () => {
    const user = userEvent.setup();
    const backend = await setup([
      { name: 'Staging', host: 'bastion.example', username: 'deploy', port: 2222 },
    ]);
    const { model, profile } = backend;
    const message =
      'bastion.example:2222 offered ssh-ed25519 key SHA256:new, but /home/me/.ssh/known_hosts line 3 holds a different ssh-ed25519 key for it.';

    act(() =>
      model.status.applyDelta({
        changed: [state(profile.id, { state: 'connecting' })],
        removed: [],
      }),
    );
    act(() => model.status.applyDelta({ changed: [mismatch(profile.id, message)], removed: [] }));
    const dialog = await screen.findByRole('dialog', {
      name: 'Host key changed: connection refused',
    });
    expect(dialog).toHaveTextContent('can mean someone is intercepting the connection');
    expect(dialog).toHaveTextContent(message);
    expect(dialog).toHaveTextContent('ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub');
    const command = within(dialog).getByLabelText('Command to remove the old key');
    expect(command).toHaveTextContent(
      "ssh-keygen -R '[bastion.example]:2222' -f ~/.ssh/known_hosts",
    );

    await user.click(within(dialog).getByRole('button', { name: 'Copy command' }));
    await expect(navigator.clipboard.readText()).resolves.toBe(
      "ssh-keygen -R '[bastion.example]:2222' -f ~/.ssh/known_hosts",
    );
    await user.click(within(dialog).getByRole('button', { name: 'Done' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());

    // The same failure again (a status batch about its forwards) is not a new refusal.
    act(() =>
      model.status.applyDelta({ changed: [mismatch(profile.id, `${message} `)], removed: [] }),
    );
    expect(screen.queryByRole('dialog')).toBeNull();

    // Trying again and failing again is.
    act(() =>
      model.status.applyDelta({
        changed: [state(profile.id, { state: 'connecting' })],
        removed: [],
      }),
    );
    act(() => model.status.applyDelta({ changed: [mismatch(profile.id, message)], removed: [] }));
    expect(await screen.findByRole('dialog')).toBeInTheDocument();
    await user.keyboard('{Escape}');
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
  });

  it('takes the host, key type and known_hosts file from the engine when it sends them', async () => {
    const backend = await setup([
      { name: 'Staging', host: 'bastion.example', username: 'deploy', port: 2222 },
    ]);
    const { model, profile } = backend;
    act(() =>
      model.status.applyDelta({
        changed: [
          {
            profileId: profile.id,
            session: {
              state: 'error',
              error: {
                kind: 'host-key-mismatch',
                // Worded in a way the window cannot read: the facts must come from `hostKey`.
                message: 'The key changed.',
                hostKey: {
                  host: 'jump.example',
                  port: 22,
                  keyType: 'ecdsa-sha2-nistp256',
                  knownHostsPath: '/srv/burrow/known_hosts',
                  line: 7,
                },
              },
            },
            forwards: {},
          },
        ],
        removed: [],
      }),
    );
    const dialog = await screen.findByRole('dialog', {
      name: 'Host key changed: connection refused',
    });
    expect(within(dialog).getByLabelText('Command to remove the old key')).toHaveTextContent(
      "ssh-keygen -R 'jump.example' -f /srv/burrow/known_hosts",
    );
    expect(dialog).toHaveTextContent('ssh-keygen -lf /etc/ssh/ssh_host_ecdsa_key.pub');
  });

  it('uses the known_hosts setting and names the jump host that changed', async () => {
    const backend = await setup([
      { name: 'Jump', host: 'jump.example', username: 'hop' },
      {
        name: 'Inner',
        host: 'inner.example',
        username: 'deploy',
        jumpHosts: [{ profileId: 'jump' }],
      },
    ]);
    const { model, api } = backend;
    expect((model.profiles.get() ?? []).map((p) => p.id)).toEqual(['jump', 'inner']);
    await api.call['settings.update']({ settings: { knownHostsPath: '/etc/burrow hosts' } });
    await waitFor(() => expect(model.settings.get()?.knownHostsPath).toBe('/etc/burrow hosts'));
    act(() =>
      model.status.applyDelta({
        changed: [mismatch('inner', 'jump.example offered a key that /x line 1 marks as revoked.')],
        removed: [],
      }),
    );
    const dialog = await screen.findByRole('dialog');
    expect(within(dialog).getByLabelText('Command to remove the old key')).toHaveTextContent(
      "ssh-keygen -R 'jump.example' -f '/etc/burrow hosts'",
    );
  });

  it('does not announce a refusal that happened before the window opened', async () => {
    const backend = await createInProcessApi({
      profiles: [{ name: 'Staging', host: 'bastion.example', username: 'deploy' }],
    });
    const model = await startModel(backend);
    model.status.applyDelta({ changed: [mismatch('staging', 'changed')], removed: [] });
    render(
      <ModelContext.Provider value={model}>
        <PromptDialogs />
      </ModelContext.Provider>,
    );
    act(() => model.status.applyDelta({ changed: [mismatch('staging', 'changed ')], removed: [] }));
    expect(screen.queryByRole('dialog')).toBeNull();
  });
});

describe('against a real SSH server', () => {
  let server: FaultServer;
  afterEach(async () => {
    await server?.stop();
  });

  it('trusts a new host key, logs in with the password typed, and refuses a changed key', async () => {
    const user = userEvent.setup();
    server = await startFaultServer({
      users: [{ username: 'deploy', password: 'right' }],
      authMethods: ['password'],
    });
    const backend = await setup([
      {
        name: 'Live',
        host: server.host,
        port: server.port,
        username: 'deploy',
        auth: [{ type: 'password' }],
      },
    ]);
    const { model, profile, api } = backend;
    // start() resolves once connected, so it waits on the questions below.
    const started = api.call['tunnels.start']({ profileId: profile.id });

    const hostKey = await screen.findByRole('dialog', { name: "Trust this server's host key?" });
    expect(hostKey).toHaveTextContent(server.hostFingerprint);
    await user.click(within(hostKey).getByRole('button', { name: 'Accept and save' }));

    const password = await screen.findByRole('dialog', { name: 'Password needed' });
    await user.type(within(password).getByLabelText('Password'), 'right{Enter}');
    await expect(started).resolves.toEqual({ ok: true, value: undefined });
    await waitFor(() => expect(model.status.session(profile.id).state).toBe('connected'));
    await api.call['tunnels.stop']({ profileId: profile.id });

    // Another server on the same address: its key is not the one just saved.
    const port = server.port;
    await server.stop();
    server = await startFaultServer({ port, users: [{ username: 'deploy', password: 'right' }] });
    void api.call['tunnels.start']({ profileId: profile.id });
    const refused = await screen.findByRole(
      'dialog',
      { name: 'Host key changed: connection refused' },
      { timeout: 10_000 },
    );
    expect(within(refused).getByLabelText('Command to remove the old key')).toHaveTextContent(
      // The file the engine really checked (this backend's own), as the engine reports it.
      `ssh-keygen -R '[127.0.0.1]:${port}' -f ${join(backend.dir, 'known_hosts')}`,
    );
  });
});

describe('prompt text helpers', () => {
  it('maps key types to the server key file and quotes paths for the shell', () => {
    expect(hostKeyFileType('ssh-rsa')).toBe('rsa');
    expect(hostKeyFileType('rsa-sha2-512')).toBe('rsa');
    expect(hostKeyFileType('ecdsa-sha2-nistp384')).toBe('ecdsa');
    expect(hostKeyFileType('ssh-ed25519')).toBe('ed25519');
    expect(removeKeyCommand('db', 22, '~/my hosts/known_hosts')).toBe(
      "ssh-keygen -R 'db' -f ~/'my hosts/known_hosts'",
    );
    expect(removeKeyCommand('::1', 2222, '/a/b')).toBe("ssh-keygen -R '[::1]:2222' -f /a/b");
  });
});
