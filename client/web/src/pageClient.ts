import { createAcsTrustedClient, type AcsTrustedClient } from 'acs-trusted-client';

export interface PageClientOptions {
  bearer: () => Promise<string | undefined>;
  /** The service refused the user's bearer token: it expired, was revoked, or was never good. */
  onUnauthorized: () => void;
}

/**
 * The service's client for this page, on the page's own origin (`baseUrl: ''`: the web app is served by the
 * service, so no CORS). Every 401, whichever request met it (a background token refresh too), is reported.
 */
export function createPageClient(options: PageClientOptions): AcsTrustedClient {
  return createAcsTrustedClient({
    baseUrl: '',
    getBearerToken: options.bearer,
    fetch: async (input, init) => {
      const response = await fetch(input, init);
      if (response.status === 401) options.onUnauthorized();
      return response;
    },
  });
}
