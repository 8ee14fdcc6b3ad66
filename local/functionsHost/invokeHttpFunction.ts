import type { HttpResponse, HttpResponseInit } from '@azure/functions';
import type { HttpFunction } from './functionRegistry';
import { invokeFunction } from './invokeFunction';
import type { FunctionApp } from './loadFunctionApp';

/** One request, already routed and with its body read, as the function will see it. */
export interface HttpInvocation {
  invocationId: string;
  method: string;
  url: string;
  headers: Record<string, string>;
  params: Record<string, string>;
  body: Buffer;
}

export interface FunctionResult {
  response: HttpResponse;
  /** False when the body is already in memory (string, bytes, JSON), so it can be sent with a length. */
  streamBody: boolean;
}

const NOT_AN_HTTP_RESPONSE =
  'The HTTP response must be an object with optional properties "body", "status", "headers", and "cookies".';

function isStreamBody(init: HttpResponseInit): boolean {
  const { body } = init;
  return init.jsonBody == null && typeof body === 'object' && body !== null && Symbol.asyncIterator in body;
}

/** What the worker does with a handler's return value (see the library's toRpcHttp). */
function toFunctionResult(app: FunctionApp, result: unknown): FunctionResult {
  const { HttpResponse } = app.library;
  // Returning nothing is a success with nothing to say.
  if (result === undefined || result === null)
    return { response: new HttpResponse({ status: 204 }), streamBody: false };
  if (typeof result !== 'object') throw new Error(NOT_AN_HTTP_RESPONSE);
  if (result instanceof HttpResponse) return { response: result, streamBody: true };
  const init = result as HttpResponseInit;
  return { response: new HttpResponse(init), streamBody: isStreamBody(init) };
}

/**
 * Calls an HTTP function with the app's own `HttpRequest` (see invokeFunction for the hooks around it) and
 * turns what it returned into the response, as the worker does. Throws when the handler (or a hook) fails.
 */
export async function invokeHttpFunction(
  app: FunctionApp,
  fn: HttpFunction,
  invocation: HttpInvocation,
  log: (line: string) => void,
): Promise<FunctionResult> {
  const request = new app.library.HttpRequest({
    method: invocation.method,
    url: invocation.url,
    headers: invocation.headers,
    params: invocation.params,
    body: { bytes: invocation.body },
  });
  return toFunctionResult(app, await invokeFunction(app, fn, invocation.invocationId, request, log));
}
