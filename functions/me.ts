import { app } from '@azure/functions';
import { addIdentityRequestSchema } from '../shared/api/identitySchemas';
import { communicationUserIdSchema } from '../shared/identity/communicationUserId';
import { callerEndpoint } from './http/endpoint';
import { jsonBody } from './http/jsonBody';
import { jsonResponse, noContent } from './http/jsonResponse';
import { routeParameter } from './http/routeParameter';

app.http('listMyIdentities', {
  route: 'me/identities',
  methods: ['GET'],
  authLevel: 'anonymous',
  handler: callerEndpoint(async ({ services, caller }) =>
    jsonResponse(200, { identities: await services.identities.listForSubject(caller.subjectId) }),
  ),
});

app.http('addMyIdentity', {
  route: 'me/identities',
  methods: ['POST'],
  authLevel: 'anonymous',
  handler: callerEndpoint(async ({ request, services, caller }) => {
    const body = await jsonBody(request, addIdentityRequestSchema, { optional: true });
    return jsonResponse(201, await services.identities.addIdentity(caller.subjectId, body.label ?? 'extra'));
  }),
});

app.http('removeMyIdentity', {
  route: 'me/identities/{communicationUserId}',
  methods: ['DELETE'],
  authLevel: 'anonymous',
  handler: callerEndpoint(async ({ request, services, caller }) => {
    const communicationUserId = routeParameter(request, 'communicationUserId', communicationUserIdSchema);
    await services.identities.removeIdentity(caller.subjectId, communicationUserId);
    return noContent();
  }),
});

app.http('eraseMe', {
  route: 'me',
  methods: ['DELETE'],
  authLevel: 'anonymous',
  handler: callerEndpoint(async ({ services, caller }) => {
    // Calls first: taking the caller off room rosters needs the identities erasing them unlinks.
    await services.calls.eraseSubject(caller.subjectId);
    await services.identities.eraseSubject(caller.subjectId);
    return noContent();
  }),
});
