import { isAbsolute, join, resolve } from 'node:path';
import { lexConfig, type ConfigLine } from './lexer';

/**
 * Reads a config file and everything it Includes into one tree, once, so that computing each
 * host walks memory instead of the disk. Include paths follow ssh_config(5): `~` is the home
 * directory, relative paths are relative to ~/.ssh (for a user config, whichever file holds the
 * Include), globs expand in lexical order.
 */

export type ConfigNode =
  | { kind: 'directive'; line: ConfigLine }
  | { kind: 'host'; patterns: string[]; line: ConfigLine }
  | { kind: 'match'; line: ConfigLine }
  | { kind: 'include'; line: ConfigLine; files: ConfigFile[] };

export interface ConfigFile {
  path: string;
  nodes: ConfigNode[];
}

export interface LoadOptions {
  home: string;
  /** The file's text, or undefined when it is missing or cannot be read. */
  readFile(path: string): string | undefined;
  /** Expands a glob pattern (absolute) to the matching paths, sorted. */
  glob?(pattern: string): string[];
}

/** OpenSSH's READCONF_MAX_DEPTH. */
export const MAX_INCLUDE_DEPTH = 16;
/** Guards against an Include glob fanning out without end. */
const MAX_FILES = 256;

export interface LoadResult {
  root: ConfigFile;
  warnings: string[];
}

export function loadConfig(text: string, path: string, options: LoadOptions): LoadResult {
  const warnings: string[] = [];
  const show = (p: string) => displayPath(p, options.home);
  let filesRead = 1;

  const parseFile = (source: string, filePath: string, stack: string[]): ConfigFile => {
    const { lines, problems } = lexConfig(source, filePath);
    for (const p of problems) warnings.push(`${show(filePath)} ${p}`);
    const nodes: ConfigNode[] = [];
    for (const line of lines) {
      if (line.keyword === 'host') {
        nodes.push({ kind: 'host', patterns: line.args, line });
      } else if (line.keyword === 'match') {
        warnings.push(
          `${show(filePath)} line ${line.line}: Match blocks are not supported; the block "Match ${line.args.join(' ')}" was skipped.`,
        );
        nodes.push({ kind: 'match', line });
      } else if (line.keyword === 'include') {
        nodes.push({ kind: 'include', line, files: include(line, [...stack, filePath]) });
      } else {
        nodes.push({ kind: 'directive', line });
      }
    }
    return { path: filePath, nodes };
  };

  const include = (line: ConfigLine, stack: string[]): ConfigFile[] => {
    const where = `${show(line.file)} line ${line.line}`;
    if (line.args.length === 0) {
      warnings.push(`${where}: Include names no file; skipped.`);
      return [];
    }
    if (stack.length >= MAX_INCLUDE_DEPTH) {
      warnings.push(`${where}: Include nested more than ${MAX_INCLUDE_DEPTH} deep; skipped.`);
      return [];
    }
    const files: ConfigFile[] = [];
    for (const arg of line.args) {
      const pattern = resolveIncludePath(arg, options.home);
      let paths: string[];
      if (/[*?[]/.test(pattern)) {
        if (!options.glob) {
          warnings.push(
            `${where}: Include ${arg} uses a wildcard that cannot be expanded here; skipped.`,
          );
          continue;
        }
        paths = options.glob(pattern);
        if (paths.length === 0) {
          warnings.push(`${where}: Include ${arg} matched no files.`);
          continue;
        }
      } else {
        paths = [pattern];
      }
      for (const p of paths) {
        if (stack.includes(p)) {
          warnings.push(
            `${where}: Include ${arg} would include ${show(p)} inside itself; skipped.`,
          );
          continue;
        }
        if (filesRead >= MAX_FILES) {
          warnings.push(`${where}: more than ${MAX_FILES} files included; ${show(p)} skipped.`);
          continue;
        }
        const source = options.readFile(p);
        if (source === undefined) {
          warnings.push(`${where}: Include ${show(p)} could not be read (missing or unreadable).`);
          continue;
        }
        filesRead++;
        files.push(parseFile(source, p, stack));
      }
    }
    return files;
  };

  const root = parseFile(text, path, []);
  return { root, warnings };
}

export function resolveIncludePath(arg: string, home: string): string {
  if (arg === '~') return home;
  if (arg.startsWith('~/')) return join(home, arg.slice(2));
  if (isAbsolute(arg)) return arg;
  return resolve(home, '.ssh', arg);
}

/** Paths in messages: the home directory as `~`, as a user writes them. */
export function displayPath(path: string, home: string): string {
  const base = home.replace(/[\\/]+$/, '');
  if (!base || !path.startsWith(base)) return path;
  const rest = path.slice(base.length);
  return rest === '' || rest.startsWith('/') || rest.startsWith('\\') ? `~${rest}` : path;
}
