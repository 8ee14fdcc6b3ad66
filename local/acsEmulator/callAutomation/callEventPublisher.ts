import { callbackEvent } from './callbackEvent';
import type { CallbackSender } from './callbackSender';
import type { CallConnection } from './callConnection';
import type { ServerCall } from './serverCall';

/** Turns what happens in a call into callbacks to the connections that should hear of it. */
export class CallEventPublisher {
  constructor(private readonly sender: CallbackSender) {}

  /** To the connection's callback URI, or a per-operation one; nothing once it has disconnected. */
  publish(connection: CallConnection, type: string, data: Record<string, unknown>, uri?: string): void {
    if (connection.state === 'disconnected') return;
    this.sender.send(connection.id, uri ?? connection.callbackUri, [
      callbackEvent(type, connection.scope(), data),
    ]);
  }

  /** The whole roster with a higher sequence number, to every connected leg (or just one that joined). */
  participantsUpdated(call: ServerCall, only?: CallConnection): void {
    call.sequenceNumber += 1;
    const participants = call.participantModels();
    const to = only
      ? [only]
      : call.liveConnections().filter((connection) => connection.state === 'connected');
    for (const connection of to) {
      this.publish(connection, 'ParticipantsUpdated', {
        participants,
        sequenceNumber: call.sequenceNumber,
      });
    }
  }
}
