import type { CallAutomationContext } from './callAutomationContext';
import { CallConnection, type CallConnectionInit } from './callConnection';
import { withOperationContext } from './operationContext';
import { results, type ResultInformation } from './resultInformation';
import type { ServerCall } from './serverCall';

export type NewConnection = Omit<CallConnectionInit, 'timers' | 'media' | 'publish'>;

/** A new app leg in a call, registered and wired to callbacks, still connecting. */
export function openConnection(ctx: CallAutomationContext, init: NewConnection): CallConnection {
  const connection = new CallConnection({
    ...init,
    timers: ctx.timers.group(),
    media: { durations: ctx.durations, faults: ctx.mediaFaults },
    publish: (target, type, data, uri) => ctx.events.publish(target, type, data, uri),
  });
  ctx.registry.addConnection(connection);
  return connection;
}

/** The leg is in: CallConnected, then the roster as it is now. */
export function markConnected(
  ctx: CallAutomationContext,
  connection: CallConnection,
  operationContext?: string,
) {
  if (connection.state !== 'connecting') return;
  connection.state = 'connected';
  ctx.events.publish(connection, 'CallConnected', {
    ...withOperationContext(operationContext),
    resultInformation: results.connected,
  });
  ctx.events.participantsUpdated(connection.serverCall, connection);
}

/**
 * The leg ends with CallDisconnected, its last event: its timers, media and ringing invitations stop.
 * A direct call (one ACS set up for createCall or a caller) ends when its app leaves it.
 */
export function disconnect(
  ctx: CallAutomationContext,
  connection: CallConnection,
  result: ResultInformation,
  { handedOver = false }: { handedOver?: boolean } = {},
) {
  if (connection.state === 'disconnected') return;
  ctx.events.publish(connection, 'CallDisconnected', { resultInformation: result });
  connection.state = 'disconnected';
  connection.disconnectedAt = new Date().toISOString();
  connection.timers.cancelAll();
  connection.media.close();
  for (const invitation of connection.invitations.values()) {
    if (invitation.state !== 'ringing') continue;
    invitation.cancelRing?.();
    invitation.state = 'canceled';
  }
  const call = connection.serverCall;
  // A transfer hands the call over: it goes on without the app.
  if (!handedOver && call.locator.kind === 'direct' && call.liveConnections().length === 0)
    endCall(ctx, call, result);
}

/** The call is over for everyone: every leg disconnects, the roster empties. */
export function endCall(ctx: CallAutomationContext, call: ServerCall, result: ResultInformation) {
  if (call.state === 'ended') return;
  ctx.registry.ended(call);
  for (const connection of call.liveConnections()) disconnect(ctx, connection, result);
  call.participants.clear();
}

/** Someone left (hung up, was removed): everyone connected hears it; a direct call with nobody left ends. */
export function leave(ctx: CallAutomationContext, call: ServerCall, rawId: string): boolean {
  if (!call.participants.delete(rawId)) return false;
  ctx.events.participantsUpdated(call);
  if (call.locator.kind === 'direct' && call.participants.size === 0)
    endCall(ctx, call, results.endedByParticipant);
  return true;
}
