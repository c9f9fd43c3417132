import { describe, expect, expectTypeOf, it } from 'vitest';
import { COMMAND_NAMES, EVENT_NAMES, ipcChannel } from './ipc-names';
import { commands, type BurrowApi, type CommandInput, type CommandOutput } from './ipc';
import type { Profile } from './profile';

describe('the IPC contract', () => {
  it('defines exactly the commands the preload bridges', () => {
    expect(Object.keys(commands).sort()).toEqual([...COMMAND_NAMES].sort());
    expect(new Set(COMMAND_NAMES.map(ipcChannel)).size).toBe(COMMAND_NAMES.length);
    expect(EVENT_NAMES).toContain('status');
  });

  it('types inputs and outputs from the specs', () => {
    expectTypeOf<CommandOutput<'profiles.list'>>().toEqualTypeOf<Profile[]>();
    expectTypeOf<CommandOutput<'tunnels.start'>>().toEqualTypeOf<void>();
    expectTypeOf<CommandOutput<'transfer.exportToFile'>>().toEqualTypeOf<{
      path: string;
      count: number;
    } | null>();
    expectTypeOf<CommandInput<'tunnels.start'>>().toEqualTypeOf<{ profileId: string }>();
    expectTypeOf<BurrowApi['call']['profiles.delete']>().parameters.toEqualTypeOf<
      [{ profileId: string }]
    >();
  });

  it('rejects what a compromised renderer might send', () => {
    expect(commands['tunnels.start'].input.safeParse({ profileId: '../../etc' }).success).toBe(
      false,
    );
    expect(commands['tunnels.start'].input.safeParse({ profileId: 'a', extra: 1 }).success).toBe(
      false,
    );
    expect(commands['app.info'].input.safeParse({ anything: true }).success).toBe(false);
    expect(commands['profiles.update'].input.safeParse({ profile: { id: 'x' } }).success).toBe(
      false,
    );
    const created = commands['profiles.create'].input.safeParse({
      profile: { name: 'New', host: 'h', username: 'u' },
    });
    expect(created.success && created.data.profile.id).toBeUndefined();
  });
});
