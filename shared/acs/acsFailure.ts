import { isRestError } from '@azure/core-rest-pipeline';
import { retryAfterSeconds } from '../retry/retryAfter';

/** What went wrong with an ACS call, as the retry loop and the callers need to see it. */
export interface AcsFailure {
  status: number | undefined;
  /** Seconds, from the Retry-After header, when ACS gave one. */
  retryAfterSeconds: number | undefined;
  /** 429, 5xx (but not 501/505) and network failures are worth another try. */
  transient: boolean;
}

export function acsFailure(error: unknown, now: Date = new Date()): AcsFailure | undefined {
  if (!isRestError(error)) return undefined;
  const status = error.statusCode;
  return {
    status,
    retryAfterSeconds: retryAfterSeconds(error.response?.headers.get('retry-after'), now),
    transient: status === undefined || status === 429 || (status >= 500 && status !== 501 && status !== 505),
  };
}
