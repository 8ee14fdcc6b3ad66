import { systemClock, type Clock } from '../time/clock';
import type { AcsIdentityGateway, AcsToken } from '../acs/acsIdentityGateway';
import type { AuditLog } from '../audit/auditLog';
import type { Caller } from '../auth/caller';
import type { AcsScope } from '../config/acsScopes';
import { notFound } from '../errors/serviceError';
import type { IdentityService } from '../identity/identityService';
import type { IdentityStore } from '../identity/identityStore';
import type { IssuedToken } from './issuedToken';
import { assertScopesAllowed, defaultExpiresInMinutes } from './scopePolicy';
import type { TokenCache } from './tokenCache';

export interface TokenServiceOptions {
  acs: AcsIdentityGateway;
  identities: IdentityService;
  store: IdentityStore;
  audit: AuditLog;
  /** Counts one token issued by ACS against the subject's budget; throws 429 when it is spent. */
  takeIssuance: (subjectId: string) => Promise<void>;
  cache?: TokenCache;
  defaultScopes: AcsScope[];
  userAllowedScopes: AcsScope[];
  adminAllowedScopes: AcsScope[];
  teamsAppId?: string;
  clock?: Clock;
}

export interface TokenRequest {
  scopes?: AcsScope[] | undefined;
  expiresInMinutes?: number | undefined;
  communicationUserId?: string | undefined;
}

/** A token for one named identity, with the scopes decided by the caller of the service. */
export interface IdentityTokenRequest {
  communicationUserId: string;
  scopes: AcsScope[];
  expiresInMinutes?: number | undefined;
}

export interface TokenService {
  /** `POST /api/token`: the caller's own (default or linked) identity, user allow-list. */
  issueForCaller(caller: Caller, request: TokenRequest): Promise<IssuedToken>;
  /**
   * A token the service decides the scopes of (joining a call): rate limited and audited like any
   * other, but not bound by the user allow-list.
   */
  issueForJoin(caller: Caller, request: IdentityTokenRequest): Promise<IssuedToken>;
  revokeForCaller(caller: Caller, communicationUserId?: string | undefined): Promise<void>;
  exchangeTeamsToken(
    caller: Caller,
    teamsUserAadToken: string,
  ): Promise<{ token: string; expiresOn: string }>;
  issueForIdentity(admin: Caller, request: IdentityTokenRequest): Promise<IssuedToken>;
  revokeForIdentity(admin: Caller, communicationUserId: string): Promise<void>;
}

export function createTokenService(options: TokenServiceOptions): TokenService {
  const { acs, identities, store, audit, takeIssuance, cache } = options;
  const clock = options.clock ?? systemClock;

  /**
   * Issues a token. The rate-limit unit is taken while the identity is resolved and the cache is
   * looked up (they touch different rows), and the cache entry and audit entry are written together:
   * each wait on storage in series is a round trip the client sees.
   */
  const issue = async (
    actor: string,
    identity: () => Promise<string>,
    scopes: AcsScope[],
    expiresInMinutes: number,
  ): Promise<IssuedToken> => {
    const latestExpiry = new Date(clock().getTime() + expiresInMinutes * 60_000);
    const lookup = async () => {
      const communicationUserId = await identity();
      return { communicationUserId, cached: await cache?.find(communicationUserId, scopes, latestExpiry) };
    };
    const [{ communicationUserId, cached }] = await Promise.all([lookup(), takeIssuance(actor)]);
    const token: AcsToken =
      cached?.token ?? (await acs.issueToken(communicationUserId, scopes, expiresInMinutes));
    const expiresOn = token.expiresOn.toISOString();
    await Promise.all([
      cached && !cached.token ? cached.store(token) : undefined,
      audit.record({ action: 'token.issued', actor, communicationUserId, scopes, expiresOn }),
    ]);
    return { communicationUserId, token: token.token, expiresOn, scopes };
  };

  const revoke = async (actor: string, communicationUserId: string) => {
    // Before: nothing cached is served while ACS revokes. After: a token being issued meanwhile and
    // cached later must not outlive the revoke. Either failing fails the revoke (the client retries).
    await cache?.invalidate(communicationUserId);
    await acs.revokeTokens(communicationUserId);
    await cache?.invalidate(communicationUserId);
    await audit.record({ action: 'token.revoked', actor, communicationUserId });
  };

  const assertIdentityExists = async (communicationUserId: string) => {
    if (!(await store.readMeta(communicationUserId)))
      throw notFound('No such identity.', { code: 'IdentityNotFound' });
  };

  return {
    async issueForCaller(caller, request) {
      const scopes = request.scopes ?? options.defaultScopes;
      assertScopesAllowed(scopes, options.userAllowedScopes);
      const { communicationUserId } = request;
      const identity = communicationUserId
        ? async () => {
            await identities.assertLinked(caller.subjectId, communicationUserId);
            return communicationUserId;
          }
        : () => identities.defaultIdentity(caller.subjectId);
      return issue(caller.subjectId, identity, scopes, request.expiresInMinutes ?? defaultExpiresInMinutes);
    },

    async issueForJoin(caller, { communicationUserId, scopes, expiresInMinutes }) {
      return issue(
        caller.subjectId,
        async () => communicationUserId,
        scopes,
        expiresInMinutes ?? defaultExpiresInMinutes,
      );
    },

    async revokeForCaller(caller, communicationUserId) {
      if (communicationUserId) {
        await identities.assertLinked(caller.subjectId, communicationUserId);
        return revoke(caller.subjectId, communicationUserId);
      }
      // No default identity yet means no token was ever issued: there is nothing to revoke.
      const current = await store.readDefault(caller.subjectId);
      if (current?.value.communicationUserId)
        await revoke(caller.subjectId, current.value.communicationUserId);
    },

    async exchangeTeamsToken(caller, teamsUserAadToken) {
      if (!options.teamsAppId) {
        throw notFound('The Teams user token exchange is not configured (TEAMS_APP_ID).', {
          code: 'TeamsExchangeNotConfigured',
        });
      }
      const objectId = caller.objectId;
      if (!objectId) {
        throw notFound('The caller has no Entra object id (oid claim) to exchange a Teams token for.', {
          code: 'NoObjectId',
        });
      }
      await takeIssuance(caller.subjectId);
      const token = await acs.exchangeTeamsToken(teamsUserAadToken, options.teamsAppId, objectId);
      const expiresOn = token.expiresOn.toISOString();
      await audit.record({
        action: 'token.teamsExchanged',
        actor: caller.subjectId,
        subjectId: caller.subjectId,
        expiresOn,
      });
      return { token: token.token, expiresOn };
    },

    async issueForIdentity(admin, { communicationUserId, scopes, expiresInMinutes }) {
      assertScopesAllowed(scopes, options.adminAllowedScopes);
      const identity = async () => {
        await assertIdentityExists(communicationUserId);
        return communicationUserId;
      };
      return issue(admin.subjectId, identity, scopes, expiresInMinutes ?? defaultExpiresInMinutes);
    },

    async revokeForIdentity(admin, communicationUserId) {
      await assertIdentityExists(communicationUserId);
      await revoke(admin.subjectId, communicationUserId);
    },
  };
}
