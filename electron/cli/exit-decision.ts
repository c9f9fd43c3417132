import { isFatalKind, type EngineSnapshot, type ErrorInfo, type Profile } from '../../shared';
import { EXIT } from './cli-error';

export interface ProfileFailure {
  profile: Profile;
  /** What stopped it: the session's error, or why `start` itself failed. */
  error: ErrorInfo | { kind?: undefined; message: string };
}

export interface ExitDecision {
  code: number;
  failures: ProfileFailure[];
}

/**
 * Whether `up` should give up: once no chosen profile can run any more (each has stopped, or
 * failed in a way the engine will not retry) and at least one of them failed. A profile still
 * connecting, connected or reconnecting keeps the CLI running. Only asked after every `start`
 * settled, with a fresh snapshot, so a profile that merely has not begun is never taken for dead.
 */
export function decideExit(
  profiles: readonly Profile[],
  snapshot: EngineSnapshot,
  startFailures: ReadonlyMap<string, string> = new Map(),
): ExitDecision | undefined {
  const failures: ProfileFailure[] = [];
  for (const profile of profiles) {
    const startFailure = startFailures.get(profile.id);
    if (startFailure !== undefined) {
      failures.push({ profile, error: { message: startFailure } });
      continue;
    }
    const session = snapshot.profiles[profile.id]?.session ?? { state: 'stopped' };
    if (session.state === 'stopped') continue;
    // The engine retries everything but fatal kinds, unless the profile turned reconnect off.
    if (
      session.state === 'error' &&
      (isFatalKind(session.error.kind) || !profile.reconnect.enabled)
    ) {
      failures.push({ profile, error: session.error });
      continue;
    }
    return undefined;
  }
  // Everything stopped with no error is not a reason to quit: `up` runs until told to stop.
  return failures.length > 0 ? { code: EXIT.failed, failures } : undefined;
}
