import type { TokenCredential } from '@azure/core-auth';
import { createAcsClientFactory } from '../acs/acsClientFactory';
import { createAcsIdentityGateway } from '../acs/acsIdentityGateway';
import { createAcsRoomsGateway } from '../acs/acsRoomsGateway';
import { createAuditLog } from '../audit/auditLog';
import { createCallerBudgets } from '../budgets/callerBudgets';
import { createSubjectBudget } from '../budgets/subjectBudget';
import { createAcsCallAutomationGateway } from '../acs/acsCallAutomationGateway';
import { createBearerTokenVerifier } from '../auth/bearerTokenVerifier';
import { createCallbackTokenVerifier } from '../auth/callbackTokenVerifier';
import { createAutomationStore, type AutomationStore } from '../callAutomation/automationStore';
import { createAutomationWrites } from '../callAutomation/automationWrites';
import { capabilityFlags, type CallAutomation } from '../callAutomation/callAutomation';
import { createCallAutomationService } from '../callAutomation/callAutomationService';
import { createCallbackReceiver } from '../callAutomation/callbackReceiver';
import { createIncomingCallMenus } from '../callAutomation/incomingCallMenus';
import { createIncomingCalls } from '../callAutomation/incomingCalls';
import { createPromptCatalog } from '../callAutomation/promptCatalog';
import { createResultExpiryIndex } from '../callAutomation/resultExpiryIndex';
import { createResultSweep } from '../callAutomation/resultSweep';
import { createCallIndex } from '../calls/callIndex';
import { createCallService } from '../calls/callService';
import { createCallStore } from '../calls/callStore';
import { createCallWriter } from '../calls/callWriter';
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
import { createHitFloodGuard } from '../tokens/hitFloodGuard';
import { createTokenMetrics } from '../tokens/tokenMetrics';
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
    clock,
  };
  const acsClients = createAcsClientFactory({
    connection: config.acs.connection,
    secrets,
    credential: config.acs.connection.kind === 'entra' ? lazyCredential() : undefined,
  });
  const acs = createAcsIdentityGateway(acsClients, retry);
  const identityStore = createIdentityStore(tables);
  // The one data key: the token cache's, and (Call Automation) the sealed results of recognize.
  const dataKey = tokenCacheKeyLoader(config.tokens.cacheKey, secrets, { clock });
  const tokenMetrics = createTokenMetrics(clock());
  // Wired even without a cache key: revocations are then still recorded, so that turning the cache
  // on again later cannot serve a token revoked while it was off.
  const tokenCache = createTableTokenCache({
    table: tables.TokenCache,
    key: dataKey,
    acsKeys: acsClients,
    minLifetimeMinutes: config.tokens.cacheMinLifetimeMinutes,
    defaultRows: identityStore,
    clock,
  });
  const audit = createAuditLog(tables.Audit, clock);
  const budgets = createCallerBudgets(createSubjectBudget({ table: tables.RateLimits, clock, sleep }), {
    tokensPerMinute: config.tokens.rateLimitPerMinute,
    ...config.budgets,
  });
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
    takeIssuance: (subjectId, hint) => budgets.takeTokenIssuance(subjectId, hint),
    ...(dataKey
      ? {
          defaultRowKeys: async () => {
            // In memory (the setting, or Key Vault behind its TTL): no storage round trip.
            const [key, acsKey] = await Promise.all([dataKey(), acsClients.keyFingerprint()]);
            return { key, acsKey };
          },
        }
      : {}),
    minCachedLifetimeMinutes: config.tokens.cacheMinLifetimeMinutes,
    floodGuard: createHitFloodGuard({ perMinute: config.tokens.hitFloodPerMinute, clock }),
    metrics: tokenMetrics,
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
  const callStore = createCallStore(tables.Calls);
  const callIndex = createCallIndex(tables.CallIndex);
  const subjectIdentities = subjectIdentitiesFrom(identityStore);
  const rooms = createAcsRoomsGateway(acsClients, retry);
  const calls = createCallService({
    store: callStore,
    index: callIndex,
    rooms,
    ...(onlineMeetings ? { onlineMeetings } : {}),
    identities,
    subjectIdentities,
    tokens,
    limits: config.calls,
    // Bound late: Call Automation is built on the call store after this.
    endAutomation: async (organizer, callId) => {
      await callAutomation?.service.endCancelledCall(organizer, callId);
    },
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

  // Cached: health is anonymous, and must not become a way to make us call the IdP, spend ACS quota
  // or call Graph.
  const acsProbe = cachedProbe(() => acs.probe(), 30_000, clock);
  const identityProviderProbe = cachedProbe(() => verifier.probe(), 30_000, clock);
  const graphProbe = onlineMeetings && cachedProbe(() => onlineMeetings.probe(), 300_000, clock);
  let callAutomation: CallAutomation | undefined;
  let automationStore: AutomationStore | undefined;
  const automationConfig = config.callAutomation;
  if (automationConfig) {
    if (!dataKey) throw new Error('Call Automation needs the data key (checked by loadConfig).');
    const gateway = createAcsCallAutomationGateway(acsClients, retry);
    const expiry = createResultExpiryIndex(tables.CallResultExpiry);
    const store = createAutomationStore({
      table: tables.CallAutomation,
      index: tables.CallConnectionIndex,
      expiry,
      dataKey,
    });
    automationStore = store;
    const writes = createAutomationWrites(store, sleep);
    const prompts = createPromptCatalog({
      table: tables.Prompts,
      allowedHosts: automationConfig.promptAllowedHosts,
      clock,
    });
    const menus = createIncomingCallMenus({
      table: tables.IncomingCallMenus,
      prompts,
      ownedNumbers: () => gateway.listPhoneNumbers(),
      clock,
    });
    const incomingCalls = createIncomingCalls({
      store,
      writes,
      gateway,
      menus,
      prompts,
      callbackBaseUrl: automationConfig.callbackBaseUrl,
      clock,
    });
    callAutomation = {
      service: createCallAutomationService({
        calls: callStore,
        callWriter: createCallWriter({ store: callStore, index: callIndex, clock, sleep }),
        store,
        writes,
        gateway,
        rooms,
        prompts,
        subjectIdentities,
        subjectsOf: (communicationUserId) => identityStore.subjectsOf(communicationUserId, 20),
        takePstnCall: (caller) => budgets.take(caller, 'pstn'),
        pstnRole: config.roles.pstn,
        callbackBaseUrl: automationConfig.callbackBaseUrl,
        clock,
      }),
      callbackTokens: createCallbackTokenVerifier({
        issuer: automationConfig.callbackIssuer,
        audience: automationConfig.callbackAudience,
        jwksUrl: automationConfig.callbackJwksUrl,
        clockSkewSeconds: config.auth.clockSkewSeconds,
        clock,
      }),
      callbacks: createCallbackReceiver({
        store,
        writes,
        resultTtlMs: automationConfig.resultTtlHours * 60 * 60 * 1000,
        react: (connection, event) => incomingCalls.react(connection, event),
        clock,
      }),
      incomingCalls,
      prompts,
      menus,
      results: createResultSweep({ index: expiry, store, clock }),
      async phoneNumbers() {
        const [numbers, withMenus] = await Promise.all([gateway.listPhoneNumbers(), menus.list()]);
        const configured = new Set(withMenus.map((menu) => menu.phoneNumber));
        return numbers.map((number) => ({
          phoneNumber: number.phoneNumber,
          countryCode: number.countryCode,
          phoneNumberType: number.phoneNumberType,
          calling: capabilityFlags(number.calling),
          sms: capabilityFlags(number.sms),
          hasMenu: configured.has(number.phoneNumber),
        }));
      },
    };
  }

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
    callAutomation,
    contacts,
    erasure: createSubjectErasure({ calls, identities, contacts, callAutomation: automationStore }),
    audit,
    budgets,
    tokenMetrics,
    ready,
    health: () =>
      checkHealth({
        required: {
          storage: async () => {
            try {
              await tables.Subjects.getEntity('health', 'probe');
            } catch (error) {
              if (!isNotFound(error)) throw error;
            }
          },
          acs: acsProbe,
          identityProvider: identityProviderProbe,
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
        },
        optional: graphProbe ? { graph: graphProbe } : {},
      }),
  };
}
