import type { CallbackDelivery, CallbackSender } from './callbackSender';
import type { CallRegistry } from './callRegistry';
import type { MediaSessionView } from './mediaSession';
import type { CallLocator, CallParticipantState } from './serverCall';

export interface CallConnectionView {
  callConnectionId: string;
  origin: string;
  state: string;
  callbackUri: string;
  correlationId: string;
  repeatabilityRequestId?: string;
  targets: string[];
  source?: string;
  sourceCallerIdNumber?: string;
  createdAt: string;
  disconnectedAt?: string;
  media: MediaSessionView;
  invitations: Array<{
    invitationId: string;
    target: string;
    state: string;
    repeatabilityRequestId?: string;
    /** Phones only: the caller id they were shown. */
    sourceCallerIdNumber?: string;
  }>;
  deliveries: CallbackDelivery[];
}

export interface CallView {
  serverCallId: string;
  locator: CallLocator;
  state: 'active' | 'ended';
  createdAt: string;
  sequenceNumber: number;
  participants: CallParticipantState[];
  connections: CallConnectionView[];
}

export interface IncomingCallView {
  incomingCallContext: string;
  serverCallId: string;
  from: string;
  to: string;
  state: string;
  receivedAt: string;
  answeredBy?: string;
  redirectedTo?: string;
  rejectReason?: string;
}

/** What `GET /__emulator/calls` shows: every call with its legs, media, invitations and callback deliveries. */
export function callsView(
  registry: CallRegistry,
  sender: CallbackSender,
): { calls: CallView[]; incomingCalls: IncomingCallView[] } {
  const calls = registry.allServerCalls().map((call) => ({
    serverCallId: call.serverCallId,
    locator: { ...call.locator },
    state: call.state,
    createdAt: call.createdAt,
    sequenceNumber: call.sequenceNumber,
    participants: [...call.participants.values()].map((participant) => ({ ...participant })),
    connections: [...call.connections].map((connection) => ({
      callConnectionId: connection.id,
      origin: connection.origin,
      state: connection.state,
      callbackUri: connection.callbackUri,
      correlationId: connection.correlationId,
      ...(connection.repeatabilityRequestId
        ? { repeatabilityRequestId: connection.repeatabilityRequestId }
        : {}),
      targets: [...connection.targets],
      ...(connection.source ? { source: connection.source } : {}),
      ...(connection.sourceCallerIdNumber ? { sourceCallerIdNumber: connection.sourceCallerIdNumber } : {}),
      createdAt: connection.createdAt,
      ...(connection.disconnectedAt ? { disconnectedAt: connection.disconnectedAt } : {}),
      media: connection.media.view(),
      invitations: [...connection.invitations.values()].map((invitation) => ({
        invitationId: invitation.invitationId,
        target: invitation.target,
        state: invitation.state,
        ...(invitation.repeatabilityRequestId
          ? { repeatabilityRequestId: invitation.repeatabilityRequestId }
          : {}),
        ...(invitation.sourceCallerIdNumber ? { sourceCallerIdNumber: invitation.sourceCallerIdNumber } : {}),
      })),
      deliveries: sender.deliveries(connection.id),
    })),
  }));
  const incomingCalls = registry.allIncoming().map((incoming) => ({
    incomingCallContext: incoming.incomingCallContext,
    serverCallId: incoming.serverCall.serverCallId,
    from: incoming.from,
    to: incoming.to,
    state: incoming.state,
    receivedAt: incoming.receivedAt,
    ...(incoming.answeredBy ? { answeredBy: incoming.answeredBy } : {}),
    ...(incoming.redirectedTo ? { redirectedTo: incoming.redirectedTo } : {}),
    ...(incoming.rejectReason ? { rejectReason: incoming.rejectReason } : {}),
  }));
  return { calls, incomingCalls };
}
