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

  it('takes the signals alone while installed, so a library that re-raises them cannot fake a second one', () => {
    const exit = vi.spyOn(process, 'exit').mockImplementation((() => undefined) as never);
    // Like when-exit (pulled in by conf): on a signal it re-sends the same signal to the process.
    const reraise = (signal: NodeJS.Signals) => () => process.emit(signal);
    const libraryInt = reraise('SIGINT');
    const libraryTerm = reraise('SIGTERM');
    process.once('SIGINT', libraryInt);
    process.once('SIGTERM', libraryTerm);
    const listener = vi.fn();
    const off = onShutdownSignal(listener);
    try {
      process.emit('SIGINT');
      expect(listener).toHaveBeenCalledTimes(1);
      expect(exit).not.toHaveBeenCalled();
    } finally {
      off();
    }
    // Handed back as they were.
    expect(process.listeners('SIGINT')).toEqual([libraryInt]);
    expect(process.listeners('SIGTERM')).toEqual([libraryTerm]);
    process.off('SIGINT', libraryInt);
    process.off('SIGTERM', libraryTerm);
  });
});
