import { app } from '@azure/functions';
import { revokeRequestSchema, teamsTokenRequestSchema, tokenRequestSchema } from '../shared/api/tokenSchemas';
import { callerEndpoint } from './http/endpoint';
import { jsonBody } from './http/jsonBody';
import { jsonResponse, noContent } from './http/jsonResponse';

app.http('issueToken', {
  route: 'token',
  methods: ['POST'],
  authLevel: 'anonymous',
  handler: callerEndpoint(async ({ request, services, caller }) => {
    const body = await jsonBody(request, tokenRequestSchema, { optional: true });
    return jsonResponse(200, await services.tokens.issueForCaller(caller, body));
  }),
});

app.http('revokeTokens', {
  route: 'token/revoke',
  methods: ['POST'],
  authLevel: 'anonymous',
  handler: callerEndpoint(async ({ request, services, caller }) => {
    const body = await jsonBody(request, revokeRequestSchema, { optional: true });
    await services.tokens.revokeForCaller(caller, body.communicationUserId);
    return noContent();
  }),
});

app.http('exchangeTeamsToken', {
  route: 'token/teams',
  methods: ['POST'],
  authLevel: 'anonymous',
  handler: callerEndpoint(async ({ request, services, caller }) => {
    const body = await jsonBody(request, teamsTokenRequestSchema);
    return jsonResponse(200, await services.tokens.exchangeTeamsToken(caller, body.teamsUserAadToken));
  }),
});
