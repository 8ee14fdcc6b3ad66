import { z } from 'zod';
import { badRequest } from './acsError';
import { isCommunicationUserRawId } from './communicationIdentifier';
import type { EmulatorResponse } from './emulatorResponse';
import type { EmulatorState } from './emulatorState';
import { roomRoles, type RoomRole } from './persistedState';
import { parseJsonBody } from './requestBody';
import type { Route, RouteRequest } from './route';

/** What @azure/communication-rooms 1.2.0 sends. */
export const roomsApiVersions = ['2025-03-13'] as const;

const isoDateSchema = z.iso.datetime({ offset: true }).transform((value) => new Date(value));
const participantSchema = z.object({ role: z.enum(roomRoles) });

const createRoomBodySchema = z.object({
  validFrom: isoDateSchema.optional(),
  validUntil: isoDateSchema.optional(),
  pstnDialOutEnabled: z.boolean().optional(),
  participants: z.record(z.string(), participantSchema).optional(),
});

const updateRoomBodySchema = z.object({
  validFrom: isoDateSchema.optional(),
  validUntil: isoDateSchema.optional(),
  pstnDialOutEnabled: z.boolean().optional(),
});

/** JSON merge-patch: a participant mapped to null is removed. */
const updateParticipantsBodySchema = z.object({
  participants: z.record(z.string(), participantSchema.nullable()),
});

/** The Rooms REST API as RoomsClient uses it. */
export function roomsRoutes(state: EmulatorState): Route[] {
  const route = (
    method: string,
    pattern: RegExp,
    operation: string,
    handle: (request: RouteRequest) => Promise<EmulatorResponse>,
  ): Route => ({ method, pattern, operation, kind: 'acs', apiVersions: roomsApiVersions, handle });
  const room = /^\/rooms\/(?<roomId>[^/]+)$/;
  const participants = /^\/rooms\/(?<roomId>[^/]+)\/participants$/;

  return [
    route('POST', /^\/rooms$/, 'createRoom', (request) => createRoom(state, request)),
    route('GET', /^\/rooms$/, 'listRooms', async () => ({
      status: 200,
      body: { value: state.rooms.list() },
    })),
    route('GET', room, 'getRoom', async ({ params }) => ({
      status: 200,
      body: state.rooms.get(roomId(params)),
    })),
    route('PATCH', room, 'updateRoom', (request) => updateRoom(state, request)),
    route('DELETE', room, 'deleteRoom', (request) => deleteRoom(state, request)),
    route('GET', participants, 'listParticipants', async ({ params }) => ({
      status: 200,
      body: { value: state.rooms.participants(roomId(params)) },
    })),
    route('PATCH', participants, 'updateParticipants', (request) => updateParticipants(state, request)),
  ];
}

async function createRoom(state: EmulatorState, { body, headers }: RouteRequest): Promise<EmulatorResponse> {
  const request = parseJsonBody(body, createRoomBodySchema);
  const requestId = headers['repeatability-request-id'];
  const room = state.rooms.create({
    ...request,
    // The schema gives every created participant a role; Attendee is ACS's default all the same.
    participants: checkedParticipants(request.participants ?? {}).map(([rawId, role]) => [
      rawId,
      role ?? 'Attendee',
    ]),
    ...(typeof requestId === 'string' && requestId ? { repeatabilityRequestId: requestId } : {}),
  });
  await state.save();
  return { status: 201, body: room };
}

async function updateRoom(state: EmulatorState, { body, params }: RouteRequest): Promise<EmulatorResponse> {
  const changes = parseJsonBody(body, updateRoomBodySchema);
  const room = state.rooms.update(roomId(params), changes);
  await state.save();
  return { status: 200, body: room };
}

async function deleteRoom(state: EmulatorState, { params }: RouteRequest): Promise<EmulatorResponse> {
  state.rooms.delete(roomId(params));
  await state.save();
  return { status: 204 };
}

async function updateParticipants(
  state: EmulatorState,
  { body, params }: RouteRequest,
): Promise<EmulatorResponse> {
  const request = parseJsonBody(body, updateParticipantsBodySchema);
  state.rooms.patchParticipants(roomId(params), checkedParticipants(request.participants));
  await state.save();
  return { status: 200, body: {} };
}

function roomId(params: Readonly<Record<string, string>>): string {
  return params['roomId'] ?? '';
}

/** ACS accepts any well-formed communication user id, created by this resource or not. */
function checkedParticipants(
  participants: Record<string, { role: RoomRole } | null>,
): Array<[string, RoomRole | null]> {
  return Object.entries(participants).map(([rawId, properties]) => {
    if (!isCommunicationUserRawId(rawId)) {
      throw badRequest(`${rawId} is not a communication user id.`, 'InvalidParticipant');
    }
    return [rawId, properties?.role ?? null];
  });
}
