import { z } from 'zod';

export const roomRoles = ['Presenter', 'Attendee', 'Consumer', 'Collaborator'] as const;
export type RoomRole = (typeof roomRoles)[number];

export const identityRecordSchema = z.object({
  id: z.string(),
  createdAt: z.string(),
  deletedAt: z.string().optional(),
  /** Tokens of this identity numbered at or below this are revoked (see TokenSequence). */
  revokedThrough: z.number().optional(),
});
export type IdentityRecord = z.infer<typeof identityRecordSchema>;

export const roomRecordSchema = z.object({
  id: z.string(),
  createdAt: z.string(),
  validFrom: z.string(),
  validUntil: z.string(),
  pstnDialOutEnabled: z.boolean(),
  participants: z.array(z.object({ rawId: z.string(), role: z.enum(roomRoles) })),
  repeatabilityRequestId: z.string().optional(),
});
export type RoomRecord = z.infer<typeof roomRecordSchema>;

const signingKeySchema = z.object({ kid: z.string(), privateKeyPem: z.string() });

/** The whole emulator state as kept in the data folder; lists rather than maps so ids never become keys. */
export const persistedStateSchema = z.object({
  version: z.literal(1),
  resourceId: z.string(),
  accessKey: z.string(),
  /** Bumped on every key rotation; tokens carry the generation they were issued under. */
  keyGeneration: z.number().int(),
  lastTokenSequence: z.number(),
  signingKey: signingKeySchema,
  /** Signs Call Automation callbacks; absent in state written before callbacks existed, then made on load. */
  callbackSigningKey: signingKeySchema.optional(),
  identities: z.array(identityRecordSchema),
  rooms: z.array(roomRecordSchema),
});
export type PersistedState = z.infer<typeof persistedStateSchema>;
