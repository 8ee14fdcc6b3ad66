import type { TableClient } from '@azure/data-tables';
import { dependencyUnavailable, tooManyRequests } from '../errors/serviceError';
import {
  asStorageUnavailable,
  isConflict,
  isNotFound,
  isPreconditionFailed,
} from '../storage/storageFailure';
import { tableKey } from '../storage/tableKey';
import { backoffDelay } from '../retry/backoff';
import { systemClock, type Clock } from '../time/clock';
import { realSleep, type Sleep } from '../time/sleep';

export interface TokenRateLimiter {
  /** Counts one issuance for the subject, or throws 429 with Retry-After when its window is full. */
  take(subjectId: string): Promise<void>;
}

export interface TokenRateLimiterOptions {
  table: TableClient;
  perMinute: number;
  clock?: Clock;
  sleep?: Sleep;
  /** Conditional writes to try before giving up on a hotly contended counter. */
  maxAttempts?: number;
}

const windowMs = 60_000;

/**
 * A fixed one-minute window per subject, in one Table row updated with ETags, so the limit holds
 * across every instance: two instances can never both spend the last unit of a window.
 */
export function createTokenRateLimiter(options: TokenRateLimiterOptions): TokenRateLimiter {
  const clock = options.clock ?? systemClock;
  const sleep = options.sleep ?? realSleep;
  const maxAttempts = options.maxAttempts ?? 100;

  return {
    async take(subjectId) {
      const partitionKey = tableKey(subjectId);
      for (let attempt = 0; attempt < maxAttempts; attempt++) {
        const now = clock().getTime();
        const windowStart = now - (now % windowMs);
        try {
          const row = await readRow(options.table, partitionKey);
          if (!row) {
            await options.table.createEntity({ partitionKey, rowKey: 'window', windowStart, count: 1 });
            return;
          }
          const sameWindow = row.windowStart === windowStart;
          if (sameWindow && row.count >= options.perMinute) {
            throw tooManyRequests(
              `At most ${options.perMinute} tokens a minute may be issued to one subject.`,
              {
                retryAfterSeconds: Math.max(1, Math.ceil((windowStart + windowMs - now) / 1000)),
                code: 'TokenRateLimited',
              },
            );
          }
          await options.table.updateEntity(
            { partitionKey, rowKey: 'window', windowStart, count: sameWindow ? row.count + 1 : 1 },
            'Replace',
            { etag: row.etag },
          );
          return;
        } catch (error) {
          if (!isConflict(error) && !isPreconditionFailed(error)) throw asStorageUnavailable(error);
          // Lost the race for the counter: back off a little, with jitter, and read it again.
          await sleep(backoffDelay(attempt, { baseMs: 2, maxMs: 50 }));
        }
      }
      throw dependencyUnavailable('The token rate limiter is too busy; try again.', {
        retryAfterSeconds: 1,
        code: 'RateLimiterBusy',
      });
    },
  };
}

async function readRow(
  table: TableClient,
  partitionKey: string,
): Promise<{ windowStart: number; count: number; etag: string } | undefined> {
  try {
    const row = await table.getEntity<{ windowStart: number; count: number }>(partitionKey, 'window');
    return { windowStart: Number(row.windowStart), count: Number(row.count), etag: row.etag };
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}
