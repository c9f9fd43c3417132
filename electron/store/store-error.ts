import type { z } from 'zod';
import { formatPath } from '../../shared';

/**
 * What a caller (IPC handler, CLI) can branch on:
 * - `invalid-config`: the input breaks a rule; `issues` names each field.
 * - `not-found`: the profile or forward named does not exist (any more).
 * - `conflict`: the store is not in a state that allows this (a newer Burrow's file opened
 *   read-only, a reorder that no longer matches the list, a file another program broke).
 * - `secure-storage-unavailable`: no OS keyring to encrypt with; nothing was stored in clear.
 * - `io`: the file system refused (permissions, disk full).
 */
export type StoreErrorKind =
  'invalid-config' | 'not-found' | 'conflict' | 'secure-storage-unavailable' | 'io';

/** One field-level problem, ready to show beside the field: `forwards[0].bindPort`. */
export interface FieldIssue {
  path: string;
  message: string;
}

export class StoreError extends Error {
  constructor(
    readonly kind: StoreErrorKind,
    message: string,
    readonly issues: readonly FieldIssue[] = [],
  ) {
    super(message);
    this.name = 'StoreError';
  }
}

/** Zod issues as field issues, optionally under a prefix (`profiles[2]` when checking a list). */
export function fieldIssues(error: z.ZodError, prefix: readonly PropertyKey[] = []): FieldIssue[] {
  return error.issues.map((issue) => ({
    path: formatPath([...prefix, ...issue.path]),
    message: issue.message,
  }));
}

/** `path: message` lines, for messages and logs. */
export function issueLines(issues: readonly FieldIssue[]): string[] {
  return issues.map((i) => `${i.path}: ${i.message}`);
}

/** An error whose message ends with the field lines, for callers that only show the message. */
export function errorWithIssues(
  kind: StoreErrorKind,
  summary: string,
  issues: FieldIssue[],
): StoreError {
  const lines = issueLines(issues);
  return new StoreError(kind, lines.length ? `${summary} ${lines.join('; ')}` : summary, issues);
}
