import { isRestError } from '@azure/core-rest-pipeline';

/** What went wrong with an ACS call, as the retry loop and the callers need to see it. */
export interface AcsFailure {
  status: number | undefined;
  /** Seconds, from the Retry-After header, when ACS gave one. */
  retryAfterSeconds: number | undefined;
  /** 429, 5xx (but not 501/505) and network failures are worth another try. */
  transient: boolean;
}

export function acsFailure(error: unknown): AcsFailure | undefined {
  if (!isRestError(error)) return undefined;
  const status = error.statusCode;
  const header = error.response?.headers.get('retry-after');
  return {
    status,
    retryAfterSeconds: header ? retryAfterSeconds(header) : undefined,
    transient: status === undefined || status === 429 || (status >= 500 && status !== 501 && status !== 505),
  };
}

function retryAfterSeconds(header: string): number | undefined {
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - Date.now()) / 1000));
}
