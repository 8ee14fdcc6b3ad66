import { z } from 'zod';
import { callKinds, callStatuses, inviteeRoles, type Call } from '../calls/call';
import { teamsMeetingLinkSchema } from '../calls/teamsMeetingLink';
import { expiresInMinutesSchema } from '../tokens/scopePolicy';
import { subjectIdSchema } from './identitySchemas';

export const maxCallTitleLength = 200;
/** The schema's own ceiling; CALLS_MAX_INVITEES (at most this) is checked by the call service. */
export const maxInviteesPerRequest = 1000;

const nilOrMaxUuid = /^(?:0{8}-0{4}-0{4}-0{4}-0{12}|f{8}-f{4}-f{4}-f{4}-f{12})$/i;

/** A call id (a UUID the service made). */
export const callIdSchema = z.uuid();

/** A group call ID a client made: any real UUID; the nil and max UUIDs would be shared by accident. */
export const groupCallIdSchema = z
  .uuid()
  .refine((value) => !nilOrMaxUuid.test(value), 'must not be the nil or max UUID');

/** ISO 8601 with an offset (`Z` or `+hh:mm`): a time without one is ambiguous. */
export const callTimeSchema = z.iso.datetime({ offset: true });

export const callTitleSchema = z.string().trim().max(maxCallTitleLength);

export const inviteeSchema = z.union([
  subjectIdSchema,
  z.object({ subjectId: subjectIdSchema, role: z.enum(inviteeRoles).optional() }).strict(),
]);

export const inviteesSchema = z
  .array(inviteeSchema)
  .max(maxInviteesPerRequest)
  .refine((invitees) => {
    const ids = invitees.map((invitee) => (typeof invitee === 'string' ? invitee : invitee.subjectId));
    return new Set(ids).size === ids.length;
  }, 'invitees must not repeat');

export const createCallRequestSchema = z
  .object({
    kind: z.enum(callKinds).optional(),
    title: callTitleSchema.optional(),
    startsAt: callTimeSchema.optional(),
    endsAt: callTimeSchema.optional(),
    groupCallId: groupCallIdSchema.optional(),
    teamsMeetingLink: teamsMeetingLinkSchema.optional(),
    invitees: inviteesSchema.optional(),
  })
  .strict()
  .superRefine((request, ctx) => {
    const kind = request.kind ?? 'group';
    if (request.groupCallId !== undefined && kind !== 'group') {
      ctx.addIssue({ code: 'custom', path: ['groupCallId'], message: 'is only for kind "group"' });
    }
    if (request.teamsMeetingLink !== undefined && kind !== 'teams') {
      ctx.addIssue({ code: 'custom', path: ['teamsMeetingLink'], message: 'is only for kind "teams"' });
    }
  });

/** `null` clears a time (JSON merge-patch); an absent field is left as it is. */
export const updateCallRequestSchema = z
  .object({
    title: callTitleSchema.optional(),
    startsAt: callTimeSchema.nullable().optional(),
    endsAt: callTimeSchema.nullable().optional(),
  })
  .strict()
  .refine((patch) => Object.keys(patch).length > 0, 'at least one of title, startsAt and endsAt is required');

export const inviteRequestSchema = z.object({ invitees: inviteesSchema.min(1) }).strict();

export const joinCallRequestSchema = z
  .object({ expiresInMinutes: expiresInMinutesSchema.optional() })
  .strict();

export const listCallsQuerySchema = z
  .object({
    limit: z.coerce.number().int().min(1).max(100).default(50),
    continuationToken: z.string().min(1).max(1024).optional(),
  })
  .strict();

export const callSchema = z.object({
  id: z.string(),
  kind: z.enum(callKinds),
  title: z.string(),
  organizer: z.string(),
  groupCallId: z.string().optional(),
  teamsMeetingLink: z.string().optional(),
  roomId: z.string().optional(),
  startsAt: z.string().optional(),
  endsAt: z.string().optional(),
  invitees: z.array(z.object({ subjectId: z.string(), role: z.enum(inviteeRoles).optional() })),
  status: z.enum(callStatuses),
  createdAt: z.string(),
}) satisfies z.ZodType<Call>;

export const callListSchema = z.object({
  calls: z.array(callSchema),
  continuationToken: z.string().optional(),
});

export const joinCallResponseSchema = z.object({
  call: callSchema,
  communicationUserId: z.string(),
  token: z.string(),
  expiresOn: z.string(),
  scopes: z.array(z.string()),
});

export type CreateCallRequest = z.output<typeof createCallRequestSchema>;
export type UpdateCallRequest = z.output<typeof updateCallRequestSchema>;
export type InviteeInput = z.output<typeof inviteeSchema>;
