import { join, resolve } from 'node:path';

/**
 * The known_hosts file `up` uses: OpenSSH's own by default, so keys trusted in either tool count
 * in both. A leading `~` is expanded because `--known-hosts=~/x` reaches us unexpanded.
 */
export function resolveKnownHostsPath(option: string | undefined, home: string): string {
  if (option === undefined) return join(home, '.ssh', 'known_hosts');
  if (option === '~') return home;
  if (option.startsWith('~/')) return join(home, option.slice(2));
  return resolve(option);
}
