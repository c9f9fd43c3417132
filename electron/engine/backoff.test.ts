import { describe, expect, it } from 'vitest';
import { backoffDelay } from './backoff';

const config = { initialDelayMs: 1000, maxDelayMs: 60_000, jitter: 0.2 };

describe('backoffDelay', () => {
  it('doubles from the initial delay up to the cap', () => {
    const noJitter = () => 0.5;
    expect([1, 2, 3, 4, 5, 6, 7, 8].map((n) => backoffDelay(n, config, noJitter))).toEqual([
      1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000,
    ]);
  });

  it('spreads each delay by the jitter fraction, never beyond the cap', () => {
    expect(backoffDelay(1, config, () => 0)).toBe(800);
    expect(backoffDelay(1, config, () => 1)).toBe(1200);
    expect(backoffDelay(30, config, () => 1)).toBe(60_000);
    expect(backoffDelay(1000, config, () => 0)).toBe(48_000);
  });
});
