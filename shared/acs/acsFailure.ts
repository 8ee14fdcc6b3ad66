import { isRestError } from '@azure/core-rest-pipeline';

/** What went wrong with an ACS call, as the retry loop and the callers need to see it. */
export interface AcsFailure {
  status: number | undefined;
  /**
   * The Retry-After header as ACS sent it, when it did: delta-seconds or an HTTP date, read against the
   * injected clock by whoever waits (see withAcsRetry), never against this machine's.
   */
  retryAfter: string | undefined;
  /** 429, 5xx (but not 501/505) and network failures are worth another try. */
  transient: boolean;
}

export function acsFailure(error: unknown): AcsFailure | undefined {
  if (!isRestError(error)) return undefined;
  const status = error.statusCode;
  return {
    status,
    retryAfter: error.response?.headers.get('retry-after') ?? undefined,
    transient: status === undefined || status === 429 || (status >= 500 && status !== 501 && status !== 505),
  };
}
