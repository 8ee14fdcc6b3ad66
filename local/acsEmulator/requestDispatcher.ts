import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { AcsError, badRequest, notFound, unauthorized } from './acsError';
import { acsErrorResponse, sendResponse, type EmulatorResponse } from './emulatorResponse';
import type { Fault, FaultInjector } from './faultInjector';
import { verifyHmacRequest } from './hmacSignature';
import { readRequestBody } from './requestBody';
import type { RequestStats } from './requestStats';
import { matchRoute, type Route } from './route';

export interface RequestDispatcherOptions {
  routes: readonly Route[];
  accessKey: () => string;
  faults: FaultInjector;
  stats: RequestStats;
  /** Aborted when the emulator closes, so injected delays end instead of holding close() up. */
  signal: AbortSignal;
}

const faultCodes: Record<number, string> = {
  429: 'TooManyRequests',
  500: 'InternalServerError',
  503: 'ServiceUnavailable',
};

/** Routes each request, applying ACS authentication and injected faults first, and answers it. */
export class RequestDispatcher {
  private readonly inFlight = new Set<Promise<void>>();

  constructor(private readonly options: RequestDispatcherOptions) {}

  readonly handle = (req: IncomingMessage, res: ServerResponse): void => {
    const done = this.answer(req)
      .catch(errorResponse)
      .then((response) => sendResponse(res, response))
      .catch((error: unknown) => reportUnexpected(error));
    this.inFlight.add(done);
    void done.finally(() => this.inFlight.delete(done));
  };

  /** Resolves when every request being handled has finished, so nothing changes state after close. */
  async settled(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  private async answer(req: IncomingMessage): Promise<EmulatorResponse> {
    const rawUrl = req.url ?? '/';
    const method = req.method ?? 'GET';
    const url = new URL(rawUrl, 'http://emulator.invalid');
    const body = await readRequestBody(req);
    const matched = matchRoute(this.options.routes, method, url.pathname);
    if (!matched) throw notFound(`There is no operation at ${method} ${url.pathname}.`);
    const { route, params } = matched;
    const request = {
      params,
      query: url.searchParams,
      body,
      headers: req.headers,
      baseUrl: `http://${req.headers.host ?? 'localhost'}/`,
    };
    if (route.kind !== 'control') this.options.stats.record(route.operation);
    if (route.kind === 'acs') {
      const verdict = verifyHmacRequest(
        { method, rawUrl, headers: req.headers, body },
        this.options.accessKey(),
        Date.now(),
      );
      if (!verdict.ok) throw unauthorized(verdict.reason);
      checkApiVersion(url.searchParams.get('api-version'), route.apiVersions ?? []);
      const fault = this.options.faults.take(route.operation);
      if (fault && !fault.after) await this.apply(fault);
      if (fault?.after) {
        const applied = await route.handle(request);
        await this.apply(fault);
        return applied;
      }
    }
    return route.handle(request);
  }

  private async apply(fault: Fault): Promise<void> {
    if (fault.delayMs) await this.delay(fault.delayMs);
    if (fault.status === undefined) return;
    const headers: Record<string, string> =
      fault.retryAfterSeconds === undefined ? {} : { 'retry-after': String(fault.retryAfterSeconds) };
    throw new AcsError(fault.status, faultCodes[fault.status] ?? 'Fault', 'Injected fault.', headers);
  }

  private async delay(ms: number): Promise<void> {
    try {
      await sleep(ms, undefined, { signal: this.options.signal });
    } catch {
      throw new AcsError(503, 'ServiceUnavailable', 'The emulator is closing.');
    }
  }
}

function checkApiVersion(given: string | null, supported: readonly string[]): void {
  if (!given) throw badRequest('The api-version query parameter is required.', 'MissingApiVersionParameter');
  if (!supported.includes(given)) {
    throw badRequest(
      `api-version ${given} is not supported; use ${supported.join(' or ')}.`,
      'UnsupportedApiVersion',
    );
  }
}

function errorResponse(error: unknown): EmulatorResponse {
  if (error instanceof AcsError) return acsErrorResponse(error);
  reportUnexpected(error);
  return acsErrorResponse(
    new AcsError(500, 'InternalServerError', 'The emulator failed to handle the request.'),
  );
}

function reportUnexpected(error: unknown): void {
  // Only the message: nothing the emulator throws carries a key or a token.
  console.error(`acs emulator: unexpected error: ${error instanceof Error ? error.message : String(error)}`);
}
