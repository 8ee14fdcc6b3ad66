import type { z } from 'zod';
import { AcsError } from '../acsError';
import { isCommunicationUserRawId } from '../communicationIdentifier';
import type { CallAutomationContext } from './callAutomationContext';
import { conflict, insufficientPermissions, invalidRequest, notFoundThere } from './callAutomationErrors';
import type {
  answerCallRequestSchema,
  connectRequestSchema,
  createCallRequestSchema,
  redirectCallRequestSchema,
  rejectCallRequestSchema,
} from './callAutomationRequests';
import type { CallConnection } from './callConnection';
import { disconnect, markConnected, openConnection } from './callLifecycle';
import { isE164, isPhoneRawId, rawIdOf } from './identifierModel';
import type { IncomingCall } from './incomingCall';
import { withOperationContext } from './operationContext';
import { ring } from './ringing';
import type { CallLocator } from './serverCall';

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Calling a phone number needs a caller id the resource owns with outbound calling (no direct
 * routing here). Missing: 400; not owned or not able to call out: 403.
 */
export function checkedCallerId(ctx: CallAutomationContext, callerId: { value: string } | undefined): string {
  if (!callerId) throw invalidRequest('sourceCallerIdNumber is required to call a phone number.');
  if (!isE164(callerId.value)) throw invalidRequest('sourceCallerIdNumber is not an E.164 phone number.');
  if (!ctx.phoneNumbers.canCallOut(callerId.value)) {
    throw insufficientPermissions(
      `The source caller id ${callerId.value} is not a number of this resource with outbound calling.`,
    );
  }
  return callerId.value;
}

/** createCall / createGroupCall: ring every target; the call connects when the first one answers. */
export function createCall(
  ctx: CallAutomationContext,
  request: z.infer<typeof createCallRequestSchema>,
  repeatabilityRequestId: string | undefined,
): CallConnection {
  const targets = request.targets.map((target, index) => rawIdOf(target, `targets[${index}]`));
  if (new Set(targets).size !== targets.length) throw invalidRequest('targets must not repeat.');
  const callsPhones = targets.some(isPhoneRawId);
  const sourceCallerIdNumber = callsPhones ? checkedCallerId(ctx, request.sourceCallerIdNumber) : undefined;
  if (request.source && !isCommunicationUserRawId(request.source.id)) {
    throw invalidRequest('source is not a communication user id.');
  }
  const call = ctx.registry.newServerCall({ kind: 'direct' });
  const connection = openConnection(ctx, {
    serverCall: call,
    callbackUri: request.callbackUri,
    origin: 'createCall',
    targets,
    ...(repeatabilityRequestId ? { repeatabilityRequestId } : {}),
    ...(request.source ? { source: request.source.id } : {}),
    ...(sourceCallerIdNumber ? { sourceCallerIdNumber } : {}),
    ...(request.sourceDisplayName ? { sourceDisplayName: request.sourceDisplayName } : {}),
  });
  let unanswered = targets.length;
  for (const target of targets) {
    ring(ctx, connection.timers, target, ctx.durations.ringTimeoutMs, (outcome) => {
      unanswered -= 1;
      if (outcome.answered) {
        call.join(target);
        if (connection.state === 'connecting') markConnected(ctx, connection, request.operationContext);
        else ctx.events.participantsUpdated(call);
        return;
      }
      if (unanswered > 0 || connection.state !== 'connecting') return;
      ctx.events.publish(connection, 'CreateCallFailed', {
        ...withOperationContext(request.operationContext),
        resultInformation: outcome.result,
      });
      disconnect(ctx, connection, outcome.result);
    });
  }
  return connection;
}

/** connectCall: the app joins a group call, a Room (which must exist and be open) or a known call. */
export function connectCall(
  ctx: CallAutomationContext,
  request: z.infer<typeof connectRequestSchema>,
  repeatabilityRequestId: string | undefined,
): CallConnection {
  const locator = request.callLocator;
  const given = [locator.groupCallId, locator.roomId, locator.serverCallId].filter((id) => id !== undefined);
  if (given.length !== 1)
    throw invalidRequest('callLocator must name exactly one of groupCallId, roomId, serverCallId.');
  let call;
  if (locator.groupCallId !== undefined) {
    if (!uuid.test(locator.groupCallId)) throw invalidRequest('groupCallId must be a GUID.');
    call = ctx.registry.callAt(groupCall(locator.groupCallId));
  } else if (locator.roomId !== undefined) {
    checkRoomOpen(ctx, locator.roomId);
    call = ctx.registry.callAt({ kind: 'room', roomId: locator.roomId });
  } else {
    call = ctx.registry.activeServerCall(locator.serverCallId ?? '');
    if (!call) throw notFoundThere(`Call ${locator.serverCallId} not found.`);
  }
  const connection = openConnection(ctx, {
    serverCall: call,
    callbackUri: request.callbackUri,
    origin: 'connectCall',
    ...(repeatabilityRequestId ? { repeatabilityRequestId } : {}),
  });
  connection.timers.after(0, () => markConnected(ctx, connection, request.operationContext));
  return connection;
}

/** answerCall: the app takes an incoming call it heard of through Event Grid. */
export function answerCall(
  ctx: CallAutomationContext,
  request: z.infer<typeof answerCallRequestSchema>,
  repeatabilityRequestId: string | undefined,
): CallConnection {
  const incoming = ringingCall(ctx, request.incomingCallContext);
  incoming.state = 'answered';
  incoming.cancelTimeout?.();
  const connection = openConnection(ctx, {
    serverCall: incoming.serverCall,
    callbackUri: request.callbackUri,
    origin: 'answerCall',
    source: incoming.from,
    targets: [incoming.to],
    answeredFor: incoming.to,
    correlationId: incoming.correlationId,
    ...(repeatabilityRequestId ? { repeatabilityRequestId } : {}),
  });
  incoming.answeredBy = connection.id;
  connection.timers.after(0, () => markConnected(ctx, connection, request.operationContext));
  return connection;
}

/** redirectCall: the caller now rings someone else; the app is out of it. */
export function redirectCall(
  ctx: CallAutomationContext,
  request: z.infer<typeof redirectCallRequestSchema>,
): void {
  const target = rawIdOf(request.target, 'target');
  const incoming = ringingCall(ctx, request.incomingCallContext);
  incoming.state = 'redirected';
  incoming.redirectedTo = target;
  incoming.cancelTimeout?.();
}

export function rejectCall(
  ctx: CallAutomationContext,
  request: z.infer<typeof rejectCallRequestSchema>,
): void {
  const incoming = ringingCall(ctx, request.incomingCallContext);
  incoming.state = 'rejected';
  incoming.rejectReason = request.callRejectReason ?? 'none';
  incoming.cancelTimeout?.();
  incoming.serverCall.participants.clear();
  ctx.registry.ended(incoming.serverCall);
}

function ringingCall(ctx: CallAutomationContext, incomingCallContext: string): IncomingCall {
  const incoming = ctx.registry.incomingCall(incomingCallContext);
  if (!incoming) throw invalidRequest('incomingCallContext is not valid.');
  if (incoming.state !== 'ringing') {
    throw conflict(`The incoming call was already ${incoming.state}; its context can be used only once.`);
  }
  return incoming;
}

function groupCall(groupCallId: string): CallLocator {
  return { kind: 'groupCall', groupCallId };
}

/** Rooms admit calls only inside their validity window (call-end codes 5829). */
function checkRoomOpen(ctx: CallAutomationContext, roomId: string): void {
  let room;
  try {
    room = ctx.rooms.get(roomId);
  } catch {
    throw notFoundThere(`Room ${roomId} not found.`);
  }
  const now = Date.now();
  if (now < Date.parse(room.validFrom) || now > Date.parse(room.validUntil)) {
    throw new AcsError(
      403,
      '5829',
      `The room ${roomId} is not open now: calls are allowed only between validFrom and validUntil.`,
    );
  }
}
