import { AcsError } from '../acsError';
import type { CallAutomationContext } from './callAutomationContext';
import type { EventGridDelivery, EventGridPostResult } from './eventGridDelivery';
import { identifierModelOf, isE164, parseParticipant, phoneRawId } from './identifierModel';
import { IncomingCall } from './incomingCall';

export interface IncomingCallRequest {
  /** The caller: an E.164 number or a communication user raw id. */
  from: string;
  /** The owned number called, E.164. */
  to: string;
  callerDisplayName?: string | undefined;
}

export interface IncomingCallDelivery {
  incomingCallContext: string;
  serverCallId: string;
  correlationId: string;
  delivery: EventGridPostResult;
}

/**
 * Someone calls one of the resource's numbers: ACS publishes Microsoft.Communication.IncomingCall to
 * the Event Grid subscription, and the call rings until the app answers, redirects or rejects it, or
 * the caller gives up.
 */
export async function deliverIncomingCall(
  ctx: CallAutomationContext,
  eventGrid: EventGridDelivery,
  request: IncomingCallRequest,
): Promise<IncomingCallDelivery> {
  if (!isE164(request.to)) throw new AcsError(400, 'BadRequest', 'to must be an E.164 phone number.');
  if (!ctx.phoneNumbers.canReceiveCalls(request.to)) {
    throw new AcsError(
      404,
      'PhoneNumberNotFound',
      `${request.to} is not a number of this resource that takes calls.`,
    );
  }
  const from = parseParticipant(request.from, 'from');
  if (!eventGrid.isValidated() && !(await eventGrid.validate())) {
    throw new AcsError(
      409,
      'NoEventGridSubscription',
      'Incoming calls need an Event Grid subscription whose endpoint passed the validation handshake.',
    );
  }
  const call = ctx.registry.newServerCall({ kind: 'direct' });
  call.join(from);
  const incoming = new IncomingCall(call, from, phoneRawId(request.to));
  ctx.registry.addIncoming(incoming);
  incoming.cancelTimeout = ctx.timers.after(ctx.durations.incomingCallTimeoutMs, () => {
    if (incoming.state !== 'ringing') return;
    incoming.state = 'missed';
    call.participants.clear();
    ctx.registry.ended(call);
  });
  const delivery = await eventGrid.deliver(
    'Microsoft.Communication.IncomingCall',
    `/caller/${from}/recipient/${incoming.to}`,
    {
      to: identifierModelOf(incoming.to),
      from: identifierModelOf(from),
      serverCallId: call.serverCallId,
      callerDisplayName: request.callerDisplayName ?? '',
      incomingCallContext: incoming.incomingCallContext,
      correlationId: incoming.correlationId,
    },
    '1.0',
  );
  return {
    incomingCallContext: incoming.incomingCallContext,
    serverCallId: call.serverCallId,
    correlationId: incoming.correlationId,
    delivery,
  };
}
