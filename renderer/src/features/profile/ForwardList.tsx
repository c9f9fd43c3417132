import { useEffect, useRef, useState, type RefObject } from 'react';
import type { Profile } from '../../../../shared/profile';
import { useProfiles } from '../../state/hooks';
import { ForwardRow, FORWARD_ROW_HEIGHT } from './ForwardRow';

/** Above this many forwards only the rows in view are mounted (500 forwards stay smooth). */
export const WINDOWING_THRESHOLD = 40;
/** Rows mounted beyond each edge of the view, so fast scrolling shows no gaps. */
const OVERSCAN = 6;

/**
 * A profile's forwards. Each row subscribes to its own forward's status, so a status batch
 * re-renders only rows whose forward changed; long lists mount only what is on screen.
 */
export function ForwardList({ profile }: { profile: Profile }) {
  const profiles = useProfiles() ?? [];
  const listRef = useRef<HTMLUListElement>(null);
  const range = useVisibleRange(listRef, profile.forwards.length);
  const windowed = profile.forwards.length > WINDOWING_THRESHOLD;
  const shown = windowed ? profile.forwards.slice(range.start, range.end) : profile.forwards;
  return (
    <ul
      ref={listRef}
      className={`forward-list${windowed ? ' windowed' : ''}`}
      aria-label="Forwards"
      style={windowed ? { height: profile.forwards.length * FORWARD_ROW_HEIGHT } : undefined}
    >
      {shown.map((forward, i) => (
        <ForwardRow
          key={forward.id}
          profile={profile}
          forward={forward}
          profiles={profiles}
          top={windowed ? (range.start + i) * FORWARD_ROW_HEIGHT : undefined}
          position={windowed ? range.start + i + 1 : undefined}
          setSize={windowed ? profile.forwards.length : undefined}
        />
      ))}
    </ul>
  );
}

/** Which rows of a fixed-height list are inside its scrolling ancestor's view. */
function useVisibleRange(
  listRef: RefObject<HTMLUListElement | null>,
  count: number,
): { start: number; end: number } {
  const [range, setRange] = useState({ start: 0, end: WINDOWING_THRESHOLD });
  useEffect(() => {
    const list = listRef.current;
    if (!list || count <= WINDOWING_THRESHOLD) return;
    const scroller = scrollParent(list);
    const update = (): void => {
      const viewHeight = scroller.clientHeight || window.innerHeight;
      const top = scroller.getBoundingClientRect().top - list.getBoundingClientRect().top;
      const start = Math.max(0, Math.floor(top / FORWARD_ROW_HEIGHT) - OVERSCAN);
      const end = Math.min(count, Math.ceil((top + viewHeight) / FORWARD_ROW_HEIGHT) + OVERSCAN);
      // jsdom has no layout: show the first rows rather than none.
      const next = viewHeight > 0 ? { start, end } : { start: 0, end: WINDOWING_THRESHOLD };
      setRange((old) => (old.start === next.start && old.end === next.end ? old : next));
    };
    update();
    scroller.addEventListener('scroll', update, { passive: true });
    const resize = typeof ResizeObserver === 'undefined' ? null : new ResizeObserver(update);
    resize?.observe(scroller);
    return () => {
      scroller.removeEventListener('scroll', update);
      resize?.disconnect();
    };
  }, [listRef, count]);
  return range;
}

function scrollParent(element: HTMLElement): HTMLElement {
  for (let node = element.parentElement; node; node = node.parentElement) {
    const { overflowY } = getComputedStyle(node);
    if (overflowY === 'auto' || overflowY === 'scroll') return node;
  }
  return document.documentElement;
}
