import { describe, expect, it } from 'vitest';
import { defaultSettings } from '../../shared';
import { openProfileStore } from './open-store';
import { SettingsStore } from './settings-store';
import { readJson, storeFile, useTempDirs } from './test-support';

describe('SettingsStore', () => {
  const tempDir = useTempDirs();

  it('reads defaults, saves a change beside the profiles, and keeps the profiles', () => {
    const dir = tempDir();
    const repo = openProfileStore({ dir });
    repo.create({ name: 'Web', host: 'web.example', username: 'me' });
    const settings = new SettingsStore(repo.backend);
    expect(settings.get()).toEqual(defaultSettings());
    expect(settings.update({ closeToTray: false, theme: 'dark' })).toMatchObject({
      closeToTray: false,
      theme: 'dark',
    });
    repo.create({ name: 'Db', host: 'db.example', username: 'me' });
    const file = readJson(storeFile(dir));
    expect(file.settings).toMatchObject({ closeToTray: false, theme: 'dark' });
    expect((file.profiles as unknown[]).length).toBe(2);
    expect(new SettingsStore(openProfileStore({ dir }).backend).get().theme).toBe('dark');
  });

  it('refuses an invalid change with the field named, and reads a damaged setting as its default', () => {
    const repo = openProfileStore({ dir: tempDir() });
    const settings = new SettingsStore(repo.backend);
    expect(() => settings.update({ theme: 'purple' as never })).toThrow(/theme/);
    repo.backend.set('settings', { theme: 'purple', closeToTray: false });
    expect(settings.get()).toMatchObject({ theme: 'system', closeToTray: false });
  });

  it('puts a setting back to its default when the change says null', () => {
    const settings = new SettingsStore(openProfileStore({ dir: tempDir() }).backend);
    settings.update({ knownHostsPath: '~/work/known_hosts', theme: 'dark' });
    const reset = settings.update({ knownHostsPath: null });
    expect(reset.knownHostsPath).toBeUndefined();
    expect(reset.theme).toBe('dark');
  });

  it('checks reconnect defaults across fields', () => {
    const settings = new SettingsStore(openProfileStore({ dir: tempDir() }).backend);
    expect(() =>
      settings.update({
        reconnectDefaults: { enabled: true, initialDelayMs: 5000, maxDelayMs: 1000, jitter: 0.2 },
      }),
    ).toThrow(/reconnectDefaults/);
  });

  it('changes only the reconnect defaults a patch names', () => {
    const settings = new SettingsStore(openProfileStore({ dir: tempDir() }).backend);
    settings.update({
      reconnectDefaults: { enabled: true, initialDelayMs: 5000, maxDelayMs: 300_000, jitter: 0.5 },
    });
    expect(settings.update({ reconnectDefaults: { enabled: false } }).reconnectDefaults).toEqual({
      enabled: false,
      initialDelayMs: 5000,
      maxDelayMs: 300_000,
      jitter: 0.5,
    });
  });
});
