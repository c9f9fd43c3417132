import { describe, expect, it } from 'vitest';
import { ERROR_KINDS, ERROR_SENTENCES, ERROR_TEXT, errorInfo, isFatalKind } from './errors';

describe('error kinds', () => {
  it('have a general sentence and a next step for every kind', () => {
    for (const kind of ERROR_KINDS) {
      expect(ERROR_TEXT[kind].what).toMatch(/^[A-Z].{10,}\.$/);
      expect(ERROR_TEXT[kind].todo).toMatch(/^[A-Z].{10,}\.$/);
      expect(ERROR_SENTENCES[kind]).toBe(`${ERROR_TEXT[kind].what} ${ERROR_TEXT[kind].todo}`);
    }
  });

  it('put a specific detail in place of the general sentence, never beside it', () => {
    const info = errorInfo('connect-refused', '127.0.0.1:2222 refused the connection.');
    expect(info).toEqual({
      kind: 'connect-refused',
      message:
        '127.0.0.1:2222 refused the connection. Check the host and port, and that the SSH server is running.',
    });
    expect(errorInfo('dns').message).toBe(ERROR_SENTENCES.dns);
  });

  it('marks as fatal only what a retry cannot fix', () => {
    expect(ERROR_KINDS.filter(isFatalKind)).toEqual([
      'auth-failed',
      'host-key-unknown',
      'host-key-mismatch',
      'invalid-config',
    ]);
  });
});
