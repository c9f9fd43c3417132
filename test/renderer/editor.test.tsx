import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import {
  ProfileEditor,
  type ProfileEditorProps,
} from '../../renderer/src/features/editor/ProfileEditor';
import { ModelContext } from '../../renderer/src/state/hooks';
import { DEFAULT_AUTH, type NewProfileInput } from '../../shared/profile';
import type { AppSettingsInput } from '../../shared/settings';
import { createInProcessApi, type InProcessApi } from './in-process-api';
import type { AppModel } from '../../renderer/src/state/app-model';
import { startModel } from './start-model';

/**
 * The profile editor against the real service in-process: what the form saves is read back from
 * the real store.
 */

async function renderEditor(
  props: Omit<ProfileEditorProps, 'onDone'> = {},
  options: { profiles?: NewProfileInput[]; settings?: AppSettingsInput['reconnectDefaults'] } = {},
): Promise<
  InProcessApi & {
    model: AppModel;
    onDone: ReturnType<typeof vi.fn<(id: string | null) => void>>;
    user: ReturnType<typeof userEvent.setup>;
  }
> {
  const backend = await createInProcessApi({ profiles: options.profiles });
  if (options.settings)
    await backend.api.call['settings.update']({
      settings: { reconnectDefaults: { jitter: 0.2, ...options.settings } as never },
    });
  const model = await startModel(backend);
  const onDone = vi.fn<(id: string | null) => void>();
  const user = userEvent.setup();
  render(
    <ModelContext.Provider value={model}>
      <ProfileEditor {...props} onDone={onDone} />
    </ModelContext.Provider>,
  );
  return { ...backend, model, onDone, user };
}

const bastion: NewProfileInput = {
  id: 'bastion',
  name: 'Bastion',
  host: 'bastion.example',
  username: 'jump',
};

const staging: NewProfileInput = {
  id: 'staging',
  name: 'Staging',
  host: 'db.example',
  port: 2222,
  username: 'deploy',
  auth: [{ type: 'key', path: '~/.ssh/id_ed25519' }, { type: 'agent' }],
  forwards: [
    {
      id: 'db',
      type: 'local',
      name: 'db',
      bindPort: 5432,
      targetHost: '10.0.0.5',
      targetPort: 5432,
    },
    { id: 'back', type: 'remote', bindPort: 8080, targetPort: 3000, enabled: false },
    { id: 'socks', type: 'dynamic', bindHost: '0.0.0.0', bindPort: 1080 },
  ],
  group: 'Work',
  tags: ['db', 'staging'],
};

type User = ReturnType<typeof userEvent.setup>;

async function fillConnection(user: User, fields: { name: string; host: string; user: string }) {
  await user.type(screen.getByLabelText('Name'), fields.name);
  await user.type(screen.getByLabelText('Host'), fields.host);
  await user.type(screen.getByLabelText('User'), fields.user);
}

/** Adds a forward and returns its card. */
async function addForward(user: User): Promise<HTMLElement> {
  await user.click(screen.getByRole('button', { name: 'Add forward' }));
  const cards = screen.getAllByRole('group', { name: /^Forward \d/ });
  return cards[cards.length - 1]!;
}

function pathOf(card: HTMLElement): string {
  return card.querySelector('.path-picture')?.textContent?.replace(/^Path: /, '') ?? '';
}

async function retype(user: User, input: HTMLElement, text: string) {
  await user.clear(input);
  if (text) await user.type(input, text);
}

describe('the profile editor', () => {
  it('creates a profile through the form and saves it to the real store', async () => {
    const { user, onDone, service } = await renderEditor(
      {},
      { settings: { enabled: false, initialDelayMs: 2000, maxDelayMs: 30_000 } },
    );
    expect(screen.getByRole('heading', { level: 1, name: 'New profile' })).toBeInTheDocument();
    await fillConnection(user, { name: 'Staging DB', host: 'db.example', user: 'deploy' });
    const card = await addForward(user);
    await user.type(within(card).getByLabelText('Name (optional)'), 'postgres');
    await user.type(within(card).getByLabelText('Listen port'), '5432');
    await retype(
      user,
      within(card).getByLabelText('Target host (as the server sees it)'),
      '10.0.0.5',
    );
    await user.type(within(card).getByLabelText('Target port'), '5432');
    await user.type(screen.getByLabelText('Tags'), 'db, work, db');
    await user.click(
      screen.getByRole('checkbox', { name: 'Start automatically when Burrow starts' }),
    );
    await user.click(screen.getByRole('button', { name: 'Save' }));

    await waitFor(() => expect(onDone).toHaveBeenCalledTimes(1));
    const saved = service.profiles();
    expect(saved).toHaveLength(1);
    const profile = saved[0]!;
    expect(onDone).toHaveBeenCalledWith(profile.id);
    expect(profile).toMatchObject({
      name: 'Staging DB',
      host: 'db.example',
      port: 22,
      username: 'deploy',
      auth: DEFAULT_AUTH,
      jumpHosts: [],
      tags: ['db', 'work'],
      autoStart: true,
      // A new profile starts with the app's reconnect defaults.
      reconnect: { enabled: false, initialDelayMs: 2000, maxDelayMs: 30_000, jitter: 0.2 },
      forwards: [
        {
          type: 'local',
          name: 'postgres',
          enabled: true,
          bindHost: '127.0.0.1',
          bindPort: 5432,
          targetHost: '10.0.0.5',
          targetPort: 5432,
        },
      ],
    });
    expect(profile.forwards[0]!.id).toMatch(/^f-[a-z0-9]+$/);
    expect(profile.group).toBeUndefined();
  });

  it('shows inline errors for touched fields only, and all of them after a save attempt', async () => {
    const { user, onDone, service } = await renderEditor();
    expect(screen.queryAllByRole('alert')).toHaveLength(0);

    const host = screen.getByLabelText('Host');
    await user.type(host, 'x');
    await user.clear(host);
    expect(host).toHaveAccessibleDescription(/Must not be empty\./);
    expect(host).toHaveAttribute('aria-invalid', 'true');

    const port = screen.getByLabelText('Port');
    await retype(user, port, '70000');
    expect(port).toHaveAccessibleDescription(/Must be between 1 and 65535\./);
    await retype(user, port, '');
    expect(port).toHaveAccessibleDescription(/Must not be empty\./);
    await retype(user, port, 'ssh');
    expect(port).toHaveAccessibleDescription(/Must be a number\./);

    const card = await addForward(user);
    const targetPort = within(card).getByLabelText('Target port');
    await user.type(targetPort, '0');
    expect(targetPort).toHaveAccessibleDescription(/Must be between 1 and 65535\./);

    // Untouched: no error yet for the user name or the listen port.
    expect(screen.getByLabelText('User')).not.toHaveAttribute('aria-invalid', 'true');
    expect(within(card).getByLabelText('Listen port')).not.toHaveAttribute('aria-invalid', 'true');

    await user.click(screen.getByRole('button', { name: 'Save' }));
    const summary = await screen.findByText(/things need fixing before this profile can be saved/);
    expect(summary.closest('.editor-summary')).toHaveFocus();
    expect(screen.getByLabelText('User')).toHaveAccessibleDescription(/Must not be empty\./);
    expect(within(card).getByLabelText('Listen port')).toHaveAccessibleDescription(
      /Must not be empty \(0 = any free port\)\./,
    );
    // The list of problems takes you to the field.
    await user.click(screen.getByRole('button', { name: /^Forward 1: target port/ }));
    expect(targetPort).toHaveFocus();
    expect(onDone).not.toHaveBeenCalled();
    expect(service.profiles()).toHaveLength(0);
  });

  it('draws the path as the fields change, and reads port 0 as any free port', async () => {
    const { user } = await renderEditor();
    await user.type(screen.getByLabelText('Host'), 'db.example');
    const card = await addForward(user);
    const listenPort = within(card).getByLabelText('Listen port');
    await user.type(listenPort, '5432');
    expect(pathOf(card)).toBe('localhost:5432 → db.example (ssh) → the server itself, port ?');
    await retype(
      user,
      within(card).getByLabelText('Target host (as the server sees it)'),
      '10.0.0.5',
    );
    await user.type(within(card).getByLabelText('Target port'), '5432');
    expect(pathOf(card)).toBe('localhost:5432 → db.example (ssh) → 10.0.0.5:5432');

    expect(listenPort).toHaveAccessibleDescription('0 = any free port');
    await retype(user, listenPort, '0');
    expect(listenPort).toHaveAccessibleDescription(/^Any free port/);
    expect(pathOf(card)).toBe('localhost:any free port → db.example (ssh) → 10.0.0.5:5432');

    // Incoming: the server listens, the target is on this side.
    await user.click(within(card).getByRole('radio', { name: 'Incoming' }));
    expect(pathOf(card)).toBe(
      'on db.example, localhost:any free port → ssh → this computer → 10.0.0.5:5432',
    );
    expect(within(card).getByLabelText('Server listens on')).toBeInTheDocument();
    expect(
      within(card).getByRole('option', { name: 'The server only (127.0.0.1)' }),
    ).toBeInTheDocument();
  });

  it('warns when a forward listens on all interfaces or targets a third machine', async () => {
    const { user } = await renderEditor();
    await user.type(screen.getByLabelText('Host'), 'db.example');
    const card = await addForward(user);
    expect(card.querySelectorAll('.warning')).toHaveLength(0);

    await user.selectOptions(within(card).getByLabelText('Listens on'), 'All interfaces (0.0.0.0)');
    expect(
      within(card)
        .getByText(/any machine that can reach this computer can use this tunnel/)
        .closest('.warning'),
    ).toBeInTheDocument();
    await user.selectOptions(
      within(card).getByLabelText('Listens on'),
      'This computer only (127.0.0.1)',
    );
    expect(card.querySelectorAll('.warning')).toHaveLength(0);

    await user.selectOptions(within(card).getByLabelText('Listens on'), 'Other address…');
    const address = within(card).getByLabelText('Address to listen on');
    expect(address).toHaveFocus();
    await user.type(address, '192.168.1.20');
    expect(
      within(card).getByText(/Listening on 192\.168\.1\.20: machines on that network/),
    ).toBeInTheDocument();

    await retype(
      user,
      within(card).getByLabelText('Target host (as the server sees it)'),
      'db2.internal',
    );
    expect(
      within(card).getByText(/The target db2\.internal is a third machine/),
    ).toBeInTheDocument();
    expect(card.querySelectorAll('.warning')).toHaveLength(2);
  });

  it('saves a jump host chosen from another profile as {profileId}', async () => {
    const { user, onDone, service } = await renderEditor({}, { profiles: [bastion] });
    await fillConnection(user, { name: 'Inside', host: 'inside.example', user: 'me' });
    await user.click(screen.getByRole('button', { name: 'Add jump host' }));
    expect(screen.getByRole('radio', { name: 'A saved profile' })).toBeChecked();
    await user.selectOptions(
      screen.getByLabelText('Jump host 1: saved profile'),
      'Bastion (jump@bastion.example)',
    );
    const card = await addForward(user);
    await user.click(within(card).getByRole('radio', { name: /Dynamic/ }));
    await user.type(within(card).getByLabelText('Listen port'), '1080');
    expect(pathOf(card)).toBe(
      'localhost:1080 (SOCKS) → bastion.example (ssh) → inside.example (ssh) → any destination',
    );
    await user.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(onDone).toHaveBeenCalled());
    const inside = service.profiles().find((p) => p.name === 'Inside');
    expect(inside?.jumpHosts).toEqual([{ profileId: 'bastion' }]);
    expect(inside?.forwards).toMatchObject([{ type: 'dynamic', bindPort: 1080 }]);
  });

  it('takes a typed-in jump host, and never offers a profile as its own jump host', async () => {
    const { user, onDone, service } = await renderEditor(
      { profileId: 'staging' },
      { profiles: [bastion, staging] },
    );
    await user.click(screen.getByRole('button', { name: 'Add jump host' }));
    const select = screen.getByLabelText('Jump host 1: saved profile');
    const options = within(select)
      .getAllByRole('option')
      .map((o) => o.textContent);
    expect(options).toEqual(['Choose a profile…', 'Bastion (jump@bastion.example)']);
    await user.click(screen.getByRole('radio', { name: 'Typed in' }));
    await user.type(screen.getByLabelText('Jump host 1: host'), 'hop.example');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    expect(await screen.findByText(/One thing needs fixing/)).toBeInTheDocument();
    expect(
      screen.getByRole('button', { name: 'Jump host 1: user: must not be empty.' }),
    ).toBeInTheDocument();
    await user.type(screen.getAllByLabelText('User')[1]!, 'hopper');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(onDone).toHaveBeenCalledWith('staging'));
    expect(service.profiles().find((p) => p.id === 'staging')?.jumpHosts).toEqual([
      { host: 'hop.example', port: 22, username: 'hopper', auth: DEFAULT_AUTH },
    ]);
  });

  it('edits an existing profile, keeping its id, forwards and everything not changed', async () => {
    const { user, onDone, service } = await renderEditor(
      { profileId: 'staging' },
      { profiles: [bastion, staging] },
    );
    const before = service.profiles().find((p) => p.id === 'staging')!;
    expect(screen.getByRole('heading', { level: 1, name: 'Edit Staging' })).toBeInTheDocument();
    expect(screen.getByLabelText('Port')).toHaveValue('2222');
    expect(screen.getByLabelText('Key file')).toHaveValue('~/.ssh/id_ed25519');
    expect(screen.getByLabelText('Tags')).toHaveValue('db, staging');
    // Saved forwards start folded, each with its path in view.
    const cards = screen.getAllByRole('group', { name: /^(db|Forward \d)/ });
    expect(cards).toHaveLength(3);
    expect(pathOf(cards[0]!)).toBe('localhost:5432 → db.example (ssh) → 10.0.0.5:5432');
    expect(within(cards[2]!).getByText(/Listening on all interfaces/)).toBeInTheDocument();
    expect(within(cards[0]!).getByRole('button', { name: /^db/ })).toHaveAttribute(
      'aria-expanded',
      'false',
    );

    await retype(user, screen.getByLabelText('Name'), 'Staging (eu)');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(onDone).toHaveBeenCalledWith('staging'));
    const after = service.profiles().find((p) => p.id === 'staging')!;
    expect(after).toEqual({ ...before, name: 'Staging (eu)' });
    expect(service.profiles().map((p) => p.id)).toEqual(['bastion', 'staging']);
  });

  it('opens at the forward it was asked for', async () => {
    await renderEditor({ profileId: 'staging', focusForwardId: 'back' }, { profiles: [staging] });
    const card = screen.getByRole('group', { name: /^Forward 2/ });
    expect(within(card).getByRole('button', { name: /^Forward 2/ })).toHaveAttribute(
      'aria-expanded',
      'true',
    );
    expect(within(card).getByRole('radio', { name: 'Incoming' })).toHaveFocus();
    expect(
      within(card).getByRole('checkbox', { name: 'Starts with the profile' }),
    ).not.toBeChecked();
  });

  it('saves nothing on Cancel', async () => {
    const { user, onDone, service } = await renderEditor();
    await fillConnection(user, { name: 'Scratch', host: 'scratch.example', user: 'me' });
    await user.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(onDone).toHaveBeenCalledWith(null);
    expect(service.profiles()).toEqual([]);
  });

  it('saves nothing on Cancel when editing either', async () => {
    const { user, onDone, service } = await renderEditor(
      { profileId: 'staging' },
      { profiles: [staging] },
    );
    const before = service.profiles();
    await retype(user, screen.getByLabelText('Host'), 'elsewhere.example');
    await user.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(onDone).toHaveBeenCalledWith(null);
    expect(service.profiles()).toEqual(before);
  });

  it('offers the forward type as a radio group in plain words, by keyboard', async () => {
    const { user } = await renderEditor();
    const card = await addForward(user);
    const group = within(card).getByRole('radiogroup', { name: 'What should this forward do?' });
    const radios = within(group).getAllByRole('radio');
    expect(radios).toHaveLength(3);
    const [outgoing, incoming, dynamic] = radios as [HTMLElement, HTMLElement, HTMLElement];
    expect(outgoing).toHaveAccessibleName('Outgoing');
    expect(outgoing).toHaveAccessibleDescription(
      'Reach a service on or behind the server from this computer.',
    );
    expect(incoming).toHaveAccessibleName('Incoming');
    expect(incoming).toHaveAccessibleDescription(
      'Let the server side reach a service on or near this computer.',
    );
    expect(dynamic).toHaveAccessibleName('Dynamic (SOCKS)');
    expect(dynamic).toHaveAccessibleDescription(/A SOCKS proxy through the server/);

    // A new forward puts the focus on its type; arrows choose, Tab moves on to the name.
    expect(outgoing).toBeChecked();
    expect(outgoing).toHaveFocus();
    await user.keyboard('{ArrowDown}');
    expect(incoming).toBeChecked();
    expect(incoming).toHaveFocus();
    expect(within(card).getByLabelText('Server port')).toBeInTheDocument();
    await user.keyboard('{ArrowDown}');
    expect(dynamic).toBeChecked();
    expect(within(card).queryByLabelText('Target port')).not.toBeInTheDocument();
    await user.tab();
    expect(within(card).getByLabelText('Name (optional)')).toHaveFocus();
    await user.tab({ shift: true });
    expect(dynamic).toHaveFocus();
  });

  it('saves with Ctrl+S', async () => {
    const { user, onDone, service } = await renderEditor();
    await fillConnection(user, { name: 'Quick', host: 'quick.example', user: 'me' });
    await user.keyboard('{Control>}s{/Control}');
    await waitFor(() => expect(onDone).toHaveBeenCalledTimes(1));
    expect(service.profiles().map((p) => p.name)).toEqual(['Quick']);
  });

  it('saves with Enter in a field', async () => {
    const { user, onDone, service } = await renderEditor(
      { profileId: 'staging' },
      { profiles: [staging] },
    );
    await retype(user, screen.getByLabelText('User'), 'admin');
    await user.keyboard('{Enter}');
    await waitFor(() => expect(onDone).toHaveBeenCalledWith('staging'));
    expect(service.profiles()[0]?.username).toBe('admin');
  });

  it('orders login methods with buttons and says when none is left', async () => {
    const { user, onDone, service } = await renderEditor(
      { profileId: 'staging' },
      { profiles: [staging] },
    );
    const list = screen.getByRole('list', { name: 'Login methods' });
    const names = () =>
      within(list)
        .getAllByRole('listitem')
        .map((li) => li.querySelector('.editor-row-title')?.textContent);
    expect(names()).toEqual(['Key file', 'SSH agent']);
    const down = screen.getByRole('button', { name: 'Move Key file ~/.ssh/id_ed25519 down' });
    await user.click(down);
    expect(names()).toEqual(['SSH agent', 'Key file']);
    // The focus stays with the moved row (its "up" button: "down" is now disabled).
    expect(
      screen.getByRole('button', { name: 'Move Key file ~/.ssh/id_ed25519 up' }),
    ).toHaveFocus();

    await user.click(screen.getByRole('button', { name: 'Remove SSH agent' }));
    await user.click(screen.getByRole('button', { name: 'Remove Key file ~/.ssh/id_ed25519' }));
    expect(screen.getByText('Must list at least one login method.')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Key file' })).toHaveFocus();

    await user.click(screen.getByRole('button', { name: 'Keyboard-interactive' }));
    expect(screen.getByRole('button', { name: 'Keyboard-interactive' })).toBeDisabled();
    await user.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(onDone).toHaveBeenCalledWith('staging'));
    expect(service.profiles()[0]?.auth).toEqual([{ type: 'keyboard-interactive' }]);
  });

  it('shows advanced settings in seconds and stores them in milliseconds', async () => {
    const { user, onDone, service } = await renderEditor(
      { profileId: 'staging' },
      { profiles: [staging] },
    );
    const first = screen.getByLabelText('First retry after (seconds)');
    expect(first).toHaveValue('1');
    expect(screen.getByLabelText('Longest wait between retries (seconds)')).toHaveValue('60');
    await retype(user, first, '90');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    expect(
      await screen.findByRole('button', { name: /^Longest wait between retries:/ }),
    ).toBeInTheDocument();
    expect(
      screen.getByLabelText('Longest wait between retries (seconds)'),
    ).toHaveAccessibleDescription(/Must not be shorter than the first retry\./);
    await retype(user, first, '2.5');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(onDone).toHaveBeenCalledWith('staging'));
    expect(service.profiles()[0]?.reconnect).toMatchObject({
      initialDelayMs: 2500,
      maxDelayMs: 60_000,
    });
  });
});
