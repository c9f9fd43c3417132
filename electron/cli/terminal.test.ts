import { PassThrough } from 'node:stream';
import { describe, expect, it, vi } from 'vitest';
import { createTerminal } from './terminal';
import { CapturedOutput } from './test-helpers';

// readline runs in terminal mode over any stream, so a PassThrough can play the keyboard.
function setup() {
  const input = new PassThrough();
  const output = new CapturedOutput(true, 80);
  const onInterrupt = vi.fn();
  const terminal = createTerminal(input, output, { onInterrupt });
  return { input, output, terminal, onInterrupt };
}

describe('createTerminal', () => {
  it('echoes an ordinary answer', async () => {
    const { input, output, terminal } = setup();
    const answer = terminal.ask('Code? ', { secret: false });
    input.write('123\r');
    expect(await answer).toBe('123');
    expect(output.text).toContain('Code? ');
    expect(output.text).toContain('123');
  });

  it('never shows a secret as it is typed', async () => {
    const { input, output, terminal } = setup();
    const answer = terminal.ask('Password: ', { secret: true });
    input.write('hunter2\r');
    expect(await answer).toBe('hunter2');
    expect(output.text).toContain('Password: ');
    expect(output.text).not.toContain('hunter2');
    expect(output.text.endsWith('\n')).toBe(true);
  });

  it('cancels on Ctrl-C and passes the interrupt on', async () => {
    const { input, terminal, onInterrupt } = setup();
    const answer = terminal.ask('Password: ', { secret: true });
    input.write('\x03');
    expect(await answer).toBeNull();
    expect(onInterrupt).toHaveBeenCalledOnce();
  });

  it('cancels when aborted', async () => {
    const { terminal } = setup();
    const abort = new AbortController();
    const answer = terminal.ask('Password: ', { secret: true, signal: abort.signal });
    abort.abort();
    expect(await answer).toBeNull();
  });
});
