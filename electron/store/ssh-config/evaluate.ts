import type { ConfigLine } from './lexer';
import type { ConfigFile, ConfigNode } from './loader';
import { isConcreteName, matchHostPatterns } from './patterns';

/**
 * Computes the options that apply to one host name, walking the tree the way OpenSSH's readconf.c
 * does: lines before any Host apply to all; a Host line switches the following lines on or off;
 * for each keyword the first value obtained wins, except for the keywords that accumulate
 * (IdentityFile, CertificateFile and the forwards); ProxyJump and ProxyCommand share one slot,
 * so whichever comes first silences the other. An Include inside a block that does not apply
 * never applies, not even its own Host blocks; after an Include the block it sits in goes on.
 * Match blocks are skipped (never applied).
 */

export interface Setting {
  /** The keyword as written. */
  name: string;
  args: string[];
  file: string;
  line: number;
  /** Order in which ssh met the line for this host, across files. */
  seq: number;
}

export interface ComputedHost {
  /** The name the options were computed for (an alias, or a jump host as written). */
  host: string;
  /** Where a Host line that applied named this host literally; unset for names only matched by patterns. */
  declaredAt?: { file: string; line: number };
  /**
   * First value of each single-valued keyword (lowercased). ProxyJump and ProxyCommand share the
   * key "proxy"; ChallengeResponseAuthentication is kept as "kbdinteractiveauthentication".
   */
  first: Map<string, Setting>;
  /** Every value, in order, of the keywords that accumulate (lowercased), duplicates dropped. */
  lists: Map<string, Setting[]>;
}

export const LIST_KEYWORDS: ReadonlySet<string> = new Set([
  'identityfile',
  'certificatefile',
  'localforward',
  'remoteforward',
  'dynamicforward',
]);

/** Keywords OpenSSH treats as one option (readconf.c), so the first of any of them wins. */
const SAME_OPTION: Readonly<Record<string, string>> = {
  proxyjump: 'proxy',
  proxycommand: 'proxy',
  challengeresponseauthentication: 'kbdinteractiveauthentication',
  skeyauthentication: 'kbdinteractiveauthentication',
  tisauthentication: 'kbdinteractiveauthentication',
};

export function computeHost(root: ConfigFile, host: string): ComputedHost {
  const result: ComputedHost = { host, first: new Map(), lists: new Map() };
  let seq = 0;
  const record = (line: ConfigLine): void => {
    const setting: Setting = {
      name: line.name,
      args: line.args,
      file: line.file,
      line: line.line,
      seq: seq++,
    };
    if (LIST_KEYWORDS.has(line.keyword)) {
      // ssh drops repeats of the same identity file or forward.
      const list = result.lists.get(line.keyword) ?? [];
      const text = line.args.join(' ');
      if (!list.some((s) => s.args.join(' ') === text)) list.push(setting);
      result.lists.set(line.keyword, list);
      return;
    }
    const key = SAME_OPTION[line.keyword] ?? line.keyword;
    if (!result.first.has(key)) result.first.set(key, setting);
  };

  const walk = (nodes: ConfigNode[], neverMatch: boolean): void => {
    let active = !neverMatch;
    for (const node of nodes) {
      switch (node.kind) {
        case 'host':
          active = !neverMatch && matchHostPatterns(host, node.patterns);
          if (
            active &&
            !result.declaredAt &&
            node.patterns.some((p) => p === host && isConcreteName(p))
          ) {
            result.declaredAt = { file: node.line.file, line: node.line.line };
          }
          break;
        case 'match':
          active = false;
          break;
        case 'include':
          for (const file of node.files) walk(file.nodes, neverMatch || !active);
          break;
        case 'directive':
          if (active) record(node.line);
          break;
      }
    }
  };
  walk(root.nodes, false);
  return result;
}

/** Every name written literally on a Host line anywhere in the tree, in file order, once each, with where it first appears. */
export function concreteNames(root: ConfigFile): Map<string, { file: string; line: number }> {
  const names = new Map<string, { file: string; line: number }>();
  const walk = (file: ConfigFile): void => {
    for (const node of file.nodes) {
      if (node.kind === 'host') {
        for (const name of node.patterns.filter(isConcreteName)) {
          if (!names.has(name)) names.set(name, { file: node.line.file, line: node.line.line });
        }
      } else if (node.kind === 'include') {
        node.files.forEach(walk);
      }
    }
  };
  walk(root);
  return names;
}
