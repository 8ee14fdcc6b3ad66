import { z } from 'zod';
import { maxSubjectIdLength } from '../auth/caller';
import { communicationUserIdSchema } from '../identity/communicationUserId';
import { humanTextSchema } from './humanTextSchema';

export const labelSchema = humanTextSchema({ min: 1, max: 100 });
export const subjectIdSchema = z.string().min(1).max(maxSubjectIdLength);

export const communicationUserIdParamsSchema = z.object({ communicationUserId: communicationUserIdSchema });
export const subjectIdParamsSchema = z.object({ subjectId: subjectIdSchema });
export const linkParamsSchema = z.object({
  communicationUserId: communicationUserIdSchema,
  subjectId: subjectIdSchema,
});

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

export const subjectIdentitiesSchema = z.object({ identities: z.array(subjectIdentitySchema) });

export const identityRecordSchema = z.object({
  communicationUserId: z.string(),
  label: z.string(),
  kind: z.enum(['user', 'service']),
  createdAt: z.string(),
  subjects: z.array(z.string()),
});
