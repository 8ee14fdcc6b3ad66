import type { RepeatabilityPin } from '../acs/repeatability';
import type { ResultInformation } from './connectionRecord';

export const operationKinds = [
  'addParticipant',
  'removeParticipant',
  'play',
  'recognize',
  'transfer',
  'hangUp',
] as const;
export type OperationKind = (typeof operationKinds)[number];

export const operationStatuses = ['pending', 'succeeded', 'failed', 'canceled'] as const;
export type OperationStatus = (typeof operationStatuses)[number];

/** What a recognize collected: DTMF keys, or the label of a recognized choice. Sensitive (PINs). */
export interface RecognizeResult {
  tones?: string[] | undefined;
  choice?: string | undefined;
}

/**
 * One mid-call action the service asked ACS for. Written (pending) before ACS is called, with the
 * repeatability pair its every try sends; its result comes later, by callback (the operationContext ACS
 * echoes is the operation id). It leaves `pending` once and never changes after.
 */
export interface OperationRecord {
  operationId: string;
  callId: string;
  /** The connection it belongs to: a later connection of the same call does not complete it. */
  bindingId: string;
  kind: OperationKind;
  status: OperationStatus;
  participantId?: string | undefined;
  /** For repeatable operations (add, remove, transfer, hang up). */
  pin?: RepeatabilityPin | undefined;
  /** Who asked: a subject, or `menu` for an incoming call's menu. */
  requestedBy: string;
  /** ACS took the request (it answered 2xx); before that a retry must send it again. */
  acceptedAt?: string | undefined;
  invitationId?: string | undefined;
  /** Adds: the connection's participantsSequence when the add was made (see standingAdd). */
  sequenceAtStart?: number | undefined;
  resultInformation?: ResultInformation | undefined;
  result?: RecognizeResult | undefined;
  /** When the result is erased (CALL_RESULT_TTL_HOURS after it came). */
  resultExpiresAt?: string | undefined;
  createdAt: string;
  updatedAt: string;
}

export const isPending = (operation: Pick<OperationRecord, 'status'>) => operation.status === 'pending';
