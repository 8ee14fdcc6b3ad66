import { randomUUID } from 'node:crypto';
import type { CallEventScope } from './callbackEvent';
import { identifierModelOf, phoneNumberOf } from './identifierModel';
import { MediaSession, type MediaSessionDeps } from './mediaSession';
import type { CancelTimer, TimerGroup } from './scaledTimers';
import type { ServerCall } from './serverCall';

export type CallConnectionState = 'connecting' | 'connected' | 'disconnected';

/** How the app got its leg into the call. */
export type CallConnectionOrigin = 'createCall' | 'answerCall' | 'connectCall';

export interface Invitation {
  invitationId: string;
  target: string;
  state: 'ringing' | 'answered' | 'failed' | 'canceled';
  operationContext?: string;
  callbackUri: string;
  repeatabilityRequestId?: string;
  /** The number a phone being invited is shown (one of the resource's). */
  sourceCallerIdNumber?: string;
  cancelRing?: CancelTimer;
}

export interface CallConnectionInit {
  serverCall: ServerCall;
  callbackUri: string;
  origin: CallConnectionOrigin;
  timers: TimerGroup;
  media: Omit<MediaSessionDeps, 'publish' | 'timers'>;
  publish(connection: CallConnection, type: string, data: Record<string, unknown>, uri?: string): void;
  repeatabilityRequestId?: string;
  /** Raw ids. */
  source?: string;
  targets?: string[];
  sourceCallerIdNumber?: string;
  sourceDisplayName?: string;
  answeredFor?: string;
  operationContext?: string;
  correlationId?: string;
}

/** The app's leg in a call: what callbacks are about, and what the call connection routes act on. */
export class CallConnection {
  readonly id = randomUUID();
  readonly correlationId: string;
  readonly serverCall: ServerCall;
  readonly callbackUri: string;
  readonly origin: CallConnectionOrigin;
  readonly repeatabilityRequestId: string | undefined;
  readonly source: string | undefined;
  readonly targets: string[];
  readonly sourceCallerIdNumber: string | undefined;
  readonly sourceDisplayName: string | undefined;
  readonly answeredFor: string | undefined;
  readonly timers: TimerGroup;
  readonly media: MediaSession;
  readonly invitations = new Map<string, Invitation>();
  readonly createdAt = new Date().toISOString();
  state: CallConnectionState = 'connecting';
  disconnectedAt: string | undefined;

  constructor(init: CallConnectionInit) {
    this.serverCall = init.serverCall;
    this.callbackUri = init.callbackUri;
    this.origin = init.origin;
    this.repeatabilityRequestId = init.repeatabilityRequestId;
    this.source = init.source;
    this.targets = init.targets ?? [];
    this.sourceCallerIdNumber = init.sourceCallerIdNumber;
    this.sourceDisplayName = init.sourceDisplayName;
    this.answeredFor = init.answeredFor;
    this.correlationId = init.correlationId ?? randomUUID();
    this.timers = init.timers;
    this.media = new MediaSession({
      ...init.media,
      timers: init.timers,
      publish: (type, data, uri) => init.publish(this, type, data, uri),
    });
    init.serverCall.connections.add(this);
  }

  scope(): CallEventScope {
    return {
      callConnectionId: this.id,
      serverCallId: this.serverCall.serverCallId,
      correlationId: this.correlationId,
    };
  }

  /** CallConnectionPropertiesInternal on the wire. */
  properties(): Record<string, unknown> {
    return {
      callConnectionId: this.id,
      serverCallId: this.serverCall.serverCallId,
      targets: this.targets.map(identifierModelOf),
      callConnectionState: this.state,
      callbackUri: this.callbackUri,
      correlationId: this.correlationId,
      ...(this.source ? { source: identifierModelOf(this.source) } : {}),
      ...(this.sourceCallerIdNumber ? { sourceCallerIdNumber: { value: this.sourceCallerIdNumber } } : {}),
      ...(this.sourceDisplayName ? { sourceDisplayName: this.sourceDisplayName } : {}),
      ...(this.answeredFor ? { answeredFor: { value: phoneNumberOf(this.answeredFor) } } : {}),
    };
  }
}
