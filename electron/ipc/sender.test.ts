import { describe, expect, it } from 'vitest';
import { isTrustedSender } from './sender';

const trusted = { rendererFile: 'file:///opt/Burrow/resources/app.asar/out/renderer/index.html' };

describe('isTrustedSender', () => {
  it('trusts only our own renderer file in the top-level frame', () => {
    expect(isTrustedSender({ url: trusted.rendererFile, isTopLevel: true }, trusted)).toBe(true);
    expect(
      isTrustedSender({ url: `${trusted.rendererFile}#/profiles`, isTopLevel: true }, trusted),
    ).toBe(true);
    expect(isTrustedSender({ url: trusted.rendererFile, isTopLevel: false }, trusted)).toBe(false);
    expect(isTrustedSender({ url: 'file:///tmp/evil.html', isTopLevel: true }, trusted)).toBe(
      false,
    );
    expect(isTrustedSender({ url: 'https://example.com/', isTopLevel: true }, trusted)).toBe(false);
    expect(isTrustedSender({ url: 'not a url', isTopLevel: true }, trusted)).toBe(false);
    expect(isTrustedSender(null, trusted)).toBe(false);
  });

  it('trusts the development server only when one is configured, by exact origin', () => {
    const dev = { ...trusted, devServerOrigin: 'http://localhost:5173' };
    expect(isTrustedSender({ url: 'http://localhost:5173/', isTopLevel: true }, dev)).toBe(true);
    expect(isTrustedSender({ url: 'http://localhost:5174/', isTopLevel: true }, dev)).toBe(false);
    expect(isTrustedSender({ url: 'http://localhost:5173.evil.com/', isTopLevel: true }, dev)).toBe(
      false,
    );
    expect(isTrustedSender({ url: 'http://localhost:5173/', isTopLevel: true }, trusted)).toBe(
      false,
    );
  });
});
