import { describe, expect, it } from 'vitest';
import { ProfileFileSchema, ProfileSchema, describeIssues } from './index';

const minimal = { id: 'p1', name: 'Staging', host: 'bastion.example', username: 'deploy' };

describe('ProfileSchema', () => {
  it('fills the documented defaults', () => {
    const profile = ProfileSchema.parse({
      ...minimal,
      forwards: [{ id: 'db', type: 'local', bindPort: 5432, targetHost: 'db', targetPort: 5432 }],
    });
    expect(profile.port).toBe(22);
    expect(profile.keepalive).toEqual({ intervalSeconds: 15, maxMissed: 3 });
    expect(profile.reconnect).toEqual({
      enabled: true,
      initialDelayMs: 1000,
      maxDelayMs: 60_000,
      jitter: 0.2,
    });
    expect(profile.forwards[0]).toMatchObject({ bindHost: '127.0.0.1', enabled: true });
    expect(profile.jumpHosts).toEqual([]);
    expect(profile.auth.map((a) => a.type)).toEqual(['agent', 'keyboard-interactive', 'password']);
  });

  it('defaults an incoming forward to the server loopback and a local target', () => {
    const profile = ProfileSchema.parse({
      ...minimal,
      forwards: [{ id: 'r', type: 'remote', bindPort: 0, targetPort: 3000 }],
    });
    expect(profile.forwards[0]).toMatchObject({ bindHost: '127.0.0.1', targetHost: '127.0.0.1' });
  });

  it.each([
    [{ port: 70000 }, 'port'],
    [{ port: 0 }, 'port'],
    [{ port: 22.5 }, 'port'],
    [{ host: '' }, 'host'],
    [{ host: 'two words' }, 'host'],
    [{ username: ' ' }, 'username'],
    [{ auth: [] }, 'auth'],
    [{ auth: [{ type: 'key' }] }, 'auth[0].path'],
    [{ id: 'has space' }, 'id'],
  ])('rejects %j at %s', (patch, path) => {
    const result = ProfileSchema.safeParse({ ...minimal, ...patch });
    expect(result.success).toBe(false);
    if (!result.success) expect(describeIssues(result.error).join('\n')).toContain(`${path}:`);
  });

  it('rejects fields that do not fit the forward type', () => {
    const result = ProfileSchema.safeParse({
      ...minimal,
      forwards: [
        { id: 'd', type: 'dynamic', bindPort: 1080, targetHost: 'x', targetPort: 1 },
        { id: 'l', type: 'local', bindPort: 1 },
        { id: 'r', type: 'remote', bindPort: 1, targetPort: 0 },
      ],
    });
    expect(result.success).toBe(false);
    if (!result.success) {
      const lines = describeIssues(result.error);
      expect(lines.some((l) => l.startsWith('forwards[0]') && l.includes('targetHost'))).toBe(true);
      expect(lines.some((l) => l.startsWith('forwards[1].targetHost'))).toBe(true);
      expect(lines.some((l) => l.startsWith('forwards[2].targetPort'))).toBe(true);
    }
  });

  it('rejects duplicate forward ids and a profile jumping through itself', () => {
    const result = ProfileSchema.safeParse({
      ...minimal,
      jumpHosts: [{ profileId: 'p1' }],
      forwards: [
        { id: 'f', type: 'dynamic', bindPort: 0 },
        { id: 'f', type: 'dynamic', bindPort: 0 },
      ],
    });
    expect(result.success).toBe(false);
    if (!result.success) {
      const text = describeIssues(result.error).join('\n');
      expect(text).toContain('forwards[1].id');
      expect(text).toContain('jumpHosts[0].profileId');
    }
  });
});

describe('ProfileFileSchema', () => {
  it('accepts the versioned format', () => {
    const file = ProfileFileSchema.parse({
      format: 'burrow-profiles',
      version: 1,
      profiles: [minimal],
    });
    expect(file.profiles).toHaveLength(1);
  });

  it('names the wrong format or version', () => {
    const result = ProfileFileSchema.safeParse({ format: 'other', version: 2, profiles: [] });
    expect(result.success).toBe(false);
    if (!result.success) {
      const text = describeIssues(result.error).join('\n');
      expect(text).toContain('format: must be "burrow-profiles"');
      expect(text).toContain('version: must be 1');
    }
  });

  it('rejects duplicate profile ids and dangling jump host references', () => {
    const result = ProfileFileSchema.safeParse({
      format: 'burrow-profiles',
      version: 1,
      profiles: [minimal, { ...minimal, jumpHosts: [{ profileId: 'nope' }] }],
    });
    expect(result.success).toBe(false);
    if (!result.success) {
      const text = describeIssues(result.error).join('\n');
      expect(text).toContain('profiles[1].id');
      expect(text).toContain('profiles[1].jumpHosts[0].profileId');
    }
  });
});
