import type { RoomsClient } from '@azure/communication-rooms';
import { conflict } from '../errors/serviceError';
import { acsFailure } from './acsFailure';
import type { AcsClientFactory } from './acsClientFactory';
import type { RetryPolicy } from '../retry/retryPolicy';
import { callAcs } from './callAcs';
import type { RoomRole } from './roomRole';

export interface RoomWindow {
  validFrom: Date;
  validUntil: Date;
}

export interface RoomParticipant {
  communicationUserId: string;
  role: RoomRole;
}

/** The ACS Rooms operations calls need, with retries, key refresh and errors mapped. */
export interface AcsRoomsGateway {
  createRoom(window: RoomWindow, participants: readonly RoomParticipant[]): Promise<string>;
  updateWindow(roomId: string, window: RoomWindow): Promise<void>;
  /** Adds, or changes the role of, each participant. */
  addOrUpdateParticipants(roomId: string, participants: readonly RoomParticipant[]): Promise<void>;
  /** Ids not on the roster, or a room that is gone, are a success: they are off it. */
  removeParticipants(roomId: string, communicationUserIds: readonly string[]): Promise<void>;
  /** A room ACS no longer knows is a success. */
  deleteRoom(roomId: string): Promise<void>;
  /** Lets Call Automation dial phone numbers into the room's call (ACS refuses PSTN dial-out otherwise). */
  enablePstnDialOut(roomId: string): Promise<void>;
}

export function createAcsRoomsGateway(factory: AcsClientFactory, retry: RetryPolicy): AcsRoomsGateway {
  const call = <T>(operation: (client: RoomsClient) => Promise<T>): Promise<T> =>
    callAcs(factory, retry, (clients) => operation(clients.rooms));

  /** The room behind a call vanished (deleted outside the service, or expired): nothing to retry. */
  const roomGone = async <T>(promise: Promise<T>): Promise<T> => {
    try {
      return await promise;
    } catch (error) {
      if (acsFailure(error)?.status === 404) {
        throw conflict('The ACS Room behind this call no longer exists.', { code: 'RoomNotFound' });
      }
      throw error;
    }
  };

  const goneIsDone = async (promise: Promise<unknown>): Promise<void> => {
    try {
      await promise;
    } catch (error) {
      if (acsFailure(error)?.status !== 404) throw error;
    }
  };

  const patch = (participants: readonly RoomParticipant[]) =>
    participants.map(({ communicationUserId, role }) => ({ id: { communicationUserId }, role }));

  return {
    async createRoom(window, participants) {
      const room = await call((client) =>
        client.createRoom({ ...window, participants: patch(participants) }),
      );
      return room.id;
    },
    async updateWindow(roomId, window) {
      await roomGone(call((client) => client.updateRoom(roomId, { ...window })));
    },
    async addOrUpdateParticipants(roomId, participants) {
      if (participants.length === 0) return;
      await roomGone(call((client) => client.addOrUpdateParticipants(roomId, patch(participants))));
    },
    async removeParticipants(roomId, communicationUserIds) {
      if (communicationUserIds.length === 0) return;
      const ids = communicationUserIds.map((communicationUserId) => ({ communicationUserId }));
      await goneIsDone(call((client) => client.removeParticipants(roomId, ids)));
    },
    async deleteRoom(roomId) {
      await goneIsDone(call((client) => client.deleteRoom(roomId)));
    },
    async enablePstnDialOut(roomId) {
      await roomGone(call((client) => client.updateRoom(roomId, { pstnDialOutEnabled: true })));
    },
  };
}
