/**
 * Every IPC command and event by name, with no dependencies: the sandboxed preload builds the
 * bridge from these lists without pulling in zod. `ipc.ts` defines exactly these names (the
 * compiler checks both ways), so nothing is hand-synced.
 */
export const COMMAND_NAMES = [
  'app.info',
  'profiles.list',
  'profiles.create',
  'profiles.update',
  'profiles.duplicate',
  'profiles.delete',
  'profiles.reorder',
  'forwards.add',
  'forwards.update',
  'forwards.delete',
  'forwards.reorder',
  'tunnels.snapshot',
  'tunnels.start',
  'tunnels.stop',
  'tunnels.startForward',
  'tunnels.stopForward',
  'tunnels.startGroup',
  'tunnels.stopGroup',
  'tunnels.startAll',
  'tunnels.stopAll',
  'tunnels.log',
  'prompts.pending',
  'prompts.answer',
  'secrets.list',
  'secrets.delete',
  'transfer.exportToFile',
  'transfer.previewImportFile',
  'transfer.previewImportText',
  'transfer.applyImport',
  'transfer.previewSshConfig',
  'transfer.applySshConfig',
  'settings.get',
  'settings.update',
] as const;

export type CommandName = (typeof COMMAND_NAMES)[number];

export const EVENT_NAMES = [
  'status',
  'log',
  'prompt',
  'prompt-closed',
  'profiles',
  'settings',
] as const;

export type EventName = (typeof EVENT_NAMES)[number];

/** The Electron IPC channel a command or event travels on. */
export function ipcChannel(name: CommandName | EventName): string {
  return `burrow:${name}`;
}
