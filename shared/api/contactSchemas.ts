import { z } from 'zod';
import { humanTextSchema } from './humanTextSchema';
import { subjectIdSchema } from './identitySchemas';

/** The name a subject shows one contact, typed by a person for another person to read. */
export const contactDisplayNameSchema = humanTextSchema({ min: 1, max: 100 });

export const contactRequestSchema = z
  .object({
    subjectId: subjectIdSchema.describe(
      'The subject to ask; any id: the answer is the same whether it exists.',
    ),
    displayName: contactDisplayNameSchema
      .optional()
      .describe('The name to show that subject once you are mutual contacts.'),
  })
  .strict();

export const acceptContactRequestSchema = z
  .object({
    displayName: contactDisplayNameSchema
      .optional()
      .describe('The name to show that subject once you are mutual contacts.'),
  })
  .strict();

export const contactRequestResultSchema = z.object({
  subjectId: z.string(),
  state: z
    .enum(['outgoing', 'mutual'])
    .describe(
      'mutual when that subject had asked you already; outgoing otherwise, whether or not it exists.',
    ),
});

export const contactSchema = z.object({
  subjectId: z.string(),
  communicationUserId: z
    .string()
    .nullable()
    .describe(
      'The contact’s default ACS identity, to call 1:1; null until the contact has one (its first token). Never one of its other identities.',
    ),
  displayName: z.string().optional().describe('The name the contact chose to show you.'),
});

const subjectOnlySchema = z.object({ subjectId: z.string() });

export const contactListSchema = z.object({
  contacts: z.array(contactSchema).describe('Mutual contacts.'),
  incoming: z.array(subjectOnlySchema).describe('Requests to you that you have not answered, newest first.'),
  outgoing: z
    .array(subjectOnlySchema)
    .describe('Your requests without an acceptance yet, newest first (a declined one stays here).'),
});

export const subjectContactListSchema = contactListSchema.extend({
  declined: z.array(subjectOnlySchema).describe('Requests the subject declined (the askers are not told).'),
});
