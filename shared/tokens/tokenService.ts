import { systemClock, type Clock } from '../time/clock';
import type { AcsIdentityGateway, AcsToken } from '../acs/acsIdentityGateway';
import type { AuditEvent } from '../audit/auditEvent';
import type { AuditLog } from '../audit/auditLog';
import type { Caller } from '../auth/caller';
import type { AcsScope } from '../config/acsScopes';
import type { BudgetHint } from '../budgets/subjectBudget';
import type { Aes256Key } from '../crypto/aes256Key';
import { forbidden, notFound, ServiceError } from '../errors/serviceError';
import { tableKey } from '../storage/tableKey';
import { budgetHintColumn, parseBudgetHint } from './budgetHintColumn';
import { openDefaultToken, sealDefaultToken } from './defaultRowTokens';
import { createOpenedTokens } from './openedTokens';
import type { HitFloodGuard } from './hitFloodGuard';
import type { TokenMetrics } from './tokenMetrics';
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
  takeIssuance: (subjectId: string, hint?: BudgetHint) => Promise<BudgetHint>;
  cache?: TokenCache;
  /** The keys a token cached in the default row is sealed under; absent: that cache is off. */
  defaultRowKeys?: () => Promise<{ key: Aes256Key; acsKey: string }>;
  /** How much lifetime a cached token must have left to be served. */
  minCachedLifetimeMinutes?: number;
  floodGuard?: HitFloodGuard;
  metrics?: TokenMetrics;
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
  const minLifetimeMs = (options.minCachedLifetimeMinutes ?? 30) * 60_000;
  const metrics = options.metrics;
  const opened = createOpenedTokens();

  const usableUntil = (latestExpiryMs: number) => (expiresOnMs: number) =>
    expiresOnMs <= latestExpiryMs && expiresOnMs >= clock().getTime() + minLifetimeMs;

  const issuedEvent = (
    actor: string,
    communicationUserId: string,
    scopes: AcsScope[],
    token: AcsToken,
  ): AuditEvent => ({
    action: 'token.issued',
    actor,
    communicationUserId,
    scopes,
    expiresOn: token.expiresOn.toISOString(),
  });
  const recordIssued = (actor: string, communicationUserId: string, scopes: AcsScope[], token: AcsToken) =>
    audit.record(issuedEvent(actor, communicationUserId, scopes, token));

  const issuedBy = (communicationUserId: string, scopes: AcsScope[], token: AcsToken): IssuedToken => ({
    communicationUserId,
    token: token.token,
    expiresOn: token.expiresOn.toISOString(),
    scopes,
  });

  const spend = async (subjectId: string, hint?: BudgetHint): Promise<BudgetHint> => {
    try {
      return await takeIssuance(subjectId, hint);
    } catch (error) {
      if (error instanceof ServiceError && error.status === 429) metrics?.count('throttled');
      throw error;
    }
  };

  const served = (subjectId: string, communicationUserId: string, scopes: AcsScope[], token: AcsToken) => {
    try {
      options.floodGuard?.take(subjectId);
    } catch (error) {
      metrics?.count('floodRefused');
      throw error;
    }
    metrics?.count('cacheHits');
    return issuedBy(communicationUserId, scopes, token);
  };

  /**
   * Any identity but the caller's default: the identity is resolved and the TokenCache table looked up at
   * once; only a miss spends the budget and reaches ACS; the cache entry and the audit are written together.
   */
  const issue = async (
    actor: string,
    { communicationUserId, scopes, expiresInMinutes }: IdentityTokenRequest & { expiresInMinutes: number },
    allowed: () => Promise<void>,
  ): Promise<IssuedToken> => {
    const latestExpiry = new Date(clock().getTime() + expiresInMinutes * 60_000);
    const [, cached] = await Promise.all([allowed(), cache?.find(communicationUserId, scopes, latestExpiry)]);
    if (cached?.token) return served(actor, communicationUserId, scopes, cached.token);
    metrics?.count('cacheMisses');
    await spend(actor);
    const token = await acs.issueToken(communicationUserId, scopes, expiresInMinutes);
    metrics?.count('acsIssued');
    await Promise.all([cached?.store(token), recordIssued(actor, communicationUserId, scopes, token)]);
    return issuedBy(communicationUserId, scopes, token);
  };

  const defaultRowKeys = async () => {
    try {
      return await options.defaultRowKeys?.();
    } catch {
      // No cache key (the vault is down, say): the request is served as a miss.
      return undefined;
    }
  };

  /*
   * The caller's default identity: the hot path. See defaultRowTokens.ts for how tokens live in the default
   * row. In storage rounds, one after the other:
   *   hit:         the default row (point read), nothing else;
   *   miss:        the default row, then the budget (one conditional write, the row holds its last ETag),
   *                then ACS, then the token merged into the row beside the audit;
   *   first token: the default row, then the claim beside the budget, then ACS (identity and token in one
   *                call), then the created row beside the identity's rows, then the links and ready row
   *                (token sealed in) beside the audit: 5 dependency rounds, not the 4 the speed issue asks
   *                for; identityService.ensureDefault says why each must wait for the one before.
   * In dependency rounds, ACS included: hit 1, miss 4, first token 5 (the bench's trace counts them).
   */
  const issueDefault = async (
    subjectId: string,
    scopes: AcsScope[],
    expiresInMinutes: number,
  ): Promise<IssuedToken> => {
    const latestExpiryMs = clock().getTime() + expiresInMinutes * 60_000;
    const partitionKey = tableKey(subjectId);
    const [known, keys] = await Promise.all([store.readDefault(subjectId), defaultRowKeys()]);
    let row = known;
    if (row?.value.state !== 'ready') {
      let budgetHint: BudgetHint | undefined;
      const created = await identities.ensureDefault(
        subjectId,
        {
          scopes,
          expiresInMinutes,
          takeBudget: async () => {
            try {
              budgetHint = await spend(subjectId, 'absent');
            } catch (error) {
              // Refused: the request ends here, a miss the budget stopped.
              metrics?.count('cacheMisses');
              throw error;
            }
          },
          seal: (ready, token) => ({
            ...(keys
              ? sealDefaultToken(
                  { partitionKey, row: ready, acsKey: keys.acsKey },
                  scopes,
                  keys.key,
                  token,
                  clock().getTime(),
                )
              : {}),
            ...(budgetHint ? { [budgetHintColumn]: JSON.stringify(budgetHint) } : {}),
          }),
          issuedEvent: (communicationUserId, token) =>
            issuedEvent(subjectId, communicationUserId, scopes, token),
        },
        row ?? null,
      );
      // A request that lost the creation claim to another goes on below: it is counted there, hit or miss,
      // and only there.
      if (created.issued) {
        metrics?.count('cacheMisses');
        metrics?.count('acsIssued');
        return issuedBy(created.communicationUserId, scopes, created.issued);
      }
      row = created.row;
    }
    const ready = row.value;
    const communicationUserId = ready.communicationUserId;
    if (!communicationUserId) throw new Error('A ready default identity must have an id.');
    const context = keys && { partitionKey, row: ready, acsKey: keys.acsKey };
    const cached =
      context && openDefaultToken(context, scopes, keys.key, usableUntil(latestExpiryMs), opened);
    if (cached) return served(subjectId, communicationUserId, scopes, cached);

    metrics?.count('cacheMisses');
    const hint = await spend(subjectId, parseBudgetHint(ready.cache?.[budgetHintColumn]));
    const token = await acs.issueToken(communicationUserId, scopes, expiresInMinutes);
    metrics?.count('acsIssued');
    const columns = {
      ...(context ? sealDefaultToken(context, scopes, keys.key, token, clock().getTime()) : {}),
      [budgetHintColumn]: JSON.stringify(hint),
    };
    await Promise.all([
      // Conditioned on the row as read before ACS was asked: a revocation since makes it a no-op.
      store.mergeDefaultCache(subjectId, columns, row.etag).catch(() => false),
      recordIssued(subjectId, communicationUserId, scopes, token),
    ]);
    return issuedBy(communicationUserId, scopes, token);
  };

  /**
   * `ownSubjectId`: the caller's own default identity is being revoked, and its default row is reset directly
   * too: during the caller's first token the row already names the identity while its reverse link (how
   * invalidate finds rows otherwise) may not exist yet, and the creation's last step would seal the first,
   * revoked, token into the ready row.
   */
  const revoke = async (actor: string, communicationUserId: string, ownSubjectId?: string) => {
    // Before: nothing cached is served while ACS revokes. After: a token being issued meanwhile and
    // cached later must not outlive the revoke. Either failing fails the revoke (the client retries).
    await cache?.invalidate(communicationUserId, ownSubjectId);
    await acs.revokeTokens(communicationUserId);
    await cache?.invalidate(communicationUserId, ownSubjectId);
    await audit.record({ action: 'token.revoked', actor, communicationUserId });
  };

  /** A service identity's tokens serve every subject linked to it: only an admin revokes them. */
  const assertNotService = async (communicationUserId: string) => {
    if ((await store.readMeta(communicationUserId))?.kind === 'service') {
      throw forbidden(
        'A service identity’s tokens are revoked by an admin (POST /api/manage/identities/{id}/revoke).',
        { code: 'ServiceIdentityRevoke' },
      );
    }
  };

  const assertIdentityExists = async (communicationUserId: string) => {
    if (!(await store.readMeta(communicationUserId)))
      throw notFound('No such identity.', { code: 'IdentityNotFound' });
  };

  return {
    async issueForCaller(caller, request) {
      const scopes = request.scopes ?? options.defaultScopes;
      assertScopesAllowed(scopes, options.userAllowedScopes);
      const expiresInMinutes = request.expiresInMinutes ?? defaultExpiresInMinutes;
      const { communicationUserId } = request;
      if (!communicationUserId) return issueDefault(caller.subjectId, scopes, expiresInMinutes);
      return issue(caller.subjectId, { communicationUserId, scopes, expiresInMinutes }, () =>
        identities.assertLinked(caller.subjectId, communicationUserId),
      );
    },

    async issueForJoin(caller, { communicationUserId, scopes, expiresInMinutes }) {
      const request = {
        communicationUserId,
        scopes,
        expiresInMinutes: expiresInMinutes ?? defaultExpiresInMinutes,
      };
      // The call service decided who may join before asking.
      return issue(caller.subjectId, request, async () => undefined);
    },

    async revokeForCaller(caller, communicationUserId) {
      if (communicationUserId) {
        await identities.assertLinked(caller.subjectId, communicationUserId);
        await assertNotService(communicationUserId);
        return revoke(caller.subjectId, communicationUserId);
      }
      // No default identity yet means no token was ever handed out: there is nothing to revoke. (A first
      // token still pending in ACS was never seen by anyone: it counts as issued after this revoke.)
      const current = await store.readDefault(caller.subjectId);
      const own = current?.value.communicationUserId;
      if (!own) return;
      // A default that is a service identity (promoted before promotions skipped them) is left to admins.
      await assertNotService(own);
      await revoke(caller.subjectId, own, caller.subjectId);
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
      await spend(caller.subjectId);
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
      const request = {
        communicationUserId,
        scopes,
        expiresInMinutes: expiresInMinutes ?? defaultExpiresInMinutes,
      };
      return issue(admin.subjectId, request, () => assertIdentityExists(communicationUserId));
    },

    async revokeForIdentity(admin, communicationUserId) {
      await assertIdentityExists(communicationUserId);
      await revoke(admin.subjectId, communicationUserId);
    },
  };
}
