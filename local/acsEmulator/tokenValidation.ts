import { z } from 'zod';
import type { EmulatorState } from './emulatorState';
import { parseJsonBody } from './requestBody';
import type { Route } from './route';
import type { AcsTokenScope } from './tokenRules';

export type TokenInvalidReason =
  'malformed' | 'badSignature' | 'expired' | 'keyRotated' | 'identityDeleted' | 'unknownIdentity' | 'revoked';

export type TokenValidation =
  | { valid: true; communicationUserId: string; scopes: AcsTokenScope[]; expiresOn: string }
  | { valid: false; reason: TokenInvalidReason };

/**
 * Whether a token the emulator issued would still be honoured by ACS: signature and expiry, then the
 * access key it was issued under, then the identity's deletion and revocation.
 */
export async function validateAcsToken(token: string, state: EmulatorState): Promise<TokenValidation> {
  const verdict = await state.signer.verify(token);
  if (!verdict.ok) return { valid: false, reason: verdict.reason };
  const claims = verdict.token;
  if (claims.keyGeneration !== state.keyGeneration) return { valid: false, reason: 'keyRotated' };
  // Teams users (8:orgid:) live in Entra ID, not in this resource: nothing here can revoke them.
  if (!claims.communicationUserId.startsWith('8:orgid:')) {
    const identity = state.identities.find(claims.communicationUserId);
    if (!identity) return { valid: false, reason: 'unknownIdentity' };
    if (identity.deletedAt) return { valid: false, reason: 'identityDeleted' };
    if (claims.sequence <= (identity.revokedThrough ?? 0)) return { valid: false, reason: 'revoked' };
  }
  return {
    valid: true,
    communicationUserId: claims.communicationUserId,
    scopes: claims.scopes,
    expiresOn: claims.expiresOn,
  };
}

const validateTokenBodySchema = z.object({ token: z.string().min(1) });

/** `POST /:validateToken`: unauthenticated, so tests and other local tools can call it with plain fetch. */
export function validateTokenRoute(state: EmulatorState): Route {
  return {
    method: 'POST',
    pattern: /^\/:validateToken$/,
    operation: 'validateToken',
    kind: 'open',
    handle: async ({ body }) => {
      const { token } = parseJsonBody(body, validateTokenBodySchema);
      return { status: 200, body: await validateAcsToken(token, state) };
    },
  };
}
