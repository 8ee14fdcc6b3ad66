import { z } from 'zod';
import type { IssuedAcsToken } from './acsTokenSigner';
import { teamsUserRawId } from './communicationIdentifier';
import type { EmulatorResponse } from './emulatorResponse';
import type { EmulatorState } from './emulatorState';
import { parseJsonBody } from './requestBody';
import type { Route, RouteRequest } from './route';
import { checkTeamsAadToken } from './teamsAadToken';
import {
  defaultExpiresInMinutes,
  expiresInMinutesSchema,
  tokenScopesSchema,
  type AcsTokenScope,
} from './tokenRules';

/** What @azure/communication-identity 1.3.1 sends. */
export const identityApiVersions = ['2023-10-01'] as const;

const createIdentityBodySchema = z.object({
  createTokenWithScopes: tokenScopesSchema.optional(),
  expiresInMinutes: expiresInMinutesSchema.optional(),
});

const issueTokenBodySchema = z.object({
  scopes: tokenScopesSchema,
  expiresInMinutes: expiresInMinutesSchema.optional(),
});

const teamsExchangeBodySchema = z.object({
  token: z.string().min(1),
  appId: z.string().min(1),
  userId: z.string().min(1),
});

/** Teams users get what the Teams client itself can do; ACS caps their token at a day as for others. */
const teamsUserScopes: AcsTokenScope[] = ['chat', 'voip'];

/** The Communication Identity REST API (identities, tokens, Teams user exchange). */
export function identityRoutes(state: EmulatorState): Route[] {
  const route = (
    method: string,
    pattern: RegExp,
    operation: string,
    handle: (request: RouteRequest) => Promise<EmulatorResponse>,
  ): Route => ({ method, pattern, operation, kind: 'acs', apiVersions: identityApiVersions, handle });

  return [
    route('POST', /^\/identities$/, 'createIdentity', (request) => createIdentity(state, request)),
    route('POST', /^\/identities\/(?<id>[^/]+)\/:issueAccessToken$/, 'issueAccessToken', (request) =>
      issueAccessToken(state, request),
    ),
    route('POST', /^\/identities\/(?<id>[^/]+)\/:revokeAccessTokens$/, 'revokeAccessTokens', (request) =>
      revokeAccessTokens(state, request),
    ),
    route('DELETE', /^\/identities\/(?<id>[^/]+)$/, 'deleteIdentity', (request) =>
      deleteIdentity(state, request),
    ),
    route('POST', /^\/teamsUser\/:exchangeAccessToken$/, 'exchangeTeamsUserAccessToken', (request) =>
      exchangeTeamsUserAccessToken(state, request),
    ),
  ];
}

async function createIdentity(state: EmulatorState, { body }: RouteRequest): Promise<EmulatorResponse> {
  const request = parseJsonBody(body, createIdentityBodySchema, {});
  const identity = state.identities.create(state.resourceId);
  const accessToken = request.createTokenWithScopes
    ? await issueToken(state, identity.id, request.createTokenWithScopes, request.expiresInMinutes)
    : undefined;
  await state.save();
  return { status: 201, body: { identity: { id: identity.id }, ...(accessToken ? { accessToken } : {}) } };
}

async function issueAccessToken(
  state: EmulatorState,
  { body, params }: RouteRequest,
): Promise<EmulatorResponse> {
  const request = parseJsonBody(body, issueTokenBodySchema);
  const identity = state.identities.live(params['id'] ?? '');
  return {
    status: 200,
    body: await issueToken(state, identity.id, request.scopes, request.expiresInMinutes),
  };
}

async function revokeAccessTokens(state: EmulatorState, { params }: RouteRequest): Promise<EmulatorResponse> {
  state.identities.revoke(params['id'] ?? '', state.tokenSequence.current());
  await state.save();
  return { status: 204 };
}

async function deleteIdentity(state: EmulatorState, { params }: RouteRequest): Promise<EmulatorResponse> {
  state.identities.delete(params['id'] ?? '', state.tokenSequence.current());
  await state.save();
  return { status: 204 };
}

async function exchangeTeamsUserAccessToken(
  state: EmulatorState,
  { body }: RouteRequest,
): Promise<EmulatorResponse> {
  const exchange = parseJsonBody(body, teamsExchangeBodySchema);
  const grant = checkTeamsAadToken(exchange);
  const dayFromNow = Date.now() + defaultExpiresInMinutes * 60_000;
  const expiresOn = new Date(Math.min(grant.aadExpiresOn.getTime(), dayFromNow));
  const token = await state.signer.sign({
    communicationUserId: teamsUserRawId(grant.objectId),
    scopes: teamsUserScopes,
    expiresOn,
    sequence: state.tokenSequence.next(),
    keyGeneration: state.keyGeneration,
    resourceId: state.resourceId,
  });
  return { status: 200, body: token };
}

function issueToken(
  state: EmulatorState,
  communicationUserId: string,
  scopes: readonly AcsTokenScope[],
  expiresInMinutes = defaultExpiresInMinutes,
): Promise<IssuedAcsToken> {
  return state.signer.sign({
    communicationUserId,
    scopes,
    expiresOn: new Date(Date.now() + expiresInMinutes * 60_000),
    // Taken before signing (which awaits) so a revoke that arrives meanwhile covers this token.
    sequence: state.tokenSequence.next(),
    keyGeneration: state.keyGeneration,
    resourceId: state.resourceId,
  });
}
