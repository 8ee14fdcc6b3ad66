import type { CommunicationUserIdentifier } from '@azure/communication-common';
import { RoomsClient } from '@azure/communication-rooms';
import { isRestError } from '@azure/core-rest-pipeline';

/** A room's roster and window as ACS (the emulator) holds them, read through the real RoomsClient. */
export interface RoomAtAcs {
  validFrom: Date;
  validUntil: Date;
  participants: Record<string, string>;
}

export function roomsClient(connectionString: string): RoomsClient {
  return new RoomsClient(connectionString, {
    allowInsecureConnection: true,
    retryOptions: { maxRetries: 0 },
  });
}

/** undefined when ACS does not know the room. */
export async function roomAtAcs(rooms: RoomsClient, roomId: string): Promise<RoomAtAcs | undefined> {
  try {
    const room = await rooms.getRoom(roomId);
    const participants: Record<string, string> = {};
    for await (const participant of rooms.listParticipants(roomId)) {
      participants[(participant.id as CommunicationUserIdentifier).communicationUserId] =
        participant.role ?? '';
    }
    return { validFrom: room.validFrom, validUntil: room.validUntil, participants };
  } catch (error) {
    if (isRestError(error) && error.statusCode === 404) return undefined;
    throw error;
  }
}

export type TokenCheck =
  | { valid: true; communicationUserId: string; scopes: string[]; expiresOn: string }
  | { valid: false; reason: string };

/** The emulator's own verdict on a token, as ACS would honour it. */
export async function validateAtEmulator(emulatorUrl: string, token: string): Promise<TokenCheck> {
  const response = await fetch(new URL(':validateToken', emulatorUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token }),
  });
  if (response.status !== 200) throw new Error(`validateToken answered ${response.status}`);
  return (await response.json()) as TokenCheck;
}
