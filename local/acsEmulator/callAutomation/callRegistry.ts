import { callNotFound } from './callAutomationErrors';
import type { CallConnection } from './callConnection';
import type { IncomingCall } from './incomingCall';
import { ServerCall, type CallLocator } from './serverCall';

/** Every call, connection and incoming call the emulator knows, ended ones kept for the view. */
export class CallRegistry {
  private readonly connections = new Map<string, CallConnection>();
  private readonly serverCalls = new Map<string, ServerCall>();
  private readonly incoming = new Map<string, IncomingCall>();
  /** The active call of a group call id or a room: joining again finds the same call. */
  private readonly byLocator = new Map<string, ServerCall>();

  newServerCall(locator: CallLocator): ServerCall {
    const call = new ServerCall(locator);
    this.serverCalls.set(call.serverCallId, call);
    const key = locatorKey(locator);
    if (key) this.byLocator.set(key, call);
    return call;
  }

  /** The active call a group call id or room id names, started if nobody is in it yet. */
  callAt(locator: CallLocator): ServerCall {
    const key = locatorKey(locator);
    const existing = key ? this.byLocator.get(key) : undefined;
    return existing?.state === 'active' ? existing : this.newServerCall(locator);
  }

  activeServerCall(serverCallId: string): ServerCall | undefined {
    const call = this.serverCalls.get(serverCallId);
    return call?.state === 'active' ? call : undefined;
  }

  ended(call: ServerCall): void {
    call.state = 'ended';
    const key = locatorKey(call.locator);
    if (key && this.byLocator.get(key) === call) this.byLocator.delete(key);
  }

  addConnection(connection: CallConnection): void {
    this.connections.set(connection.id, connection);
  }

  /** A connection the app may still act on; ACS forgets a connection once it has disconnected. */
  liveConnection(callConnectionId: string): CallConnection {
    const connection = this.connections.get(callConnectionId);
    if (!connection || connection.state === 'disconnected') throw callNotFound(callConnectionId);
    return connection;
  }

  allConnections(): CallConnection[] {
    return [...this.connections.values()];
  }

  allServerCalls(): ServerCall[] {
    return [...this.serverCalls.values()];
  }

  addIncoming(call: IncomingCall): void {
    this.incoming.set(call.incomingCallContext, call);
  }

  incomingCall(incomingCallContext: string): IncomingCall | undefined {
    return this.incoming.get(incomingCallContext);
  }

  allIncoming(): IncomingCall[] {
    return [...this.incoming.values()];
  }
}

function locatorKey(locator: CallLocator): string | undefined {
  if (locator.kind === 'groupCall') return `group:${locator.groupCallId.toLowerCase()}`;
  if (locator.kind === 'room') return `room:${locator.roomId}`;
  return undefined;
}
