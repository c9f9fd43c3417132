import { afterEach, describe, expect, it, vi } from 'vitest';
import { onShutdownSignal } from './signals';

describe('onShutdownSignal', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('stops cleanly on the first signal and quits with 130 on the second', () => {
    const exit = vi.spyOn(process, 'exit').mockImplementation((() => undefined) as never);
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const listener = vi.fn();
    const off = onShutdownSignal(listener);
    try {
      process.emit('SIGTERM');
      expect(listener).toHaveBeenCalledTimes(1);
      expect(exit).not.toHaveBeenCalled();
      process.emit('SIGINT');
      expect(listener).toHaveBeenCalledTimes(1);
      expect(exit).toHaveBeenCalledWith(130);
      expect(stderr).toHaveBeenCalledWith(expect.stringContaining('interrupted again'));
    } finally {
      off();
    }
    expect(process.listenerCount('SIGINT')).toBe(0);
  });
});
