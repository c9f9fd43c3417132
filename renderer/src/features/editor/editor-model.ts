import type { z } from 'zod';
import {
  DEFAULT_AUTH,
  InlineJumpHostSchema,
  NewProfileSchema,
  ProfileSchema,
  ReconnectSchema,
  type AuthMethod,
  type Forward,
  type ForwardType,
  type JumpHost,
  type Profile,
} from '../../../../shared/profile';
import { formatPath } from '../../../../shared/profile-file';
import type { AppSettings } from '../../../../shared/settings';

/**
 * The profile editor's pure logic: the form's draft (what the user typed, numbers still text),
 * conversion between draft and profile, validation with the shared schemas, and the mapping of
 * issues onto the fields that show them. No React here, so all of it is unit-tested.
 *
 * Fields are addressed by *keys* rather than schema paths: `host`, `forwards#f-1.bindPort`,
 * `auth#a3.path`. A key names a list item by its stable key, not its index, so what the user
 * touched and where an error belongs survive reordering and removal.
 */

export type AuthType = AuthMethod['type'];

export interface AuthDraft {
  key: string;
  type: AuthType;
  /** Key file path (type "key"). */
  path: string;
  /** Agent socket (type "agent"); empty means SSH_AUTH_SOCK. */
  socket: string;
}

export interface JumpDraft {
  key: string;
  mode: 'profile' | 'typed';
  profileId: string;
  host: string;
  port: string;
  username: string;
  /** A typed-in hop's login methods: not edited here, kept as they were. */
  auth: AuthMethod[];
}

/** Where a listener binds: the three choices of the select (loopback is never the server's LAN). */
export type BindChoice = 'loopback' | 'all' | 'other';

export interface ForwardDraft {
  /** The forward's id, also its key in the form. */
  id: string;
  type: ForwardType;
  name: string;
  enabled: boolean;
  bindChoice: BindChoice;
  /** The address typed for "Other address…". */
  bindOther: string;
  bindPort: string;
  /** Kept while the type is dynamic, so switching back restores them. */
  targetHost: string;
  targetPort: string;
}

export interface ProfileDraft {
  /** Absent for a new profile (the store picks one). */
  id?: string;
  name: string;
  host: string;
  port: string;
  username: string;
  auth: AuthDraft[];
  jumpHosts: JumpDraft[];
  forwards: ForwardDraft[];
  keepaliveInterval: string;
  keepaliveMaxMissed: string;
  reconnectEnabled: boolean;
  /** Seconds, as the user sees them (stored in ms). */
  reconnectInitial: string;
  reconnectMax: string;
  /** Not shown; kept as it was. */
  reconnectJitter: number;
  connectTimeout: string;
  group: string;
  /** Comma-separated, as typed. */
  tags: string;
  autoStart: boolean;
}

/** One problem, under the field (key) that shows it. */
export interface EditorIssue {
  key: string;
  message: string;
}

export const LOOPBACK_ADDRESS = '127.0.0.1';
export const ALL_INTERFACES_ADDRESS = '0.0.0.0';

// ---- building drafts ---------------------------------------------------------------------------

let sequence = 0;
function nextKey(prefix: string): string {
  sequence += 1;
  return `${prefix}${sequence}`;
}

export function newAuthDraft(type: AuthType): AuthDraft {
  return { key: nextKey('a'), type, path: '', socket: '' };
}

function authToDraft(method: AuthMethod): AuthDraft {
  return {
    ...newAuthDraft(method.type),
    path: method.type === 'key' ? method.path : '',
    socket: method.type === 'agent' ? (method.socket ?? '') : '',
  };
}

export function newJumpDraft(mode: JumpDraft['mode'] = 'typed', profileId = ''): JumpDraft {
  return {
    key: nextKey('j'),
    mode,
    profileId,
    host: '',
    port: '22',
    username: '',
    auth: DEFAULT_AUTH.map((a) => ({ ...a })),
  };
}

function jumpToDraft(hop: JumpHost): JumpDraft {
  if ('profileId' in hop) return newJumpDraft('profile', hop.profileId);
  return {
    ...newJumpDraft('typed'),
    host: hop.host,
    port: String(hop.port),
    username: hop.username,
    auth: hop.auth.map((a) => ({ ...a })),
  };
}

/** A forward id that no other forward of the draft has: `f-` and a few random base-36 digits. */
export function newForwardId(taken: Iterable<string>): string {
  const used = new Set(taken);
  for (;;) {
    const id = `f-${Math.random().toString(36).slice(2, 8)}`;
    if (id.length > 2 && !used.has(id)) return id;
  }
}

/** A new forward: outgoing, listening on this computer only, target the server itself. */
export function newForwardDraft(taken: Iterable<string> = []): ForwardDraft {
  return {
    id: newForwardId(taken),
    type: 'local',
    name: '',
    enabled: true,
    bindChoice: 'loopback',
    bindOther: '',
    bindPort: '',
    targetHost: LOOPBACK_ADDRESS,
    targetPort: '',
  };
}

function bindChoiceOf(host: string): { bindChoice: BindChoice; bindOther: string } {
  if (host === LOOPBACK_ADDRESS) return { bindChoice: 'loopback', bindOther: '' };
  if (host === ALL_INTERFACES_ADDRESS) return { bindChoice: 'all', bindOther: '' };
  // "localhost", "::1", a LAN address: kept exactly as saved.
  return { bindChoice: 'other', bindOther: host };
}

export function forwardToDraft(forward: Forward): ForwardDraft {
  return {
    id: forward.id,
    type: forward.type,
    name: forward.name ?? '',
    enabled: forward.enabled,
    ...bindChoiceOf(forward.bindHost),
    bindPort: String(forward.bindPort),
    targetHost: forward.type === 'dynamic' ? LOOPBACK_ADDRESS : forward.targetHost,
    targetPort: forward.type === 'dynamic' ? '' : String(forward.targetPort),
  };
}

/** Seconds from milliseconds, without trailing zeros: 1000 → "1", 1500 → "1.5". */
export function secondsText(ms: number): string {
  return String(Math.round(ms) / 1000);
}

export function newProfileDraft(
  settings?: Pick<AppSettings, 'reconnectDefaults'> | null,
): ProfileDraft {
  const reconnect = settings?.reconnectDefaults ?? ReconnectSchema.parse({});
  return {
    name: '',
    host: '',
    port: '22',
    username: '',
    auth: DEFAULT_AUTH.map(authToDraft),
    jumpHosts: [],
    forwards: [],
    keepaliveInterval: '15',
    keepaliveMaxMissed: '3',
    reconnectEnabled: reconnect.enabled,
    reconnectInitial: secondsText(reconnect.initialDelayMs),
    reconnectMax: secondsText(reconnect.maxDelayMs),
    reconnectJitter: reconnect.jitter,
    connectTimeout: '20',
    group: '',
    tags: '',
    autoStart: false,
  };
}

export function profileToDraft(profile: Profile): ProfileDraft {
  return {
    id: profile.id,
    name: profile.name,
    host: profile.host,
    port: String(profile.port),
    username: profile.username,
    auth: profile.auth.map(authToDraft),
    jumpHosts: profile.jumpHosts.map(jumpToDraft),
    forwards: profile.forwards.map(forwardToDraft),
    keepaliveInterval: String(profile.keepalive.intervalSeconds),
    keepaliveMaxMissed: String(profile.keepalive.maxMissed),
    reconnectEnabled: profile.reconnect.enabled,
    reconnectInitial: secondsText(profile.reconnect.initialDelayMs),
    reconnectMax: secondsText(profile.reconnect.maxDelayMs),
    reconnectJitter: profile.reconnect.jitter,
    connectTimeout: String(profile.connectTimeoutSeconds),
    group: profile.group ?? '',
    tags: profile.tags.join(', '),
    autoStart: profile.autoStart,
  };
}

// ---- reading a draft ---------------------------------------------------------------------------

export function bindHostOf(forward: ForwardDraft): string {
  switch (forward.bindChoice) {
    case 'loopback':
      return LOOPBACK_ADDRESS;
    case 'all':
      return ALL_INTERFACES_ADDRESS;
    case 'other':
      return forward.bindOther.trim();
  }
}

/** Tags from what was typed: split on commas, trimmed, empty and repeated ones dropped. */
export function parseTags(text: string): string[] {
  const seen = new Set<string>();
  const tags: string[] = [];
  for (const part of text.split(',')) {
    const tag = part.trim();
    if (tag && !seen.has(tag.toLowerCase())) {
      seen.add(tag.toLowerCase());
      tags.push(tag);
    }
  }
  return tags;
}

type NumberRead = { ok: true; value: number } | { ok: false; message: string };

/** A number typed as text: empty and non-numbers are errors of their own (not zod's). */
export function readNumber(text: string, emptyMessage = 'must not be empty'): NumberRead {
  const t = text.trim();
  if (t === '') return { ok: false, message: emptyMessage };
  if (!/^[-+]?(\d+\.?\d*|\.\d+)$/.test(t)) return { ok: false, message: 'must be a number' };
  return { ok: true, value: Number(t) };
}

/** A port as far as it can be read, for the path picture (which shows "?" otherwise). */
function portForPicture(text: string): number | undefined {
  const read = readNumber(text);
  return read.ok ? read.value : undefined;
}

/** The forward as pathPicture and offHostWarnings want it, from a half-filled card. */
export function forwardForDisplay(forward: ForwardDraft): Partial<Forward> & { type: ForwardType } {
  const common = {
    bindHost: bindHostOf(forward),
    bindPort: portForPicture(forward.bindPort),
  };
  if (forward.type === 'dynamic') return { type: 'dynamic', ...common };
  return {
    type: forward.type,
    ...common,
    targetHost: forward.targetHost.trim(),
    targetPort: portForPicture(forward.targetPort),
  };
}

/** The jump hosts as pathPicture wants them (typed-in ones may still be empty). */
export function jumpHostsForDisplay(draft: Pick<ProfileDraft, 'jumpHosts'>): JumpHost[] {
  return draft.jumpHosts.map((hop) =>
    hop.mode === 'profile'
      ? { profileId: hop.profileId || '?' }
      : { host: hop.host.trim() || '?', port: 22, username: hop.username, auth: hop.auth },
  );
}

// ---- draft → profile, with issues --------------------------------------------------------------

type Path = (string | number)[];
interface PathIssue {
  path: Path;
  message: string;
}

/** The object the schemas check, and the problems found before them (numbers that are not). */
export function draftToInput(draft: ProfileDraft): {
  input: Record<string, unknown>;
  issues: PathIssue[];
} {
  const issues: PathIssue[] = [];
  const number = (text: string, path: Path, emptyMessage?: string): number => {
    const read = readNumber(text, emptyMessage);
    if (read.ok) return read.value;
    issues.push({ path, message: read.message });
    return Number.NaN;
  };
  const ms = (text: string, path: Path): number => {
    const seconds = number(text, path);
    return Number.isNaN(seconds) ? seconds : Math.round(seconds * 1000);
  };

  const auth = draft.auth.map((a): AuthMethod => {
    switch (a.type) {
      case 'key':
        return { type: 'key', path: a.path };
      case 'agent':
        return a.socket.trim() ? { type: 'agent', socket: a.socket } : { type: 'agent' };
      default:
        return { type: a.type };
    }
  });

  const jumpHosts = draft.jumpHosts.map((hop, i) =>
    hop.mode === 'profile'
      ? { profileId: hop.profileId }
      : {
          host: hop.host,
          port: number(hop.port, ['jumpHosts', i, 'port']),
          username: hop.username,
          auth: hop.auth,
        },
  );

  const forwards = draft.forwards.map((f, i) => {
    const common = {
      id: f.id,
      type: f.type,
      ...(f.name.trim() ? { name: f.name } : {}),
      enabled: f.enabled,
      bindHost: bindHostOf(f),
      bindPort: number(
        f.bindPort,
        ['forwards', i, 'bindPort'],
        'must not be empty (0 = any free port)',
      ),
    };
    if (f.type === 'dynamic') return common;
    return {
      ...common,
      targetHost: f.targetHost,
      targetPort: number(f.targetPort, ['forwards', i, 'targetPort']),
    };
  });

  const input: Record<string, unknown> = {
    ...(draft.id !== undefined ? { id: draft.id } : {}),
    name: draft.name,
    host: draft.host,
    port: number(draft.port, ['port']),
    username: draft.username,
    auth,
    jumpHosts,
    forwards,
    keepalive: {
      intervalSeconds: number(draft.keepaliveInterval, ['keepalive', 'intervalSeconds']),
      maxMissed: number(draft.keepaliveMaxMissed, ['keepalive', 'maxMissed']),
    },
    reconnect: {
      enabled: draft.reconnectEnabled,
      initialDelayMs: ms(draft.reconnectInitial, ['reconnect', 'initialDelayMs']),
      maxDelayMs: ms(draft.reconnectMax, ['reconnect', 'maxDelayMs']),
      jitter: draft.reconnectJitter,
    },
    connectTimeoutSeconds: number(draft.connectTimeout, ['connectTimeoutSeconds']),
    ...(draft.group.trim() ? { group: draft.group } : {}),
    tags: parseTags(draft.tags),
    autoStart: draft.autoStart,
  };
  return { input, issues };
}

/**
 * The reconnect delays are stored in milliseconds but edited in seconds: their schema messages
 * would name the wrong unit. Every other field keeps the shared schema's own message.
 */
const SECONDS_MESSAGES: Record<string, string> = {
  'reconnect.initialDelayMs': 'must be from 0.1 to 3600 seconds',
  'reconnect.maxDelayMs': 'must be from 0.1 to 3600 seconds',
};

function plainMessage(issue: z.core.$ZodIssue): string {
  const path = formatPath(issue.path);
  if (path === 'reconnect.maxDelayMs' && issue.code === 'custom')
    return 'must not be shorter than the first retry';
  const seconds = SECONDS_MESSAGES[path];
  if (seconds) return seconds;
  if (issue.code === 'too_big' && issue.origin === 'string')
    return `is too long (at most ${String(issue.maximum)} characters)`;
  return issue.message;
}

export type Validation =
  | { ok: true; issues: []; profile: z.output<typeof NewProfileSchema> }
  | { ok: false; issues: EditorIssue[]; profile: null };

/**
 * Checks the whole draft with the shared schema (ProfileSchema when editing, NewProfileSchema for
 * a new one), plus what the schema cannot say field by field: numbers that are not numbers,
 * typed-in jump hosts (the schema's union only says "must be either…"), unchosen or vanished
 * jump-host profiles. Each issue lands on the key of the field that shows it.
 */
export function validateDraft(
  draft: ProfileDraft,
  profiles: readonly Pick<Profile, 'id'>[] | null = null,
): Validation {
  const { input, issues: local } = draftToInput(draft);

  draft.jumpHosts.forEach((hop, i) => {
    if (hop.mode === 'profile') {
      if (!hop.profileId)
        local.push({ path: ['jumpHosts', i, 'profileId'], message: 'choose a saved profile' });
      else if (profiles && !profiles.some((p) => p.id === hop.profileId))
        local.push({
          path: ['jumpHosts', i, 'profileId'],
          message: `names a profile that no longer exists ("${hop.profileId}")`,
        });
      return;
    }
    const parsed = InlineJumpHostSchema.safeParse((input.jumpHosts as unknown[])[i]);
    if (!parsed.success)
      for (const issue of parsed.error.issues)
        local.push({
          path: ['jumpHosts', i, ...(issue.path as Path)],
          message: plainMessage(issue),
        });
  });

  const schema = draft.id !== undefined ? ProfileSchema : NewProfileSchema;
  const parsed = schema.safeParse(input);
  const localPaths = new Set(local.map((i) => formatPath(i.path)));
  const found: PathIssue[] = [...local];
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const path = issue.path as Path;
      // A jump host's union error is covered, field by field, by the checks above.
      if (path[0] === 'jumpHosts' && path.length === 2) continue;
      if (localPaths.has(formatPath(path))) continue;
      found.push({ path, message: plainMessage(issue) });
    }
  }

  const tags = parseTags(draft.tags);
  const issues = dedupe(
    found.map((issue) => ({
      key: keyOf(draft, issue.path),
      message:
        issue.path[0] === 'tags' && typeof issue.path[1] === 'number'
          ? `"${tags[issue.path[1]] ?? ''}" ${issue.message}`
          : issue.message,
    })),
  );
  if (issues.length || !parsed.success) return { ok: false, issues, profile: null };
  return { ok: true, issues: [], profile: parsed.data };
}

function dedupe(issues: EditorIssue[]): EditorIssue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    if (seen.has(i.key)) return false;
    seen.add(i.key);
    return true;
  });
}

const LISTS = ['forwards', 'auth', 'jumpHosts'] as const;
type ListName = (typeof LISTS)[number];

function isList(name: unknown): name is ListName {
  return (LISTS as readonly unknown[]).includes(name);
}

function itemKey(draft: ProfileDraft, list: ListName, index: number): string | undefined {
  if (list === 'forwards') return draft.forwards[index]?.id;
  return draft[list][index]?.key;
}

/** The field key for a schema path: `['forwards', 0, 'bindPort']` → `forwards#f-1.bindPort`. */
export function keyOf(draft: ProfileDraft, path: readonly (string | number)[]): string {
  const [head, index, ...rest] = path;
  if (head === 'tags') return 'tags';
  if (isList(head) && typeof index === 'number') {
    const key = itemKey(draft, head, index) ?? String(index);
    return [`${head}#${key}`, ...rest.map(String)].join('.');
  }
  return path.map(String).join('.');
}

/** Keys of the fields a forward card shows start with this. */
export function forwardKey(id: string, field?: string): string {
  return field ? `forwards#${id}.${field}` : `forwards#${id}`;
}

export function authKey(key: string, field?: string): string {
  return field ? `auth#${key}.${field}` : `auth#${key}`;
}

export function jumpKey(key: string, field?: string): string {
  return field ? `jumpHosts#${key}.${field}` : `jumpHosts#${key}`;
}

/**
 * A path as main reports it (`profile.forwards[0].bindPort`, or with dots for indexes) as a
 * field key of this draft.
 */
export function keyOfServerPath(draft: ProfileDraft, path: string): string {
  const parts: (string | number)[] = (path.match(/[^.[\]]+/g) ?? []).map((p) =>
    /^\d+$/.test(p) ? Number(p) : p,
  );
  if (parts[0] === 'profile') parts.shift();
  return keyOf(draft, parts);
}

const ADVANCED_KEYS = /^(keepalive|reconnect|connectTimeoutSeconds)\b/;

/** Which forward cards (by id) and whether the advanced section hold fields with these issues. */
export function placesOf(issues: readonly EditorIssue[]): {
  forwards: string[];
  advanced: boolean;
} {
  const forwards = new Set<string>();
  let advanced = false;
  for (const { key } of issues) {
    const forward = /^forwards#([^.]+)/.exec(key);
    if (forward) forwards.add(forward[1]!);
    if (ADVANCED_KEYS.test(key)) advanced = true;
  }
  return { forwards: [...forwards], advanced };
}

// ---- words for keys ------------------------------------------------------------------------------

const FIELD_LABELS: Record<string, string> = {
  name: 'Name',
  host: 'Host',
  port: 'Port',
  username: 'User',
  auth: 'Login methods',
  jumpHosts: 'Jump hosts',
  forwards: 'Forwards',
  'keepalive.intervalSeconds': 'Keepalive interval',
  'keepalive.maxMissed': 'Missed keepalives',
  'reconnect.initialDelayMs': 'First retry after',
  'reconnect.maxDelayMs': 'Longest wait between retries',
  'reconnect.jitter': 'Retry jitter',
  connectTimeoutSeconds: 'Connect timeout',
  group: 'Group',
  tags: 'Tags',
};

const ITEM_FIELD_LABELS: Record<string, string> = {
  bindHost: 'listen address',
  bindPort: 'listen port',
  targetHost: 'target host',
  targetPort: 'target port',
  name: 'name',
  id: 'id',
  path: 'key file',
  socket: 'agent socket',
  host: 'host',
  port: 'port',
  username: 'user',
  profileId: 'saved profile',
};

/** Where a field is, for the list of problems: "Forward 2 (db): listen port". */
export function describeKey(draft: ProfileDraft, key: string): string {
  const match = /^(forwards|auth|jumpHosts)#([^.]+)(?:\.(.+))?$/.exec(key);
  if (!match) return FIELD_LABELS[key] ?? key;
  const [, list, item, field] = match as unknown as [string, ListName, string, string | undefined];
  const fieldLabel = field ? (ITEM_FIELD_LABELS[field] ?? field) : '';
  let where: string;
  if (list === 'forwards') {
    const index = draft.forwards.findIndex((f) => f.id === item);
    const name = draft.forwards[index]?.name.trim();
    where = `Forward ${index + 1}${name ? ` (${name})` : ''}`;
  } else if (list === 'auth') {
    where = `Login method ${draft.auth.findIndex((a) => a.key === item) + 1}`;
  } else {
    where = `Jump host ${draft.jumpHosts.findIndex((j) => j.key === item) + 1}`;
  }
  return fieldLabel ? `${where}: ${fieldLabel}` : where;
}

/** A schema message as a sentence under its field: "must not be empty" → "Must not be empty." */
export function sentence(message: string): string {
  const text = message.trim();
  if (!text) return text;
  const capital = text[0]!.toUpperCase() + text.slice(1);
  return /[.!?]$/.test(capital) ? capital : `${capital}.`;
}
