import type { CallbackEvent, KnownEventName } from './callbackEvents';
import { laterState, type ConnectionRecord, type ConnectionState } from './connectionRecord';
import { keyOf } from './dtmfTone';
import type { OperationKind, OperationRecord, OperationStatus, RecognizeResult } from './operationRecord';

/*
 * Callbacks arrive at least once, late and out of order, on any instance. Each is applied as a monotonic
 * merge: a function of the stored record and the event that only ever moves the record forward, so applying
 * an event twice, or two events in either order, ends in the same record:
 *   - a connection's state only moves along connecting -> connected -> disconnecting -> disconnected;
 *   - its participant list is replaced only by a ParticipantsUpdated with a higher sequence number;
 *   - an operation leaves `pending` once (the first completion event wins) and never changes again.
 * undefined means the event changes nothing.
 */

const connectionStateOf: Partial<Record<KnownEventName, ConnectionState>> = {
  CallConnected: 'connected',
  CallDisconnected: 'disconnected',
  CreateCallFailed: 'disconnected',
  ConnectFailed: 'disconnected',
  AnswerFailed: 'disconnected',
};

export function isConnectionEvent(event: CallbackEvent): boolean {
  return event.name === 'ParticipantsUpdated' || connectionStateOf[event.name] !== undefined;
}

export function mergeIntoConnection(
  connection: ConnectionRecord,
  event: CallbackEvent,
  now: Date,
): ConnectionRecord | undefined {
  if (event.name === 'ParticipantsUpdated') {
    if (event.data.sequenceNumber <= connection.participantsSequence) return undefined;
    // A call that is over keeps the list it ended with.
    if (connection.state === 'disconnected') return undefined;
    const listed = new Set(event.data.participants.map((participant) => participant.rawId));
    const departures = Object.fromEntries(
      Object.entries(connection.departures ?? {}).filter(([rawId]) => !listed.has(rawId)),
    );
    for (const { rawId } of connection.participants) {
      if (!listed.has(rawId)) departures[rawId] = event.data.sequenceNumber;
    }
    return {
      ...connection,
      participants: event.data.participants,
      participantsSequence: event.data.sequenceNumber,
      departures,
      updatedAt: now.toISOString(),
    };
  }
  const target = connectionStateOf[event.name];
  if (!target) return undefined;
  const state = laterState(connection.state, target);
  if (state === connection.state) return undefined;
  return {
    ...connection,
    state,
    ...(state === 'disconnected' && event.data.resultInformation
      ? { endedBy: event.data.resultInformation }
      : {}),
    ...(state === 'disconnected' ? { participants: [] } : {}),
    updatedAt: now.toISOString(),
  };
}

/** The operation an event completes, and how: events of other kinds cannot complete it. */
const completions: Partial<Record<KnownEventName, { kind: OperationKind; status: OperationStatus }>> = {
  AddParticipantSucceeded: { kind: 'addParticipant', status: 'succeeded' },
  AddParticipantFailed: { kind: 'addParticipant', status: 'failed' },
  RemoveParticipantSucceeded: { kind: 'removeParticipant', status: 'succeeded' },
  RemoveParticipantFailed: { kind: 'removeParticipant', status: 'failed' },
  PlayCompleted: { kind: 'play', status: 'succeeded' },
  PlayFailed: { kind: 'play', status: 'failed' },
  PlayCanceled: { kind: 'play', status: 'canceled' },
  RecognizeCompleted: { kind: 'recognize', status: 'succeeded' },
  RecognizeFailed: { kind: 'recognize', status: 'failed' },
  RecognizeCanceled: { kind: 'recognize', status: 'canceled' },
  CallTransferAccepted: { kind: 'transfer', status: 'succeeded' },
  CallTransferFailed: { kind: 'transfer', status: 'failed' },
};

/** The id of the operation an event reports on: the operationContext the service gave ACS. */
export function operationIdOf(event: CallbackEvent): string | undefined {
  return completions[event.name] ? event.data.operationContext : undefined;
}

export function mergeIntoOperation(
  operation: OperationRecord,
  event: CallbackEvent,
  now: Date,
  resultTtlMs: number,
): OperationRecord | undefined {
  const completion = completions[event.name];
  if (!completion || completion.kind !== operation.kind || operation.status !== 'pending') return undefined;
  const result = event.name === 'RecognizeCompleted' ? recognizeResult(event) : undefined;
  return {
    ...operation,
    status: completion.status,
    ...(event.data.resultInformation ? { resultInformation: event.data.resultInformation } : {}),
    ...(result ? { result, resultExpiresAt: new Date(now.getTime() + resultTtlMs).toISOString() } : {}),
    updatedAt: now.toISOString(),
  };
}

/** What a RecognizeCompleted collected: DTMF tones as keys (`1`, `#`), or a choice's label. */
export function recognizeResult(
  event: Extract<CallbackEvent, { name: 'RecognizeCompleted' }>,
): RecognizeResult | undefined {
  const { dtmfResult, choiceResult } = event.data;
  if (dtmfResult) return { tones: dtmfResult.tones.map((tone) => keyOf(tone) ?? '?') };
  if (choiceResult) return { choice: choiceResult.label };
  return undefined;
}
