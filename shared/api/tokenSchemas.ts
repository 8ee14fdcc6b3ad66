import { z } from 'zod';
import { communicationUserIdSchema } from '../identity/communicationUserId';
import { expiresInMinutesSchema, scopesSchema } from '../tokens/scopePolicy';

export const tokenRequestSchema = z
  .object({
    scopes: scopesSchema.optional(),
    expiresInMinutes: expiresInMinutesSchema.optional(),
    communicationUserId: communicationUserIdSchema.optional(),
  })
  .strict();

export const revokeRequestSchema = z
  .object({ communicationUserId: communicationUserIdSchema.optional() })
  .strict();

export const teamsTokenRequestSchema = z
  .object({ teamsUserAadToken: z.string().min(1).max(16_384) })
  .strict();

export const adminTokenRequestSchema = z
  .object({ scopes: scopesSchema, expiresInMinutes: expiresInMinutesSchema.optional() })
  .strict();

export const issuedTokenSchema = z.object({
  communicationUserId: z.string(),
  token: z.string(),
  expiresOn: z.string(),
  scopes: z.array(z.string()),
});

export const teamsTokenSchema = z.object({ token: z.string(), expiresOn: z.string() });
