import { z } from 'zod';
import { maxSubjectIdLength } from '../auth/caller';
import { communicationUserIdSchema } from '../identity/communicationUserId';

export const labelSchema = z.string().trim().min(1).max(100);
export const subjectIdSchema = z.string().min(1).max(maxSubjectIdLength);

export const addIdentityRequestSchema = z.object({ label: labelSchema.optional() }).strict();

export const createServiceIdentityRequestSchema = z
  .object({
    subjects: z.array(subjectIdSchema).max(100),
    label: labelSchema.optional(),
  })
  .strict();

export const subjectIdentitySchema = z.object({
  communicationUserId: z.string(),
  label: z.string(),
  isDefault: z.boolean(),
  createdAt: z.string(),
});

export const identityRecordSchema = z.object({
  communicationUserId: z.string(),
  label: z.string(),
  kind: z.enum(['user', 'service']),
  createdAt: z.string(),
  subjects: z.array(z.string()),
});

export const auditQuerySchema = z
  .object({
    subjectId: subjectIdSchema.optional(),
    communicationUserId: communicationUserIdSchema.optional(),
    limit: z.coerce.number().int().min(1).max(100).default(50),
    continuationToken: z.string().max(2048).optional(),
  })
  .strict()
  .refine((query) => (query.subjectId === undefined) !== (query.communicationUserId === undefined), {
    message: 'exactly one of subjectId and communicationUserId is required',
  });
