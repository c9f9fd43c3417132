/**
 * Decides whether an IPC request came from Burrow's own window: the top-level frame showing our
 * renderer, loaded from our files (or, in development, from our dev server). Anything else (an
 * iframe, a page navigated elsewhere) is refused.
 */
export interface TrustedOrigins {
  /** file:// URL of the packaged renderer's index.html. */
  rendererFile: string;
  /** http(s) origin of the development server, when running in development. */
  devServerOrigin?: string;
}

export function isTrustedSender(
  frame: { url: string; isTopLevel: boolean } | null | undefined,
  trusted: TrustedOrigins,
): boolean {
  if (!frame || !frame.isTopLevel) return false;
  let url: URL;
  try {
    url = new URL(frame.url);
  } catch {
    return false;
  }
  if (url.protocol === 'file:') {
    const expected = new URL(trusted.rendererFile);
    return url.pathname === expected.pathname;
  }
  if (trusted.devServerOrigin && (url.protocol === 'http:' || url.protocol === 'https:')) {
    return url.origin === new URL(trusted.devServerOrigin).origin;
  }
  return false;
}
