import {
  ProfileSchema,
  type ForwardStatus,
  type Profile,
  type ProfileInput,
  type PromptAnswers,
  type PromptRequest,
  type SessionState,
} from '../../shared';
import type { LogEntry } from '../../electron/engine/api';
import { TunnelManager } from '../../electron/engine/manager';
import { sleep } from '../support/net';

type Answerer = {
  [K in keyof PromptAnswers]?: (
    req: Extract<PromptRequest, { kind: K }>,
  ) => PromptAnswers[K] | Promise<PromptAnswers[K]>;
};

/**
 * A real TunnelManager with a scripted "user": answers come from `answers`, and every question
 * asked is recorded so tests can check what a person would have seen.
 */
export function makeEngine(options: {
  knownHostsPath: string;
  answers?: Answerer;
  resolveProfile?: (id: string) => Profile | undefined;
}) {
  const prompts: PromptRequest[] = [];
  /** The abort signal passed with each question, in the same order as `prompts`. */
  const signals: (AbortSignal | undefined)[] = [];
  const logs: LogEntry[] = [];
  const answers = options.answers ?? {};
  const engine = new TunnelManager({
    knownHostsPath: options.knownHostsPath,
    resolveProfile: options.resolveProfile,
    statusIntervalMs: 20,
    prompt: async (request, options) => {
      prompts.push(request);
      signals.push(options?.signal);
      const answer = (answers as Record<string, ((r: PromptRequest) => unknown) | undefined>)[
        request.kind
      ];
      if (answer) return (await answer(request)) as never;
      return (request.kind === 'host-key' ? 'reject' : null) as never;
    },
  });
  engine.onDidLog((entry) => logs.push(entry));

  const session = (profileId: string): SessionState | undefined =>
    engine.snapshot().profiles[profileId]?.session;
  const forward = (profileId: string, forwardId: string): ForwardStatus | undefined =>
    engine.snapshot().profiles[profileId]?.forwards[forwardId];

  return {
    engine,
    prompts,
    signals,
    logs,
    session,
    forward,
    async waitForSession(
      profileId: string,
      state: SessionState['state'],
      timeoutMs = 15_000,
    ): Promise<SessionState> {
      await waitUntil(
        () => session(profileId)?.state === state,
        timeoutMs,
        () =>
          `session ${profileId} to be ${state}; it is ${JSON.stringify(session(profileId))}\n${logText(logs)}`,
      );
      return session(profileId)!;
    },
    async waitForForward(
      profileId: string,
      forwardId: string,
      state: string,
      timeoutMs = 15_000,
    ): Promise<ForwardStatus> {
      await waitUntil(
        () => forward(profileId, forwardId)?.state.state === state,
        timeoutMs,
        () =>
          `forward ${forwardId} to be ${state}; it is ${JSON.stringify(forward(profileId, forwardId))}\n${logText(logs)}`,
      );
      return forward(profileId, forwardId)!;
    },
    /** The port an active forward is bound to (fails the test if it is not active). */
    boundPort(profileId: string, forwardId: string): number {
      const state = forward(profileId, forwardId)?.state;
      if (state?.state !== 'active')
        throw new Error(`forward ${forwardId} is not active: ${JSON.stringify(state)}`);
      return state.bindPort;
    },
  };
}

/** Polls until `predicate` holds; the failure message is built late, with the state at that time. */
export async function waitUntil(
  predicate: () => boolean,
  timeoutMs: number,
  describe: () => string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${describe()}`);
    await sleep(10);
  }
}

function logText(logs: LogEntry[]): string {
  return logs.map((l) => `  [${l.level}] ${l.message}`).join('\n');
}

/** A profile that logs in to a test sshd with a test key and carries `forwards`. */
export function keyProfile(
  server: { host: string; port: number; user: string },
  keyPath: string,
  forwards: unknown[] = [],
): Profile {
  return testProfile({
    host: server.host,
    port: server.port,
    username: server.user,
    auth: [{ type: 'key', path: keyPath }],
    forwards: forwards as never,
  });
}

let counter = 0;

/** A valid profile with test-friendly timings (fast reconnects) and the given overrides. */
export function testProfile(
  input: Omit<ProfileInput, 'id' | 'name'> & { id?: string; name?: string },
): Profile {
  counter += 1;
  return ProfileSchema.parse({
    id: `p${counter}`,
    name: `profile ${counter}`,
    connectTimeoutSeconds: 10,
    reconnect: { initialDelayMs: 200, maxDelayMs: 1000, jitter: 0 },
    ...input,
  });
}
