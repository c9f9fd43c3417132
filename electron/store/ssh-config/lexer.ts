import SSHConfig from 'ssh-config';

/**
 * Splits ssh_config text into directives with their line numbers. The `ssh-config` package does
 * the lexing (keywords, `=` separators, quotes, comments); it is fed one line at a time because
 * its tree carries no line numbers and one bad line (say an unclosed quote) would otherwise make
 * it throw away the whole file.
 */

export interface ConfigLine {
  /** Lowercased: ssh_config keywords are case-insensitive. */
  keyword: string;
  /** The keyword as written, for messages. */
  name: string;
  args: string[];
  file: string;
  line: number;
}

export interface LexResult {
  lines: ConfigLine[];
  /** Lines that could not be read, as "line N: …". */
  problems: string[];
}

// The package splits the values of these directives itself, and hands back a single value as a
// plain string (`Host "two words"` → "two words"); for all others it returns the rest of the line
// as one string, which is split here unless the whole value was quoted. Mirrors its
// RE_MULTI_VALUE_DIRECTIVE.
const SPLIT_BY_PARSER =
  /^(GlobalKnownHostsFile|Host|IPQoS|SendEnv|UserKnownHostsFile|ProxyCommand|KnownHostsCommand|Match|CanonicalDomains|Include)$/i;

type ParsedValue = string | { val: string }[];

export function lexConfig(text: string, file: string): LexResult {
  const lines: ConfigLine[] = [];
  const problems: string[] = [];
  const rows = text.replace(/^\uFEFF/, '').split(/\r?\n|\r/);
  rows.forEach((row, index) => {
    if (!row.trim() || row.trim().startsWith('#')) return;
    const lineNo = index + 1;
    const section = /^\s*(host|match)(?=[\s=]|$)/i.exec(row)?.[1];
    let parsed: SSHConfig | undefined;
    let problem: string | undefined;
    if (section && /^\s*\w+\s*=?\s*$/.test(row)) {
      problem = `${section} names no pattern`;
    } else {
      try {
        parsed = SSHConfig.parse(row);
      } catch (err) {
        problem = `could not be read (${(err as Error).message})`;
      }
    }
    if (!parsed) {
      const what = section ? 'it and the block under it were skipped' : 'skipped';
      problems.push(`line ${lineNo}: ${problem ?? 'could not be read'}; ${what}.`);
      // A broken Host line must still end the block above it, or that block's options would
      // spill onto the lines below; with no patterns it applies to nothing.
      if (section) lines.push({ keyword: 'host', name: section, args: [], file, line: lineNo });
      return;
    }
    for (const node of parsed) {
      if (node.type !== SSHConfig.DIRECTIVE || !('param' in node) || !node.param) continue;
      lines.push({
        keyword: node.param.toLowerCase(),
        name: node.param,
        args: splitValue(
          node.value as ParsedValue,
          node.quoted === true || SPLIT_BY_PARSER.test(node.param),
        ),
        file,
        line: lineNo,
      });
    }
  });
  return { lines, problems };
}

function splitValue(value: ParsedValue, single: boolean): string[] {
  if (Array.isArray(value)) return value.map((v) => v.val);
  if (single) return value ? [value] : [];
  return value.split(/\s+/).filter((v) => v.length > 0);
}
