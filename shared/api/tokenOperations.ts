import { defineOperation } from './operation';
import {
  issuedTokenSchema,
  revokeRequestSchema,
  teamsTokenRequestSchema,
  teamsTokenSchema,
  tokenRequestSchema,
} from './tokenSchemas';
import { exampleValues } from './exampleValues';

export const tokenOperations = {
  issueToken: defineOperation({
    name: 'issueToken',
    method: 'POST',
    route: 'token',
    access: 'user',
    summary: "An ACS token for the caller's default identity, or for one linked to the caller.",
    body: tokenRequestSchema,
    bodyOptional: true,
    response: { status: 200, description: 'The token.', schema: issuedTokenSchema },
    problems: [403, 503],
    budget: 'tokens',
    examples: [
      {
        status: 400,
        code: 'ValidationFailed',
        summary: 'An expiry ACS does not allow.',
        caller: 'user',
        body: { expiresInMinutes: 59 },
      },
      {
        status: 403,
        code: 'ScopeNotAllowed',
        summary: 'A scope outside the user allow-list.',
        caller: 'user',
        body: { scopes: ['chat.join'] },
      },
      {
        status: 403,
        code: 'IdentityNotLinked',
        summary: 'An identity the caller is not linked to.',
        caller: 'user',
        body: { communicationUserId: exampleValues.communicationUserId },
      },
    ],
  }),
  revokeTokens: defineOperation({
    name: 'revokeTokens',
    method: 'POST',
    route: 'token/revoke',
    access: 'user',
    summary:
      'Revokes every token of the caller’s default (or named, linked) identity. A service identity’s tokens are revoked by an admin only (403 ServiceIdentityRevoke).',
    body: revokeRequestSchema,
    bodyOptional: true,
    response: { status: 204, description: 'Revoked.' },
    problems: [403, 503],
    budget: 'acs',
    examples: [
      {
        status: 403,
        code: 'IdentityNotLinked',
        summary: 'An identity the caller is not linked to.',
        caller: 'user',
        body: { communicationUserId: exampleValues.communicationUserId },
      },
    ],
  }),
  exchangeTeamsToken: defineOperation({
    name: 'exchangeTeamsToken',
    method: 'POST',
    route: 'token/teams',
    access: 'user',
    summary: 'Exchanges a Teams user’s Entra token for an ACS token.',
    body: teamsTokenRequestSchema,
    response: { status: 200, description: 'The ACS token of the Teams user.', schema: teamsTokenSchema },
    problems: [403, 404, 503],
    budget: 'acs',
    examples: [
      {
        status: 400,
        code: 'ValidationFailed',
        summary: 'No Teams token.',
        caller: 'user',
        body: { teamsUserAadToken: '' },
      },
    ],
  }),
};
