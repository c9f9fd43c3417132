import { readFile } from 'node:fs/promises';
import { ProfileFileSchema, describeIssues, formatPath, type Profile } from '../../shared';
import { CliError, EXIT } from './cli-error';

export interface FileIssue {
  /** `profiles[0].forwards[1].bindPort`, or `(file)` for the file as a whole. */
  path: string;
  message: string;
}

export type ReadProfileFileResult =
  | { ok: true; profiles: Profile[] }
  | {
      ok: false;
      /** One headline for people: what is wrong with the file as a whole. */
      summary: string;
      /** Every problem, by field, for people (`lines`) and for --json (`issues`). */
      lines: string[];
      issues: FileIssue[];
    };

/** Reads and checks a profiles file; never throws for a bad or missing file. */
export async function readProfileFile(file: string): Promise<ReadProfileFileResult> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    return fileProblem(`cannot read ${file}: ${readFailure(err)}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    return fileProblem(`${file} is not valid JSON: ${(err as Error).message}`);
  }
  const parsed = ProfileFileSchema.safeParse(data);
  if (!parsed.success) {
    return {
      ok: false,
      summary: `${file} is not a valid Burrow profiles file:`,
      lines: describeIssues(parsed.error),
      issues: parsed.error.issues.map((i) => ({ path: formatPath(i.path), message: i.message })),
    };
  }
  return { ok: true, profiles: parsed.data.profiles };
}

/** The profile source for `up --file`: the profiles, or a CliError (exit 2) naming each problem. */
export async function loadProfilesFromFile(file: string): Promise<Profile[]> {
  const result = await readProfileFile(file);
  if (!result.ok) throw new CliError(result.summary, EXIT.usage, result.lines);
  return result.profiles;
}

function fileProblem(summary: string): ReadProfileFileResult {
  return { ok: false, summary, lines: [], issues: [{ path: formatPath([]), message: summary }] };
}

function readFailure(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'it is a directory';
  return err instanceof Error ? err.message : String(err);
}
