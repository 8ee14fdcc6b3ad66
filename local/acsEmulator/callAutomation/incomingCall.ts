import { randomBytes, randomUUID } from 'node:crypto';
import type { CancelTimer } from './scaledTimers';
import type { ServerCall } from './serverCall';

export type IncomingCallState = 'ringing' | 'answered' | 'redirected' | 'rejected' | 'missed';

/** A call to one of the resource's numbers, announced through Event Grid and waiting for the app. */
export class IncomingCall {
  /** Opaque to the app, as ACS's is; it only hands it back to answer, redirect or reject. */
  readonly incomingCallContext = randomBytes(48).toString('base64url');
  readonly correlationId = randomUUID();
  readonly receivedAt = new Date().toISOString();
  state: IncomingCallState = 'ringing';
  redirectedTo: string | undefined;
  rejectReason: string | undefined;
  answeredBy: string | undefined;
  cancelTimeout: CancelTimer | undefined;

  constructor(
    readonly serverCall: ServerCall,
    /** Raw ids: the caller (a phone or an ACS user) and the owned number called. */
    readonly from: string,
    readonly to: string,
  ) {}
}
