import type { CommunicationUserIdentifier } from '@azure/communication-common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAcsEmulator, type AcsEmulator } from '../../local/acsEmulator/startAcsEmulator';
import { identityClient, roomsClient } from './acsTestClients';
import { signedFetch } from './signedFetch';

let emulator: AcsEmulator;
let rooms: ReturnType<typeof roomsClient>;
let alice: CommunicationUserIdentifier;
let bob: CommunicationUserIdentifier;

beforeAll(async () => {
  emulator = await startAcsEmulator();
  rooms = roomsClient(emulator.connectionString());
  const identities = identityClient(emulator.connectionString());
  [alice, bob] = await Promise.all([identities.createUser(), identities.createUser()]);
});
afterAll(() => emulator.close());

const day = 24 * 60 * 60 * 1000;

async function participantsOf(roomId: string) {
  const all = [];
  for await (const participant of rooms.listParticipants(roomId)) all.push(participant);
  return all.map(({ id, role }) => ({ id: (id as CommunicationUserIdentifier).communicationUserId, role }));
}

describe('rooms through RoomsClient', () => {
  it('creates a room with a window, PSTN dial-out and participants, and gets it back', async () => {
    const validFrom = new Date(Date.now() + 60_000);
    const validUntil = new Date(validFrom.getTime() + 2 * 60 * 60 * 1000);
    const room = await rooms.createRoom({
      validFrom,
      validUntil,
      pstnDialOutEnabled: true,
      participants: [{ id: alice, role: 'Presenter' }, { id: bob }],
    });
    expect(room).toMatchObject({
      id: expect.stringMatching(/^\d{17,}$/),
      validFrom,
      validUntil,
      pstnDialOutEnabled: true,
    });
    expect(room.createdOn).toBeInstanceOf(Date);
    expect(await rooms.getRoom(room.id)).toEqual(room);
    expect(await participantsOf(room.id)).toEqual([
      { id: alice.communicationUserId, role: 'Presenter' },
      { id: bob.communicationUserId, role: 'Attendee' },
    ]);
  });

  it('defaults the window to 180 days from now and dial-out to off', async () => {
    const room = await rooms.createRoom();
    expect(room.pstnDialOutEnabled).toBe(false);
    expect(Math.abs(room.validFrom.getTime() - Date.now())).toBeLessThan(5_000);
    expect(room.validUntil.getTime() - room.validFrom.getTime()).toBe(180 * day);
  });

  it('updates a room and enforces validUntil after validFrom, at most 180 days apart', async () => {
    const room = await rooms.createRoom();
    const validUntil = new Date(room.validFrom.getTime() + 7 * day);
    const updated = await rooms.updateRoom(room.id, { validUntil, pstnDialOutEnabled: true });
    expect(updated).toMatchObject({ id: room.id, validUntil, pstnDialOutEnabled: true });

    const before = new Date(room.validFrom.getTime() - 1000);
    await expect(rooms.updateRoom(room.id, { validUntil: before })).rejects.toMatchObject({
      statusCode: 400,
    });
    const tooLong = new Date(room.validFrom.getTime() + 181 * day);
    await expect(rooms.createRoom({ validUntil: tooLong })).rejects.toMatchObject({ statusCode: 400 });
    expect(await rooms.getRoom(room.id)).toEqual(updated);
  });

  it('adds, updates and removes participants by merge-patch', async () => {
    const room = await rooms.createRoom({ participants: [{ id: alice, role: 'Attendee' }] });
    await rooms.addOrUpdateParticipants(room.id, [
      { id: alice, role: 'Consumer' },
      { id: bob, role: 'Presenter' },
    ]);
    expect(await participantsOf(room.id)).toEqual([
      { id: alice.communicationUserId, role: 'Consumer' },
      { id: bob.communicationUserId, role: 'Presenter' },
    ]);
    await rooms.removeParticipants(room.id, [alice, { communicationUserId: '8:acs:never-added_1' }]);
    expect(await participantsOf(room.id)).toEqual([{ id: bob.communicationUserId, role: 'Presenter' }]);
  });

  it('accepts well-formed ids it did not create and refuses malformed ones', async () => {
    const room = await rooms.createRoom();
    const foreign = { communicationUserId: '8:gcch-acs:other-resource_0001' };
    await rooms.addOrUpdateParticipants(room.id, [{ id: foreign, role: 'Attendee' }]);
    expect(await participantsOf(room.id)).toEqual([{ id: foreign.communicationUserId, role: 'Attendee' }]);
    const malformed = { communicationUserId: '8:acs:has spaces' };
    await expect(rooms.addOrUpdateParticipants(room.id, [{ id: malformed }])).rejects.toMatchObject({
      statusCode: 400,
    });
  });

  it('lists rooms and deletes them; a deleted or unknown room is 404', async () => {
    const room = await rooms.createRoom();
    const listed = [];
    for await (const each of rooms.listRooms()) listed.push(each.id);
    expect(listed).toContain(room.id);

    await rooms.deleteRoom(room.id);
    await expect(rooms.getRoom(room.id)).rejects.toMatchObject({ statusCode: 404 });
    await expect(rooms.deleteRoom(room.id)).rejects.toMatchObject({ statusCode: 404 });
    await expect(rooms.updateRoom(room.id, { pstnDialOutEnabled: true })).rejects.toMatchObject({
      statusCode: 404,
    });
    await expect(participantsOf(room.id)).rejects.toMatchObject({ statusCode: 404 });
    await expect(rooms.addOrUpdateParticipants(room.id, [{ id: alice }])).rejects.toMatchObject({
      statusCode: 404,
    });
    expect(emulator.requestCount('deleteRoom')).toBe(2);
  });

  it('replays a create that repeats its Repeatability-Request-ID instead of making a second room', async () => {
    const accessKey = /accesskey=(.+)$/.exec(emulator.connectionString())?.[1] ?? '';
    const create = () =>
      signedFetch(new URL('rooms?api-version=2025-03-13', emulator.url).toString(), {
        method: 'POST',
        body: '{}',
        accessKey,
        headers: { 'repeatability-request-id': 'c0ffee00-0000-4000-8000-000000000001' },
      }).then(async (response) => ({
        status: response.status,
        room: (await response.json()) as { id: string },
      }));
    const first = await create();
    const second = await create();
    expect(first.status).toBe(201);
    expect(second).toEqual(first);
  });
});
