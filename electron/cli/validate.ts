import type { ValidateCommand } from './args';
import { EXIT } from './cli-error';
import type { CliIo } from './io';
import { readProfileFile } from './load-profiles';

/** `burrow validate`: checks a profiles file without connecting anywhere. */
export async function runValidate(command: ValidateCommand, io: CliIo): Promise<number> {
  const result = await readProfileFile(command.file);
  if (command.json) {
    const report = result.ok
      ? { ok: true, file: command.file, ...count(result.profiles) }
      : { ok: false, file: command.file, errors: result.issues };
    io.stdout.write(`${JSON.stringify(report)}\n`);
    return result.ok ? EXIT.ok : EXIT.usage;
  }
  if (!result.ok) {
    io.stderr.write(
      [`burrow: ${result.summary}`, ...result.lines.map((l) => `  ${l}`)].join('\n') + '\n',
    );
    return EXIT.usage;
  }
  const { profiles, forwards } = count(result.profiles);
  io.stdout.write(`OK: ${plural(profiles, 'profile')}, ${plural(forwards, 'forward')}\n`);
  return EXIT.ok;
}

function count(profiles: readonly { forwards: readonly unknown[] }[]) {
  return {
    profiles: profiles.length,
    forwards: profiles.reduce((sum, p) => sum + p.forwards.length, 0),
  };
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
