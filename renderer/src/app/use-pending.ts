import { useCallback, useEffect, useRef, useState } from 'react';

/**
 * Instant feedback for a click: `pending` is true from the click until the command answers.
 * It only marks the control as busy; the state shown stays what the engine reported.
 */
export function usePending(): [boolean, (work: () => Promise<unknown>) => void] {
  const [pending, setPending] = useState(false);
  const mounted = useRef(true);
  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);
  const run = useCallback((work: () => Promise<unknown>) => {
    setPending(true);
    void work().finally(() => {
      if (mounted.current) setPending(false);
    });
  }, []);
  return [pending, run];
}
