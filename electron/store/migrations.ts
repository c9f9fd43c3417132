/**
 * Schema versions of the stored file (`profiles.json`) and the forward migrations between them.
 * Each migration takes the whole stored object of version N-1 and returns version N. Migrations
 * never throw on odd data: they convert what they recognise and pass the rest through, so the
 * validation that follows names every field that is still wrong (and the original is backed up).
 *
 * Version 1: Burrow's first prototype. ssh-like forward strings and one optional key file:
 *
 * ```json
 * { "schemaVersion": 1,
 *   "profiles": [
 *     { "id": "web", "name": "Web", "host": "bastion.example", "port": 22, "user": "deploy",
 *       "keyFile": "~/.ssh/id_ed25519",
 *       "forwards": [
 *         { "id": "db", "name": "db", "kind": "L", "listen": "5432", "target": "db.internal:5432" },
 *         { "id": "ui", "kind": "L", "listen": "[::1]:8080", "target": "10.0.0.5:80" },
 *         { "id": "hook", "kind": "R", "listen": "0.0.0.0:9000", "target": "3000" },
 *         { "id": "socks", "kind": "D", "listen": "1080" } ] } ] }
 * ```
 *
 * - `kind`: `L` outgoing (-L), `R` incoming (-R), `D` dynamic SOCKS (-D).
 * - `listen`: `"port"`, `"host:port"` or `"[ipv6]:port"`; a bare port listens on loopback, `*`
 *   (as in ssh) on every interface.
 * - `target` (L and R): `"host:port"`, `"[ipv6]:port"` or a bare `"port"` meaning loopback at the
 *   far end.
 * - `user` became `username`; `keyFile` became `auth: [{type:'key', path}, {type:'agent'}]`, and a
 *   profile without one gets the default login methods.
 * - A file with `profiles` but no `schemaVersion` is read as version 1 (the prototype's first
 *   builds wrote none). Every conversion only touches v1-shaped fields, so data that is already
 *   in the newer shape passes through unchanged.
 *
 * Version 2 (current): `{ schemaVersion: 2, profiles: Profile[], secrets?: SecretEntry[] }` with
 * profiles exactly as the shared `ProfileSchema` describes them.
 */

export const CURRENT_SCHEMA_VERSION = 2;

export type StoredObject = Record<string, unknown>;
type Migration = (data: StoredObject) => StoredObject;

/** Keyed by the version each migration produces. */
export const MIGRATIONS: Readonly<Record<number, Migration>> = {
  2: migrateV1toV2,
};

/** Applies every migration after `fromVersion` up to the current version. */
export function migrateToCurrent(data: StoredObject, fromVersion: number): StoredObject {
  let out = data;
  for (let v = fromVersion + 1; v <= CURRENT_SCHEMA_VERSION; v++) {
    const migration = MIGRATIONS[v];
    if (!migration) throw new Error(`no migration to schema version ${v}`);
    out = { ...migration(out), schemaVersion: v };
  }
  return out;
}

function migrateV1toV2(data: StoredObject): StoredObject {
  const profiles = data.profiles;
  if (!Array.isArray(profiles)) return data;
  return { ...data, profiles: profiles.map(migrateProfileV1) };
}

function isObject(value: unknown): value is StoredObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function migrateProfileV1(profile: unknown): unknown {
  if (!isObject(profile)) return profile;
  const { user, keyFile, forwards, ...rest } = profile;
  const out: StoredObject = { ...rest };
  if (user !== undefined && out.username === undefined) out.username = user;
  if (keyFile !== undefined && out.auth === undefined) {
    out.auth =
      typeof keyFile === 'string' && keyFile.trim() !== ''
        ? [{ type: 'key', path: keyFile }, { type: 'agent' }]
        : // Leave an odd value visible to validation rather than silently dropping it.
          [{ type: 'key', path: keyFile }];
  }
  if (forwards !== undefined) {
    out.forwards = Array.isArray(forwards) ? forwards.map(migrateForwardV1) : forwards;
  }
  return out;
}

const KIND_TO_TYPE: Record<string, string> = { L: 'local', R: 'remote', D: 'dynamic' };

function migrateForwardV1(forward: unknown): unknown {
  if (!isObject(forward) || typeof forward.kind !== 'string' || 'type' in forward) return forward;
  const { kind, listen, target, ...rest } = forward;
  const type = KIND_TO_TYPE[kind] ?? kind;
  const out: StoredObject = { ...rest, type };
  const bind = parseEndpoint(listen);
  if (bind.host !== undefined) out.bindHost = bind.host === '*' ? '0.0.0.0' : bind.host;
  out.bindPort = bind.port;
  if (type !== 'dynamic' && target !== undefined) {
    const to = parseEndpoint(target);
    out.targetHost = to.host ?? '127.0.0.1';
    out.targetPort = to.port;
  }
  return out;
}

/**
 * `"8080"`, `"host:8080"`, `"[::1]:8080"`. A port that is not digits is passed on as it was, so
 * validation reports it (`bindPort: must be a port number`) and the backup keeps the original.
 */
export function parseEndpoint(value: unknown): { host?: string; port: unknown } {
  if (typeof value === 'number') return { port: value };
  if (typeof value !== 'string') return { port: value };
  const text = value.trim();
  const bracketed = /^\[([^\]]*)\]:(.*)$/.exec(text);
  let host: string | undefined;
  let port: string;
  if (bracketed) {
    host = bracketed[1];
    port = bracketed[2] ?? '';
  } else {
    const colon = text.lastIndexOf(':');
    // More than one colon without brackets is a bare IPv6 address with no port: leave it whole.
    if (colon === -1 || text.indexOf(':') !== colon) port = text;
    else {
      host = text.slice(0, colon);
      port = text.slice(colon + 1);
    }
  }
  return { host: host === '' ? '*' : host, port: /^\d+$/.test(port) ? Number(port) : port };
}
