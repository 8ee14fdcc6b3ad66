import { backoffDelay } from './backoff';
import { RetriesExhausted } from './retriesExhausted';
import type { RetryPolicy } from './retryPolicy';

/** What a failure means for retrying: undefined when it is not worth another try. */
export type TransientFailure = { retryAfterSeconds?: number | undefined } | undefined;

/**
 * Runs `operation`, retrying transient failures (as `classify` tells them) with the one backoff rule,
 * or the dependency's own Retry-After when it gave one. A failure that is not transient is thrown as is;
 * when retries run out, or the dependency asks for a wait longer than the policy allows, RetriesExhausted
 * is thrown with the wait the caller should be told.
 */
export async function withRetries<T>(
  operation: () => Promise<T>,
  classify: (error: unknown) => TransientFailure,
  policy: RetryPolicy,
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await operation();
    } catch (error) {
      const failure = classify(error);
      if (!failure) throw error;
      const asked = failure.retryAfterSeconds;
      const waitMs =
        asked !== undefined
          ? asked * 1000
          : backoffDelay(attempt, {
              baseMs: policy.baseDelayMs ?? 100,
              maxMs: policy.maxDelayMs,
              ...(policy.random ? { random: policy.random } : {}),
            });
      if (attempt >= policy.maxRetries || waitMs > policy.maxDelayMs) {
        throw new RetriesExhausted(error, Math.max(1, Math.ceil(asked ?? waitMs / 1000)));
      }
      await policy.sleep(waitMs);
    }
  }
}
