import type { Route } from '../route';
import { callAutomationIssuer, type CallbackTokenSigner } from './callbackTokenSigner';

/**
 * The keys that verify callback tokens, unauthenticated as ACS serves them: the JWKS and the OpenID
 * configuration pointing at it (here, at this emulator; the issuer stays the production one).
 */
export function callbackKeyRoutes(signer: CallbackTokenSigner): Route[] {
  return [
    {
      method: 'GET',
      pattern: /^\/calling\/keys$/,
      operation: 'callbackKeys',
      kind: 'open',
      handle: async () => ({ status: 200, body: await signer.jwks() }),
    },
    {
      method: 'GET',
      pattern: /^\/calling\/\.well-known\/acsopenidconfiguration$/,
      operation: 'callbackOpenIdConfiguration',
      kind: 'open',
      handle: async ({ baseUrl }) => ({
        status: 200,
        body: {
          issuer: callAutomationIssuer,
          jwks_uri: `${baseUrl}calling/keys`,
          id_token_signing_alg_values_supported: ['RS256'],
        },
      }),
    },
  ];
}
