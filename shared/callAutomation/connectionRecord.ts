import type { RepeatabilityPin } from '../acs/repeatability';

/** A connection's life, in the only order it may move: a state never goes back. */
export const connectionStates = ['connecting', 'connected', 'disconnecting', 'disconnected'] as const;
export type ConnectionState = (typeof connectionStates)[number];

export const connectionKinds = ['call', 'outbound', 'incoming'] as const;
/** `call`: the service joined a group call or Room; `outbound`: it placed the call; `incoming`: it answered one. */
export type ConnectionKind = (typeof connectionKinds)[number];

export interface ResultInformation {
  code?: number | undefined;
  subCode?: number | undefined;
  message?: string | undefined;
}

/** Someone on the call, as the last ParticipantsUpdated listed them. */
export interface ParticipantPresence {
  rawId: string;
  isMuted: boolean;
}

/** What an incoming call's menu needs through the call: fixed when the call is answered. */
export interface IncomingCallState {
  to: string;
  from: string;
  incomingCallContext: string;
  greetingUrl?: string | undefined;
  choices: Array<{ key: string; target: string }>;
  initialSilenceTimeoutSeconds: number;
  maxAttempts: number;
}

/**
 * The service's connection to one call (a call record's, or an incoming call's). The binding id is the
 * secret in the callback URL given to ACS for this connection; callConnectionId is ACS's name for it, known
 * from ACS's answer or from the first authenticated callback, whichever comes first.
 */
export interface ConnectionRecord {
  callId: string;
  kind: ConnectionKind;
  bindingId: string;
  state: ConnectionState;
  callConnectionId?: string | undefined;
  /** The repeatability pair of the request that made the connection (connect, createCall, answer). */
  pin: RepeatabilityPin;
  organizer?: string | undefined;
  participants: ParticipantPresence[];
  /** The sequence number of the ParticipantsUpdated event `participants` came from; -1 before any. */
  participantsSequence: number;
  /**
   * Who was on a list and then missing from a newer one (they left), with the sequence number of the list
   * that first lacked them; cleared when they are listed again. An add is a new invitation only for someone
   * who left after it was made (see the service's standingAdd).
   */
  departures?: Record<string, number> | undefined;
  endedBy?: ResultInformation | undefined;
  /** Outbound calls: whom ACS was asked to ring, and the number shown to phones. */
  targets?: string[] | undefined;
  sourceCallerId?: string | undefined;
  incoming?: IncomingCallState | undefined;
  createdAt: string;
  updatedAt: string;
}

export const stateRank = (state: ConnectionState) => connectionStates.indexOf(state);

/** Whether the connection may take new media and participant operations (or is still being made). */
export const isLive = (state: ConnectionState) => state === 'connecting' || state === 'connected';

/** The later of two states: merges never move a connection back. */
export function laterState(current: ConnectionState, next: ConnectionState): ConnectionState {
  return stateRank(next) > stateRank(current) ? next : current;
}
