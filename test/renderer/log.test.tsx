import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { ProfileLog, logText } from '../../renderer/src/features/log/ProfileLog';
import { ModelContext } from '../../renderer/src/state/hooks';
import { Notices } from '../../renderer/src/ui/Notices';
import { freePort } from '../support/net';
import { createInProcessApi } from './in-process-api';
import { startModel } from './start-model';

/** A profile whose server port has nothing listening: starting it logs real failures. */
async function setup() {
  const port = await freePort();
  const backend = await createInProcessApi({
    profiles: [{ name: 'Nowhere', host: '127.0.0.1', port, username: 'deploy' }],
  });
  const model = await startModel(backend);
  const profileId = model.profiles.get()![0]!.id;
  render(
    <ModelContext.Provider value={model}>
      <ProfileLog profileId={profileId} />
      <Notices />
    </ModelContext.Provider>,
  );
  return { ...backend, model, profileId, port };
}

describe('the profile log', () => {
  it('says when nothing is logged yet', async () => {
    await setup();
    expect(await screen.findByText(/Nothing logged yet/)).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Copy log' })).toBeDisabled();
  });

  it('shows connection events as they happen and copies them as text', async () => {
    const user = userEvent.setup();
    const { api, model, profileId, port } = await setup();
    await screen.findByText(/Nothing logged yet/);

    await api.call['tunnels.start']({ profileId });
    const log = await screen.findByRole('log');
    await within(log).findByText(`Connecting to 127.0.0.1:${port}.`);
    await waitFor(() => expect(within(log).getAllByText('error').length).toBeGreaterThan(0));
    await api.call['tunnels.stop']({ profileId });
    await within(log).findByText('Stopped.');

    const entries = model.log(profileId).get()!;
    expect(within(log).getAllByRole('listitem')).toHaveLength(entries.length);
    // Oldest first: the list reads top to bottom like a terminal.
    expect(within(log).getAllByRole('listitem')[0]).toHaveTextContent(
      `Connecting to 127.0.0.1:${port}.`,
    );

    await user.click(screen.getByRole('button', { name: 'Copy log' }));
    const copied = await navigator.clipboard.readText();
    expect(copied).toBe(logText(entries));
    const lines = copied.split('\n');
    expect(lines).toHaveLength(entries.length);
    for (const line of lines) expect(line).toMatch(/^\d\d:\d\d:\d\d (info|warn|error) \S/);
    expect(lines[0]).toMatch(
      new RegExp(`^\\d\\d:\\d\\d:\\d\\d info Connecting to 127\\.0\\.0\\.1:${port}\\.$`),
    );
    expect(await screen.findByText('Copied the log')).toBeInTheDocument();
  });

  it('says so when the clipboard refuses', async () => {
    const user = userEvent.setup();
    const { api, profileId } = await setup();
    await api.call['tunnels.start']({ profileId });
    await api.call['tunnels.stop']({ profileId });
    await within(await screen.findByRole('log')).findByText('Stopped.');
    vi.spyOn(navigator.clipboard, 'writeText').mockRejectedValue(new Error('denied'));
    await user.click(screen.getByRole('button', { name: 'Copy log' }));
    expect(await screen.findByText(/Could not copy the log/)).toBeInTheDocument();
  });

  it('follows new lines only while scrolled to the bottom', async () => {
    const { api, profileId } = await setup();
    await api.call['tunnels.start']({ profileId });
    const log = await screen.findByRole('log');
    await within(log).findAllByRole('listitem');
    // jsdom has no layout: give the list a size, as a browser would.
    let scrollHeight = 1000;
    Object.defineProperty(log, 'scrollHeight', { get: () => scrollHeight });
    Object.defineProperty(log, 'clientHeight', { get: () => 200 });

    log.scrollTop = 800;
    log.dispatchEvent(new Event('scroll'));
    scrollHeight = 1100;
    await api.call['tunnels.stop']({ profileId });
    await within(log).findByText('Stopped.');
    expect(log.scrollTop).toBe(1100);

    // Scrolled up to read: new lines do not pull the view away.
    log.scrollTop = 100;
    log.dispatchEvent(new Event('scroll'));
    scrollHeight = 1200;
    await api.call['tunnels.start']({ profileId });
    await waitFor(() =>
      expect(within(log).getAllByText(/^Connecting to/).length).toBeGreaterThan(1),
    );
    expect(log.scrollTop).toBe(100);
    await api.call['tunnels.stop']({ profileId });
  });
});
