import { createRemoteJWKSet, errors as joseErrors, jwtVerify } from 'jose';
import { dependencyUnavailable, unauthorized } from '../errors/serviceError';
import { systemClock, type Clock } from '../time/clock';
import { bearerToken, isNetworkFailure } from './bearerTokenVerifier';

export interface CallbackTokenVerifierOptions {
  issuer: string;
  /** The ACS resource's immutable resource id. */
  audience: string;
  jwksUrl: string;
  clockSkewSeconds: number;
  /** After a key-set fetch, no refetch (even for an unknown kid) for this long; default 30 s. */
  jwksCooldownMs?: number;
  clock?: Clock | undefined;
}

export interface CallbackTokenVerifier {
  /** Resolves when the header carries a token ACS signed for this resource; else 401 (or 503: keys unreachable). */
  verify(authorizationHeader: string | null | undefined): Promise<void>;
}

/**
 * Verifies the JWT ACS Call Automation puts on each callback, the way bearer tokens are verified
 * (bearerTokenVerifier): jose, a remote JWKS refetched on an unknown `kid`, RS256 only, issuer, audience and
 * expiry. ACS publishes no OIDC discovery for it, so the key set's URL is configured. The token names the
 * resource, not the call: any app on the resource can get one, so the caller must also bind the request to
 * one connection (the URL's binding id and each event's callConnectionId).
 */
export function createCallbackTokenVerifier(options: CallbackTokenVerifierOptions): CallbackTokenVerifier {
  const clock = options.clock ?? systemClock;
  const keys = createRemoteJWKSet(new URL(options.jwksUrl), {
    timeoutDuration: 5_000,
    cooldownDuration: options.jwksCooldownMs ?? 30_000,
  });
  return {
    async verify(authorizationHeader) {
      const token = bearerToken(authorizationHeader);
      try {
        await jwtVerify(token, keys, {
          issuer: options.issuer,
          audience: options.audience,
          algorithms: ['RS256'],
          clockTolerance: options.clockSkewSeconds,
          currentDate: clock(),
          requiredClaims: ['exp'],
        });
      } catch (error) {
        if (error instanceof joseErrors.JWKSTimeout || isNetworkFailure(error)) {
          throw dependencyUnavailable('The Call Automation signing keys cannot be reached.', {
            retryAfterSeconds: 5,
            code: 'CallbackKeysUnavailable',
          });
        }
        throw unauthorized('The callback token is not valid.');
      }
    },
  };
}
