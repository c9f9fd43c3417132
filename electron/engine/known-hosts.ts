import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * OpenSSH known_hosts, read the way `ssh` reads it (hostfile.c, match.c) so that a file shared
 * with OpenSSH means the same thing to both. Only plain host keys are checked: Burrow does not
 * verify host certificates, so `@cert-authority` lines are read and ignored.
 */

export type HostKeyCheck =
  | { status: 'match' }
  | { status: 'unknown' }
  /**
   * Another key is known for this host: of the offered type, or (as OpenSSH 9.2 treats it, see
   * check) of another type. `knownKeyType`, `path` and `line` name the entry to show the user.
   */
  | { status: 'mismatch'; knownKeyType: string; path: string; line: number }
  /** The offered key is listed in a `@revoked` line that applies to this host. */
  | { status: 'revoked'; path: string; line: number };

/** `SHA256:` + unpadded base64 of the key blob's SHA-256, exactly as `ssh-keygen -lf` prints it. */
export function fingerprintSha256(keyBlob: Buffer): string {
  return 'SHA256:' + createHash('sha256').update(keyBlob).digest('base64').replace(/=+$/, '');
}

/** The key type named inside the wire blob (its first SSH string), e.g. `ssh-ed25519`. */
export function keyTypeOf(keyBlob: Buffer): string {
  const type = readKeyType(keyBlob);
  if (type === undefined) throw new Error('not an SSH public key blob');
  return type;
}

function readKeyType(blob: Buffer): string | undefined {
  if (blob.length < 4) return undefined;
  const len = blob.readUInt32BE(0);
  // Real key type names are short ASCII; anything else is not a key blob.
  if (len === 0 || len > 64 || blob.length < 4 + len) return undefined;
  const type = blob.toString('latin1', 4, 4 + len);
  return /^[\x21-\x7e]+$/.test(type) ? type : undefined;
}

/**
 * The name a host is filed under. OpenSSH only brackets non-default ports, so for port 22 the bare
 * name is the one both written and looked up.
 */
export function knownHostsName(host: string, port: number): string {
  const name = host.toLowerCase();
  return port === 22 ? name : `[${name}]:${port}`;
}

type Marker = 'none' | 'cert-authority' | 'revoked';

interface Entry {
  marker: Marker;
  /** Host field as written: a pattern list, or one hashed name. */
  hosts: string;
  keyType: string;
  key: Buffer;
  path: string;
  line: number;
}

const HASH_MAGIC = '|1|';

export class KnownHosts {
  private constructor(private readonly entries: Entry[]) {}

  /**
   * Reads a known_hosts file. A missing file is an empty one; lines that cannot be parsed are
   * skipped as OpenSSH does, so a hand-edited or foreign line never stops a connection. I/O
   * errors other than "not found" (permissions, a directory) are thrown: treating an unreadable
   * file as empty would turn every known host into an "unknown" prompt.
   */
  static async load(path: string): Promise<KnownHosts> {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return new KnownHosts([]);
      throw err;
    }
    return new KnownHosts(parseKnownHosts(text, path));
  }

  /**
   * Checks the offered key the way OpenSSH 9.2 does (measured against `ssh -o
   * StrictHostKeyChecking=yes`, not only read from its source):
   * - a `@revoked` line for this key wins over everything;
   * - a line with this exact key matches, even if other lines list other keys;
   * - any other key known under the lookup name is a mismatch, whatever its type: OpenSSH
   *   reports an RSA-only entry as "REMOTE HOST IDENTIFICATION HAS CHANGED" when the server
   *   presents ed25519, because a server that suddenly shows a key type we have never seen is
   *   what a man in the middle looks like. The client avoids false alarms by preferring the known
   *   types in negotiation (knownKeyTypes, and algorithmsFor in algorithms.ts);
   * - for a non-22 port, a key filed under the bare host name still matches ("found matching key
   *   w/out port"), but a different key there is not treated as a mismatch.
   */
  check(host: string, port: number, keyBlob: Buffer): HostKeyCheck {
    const name = knownHostsName(host, port);
    const bare = port === 22 ? undefined : knownHostsName(host, 22);
    const offeredType = readKeyType(keyBlob);
    for (const entry of this.entries) {
      if (entry.marker !== 'revoked' || !entry.key.equals(keyBlob)) continue;
      if (hostMatches(name, entry.hosts) || (bare && hostMatches(bare, entry.hosts))) {
        return { status: 'revoked', path: entry.path, line: entry.line };
      }
    }
    let differing: Entry | undefined;
    for (const entry of this.plainEntriesFor(name)) {
      if (entry.key.equals(keyBlob)) return { status: 'match' };
      // Name the entry of the offered type when there is one: that is the line to fix.
      if (!differing || (differing.keyType !== offeredType && entry.keyType === offeredType)) {
        differing = entry;
      }
    }
    if (differing) {
      return {
        status: 'mismatch',
        knownKeyType: differing.keyType,
        path: differing.path,
        line: differing.line,
      };
    }
    if (bare && this.plainEntriesFor(bare).some((e) => e.key.equals(keyBlob))) {
      return { status: 'match' };
    }
    return { status: 'unknown' };
  }

  private plainEntriesFor(name: string): Entry[] {
    return this.entries.filter((e) => e.marker === 'none' && hostMatches(name, e.hosts));
  }

  /** Types of keys already known for this host, so the client can prefer them in negotiation (like OpenSSH). */
  knownKeyTypes(host: string, port: number): string[] {
    const names = [knownHostsName(host, port)];
    // Keys under the bare name can match a non-22 port too (see check), so they count, after.
    if (port !== 22) names.push(knownHostsName(host, 22));
    const types: string[] = [];
    for (const name of names) {
      for (const entry of this.plainEntriesFor(name)) {
        if (!types.includes(entry.keyType)) types.push(entry.keyType);
      }
    }
    return types;
  }

  /**
   * Appends a plain (not hashed) line for the host, creating the file (0600) and its directory
   * (0700) if missing, and updates this instance. A leading newline is added when the file does
   * not end in one, so the new entry never joins a hand-edited last line.
   */
  async add(path: string, host: string, port: number, keyBlob: Buffer): Promise<void> {
    const keyType = keyTypeOf(keyBlob);
    const name = knownHostsName(host, port);
    await mkdir(dirname(path), { recursive: true, mode: 0o700 });
    const { needsNewline, lineCount } = await describeTail(path);
    const line = `${name} ${keyType} ${keyBlob.toString('base64')}\n`;
    await appendFile(path, (needsNewline ? '\n' : '') + line, { mode: 0o600 });
    this.entries.push({
      marker: 'none',
      hosts: name,
      keyType,
      key: Buffer.from(keyBlob),
      path,
      line: lineCount + 1,
    });
  }
}

/** Whether the file lacks a final newline, and how many lines it has (a last unterminated one counts). */
async function describeTail(path: string): Promise<{ needsNewline: boolean; lineCount: number }> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT')
      return { needsNewline: false, lineCount: 0 };
    throw err;
  }
  if (text.length === 0) return { needsNewline: false, lineCount: 0 };
  const newlines = text.split('\n').length - 1;
  return text.endsWith('\n')
    ? { needsNewline: false, lineCount: newlines }
    : { needsNewline: true, lineCount: newlines + 1 };
}

function parseKnownHosts(text: string, path: string): Entry[] {
  const entries: Entry[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const entry = parseLine(lines[i] ?? '', path, i + 1);
    if (entry) entries.push(entry);
  }
  return entries;
}

function parseLine(raw: string, path: string, line: number): Entry | undefined {
  const fields = raw.trim().split(/[ \t]+/);
  if (fields[0] === undefined || fields[0] === '' || fields[0].startsWith('#')) return undefined;
  let marker: Marker = 'none';
  if (fields[0].startsWith('@')) {
    if (fields[0] === '@cert-authority') marker = 'cert-authority';
    else if (fields[0] === '@revoked') marker = 'revoked';
    else return undefined; // OpenSSH skips lines with a marker it does not know
    fields.shift();
  }
  const [hosts, keyType, base64] = fields;
  if (!hosts || !keyType || !base64 || !/^[A-Za-z0-9+/]+={0,2}$/.test(base64)) return undefined;
  const key = Buffer.from(base64, 'base64');
  // Like sshkey_read: the type written on the line must be the one inside the key itself.
  if (readKeyType(key) !== keyType) return undefined;
  return { marker, hosts, keyType, key, path, line };
}

/** A host field matches the lookup name: one hashed name, or a pattern list (match.c). */
function hostMatches(name: string, hosts: string): boolean {
  if (hosts.startsWith(HASH_MAGIC)) return hashedNameMatches(name, hosts);
  return matchPatternList(name, hosts) === 1;
}

function hashedNameMatches(name: string, hashed: string): boolean {
  const parts = hashed.slice(HASH_MAGIC.length).split('|');
  if (parts.length !== 2 || !parts[0] || !parts[1]) return false;
  const salt = Buffer.from(parts[0], 'base64');
  const expected = Buffer.from(parts[1], 'base64');
  const actual = createHmac('sha1', salt).update(name).digest();
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

/**
 * match.c's match_pattern_list with case folding: 1 if a positive pattern matches, -1 if a
 * negated one does (which excludes the line even when another pattern matched), 0 otherwise.
 */
export function matchPatternList(name: string, patterns: string): -1 | 0 | 1 {
  const lower = name.toLowerCase();
  let positive = false;
  for (const raw of patterns.split(',')) {
    const negated = raw.startsWith('!');
    const pattern = (negated ? raw.slice(1) : raw).toLowerCase();
    if (globMatch(lower, pattern)) {
      if (negated) return -1;
      positive = true;
    }
  }
  return positive ? 1 : 0;
}

/** `*` is any run of characters, `?` exactly one; nothing else is special (match.c). */
function globMatch(text: string, pattern: string): boolean {
  let t = 0;
  let p = 0;
  let starP = -1;
  let starT = 0;
  while (t < text.length) {
    const pc = pattern[p];
    if (pc === '*') {
      starP = p++;
      starT = t;
    } else if (pc !== undefined && (pc === '?' || pc === text[t])) {
      p++;
      t++;
    } else if (starP !== -1) {
      p = starP + 1;
      t = ++starT;
    } else {
      return false;
    }
  }
  while (pattern[p] === '*') p++;
  return p === pattern.length;
}
