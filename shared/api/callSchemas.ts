import { z } from 'zod';
import { callKinds, callStatuses, inviteeRoles, type Call } from '../calls/call';
import { e164Schema } from '../callAutomation/participantIdentity';
import type {
  CreateCallRequest,
  InviteeInput,
  OutboundTarget,
  UpdateCallRequest,
} from '../calls/callRequests';
import { teamsMeetingLinkSchema } from '../graph/teamsMeetingLink';
import { expiresInMinutesSchema } from '../tokens/scopePolicy';
import { humanTextSchema } from './humanTextSchema';
import { subjectIdSchema } from './identitySchemas';

export const maxCallTitleLength = 200;

const hex = '[0-9a-fA-F]';
const uuidPattern = `${hex}{8}-${hex}{4}-${hex}{4}-${hex}{4}-${hex}{12}`;

/** A call id (a UUID the service made). */
export const callIdSchema = z.uuid();
export const callIdParamsSchema = z.object({ id: callIdSchema });
export const inviteeParamsSchema = z.object({ id: callIdSchema, subjectId: subjectIdSchema });

/**
 * A group call ID a client made: any UUID but the nil and max UUIDs, which two clients would share by
 * accident. A pattern rather than a refinement, so the OpenAPI document states the rule too.
 */
export const groupCallIdSchema = z
  .string()
  .regex(
    new RegExp(`^(?!0{8}-0{4}-0{4}-0{4}-0{12}$)(?![fF]{8}-[fF]{4}-[fF]{4}-[fF]{4}-[fF]{12}$)${uuidPattern}$`),
    'must be a UUID other than the nil and max UUIDs',
  );

/** ISO 8601 with an offset (`Z` or `+hh:mm`): a time without one is ambiguous. */
export const callTimeSchema = z.iso.datetime({ offset: true });

export const callTitleSchema = humanTextSchema({ max: maxCallTitleLength });

export const inviteeSchema = z.union([
  subjectIdSchema,
  z.object({ subjectId: subjectIdSchema, role: z.enum(inviteeRoles).optional() }).strict(),
]) satisfies z.ZodType<InviteeInput>;

/** Invitees of one request: the cap is the deployment's CALLS_MAX_INVITEES, so the schema is built with it. */
export function inviteesSchema(maxInvitees: number) {
  return z
    .array(inviteeSchema)
    .max(maxInvitees)
    .refine((invitees) => {
      const ids = invitees.map((invitee) => (typeof invitee === 'string' ? invitee : invitee.subjectId));
      return new Set(ids).size === ids.length;
    }, 'invitees must not repeat');
}

/** Whom one outbound call may ring at most. */
export const maxOutboundTargets = 20;

export const outboundTargetSchema = z.union([
  z.object({ subjectId: subjectIdSchema }).strict(),
  z.object({ phoneNumber: e164Schema }).strict(),
]) satisfies z.ZodType<OutboundTarget>;

const outboundOnly = ['targets', 'callerId', 'requestId'] as const;
const notForOutbound = ['startsAt', 'endsAt', 'groupCallId', 'teamsMeetingLink', 'invitees'] as const;

export function createCallRequestSchema(maxInvitees: number) {
  return z
    .object({
      kind: z.enum(callKinds).optional(),
      title: callTitleSchema.optional(),
      startsAt: callTimeSchema.optional(),
      endsAt: callTimeSchema.optional(),
      groupCallId: groupCallIdSchema.optional(),
      teamsMeetingLink: teamsMeetingLinkSchema.optional(),
      invitees: inviteesSchema(maxInvitees).optional(),
      targets: z
        .array(outboundTargetSchema)
        .min(1)
        .max(maxOutboundTargets)
        .refine((targets) => {
          const keys = targets.map((target) =>
            'subjectId' in target ? `s:${target.subjectId}` : target.phoneNumber,
          );
          return new Set(keys).size === keys.length;
        }, 'targets must not repeat')
        .optional()
        .describe('kind "outbound": whom the service calls now (subjects and phone numbers).'),
      callerId: e164Schema
        .optional()
        .describe(
          'kind "outbound": the number phones are shown, one of the resource’s; default: the first that can call out.',
        ),
      requestId: z
        .uuid()
        .optional()
        .describe(
          'kind "outbound": a UUID of the client’s; a retry with the same one is the same call, never a second one.',
        ),
    })
    .strict()
    .superRefine((request, ctx) => {
      const kind = request.kind ?? 'group';
      if (kind === 'outbound') {
        if (!request.targets)
          ctx.addIssue({ code: 'custom', path: ['targets'], message: 'is required for kind "outbound"' });
        for (const field of notForOutbound) {
          if (request[field] !== undefined) {
            ctx.addIssue({
              code: 'custom',
              path: [field],
              message: 'is not for kind "outbound" (it is placed now)',
            });
          }
        }
        return;
      }
      for (const field of outboundOnly) {
        if (request[field] !== undefined) {
          ctx.addIssue({ code: 'custom', path: [field], message: 'is only for kind "outbound"' });
        }
      }
      if (request.groupCallId !== undefined && kind !== 'group') {
        ctx.addIssue({ code: 'custom', path: ['groupCallId'], message: 'is only for kind "group"' });
      }
      if (request.teamsMeetingLink !== undefined && kind !== 'teams') {
        ctx.addIssue({ code: 'custom', path: ['teamsMeetingLink'], message: 'is only for kind "teams"' });
      }
    }) satisfies z.ZodType<CreateCallRequest>;
}

export const updateCallRequestSchema = z
  .object({
    title: callTitleSchema.optional(),
    startsAt: callTimeSchema.nullable().optional(),
    endsAt: callTimeSchema.nullable().optional(),
  })
  .strict()
  .refine(
    (patch) => Object.keys(patch).length > 0,
    'at least one of title, startsAt and endsAt is required',
  ) satisfies z.ZodType<UpdateCallRequest>;

export function inviteRequestSchema(maxInvitees: number) {
  return z.object({ invitees: inviteesSchema(maxInvitees).min(1) }).strict();
}

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
