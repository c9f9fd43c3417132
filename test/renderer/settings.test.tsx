import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { SettingsPage } from '../../renderer/src/features/settings/SettingsPage';
import { ModelContext } from '../../renderer/src/state/hooks';
import { Notices } from '../../renderer/src/ui/Notices';
import type { AppSettings } from '../../shared/settings';
import { createInProcessApi } from './in-process-api';
import { startModel } from './start-model';

async function setup() {
  const backend = await createInProcessApi();
  const update = vi.spyOn(backend.api.call, 'settings.update');
  const model = await startModel(backend);
  render(
    <ModelContext.Provider value={model}>
      <SettingsPage />
      <Notices />
    </ModelContext.Provider>,
  );
  await screen.findByRole('heading', { name: 'Settings', level: 1 });
  /** What the real settings store holds now. */
  const saved = async (): Promise<AppSettings> => {
    const result = await backend.api.call['settings.get'](undefined);
    if (!result.ok) throw new Error(result.error.message);
    return result.value;
  };
  /** The patches sent, in order. */
  const patches = () => update.mock.calls.map(([input]) => input.settings);
  return { ...backend, model, saved, patches };
}

describe('the settings page', () => {
  it('saves each switch and the theme at once, sending only what changed', async () => {
    const user = userEvent.setup();
    const { saved, patches } = await setup();

    const theme = screen.getByRole('group', { name: 'Theme' });
    expect(within(theme).getByRole('radio', { name: /System/ })).toBeChecked();
    await user.click(within(theme).getByRole('radio', { name: 'Dark' }));
    await waitFor(async () => expect((await saved()).theme).toBe('dark'));
    expect(within(theme).getByRole('radio', { name: 'Dark' })).toBeChecked();

    const login = screen.getByRole('checkbox', { name: 'Start Burrow when I log in' });
    expect(login).not.toBeChecked();
    await user.click(login);
    await waitFor(async () => expect((await saved()).openAtLogin).toBe(true));
    expect(login).toBeChecked();

    const keep = screen.getByRole('checkbox', {
      name: 'Keep tunnels running when the window closes',
    });
    expect(keep).toBeChecked();
    expect(keep).toHaveAccessibleDescription(/When off, closing the window quits/);
    await user.click(keep);
    await user.click(screen.getByRole('checkbox', { name: 'Start minimized to the tray' }));
    await user.click(
      screen.getByRole('checkbox', { name: 'Notify me when a tunnel drops and when it is back' }),
    );
    await waitFor(async () =>
      expect(await saved()).toMatchObject({
        theme: 'dark',
        openAtLogin: true,
        closeToTray: false,
        startMinimized: true,
        notifications: false,
      }),
    );
    expect(patches()).toEqual([
      { theme: 'dark' },
      { openAtLogin: true },
      { closeToTray: false },
      { startMinimized: true },
      { notifications: false },
    ]);
  });

  it('checks the known_hosts path inline, saves it on Enter or blur, and resets it', async () => {
    const user = userEvent.setup();
    const { saved, patches } = await setup();
    const input = screen.getByRole('textbox', { name: 'known_hosts file' });
    expect(input).toHaveAttribute('placeholder', '~/.ssh/known_hosts');
    expect(screen.getByRole('button', { name: 'Reset to default' })).toBeDisabled();

    await user.type(input, 'relative/known_hosts{Enter}');
    expect(input).toHaveAttribute('aria-invalid', 'true');
    expect(input).toHaveAccessibleDescription(
      /The path must be an absolute path \(or start with ~\)\./,
    );
    expect(patches()).toEqual([]);

    await user.clear(input);
    await user.type(input, '~/work/known_hosts');
    expect(input).toHaveAttribute('aria-invalid', 'false');
    await user.tab();
    await waitFor(async () => expect((await saved()).knownHostsPath).toBe('~/work/known_hosts'));

    await user.clear(input);
    await user.type(input, '/etc/ssh/burrow_known_hosts{Enter}');
    await waitFor(async () =>
      expect((await saved()).knownHostsPath).toBe('/etc/ssh/burrow_known_hosts'),
    );

    await user.click(screen.getByRole('button', { name: 'Reset to default' }));
    await waitFor(async () => expect((await saved()).knownHostsPath).toBeUndefined());
    expect(input).toHaveValue('');
    expect(patches()).toEqual([
      { knownHostsPath: '~/work/known_hosts' },
      { knownHostsPath: '/etc/ssh/burrow_known_hosts' },
      { knownHostsPath: null },
    ]);
  });

  it('edits reconnect defaults in seconds and stores milliseconds', async () => {
    const user = userEvent.setup();
    const { saved, patches } = await setup();
    expect(screen.getByText(/For profiles you create from now on/)).toBeInTheDocument();
    const first = screen.getByRole('textbox', { name: 'First retry after (seconds)' });
    const longest = screen.getByRole('textbox', { name: 'Longest wait between retries (seconds)' });
    expect(first).toHaveValue('1');
    expect(longest).toHaveValue('60');

    await user.clear(first);
    await user.type(first, 'soon');
    await user.tab();
    expect(first).toHaveAccessibleDescription(/Must be a number of seconds\./);

    await user.clear(first);
    await user.type(first, '90{Enter}');
    expect(longest).toHaveAccessibleDescription(/Must not be shorter than the first retry delay\./);
    expect(patches()).toEqual([]);

    await user.clear(longest);
    await user.type(longest, '4000{Enter}');
    expect(longest).toHaveAccessibleDescription(/Must be at most 3600 seconds/);

    await user.clear(longest);
    await user.type(longest, '120.5{Enter}');
    await waitFor(async () =>
      expect((await saved()).reconnectDefaults).toEqual({
        enabled: true,
        initialDelayMs: 90_000,
        maxDelayMs: 120_500,
        jitter: 0.2,
      }),
    );

    await user.click(
      screen.getByRole('checkbox', { name: 'Reconnect automatically when a connection drops' }),
    );
    await waitFor(async () => expect((await saved()).reconnectDefaults.enabled).toBe(false));
    expect(patches()).toEqual([
      {
        reconnectDefaults: {
          enabled: true,
          initialDelayMs: 90_000,
          maxDelayMs: 120_500,
          jitter: 0.2,
        },
      },
      {
        reconnectDefaults: {
          enabled: false,
          initialDelayMs: 90_000,
          maxDelayMs: 120_500,
          jitter: 0.2,
        },
      },
    ]);
  });

  it('follows settings changed elsewhere, and shows the app info', async () => {
    const { api } = await setup();
    await api.call['settings.update']({
      settings: { knownHostsPath: '/srv/known_hosts', theme: 'light' },
    });
    await waitFor(() =>
      expect(screen.getByRole('textbox', { name: 'known_hosts file' })).toHaveValue(
        '/srv/known_hosts',
      ),
    );
    expect(screen.getByRole('radio', { name: 'Light' })).toBeChecked();

    const about = screen.getByRole('region', { name: 'About Burrow' });
    expect(about).toHaveTextContent('0.0.0-test');
    expect(about).toHaveTextContent('profiles.json');
    expect(about).toHaveTextContent('Encrypted with the system keyring');
  });
});
