import { createHash, createHmac } from 'node:crypto';

export interface SignedFetchInit {
  method: string;
  body?: string;
  accessKey: string;
  /** Defaults to now; tests pass a stale one. */
  date?: Date;
  /** Sent instead of `body` after signing `body`, to show the body hash is checked. */
  sentBody?: string;
  /** Unsigned extra headers. */
  headers?: Record<string, string>;
}

/**
 * Signs a request the way the ACS SDKs do, written out independently of the emulator's own code so
 * the two check each other.
 */
export function signedFetch(url: string, init: SignedFetchInit): Promise<Response> {
  const target = new URL(url);
  const body = init.body ?? '';
  const date = (init.date ?? new Date()).toUTCString();
  const contentHash = createHash('sha256').update(body).digest('base64');
  const query = target.searchParams.toString();
  const pathAndQuery = query ? `${target.pathname}?${query}` : target.pathname;
  const stringToSign = `${init.method}\n${pathAndQuery}\n${date};${target.host};${contentHash}`;
  const signature = createHmac('sha256', Buffer.from(init.accessKey, 'base64'))
    .update(stringToSign)
    .digest('base64');
  return fetch(target, {
    method: init.method,
    headers: {
      'content-type': 'application/json',
      ...init.headers,
      'x-ms-date': date,
      'x-ms-content-sha256': contentHash,
      authorization: `HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=${signature}`,
    },
    ...(init.body === undefined ? {} : { body: init.sentBody ?? init.body }),
  });
}
