import { decodeJwt, type JWTPayload } from 'jose';
import { badRequest, unauthorized } from './acsError';

export interface TeamsUserExchange {
  token: string;
  appId: string;
  userId: string;
}

export interface TeamsUserGrant {
  objectId: string;
  aadExpiresOn: Date;
}

/**
 * Checks the Entra ID token a Teams user exchange carries. Its signature is NOT verified: the emulator
 * cannot reach Entra ID. It checks what ACS checks besides: a JWT, not expired, issued to `appId`
 * (the `appid` or `azp` claim) for the user `userId` (the `oid` claim).
 */
export function checkTeamsAadToken(exchange: TeamsUserExchange, now = new Date()): TeamsUserGrant {
  const claims = decodeClaims(exchange.token);
  const nowSeconds = now.getTime() / 1000;
  if (typeof claims.exp !== 'number' || claims.exp <= nowSeconds) {
    throw unauthorized('The Entra ID token has expired or has no expiry.', 'InvalidAccessToken');
  }
  if (typeof claims.nbf === 'number' && claims.nbf > nowSeconds) {
    throw unauthorized('The Entra ID token is not valid yet.', 'InvalidAccessToken');
  }
  const clientId = claims['appid'] ?? claims['azp'];
  if (clientId !== exchange.appId) {
    throw badRequest('appId does not match the appid (or azp) claim of the Entra ID token.', 'InvalidAppId');
  }
  if (claims['oid'] !== exchange.userId) {
    throw badRequest('userId does not match the oid claim of the Entra ID token.', 'InvalidUserId');
  }
  return { objectId: exchange.userId, aadExpiresOn: new Date(claims.exp * 1000) };
}

function decodeClaims(token: string): JWTPayload {
  try {
    return decodeJwt(token);
  } catch {
    throw unauthorized('The Entra ID token is not a JWT.', 'InvalidAccessToken');
  }
}
