import type { HttpResponseInit, InvocationContext } from '@azure/functions';
import { ServiceError } from '../../shared/errors/serviceError';

/**
 * Turns any error into an RFC 9457 problem response. A ServiceError says what the caller may know;
 * anything else is a fault of ours, logged by name only (messages of dependency errors can carry
 * URLs or payloads) and answered with a bare 500.
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
  const name = error instanceof Error ? error.name : typeof error;
  context.error(`Unhandled ${name} in ${context.functionName}`);
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
