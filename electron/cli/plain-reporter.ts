import type { ErrorKind, Profile, ProfileStatus } from '../../shared';
import { describeForward, formatError, hostPort, secondsUntil } from './format';
import type { OutputStream } from './io';
import type { StatusReporter } from './reporter';
import { StatusDiffer, type StatusEvent } from './status-events';

/**
 * Output to a pipe or file: one line per state change, no ANSI codes, no counters (they change
 * all the time and would drown the changes that matter).
 */
export class PlainReporter implements StatusReporter {
  private readonly differ: StatusDiffer;

  constructor(
    private readonly out: OutputStream,
    private readonly profiles: ReadonlyMap<string, Profile>,
    private readonly now: () => number = Date.now,
  ) {
    this.differ = new StatusDiffer((id) => profiles.get(id)?.name ?? id);
  }

  update(changed: readonly ProfileStatus[], removed: readonly string[] = []): void {
    const lines = this.differ
      .apply(changed, this.now())
      .map((e) => formatEventLine(e, this.profiles, this.now()))
      .filter((line): line is string => line !== undefined);
    this.differ.remove(removed);
    if (lines.length > 0) this.out.write(lines.map((l) => `${l}\n`).join(''));
  }

  notice(line: string): void {
    this.out.write(`${line}\n`);
  }

  pause(): void {}

  resume(): void {}

  close(): void {}
}

/** A status event as one line for people; undefined for counters. */
export function formatEventLine(
  event: StatusEvent,
  profiles: ReadonlyMap<string, Profile>,
  now: number,
): string | undefined {
  switch (event.type) {
    case 'session': {
      if (event.state === 'reconnecting') {
        const wait = secondsUntil(event.retryAt ?? now, now);
        return `${event.profile}: reconnecting, attempt ${event.attempt} in ${wait}s${withError(event)}`;
      }
      return `${event.profile}: ${event.state}${withError(event)}`;
    }
    case 'forward': {
      const label = forwardLabel(profiles, event.profileId, event.forward);
      if (
        event.state === 'active' &&
        event.bindHost !== undefined &&
        event.bindPort !== undefined
      ) {
        return `${event.profile}: ${label}: active on ${hostPort(event.bindHost, event.bindPort)}`;
      }
      return `${event.profile}: ${label}: ${event.state}${withError(event)}`;
    }
    case 'forward-error': {
      const label = forwardLabel(profiles, event.profileId, event.forward);
      return `${event.profile}: ${label}: a connection failed${withError(event)}`;
    }
    case 'counters':
      return undefined;
  }
}

function withError(event: { kind?: ErrorKind; message?: string }): string {
  if (event.kind === undefined || event.message === undefined) return '';
  return `: ${formatError({ kind: event.kind, message: event.message })}`;
}

export function forwardLabel(
  profiles: ReadonlyMap<string, Profile>,
  profileId: string,
  forwardId: string,
): string {
  const forward = profiles.get(profileId)?.forwards.find((f) => f.id === forwardId);
  return forward ? describeForward(forward) : forwardId;
}
