import { mapWithConcurrency } from '../concurrency/mapWithConcurrency';
import { storageFanOut } from '../concurrency/storageFanOut';
import type { Clock } from '../time/clock';
import type { AutomationStore } from './automationStore';
import type { ResultExpiryIndex } from './resultExpiryIndex';

/** What one sweep did: results erased, index entries done with, entries left for a later sweep. */
export interface ResultSweepTally {
  erased: number;
  forgotten: number;
  kept: number;
}

export interface ResultSweep {
  /** Erases every result that expired by the clock's now; safe to run anywhere, any number of times at once. */
  sweep(): Promise<ResultSweepTally>;
}

export interface ResultSweepOptions {
  index: Pick<ResultExpiryIndex, 'due' | 'forget'>;
  store: Pick<AutomationStore, 'eraseExpiredResult'>;
  clock: Clock;
}

/**
 * NCRONTAB (second minute hour day month weekday, UTC): every 5 minutes, so a result is gone at most that
 * long after it expires (a read in between erases it at once).
 */
export const resultSweepSchedule = '0 */5 * * * *';

const pageSize = 100;
/**
 * An entry whose operation is still pending this long after the noted expiry names a result whose write
 * failed for good (the instance died between the note and the write, and the event never came again).
 */
const abandonedAfterMs = 24 * 60 * 60 * 1000;

/*
 * Collected tones must not outlive CALL_RESULT_TTL_HOURS, whether or not anyone reads the operation again.
 * The timer function runs this every few minutes (functions/callResultSweep.ts); each entry due is handled on
 * its own and idempotently, so two sweeps at once (two instances, a sweep and a read) just meet:
 *   - the operation's row is stripped of its result under the ETag read (a lost race reads it again);
 *   - the index entry is deleted only once the row holds no result and none can come (the operation left
 *     pending), under the entry's own ETag. A result noted but not written yet keeps its entry.
 */
export function createResultSweep(options: ResultSweepOptions): ResultSweep {
  const { index, store, clock } = options;
  return {
    async sweep() {
      const now = clock();
      const tally: ResultSweepTally = { erased: 0, forgotten: 0, kept: 0 };
      for await (const page of index.due(now, pageSize)) {
        await mapWithConcurrency(page, storageFanOut, async (entry) => {
          const outcome = await store.eraseExpiredResult(entry.callId, entry.operationId, now);
          if (outcome === 'erased') tally.erased++;
          const abandoned =
            outcome === 'pending' && Date.parse(entry.expiresAt) + abandonedAfterMs <= now.getTime();
          if (outcome === 'erased' || outcome === 'none' || abandoned) {
            await index.forget(entry);
            tally.forgotten++;
          } else {
            tally.kept++;
          }
        });
      }
      return tally;
    },
  };
}
