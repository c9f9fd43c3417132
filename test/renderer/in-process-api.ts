import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TunnelManager } from '../../electron/engine/manager';
import {
  BurrowService,
  type FileDialogs,
  type ServiceDeps,
} from '../../electron/service/burrow-service';
import { EncryptedSecretStore, openProfileStore, SettingsStore } from '../../electron/store';
import { FakeEncryptor } from '../../electron/store/test-support';
import type { BurrowApi } from '../../shared/ipc';
import type { NewProfileInput } from '../../shared/profile';
import { createIpcLoopback } from '../support/ipc-loopback';

export interface InProcessApiOptions {
  /** Profiles saved before the window sees anything, in order. */
  profiles?: NewProfileInput[];
  /** What the "save as" and "open" dialogs answer; by default both are cancelled. */
  dialogs?: Partial<FileDialogs>;
  /** The ~/.ssh/config import's source; by default there is no config file. */
  readSshConfig?: ServiceDeps['readSshConfig'];
  /** false: a keyring that cannot encrypt (Linux without a secret service). */
  secureStorage?: boolean;
}

export interface InProcessApi {
  /** The window's API, exactly as the preload bridge would give it. */
  api: BurrowApi;
  /** The real service behind it, for checking what was saved. */
  service: BurrowService;
  /** The temp folder holding profiles.json and known_hosts. */
  dir: string;
  /** Stops every tunnel and removes the temp folder. */
  dispose(): Promise<void>;
}

/**
 * The app's back end in the test process: the real store in a temp folder, real (fake-keyed)
 * secrets, the real engine, reached through the real dispatcher and a client built from the
 * contract. Payloads are structured-cloned both ways, as Electron's IPC does.
 */
export async function createInProcessApi(options: InProcessApiOptions = {}): Promise<InProcessApi> {
  const dir = await mkdtemp(join(tmpdir(), 'burrow-renderer-'));
  const ipc = createIpcLoopback();
  const encryptor = new FakeEncryptor();
  if (options.secureStorage === false) encryptor.available = false;
  const repo = openProfileStore({ dir, secrets: (kv) => new EncryptedSecretStore(kv, encryptor) });
  for (const profile of options.profiles ?? []) repo.create(profile);
  const service = new BurrowService({
    repo,
    secrets: repo.secrets!,
    settings: new SettingsStore(repo.backend),
    events: ipc.events,
    dialogs: {
      saveText: async () => null,
      openText: async () => null,
      ...options.dialogs,
    },
    createEngine: ({ prompt, resolveProfile }) =>
      new TunnelManager({
        prompt,
        resolveProfile,
        knownHostsPath: join(dir, 'known_hosts'),
        statusIntervalMs: 20,
      }),
    readSshConfig:
      options.readSshConfig ?? (async () => ({ hosts: [], warnings: ['No ~/.ssh/config found.'] })),
    info: {
      version: '0.0.0-test',
      platform: process.platform,
      storePath: join(dir, 'profiles.json'),
    },
  });
  const api = ipc.client(service.handlers);
  return {
    api,
    service,
    dir,
    async dispose() {
      ipc.close();
      await service.dispose();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
