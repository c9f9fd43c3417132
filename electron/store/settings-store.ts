import {
  AppSettingsSchema,
  defaultSettings,
  type AppSettings,
  type AppSettingsPatch,
} from '../../shared';
import type { KeyValueStore } from './key-value-store';
import { errorWithIssues, fieldIssues } from './store-error';

export const SETTINGS_KEY = 'settings';

/**
 * App settings, kept beside the profiles in the same file. A setting that is missing or invalid
 * (hand edited, from another version) reads as its default, so the app always starts.
 */
export class SettingsStore {
  constructor(private readonly kv: KeyValueStore) {}

  get(): AppSettings {
    const raw = this.kv.get(SETTINGS_KEY);
    const parsed = AppSettingsSchema.safeParse(raw ?? {});
    if (parsed.success) return parsed.data;
    // Keep every valid field; only what is wrong falls back to its default.
    const fallback: Record<string, unknown> = { ...defaultSettings() };
    if (raw && typeof raw === 'object') {
      for (const [key, value] of Object.entries(raw)) {
        const one = AppSettingsSchema.safeParse({ [key]: value });
        if (one.success && key in one.data)
          fallback[key] = (one.data as Record<string, unknown>)[key];
      }
    }
    return AppSettingsSchema.parse(fallback);
  }

  /**
   * Applies a partial change; an invalid value is refused with field-level issues. A field set to
   * null (or undefined) goes back to its default.
   */
  update(patch: AppSettingsPatch | Partial<AppSettings>): AppSettings {
    const current = this.get();
    const merged: Record<string, unknown> = {
      ...current,
      ...patch,
      // Nested: a change to one reconnect default keeps the others.
      reconnectDefaults: { ...current.reconnectDefaults, ...patch.reconnectDefaults },
    };
    for (const [key, value] of Object.entries(merged)) if (value == null) delete merged[key];
    const parsed = AppSettingsSchema.safeParse(merged);
    if (!parsed.success)
      throw errorWithIssues(
        'invalid-config',
        'These settings are not valid:',
        fieldIssues(parsed.error),
      );
    this.kv.set(SETTINGS_KEY, parsed.data);
    return parsed.data;
  }
}
