import { createHash } from 'node:crypto';
import { createRemoteJWKSet, errors as joseErrors, jwtVerify, type JWTPayload } from 'jose';
import { z } from 'zod';
import { dependencyUnavailable, unauthorized } from '../errors/serviceError';
import { HealthProbeFailure } from '../health/healthProbeFailure';
import { systemClock, type Clock } from '../time/clock';
import { maxSubjectIdLength, type Caller } from './caller';

export interface BearerTokenVerifierOptions {
  issuer: string;
  audience: string;
  algorithms: string[];
  clockSkewSeconds: number;
  subjectClaim: string;
  rolesClaim: string;
  adminRole: string;
  /** How long discovery is trusted before it is read again. */
  discoveryMaxAgeMs?: number;
  /** After a key-set fetch, no refetch (even for an unknown kid) for this long; default 30 s. */
  jwksCooldownMs?: number;
  fetch?: typeof fetch | undefined;
  clock?: Clock | undefined;
  /** Verified tokens remembered by this instance (0: none); default 10 000. */
  rememberVerified?: number;
}

export interface BearerTokenVerifier {
  /** Resolves to the caller, or rejects with 401 (bad token) or 503 (the issuer cannot be reached). */
  verify(authorizationHeader: string | null | undefined): Promise<Caller>;
  /**
   * Health: discovery answers and the key set can be read (from cache while jose deems it fresh). Throws a
   * HealthProbeFailure naming the step that failed.
   */
  probe(): Promise<void>;
}

const discoverySchema = z.object({ issuer: z.string(), jwks_uri: z.url() });

type KeySet = ReturnType<typeof createRemoteJWKSet>;

/**
 * Verifies bearer JWTs against an OIDC issuer: discovery, then the issuer's JWKS (cached by jose,
 * which refetches on an unknown `kid`, so key rollover needs no restart), issuer, audience,
 * expiry with a small skew, and an algorithm allow-list (so `none` and HS* are never accepted).
 */
export function createBearerTokenVerifier(options: BearerTokenVerifierOptions): BearerTokenVerifier {
  const fetchImpl = options.fetch ?? fetch;
  const discoveryMaxAgeMs = options.discoveryMaxAgeMs ?? 60 * 60 * 1000;
  const clock = options.clock ?? systemClock;
  let keySet: { value: Promise<KeySet>; loadedAt: number } | undefined;
  const remembered = createVerifiedTokens(options.rememberVerified ?? 10_000);

  const discover = async (): Promise<KeySet> => {
    const url = `${options.issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
    const response = await fetchImpl(url, { signal: AbortSignal.timeout(5_000) });
    if (!response.ok) throw new Error(`discovery answered ${response.status}`);
    const document = discoverySchema.parse(await response.json());
    if (document.issuer !== options.issuer) throw new Error('discovery names another issuer');
    return createRemoteJWKSet(new URL(document.jwks_uri), {
      timeoutDuration: 5_000,
      cooldownDuration: options.jwksCooldownMs ?? 30_000,
    });
  };

  const currentKeySet = (): Promise<KeySet> => {
    const now = clock().getTime();
    if (!keySet || now - keySet.loadedAt > discoveryMaxAgeMs) {
      const value = discover();
      const entry = { value, loadedAt: now };
      keySet = entry;
      // A failed discovery must not stick: the next request tries again.
      value.catch(() => {
        if (keySet === entry) keySet = undefined;
      });
    }
    return keySet.value;
  };

  return {
    async probe() {
      let keys: KeySet;
      try {
        keys = await currentKeySet();
      } catch {
        throw new HealthProbeFailure('OIDC discovery failed');
      }
      try {
        if (!keys.fresh) await keys.reload();
      } catch {
        throw new HealthProbeFailure('the JWKS cannot be read');
      }
    },
    async verify(authorizationHeader) {
      const token = bearerToken(authorizationHeader);
      let keys: KeySet;
      try {
        keys = await currentKeySet();
      } catch {
        throw dependencyUnavailable('The identity provider cannot be reached.', {
          retryAfterSeconds: 5,
          code: 'IdentityProviderUnavailable',
        });
      }
      const digest = createHash('sha256').update(token).digest('base64');
      const known = remembered.find(digest, clock().getTime(), keys);
      if (known) return known;
      let payload: JWTPayload;
      let kid: string | undefined;
      try {
        ({
          payload,
          protectedHeader: { kid },
        } = await jwtVerify(token, keys, {
          issuer: options.issuer,
          audience: options.audience,
          algorithms: options.algorithms,
          clockTolerance: options.clockSkewSeconds,
          currentDate: clock(),
          requiredClaims: ['exp', options.subjectClaim],
        }));
      } catch (error) {
        if (error instanceof joseErrors.JWKSTimeout || isNetworkFailure(error)) {
          throw dependencyUnavailable('The identity provider cannot be reached.', {
            retryAfterSeconds: 5,
            code: 'IdentityProviderUnavailable',
          });
        }
        throw unauthorized('The bearer token is not valid.');
      }
      const caller = toCaller(payload, options);
      if (payload.exp !== undefined) remembered.add(digest, { caller, expiresAtMs: payload.exp * 1000, kid });
      return caller;
    },
  };
}

interface VerifiedToken {
  caller: Caller;
  expiresAtMs: number;
  kid: string | undefined;
}

/**
 * Tokens this instance verified, by the SHA-256 of the whole token, until their own expiry: a client that
 * sends the same token again does not pay the signature check twice. A remembered token still needs its key
 * in the key set as last fetched, so a key the issuer withdrew (rollover) ends it at the next refetch.
 */
function createVerifiedTokens(capacity: number) {
  const tokens = new Map<string, VerifiedToken>();
  return {
    find(digest: string, nowMs: number, keys: KeySet): Caller | undefined {
      const entry = tokens.get(digest);
      if (!entry) return undefined;
      const keyKnown = keys.jwks()?.keys.some((key) => key.kid === entry.kid) ?? false;
      if (nowMs >= entry.expiresAtMs || !keyKnown) {
        tokens.delete(digest);
        return undefined;
      }
      return entry.caller;
    },
    add(digest: string, entry: VerifiedToken): void {
      if (capacity === 0 || entry.kid === undefined) return;
      tokens.set(digest, entry);
      // Map order is insertion order: the oldest goes first.
      if (tokens.size > capacity) tokens.delete(tokens.keys().next().value as string);
    },
  };
}

/** The token of an `Authorization: Bearer <jwt>` header, or 401. */
export function bearerToken(header: string | null | undefined): string {
  const match = /^Bearer ([A-Za-z0-9\-_.~+/]+=*)$/i.exec(header?.trim() ?? '');
  if (!match?.[1]) throw unauthorized('A bearer token is required.');
  return match[1];
}

export function isNetworkFailure(error: unknown): boolean {
  return error instanceof TypeError && /fetch failed/i.test(error.message);
}

function toCaller(payload: JWTPayload, options: BearerTokenVerifierOptions): Caller {
  const subjectId = payload[options.subjectClaim];
  if (typeof subjectId !== 'string' || subjectId.length === 0 || subjectId.length > maxSubjectIdLength) {
    throw unauthorized(`The bearer token has no usable '${options.subjectClaim}' claim.`);
  }
  const rolesClaim = payload[options.rolesClaim];
  const roles = Array.isArray(rolesClaim)
    ? rolesClaim.filter((role): role is string => typeof role === 'string')
    : [];
  const objectId = typeof payload.oid === 'string' ? payload.oid : undefined;
  return {
    subjectId,
    roles,
    isAdmin: roles.includes(options.adminRole),
    ...(objectId ? { objectId } : {}),
  };
}
