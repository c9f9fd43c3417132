import { describe, expect, it } from 'vitest';
import { contentSecurityPolicy, isAllowedNavigation, isExternalLinkAllowed } from './security';
import { mainWindowOptions } from './window-options';

describe('main window security', () => {
  it('isolates the renderer and sandboxes it', () => {
    const { webPreferences } = mainWindowOptions({ preloadPath: '/app/out/preload/index.cjs' });
    expect(webPreferences).toMatchObject({
      preload: '/app/out/preload/index.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webviewTag: false,
      webSecurity: true,
    });
  });

  it('has a strict CSP: own files only, nothing remote, no eval', () => {
    const csp = contentSecurityPolicy();
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).not.toMatch(/unsafe-eval|https?:|\*/);
    expect(contentSecurityPolicy('http://localhost:5173')).toContain(
      "connect-src 'self' ws://localhost:5173",
    );
  });

  it('denies navigation elsewhere and only lets https links out to the browser', () => {
    const app = 'file:///opt/Burrow/out/renderer/index.html';
    expect(isAllowedNavigation(app, app)).toBe(true);
    expect(isAllowedNavigation('https://evil.example/', app)).toBe(false);
    expect(isAllowedNavigation('file:///etc/passwd', app)).toBe(false);
    expect(isAllowedNavigation('garbage', app)).toBe(false);
    expect(isExternalLinkAllowed('https://burrow.example/help')).toBe(true);
    expect(isExternalLinkAllowed('file:///etc/passwd')).toBe(false);
    expect(isExternalLinkAllowed('javascript:alert(1)')).toBe(false);
  });
});
