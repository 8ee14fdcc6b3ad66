import type { TokenCredential } from '@azure/core-auth';
import { createAcsClientFactory } from '../acs/acsClientFactory';
import { createAcsIdentityGateway } from '../acs/acsIdentityGateway';
import { createAcsRoomsGateway } from '../acs/acsRoomsGateway';
import { createAuditLog } from '../audit/auditLog';
import { createCallerBudgets } from '../budgets/callerBudgets';
import { createSubjectBudget } from '../budgets/subjectBudget';
import { createBearerTokenVerifier } from '../auth/bearerTokenVerifier';
import { createCallIndex } from '../calls/callIndex';
import { createCallService } from '../calls/callService';
import { createCallStore } from '../calls/callStore';
import { subjectIdentitiesFrom } from '../calls/subjectIdentities';
import type { AppConfig } from '../config/appConfig';
import { createContactService } from '../contacts/contactService';
import { createContactStore } from '../contacts/contactStore';
import { createSubjectErasure } from '../erasure/subjectErasure';
import { createGraphOnlineMeetings } from '../graph/graphOnlineMeetings';
import { cachedProbe } from '../health/cachedProbe';
import { checkHealth } from '../health/healthCheck';
import { createIdentityService } from '../identity/identityService';
import { createIdentityStore } from '../identity/identityStore';
import type { RetryPolicy } from '../retry/retryPolicy';
import { createKeyVaultSecretClient } from '../secrets/keyVaultSecretClient';
import { keyVaultSecretProvider } from '../secrets/keyVaultSecretProvider';
import type { SecretProvider } from '../secrets/secretProvider';
import { asStorageUnavailable, isNotFound } from '../storage/storageFailure';
import { createTableClients, ensureTables } from '../storage/tableClients';
import { systemClock } from '../time/clock';
import { realSleep } from '../time/sleep';
import { createTableTokenCache } from '../tokens/tableTokenCache';
import { tokenCacheKeyLoader } from '../tokens/tokenCacheKeyLoader';
import { createTokenService } from '../tokens/tokenService';
import type { AppDependencies, AppServices } from './appServices';
import { createDefaultAzureCredential } from './defaultAzureCredential';

/** The composition root, the only one: wires the real clients for the given configuration. */
export function createAppServices(config: AppConfig, dependencies: AppDependencies = {}): AppServices {
  const clock = dependencies.clock ?? systemClock;
  const sleep = dependencies.sleep ?? realSleep;
  // Created only when something needs Entra ID, so local runs never wait on an IMDS probe.
  let credential: TokenCredential | undefined = dependencies.credential;
  const lazyCredential = (): TokenCredential => (credential ??= createDefaultAzureCredential());
  const needsCredential =
    config.tables.connection.kind === 'entra' ||
    config.acs.connection.kind === 'entra' ||
    config.keyVault !== undefined;

  const secrets: SecretProvider | undefined =
    dependencies.secrets ??
    (config.keyVault
      ? keyVaultSecretProvider({
          client: createKeyVaultSecretClient(config.keyVault.url, lazyCredential()),
          ttlMs: config.keyVault.secretTtlSeconds * 1000,
          clock,
        })
      : undefined);

  const tables = createTableClients({
    connection: config.tables.connection,
    namePrefix: config.tables.namePrefix,
    ...(needsCredential ? { credential: lazyCredential() } : {}),
  });
  const retry: RetryPolicy = {
    maxRetries: config.acs.maxRetries,
    maxDelayMs: config.acs.maxRetryDelayMs,
    sleep,
  };
  const acsClients = createAcsClientFactory({
    connection: config.acs.connection,
    secrets,
    credential: config.acs.connection.kind === 'entra' ? lazyCredential() : undefined,
  });
  const acs = createAcsIdentityGateway(acsClients, retry);
  // Wired even without a cache key: revocations are then still recorded, so that turning the cache
  // on again later cannot serve a token revoked while it was off.
  const tokenCache = createTableTokenCache({
    table: tables.TokenCache,
    key: tokenCacheKeyLoader(config.tokens.cacheKey, secrets, { clock }),
    acsKeys: acsClients,
    minLifetimeMinutes: config.tokens.cacheMinLifetimeMinutes,
    clock,
  });
  const audit = createAuditLog(tables.Audit, clock);
  const budgets = createCallerBudgets(createSubjectBudget({ table: tables.RateLimits, clock, sleep }), {
    tokensPerMinute: config.tokens.rateLimitPerMinute,
    ...config.budgets,
  });
  const identityStore = createIdentityStore(tables);
  const identities = createIdentityService({
    store: identityStore,
    acs,
    audit,
    capPerSubject: config.identities.capPerSubject,
    forgetTokens: (communicationUserId) => tokenCache.invalidate(communicationUserId),
    clock,
    sleep,
  });
  const tokens = createTokenService({
    acs,
    identities,
    store: identityStore,
    audit,
    cache: tokenCache,
    takeIssuance: (subjectId) => budgets.takeTokenIssuance(subjectId),
    defaultScopes: config.tokens.defaultScopes,
    userAllowedScopes: config.tokens.userAllowedScopes,
    adminAllowedScopes: config.tokens.adminAllowedScopes,
    ...(config.acs.teamsAppId ? { teamsAppId: config.acs.teamsAppId } : {}),
    clock,
  });
  const onlineMeetings = config.graph
    ? createGraphOnlineMeetings({
        ...config.graph,
        retry,
        clock,
        // Asked for only when a meeting is created, so that nothing waits on it otherwise.
        credential: { getToken: (scopes, options) => lazyCredential().getToken(scopes, options) },
        fetch: dependencies.fetch,
      })
    : undefined;
  const calls = createCallService({
    store: createCallStore(tables.Calls),
    index: createCallIndex(tables.CallIndex),
    rooms: createAcsRoomsGateway(acsClients, retry),
    ...(onlineMeetings ? { onlineMeetings } : {}),
    identities,
    subjectIdentities: subjectIdentitiesFrom(identityStore),
    tokens,
    limits: config.calls,
    clock,
    sleep,
  });
  // Contacts show a subject's default identity only once it exists: looking it up never creates one.
  const joiningIdentities = subjectIdentitiesFrom(identityStore);
  const contacts = createContactService({
    store: createContactStore(tables.Contacts),
    audit,
    defaultIdentityOf: (subjectId) => joiningIdentities.joiningIdentity(subjectId),
    maxPending: config.contacts.maxPending,
    clock,
    sleep,
  });
  const verifier = createBearerTokenVerifier({ ...config.auth, fetch: dependencies.fetch, clock });

  // Cached: health is anonymous, and must not become a way to make us call the IdP or Graph.
  const identityProviderProbe = cachedProbe(() => verifier.probe(), 30_000, clock);
  const graphProbe = onlineMeetings && cachedProbe(() => onlineMeetings.probe(), 300_000, clock);

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
    tokens,
    calls,
    contacts,
    erasure: createSubjectErasure({ calls, identities, contacts }),
    audit,
    budgets,
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
        identityProvider: identityProviderProbe,
        ...(graphProbe ? { graph: graphProbe } : {}),
        secrets: async () => {
          if (
            config.acs.connection.kind === 'connectionString' &&
            config.acs.connection.source === 'keyVault' &&
            secrets
          ) {
            await secrets.get(config.acs.connection.secretName);
            return 'up';
          }
          return 'skipped';
        },
      }),
  };
}
