import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { autostartEntry, autostartFile, setLinuxAutostart } from './linux-autostart';

describe('Linux autostart', () => {
  it('writes and removes an XDG autostart entry under XDG_CONFIG_HOME or ~/.config', async () => {
    const home = mkdtempSync(join(tmpdir(), 'burrow-autostart-'));
    expect(autostartFile({}, home)).toBe(join(home, '.config', 'autostart', 'burrow.desktop'));
    expect(autostartFile({ XDG_CONFIG_HOME: '/x' }, home)).toBe('/x/autostart/burrow.desktop');
    const options = { command: '/opt/Burrow App/burrow', env: {}, home };
    await setLinuxAutostart(true, options);
    const text = readFileSync(autostartFile({}, home), 'utf8');
    expect(text).toContain('Exec="/opt/Burrow App/burrow"');
    expect(text.startsWith('[Desktop Entry]\nType=Application\n')).toBe(true);
    await setLinuxAutostart(false, options);
    expect(existsSync(autostartFile({}, home))).toBe(false);
    await setLinuxAutostart(false, options);
  });

  it('quotes what the Desktop Entry spec says to escape', () => {
    expect(autostartEntry('/a/"b"/$c')).toContain('Exec="/a/\\"b\\"/\\$c"');
  });
});
