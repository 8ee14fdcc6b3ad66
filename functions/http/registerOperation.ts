import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';
import { operationList } from '../../shared/api/apiOperations';
import type {
  Operation,
  OperationAccess,
  OperationBody,
  OperationParams,
  OperationQuery,
  OperationResult,
} from '../../shared/api/operation';
import type { Caller } from '../../shared/auth/caller';
import type { AppServices } from '../../shared/composition/appServices';
import { automationProblems } from '../../shared/callAutomation/automationProblems';
import { forbidden } from '../../shared/errors/serviceError';
import { createCorsPolicy } from './corsPolicy';
import { currentConfig, currentServices } from './currentServices';
import { jsonBody } from './jsonBody';
import { operations } from './operations';
import { problemResponse } from './problemResponse';
import { Reply } from './reply';
import { queryParameters, routeParameters } from './requestInput';

type CallerFor<A> = A extends 'user' | 'admin' | 'incomingCall' ? Caller : undefined;

/** What a handler is given: the request's inputs, already validated against the operation's schemas. */
export interface OperationCall<Op> {
  request: HttpRequest;
  context: InvocationContext;
  services: AppServices;
  caller: CallerFor<OperationAccess<Op>>;
  params: OperationParams<Op>;
  query: OperationQuery<Op>;
  body: OperationBody<Op>;
}

export type OperationHandler<Op> = (
  call: OperationCall<Op>,
) => Promise<OperationResult<Op> | Reply<OperationResult<Op>>>;

const cors = createCorsPolicy(currentConfig().http.corsAllowedOrigins);
const methodsByRoute = new Map<string, string[]>();
for (const operation of operationList(operations)) {
  const methods = methodsByRoute.get(operation.route) ?? [];
  methods.push(operation.method, ...(operation.head ? ['HEAD'] : []));
  methodsByRoute.set(operation.route, methods);
}
/** Routes whose CORS preflight is registered already: one function per route may take OPTIONS. */
const preflightRoutes = new Set<string>();

/**
 * Registers an operation declared in shared/api with its handler: method, route and name come from the
 * declaration, and so do the checks that run before the handler (who may call, then route parameters,
 * query and body against their schemas). The first operation of a route also answers its CORS preflight.
 */
export function registerOperation<Op extends Operation>(operation: Op, handler: OperationHandler<Op>): void {
  const answersPreflight = !preflightRoutes.has(operation.route);
  preflightRoutes.add(operation.route);
  app.http(operation.name, {
    route: operation.route,
    methods: [
      operation.method,
      ...(operation.head ? ['HEAD' as const] : []),
      ...(answersPreflight ? ['OPTIONS' as const] : []),
    ],
    authLevel: 'anonymous',
    handler: async (request, context) => {
      if (request.method === 'OPTIONS') {
        return cors.preflight(request, methodsByRoute.get(operation.route) ?? []);
      }
      const response = await answer(operation, handler, request, context);
      return {
        ...response,
        headers: { ...(response.headers as Record<string, string>), ...cors.responseHeaders(request) },
      };
    },
  });
}

async function answer<Op extends Operation>(
  operation: Op,
  handler: OperationHandler<Op>,
  request: HttpRequest,
  context: InvocationContext,
): Promise<HttpResponseInit> {
  try {
    const services = currentServices();
    const caller = await authorize(operation, request, services);
    const call = {
      request,
      context,
      services,
      caller,
      params: operation.params ? routeParameters(request, operation.params) : undefined,
      query: operation.query ? queryParameters(request, operation.query) : undefined,
      body: operation.body
        ? await jsonBody(request, operation.body, {
            optional: operation.bodyOptional ?? false,
            maxBytes: services.config.http.maxRequestBodyBytes,
          })
        : undefined,
    } as OperationCall<Op>;
    // After the inputs are known to be good: a request that changes nothing spends nothing.
    if (caller && operation.budget !== undefined && operation.budget !== 'tokens') {
      await services.budgets.take(caller, operation.budget);
    }
    return success(operation, await handler(call));
  } catch (error) {
    return problemResponse(error, context);
  }
}

/**
 * The verified bearer token, and nothing else, says who calls: a user's (or Event Grid's) from the OIDC
 * issuer, or ACS's own callback token, checked before the body is even read.
 */
async function authorize(
  operation: Operation,
  request: HttpRequest,
  services: AppServices,
): Promise<Caller | undefined> {
  if (operation.access === 'anonymous') return undefined;
  const authorization = request.headers.get('authorization');
  if (operation.access === 'acsCallback') {
    if (!services.callAutomation) throw automationProblems.notConfigured();
    await services.callAutomation.callbackTokens.verify(authorization);
    await services.ready();
    return undefined;
  }
  const caller = await services.verifier.verify(authorization);
  await services.ready();
  if (operation.access === 'admin' && !caller.isAdmin) {
    throw forbidden('This operation needs the admin role.', { code: 'AdminRoleRequired' });
  }
  if (operation.access === 'incomingCall' && !caller.roles.includes(services.config.roles.incomingCall)) {
    throw forbidden('Incoming calls are delivered by Event Grid, with the incoming-call role.', {
      code: 'IncomingCallRoleRequired',
    });
  }
  return caller;
}

/** These bodies carry tokens and personal data: no cache may keep them unless the handler says so. */
function success(operation: Operation, result: unknown): HttpResponseInit {
  const reply = result instanceof Reply ? result.init : { status: operation.response.status, body: result };
  const headers = { 'cache-control': 'no-store', ...reply.headers };
  if ('raw' in reply && reply.raw !== undefined) return { status: reply.status, body: reply.raw, headers };
  if (reply.status === 204 || reply.body === undefined) return { status: reply.status, headers };
  return { status: reply.status, jsonBody: reply.body, headers };
}
