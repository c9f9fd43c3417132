import { memo } from 'react';
import { formatRate } from '../../format';

const WIDTH = 96;
const HEIGHT = 26;

/** The last minute of traffic (both ways) as a line; the peak is in its tooltip. */
export const Sparkline = memo(function Sparkline({
  values,
  idle,
}: {
  values?: readonly number[];
  /** Not listening: nothing to draw unless the last minute still shows traffic. */
  idle?: boolean;
}) {
  if (!values || values.length < 2 || (idle && values.every((v) => v === 0)))
    return <svg className="sparkline" width={WIDTH} height={HEIGHT} aria-hidden />;
  const peak = Math.max(...values);
  const step = WIDTH / (values.length - 1);
  const points = values
    .map(
      (v, i) =>
        `${(i * step).toFixed(1)},${(HEIGHT - 2 - (peak ? (v / peak) * (HEIGHT - 4) : 0)).toFixed(1)}`,
    )
    .join(' ');
  return (
    <svg
      className="sparkline"
      width={WIDTH}
      height={HEIGHT}
      viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
      role="img"
      aria-label={`Last minute of traffic, peak ${formatRate(peak)}`}
    >
      <title>{`Last minute, peak ${formatRate(peak)}`}</title>
      <polyline points={points} fill="none" stroke="currentColor" strokeWidth="1.5" />
    </svg>
  );
});
