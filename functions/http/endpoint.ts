import type { HttpHandler, HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import type { Caller } from '../../shared/auth/caller';
import type { AppServices } from '../../shared/composition/appServices';
import { forbidden } from '../../shared/errors/serviceError';
import { currentServices } from './currentServices';
import { problemResponse } from './problemResponse';

export interface EndpointScope {
  request: HttpRequest;
  context: InvocationContext;
  services: AppServices;
}

export interface CallerScope extends EndpointScope {
  caller: Caller;
}

/** An anonymous endpoint: every error becomes a problem response. */
export function endpoint(handler: (scope: EndpointScope) => Promise<HttpResponseInit>): HttpHandler {
  return async (request, context) => {
    try {
      return await handler({ request, context, services: currentServices() });
    } catch (error) {
      return problemResponse(error, context);
    }
  };
}

/** An endpoint for signed-in callers: the verified bearer token, and nothing else, says who calls. */
export function callerEndpoint(handler: (scope: CallerScope) => Promise<HttpResponseInit>): HttpHandler {
  return endpoint(async (scope) => {
    const caller = await scope.services.verifier.verify(scope.request.headers.get('authorization'));
    await scope.services.ready();
    return handler({ ...scope, caller });
  });
}

export function adminEndpoint(handler: (scope: CallerScope) => Promise<HttpResponseInit>): HttpHandler {
  return callerEndpoint(async (scope) => {
    if (!scope.caller.isAdmin) throw forbidden('This operation needs the admin role.', 'AdminRoleRequired');
    return handler(scope);
  });
}
