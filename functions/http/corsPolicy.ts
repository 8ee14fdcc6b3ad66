import type { HttpRequest } from '@azure/functions';

/** Request headers a browser client of this API sends beyond the CORS-safelisted ones. */
const allowedRequestHeaders = ['authorization', 'content-type'];
/** Response headers a browser client needs to read: throttling, auth challenges, correlation. */
const exposedHeaders = ['retry-after', 'www-authenticate', 'x-invocation-id', 'location'];

export interface CorsPolicy {
  /** Headers for an actual (non-preflight) response: none unless the Origin is allowed. */
  responseHeaders(request: HttpRequest): Record<string, string>;
  /** The answer to OPTIONS on a route that allows `methods`. */
  preflight(
    request: HttpRequest,
    methods: readonly string[],
  ): { status: number; headers: Record<string, string> };
}

/**
 * CORS done by the app itself, the same locally and in Azure: the Flex Consumption plan documents its
 * platform CORS settings as unsupported. Origins are exact (`https://app.contoso.com`) or `*`; the API
 * authenticates with bearer tokens, never cookies, so credentials are never allowed.
 */
export function createCorsPolicy(allowedOrigins: readonly string[]): CorsPolicy {
  const anyOrigin = allowedOrigins.includes('*');
  const allowed = new Set(allowedOrigins.map((origin) => origin.toLowerCase()));
  const allowedOrigin = (request: HttpRequest): string | undefined => {
    const origin = request.headers.get('origin');
    if (!origin) return undefined;
    return anyOrigin || allowed.has(origin.toLowerCase()) ? origin : undefined;
  };

  return {
    responseHeaders(request): Record<string, string> {
      const origin = allowedOrigin(request);
      if (!origin) return allowedOrigins.length > 0 ? { vary: 'Origin' } : {};
      return {
        'access-control-allow-origin': origin,
        'access-control-expose-headers': exposedHeaders.join(', '),
        vary: 'Origin',
      };
    },
    preflight(request, methods): { status: number; headers: Record<string, string> } {
      const allow = [...methods, 'OPTIONS'].join(', ');
      const origin = allowedOrigin(request);
      const method = request.headers.get('access-control-request-method')?.toUpperCase();
      if (!origin || !method || !methods.includes(method)) {
        // Not a preflight this API grants: the browser sees no CORS headers and stops there.
        return { status: 204, headers: { allow, vary: 'Origin' } };
      }
      return {
        status: 204,
        headers: {
          allow,
          'access-control-allow-origin': origin,
          'access-control-allow-methods': allow,
          'access-control-allow-headers': allowedRequestHeaders.join(', '),
          'access-control-max-age': '600',
          vary: 'Origin',
        },
      };
    },
  };
}
