import { randomUUID } from 'node:crypto';
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { isAllowedHost } from './allowedHost';
import type { FunctionRegistry } from './functionRegistry';
import { invokeHttpFunction } from './invokeHttpFunction';
import type { FunctionApp } from './loadFunctionApp';
import { sendProblem } from './problemResponse';
import { readRequestBody } from './readRequestBody';
import { requestUrl } from './requestUrl';
import { writeHttpResponse } from './writeHttpResponse';

export interface Mount {
  /** Matches this path and everything below it; `/` alone matches only the root. */
  pathPrefix: string;
  handle(req: IncomingMessage, res: ServerResponse): void | Promise<void>;
}

export interface FunctionsRequestListenerOptions {
  app: FunctionApp;
  registry: FunctionRegistry;
  mounts: readonly Mount[];
  maxRequestBodyBytes: number;
  log: (line: string) => void;
  /** The host's own origin, for requests without a usable Host header. */
  origin: string;
  /** Host names answered besides the loopback ones (see allowedHost.ts); anything else gets 403. */
  allowedHosts: readonly string[];
  /** Resolves true once appStart hooks have run (requests wait for it), false if startup failed. */
  started: Promise<boolean>;
}

function mountFor(mounts: readonly Mount[], path: string): Mount | undefined {
  return mounts.find(({ pathPrefix }) => {
    if (pathPrefix === '/') return path === '/';
    const prefix = pathPrefix.replace(/\/+$/, '');
    return path === prefix || path.startsWith(`${prefix}/`);
  });
}

/** Only what is safe to keep: no query string, no headers, no body (they carry tokens). */
function logWhenDone(
  log: (line: string) => void,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  invocationId: string,
): void {
  const startedAt = performance.now();
  res.once('close', () => {
    const ms = Math.round(performance.now() - startedAt);
    const status = res.writableFinished ? `${res.statusCode}` : `${res.statusCode} (aborted)`;
    log(`${req.method} ${path} ${status} ${ms}ms ${invocationId}`);
  });
}

function requestHeaders(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

function describeError(error: unknown): string {
  return error instanceof Error ? (error.stack ?? `${error.name}: ${error.message}`) : String(error);
}

/** A failure after the status line went out can only cut the connection; before, it is a 500. */
function answerFailure(res: ServerResponse, invocationId: string): void {
  if (res.headersSent || res.destroyed) {
    res.destroy();
    return;
  }
  const detail = `The request failed. The host log has the details under invocation ${invocationId}.`;
  sendProblem(res, { status: 500, code: 'InternalError', detail, invocationId });
}

async function serveFunction(
  options: FunctionsRequestListenerOptions,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  invocationId: string,
): Promise<void> {
  const method = req.method ?? 'GET';
  const route = options.registry.lookup(method, url.pathname);
  if (route.kind === 'notFound') {
    sendProblem(res, { status: 404, code: 'NotFound', detail: 'No function serves this path.' });
    return;
  }
  if (route.kind === 'methodNotAllowed') {
    const detail = `This path accepts ${route.allow.join(', ')}, not ${method}.`;
    sendProblem(res, { status: 405, code: 'MethodNotAllowed', detail }, { allow: route.allow.join(', ') });
    return;
  }
  const limit = options.maxRequestBodyBytes;
  const body = await readRequestBody(req, limit);
  if (body.kind === 'tooLarge') {
    const detail = `The request body is larger than the ${limit} bytes allowed.`;
    sendProblem(res, { status: 413, code: 'PayloadTooLarge', detail });
    return;
  }
  const invocation = {
    invocationId,
    method,
    url: url.href,
    headers: requestHeaders(req),
    params: route.params,
    body: body.bytes,
  };
  try {
    await writeHttpResponse(res, await invokeHttpFunction(options.app, route.fn, invocation, options.log));
  } catch (error) {
    options.log(`[${invocationId}] ${route.fn.name} failed: ${describeError(error)}`);
    answerFailure(res, invocationId);
  }
}

async function serve(options: FunctionsRequestListenerOptions, req: IncomingMessage, res: ServerResponse) {
  const url = requestUrl(req, options.origin);
  const mount = mountFor(options.mounts, url.pathname);
  // Every response, mounted handlers' too, carries an id the caller can quote and the log shows.
  const invocationId = randomUUID();
  res.setHeader('x-invocation-id', invocationId);
  logWhenDone(options.log, req, res, url.pathname, invocationId);
  // Before anything is routed, the dev sign-in included: see allowedHost.ts.
  if (!isAllowedHost(req.headers.host, options.allowedHosts)) {
    const detail =
      'This local host answers only requests addressed to a loopback name (localhost, 127.0.0.1, [::1]) or to a host name it was configured to allow.';
    sendProblem(res, { status: 403, code: 'HostNotAllowed', detail });
    return;
  }
  if (!(await options.started)) {
    res.destroy();
    return;
  }
  try {
    await (mount ? mount.handle(req, res) : serveFunction(options, req, res, url, invocationId));
  } catch (error) {
    options.log(`[${invocationId}] ${req.method} ${url.pathname} failed: ${describeError(error)}`);
    answerFailure(res, invocationId);
  }
}

/** Routes each request: mounts first, then the app's functions; many requests run at once. */
export function createFunctionsRequestListener(options: FunctionsRequestListenerOptions): RequestListener {
  return (req, res) => {
    void serve(options, req, res);
  };
}
