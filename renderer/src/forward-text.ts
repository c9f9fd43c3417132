import type { Forward, JumpHost, Profile } from '../../shared/profile';

/**
 * Words and pictures for forwards, shared by the forward rows and the editor: what each type
 * does in plain words, a one-line picture of the path, and warnings for off-host choices.
 */

export const FORWARD_KINDS: {
  type: Forward['type'];
  title: string;
  summary: string;
  flag: string;
}[] = [
  {
    type: 'local',
    title: 'Outgoing',
    summary: 'Reach a service on or behind the server from this computer.',
    flag: '-L',
  },
  {
    type: 'remote',
    title: 'Incoming',
    summary: 'Let the server side reach a service on or near this computer.',
    flag: '-R',
  },
  {
    type: 'dynamic',
    title: 'Dynamic (SOCKS)',
    summary: 'A SOCKS proxy through the server: each app names where it wants to go.',
    flag: '-D',
  },
];

export function forwardKindTitle(type: Forward['type']): string {
  return FORWARD_KINDS.find((k) => k.type === type)?.title ?? type;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]', 'ip6-localhost']);

export function isLoopback(host: string): boolean {
  const h = host.trim().toLowerCase();
  return LOOPBACK.has(h) || /^127\.\d+\.\d+\.\d+$/.test(h);
}

export function isAllInterfaces(host: string): boolean {
  const h = host.trim();
  return h === '0.0.0.0' || h === '::' || h === '*' || h === '[::]';
}

function where(host: string, port: number | undefined): string {
  const h = host.trim() || '?';
  const p =
    port === undefined || !Number.isFinite(port) ? '?' : port === 0 ? 'any free port' : port;
  const shown = isLoopback(h)
    ? 'localhost'
    : isAllInterfaces(h)
      ? 'all interfaces'
      : h.includes(':') && !h.startsWith('[')
        ? `[${h}]`
        : h;
  return `${shown}:${p}`;
}

/** The jump hosts' names as the path shows them. */
function hops(jumpHosts: JumpHost[], profiles: readonly Profile[]): string[] {
  return jumpHosts.map(
    (hop) =>
      ('profileId' in hop
        ? (profiles.find((p) => p.id === hop.profileId)?.host ?? hop.profileId)
        : hop.host
      )?.trim() || '?',
  );
}

type PathForward = Partial<Forward> & { type: Forward['type'] };
type PathProfile = Pick<Profile, 'host'> & { jumpHosts?: JumpHost[] };

/**
 * One line from where a connection starts to where it ends, e.g.
 * `localhost:5432 → db.example (ssh) → 10.0.0.5:5432`. Works on half-filled forms.
 */
export function pathPicture(
  profile: PathProfile,
  forward: PathForward,
  profiles: readonly Profile[] = [],
): string {
  const server = profile.host?.trim() || 'server';
  const jumps = hops(profile.jumpHosts ?? [], profiles);
  const bind = forward.bindHost ?? '127.0.0.1';
  switch (forward.type) {
    case 'local':
      return `${where(bind, forward.bindPort)} → ${outbound(jumps, server)} → ${targetFromServer(forward.targetHost ?? '', forward.targetPort, server)}`;
    case 'remote':
      // Connections start at the server and come back the way the session went out.
      return `on ${server}, ${where(bind, forward.bindPort)} → ${inbound(jumps)} → this computer → ${where(forward.targetHost ?? '127.0.0.1', forward.targetPort)}`;
    case 'dynamic':
      return `${where(bind, forward.bindPort)} (SOCKS) → ${outbound(jumps, server)} → any destination`;
  }
}

/** Out from here: each jump host, then the server, each an SSH hop. */
function outbound(jumps: string[], server: string): string {
  return [...jumps, server].map((h) => `${h} (ssh)`).join(' → ');
}

/** Back from the server to here: through the jump hosts in reverse order. */
function inbound(jumps: string[]): string {
  return jumps.length ? `ssh via ${[...jumps].reverse().join(' → ')}` : 'ssh';
}

/** An outgoing target as seen from the server: its own loopback is "the server itself". */
function targetFromServer(host: string, port: number | undefined, server: string): string {
  const p = port === undefined || !Number.isFinite(port) ? '?' : port;
  return isLoopback(host) || sameHost(host, server)
    ? `the server itself, port ${p}`
    : where(host, port);
}

function sameHost(a: string, b: string): boolean {
  return a.trim().toLowerCase() === b.trim().toLowerCase();
}

/**
 * Off-host choices, each as a sentence saying what it exposes (DESIGN.md: off-host warns).
 * `serverHost` lets an outgoing target that names the server itself count as the server.
 */
export function offHostWarnings(forward: PathForward, serverHost?: string): string[] {
  const warnings: string[] = [];
  const bind = (forward.bindHost ?? '127.0.0.1').trim();
  // An address still being typed warns about nothing yet.
  const exposed = bind !== '' && !isLoopback(bind);
  switch (forward.type) {
    case 'local':
    case 'dynamic': {
      if (exposed)
        warnings.push(
          isAllInterfaces(bind)
            ? 'Listening on all interfaces: any machine that can reach this computer can use this tunnel into the server’s network.'
            : `Listening on ${bind}: machines on that network can use this tunnel, not just this computer.`,
        );
      const target = forward.type === 'local' ? forward.targetHost?.trim() : undefined;
      if (target && !isLoopback(target) && !(serverHost && sameHost(target, serverHost)))
        warnings.push(
          `The target ${target} is a third machine: the hop from the server to it is not protected by SSH.`,
        );
      break;
    }
    case 'remote': {
      if (exposed)
        warnings.push(
          'The server will listen beyond its own loopback: anyone who can reach the server on this port reaches this side. The server must also allow it (GatewayPorts).',
        );
      const target = forward.targetHost?.trim();
      if (target && !isLoopback(target))
        warnings.push(
          `The target ${target} is another machine near this computer: the hop from here to it is not protected by SSH.`,
        );
      break;
    }
  }
  return warnings;
}
