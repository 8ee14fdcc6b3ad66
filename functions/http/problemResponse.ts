import type { HttpResponseInit, InvocationContext } from '@azure/functions';
import { redactSecrets } from '../../shared/errors/redactSecrets';
import { ServiceError } from '../../shared/errors/serviceError';

/**
 * Turns any error into an RFC 9457 problem response. A ServiceError says what the caller may know;
 * anything else is a fault of ours: the caller gets a bare 500 with the invocation id, and the log gets
 * the error's name, message and stack (credentials redacted: a dependency's message can quote them),
 * never the request's headers or body.
 */
export function problemResponse(error: unknown, context: InvocationContext): HttpResponseInit {
  if (error instanceof ServiceError) {
    const headers: Record<string, string> = { 'content-type': 'application/problem+json' };
    if (error.retryAfterSeconds !== undefined)
      headers['retry-after'] = String(Math.ceil(error.retryAfterSeconds));
    if (error.status === 401) headers['www-authenticate'] = 'Bearer';
    return {
      status: error.status,
      headers,
      body: JSON.stringify({
        type: 'about:blank',
        title: error.title,
        status: error.status,
        detail: error.detail,
        code: error.code,
        ...(error.errors ? { errors: error.errors } : {}),
      }),
    };
  }
  context.error(describeFault(error, context));
  return {
    status: 500,
    headers: { 'content-type': 'application/problem+json' },
    body: JSON.stringify({
      type: 'about:blank',
      title: 'Internal server error',
      status: 500,
      detail: 'An unexpected error occurred.',
      code: 'InternalError',
      invocationId: context.invocationId,
    }),
  };
}

/** An unexpected error as the log may show it: name, redacted message, code locations, the invocation. */
export function describeFault(error: unknown, context: InvocationContext): string {
  const where = `in ${context.functionName} (invocation ${context.invocationId})`;
  if (!(error instanceof Error)) return redactSecrets(`Unhandled ${typeof error} ${where}: ${String(error)}`);
  // Only the message can quote a dependency's request, key or token, so only it is redacted: the frames
  // are code locations, and a long path (a deep checkout) looks like a bare key to the redactor.
  const frames = (error.stack ?? '')
    .split('\n')
    .filter((line) => /^\s+at /.test(line))
    .join('\n');
  return `${redactSecrets(`Unhandled ${error.name} ${where}: ${error.message}`)}\n${frames}`;
}
