import type { PromptAnswer, PromptHandler, PromptOptions, PromptRequest } from '../../shared';
import type { SecretRef, SecretStore } from './secrets';

/** A question asked again this soon after a saved answer means the saved value was wrong. */
export const SAVED_ANSWER_RETRY_WINDOW_MS = 60_000;

/** The saved secret a question is about, if it is one we save. */
export function secretRefFor(request: PromptRequest): SecretRef | undefined {
  if (request.kind === 'password' && request.username) {
    return {
      profileId: request.profileId,
      kind: 'password',
      target: passwordTarget(request.username, request.host, request.port),
    };
  }
  if (request.kind === 'passphrase') {
    return { profileId: request.profileId, kind: 'passphrase', target: request.keyPath };
  }
  return undefined;
}

/** `user@host:port`: a password belongs to an account on one server (a jump host has its own). */
export function passwordTarget(username: string, host: string, port: number): string {
  return `${username}@${host}:${port}`;
}

/**
 * Answers password and passphrase questions from saved secrets, and passes everything else (and
 * anything not saved) to `prompt`. If the same question comes back within a minute of a saved
 * answer, the saved value was refused: the user is asked instead of retrying it in a loop.
 */
export function withSavedSecrets(
  prompt: PromptHandler,
  secrets: SecretStore,
  options: { now?: () => number } = {},
): PromptHandler {
  const now = options.now ?? Date.now;
  const answeredAt = new Map<string, number>();
  const handler = async <R extends PromptRequest>(
    request: R,
    promptOptions?: PromptOptions,
  ): Promise<PromptAnswer<R>> => {
    const ref = secretRefFor(request);
    if (ref) {
      const key = JSON.stringify([ref.profileId, ref.kind, ref.target]);
      const last = answeredAt.get(key);
      const recentlyTried = last !== undefined && now() - last < SAVED_ANSWER_RETRY_WINDOW_MS;
      if (!recentlyTried) {
        const saved = secrets.get(ref);
        if (saved !== undefined) {
          answeredAt.set(key, now());
          return saved as PromptAnswer<R>;
        }
      }
    }
    return prompt(request, promptOptions);
  };
  return handler;
}
