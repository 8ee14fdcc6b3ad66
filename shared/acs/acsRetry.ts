import { dependencyUnavailable } from '../errors/serviceError';
import { acsFailure } from './acsFailure';

export interface AcsRetryOptions {
  maxRetries: number;
  /** The longest wait between two tries; a longer Retry-After ends the retries at once. */
  maxRetryDelayMs: number;
  sleep?: (ms: number) => Promise<void>;
}

const sleepFor = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Runs an ACS call with bounded retries on 429/5xx/network failures, honouring Retry-After. The SDK's
 * own retry policy is switched off because it waits out any Retry-After however long; here a wait
 * longer than the budget ends the retries at once, and the caller gets 503 with that Retry-After.
 */
export async function withAcsRetry<T>(operation: () => Promise<T>, options: AcsRetryOptions): Promise<T> {
  const sleep = options.sleep ?? sleepFor;
  for (let attempt = 0; ; attempt++) {
    try {
      return await operation();
    } catch (error) {
      const failure = acsFailure(error);
      if (!failure?.transient) throw error;
      const backoffMs = Math.min(options.maxRetryDelayMs, 100 * 2 ** attempt) * (0.5 + Math.random() / 2);
      const waitMs = failure.retryAfterSeconds !== undefined ? failure.retryAfterSeconds * 1000 : backoffMs;
      if (attempt >= options.maxRetries || waitMs > options.maxRetryDelayMs) {
        const retryAfter = Math.max(1, Math.ceil(failure.retryAfterSeconds ?? waitMs / 1000));
        throw failure.status === 429
          ? dependencyUnavailable(
              'Azure Communication Services is throttling requests.',
              retryAfter,
              'AcsThrottled',
            )
          : dependencyUnavailable(
              'Azure Communication Services is unavailable.',
              retryAfter,
              'AcsUnavailable',
            );
      }
      await sleep(waitMs);
    }
  }
}
