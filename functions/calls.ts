import { app } from '@azure/functions';
import {
  callIdSchema,
  createCallRequestSchema,
  inviteRequestSchema,
  joinCallRequestSchema,
  listCallsQuerySchema,
  updateCallRequestSchema,
} from '../shared/api/callSchemas';
import { subjectIdSchema } from '../shared/api/identitySchemas';
import { callerEndpoint } from './http/endpoint';
import { jsonBody } from './http/jsonBody';
import { queryParameters } from './http/queryParameters';
import { jsonResponse, noContent } from './http/jsonResponse';
import { routeParameter } from './http/routeParameter';

app.http('createCall', {
  route: 'calls',
  methods: ['POST'],
  authLevel: 'anonymous',
  handler: callerEndpoint(async ({ request, services, caller }) => {
    const body = await jsonBody(request, createCallRequestSchema, { optional: true });
    return jsonResponse(201, await services.calls.create(caller, body));
  }),
});

app.http('listCalls', {
  route: 'calls',
  methods: ['GET'],
  authLevel: 'anonymous',
  handler: callerEndpoint(async ({ request, services, caller }) => {
    const { limit, continuationToken } = queryParameters(request, listCallsQuerySchema);
    return jsonResponse(
      200,
      await services.calls.list(caller, { limit, ...(continuationToken ? { continuationToken } : {}) }),
    );
  }),
});

app.http('getCall', {
  route: 'calls/{id}',
  methods: ['GET'],
  authLevel: 'anonymous',
  handler: callerEndpoint(async ({ request, services, caller }) =>
    jsonResponse(200, await services.calls.get(caller, routeParameter(request, 'id', callIdSchema))),
  ),
});

app.http('updateCall', {
  route: 'calls/{id}',
  methods: ['PATCH'],
  authLevel: 'anonymous',
  handler: callerEndpoint(async ({ request, services, caller }) => {
    const callId = routeParameter(request, 'id', callIdSchema);
    const body = await jsonBody(request, updateCallRequestSchema);
    return jsonResponse(200, await services.calls.update(caller, callId, body));
  }),
});

app.http('cancelCall', {
  route: 'calls/{id}',
  methods: ['DELETE'],
  authLevel: 'anonymous',
  handler: callerEndpoint(async ({ request, services, caller }) => {
    await services.calls.cancel(caller, routeParameter(request, 'id', callIdSchema));
    return noContent();
  }),
});

app.http('inviteToCall', {
  route: 'calls/{id}/invitees',
  methods: ['POST'],
  authLevel: 'anonymous',
  handler: callerEndpoint(async ({ request, services, caller }) => {
    const callId = routeParameter(request, 'id', callIdSchema);
    const body = await jsonBody(request, inviteRequestSchema);
    return jsonResponse(200, await services.calls.invite(caller, callId, body.invitees));
  }),
});

app.http('uninviteFromCall', {
  route: 'calls/{id}/invitees/{subjectId}',
  methods: ['DELETE'],
  authLevel: 'anonymous',
  handler: callerEndpoint(async ({ request, services, caller }) => {
    const callId = routeParameter(request, 'id', callIdSchema);
    const subjectId = routeParameter(request, 'subjectId', subjectIdSchema);
    await services.calls.uninvite(caller, callId, subjectId);
    return noContent();
  }),
});

app.http('joinCall', {
  route: 'calls/{id}/join',
  methods: ['POST'],
  authLevel: 'anonymous',
  handler: callerEndpoint(async ({ request, services, caller }) => {
    const callId = routeParameter(request, 'id', callIdSchema);
    const body = await jsonBody(request, joinCallRequestSchema, { optional: true });
    return jsonResponse(200, await services.calls.join(caller, callId, body.expiresInMinutes));
  }),
});
