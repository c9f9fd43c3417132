import { z } from 'zod';
import { ReconnectPatchSchema, ReconnectSchema } from './profile';

/** Where host keys are checked unless the settings name another file (OpenSSH's own). */
export const DEFAULT_KNOWN_HOSTS = '~/.ssh/known_hosts';

/** Each setting's own schema, without its default (see AppSettingsSchema for those). */
const settingFields = {
  theme: z.enum(['system', 'light', 'dark']),
  /** Closing the window keeps tunnels running in the tray instead of quitting. */
  closeToTray: z.boolean(),
  /** Start with the window hidden (in the tray); tunnels marked autoStart still start. */
  startMinimized: z.boolean(),
  /** Launch Burrow when the user logs in. */
  openAtLogin: z.boolean(),
  /** A notification when a tunnel drops and when it is back (coalesced). */
  notifications: z.boolean(),
  /** known_hosts file for host-key checks: an absolute path or one starting with ~. */
  knownHostsPath: z
    .string()
    .trim()
    .min(1)
    .max(4096)
    .refine(
      (p) => /^(~|\/|[A-Za-z]:[\\/]|\\\\)/.test(p),
      'must be an absolute path (or start with ~)',
    ),
  /** How new profiles reconnect (each profile keeps its own copy, editable in its editor). */
  reconnectDefaults: ReconnectSchema.refine((r) => r.maxDelayMs >= r.initialDelayMs, {
    path: ['maxDelayMs'],
    message: 'must not be smaller than initialDelayMs',
  }),
};

/** App-wide settings (issue 4's settings page edits them; the tray and main obey them). */
export const AppSettingsSchema = z.strictObject({
  theme: settingFields.theme.default('system'),
  closeToTray: settingFields.closeToTray.default(true),
  startMinimized: settingFields.startMinimized.default(false),
  openAtLogin: settingFields.openAtLogin.default(false),
  notifications: settingFields.notifications.default(true),
  /** Default ~/.ssh/known_hosts. */
  knownHostsPath: settingFields.knownHostsPath.optional(),
  reconnectDefaults: settingFields.reconnectDefaults.default(() => ReconnectSchema.parse({})),
});

export type AppSettings = z.infer<typeof AppSettingsSchema>;
export type AppSettingsInput = z.input<typeof AppSettingsSchema>;

/**
 * A change to some settings; the rest stay as they are. Built from the fields without their
 * defaults: a default inside a partial schema would silently reset every setting not named.
 */
export const AppSettingsPatchSchema = z
  .strictObject({
    ...settingFields,
    /** null puts it back to the default (JSON, unlike IPC, cannot carry an undefined). */
    knownHostsPath: settingFields.knownHostsPath.nullable(),
    /** The fields named change; the others keep their values. */
    reconnectDefaults: ReconnectPatchSchema,
  })
  .partial();

export type AppSettingsPatch = z.infer<typeof AppSettingsPatchSchema>;

export function defaultSettings(): AppSettings {
  return AppSettingsSchema.parse({});
}
