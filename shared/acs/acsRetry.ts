import { dependencyUnavailable } from '../errors/serviceError';
import { RetriesExhausted } from '../retry/retriesExhausted';
import { retryAfterSeconds } from '../retry/retryAfter';
import type { RetryPolicy } from '../retry/retryPolicy';
import { withRetries } from '../retry/withRetries';
import { acsFailure } from './acsFailure';

/**
 * Runs an ACS call with bounded retries on 429/5xx/network failures, honouring Retry-After. The SDK's
 * own retry policy is switched off because it waits out any Retry-After however long; here a wait
 * longer than the policy allows ends the retries at once, and the caller gets 503 with that Retry-After.
 */
export async function withAcsRetry<T>(operation: () => Promise<T>, policy: RetryPolicy): Promise<T> {
  try {
    return await withRetries(
      operation,
      (error) => {
        const failure = acsFailure(error);
        return failure?.transient
          ? { retryAfterSeconds: retryAfterSeconds(failure.retryAfter, policy.clock()) }
          : undefined;
      },
      policy,
    );
  } catch (error) {
    if (!(error instanceof RetriesExhausted)) throw error;
    const throttled = acsFailure(error.lastError)?.status === 429;
    throw dependencyUnavailable(
      throttled
        ? 'Azure Communication Services is throttling requests.'
        : 'Azure Communication Services is unavailable.',
      { retryAfterSeconds: error.retryAfterSeconds, code: throttled ? 'AcsThrottled' : 'AcsUnavailable' },
    );
  }
}
