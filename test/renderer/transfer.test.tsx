import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useState } from 'react';
import { describe, expect, it } from 'vitest';
import { readSshConfig } from '../../electron/store/ssh-config';
import {
  ImportFileDialog,
  SshConfigDialog,
  exportProfiles,
} from '../../renderer/src/features/transfer/TransferDialogs';
import { ModelContext } from '../../renderer/src/state/hooks';
import { Notices } from '../../renderer/src/ui/Notices';
import type { BurrowApi } from '../../shared/ipc';
import type { NewProfileInput, Profile } from '../../shared/profile';
import { makeProfileFile, type ProfileFile } from '../../shared/profile-file';
import { createInProcessApi } from './in-process-api';
import type { AppModel } from '../../renderer/src/state/app-model';
import { startModel } from './start-model';

const SAVED: NewProfileInput[] = [
  { name: 'Staging', host: 'staging.example', username: 'deploy' },
  { name: 'Prod', host: 'prod.example', username: 'deploy' },
  { name: 'Dev', host: 'dev.example', username: 'me' },
];

function Harness({ dialog }: { dialog: 'import' | 'ssh' }) {
  const [open, setOpen] = useState(true);
  return (
    <>
      {dialog === 'import' ? (
        <ImportFileDialog open={open} onOpenChange={setOpen} />
      ) : (
        <SshConfigDialog open={open} onOpenChange={setOpen} />
      )}
      <span data-testid="open">{String(open)}</span>
    </>
  );
}

function show(model: AppModel, dialog: 'import' | 'ssh') {
  render(
    <ModelContext.Provider value={model}>
      <Harness dialog={dialog} />
      <Notices />
    </ModelContext.Provider>,
  );
}

async function list(api: BurrowApi): Promise<Profile[]> {
  const result = await api.call['profiles.list'](undefined);
  if (!result.ok) throw new Error(result.error.message);
  return result.value;
}

describe('export', () => {
  it('writes the file through main and says where, or nothing when cancelled', async () => {
    const written: string[] = [];
    let cancel = false;
    const backend = await createInProcessApi({
      profiles: SAVED,
      dialogs: {
        saveText: async (name, text) => {
          if (cancel) return null;
          written.push(text);
          return `/home/me/${name}`;
        },
      },
    });
    const model = await startModel(backend);

    await expect(exportProfiles(model)).resolves.toEqual({
      path: '/home/me/burrow-profiles.json',
      count: 3,
    });
    expect(model.notices.get().map((n) => n.text)).toEqual([
      'Exported 3 profiles to /home/me/burrow-profiles.json',
    ]);
    const file = JSON.parse(written[0]!) as ProfileFile;
    expect(file.profiles.map((p) => p.name)).toEqual(['Staging', 'Prod', 'Dev']);

    await exportProfiles(model, ['prod']);
    expect(model.notices.get().at(-1)?.text).toBe(
      'Exported 1 profile to /home/me/burrow-profiles.json',
    );

    cancel = true;
    await expect(exportProfiles(model)).resolves.toBeNull();
    expect(model.notices.get()).toHaveLength(2);
  });
});

describe('import from a file', () => {
  /** The exported file, changed the way another machine's copy would differ. */
  async function exportedAndChanged(backend: { api: BurrowApi }): Promise<string> {
    const saved = await list(backend.api);
    const file = makeProfileFile([
      saved.find((p) => p.id === 'staging')!, // identical
      { ...saved.find((p) => p.id === 'prod')!, host: 'prod-new.example' }, // replace
      { ...saved.find((p) => p.id === 'dev')!, id: 'dev-laptop', host: 'laptop.example' }, // name
      { ...saved.find((p) => p.id === 'dev')!, id: 'fresh', name: 'Fresh', host: 'f.example' }, // add
    ]);
    return JSON.stringify(file, null, 2);
  }

  it('previews pasted text, shows each conflict with a safe default, and applies the choices', async () => {
    const user = userEvent.setup();
    const backend = await createInProcessApi({ profiles: SAVED });
    const model = await startModel(backend);
    const text = await exportedAndChanged(backend);
    show(model, 'import');

    const dialog = await screen.findByRole('dialog', { name: 'Import profiles' });
    await user.click(within(dialog).getByLabelText("Or paste the file's text"));
    await user.paste(text);
    await user.click(within(dialog).getByRole('button', { name: 'Preview' }));

    const table = await within(dialog).findByRole('table', { name: 'Profiles in the file' });
    const row = (name: string) => within(table).getByRole('row', { name: new RegExp(`^${name}`) });
    const choice = (name: string) =>
      within(dialog).getByRole('combobox', { name: `What to do with "${name}"` });

    expect(row('Staging')).toHaveTextContent('Already saved, identical');
    expect(row('Prod')).toHaveTextContent('deploy@prod-new.example:22');
    expect(row('Prod')).toHaveTextContent('Saved as "Prod" with different settings');
    expect(row('Dev')).toHaveTextContent('Name already used by "Dev"');
    expect(row('Fresh')).toHaveTextContent('New');
    // Nothing saved is changed unless the user says so.
    expect(choice('Staging')).toHaveValue('skip');
    expect(choice('Prod')).toHaveValue('skip');
    expect(choice('Dev')).toHaveValue('skip');
    expect(choice('Fresh')).toHaveValue('add');
    expect(within(dialog).getByRole('button', { name: 'Import 1 profile' })).toBeEnabled();
    expect(dialog).toHaveTextContent('skipped unless you choose otherwise');

    await user.selectOptions(choice('Prod'), 'Replace the saved one');
    await user.selectOptions(choice('Dev'), 'Keep both (add a copy)');
    await user.click(within(dialog).getByRole('button', { name: 'Import 3 profiles' }));

    expect(await screen.findByText('Imported 3 profiles')).toBeInTheDocument();
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(screen.getByTestId('open')).toHaveTextContent('false');
    const after = await list(backend.api);
    expect(after.map((p) => [p.name, p.host])).toEqual([
      ['Staging', 'staging.example'],
      ['Prod', 'prod-new.example'],
      ['Dev', 'dev.example'],
      ['Dev (imported)', 'laptop.example'],
      ['Fresh', 'f.example'],
    ]);
  });

  it('shows why a file cannot be imported, inline', async () => {
    const user = userEvent.setup();
    const backend = await createInProcessApi({ profiles: SAVED });
    const model = await startModel(backend);
    show(model, 'import');
    const dialog = await screen.findByRole('dialog', { name: 'Import profiles' });
    await user.click(within(dialog).getByLabelText("Or paste the file's text"));
    await user.paste('{"format": "something-else", "version": 1, "profiles": []}');
    await user.click(within(dialog).getByRole('button', { name: 'Preview' }));
    const alert = await within(dialog).findByRole('alert');
    expect(alert).toHaveTextContent('This file cannot be imported');
    expect(alert).toHaveTextContent('format: must be "burrow-profiles"');
    expect(within(dialog).queryByRole('table')).toBeNull();
  });

  it('reads a file chosen in main, and stays put when the choice is cancelled', async () => {
    const user = userEvent.setup();
    let toOpen: string | null = null;
    const backend = await createInProcessApi({
      profiles: SAVED,
      dialogs: {
        openText: async () => (toOpen === null ? null : { path: '/x.json', text: toOpen }),
      },
    });
    const model = await startModel(backend);
    show(model, 'import');
    const dialog = await screen.findByRole('dialog', { name: 'Import profiles' });

    await user.click(within(dialog).getByRole('button', { name: 'Choose a file…' }));
    await waitFor(() =>
      expect(within(dialog).getByRole('button', { name: 'Choose a file…' })).toBeEnabled(),
    );
    expect(within(dialog).queryByRole('table')).toBeNull();

    toOpen = JSON.stringify(
      makeProfileFile([
        {
          ...(await list(backend.api))[0]!,
          id: 'from-file',
          name: 'From file',
          host: 'file.example',
        },
      ]),
    );
    await user.click(within(dialog).getByRole('button', { name: 'Choose a file…' }));
    const table = await within(dialog).findByRole('table');
    expect(within(table).getByRole('row', { name: /^From file/ })).toHaveTextContent('New');
    await user.click(within(dialog).getByRole('button', { name: 'Import 1 profile' }));
    await screen.findByText('Imported 1 profile');
    expect((await list(backend.api)).map((p) => p.name)).toContain('From file');
  });
});

describe('import from ~/.ssh/config', () => {
  /** The real service reading a real ssh config from a temp home. */
  async function serviceWithSshConfig(config: string) {
    const dir = await mkdtemp(join(tmpdir(), 'burrow-sshconfig-'));
    const home = join(dir, 'home');
    await mkdir(join(home, '.ssh'), { recursive: true });
    await writeFile(join(home, '.ssh', 'config'), config);
    const backend = await createInProcessApi({
      profiles: [{ name: 'staging', host: 'old-staging.example', username: 'deploy' }],
      readSshConfig: async () => {
        const real = await readSshConfig({ home, env: { USER: 'me' } });
        // A host whose settings Burrow cannot use (the importer itself never produces one).
        const broken = {
          alias: 'broken',
          profile: { id: 'broken', name: 'broken', host: 'has space', username: 'x' },
          warnings: ['HostName "has space" is not a host name.'],
          source: { file: join(home, '.ssh', 'config'), line: 99 },
        };
        return { ...real, hosts: [...real.hosts, broken] };
      },
    });
    return {
      api: backend.api,
      home,
      dispose: async () => {
        await backend.dispose();
        await rm(dir, { recursive: true, force: true });
      },
    };
  }

  const CONFIG = [
    'Host alpha',
    '  HostName alpha.example',
    '  User admin',
    '  Port 2200',
    '  LocalForward 8080 localhost:80',
    '',
    'Host staging',
    '  HostName staging.example',
    '  User deploy',
    '  ProxyCommand nc %h %p',
    '',
    'Host beta',
    '  HostName beta.example',
    '',
    'Host *',
    '  ServerAliveInterval 30',
    '',
  ].join('\n');

  it('lists every host with its warnings and imports the ticked ones', async () => {
    const user = userEvent.setup();
    const backend = await serviceWithSshConfig(CONFIG);
    const model = await startModel(backend);
    show(model, 'ssh');

    const dialog = await screen.findByRole('dialog', { name: 'Import from ~/.ssh/config' });
    const hosts = await within(dialog).findByRole('list', { name: 'Hosts in the ssh config' });
    expect(dialog).toHaveTextContent(join(backend.home, '.ssh', 'config'));
    const box = (alias: string) => within(hosts).getByRole('checkbox', { name: alias });

    expect(box('alpha')).toBeChecked();
    expect(box('beta')).toBeChecked();
    // Already saved: not ticked, and says what ticking it would do.
    expect(box('staging')).not.toBeChecked();
    expect(box('staging')).toHaveAccessibleDescription(
      /already saved; importing it again adds a copy/,
    );
    expect(box('staging')).toHaveAccessibleDescription(/ProxyCommand is not supported/);
    // Unusable: cannot be ticked, and says why.
    expect(box('broken')).toBeDisabled();
    expect(box('broken')).not.toBeChecked();
    expect(box('broken')).toHaveAccessibleDescription(/not a host name/);
    expect(hosts).toHaveTextContent('admin@alpha.example:2200 · 1 forward');

    await user.click(within(dialog).getByRole('button', { name: 'Select none' }));
    expect(within(dialog).getByRole('button', { name: 'Import selected' })).toBeDisabled();
    await user.click(within(dialog).getByRole('button', { name: 'Select all' }));
    expect(box('staging')).toBeChecked();
    expect(box('broken')).not.toBeChecked();
    expect(dialog).toHaveTextContent('3 of 3 selected');

    await user.click(box('staging'));
    await user.click(box('beta'));
    await user.click(within(dialog).getByRole('button', { name: 'Import 1 selected host' }));
    expect(await screen.findByText(/^Imported 1 host from .*config$/)).toBeInTheDocument();
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());

    const saved = await list(backend.api);
    expect(saved.map((p) => p.name)).toEqual(['staging', 'alpha']);
    expect(saved[1]).toMatchObject({ host: 'alpha.example', port: 2200, username: 'admin' });
    expect(saved[1]!.forwards).toHaveLength(1);
  });

  it('says so when there is nothing to import', async () => {
    const backend = await serviceWithSshConfig('Host *\n  User me\n');
    const model = await startModel(backend);
    show(model, 'ssh');
    const dialog = await screen.findByRole('dialog', { name: 'Import from ~/.ssh/config' });
    await within(dialog).findByText(/names no host to import/);
  });
});
