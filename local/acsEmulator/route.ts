import type { IncomingHttpHeaders } from 'node:http';
import { badRequest } from './acsError';
import type { EmulatorResponse } from './emulatorResponse';

/**
 * `acs`: the ACS REST API (HMAC, api-version, faults, counted). `open`: unauthenticated test aids that
 * are counted (validateToken). `control`: the `/__emulator` endpoints, neither authenticated nor counted.
 */
export type RouteKind = 'acs' | 'open' | 'control';

export interface RouteRequest {
  params: Readonly<Record<string, string>>;
  query: URLSearchParams;
  body: Buffer;
  headers: IncomingHttpHeaders;
  /** The emulator's own base URL as the client dialled it (from Host), with a trailing slash. */
  baseUrl: string;
}

export interface Route {
  method: string;
  /** Matched against the still percent-encoded path; named groups become decoded params. */
  pattern: RegExp;
  operation: string;
  kind: RouteKind;
  apiVersions?: readonly string[];
  handle(request: RouteRequest): Promise<EmulatorResponse>;
}

export interface RouteMatch {
  route: Route;
  params: Record<string, string>;
}

export function matchRoute(
  routes: readonly Route[],
  method: string,
  pathname: string,
): RouteMatch | undefined {
  for (const route of routes) {
    if (route.method !== method) continue;
    const match = route.pattern.exec(pathname);
    if (match) return { route, params: decodeParams(match.groups ?? {}) };
  }
  return undefined;
}

function decodeParams(groups: Record<string, string | undefined>): Record<string, string> {
  const params: Record<string, string> = {};
  for (const [name, value] of Object.entries(groups)) {
    try {
      params[name] = decodeURIComponent(value ?? '');
    } catch {
      throw badRequest(`The ${name} in the path is not valid percent-encoding.`);
    }
  }
  return params;
}
