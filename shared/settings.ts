import { z } from 'zod';

/** App-wide settings (issue 4's settings page edits them; the tray and main obey them). */
export const AppSettingsSchema = z.strictObject({
  theme: z.enum(['system', 'light', 'dark']).default('system'),
  /** Closing the window keeps tunnels running in the tray instead of quitting. */
  closeToTray: z.boolean().default(true),
  /** Start with the window hidden (in the tray); tunnels marked autoStart still start. */
  startMinimized: z.boolean().default(false),
  /** Launch Burrow when the user logs in. */
  openAtLogin: z.boolean().default(false),
  /** A notification when a tunnel drops and when it is back (coalesced). */
  notifications: z.boolean().default(true),
  /** known_hosts file for host-key checks; default ~/.ssh/known_hosts. */
  knownHostsPath: z.string().trim().min(1).max(4096).optional(),
});

export type AppSettings = z.infer<typeof AppSettingsSchema>;
export type AppSettingsInput = z.input<typeof AppSettingsSchema>;

/** A change to some settings; the rest stay as they are. */
export const AppSettingsPatchSchema = AppSettingsSchema.partial();

export function defaultSettings(): AppSettings {
  return AppSettingsSchema.parse({});
}
