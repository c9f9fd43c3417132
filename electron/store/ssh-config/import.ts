import { readFile, stat } from 'node:fs/promises';
import { homedir, hostname, userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import { ProfileSchema, type ProfileInput } from '../../../shared';
import { computeHost, concreteNames, type ComputedHost } from './evaluate';
import { convertHost, type ConvertContext, type ProfileDraft } from './convert';
import { displayPath, loadConfig } from './loader';
import { MAX_CONFIG_BYTES, globPaths, readTextFile } from './node-fs';

/**
 * Import from OpenSSH's client config (issue 3, item 5): one Burrow profile per concrete Host
 * alias, with the options ssh itself would use for that alias (patterns such as `Host *` applied
 * as defaults, first value wins, Include followed), and a plain-words warning for everything that
 * could not be carried over. Nothing here connects anywhere or runs anything from the config.
 */

export interface SshConfigHost {
  /** The Host name as written (a concrete name, never a pattern). */
  alias: string;
  /** Ready for ProfileSchema (id derived from the alias, name = alias); always passes it. */
  profile: ProfileInput;
  /** What could not be carried over, in plain words. */
  warnings: string[];
  /** The first Host line that names the alias. */
  source: { file: string; line: number };
}

export interface SshConfigImport {
  hosts: SshConfigHost[];
  /** File-level: unreadable Include, skipped Match blocks, lines that could not be read, … */
  warnings: string[];
}

export interface ImportSshConfigOptions {
  /** Path of the file `text` came from: named in messages and in each host's `source`. */
  path: string;
  /** Home directory: `~`, relative Include paths (~/.ssh/…) and the %d token. */
  home: string;
  /** An included file's text, or undefined when it is missing or cannot be read. */
  readFile(path: string): string | undefined;
  /** Expands an Include wildcard (absolute pattern) to matching paths, sorted. */
  glob?(pattern: string): string[];
  /** For IdentityAgent $VAR and ${VAR} in paths; defaults to none. */
  env?: NodeJS.ProcessEnv;
  /** The User when the config sets none; defaults to USER / LOGNAME / the OS account. */
  localUser?: string;
  /** For the %l / %L tokens; defaults to os.hostname(). */
  localHostname?: string;
}

export function importSshConfig(text: string, options: ImportSshConfigOptions): SshConfigImport {
  const env = options.env ?? {};
  const { home } = options;
  const show = (p: string) => displayPath(p, home);
  const { root, warnings } = loadConfig(text, options.path, options);

  const computed = new Map<string, ComputedHost>();
  const ctx: ConvertContext = {
    home,
    env,
    localUser: options.localUser ?? currentUser(env),
    localHostname: options.localHostname ?? hostname(),
    uid: process.getuid?.(),
    show,
    compute(host) {
      let c = computed.get(host);
      if (!c) {
        c = computeHost(root, host);
        computed.set(host, c);
      }
      return c;
    },
  };

  const hosts: SshConfigHost[] = [];
  const ids = new Set<string>();
  for (const [alias, firstSeen] of concreteNames(root)) {
    const c = ctx.compute(alias);
    if (!c.declaredAt) {
      warnings.push(
        `${show(firstSeen.file)} line ${firstSeen.line}: Host ${alias} never applies when connecting to "${alias}" (it is negated, or inside an Include under another Host), so it was not imported.`,
      );
      continue;
    }
    const { profile: draft, warnings: hostWarnings } = convertHost(c, ctx);
    const id = uniqueId(alias, ids);
    const profile = validProfile(
      { id, name: alias.slice(0, 100), ...draft },
      alias,
      ctx,
      hostWarnings,
    );
    hosts.push({ alias, profile, warnings: [...new Set(hostWarnings)], source: c.declaredAt });
  }
  if (hosts.length === 0)
    warnings.push(
      `${show(options.path)} names no host to import (only patterns such as "Host *", or no Host at all).`,
    );
  return { hosts, warnings: [...new Set(warnings)] };
}

export interface ReadSshConfigOptions {
  /** Defaults to ~/.ssh/config. */
  path?: string;
  home?: string;
  env?: NodeJS.ProcessEnv;
}

export async function readSshConfig(options: ReadSshConfigOptions = {}): Promise<SshConfigImport> {
  const env = options.env ?? process.env;
  const home = options.home ?? homedir();
  const path = resolveConfigPath(options.path, home);
  const shown = displayPath(path, home);
  let text: string;
  try {
    const stats = await stat(path);
    // Never start reading a device or a huge file by mistake (say --ssh-config /dev/zero).
    if (!stats.isFile()) return { hosts: [], warnings: [`${shown} is not a file.`] };
    if (stats.size > MAX_CONFIG_BYTES) {
      return { hosts: [], warnings: [`${shown} is too large to be an ssh config (over 1 MiB).`] };
    }
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR')
      return { hosts: [], warnings: [`No ${shown} found.`] };
    return { hosts: [], warnings: [`Could not read ${shown}: ${(err as Error).message}`] };
  }
  return importSshConfig(text, { path, home, env, readFile: readTextFile, glob: globPaths });
}

function resolveConfigPath(path: string | undefined, home: string): string {
  if (path === undefined) return join(home, '.ssh', 'config');
  if (path === '~') return home;
  if (path.startsWith('~/')) return join(home, path.slice(2));
  return resolve(path);
}

function currentUser(env: NodeJS.ProcessEnv): string {
  const fromEnv = env.USER ?? env.LOGNAME ?? env.USERNAME;
  if (fromEnv) return fromEnv;
  try {
    return userInfo().username;
  } catch {
    // userInfo() throws for a uid with no passwd entry (some containers).
    return 'user';
  }
}

/** Lowercase, anything IdSchema does not allow becomes "-", "-2", "-3"… when two aliases collide. */
export function profileIdFromAlias(alias: string): string {
  const id = alias
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60);
  return id || 'host';
}

function uniqueId(alias: string, taken: Set<string>): string {
  const base = profileIdFromAlias(alias);
  let id = base;
  for (let n = 2; taken.has(id); n++) id = `${base}-${n}`;
  taken.add(id);
  return id;
}

/**
 * The safety net: whatever the conversion produced, what leaves here passes ProfileSchema. An
 * optional field the schema rejects is left out (its default applies); a rejected forward is
 * dropped alone; a rejected jump host drops the whole chain, as half a chain goes nowhere; a
 * required field gets a stand-in. Each with a warning.
 */
function validProfile(
  input: ProfileDraft & { id: string; name: string },
  alias: string,
  ctx: ConvertContext,
  warnings: string[],
): ProfileInput {
  const standIns: Record<string, string[]> = {
    host: [fallbackHost(alias), 'localhost'],
    username: [ctx.localUser, 'user'],
    name: [alias.trim().slice(0, 100), 'Imported host'],
    id: ['host'],
  };
  const profile: Record<string, unknown> = { ...input };
  for (let attempt = 0; attempt < 5; attempt++) {
    const result = ProfileSchema.safeParse(profile);
    if (result.success) return profile as ProfileInput;
    const dropForwards = new Set<number>();
    for (const issue of result.error.issues) {
      const [field, index] = issue.path;
      const problem = `${issue.path.join('.')} ${issue.message}`;
      const standIn =
        typeof field === 'string' ? standIns[field]?.find((v) => v !== profile[field]) : undefined;
      if (field === 'forwards' && typeof index === 'number') {
        dropForwards.add(index);
        warnings.push(`${problem}; that forward was left out.`);
      } else if (field === 'jumpHosts') {
        profile.jumpHosts = [];
        warnings.push(`${problem}; the jump hosts were left out.`);
      } else if (typeof field === 'string' && field in standIns) {
        profile[field] = standIn ?? 'x';
        warnings.push(`${problem}; "${String(profile[field])}" is used instead.`);
      } else if (typeof field === 'string') {
        delete profile[field];
        warnings.push(`${problem}; left out, Burrow's default is used.`);
      }
    }
    if (dropForwards.size > 0 && Array.isArray(profile.forwards)) {
      profile.forwards = profile.forwards.filter((_, i) => !dropForwards.has(i));
    }
  }
  // Not reached with what convertHost builds; kept so that nothing invalid can ever leave.
  return ProfileSchema.parse({
    id: 'host',
    name: 'Imported host',
    host: 'localhost',
    username: 'user',
  });
}

/** What ssh connects to with no usable HostName, the alias, made into one word. */
function fallbackHost(alias: string): string {
  return alias.trim().toLowerCase().replace(/\s+/g, '-').slice(0, 255) || 'localhost';
}
