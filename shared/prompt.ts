/**
 * Every question the engine needs answered goes through one async prompt callback that the caller
 * supplies: the GUI shows a dialog, the CLI asks on the terminal or reads the environment.
 */

export interface PromptContext {
  /** The profile being connected, and the host this question is about (may be a jump host). */
  profileId: string;
  host: string;
  port: number;
  username?: string;
}

export type PromptRequest =
  | (PromptContext & {
      kind: 'host-key';
      keyType: string;
      /** `SHA256:` + unpadded base64, as `ssh-keygen -lf` prints it. */
      fingerprint: string;
    })
  | (PromptContext & { kind: 'password' })
  | (PromptContext & { kind: 'passphrase'; keyPath: string })
  | (PromptContext & {
      kind: 'keyboard-interactive';
      name: string;
      instructions: string;
      prompts: { prompt: string; echo: boolean }[];
    });

export type HostKeyDecision = 'accept-once' | 'accept-save' | 'reject';

/** What each request kind is answered with; `null` means the user cancelled. */
export interface PromptAnswers {
  'host-key': HostKeyDecision;
  password: string | null;
  passphrase: string | null;
  'keyboard-interactive': string[] | null;
}

export type PromptAnswer<R extends PromptRequest> = PromptAnswers[R['kind']];

export interface PromptOptions {
  /** Aborted when the answer is no longer needed (the profile was stopped): close the dialog. */
  signal?: AbortSignal;
}

export type PromptHandler = <R extends PromptRequest>(
  request: R,
  options?: PromptOptions,
) => Promise<PromptAnswer<R>>;
