import { randomInt } from 'node:crypto';
import { badRequest, notFound } from './acsError';
import type { RoomRecord, RoomRole } from './persistedState';

/** ACS limits a room's validity window to 180 days. */
export const maxRoomValidityMs = 180 * 24 * 60 * 60 * 1000;

export interface RoomModel {
  id: string;
  createdAt: string;
  validFrom: string;
  validUntil: string;
  pstnDialOutEnabled: boolean;
}

export interface RoomParticipantModel {
  rawId: string;
  role: RoomRole;
}

export interface RoomChanges {
  validFrom?: Date | undefined;
  validUntil?: Date | undefined;
  pstnDialOutEnabled?: boolean | undefined;
}

export interface NewRoom extends RoomChanges {
  participants: ReadonlyArray<readonly [string, RoomRole]>;
  /** The SDK's Repeatability-Request-ID: a retried create returns the room the first attempt made. */
  repeatabilityRequestId?: string | undefined;
}

interface Room {
  model: RoomModel;
  participants: Map<string, RoomRole>;
  repeatabilityRequestId?: string;
}

export class RoomStore {
  private readonly byId = new Map<string, Room>();

  constructor(records: readonly RoomRecord[] = []) {
    for (const record of records) this.byId.set(record.id, fromRecord(record));
  }

  create(request: NewRoom, now = new Date()): RoomModel {
    const earlier = request.repeatabilityRequestId
      ? this.byRequestId(request.repeatabilityRequestId)
      : undefined;
    if (earlier) return { ...earlier.model };
    const validFrom = request.validFrom ?? now;
    // As in ACS, an open-ended room lasts the longest window allowed.
    const validUntil = request.validUntil ?? new Date(validFrom.getTime() + maxRoomValidityMs);
    checkValidity(validFrom, validUntil);
    const room: Room = {
      model: {
        id: newRoomId(),
        createdAt: now.toISOString(),
        validFrom: validFrom.toISOString(),
        validUntil: validUntil.toISOString(),
        pstnDialOutEnabled: request.pstnDialOutEnabled ?? false,
      },
      participants: new Map(request.participants),
      ...(request.repeatabilityRequestId ? { repeatabilityRequestId: request.repeatabilityRequestId } : {}),
    };
    this.byId.set(room.model.id, room);
    return { ...room.model };
  }

  get(id: string): RoomModel {
    return { ...this.room(id).model };
  }

  list(): RoomModel[] {
    return [...this.byId.values()].map((room) => ({ ...room.model }));
  }

  update(id: string, changes: RoomChanges): RoomModel {
    const room = this.room(id);
    const validFrom = changes.validFrom ?? new Date(room.model.validFrom);
    const validUntil = changes.validUntil ?? new Date(room.model.validUntil);
    checkValidity(validFrom, validUntil);
    room.model.validFrom = validFrom.toISOString();
    room.model.validUntil = validUntil.toISOString();
    if (changes.pstnDialOutEnabled !== undefined) room.model.pstnDialOutEnabled = changes.pstnDialOutEnabled;
    return { ...room.model };
  }

  delete(id: string): void {
    this.room(id);
    this.byId.delete(id);
  }

  participants(id: string): RoomParticipantModel[] {
    return [...this.room(id).participants].map(([rawId, role]) => ({ rawId, role }));
  }

  /** JSON merge-patch semantics: a role adds or updates, null removes (absent ids are ignored). */
  patchParticipants(id: string, patch: ReadonlyArray<readonly [string, RoomRole | null]>): void {
    const participants = this.room(id).participants;
    for (const [rawId, role] of patch) {
      if (role === null) participants.delete(rawId);
      else participants.set(rawId, role);
    }
  }

  records(): RoomRecord[] {
    return [...this.byId.values()].map((room) => ({
      ...room.model,
      participants: this.participants(room.model.id),
      ...(room.repeatabilityRequestId ? { repeatabilityRequestId: room.repeatabilityRequestId } : {}),
    }));
  }

  private room(id: string): Room {
    const room = this.byId.get(id);
    if (!room) throw notFound(`Room ${id} does not exist.`);
    return room;
  }

  private byRequestId(requestId: string): Room | undefined {
    return [...this.byId.values()].find((room) => room.repeatabilityRequestId === requestId);
  }
}

function checkValidity(validFrom: Date, validUntil: Date): void {
  if (validUntil.getTime() <= validFrom.getTime()) {
    throw badRequest('validUntil must be later than validFrom.', 'InvalidRoomValidity');
  }
  if (validUntil.getTime() - validFrom.getTime() > maxRoomValidityMs) {
    throw badRequest('A room can be valid for at most 180 days.', 'InvalidRoomValidity');
  }
}

/** ACS room ids are long decimal numbers (randomInt spans at most 2^48, hence two draws). */
function newRoomId(): string {
  return `99${randomInt(1e13, 1e14)}${randomInt(100, 1000)}`;
}

function fromRecord(record: RoomRecord): Room {
  const { participants, repeatabilityRequestId, ...model } = record;
  return {
    model,
    participants: new Map(participants.map((p) => [p.rawId, p.role] as const)),
    ...(repeatabilityRequestId ? { repeatabilityRequestId } : {}),
  };
}
