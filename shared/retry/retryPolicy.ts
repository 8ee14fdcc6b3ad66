import type { Sleep } from '../time/sleep';

/** How a dependency call is retried: how often, how long each wait may be, and how waiting is done. */
export interface RetryPolicy {
  /** Retries after the first try. */
  maxRetries: number;
  /** The longest single wait; a dependency asking (Retry-After) for longer ends the retries at once. */
  maxDelayMs: number;
  /** The first backoff wait, doubled on each retry (default 100 ms). */
  baseDelayMs?: number;
  sleep: Sleep;
  random?: () => number;
}
