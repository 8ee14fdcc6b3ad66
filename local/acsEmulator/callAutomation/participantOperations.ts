import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import type { CallAutomationContext } from './callAutomationContext';
import { callNotEstablished, insufficientPermissions, invalidRequest } from './callAutomationErrors';
import type {
  addParticipantRequestSchema,
  cancelAddParticipantRequestSchema,
  muteParticipantsRequestSchema,
  removeParticipantRequestSchema,
  transferRequestSchema,
} from './callAutomationRequests';
import type { CallConnection, Invitation } from './callConnection';
import { disconnect, leave } from './callLifecycle';
import { checkedCallerId } from './callSetup';
import { identifierModelOf, isPhoneRawId, rawIdOf } from './identifierModel';
import { results } from './resultInformation';
import { withOperationContext } from './operationContext';
import { ring } from './ringing';

export function requireConnected(connection: CallConnection): void {
  if (connection.state !== 'connected') throw callNotEstablished();
}

/** addParticipant: invite someone; they ring, then AddParticipantSucceeded or AddParticipantFailed. */
export function addParticipant(
  ctx: CallAutomationContext,
  connection: CallConnection,
  request: z.infer<typeof addParticipantRequestSchema>,
  repeatabilityRequestId: string | undefined,
): Invitation {
  requireConnected(connection);
  const target = rawIdOf(request.participantToAdd, 'participantToAdd');
  const call = connection.serverCall;
  let sourceCallerIdNumber: string | undefined;
  if (isPhoneRawId(target)) {
    sourceCallerIdNumber = checkedCallerId(ctx, request.sourceCallerIdNumber);
    if (call.locator.kind === 'room' && !ctx.rooms.get(call.locator.roomId).pstnDialOutEnabled) {
      throw insufficientPermissions(`PSTN dial-out is not enabled for room ${call.locator.roomId}.`);
    }
  }
  if (call.participants.has(target)) throw invalidRequest(`${target} is already in the call.`);
  const invitation: Invitation = {
    invitationId: randomUUID(),
    target,
    state: 'ringing',
    callbackUri: request.operationCallbackUri ?? connection.callbackUri,
    ...(request.operationContext === undefined ? {} : { operationContext: request.operationContext }),
    ...(repeatabilityRequestId ? { repeatabilityRequestId } : {}),
    ...(sourceCallerIdNumber ? { sourceCallerIdNumber } : {}),
  };
  connection.invitations.set(invitation.invitationId, invitation);
  const timeoutMs =
    request.invitationTimeoutInSeconds === undefined
      ? ctx.durations.invitationTimeoutMs
      : request.invitationTimeoutInSeconds * 1000;
  invitation.cancelRing = ring(ctx, connection.timers, target, timeoutMs, (outcome) => {
    if (invitation.state !== 'ringing') return;
    const data = {
      ...withOperationContext(invitation.operationContext),
      participant: identifierModelOf(target),
    };
    if (!outcome.answered) {
      invitation.state = 'failed';
      ctx.events.publish(
        connection,
        'AddParticipantFailed',
        { ...data, resultInformation: outcome.result },
        invitation.callbackUri,
      );
      return;
    }
    invitation.state = 'answered';
    call.join(target);
    ctx.events.publish(
      connection,
      'AddParticipantSucceeded',
      { ...data, resultInformation: results.succeeded },
      invitation.callbackUri,
    );
    ctx.events.participantsUpdated(call);
  });
  return invitation;
}

/** cancelAddParticipant: stop a ringing invitation; too late (or unknown) is CancelAddParticipantFailed. */
export function cancelAddParticipant(
  ctx: CallAutomationContext,
  connection: CallConnection,
  request: z.infer<typeof cancelAddParticipantRequestSchema>,
): void {
  requireConnected(connection);
  const invitation = connection.invitations.get(request.invitationId);
  const uri = request.operationCallbackUri ?? connection.callbackUri;
  const data = { ...withOperationContext(request.operationContext), invitationId: request.invitationId };
  connection.timers.after(0, () => {
    if (invitation?.state !== 'ringing') {
      ctx.events.publish(
        connection,
        'CancelAddParticipantFailed',
        { ...data, resultInformation: results.invitationNotPending },
        uri,
      );
      return;
    }
    invitation.cancelRing?.();
    invitation.state = 'canceled';
    ctx.events.publish(
      connection,
      'CancelAddParticipantSucceeded',
      { ...data, resultInformation: results.succeeded },
      uri,
    );
  });
}

/** removeParticipant: out of the call; one who is not in it is RemoveParticipantFailed (8558). */
export function removeParticipant(
  ctx: CallAutomationContext,
  connection: CallConnection,
  request: z.infer<typeof removeParticipantRequestSchema>,
): void {
  requireConnected(connection);
  const target = rawIdOf(request.participantToRemove, 'participantToRemove');
  const uri = request.operationCallbackUri ?? connection.callbackUri;
  const data = { ...withOperationContext(request.operationContext), participant: identifierModelOf(target) };
  connection.timers.after(0, () => {
    if (!connection.serverCall.participants.has(target)) {
      ctx.events.publish(
        connection,
        'RemoveParticipantFailed',
        { ...data, resultInformation: results.participantNotPresent },
        uri,
      );
      return;
    }
    ctx.events.publish(
      connection,
      'RemoveParticipantSucceeded',
      { ...data, resultInformation: results.succeeded },
      uri,
    );
    leave(ctx, connection.serverCall, target);
  });
}

/** muteParticipant: ACS mutes communication users only. */
export function muteParticipant(
  ctx: CallAutomationContext,
  connection: CallConnection,
  request: z.infer<typeof muteParticipantsRequestSchema>,
): void {
  requireConnected(connection);
  const [model] = request.targetParticipants;
  const target = rawIdOf(model ?? {}, 'targetParticipants[0]');
  if (isPhoneRawId(target)) throw invalidRequest('Only communication users can be muted.');
  const participant = connection.serverCall.participants.get(target);
  if (!participant) throw invalidRequest(`${target} is not in the call.`);
  if (participant.isMuted) return;
  participant.isMuted = true;
  ctx.events.participantsUpdated(connection.serverCall);
}

/**
 * transferCallToParticipant (1:1 calls): the other party is handed to the target; when the target
 * answers the app leg ends (CallTransferAccepted, then CallDisconnected), else CallTransferFailed.
 */
export function transferCall(
  ctx: CallAutomationContext,
  connection: CallConnection,
  request: z.infer<typeof transferRequestSchema>,
): void {
  requireConnected(connection);
  const call = connection.serverCall;
  if (call.locator.kind !== 'direct')
    throw invalidRequest('Transfer is supported only in 1:1 calls; use addParticipant in group calls.');
  const target = rawIdOf(request.targetParticipant, 'targetParticipant');
  const transferee = request.transferee
    ? rawIdOf(request.transferee, 'transferee')
    : [...call.participants.keys()][0];
  if (!transferee || !call.participants.has(transferee))
    throw invalidRequest('There is nobody in the call to transfer.');
  if (isPhoneRawId(target) && request.sourceCallerIdNumber)
    checkedCallerId(ctx, request.sourceCallerIdNumber);
  const uri = request.operationCallbackUri ?? connection.callbackUri;
  ring(ctx, connection.timers, target, ctx.durations.ringTimeoutMs, (outcome) => {
    if (!outcome.answered) {
      ctx.events.publish(
        connection,
        'CallTransferFailed',
        { ...withOperationContext(request.operationContext), resultInformation: outcome.result },
        uri,
      );
      return;
    }
    call.join(target);
    ctx.events.publish(
      connection,
      'CallTransferAccepted',
      {
        ...withOperationContext(request.operationContext),
        transferTarget: identifierModelOf(target),
        transferee: identifierModelOf(transferee),
        resultInformation: results.succeeded,
      },
      uri,
    );
    disconnect(ctx, connection, results.transferred, { handedOver: true });
  });
}
