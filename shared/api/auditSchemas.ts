import { z } from 'zod';
import { auditActions } from '../audit/auditEvent';
import { communicationUserIdSchema } from '../identity/communicationUserId';
import { subjectIdSchema } from './identitySchemas';

const exactlyOne = 'Exactly one of subjectId and communicationUserId is required.';

export const auditQuerySchema = z
  .object({
    subjectId: subjectIdSchema.optional().describe(`The subject whose trail to read. ${exactlyOne}`),
    communicationUserId: communicationUserIdSchema
      .optional()
      .describe(`The identity whose trail to read. ${exactlyOne}`),
    limit: z.coerce.number().int().min(1).max(100).default(50),
    continuationToken: z.string().max(2048).optional(),
  })
  .strict()
  .refine((query) => (query.subjectId === undefined) !== (query.communicationUserId === undefined), {
    message: 'exactly one of subjectId and communicationUserId is required',
  });

export const auditPageSchema = z.object({
  entries: z.array(
    z.object({
      id: z.string(),
      at: z.string(),
      action: z.enum(auditActions),
      actor: z.string(),
      subjectId: z.string().optional(),
      communicationUserId: z.string().optional(),
      scopes: z.array(z.string()).optional(),
      expiresOn: z.string().optional(),
    }),
  ),
  continuationToken: z.string().optional(),
});
