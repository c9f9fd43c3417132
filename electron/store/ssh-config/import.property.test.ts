import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ProfileSchema } from '../../../shared';
import { importSshConfig } from './import';

/** Whatever the file holds, the import answers with valid profiles and never throws. */

const word = fc.stringMatching(/^[A-Za-z0-9.*?!%:@[\]/_-]{0,12}$/);
const value = fc.oneof(
  word,
  fc.constantFrom(
    'yes',
    'no',
    'none',
    '0',
    '99999',
    '%h',
    '%x',
    '"quoted value"',
    '[::1]:80',
    '*:1',
    'a,b',
  ),
  fc.integer({ min: -5, max: 70000 }).map(String),
);
const keyword = fc.constantFrom(
  'Host',
  'Match',
  'HostName',
  'Port',
  'User',
  'IdentityFile',
  'IdentityAgent',
  'IdentitiesOnly',
  'ProxyJump',
  'ProxyCommand',
  'LocalForward',
  'RemoteForward',
  'DynamicForward',
  'GatewayPorts',
  'ServerAliveInterval',
  'ServerAliveCountMax',
  'ConnectTimeout',
  'Include',
  'PasswordAuthentication',
  'PreferredAuthentications',
  'ClearAllForwardings',
  'ForwardAgent',
  'Bogus',
);
const line = fc.oneof(
  fc.tuple(keyword, fc.array(value, { maxLength: 3 })).map(([k, vs]) => `${k} ${vs.join(' ')}`),
  fc
    .tuple(fc.constant('Host'), fc.array(word, { minLength: 1, maxLength: 3 }))
    .map(([k, vs]) => `${k} ${vs.join(' ')}`),
  fc.string({ maxLength: 30 }),
);

describe('importSshConfig on arbitrary text', () => {
  it('never throws and every profile passes ProfileSchema', () => {
    fc.assert(
      fc.property(fc.array(line, { maxLength: 25 }), (lines) => {
        const result = importSshConfig(lines.join('\n'), {
          path: '/h/.ssh/config',
          home: '/h',
          readFile: (p) => (p.endsWith('inc') ? 'Host included\n  Port 1\n' : undefined),
          glob: () => ['/h/.ssh/inc'],
          localUser: 'me',
        });
        for (const host of result.hosts)
          expect(() => ProfileSchema.parse(host.profile)).not.toThrow();
        expect(new Set(result.hosts.map((h) => h.profile.id)).size).toBe(result.hosts.length);
      }),
      { numRuns: 400 },
    );
  });
});
