import { z } from 'zod';
import type { ApiOperation } from './apiOperation';
import {
  callListSchema,
  callSchema,
  createCallRequestSchema,
  inviteRequestSchema,
  joinCallRequestSchema,
  joinCallResponseSchema,
  updateCallRequestSchema,
} from './callSchemas';

/** The list query as documented (the validating schema coerces query strings). */
const listCallsQueryDocument = z.object({
  limit: z.number().int().min(1).max(100).optional(),
  continuationToken: z.string().optional(),
});

/** The call operations, for the OpenAPI document (shared/api/allApiOperations.ts lists them). */
export const callOperations: ApiOperation[] = [
  {
    method: 'post',
    path: '/calls',
    operationId: 'createCall',
    summary: 'Creates a group call, Teams meeting or Room call; the caller is its organizer.',
    access: 'user',
    requestBody: { schema: createCallRequestSchema, required: false },
    success: { status: 201, description: 'The call.', schema: callSchema },
    errors: [409, 503],
  },
  {
    method: 'get',
    path: '/calls',
    operationId: 'listCalls',
    summary: 'Scheduled calls the caller organizes or is invited to, by startsAt (unscheduled last), paged.',
    access: 'user',
    query: listCallsQueryDocument,
    success: { status: 200, description: 'A page of calls.', schema: callListSchema },
    errors: [503],
  },
  {
    method: 'get',
    path: '/calls/{id}',
    operationId: 'getCall',
    summary: 'A call, for its organizer and invitees.',
    access: 'user',
    success: { status: 200, description: 'The call.', schema: callSchema },
    errors: [404, 503],
  },
  {
    method: 'patch',
    path: '/calls/{id}',
    operationId: 'updateCall',
    summary: "Changes a call's title or times (organizer only); null clears a time.",
    access: 'user',
    requestBody: { schema: updateCallRequestSchema, required: true },
    success: { status: 200, description: 'The call.', schema: callSchema },
    errors: [403, 404, 409, 503],
  },
  {
    method: 'delete',
    path: '/calls/{id}',
    operationId: 'cancelCall',
    summary: 'Cancels a call (organizer only), deleting its room.',
    access: 'user',
    success: { status: 204, description: 'Cancelled.' },
    errors: [403, 404, 503],
  },
  {
    method: 'post',
    path: '/calls/{id}/invitees',
    operationId: 'inviteToCall',
    summary: 'Invites subjects, or changes their roles (organizer only).',
    access: 'user',
    requestBody: { schema: inviteRequestSchema, required: true },
    success: { status: 200, description: 'The call.', schema: callSchema },
    errors: [403, 404, 409, 503],
  },
  {
    method: 'delete',
    path: '/calls/{id}/invitees/{subjectId}',
    operationId: 'uninviteFromCall',
    summary: 'Takes a subject off a call and its room (organizer only).',
    access: 'user',
    success: { status: 204, description: 'Uninvited.' },
    errors: [403, 404, 409, 503],
  },
  {
    method: 'post',
    path: '/calls/{id}/join',
    operationId: 'joinCall',
    summary: "Everything needed to join: the caller's identity and a voip (or, for a room, voip.join) token.",
    access: 'user',
    requestBody: { schema: joinCallRequestSchema, required: false },
    success: { status: 200, description: 'The call and the token.', schema: joinCallResponseSchema },
    errors: [404, 409, 429, 503],
  },
];
