import type { Profile } from '../../../../shared/profile';
import type { PromptContext } from '../../../../shared/prompt';
import { hostPort } from '../../format';

/**
 * Where a question is from, in words: the profile, and the host it is about. A question about a
 * jump host names that hop, since its key or password is not the target server's.
 */
export function promptPlace(
  request: PromptContext,
  profile: Profile | undefined,
): { profileName: string; where: string; viaJumpHost: boolean } {
  const profileName = profile?.name ?? request.profileId;
  const address = hostPort(request.host, request.port);
  const where = request.username ? `${request.username}@${address}` : address;
  const viaJumpHost =
    profile !== undefined && (profile.host !== request.host || profile.port !== request.port);
  return { profileName, where, viaJumpHost };
}

/**
 * The file name part of the server's own public key for a key type, as OpenSSH installs them:
 * `ssh-ed25519` → `ed25519`, `ecdsa-sha2-nistp256` → `ecdsa`, `ssh-rsa`/`rsa-sha2-*` → `rsa`.
 */
export function hostKeyFileType(keyType: string): string {
  const type = keyType.toLowerCase();
  if (type.includes('ed25519')) return 'ed25519';
  if (type.includes('ecdsa')) return 'ecdsa';
  if (type.includes('dss') || type.includes('dsa')) return 'dsa';
  if (type.includes('rsa')) return 'rsa';
  return '*';
}

/** The name known_hosts files use for a host: bare on port 22, `[host]:port` otherwise. */
export function knownHostsName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

/** Single-quotes an argument for a POSIX shell unless it is plainly safe as it is. */
export function shellQuote(arg: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(arg)) return arg;
  return `'${arg.replaceAll("'", `'\\''`)}'`;
}

/** A path for the shell, keeping a leading `~/` outside the quotes so the shell expands it. */
export function shellPath(path: string): string {
  if (path === '~') return path;
  if (path.startsWith('~/')) return `~/${shellQuote(path.slice(2))}`;
  return shellQuote(path);
}

/** The command that removes the old key of a host from known_hosts. */
export function removeKeyCommand(host: string, port: number, knownHostsPath: string): string {
  const name = knownHostsName(host, port).replaceAll("'", `'\\''`);
  return `ssh-keygen -R '${name}' -f ${shellPath(knownHostsPath)}`;
}

/** How the engine names a hop at the start of its messages (`host`, or `host:port` off 22). */
function hopLabel(host: string, port: number): string {
  return port === 22 ? host : `${host}:${port}`;
}

/**
 * Which host of a profile refused with a changed key: the engine's message starts with the hop
 * ("jump.example offered …"), which may be a jump host rather than the profile's own server.
 */
export function mismatchedHost(
  profile: Profile,
  profiles: readonly Profile[],
  message: string,
): { host: string; port: number } {
  const hops = profile.jumpHosts.flatMap((hop) => {
    if (!('profileId' in hop)) return [{ host: hop.host, port: hop.port }];
    const saved = profiles.find((p) => p.id === hop.profileId);
    return saved ? [{ host: saved.host, port: saved.port }] : [];
  });
  const own = { host: profile.host, port: profile.port };
  return (
    [own, ...hops].find((hop) => message.startsWith(`${hopLabel(hop.host, hop.port)} offered`)) ??
    own
  );
}
