import { app } from '@azure/functions';
import {
  auditQuerySchema,
  createServiceIdentityRequestSchema,
  subjectIdSchema,
} from '../shared/api/identitySchemas';
import { adminTokenRequestSchema } from '../shared/api/tokenSchemas';
import { communicationUserIdSchema } from '../shared/identity/communicationUserId';
import { adminEndpoint } from './http/endpoint';
import { jsonBody } from './http/jsonBody';
import { queryParameters } from './http/queryParameters';
import { jsonResponse, noContent } from './http/jsonResponse';
import { routeParameter } from './http/routeParameter';

app.http('adminCreateIdentity', {
  route: 'admin/identities',
  methods: ['POST'],
  authLevel: 'anonymous',
  handler: adminEndpoint(async ({ request, services, caller }) => {
    const body = await jsonBody(request, createServiceIdentityRequestSchema);
    const identity = await services.identities.createServiceIdentity(
      caller.subjectId,
      body.subjects,
      body.label ?? 'service',
    );
    return jsonResponse(201, identity);
  }),
});

app.http('adminGetIdentity', {
  route: 'admin/identities/{communicationUserId}',
  methods: ['GET'],
  authLevel: 'anonymous',
  handler: adminEndpoint(async ({ request, services }) => {
    const communicationUserId = routeParameter(request, 'communicationUserId', communicationUserIdSchema);
    return jsonResponse(200, await services.identities.getIdentity(communicationUserId));
  }),
});

app.http('adminDeleteIdentity', {
  route: 'admin/identities/{communicationUserId}',
  methods: ['DELETE'],
  authLevel: 'anonymous',
  handler: adminEndpoint(async ({ request, services, caller }) => {
    const communicationUserId = routeParameter(request, 'communicationUserId', communicationUserIdSchema);
    await services.identities.deleteIdentity(caller.subjectId, communicationUserId);
    return noContent();
  }),
});

app.http('adminLinkSubject', {
  route: 'admin/identities/{communicationUserId}/subjects/{subjectId}',
  methods: ['PUT'],
  authLevel: 'anonymous',
  handler: adminEndpoint(async ({ request, services, caller }) => {
    const communicationUserId = routeParameter(request, 'communicationUserId', communicationUserIdSchema);
    const subjectId = routeParameter(request, 'subjectId', subjectIdSchema);
    await services.identities.link(caller.subjectId, communicationUserId, subjectId);
    return noContent();
  }),
});

app.http('adminUnlinkSubject', {
  route: 'admin/identities/{communicationUserId}/subjects/{subjectId}',
  methods: ['DELETE'],
  authLevel: 'anonymous',
  handler: adminEndpoint(async ({ request, services, caller }) => {
    const communicationUserId = routeParameter(request, 'communicationUserId', communicationUserIdSchema);
    const subjectId = routeParameter(request, 'subjectId', subjectIdSchema);
    await services.identities.unlink(caller.subjectId, communicationUserId, subjectId);
    return noContent();
  }),
});

app.http('adminListSubjectIdentities', {
  route: 'admin/subjects/{subjectId}/identities',
  methods: ['GET'],
  authLevel: 'anonymous',
  handler: adminEndpoint(async ({ request, services }) => {
    const subjectId = routeParameter(request, 'subjectId', subjectIdSchema);
    return jsonResponse(200, { identities: await services.identities.listForSubject(subjectId) });
  }),
});

app.http('adminIssueToken', {
  route: 'admin/identities/{communicationUserId}/token',
  methods: ['POST'],
  authLevel: 'anonymous',
  handler: adminEndpoint(async ({ request, services, caller }) => {
    const communicationUserId = routeParameter(request, 'communicationUserId', communicationUserIdSchema);
    const body = await jsonBody(request, adminTokenRequestSchema);
    return jsonResponse(
      200,
      await services.tokens.issueForIdentity(caller, communicationUserId, body.scopes, body.expiresInMinutes),
    );
  }),
});

app.http('adminRevokeTokens', {
  route: 'admin/identities/{communicationUserId}/revoke',
  methods: ['POST'],
  authLevel: 'anonymous',
  handler: adminEndpoint(async ({ request, services, caller }) => {
    const communicationUserId = routeParameter(request, 'communicationUserId', communicationUserIdSchema);
    await services.tokens.revokeForIdentity(caller, communicationUserId);
    return noContent();
  }),
});

app.http('adminAudit', {
  route: 'admin/audit',
  methods: ['GET'],
  authLevel: 'anonymous',
  handler: adminEndpoint(async ({ request, services }) => {
    const { limit, continuationToken, ...filter } = queryParameters(request, auditQuerySchema);
    const page = await services.audit.list(
      filter.subjectId !== undefined
        ? { subjectId: filter.subjectId }
        : { communicationUserId: filter.communicationUserId ?? '' },
      { limit, ...(continuationToken ? { continuationToken } : {}) },
    );
    return jsonResponse(200, page);
  }),
});
