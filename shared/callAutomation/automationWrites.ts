import { acsFailure } from '../acs/acsFailure';
import { dependencyUnavailable } from '../errors/serviceError';
import { conflicted, retryOnConflict } from '../retry/retryOnConflict';
import type { Sleep } from '../time/sleep';
import type { Versioned } from '../storage/versioned';
import type { AutomationStore } from './automationStore';
import type { ConnectionRecord, ResultInformation } from './connectionRecord';
import type { OperationRecord } from './operationRecord';

/**
 * Read, decide, write under the ETag read, again on a lost race: how every change to a connection or an
 * operation row is made, so two instances applying two events to one row at once both land. `change`
 * returns undefined for "nothing to change"; it may run more than once.
 */
export interface AutomationWrites {
  connection(
    callId: string,
    change: (current: ConnectionRecord) => ConnectionRecord | undefined,
  ): Promise<ConnectionRecord | undefined>;
  operation(
    callId: string,
    operationId: string,
    change: (current: OperationRecord) => OperationRecord | undefined,
  ): Promise<OperationRecord | undefined>;
  /**
   * Records ACS's callConnectionId for a connection: claimed in the reverse index first (a callConnectionId
   * belongs to one connection for good), then written into the connection. false when another connection
   * holds it.
   */
  bindCallConnection(connection: ConnectionRecord, callConnectionId: string, now: Date): Promise<boolean>;
}

const maxAttempts = 30;

export function createAutomationWrites(store: AutomationStore, sleep: Sleep): AutomationWrites {
  async function retrying<T>(
    read: () => Promise<Versioned<T> | undefined>,
    write: (next: T, etag: string) => Promise<boolean>,
    change: (current: T) => T | undefined,
  ): Promise<T | undefined> {
    return retryOnConflict(
      async () => {
        const current = await read();
        if (!current) return undefined;
        const next = change(current.value);
        if (next === undefined) return current.value;
        return (await write(next, current.etag)) ? next : conflicted;
      },
      {
        maxAttempts,
        backoff: { baseMs: 5, maxMs: 100 },
        sleep,
        exhausted: () =>
          dependencyUnavailable('This call is being changed by many requests at once; try again.', {
            retryAfterSeconds: 1,
            code: 'CallBusy',
          }),
      },
    );
  }

  const writes: AutomationWrites = {
    connection: (callId, change) =>
      retrying(
        () => store.readConnection(callId),
        async (next, etag) => (await store.replaceConnection(next, etag)) !== undefined,
        change,
      ),
    operation: (callId, operationId, change) =>
      retrying(
        () => store.readOperation(callId, operationId),
        (next, etag) => store.replaceOperation(next, etag),
        change,
      ),
    async bindCallConnection(connection, callConnectionId, now) {
      const holder = await store.claimCallConnection({
        callConnectionId,
        callId: connection.callId,
        bindingId: connection.bindingId,
      });
      if (holder.callId !== connection.callId || holder.bindingId !== connection.bindingId) return false;
      await writes.connection(connection.callId, (current) =>
        current.bindingId === connection.bindingId && current.callConnectionId === undefined
          ? { ...current, callConnectionId, updatedAt: now.toISOString() }
          : undefined,
      );
      return true;
    },
  };
  return writes;
}

/**
 * ACS said no for good (a 4xx other than 401, 408 and 429): what it said, to be recorded. undefined for
 * anything a retry may overcome, which the caller rethrows (the client gets 503 and may retry).
 */
export function acsRefusal(error: unknown): ResultInformation | undefined {
  const failure = acsFailure(error);
  if (!failure || failure.transient || failure.status === undefined) return undefined;
  if (failure.status < 400 || failure.status >= 500 || [401, 408].includes(failure.status)) return undefined;
  const message = error instanceof Error ? error.message.slice(0, 500) : undefined;
  return { code: failure.status, ...(message ? { message } : {}) };
}
