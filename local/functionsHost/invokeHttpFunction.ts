import type { HttpResponse, HttpResponseInit, LogLevel } from '@azure/functions';
import { format } from 'node:util';
import type { HttpFunction } from './functionRegistry';
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

function functionLogHandler(fn: HttpFunction, invocationId: string, log: (line: string) => void) {
  return (level: LogLevel, ...args: unknown[]): void => {
    const tag = level === 'information' ? '' : ` ${level}`;
    log(`[${invocationId}] ${fn.name}${tag}: ${format(...args)}`);
  };
}

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
 * Calls the function's own handler with the app's `HttpRequest` and `InvocationContext`, between its
 * preInvocation and postInvocation hooks, following the worker's InvocationHandler: preInvocation
 * hooks may replace the inputs and the handler, postInvocation hooks see and may replace the result
 * or the error. Throws when the handler (or a hook) fails.
 */
export async function invokeHttpFunction(
  app: FunctionApp,
  fn: HttpFunction,
  invocation: HttpInvocation,
  log: (line: string) => void,
): Promise<FunctionResult> {
  const { HttpRequest, InvocationContext } = app.library;
  const { registrations } = app;
  const request = new HttpRequest({
    method: invocation.method,
    url: invocation.url,
    headers: invocation.headers,
    params: invocation.params,
    body: { bytes: invocation.body },
  });
  const context = new InvocationContext({
    invocationId: invocation.invocationId,
    functionName: fn.name,
    logHandler: functionLogHandler(fn, invocation.invocationId, log),
    options: fn.options,
  });
  const hookData: Record<string, unknown> = {};
  const shared = { hookData, appHookData: registrations.appHookData, invocationContext: context };

  const pre = { ...shared, inputs: [request] as unknown[], functionCallback: fn.callback };
  await registrations.runHooks('preInvocation', pre);

  const post = { ...shared, inputs: pre.inputs, result: null as unknown, error: null as unknown };
  try {
    post.result = await pre.functionCallback(...pre.inputs, context);
  } catch (error) {
    post.error = error ?? new Error('the function threw a nullish value');
  }
  await registrations.runHooks('postInvocation', post);
  if (post.error != null) throw post.error;
  return toFunctionResult(app, post.result);
}
