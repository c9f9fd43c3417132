/**
 * Small value parsers shared by the ssh_config import, each mirroring the OpenSSH function named
 * in its comment so that a value means here what it means to `ssh`.
 */

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

/** OpenSSH's `percent_expand`: `%%` is a literal percent; any token not in `tokens` is an error. */
export function expandTokens(input: string, tokens: Record<string, string>): Parsed<string> {
  let out = '';
  for (let i = 0; i < input.length; i++) {
    const ch = input[i];
    if (ch !== '%') {
      out += ch;
      continue;
    }
    const key = input[i + 1];
    if (key === undefined) return { ok: false, error: 'ends with a lone "%"' };
    i++;
    if (key === '%') out += '%';
    else if (Object.hasOwn(tokens, key)) out += tokens[key];
    else return { ok: false, error: `uses the token %${key}, which Burrow cannot fill in` };
  }
  return { ok: true, value: out };
}

/** OpenSSH's `dollar_expand`: `${NAME}` is replaced by the environment variable; unset is an error. */
export function expandEnv(input: string, env: NodeJS.ProcessEnv): Parsed<string> {
  let error: string | undefined;
  const value = input.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, name: string) => {
    const v = env[name];
    if (v === undefined) error ??= `uses \${${name}}, which is not set`;
    return v ?? '';
  });
  return error === undefined ? { ok: true, value } : { ok: false, error };
}

const TIME_UNITS: Record<string, number> = { '': 1, s: 1, m: 60, h: 3600, d: 86400, w: 604800 };

/** OpenSSH's `convtime`: "90", "90s", "1m30s", "2h"; whole seconds. */
export function parseTime(input: string): number | undefined {
  if (!/^(\d+[smhdw]?)+$/i.test(input)) return undefined;
  let total = 0;
  for (const [, n, unit] of input.matchAll(/(\d+)([smhdw]?)/gi)) {
    total += Number(n) * (TIME_UNITS[(unit ?? '').toLowerCase()] ?? 1);
  }
  return Number.isSafeInteger(total) ? total : undefined;
}

/** OpenSSH's `a2port` for numbers (service names such as "ssh" are not looked up). */
export function parsePort(input: string): number | undefined {
  if (!/^\d{1,5}$/.test(input)) return undefined;
  const n = Number(input);
  return n <= 65535 ? n : undefined;
}

export function parseInteger(input: string): number | undefined {
  return /^-?\d{1,9}$/.test(input) ? Number(input) : undefined;
}

/** ssh_config flags are case-insensitive; "true"/"false" are accepted by OpenSSH as well. */
export function isYes(value: string | undefined): boolean {
  return value !== undefined && /^(yes|true)$/i.test(value);
}

export function isNo(value: string | undefined): boolean {
  return value !== undefined && /^(no|false)$/i.test(value);
}
