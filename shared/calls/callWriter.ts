import { isDeepStrictEqual } from 'node:util';
import { dependencyUnavailable, notFound } from '../errors/serviceError';
import type { StoredCall } from './call';
import type { CallIndex } from './callIndex';
import { isStaleRow, wantedRows } from './callIndexRows';
import type { CallStore } from './callStore';
import { conflicted, retryOnConflict } from '../retry/retryOnConflict';
import type { Clock } from '../time/clock';
import { realSleep, type Sleep } from '../time/sleep';
import { mapWithConcurrency } from '../concurrency/mapWithConcurrency';
import { storageFanOut } from '../concurrency/storageFanOut';

export interface IndexEntry {
  subjectId: string;
  rowKey: string;
}

/**
 * Decides the next record from the current one; throws when the change is not allowed, returns
 * undefined when there is nothing to change. It may run more than once (once per try).
 */
export type CallChange = (current: StoredCall) => StoredCall | undefined;

export interface CallWriter {
  /** Writes a new call: its index rows, then its record. undefined when a record with its id exists. */
  create(call: StoredCall): Promise<StoredCall | undefined>;
  /**
   * Changes a call under its ETag. `beforeWrite` runs on each try after the change is decided and before
   * the record is written (to bring ACS in step first); it must be idempotent.
   */
  update(
    callId: string,
    change: CallChange,
    beforeWrite?: (next: StoredCall, current: StoredCall) => Promise<void>,
  ): Promise<StoredCall>;
  /** Deletes those of the rows that are stale (see isStaleRow); never one a write still needs. */
  sweep(callId: string, entries: readonly IndexEntry[]): Promise<void>;
}

export interface CallWriterOptions {
  store: CallStore;
  index: CallIndex;
  clock: Clock;
  maxAttempts?: number;
  sleep?: Sleep;
}

/*
 * The write protocol. The call record (Calls table) is the truth: who is on the call, when, and whether it
 * is cancelled. Index rows (CallIndex table, one per member) are what "my calls" reads; a list shows a row
 * only when the record agrees with it (isListedRow), so a row too many is never seen.
 *   1. Read the record and its ETag.
 *   2. Decide the next record; a change that is not allowed throws here, before anything is written.
 *   3. beforeWrite: bring ACS in step (room window), idempotently.
 *   4. Upsert the index rows the next record needs and the current one lacks, each marked with the
 *      ETag read at 1. They go first so that nobody is ever on a call without a row: a row too few
 *      would hide the call from them.
 *   5. Replace the record under its ETag. On 412 someone else changed it: go back to 1, so concurrent
 *      changes (20 invites at once) each apply to the latest record and none is lost.
 *   6. Sweep the rows the old record had and the new one does not (and rows tries lost at 5 wrote).
 * A failure anywhere leaves a state the same request, retried, completes: steps 3 and 4 are idempotent,
 * and 2 decides "nothing to change" for a change the record already has. What a failure can leave behind
 * is only rows too many; lists skip them and sweep them once they are stale.
 */
export function createCallWriter(options: CallWriterOptions): CallWriter {
  const { store, index, clock } = options;
  const maxAttempts = options.maxAttempts ?? 40;
  const sleep = options.sleep ?? realSleep;

  /** `basedOn`: the ETag of the record `current` was read with ("" for a new call). */
  const putMissing = async (
    next: StoredCall,
    current: StoredCall | undefined,
    basedOn: string,
  ): Promise<IndexEntry[]> => {
    const had = current ? wantedRows(current) : new Map<string, string>();
    const missing = [...wantedRows(next)].filter(([subjectId, rowKey]) => had.get(subjectId) !== rowKey);
    await mapWithConcurrency(missing, storageFanOut, ([subjectId, rowKey]) =>
      index.put(subjectId, rowKey, next.id, basedOn),
    );
    return missing.map(([subjectId, rowKey]) => ({ subjectId, rowKey }));
  };

  const sweep: CallWriter['sweep'] = async (callId, entries) => {
    if (entries.length === 0) return;
    const record = await store.read(callId);
    const nowMs = clock().getTime();
    await mapWithConcurrency(entries, storageFanOut, async ({ subjectId, rowKey }) => {
      const row = await index.read(subjectId, rowKey);
      if (row && row.callId === callId && isStaleRow(row, record, nowMs)) await index.remove(row);
    });
  };

  return {
    async create(call) {
      await putMissing(call, undefined, '');
      return (await store.create(call)) === undefined ? undefined : call;
    },

    async update(callId, change, beforeWrite) {
      const written: IndexEntry[] = [];
      return retryOnConflict(
        async () => {
          const current = await store.read(callId);
          if (!current) throw notFound('No such call.', { code: 'CallNotFound' });
          const next = change(current.value);
          if (next === undefined || isDeepStrictEqual(next, current.value)) return current.value;
          await beforeWrite?.(next, current.value);
          written.push(...(await putMissing(next, current.value, current.etag)));
          if ((await store.replace(next, current.etag)) === undefined) return conflicted;
          const wanted = wantedRows(next);
          const dropped = [...wantedRows(current.value)].map(([subjectId, rowKey]) => ({
            subjectId,
            rowKey,
          }));
          const leftovers = [...dropped, ...written].filter(
            (entry) => wanted.get(entry.subjectId) !== entry.rowKey,
          );
          // Housekeeping only: the change is made, and a row left over is skipped by lists and swept later.
          await sweep(callId, leftovers).catch(() => undefined);
          return next;
        },
        {
          maxAttempts,
          backoff: { baseMs: 10, maxMs: 200 },
          sleep,
          exhausted: () =>
            dependencyUnavailable('The call is being changed by many requests at once; try again.', {
              retryAfterSeconds: 1,
              code: 'CallBusy',
            }),
        },
      );
    },

    sweep,
  };
}
