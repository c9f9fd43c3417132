import { useEffect } from 'react';
import type { AppSettings } from '../../../shared/settings';

/** Applies the theme setting to <html data-theme>, following the OS when it is "system". */
export function useTheme(theme: AppSettings['theme'] | undefined): void {
  useEffect(() => {
    const root = document.documentElement;
    const media = window.matchMedia?.('(prefers-color-scheme: dark)');
    const apply = (): void => {
      const dark = theme === 'dark' || (theme !== 'light' && Boolean(media?.matches));
      root.dataset.theme = dark ? 'dark' : 'light';
    };
    apply();
    media?.addEventListener('change', apply);
    return () => media?.removeEventListener('change', apply);
  }, [theme]);
}
