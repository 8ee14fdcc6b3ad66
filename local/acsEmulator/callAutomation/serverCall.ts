import { randomUUID } from 'node:crypto';
import type { CallConnection } from './callConnection';
import { identifierModelOf, type IdentifierResponseModel } from './identifierModel';

/** What the call is: a group call or a Room joined by id, or one ACS set up for a caller or createCall. */
export type CallLocator =
  { kind: 'groupCall'; groupCallId: string } | { kind: 'room'; roomId: string } | { kind: 'direct' };

export interface CallParticipantState {
  rawId: string;
  isMuted: boolean;
  isOnHold: boolean;
}

/** CallParticipantInternal on the wire. */
export interface CallParticipantModel {
  identifier: IdentifierResponseModel;
  isMuted: boolean;
  isOnHold: boolean;
}

/**
 * A call on the calling plane, shared by every app connection to it (ACS's server call). The app's
 * own legs are not listed among the participants, only the people and phones in the call.
 */
export class ServerCall {
  readonly serverCallId = Buffer.from(`https://acs-emulator.invalid/conv/${randomUUID()}`).toString('base64');
  readonly participants = new Map<string, CallParticipantState>();
  readonly connections = new Set<CallConnection>();
  /** Bumped on every ParticipantsUpdated, so each connection sees it only ever grow. */
  sequenceNumber = 0;
  state: 'active' | 'ended' = 'active';
  readonly createdAt = new Date().toISOString();

  constructor(readonly locator: CallLocator) {}

  join(rawId: string): void {
    if (!this.participants.has(rawId))
      this.participants.set(rawId, { rawId, isMuted: false, isOnHold: false });
  }

  participantModels(): CallParticipantModel[] {
    return [...this.participants.values()].map(participantModel);
  }

  liveConnections(): CallConnection[] {
    return [...this.connections].filter((connection) => connection.state !== 'disconnected');
  }
}

export function participantModel(participant: CallParticipantState): CallParticipantModel {
  return {
    identifier: identifierModelOf(participant.rawId),
    isMuted: participant.isMuted,
    isOnHold: participant.isOnHold,
  };
}
