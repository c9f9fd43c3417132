import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import type { InputStream, OutputStream } from './io';

/** Questions asked on the user's terminal. */
export interface Terminal {
  /** Shows lines of context (not a question). */
  say(text: string): void;
  /**
   * Asks one question; `secret` hides what is typed. Resolves null when the user ends input
   * (Ctrl-D), presses Ctrl-C, or `signal` aborts.
   */
  ask(question: string, options: { secret: boolean; signal?: AbortSignal }): Promise<string | null>;
}

export interface TerminalOptions {
  /** Ctrl-C at a prompt: raw mode keeps it from reaching the process as a signal; pass it on. */
  onInterrupt?: () => void;
}

/**
 * A readline per question, closed right after, so stdin is not held open (or left in raw mode)
 * between prompts and the process can exit when the tunnels stop.
 */
export function createTerminal(
  input: InputStream,
  output: OutputStream,
  options: TerminalOptions = {},
): Terminal {
  return {
    say(text) {
      output.write(text.endsWith('\n') ? text : `${text}\n`);
    },
    ask(question, { secret, signal }) {
      return new Promise((resolve) => {
        if (signal?.aborted) return resolve(null);
        const muted = mutableOutput(output);
        const rl = createInterface({ input, output: muted.stream, terminal: true });
        let done = false;
        const finish = (answer: string | null) => {
          if (done) return;
          done = true;
          signal?.removeEventListener('abort', onAbort);
          muted.set(false);
          // The Enter of a hidden answer was not echoed either; end its line ourselves.
          if (secret || answer === null) output.write('\n');
          rl.close();
          resolve(answer);
        };
        const onAbort = () => finish(null);
        signal?.addEventListener('abort', onAbort);
        rl.on('close', () => finish(null));
        rl.on('SIGINT', () => {
          // finish first, to end the prompt's line; whoever awaits the answer only sees it after
          // onInterrupt has run, since promise callbacks wait for this handler to return.
          finish(null);
          options.onInterrupt?.();
        });
        rl.question(question, (answer) => finish(answer));
        // Mute only after readline has written the question itself.
        muted.set(secret);
      });
    },
  };
}

/** A pass-through to the terminal that can be switched off while a secret is typed. */
function mutableOutput(target: OutputStream) {
  let muted = false;
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      if (!muted) target.write(chunk.toString());
      callback();
    },
  });
  // readline lays out the line with these; it must see the real terminal's.
  Object.defineProperty(stream, 'isTTY', { get: () => target.isTTY });
  Object.defineProperty(stream, 'columns', { get: () => target.columns });
  return {
    stream,
    set(value: boolean) {
      muted = value;
    },
  };
}
