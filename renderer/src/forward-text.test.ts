import { describe, expect, it } from 'vitest';
import { offHostWarnings, pathPicture } from './forward-text';

const server = { host: 'db.example', jumpHosts: [] };
const viaBastion = {
  host: 'db.example',
  jumpHosts: [{ host: 'bastion', port: 22, username: 'me', auth: [{ type: 'agent' as const }] }],
};

describe('pathPicture', () => {
  it('draws each forward type from where a connection starts to where it ends', () => {
    expect(
      pathPicture(server, {
        type: 'local',
        bindPort: 5432,
        targetHost: '10.0.0.5',
        targetPort: 5432,
      }),
    ).toBe('localhost:5432 → db.example (ssh) → 10.0.0.5:5432');
    expect(pathPicture(server, { type: 'dynamic', bindPort: 0 })).toBe(
      'localhost:any free port (SOCKS) → db.example (ssh) → any destination',
    );
    expect(
      pathPicture(server, {
        type: 'remote',
        bindPort: 8080,
        targetHost: '127.0.0.1',
        targetPort: 3000,
      }),
    ).toBe('on db.example, localhost:8080 → ssh → this computer → localhost:3000');
  });

  it('goes out through jump hosts in order and comes back through them in reverse', () => {
    expect(
      pathPicture(viaBastion, {
        type: 'local',
        bindPort: 1,
        targetHost: 'localhost',
        targetPort: 2,
      }),
    ).toBe('localhost:1 → bastion (ssh) → db.example (ssh) → the server itself, port 2');
    expect(pathPicture(viaBastion, { type: 'remote', bindPort: 1, targetPort: 2 })).toBe(
      'on db.example, localhost:1 → ssh via bastion → this computer → localhost:2',
    );
  });

  it('copes with half-typed fields', () => {
    expect(
      pathPicture(
        {
          host: '',
          jumpHosts: [{ host: ' ', port: 22, username: 'x', auth: [{ type: 'agent' }] }],
        },
        { type: 'local', bindHost: '::1', bindPort: Number.NaN, targetHost: 'fe80::1' },
      ),
    ).toBe('localhost:? → ? (ssh) → server (ssh) → [fe80::1]:?');
  });
});

describe('offHostWarnings', () => {
  it('warns for listeners beyond loopback and third-machine targets, not for the server itself', () => {
    expect(
      offHostWarnings({ type: 'local', bindHost: '127.0.0.1', targetHost: 'localhost' }),
    ).toEqual([]);
    expect(offHostWarnings({ type: 'local', bindHost: '0.0.0.0' })[0]).toMatch(/all interfaces/);
    expect(offHostWarnings({ type: 'local', targetHost: '10.0.0.5' })[0]).toMatch(/third machine/);
    expect(offHostWarnings({ type: 'local', targetHost: 'db.example' }, 'db.example')).toEqual([]);
    expect(offHostWarnings({ type: 'remote', bindHost: '0.0.0.0' })[0]).toMatch(/GatewayPorts/);
    // An address still being typed warns about nothing yet.
    expect(offHostWarnings({ type: 'dynamic', bindHost: '' })).toEqual([]);
  });
});
