import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * "Open at login" on Linux: Electron's login-item API covers only macOS and Windows, so Burrow
 * writes (or removes) an XDG autostart entry, as desktop environments expect.
 */
export function autostartFile(env: NodeJS.ProcessEnv, home: string): string {
  const config = env.XDG_CONFIG_HOME?.trim() || join(home, '.config');
  return join(config, 'autostart', 'burrow.desktop');
}

export function autostartEntry(command: string): string {
  // Quoted per the Desktop Entry spec, so a path with spaces still starts the app.
  const exec = `"${command.replace(/(["`$\\])/g, '\\$1')}"`;
  return [
    '[Desktop Entry]',
    'Type=Application',
    'Name=Burrow',
    'Comment=SSH tunnel manager',
    `Exec=${exec}`,
    'Terminal=false',
    'X-GNOME-Autostart-enabled=true',
    '',
  ].join('\n');
}

export async function setLinuxAutostart(
  enabled: boolean,
  options: { command: string; env: NodeJS.ProcessEnv; home: string },
): Promise<void> {
  const file = autostartFile(options.env, options.home);
  if (!enabled) {
    await rm(file, { force: true });
    return;
  }
  await mkdir(join(file, '..'), { recursive: true });
  await writeFile(file, autostartEntry(options.command), { mode: 0o644 });
}
