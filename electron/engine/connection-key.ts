import type { Profile } from '../../shared';
import type { HopSpec } from './ssh-connection';

/** Everything about a profile that needs a new SSH session when it changes. */
export function connectionKey(profile: Profile, hops: HopSpec[]): string {
  return JSON.stringify([hops, profile.keepalive, profile.connectTimeoutSeconds]);
}
