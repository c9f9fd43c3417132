import type { Tone } from '../format';

const WORDS: Record<Tone, string> = {
  off: 'off',
  busy: 'working',
  ok: 'running',
  warn: 'trouble',
  error: 'failed',
};

/** A coloured dot with its meaning as text for screen readers (colour is never the only cue). */
export function StateDot({ tone, label }: { tone: Tone; label?: string }) {
  return (
    <span
      className={`dot dot-${tone}`}
      role="img"
      aria-label={label ?? WORDS[tone]}
      title={label}
    />
  );
}
