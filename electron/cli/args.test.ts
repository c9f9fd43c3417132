import { describe, expect, it } from 'vitest';
import { parseCommandLine } from './args';
import { UsageError } from './cli-error';

function usageError(argv: string[]): UsageError {
  try {
    parseCommandLine(argv);
  } catch (err) {
    if (err instanceof UsageError) return err;
    throw err;
  }
  throw new Error(`expected a usage error for ${argv.join(' ')}`);
}

describe('parseCommandLine', () => {
  it('reads up with every option', () => {
    expect(
      parseCommandLine([
        'up',
        '--file',
        'p.json',
        '--profile',
        'db',
        '-p',
        'web',
        '--known-hosts',
        '/tmp/kh',
        '--accept-new-host-keys',
        '--json',
      ]),
    ).toEqual({
      name: 'up',
      file: 'p.json',
      profiles: ['db', 'web'],
      knownHosts: '/tmp/kh',
      acceptNewHostKeys: true,
      json: true,
    });
  });

  it('defaults up to all profiles, no JSON, no auto-accept', () => {
    expect(parseCommandLine(['up', '--file=p.json'])).toEqual({
      name: 'up',
      file: 'p.json',
      profiles: [],
      acceptNewHostKeys: false,
      json: false,
    });
  });

  it('leaves --file to the profile source for up (a store-backed mode comes later)', () => {
    expect(parseCommandLine(['up'])).toMatchObject({ name: 'up', profiles: [] });
    expect(parseCommandLine(['up'])).not.toHaveProperty('file');
  });

  it('reads validate', () => {
    expect(parseCommandLine(['validate', '-f', 'p.json', '--json'])).toEqual({
      name: 'validate',
      file: 'p.json',
      json: true,
    });
    expect(usageError(['validate'])).toMatchObject({
      message: '--file is required',
      topic: 'validate',
    });
  });

  it('reads help in all its spellings', () => {
    expect(parseCommandLine(['--help'])).toEqual({ name: 'help' });
    expect(parseCommandLine(['-h'])).toEqual({ name: 'help' });
    expect(parseCommandLine(['help'])).toEqual({ name: 'help' });
    expect(parseCommandLine(['help', 'up'])).toEqual({ name: 'help', topic: 'up' });
    expect(parseCommandLine(['up', '--help'])).toEqual({ name: 'help', topic: 'up' });
    expect(parseCommandLine(['validate', '-h', '--file', 'x'])).toEqual({
      name: 'help',
      topic: 'validate',
    });
  });

  it('reads --version', () => {
    expect(parseCommandLine(['--version'])).toEqual({ name: 'version' });
    expect(parseCommandLine(['-V'])).toEqual({ name: 'version' });
  });

  it('rejects bad usage with a short message and the right help topic', () => {
    expect(usageError([]).message).toBe('missing command');
    expect(usageError(['down']).message).toBe('unknown command "down"');
    expect(usageError(['help', 'down']).message).toBe('unknown command "down"');
    expect(usageError(['up', '--nope'])).toMatchObject({
      message: "Unknown option '--nope'",
      topic: 'up',
      exitCode: 2,
    });
    expect(usageError(['up', '--file'])).toMatchObject({ topic: 'up' });
    expect(usageError(['up', '--file', 'a', 'extra'])).toMatchObject({
      message: 'unexpected argument "extra"',
      topic: 'up',
    });
    expect(usageError(['validate', '-f', 'a', '--profile', 'x'])).toMatchObject({
      message: '--profile is not an option of "burrow validate"',
      topic: 'validate',
    });
    expect(usageError(['up', '--file', ' '])).toMatchObject({ message: '--file needs a value' });
    expect(usageError(['up', '--json=yes']).topic).toBe('up');
  });
});
