import { writeFile } from 'node:fs/promises';

import { makeProfileFile, type Profile } from '../../shared';
import {
  applyImport,
  exportProfileList,
  previewImport,
  type ImportChoice,
  type ImportItem,
} from '../store/import-export';
import { StoreError } from '../store/store-error';
import { readSshConfig } from '../store/ssh-config';
import type {
  ConflictChoice,
  ExportCommand,
  ImportCommand,
  ImportSshConfigCommand,
  ListCommand,
} from './args';
import { CliError, EXIT } from './cli-error';
import { describeForward } from './format';
import type { CliIo } from './io';
import { readProfileFile } from './load-profiles';
import { describeIssue, loadProfiles, storeFile } from './profile-source';
import { selectProfiles } from './select-profiles';

/** `burrow list`: the saved profiles and their forwards, read without changing the store. */
export async function runList(command: ListCommand, io: CliIo): Promise<number> {
  const profiles = await loadProfiles(command, io.stderr);
  if (command.json) {
    io.stdout.write(`${JSON.stringify(profiles)}\n`);
    return EXIT.ok;
  }
  if (profiles.length === 0) {
    io.stdout.write(`No saved profiles in ${storeFile(command.store)}.\n`);
    return EXIT.ok;
  }
  const lines: string[] = [];
  for (const profile of profiles) {
    const via = profile.jumpHosts.length ? ` via ${profile.jumpHosts.length} jump host(s)` : '';
    const group = profile.group ? `  [${profile.group}]` : '';
    lines.push(
      `${profile.name} (${profile.id})  ${profile.username}@${profile.host}:${profile.port}${via}${group}`,
    );
    for (const forward of profile.forwards)
      lines.push(`  ${describeForward(forward)}${forward.enabled ? '' : '  (disabled)'}`);
  }
  io.stdout.write(`${lines.join('\n')}\n`);
  return EXIT.ok;
}

/** `burrow export`: the chosen saved profiles in the versioned file format, without secrets. */
export async function runExport(command: ExportCommand, io: CliIo): Promise<number> {
  const all = await loadProfiles(command, io.stderr);
  const ids = command.profiles.length
    ? selectProfiles(all, command.profiles).map((p) => p.id)
    : undefined;
  const file = asCliError(() => exportProfileList(all, ids));
  const text = `${JSON.stringify(file, null, 2)}\n`;
  if (command.out === undefined) {
    io.stdout.write(text);
    return EXIT.ok;
  }
  await writeFile(command.out, text, { mode: 0o600 }).catch((err: NodeJS.ErrnoException) => {
    throw new CliError(`cannot write ${command.out}: ${err.code ?? err.message}`, EXIT.usage);
  });
  io.stderr.write(`Exported ${file.profiles.length} profile(s) to ${command.out}.\n`);
  return EXIT.ok;
}

/** `burrow import`: previews, then adds what a profiles file holds; nothing is lost on failure. */
export async function runImport(command: ImportCommand, io: CliIo): Promise<number> {
  const read = await readProfileFile(command.file);
  if (!read.ok) throw new CliError(read.summary, EXIT.usage, read.lines);
  return importText(JSON.stringify(makeProfileFile(read.profiles)), command, io);
}

/** `burrow import-ssh-config`: the hosts of ~/.ssh/config (or --ssh-config) as profiles. */
export async function runImportSshConfig(
  command: ImportSshConfigCommand,
  io: CliIo,
): Promise<number> {
  const config = await readSshConfig(command.sshConfig ? { path: command.sshConfig } : {});
  for (const warning of config.warnings) io.stderr.write(`burrow: warning: ${warning}\n`);
  const unknown = command.hosts.filter((alias) => !config.hosts.some((h) => h.alias === alias));
  if (unknown.length)
    throw new CliError(`no such Host in the ssh config: ${unknown.join(', ')}`, EXIT.usage, [
      `hosts found: ${config.hosts.map((h) => h.alias).join(', ') || 'none'}`,
    ]);
  const chosen = config.hosts.filter(
    (h) => command.hosts.length === 0 || command.hosts.includes(h.alias),
  );
  for (const host of chosen)
    for (const warning of host.warnings) io.stderr.write(`burrow: ${host.alias}: ${warning}\n`);
  if (chosen.length === 0) {
    io.stdout.write('No hosts to import.\n');
    return EXIT.ok;
  }
  return importText(
    JSON.stringify(makeProfileFile(chosen.map((h) => h.profile as Profile))),
    command,
    io,
  );
}

async function importText(
  text: string,
  command: ImportCommand | ImportSshConfigCommand,
  io: CliIo,
): Promise<number> {
  // Loaded here, not at start: conf (and ajv) add ~120 ms to every CLI start, and only the
  // commands that write the store need it (the bundle splits it into a chunk of its own).
  const { openProfileStore } = await import('../store/open-store');
  const repo = openProfileStore(command.store !== undefined ? { dir: command.store } : {});
  try {
    for (const issue of repo.loadIssues())
      io.stderr.write(`burrow: warning: ${describeIssue(issue)}\n`);
    const preview = previewImport(repo, text);
    if (!preview.ok)
      throw new CliError('the profiles cannot be imported:', EXIT.usage, preview.errors);
    const choices = Object.fromEntries(
      preview.items.map((item) => [item.profile.id, choiceFor(item, command.onConflict)]),
    );
    const lines = preview.items.map((item) => describeItem(item, choices[item.profile.id]!));
    io.stdout.write(`${lines.join('\n')}\n`);
    if (command.dryRun) {
      io.stdout.write('Dry run: nothing was saved.\n');
      return EXIT.ok;
    }
    const result = applyImport(repo, preview, choices);
    io.stdout.write(
      `Saved to ${repo.path}: ${result.added.length} added, ${result.replaced.length} replaced, ${result.skipped.length} skipped.\n`,
    );
    return EXIT.ok;
  } catch (err) {
    if (err instanceof StoreError)
      throw new CliError(
        `nothing was imported: ${err.message}`,
        err.kind === 'io' ? EXIT.failed : EXIT.usage,
        err.issues.map((i) => `${i.path}: ${i.message}`),
      );
    throw err;
  } finally {
    repo.dispose();
  }
}

/** A store refusal (an invalid profile, say) is the user's to fix: exit 2 with its fields. */
function asCliError<T>(work: () => T): T {
  try {
    return work();
  } catch (err) {
    if (err instanceof StoreError)
      throw new CliError(
        err.message,
        EXIT.usage,
        err.issues.map((i) => `${i.path}: ${i.message}`),
      );
    throw err;
  }
}

function choiceFor(item: ImportItem, onConflict: ConflictChoice): ImportChoice {
  if (item.action === 'add') return 'add';
  if (item.action === 'identical') return 'skip';
  return onConflict;
}

function describeItem(item: ImportItem, choice: ImportChoice): string {
  const name = `${item.profile.name} (${item.profile.id})`;
  switch (item.action) {
    case 'add':
      return `+ add      ${name}`;
    case 'identical':
      return `= same     ${name}: already saved like this`;
    case 'replace':
      return `${choice === 'replace' ? '~ replace ' : choice === 'keep-both' ? '+ copy    ' : '- skip    '} ${name}: a saved profile has this id`;
    case 'name-conflict':
      return `${choice === 'replace' ? '~ replace ' : choice === 'keep-both' ? '+ copy    ' : '- skip    '} ${name}: "${item.existingId}" already has this name`;
  }
}
