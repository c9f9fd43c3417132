import { act, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import type { NewProfileInput } from '../../shared/profile';
import type { ForwardStatus } from '../../shared/status';
import { App } from '../../renderer/src/app/App';
import { freePort } from '../support/net';
import { createInProcessApi, type InProcessApiOptions } from './in-process-api';
import { startModel } from './start-model';

/** The whole window over the real service (store, engine) in this process. */
async function renderWindow(
  options: InProcessApiOptions & {
    before?: (backend: Awaited<ReturnType<typeof createInProcessApi>>) => Promise<void>;
  } = {},
) {
  const backend = await createInProcessApi(options);
  await options.before?.(backend);
  const model = await startModel(backend, { sampleEveryMs: 60_000 });
  render(<App model={model} />);
  return { ...backend, model };
}

function localForward(id: string, name: string, bindPort = 0) {
  return {
    id,
    name,
    type: 'local' as const,
    bindPort,
    targetHost: '10.0.0.5',
    targetPort: 5432,
  };
}

const db: NewProfileInput = {
  id: 'db',
  name: 'Staging DB',
  host: 'db.example',
  username: 'deploy',
  group: 'Staging',
  tags: ['postgres'],
  forwards: [localForward('pg', 'postgres', 15432)],
};
const web: NewProfileInput = {
  id: 'web',
  name: 'Web box',
  host: 'web.example',
  username: 'www',
  forwards: [],
};

function activeStatus(forwardId: string, bytesIn = 0, bytesOut = 0): ForwardStatus {
  return {
    forwardId,
    state: { state: 'active', bindHost: '127.0.0.1', bindPort: 15432 },
    counters: { activeConnections: 1, totalConnections: 3, bytesIn, bytesOut },
  };
}

describe('the window', () => {
  it('first run explains tunnels and leads to the editor in one click', async () => {
    const user = userEvent.setup();
    await renderWindow();
    expect(await screen.findByRole('heading', { name: 'Welcome to Burrow' })).toBeInTheDocument();
    expect(screen.getByText(/SSH tunnel/)).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Create your first profile' }));
    expect(await screen.findByRole('heading', { name: 'New profile' })).toBeInTheDocument();
  });

  it('lists profiles by group with tags and a state, and search narrows them', async () => {
    const user = userEvent.setup();
    await renderWindow({ profiles: [db, web] });
    const sidebar = screen.getByRole('navigation', { name: 'Profiles' });
    const staging = within(sidebar).getByRole('region', { name: 'Staging' });
    expect(within(staging).getByText('Staging DB')).toBeInTheDocument();
    expect(within(staging).getByText('postgres')).toBeInTheDocument();
    expect(within(staging).getByRole('img', { name: 'Stopped' })).toBeInTheDocument();
    expect(within(sidebar).getByRole('button', { name: 'Start group Staging' })).toBeEnabled();

    await user.type(within(sidebar).getByRole('searchbox', { name: 'Search profiles' }), 'www');
    expect(within(sidebar).queryByText('Staging DB')).not.toBeInTheDocument();
    expect(within(sidebar).getByText('Web box')).toBeInTheDocument();
    await user.clear(within(sidebar).getByRole('searchbox'));
    await user.type(within(sidebar).getByRole('searchbox'), 'nothing-like-this');
    expect(within(sidebar).getByText(/No profile matches/)).toBeInTheDocument();
  });

  it('shows the selected profile’s forwards with their path, and a first forward to add', async () => {
    const user = userEvent.setup();
    await renderWindow({ profiles: [db, web] });
    // The first profile opens by itself.
    expect(await screen.findByRole('heading', { name: /Staging DB/ })).toBeInTheDocument();
    const row = screen.getByRole('listitem', { name: 'postgres' });
    expect(
      within(row).getByText('localhost:15432 → db.example (ssh) → 10.0.0.5:5432'),
    ).toBeVisible();
    expect(within(row).getByRole('switch', { name: 'Run postgres' })).not.toBeChecked();
    expect(within(row).getByText('Off')).toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: /^Web box, www@web.example/ }));
    expect(await screen.findByText(/has no forwards yet/)).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Add a forward' }));
    // The editor opens with a new forward ready, its type chooser in focus.
    const outgoing = await screen.findByRole('radio', { name: /Outgoing/ });
    expect(outgoing).toBeChecked();
    await waitFor(() => expect(outgoing).toHaveFocus());
  });

  it('shows only what the engine reports: a refused server reads as reconnecting, with what to do', async () => {
    const user = userEvent.setup();
    const port = await freePort();
    await renderWindow({
      profiles: [{ ...db, host: '127.0.0.1', port, reconnect: { initialDelayMs: 5000 } }],
    });
    await screen.findByRole('heading', { name: /Staging DB/ });
    const main = screen.getByRole('main');
    await user.click(within(main).getByRole('button', { name: 'Start' }));
    await within(main).findByRole(
      'img',
      { name: /Reconnecting \(attempt 1, in \d+s\)/ },
      { timeout: 10_000 },
    );
    expect(within(main).getByRole('alert')).toHaveTextContent(
      /refused the connection\. Check the host and port, and that the SSH server is running\./,
    );
    await user.click(within(main).getByRole('button', { name: 'Stop' }));
    await within(main).findByRole('img', { name: 'Stopped' });
    expect(within(main).queryByRole('alert')).not.toBeInTheDocument();
  });

  it('live counters, rates, the sparkline and click-to-copy address follow status batches', async () => {
    const user = userEvent.setup();
    const writeText = vi.fn(async () => undefined);
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
    const { model } = await renderWindow({ profiles: [db] });
    await screen.findByRole('heading', { name: /Staging DB/ });
    // Status batches as main sends them; the renderer's own store turns counters into rates.
    act(() => {
      model.status.applyDelta(
        {
          changed: [
            {
              profileId: 'db',
              session: { state: 'connected' },
              forwards: { pg: activeStatus('pg') },
            },
          ],
          removed: [],
        },
        0,
      );
      model.status.sample(0);
    });
    const row = screen.getByRole('listitem', { name: 'postgres' });
    expect(within(row).getByRole('switch', { name: 'Run postgres' })).toBeChecked();
    expect(within(row).getByText('Listening')).toBeInTheDocument();
    expect(within(row).getByText(/1 open/)).toBeInTheDocument();
    act(() => {
      model.status.applyDelta(
        {
          changed: [
            {
              profileId: 'db',
              session: { state: 'connected' },
              forwards: { pg: activeStatus('pg', 4096, 1024) },
            },
          ],
          removed: [],
        },
        500,
      );
      model.status.sample(1000);
    });
    expect(within(row).getByText('4.00 KB/s')).toBeInTheDocument();
    expect(within(row).getByText('1.00 KB/s')).toBeInTheDocument();
    expect(
      within(row).getByRole('img', { name: /Last minute of traffic, peak 5.00 KB\/s/ }),
    ).toBeInTheDocument();

    await user.click(within(row).getByRole('button', { name: 'Copy address 127.0.0.1:15432' }));
    expect(writeText).toHaveBeenCalledWith('127.0.0.1:15432');
    expect(await screen.findByText('Copied 127.0.0.1:15432')).toBeInTheDocument();
  });

  it('a failed forward shows its sentence and puts its profile in trouble', async () => {
    const { model } = await renderWindow({ profiles: [db] });
    await screen.findByRole('heading', { name: /Staging DB/ });
    act(() =>
      model.status.applyDelta({
        changed: [
          {
            profileId: 'db',
            session: { state: 'connected' },
            forwards: {
              pg: {
                forwardId: 'pg',
                state: {
                  state: 'error',
                  error: {
                    kind: 'port-in-use',
                    message:
                      '127.0.0.1:15432 is already in use by another program. Pick another port, or 0 for any free port.',
                  },
                },
                counters: { activeConnections: 0, totalConnections: 0, bytesIn: 0, bytesOut: 0 },
              },
            },
          },
        ],
        removed: [],
      }),
    );
    const row = screen.getByRole('listitem', { name: 'postgres' });
    expect(within(row).getByText('Failed')).toBeInTheDocument();
    expect(within(row).getByText(/Pick another port, or 0 for any free port\./)).toBeVisible();
    const sidebar = screen.getByRole('navigation', { name: 'Profiles' });
    expect(within(sidebar).getByRole('img', { name: 'Connected' })).toHaveClass('dot-warn');
  });

  it('mounts only the rows in view for a profile with 500 forwards', async () => {
    const many = Array.from({ length: 500 }, (_, i) => localForward(`f${i}`, `service ${i}`));
    await renderWindow({ profiles: [{ ...db, forwards: many }] });
    await screen.findByRole('heading', { name: /Staging DB/ });
    expect(screen.getByRole('tab', { name: 'Forwards (500)' })).toBeInTheDocument();
    const list = screen.getByRole('list', { name: 'Forwards' });
    expect(within(list).getAllByRole('listitem')[0]).toHaveAttribute('aria-setsize', '500');
    expect(within(list).getAllByRole('listitem').length).toBeLessThanOrEqual(40);
  });

  it('start all and stop all reach the engine; delete asks first', async () => {
    const user = userEvent.setup();
    const port = await freePort();
    const { service } = await renderWindow({
      profiles: [
        { ...db, host: '127.0.0.1', port },
        { ...web, host: '127.0.0.1', port },
      ],
    });
    await screen.findByRole('heading', { name: /Staging DB/ });
    await user.click(screen.getByRole('button', { name: 'Start all' }));
    await waitFor(() =>
      expect(Object.keys(service.engine.snapshot().profiles).sort()).toEqual(['db', 'web']),
    );
    await user.click(screen.getByRole('button', { name: 'Stop all' }));
    await waitFor(() =>
      expect(
        Object.values(service.engine.snapshot().profiles).every(
          (p) => p.session.state === 'stopped',
        ),
      ).toBe(true),
    );

    await user.click(within(screen.getByRole('main')).getByRole('button', { name: 'Delete' }));
    const dialog = await screen.findByRole('dialog', { name: 'Delete “Staging DB”?' });
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(service.profiles().map((p) => p.id)).toContain('db');
    await user.click(within(screen.getByRole('main')).getByRole('button', { name: 'Delete' }));
    await user.click(
      within(await screen.findByRole('dialog')).getByRole('button', { name: 'Delete' }),
    );
    await waitFor(() => expect(service.profiles().map((p) => p.id)).toEqual(['web']));
    expect(await screen.findByRole('heading', { name: /Web box/ })).toBeInTheDocument();
  });

  it('lists remembered secrets without their values, and forgets one', async () => {
    const user = userEvent.setup();
    const { service } = await renderWindow({
      profiles: [db],
      before: async ({ service, api }) => {
        // A login that asked for the password and was told to remember it.
        const asked = service.prompts.handler({
          kind: 'password',
          profileId: 'db',
          host: 'db.example',
          port: 22,
          username: 'deploy',
        });
        const [pending] = service.prompts.pending();
        await api.call['prompts.answer']({ id: pending!.id, answer: 'hunter2', remember: true });
        await asked;
      },
    });
    const secrets = await screen.findByRole('list', { name: 'Remembered secrets' });
    expect(secrets).toHaveTextContent('Password remembered for deploy@db.example:22');
    expect(document.body).not.toHaveTextContent('hunter2');
    await user.click(within(secrets).getByRole('button', { name: 'Forget' }));
    await waitFor(() =>
      expect(screen.queryByRole('list', { name: 'Remembered secrets' })).toBeNull(),
    );
    const left = await service.handlers['secrets.list']({ profileId: 'db' });
    expect(left).toEqual([]);
  });
});
