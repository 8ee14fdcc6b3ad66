import type { Clock } from '../time/clock';
import type { Sleep } from '../time/sleep';

/**
 * How a dependency call is retried: how often, how long each wait may be, how waiting is done, and what
 * time it is (a Retry-After may be a date).
 */
export interface RetryPolicy {
  /** Retries after the first try. */
  maxRetries: number;
  /** The longest single wait; a dependency asking (Retry-After) for longer ends the retries at once. */
  maxDelayMs: number;
  /** The first backoff wait, doubled on each retry (default 100 ms). */
  baseDelayMs?: number;
  sleep: Sleep;
  clock: Clock;
  random?: () => number;
}
