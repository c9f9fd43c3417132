import { z } from 'zod';
import { ProfileSchema, type Profile } from './profile';

/** The versioned file that export, import and the CLI's --file all use. */
export const PROFILE_FILE_FORMAT = 'burrow-profiles';
export const PROFILE_FILE_VERSION = 1;

export const ProfileFileSchema = z
  .strictObject({
    format: z.literal(PROFILE_FILE_FORMAT, {
      error: `must be "${PROFILE_FILE_FORMAT}" (is this a Burrow profiles file?)`,
    }),
    version: z.literal(PROFILE_FILE_VERSION, {
      error: `must be ${PROFILE_FILE_VERSION}; this Burrow reads version ${PROFILE_FILE_VERSION} files`,
    }),
    profiles: z.array(ProfileSchema, { error: 'must be a list of profiles' }),
  })
  .superRefine((file, ctx) => {
    const ids = new Map<string, number>();
    file.profiles.forEach((p, i) => {
      const first = ids.get(p.id);
      if (first !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['profiles', i, 'id'],
          message: `duplicates the id of profiles[${first}] ("${p.id}")`,
        });
      } else ids.set(p.id, i);
    });
    file.profiles.forEach((p, i) =>
      p.jumpHosts.forEach((hop, j) => {
        if ('profileId' in hop && !ids.has(hop.profileId)) {
          ctx.addIssue({
            code: 'custom',
            path: ['profiles', i, 'jumpHosts', j, 'profileId'],
            message: `names no profile in this file ("${hop.profileId}")`,
          });
        }
      }),
    );
  });

export type ProfileFile = z.infer<typeof ProfileFileSchema>;

export function makeProfileFile(profiles: Profile[]): ProfileFile {
  return { format: PROFILE_FILE_FORMAT, version: PROFILE_FILE_VERSION, profiles };
}

/** Turns zod issues into lines a person can act on: `profiles[0].forwards[1].bindPort: must be…`. */
export function describeIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => `${formatPath(issue.path)}: ${issue.message}`);
}

export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out || '(file)';
}
