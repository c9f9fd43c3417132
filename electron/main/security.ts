/**
 * The renderer's security policy (DESIGN.md section 5) as pure functions; `app.ts` applies them.
 */

/** Strict CSP: our own files only, no remote content. Development adds the dev server's HMR socket. */
export function contentSecurityPolicy(devServerOrigin?: string): string {
  const connect = devServerOrigin ? `'self' ${devServerOrigin.replace(/^http/, 'ws')}` : "'self'";
  return [
    "default-src 'self'",
    "script-src 'self'",
    // Styles only, never scripts: Radix's dialogs inject a <style> element (scroll lock), and
    // style attributes position the windowed forward list. Scripts stay 'self' only.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src ${connect}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** Navigation away from the app is never allowed; a reload of the same page is. */
export function isAllowedNavigation(targetUrl: string, currentUrl: string): boolean {
  try {
    const target = new URL(targetUrl);
    const current = new URL(currentUrl);
    return target.origin === current.origin && target.pathname === current.pathname;
  } catch {
    return false;
  }
}

/** Links the user clicks that may open in the system browser (help pages), never in-app. */
export function isExternalLinkAllowed(url: string): boolean {
  try {
    return new URL(url).protocol === 'https:';
  } catch {
    return false;
  }
}
