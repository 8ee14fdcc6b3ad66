import type { TokenCredential } from '@azure/core-auth';
import { createAcsClientFactory } from '../acs/acsClientFactory';
import { createAcsIdentityGateway } from '../acs/acsIdentityGateway';
import { createAuditLog } from '../audit/auditLog';
import { composeCallService } from '../calls/composeCallService';
import { createBearerTokenVerifier } from '../auth/bearerTokenVerifier';
import type { AppConfig } from '../config/appConfig';
import { checkHealth } from '../health/healthCheck';
import { createIdentityService } from '../identity/identityService';
import { createIdentityStore } from '../identity/identityStore';
import { environmentSecretProvider } from '../secrets/environmentSecretProvider';
import { createKeyVaultSecretClient } from '../secrets/keyVaultSecretClient';
import { keyVaultSecretProvider } from '../secrets/keyVaultSecretProvider';
import type { SecretProvider } from '../secrets/secretProvider';
import { asStorageUnavailable, isNotFound } from '../storage/storageFailure';
import { createTableClients, ensureTables } from '../storage/tableClients';
import { createTableTokenCache } from '../tokens/tableTokenCache';
import { tokenCacheKeyLoader } from '../tokens/tokenCacheKeyLoader';
import { createTokenRateLimiter } from '../tokens/tokenRateLimiter';
import { createTokenService } from '../tokens/tokenService';
import type { AppDependencies, AppServices } from './appServices';
import { createDefaultAzureCredential } from './defaultAzureCredential';

/** The composition root: wires the real clients for the given configuration. */
export function createAppServices(config: AppConfig, dependencies: AppDependencies = {}): AppServices {
  const clock = dependencies.clock ?? (() => new Date());
  // Created only when something needs Entra ID, so local runs never wait on an IMDS probe.
  let credential: TokenCredential | undefined = dependencies.credential;
  const lazyCredential = (): TokenCredential => (credential ??= createDefaultAzureCredential());
  const needsCredential =
    config.tables.connection.kind === 'entra' ||
    config.acs.connection.kind === 'entra' ||
    config.keyVault !== undefined;

  const secrets: SecretProvider =
    dependencies.secrets ??
    (config.keyVault
      ? keyVaultSecretProvider({
          client: createKeyVaultSecretClient(config.keyVault.url, lazyCredential()),
          ttlMs: config.keyVault.secretTtlSeconds * 1000,
        })
      : environmentSecretProvider({}));

  const tables = createTableClients({
    connection: config.tables.connection,
    namePrefix: config.tables.namePrefix,
    ...(needsCredential ? { credential: lazyCredential() } : {}),
  });
  const acsClients = createAcsClientFactory(
    config.acs.connection,
    secrets,
    config.acs.connection.kind === 'entra' ? lazyCredential() : undefined,
  );
  const acs = createAcsIdentityGateway(acsClients, {
    maxRetries: config.acs.maxRetries,
    maxRetryDelayMs: config.acs.maxRetryDelayMs,
  });
  // Wired even without a cache key: revocations are then still recorded, so that turning the cache
  // on again later cannot serve a token revoked while it was off.
  const tokenCache = createTableTokenCache({
    table: tables.TokenCache,
    key: tokenCacheKeyLoader(config.tokens.cacheKey, secrets),
    acsKeyFingerprint: async () => (await acsClients.clients()).keyFingerprint,
    minLifetimeMinutes: config.tokens.cacheMinLifetimeMinutes,
    clock,
  });
  const audit = createAuditLog(tables.Audit, clock);
  const identityStore = createIdentityStore(tables);
  const identities = createIdentityService({
    store: identityStore,
    acs,
    audit,
    capPerSubject: config.identities.capPerSubject,
    tokenCache,
    clock,
  });
  const tokens = createTokenService({
    acs,
    identities,
    store: identityStore,
    audit,
    cache: tokenCache,
    rateLimiter: createTokenRateLimiter({
      table: tables.RateLimits,
      perMinute: config.tokens.rateLimitPerMinute,
      clock,
    }),
    defaultScopes: config.tokens.defaultScopes,
    userAllowedScopes: config.tokens.userAllowedScopes,
    adminAllowedScopes: config.tokens.adminAllowedScopes,
    ...(config.acs.teamsAppId ? { teamsAppId: config.acs.teamsAppId } : {}),
    clock,
  });
  const calls = composeCallService({
    config,
    tables,
    acsClients,
    identities,
    identityStore,
    tokens,
    graphCredential: lazyCredential,
    ...(dependencies.fetch ? { fetch: dependencies.fetch } : {}),
    clock,
  });
  const verifier = createBearerTokenVerifier({
    ...config.auth,
    ...(dependencies.fetch ? { fetch: dependencies.fetch } : {}),
  });

  let tablesReady: Promise<void> | undefined;
  const ready = () => {
    if (!tablesReady) {
      const attempt = ensureTables(tables).catch((error: unknown) => {
        throw asStorageUnavailable(error);
      });
      tablesReady = attempt;
      attempt.catch(() => {
        if (tablesReady === attempt) tablesReady = undefined;
      });
    }
    return tablesReady;
  };

  return {
    config,
    verifier,
    identities,
    identityStore,
    tokens,
    calls,
    audit,
    tables,
    ready,
    health: () =>
      checkHealth({
        storage: async () => {
          try {
            await tables.Subjects.getEntity('health', 'probe');
          } catch (error) {
            if (!isNotFound(error)) throw error;
          }
        },
        acs: () => acs.probe(),
        secrets: async () => {
          if (
            config.acs.connection.kind === 'connectionString' &&
            config.acs.connection.source === 'keyVault'
          ) {
            await secrets.get(config.acs.connection.secretName);
            return 'up';
          }
          return 'skipped';
        },
      }),
  };
}
