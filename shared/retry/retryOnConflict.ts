import type { Sleep } from '../time/sleep';
import { backoffDelay, type BackoffOptions } from './backoff';

/** What an attempt returns when its conditional write lost to another writer: read again and retry. */
export const conflicted: unique symbol = Symbol('conflicted');

export interface ConflictRetryOptions {
  /** Attempts in all, the first included. */
  maxAttempts: number;
  /** The waits between attempts (the one backoff rule, with jitter, so losers do not collide again). */
  backoff: BackoffOptions;
  sleep: Sleep;
  /** The error when every attempt lost: the row is too contended, the caller should try later. */
  exhausted: () => Error;
}

/**
 * An optimistic-concurrency loop: `attempt` reads, decides and writes under the ETag it read, and returns
 * its result, or `conflicted` when the write found the row changed since. Anything it throws ends the
 * loop at once: only a lost race is worth another read.
 */
export async function retryOnConflict<T>(
  attempt: (index: number) => Promise<T | typeof conflicted>,
  options: ConflictRetryOptions,
): Promise<T> {
  for (let index = 0; index < options.maxAttempts; index++) {
    const outcome = await attempt(index);
    if (outcome !== conflicted) return outcome;
    if (index + 1 < options.maxAttempts) await options.sleep(backoffDelay(index, options.backoff));
  }
  throw options.exhausted();
}
