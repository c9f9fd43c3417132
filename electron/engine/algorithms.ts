import type { Algorithms } from 'ssh2';
import ssh2Constants from 'ssh2/lib/protocol/constants.js';

/** Fastest cipher in ssh2 on these machines (DESIGN.md section 6: ~30% faster than chacha20). */
const PREFERRED_CIPHER = 'aes128-gcm@openssh.com';

/** Host key algorithms that verify a key of a given type from known_hosts. */
function algorithmsForKeyType(keyType: string): string[] {
  return keyType === 'ssh-rsa' ? ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'] : [keyType];
}

/**
 * Negotiation preferences: aes128-gcm first, and host key algorithms already known for this host
 * first (as OpenSSH does), so a server with several host keys is checked against the one we
 * have instead of triggering a needless "unknown key" prompt.
 */
export function algorithmsFor(knownKeyTypes: string[]): Algorithms {
  const preferredHostKeys = knownKeyTypes
    .flatMap(algorithmsForKeyType)
    .filter((algo) => ssh2Constants.SUPPORTED_SERVER_HOST_KEY.includes(algo));
  const algorithms: Algorithms = {
    cipher: {
      remove: PREFERRED_CIPHER,
      prepend: PREFERRED_CIPHER,
    } as unknown as Algorithms['cipher'],
  };
  if (preferredHostKeys.length > 0) {
    algorithms.serverHostKey = {
      remove: preferredHostKeys,
      prepend: preferredHostKeys,
    } as unknown as Algorithms['serverHostKey'];
  }
  return algorithms;
}
