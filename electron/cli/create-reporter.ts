import type { Profile } from '../../shared';
import type { CliIo } from './io';
import { JsonReporter } from './json-reporter';
import { LiveReporter } from './live-reporter';
import { PlainReporter } from './plain-reporter';
import type { StatusReporter } from './reporter';

/** --json for scripts; a live table for a person at a terminal; plain lines for a log. */
export function createReporter(
  json: boolean,
  io: CliIo,
  profiles: readonly Profile[],
  now: () => number = Date.now,
): StatusReporter {
  const byId = new Map(profiles.map((p) => [p.id, p]));
  if (json) return new JsonReporter(io.stdout, io.stderr, (id) => byId.get(id)?.name ?? id, now);
  if (io.stdout.isTTY) return new LiveReporter(io.stdout, profiles, now);
  return new PlainReporter(io.stdout, byId, now);
}
