import { z } from 'zod';

/**
 * Profile and forward schemas (DESIGN.md section 3). Types are inferred from these, never written
 * twice. Defaults live here so that a file, the CLI and the UI all agree on them.
 */

export const PortSchema = z
  .number({ error: 'must be a port number' })
  .int('must be a whole number')
  .min(0, 'must be between 0 and 65535')
  .max(65535, 'must be between 0 and 65535');

/** A port that must name a real service: 0 ("any free port") only makes sense for listeners. */
export const TargetPortSchema = z
  .number({ error: 'must be a port number' })
  .int('must be a whole number')
  .min(1, 'must be between 1 and 65535')
  .max(65535, 'must be between 1 and 65535');

/** A whole number in a range, with a message a person can act on. */
function wholeNumber(min: number, max: number, unit: string) {
  const range = `must be between ${min} and ${max}${unit}`;
  return z
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .min(min, range)
    .max(max, range);
}

export const HostSchema = z
  .string({ error: 'must be a host name or address' })
  .trim()
  .min(1, 'must not be empty')
  .max(255, 'is too long')
  .refine((h) => !/\s/.test(h), 'must not contain spaces');

export const IdSchema = z
  .string()
  .min(1, 'must not be empty')
  .max(64, 'is too long')
  .regex(/^[A-Za-z0-9._-]+$/, 'may only hold letters, digits, ".", "_" and "-"');

export const UsernameSchema = z
  .string({ error: 'must be a user name' })
  .trim()
  .min(1, 'must not be empty')
  .max(128, 'is too long');

/** Auth methods, tried in the order the profile lists them (like ssh's PreferredAuthentications). */
export const AuthMethodSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('key'),
    /** Private key file: OpenSSH or PEM format, passphrase asked through the prompt when needed. */
    path: z.string().trim().min(1, 'must name a key file'),
  }),
  z.strictObject({
    type: z.literal('agent'),
    /** Agent socket; defaults to SSH_AUTH_SOCK at connect time. */
    socket: z.string().trim().min(1).optional(),
  }),
  z.strictObject({ type: z.literal('password') }),
  z.strictObject({ type: z.literal('keyboard-interactive') }),
]);
export type AuthMethod = z.infer<typeof AuthMethodSchema>;

export const DEFAULT_AUTH: AuthMethod[] = [
  { type: 'agent' },
  { type: 'keyboard-interactive' },
  { type: 'password' },
];

const AuthListSchema = z
  .array(AuthMethodSchema)
  .min(1, 'must list at least one login method')
  .default(() => DEFAULT_AUTH.map((a) => ({ ...a })));

/** A jump host typed in place: the same connection fields as a profile, no forwards. */
export const InlineJumpHostSchema = z.strictObject({
  host: HostSchema,
  port: TargetPortSchema.default(22),
  username: UsernameSchema,
  auth: AuthListSchema,
});

/** A jump host that reuses another saved profile's connection settings. */
export const ProfileJumpHostSchema = z.strictObject({ profileId: IdSchema });

export const JumpHostSchema = z.union([InlineJumpHostSchema, ProfileJumpHostSchema], {
  error: 'must be either {host, port, username, auth} or {profileId}',
});
export type JumpHost = z.infer<typeof JumpHostSchema>;
export type InlineJumpHost = z.infer<typeof InlineJumpHostSchema>;

const forwardCommon = {
  id: IdSchema,
  /** What the user calls it ("staging db"); optional. */
  name: z.string().trim().max(100).optional(),
  /** Started with the profile; a disabled forward is kept but not started. */
  enabled: z.boolean().default(true),
};

/** Outgoing (-L): listen here, connect to target as seen from the SSH server. */
export const LocalForwardSchema = z.strictObject({
  ...forwardCommon,
  type: z.literal('local'),
  bindHost: HostSchema.default('127.0.0.1'),
  bindPort: PortSchema,
  targetHost: HostSchema,
  targetPort: TargetPortSchema,
});

/** Incoming (-R): the server listens, connections come back to target as seen from here. */
export const RemoteForwardSchema = z.strictObject({
  ...forwardCommon,
  type: z.literal('remote'),
  /** Address on the server. Loopback unless the user asks otherwise (and GatewayPorts allows). */
  bindHost: HostSchema.default('127.0.0.1'),
  bindPort: PortSchema,
  targetHost: HostSchema.default('127.0.0.1'),
  targetPort: TargetPortSchema,
});

/** Dynamic (-D): a SOCKS5/4a proxy here; each client names its destination. */
export const DynamicForwardSchema = z.strictObject({
  ...forwardCommon,
  type: z.literal('dynamic'),
  bindHost: HostSchema.default('127.0.0.1'),
  bindPort: PortSchema,
});

export const ForwardSchema = z.discriminatedUnion('type', [
  LocalForwardSchema,
  RemoteForwardSchema,
  DynamicForwardSchema,
]);
export type Forward = z.infer<typeof ForwardSchema>;
export type LocalForward = z.infer<typeof LocalForwardSchema>;
export type RemoteForward = z.infer<typeof RemoteForwardSchema>;
export type DynamicForward = z.infer<typeof DynamicForwardSchema>;
export type ForwardType = Forward['type'];

export const KeepaliveSchema = z.strictObject({
  /** Seconds between keepalives; 0 turns them off (not advised: a silent server goes unnoticed). */
  intervalSeconds: wholeNumber(0, 3600, ' seconds').default(15),
  /** Unanswered keepalives before the connection counts as dead. */
  maxMissed: wholeNumber(1, 100, '').default(3),
});

const reconnectFields = {
  enabled: z.boolean(),
  initialDelayMs: wholeNumber(100, 3_600_000, ' ms'),
  maxDelayMs: wholeNumber(100, 3_600_000, ' ms'),
  /** Fraction of each delay added or taken at random, so many clients do not retry in step. */
  jitter: z
    .number({ error: 'must be a number' })
    .min(0, 'must be between 0 and 1')
    .max(1, 'must be between 0 and 1'),
};

export const ReconnectSchema = z.strictObject({
  enabled: reconnectFields.enabled.default(true),
  initialDelayMs: reconnectFields.initialDelayMs.default(1000),
  maxDelayMs: reconnectFields.maxDelayMs.default(60_000),
  jitter: reconnectFields.jitter.default(0.2),
});

/** Some reconnect fields, the rest kept as they are (no defaults: they would reset the rest). */
export const ReconnectPatchSchema = z.strictObject(reconnectFields).partial();

/** A profile's fields, before the checks that look across fields (see checkProfile). */
const profileFields = {
  id: IdSchema,
  name: z.string({ error: 'must be a name' }).trim().min(1, 'must not be empty').max(100),
  host: HostSchema,
  port: TargetPortSchema.default(22),
  username: UsernameSchema,
  auth: AuthListSchema,
  /** Hops in order, like `ssh -J first,second target`. */
  jumpHosts: z.array(JumpHostSchema).max(8, 'at most 8 jump hosts').default([]),
  forwards: z.array(ForwardSchema).default([]),
  keepalive: KeepaliveSchema.default(() => KeepaliveSchema.parse({})),
  reconnect: ReconnectSchema.default(() => ReconnectSchema.parse({})),
  connectTimeoutSeconds: wholeNumber(1, 600, ' seconds').default(20),
  group: z.string().trim().max(100).optional(),
  tags: z.array(z.string().trim().min(1).max(50)).default([]),
  autoStart: z.boolean().default(false),
};

type ProfileFields = z.infer<z.ZodObject<typeof profileFields>>;

/** Checks across fields: unique forward ids, sane backoff, no profile jumping through itself. */
const checkProfile = (
  profile: Omit<ProfileFields, 'id'> & { id?: string },
  ctx: z.core.$RefinementCtx,
): void => {
  const seen = new Set<string>();
  profile.forwards.forEach((f, i) => {
    if (seen.has(f.id)) {
      ctx.addIssue({
        code: 'custom',
        path: ['forwards', i, 'id'],
        message: `duplicates another forward's id "${f.id}"`,
      });
    }
    seen.add(f.id);
  });
  if (profile.reconnect.maxDelayMs < profile.reconnect.initialDelayMs) {
    ctx.addIssue({
      code: 'custom',
      path: ['reconnect', 'maxDelayMs'],
      message: 'must not be smaller than initialDelayMs',
    });
  }
  profile.jumpHosts.forEach((hop, i) => {
    if ('profileId' in hop && hop.profileId === profile.id) {
      ctx.addIssue({
        code: 'custom',
        path: ['jumpHosts', i, 'profileId'],
        message: 'a profile cannot be its own jump host',
      });
    }
  });
};

export const ProfileSchema = z.strictObject(profileFields).superRefine(checkProfile);

/** A profile about to be created: the same fields, the id chosen by the store when absent. */
export const NewProfileSchema = z
  .strictObject({ ...profileFields, id: IdSchema.optional() })
  .superRefine(checkProfile);

export type Profile = z.infer<typeof ProfileSchema>;
/** What a user or file may write: every defaulted field optional. */
export type ProfileInput = z.input<typeof ProfileSchema>;
export type NewProfileInput = z.input<typeof NewProfileSchema>;
