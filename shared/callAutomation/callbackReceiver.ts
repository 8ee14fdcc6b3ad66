import { timingSafeEqual } from 'node:crypto';
import { systemClock, type Clock } from '../time/clock';
import { automationProblems } from './automationProblems';
import type { AutomationStore } from './automationStore';
import type { AutomationWrites } from './automationWrites';
import type { CallbackEvent, ReceivedEvent } from './callbackEvents';
import type { ConnectionRecord } from './connectionRecord';
import { isConnectionEvent, mergeIntoConnection, mergeIntoOperation, operationIdOf } from './eventMerges';

/** What one callback request came to: for ACS a 200 either way, for tests and logs the tally. */
export interface CallbackTally {
  /** Events that moved a record forward. */
  applied: number;
  /** Known events that changed nothing: stale (an older sequence number, a state already passed) or late. */
  unchanged: number;
  /** Events whose id was seen before: not applied again. */
  duplicates: number;
  /** Types the service does not act on. */
  ignored: number;
}

/** Reacts to an event after it is merged: the incoming-call menu's next step. Must be idempotent. */
export type EventReaction = (connection: ConnectionRecord, event: CallbackEvent) => Promise<void>;

export interface CallbackReceiver {
  /**
   * Applies the events ACS posted to `.../events/{callId}/{bindingId}`, its JWT already verified. 401 and
   * nothing changed unless the binding id is this call's connection's and every event names its
   * callConnectionId.
   */
  receive(callId: string, bindingId: string, events: readonly ReceivedEvent[]): Promise<CallbackTally>;
}

export interface CallbackReceiverOptions {
  store: AutomationStore;
  writes: AutomationWrites;
  resultTtlMs: number;
  react?: EventReaction;
  clock?: Clock;
}

/*
 * The callback protocol, in the order a request goes through it:
 *   1. The JWT (registerOperation, before the body is read): signed by a key of CALL_AUTOMATION_JWKS_URL,
 *      issuer CALL_AUTOMATION_ISSUER, audience CALL_AUTOMATION_AUDIENCE (the resource), not expired. It
 *      proves only "ACS, for this resource": any app on the resource gets such tokens.
 *   2. The binding: the URL's binding id is a random 128-bit value the service gave ACS in this connection's
 *      callback URL and nobody else; it must be the call's current connection's (compared in constant time).
 *   3. The connection: every event of the request must name one callConnectionId, the connection's. Until
 *      ACS's answer to connect/createCall/answer is written, the connection may not know it yet: the first
 *      authenticated, bound callback then claims it in the reverse index (insert-only, so a
 *      callConnectionId is bound to one connection for good) and the answer, when written, must agree.
 *      Anything else is 401, before any write.
 *   4. Each event, in the order posted: its CloudEvent id is inserted into the call's inbox. A duplicate
 *      whose first receipt got to apply it is skipped; one whose first receipt failed part-way is applied
 *      again (every step below is idempotent), so a crash between inbox and merge loses nothing.
 *   5. The merge (eventMerges): connection events into the connection row, completions into the operation
 *      named by the event's operationContext, each under its ETag; then the menu's reaction, if any.
 *   6. The inbox row is marked applied.
 * Nothing is kept in memory between requests: any instance may get any callback, in any order.
 */
export function createCallbackReceiver(options: CallbackReceiverOptions): CallbackReceiver {
  const { store, writes } = options;
  const clock = options.clock ?? systemClock;

  const bind = async (callId: string, bindingId: string, events: readonly ReceivedEvent[]) => {
    const current = (await store.readConnection(callId))?.value;
    if (!current || !sameSecret(current.bindingId, bindingId)) throw automationProblems.callbackRefused();
    const named = new Set(events.map((event) => event.data.callConnectionId));
    const [callConnectionId] = named;
    if (named.size !== 1 || callConnectionId === undefined) throw automationProblems.callbackRefused();
    if (current.callConnectionId !== undefined) {
      if (current.callConnectionId !== callConnectionId) throw automationProblems.callbackRefused();
      return current;
    }
    if (!(await writes.bindCallConnection(current, callConnectionId, clock()))) {
      throw automationProblems.callbackRefused();
    }
    return { ...current, callConnectionId };
  };

  /** Merges the event; says whether any record moved. */
  const apply = async (callId: string, event: CallbackEvent) => {
    const now = clock();
    let changed = false;
    let connection: ConnectionRecord | undefined;
    if (isConnectionEvent(event)) {
      connection = await writes.connection(callId, (current) => {
        const next = mergeIntoConnection(current, event, now);
        changed ||= next !== undefined;
        return next;
      });
    }
    const operationId = operationIdOf(event);
    if (operationId && /^[0-9a-f-]{36}$/.test(operationId)) {
      await writes.operation(callId, operationId, (current) => {
        const next = mergeIntoOperation(current, event, now, options.resultTtlMs);
        changed ||= next !== undefined;
        return next;
      });
    }
    return { changed, connection: connection ?? (await store.readConnection(callId))?.value };
  };

  return {
    async receive(callId, bindingId, events) {
      const bound = await bind(callId, bindingId, events);
      const tally: CallbackTally = { applied: 0, unchanged: 0, duplicates: 0, ignored: 0 };
      for (const event of events) {
        const seen = await store.receiveEvent(callId, event.id, event.name ?? event.type);
        if (seen === 'applied') {
          tally.duplicates++;
          continue;
        }
        if (event.name === undefined) {
          tally.ignored++;
        } else {
          const { changed, connection } = await apply(callId, event);
          // An event of this connection, after a later one of the same call replaced it, is history.
          if (options.react && connection && connection.bindingId === bound.bindingId) {
            await options.react(connection, event);
          }
          if (changed) tally.applied++;
          else tally.unchanged++;
        }
        await store.markEventApplied(callId, event.id, clock());
      }
      return tally;
    },
  };
}

function sameSecret(expected: string, given: string): boolean {
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(given, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}
