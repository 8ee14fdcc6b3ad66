import type { AcsToken } from '../acs/acsIdentityGateway';
import type { AcsScope } from '../config/acsScopes';

/**
 * What one lookup found. On a miss, `store` caches the token issued next under what the lookup saw
 * (the ACS key in use, the identity's revocations), so that a token issued with an older key, or
 * revoked while it was being issued, is never cached as current.
 */
export interface TokenCacheLookup {
  token?: AcsToken;
  /** Never throws: a token that cannot be cached is simply issued again next time. */
  store(token: AcsToken): Promise<void>;
}

/**
 * Reuses ACS tokens, so that a client asking again soon does not cost an ACS call. An entry is
 * served only while it has enough lifetime left and never outlives what the request asked for.
 */
export interface TokenCache {
  /** Never throws: a cache that cannot be read is a miss. */
  find(communicationUserId: string, scopes: AcsScope[], latestExpiry: Date): Promise<TokenCacheLookup>;
  /**
   * After revoke, delete or erase: nothing cached for the identity may be served again. Throws when it cannot
   * make sure of that. `subjectId`: that subject's default row too, found directly rather than through the
   * identity's reverse links (which a first token writes beside the row that names the identity, not before).
   */
  invalidate(communicationUserId: string, subjectId?: string): Promise<void>;
}
