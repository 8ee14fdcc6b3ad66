export interface BackoffOptions {
  /** The wait before the second try; each further try doubles it. */
  baseMs: number;
  /** The longest wait, whatever the attempt. */
  maxMs: number;
  /** Uniform in [0, 1); injected for tests. */
  random?: () => number;
}

/**
 * How long to wait before retry `attempt` (0 for the first retry): exponential, capped, and with "equal
 * jitter" (half fixed, half random), so instances that failed together do not retry in lock-step yet
 * every wait is at least half its nominal length. The one backoff rule of the service: ACS, Graph and
 * Table Storage retries and every optimistic-concurrency loop use it.
 */
export function backoffDelay(attempt: number, options: BackoffOptions): number {
  const random = options.random ?? Math.random;
  const nominal = Math.min(options.maxMs, options.baseMs * 2 ** Math.min(attempt, 30));
  return nominal / 2 + (nominal / 2) * random();
}
