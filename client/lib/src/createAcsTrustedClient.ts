import { AcsTrustedServiceError, type FieldProblem } from './acsTrustedServiceError.js';
import { operationTable } from './generated/operationTable.js';
import type { OperationInput, OperationMethod, OperationName, OperationResult } from './operationTypes.js';
import { retryAfterSeconds } from './retryAfter.js';
import { sleep as realSleep } from './sleep.js';

export interface RetryOptions {
  /** Retries of one call after a 429 or 503; 0 turns retrying off. Default 2. */
  maxRetries?: number;
  /** A Retry-After longer than this is not waited for: the error is thrown at once. Default 10. */
  maxDelaySeconds?: number;
}

export interface AcsTrustedClientOptions {
  /** Where the service is, without `/api`: `https://contoso-calls.azurewebsites.net`, or `''` for this origin. */
  baseUrl: string;
  /**
   * The signed-in user's bearer token for this service (from MSAL, or your identity provider), asked for
   * before every request, so a refreshed one is used. Undefined sends none (the service answers 401).
   */
  getBearerToken: () => string | undefined | Promise<string | undefined>;
  retry?: RetryOptions;
  /** Defaults to the global fetch. */
  fetch?: typeof fetch;
  /** How the client waits before a retry; defaults to a timer. */
  sleep?: (milliseconds: number, signal?: AbortSignal) => Promise<void>;
}

/** Every operation of the service as a typed method, named as in the OpenAPI document (its operationId). */
export type AcsTrustedClient = { readonly [N in OperationName]: OperationMethod<N> } & {
  /** Calls an operation by name: what the methods do. */
  call<N extends OperationName>(name: N, input?: OperationInput<N>): Promise<OperationResult<N>>;
};

interface LooseInput {
  params?: Record<string, string>;
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  signal?: AbortSignal;
}

function urlOf(baseUrl: string, path: string, input: LooseInput): string {
  const filled = path.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = input.params?.[name];
    if (value === undefined) throw new TypeError(`Missing route parameter "${name}" for ${path}.`);
    return encodeURIComponent(value);
  });
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(input.query ?? {})) {
    if (value !== undefined) query.set(name, String(value));
  }
  const search = query.size > 0 ? `?${query.toString()}` : '';
  return `${baseUrl.replace(/\/+$/, '')}${filled}${search}`;
}

async function problemOf(operation: string, response: Response): Promise<AcsTrustedServiceError> {
  const retryAfter = retryAfterSeconds(response.headers.get('retry-after'));
  const fallback = { operation, status: response.status, retryAfterSeconds: retryAfter };
  const text = await response.text();
  if (!/^application\/(problem\+)?json/i.test(response.headers.get('content-type') ?? '')) {
    return new AcsTrustedServiceError({
      ...fallback,
      code: 'UnexpectedResponse',
      title: response.statusText || 'Unexpected response',
      detail: `The service answered ${response.status} without a problem document.`,
    });
  }
  const problem = JSON.parse(text) as Partial<{
    code: string;
    title: string;
    detail: string;
    errors: FieldProblem[];
    invocationId: string;
  }>;
  return new AcsTrustedServiceError({
    ...fallback,
    code: problem.code ?? 'UnexpectedResponse',
    title: problem.title ?? response.statusText,
    detail: problem.detail ?? '',
    errors: problem.errors,
    invocationId: problem.invocationId,
  });
}

/**
 * The typed client of the service. Errors are AcsTrustedServiceError (problem+json); a 429 or 503 is
 * retried after its Retry-After, within `retry`, because the service leaves nothing half-done that a
 * retry of the same request cannot finish.
 */
export function createAcsTrustedClient(options: AcsTrustedClientOptions): AcsTrustedClient {
  const fetchFn = options.fetch ?? globalThis.fetch.bind(globalThis);
  const wait = options.sleep ?? realSleep;
  const maxRetries = options.retry?.maxRetries ?? 2;
  const maxDelaySeconds = options.retry?.maxDelaySeconds ?? 10;

  async function call<N extends OperationName>(
    name: N,
    input?: OperationInput<N>,
  ): Promise<OperationResult<N>> {
    const { method, path } = operationTable[name];
    const loose = (input ?? {}) as LooseInput;
    const url = urlOf(options.baseUrl, path, loose);
    for (let attempt = 0; ; attempt += 1) {
      const bearer = await options.getBearerToken();
      const headers: Record<string, string> = { accept: 'application/json, application/problem+json' };
      if (bearer) headers.authorization = `Bearer ${bearer}`;
      if (loose.body !== undefined) headers['content-type'] = 'application/json';
      const response = await fetchFn(url, {
        method,
        headers,
        ...(loose.body !== undefined ? { body: JSON.stringify(loose.body) } : {}),
        ...(loose.signal ? { signal: loose.signal } : {}),
      });
      if (response.ok) {
        if (response.status === 204) return undefined as OperationResult<N>;
        return (await response.json()) as OperationResult<N>;
      }
      const problem = await problemOf(name, response);
      const retryable = problem.status === 429 || problem.status === 503;
      const delaySeconds = problem.retryAfterSeconds ?? 2 ** attempt;
      if (!retryable || attempt >= maxRetries || delaySeconds > maxDelaySeconds) throw problem;
      await wait(delaySeconds * 1000, loose.signal);
    }
  }

  const methods = Object.fromEntries(
    Object.keys(operationTable).map((name) => [
      name,
      (input?: OperationInput<OperationName>) => call(name as OperationName, input),
    ]),
  );
  return Object.freeze({ ...methods, call }) as AcsTrustedClient;
}
