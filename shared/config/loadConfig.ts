import { appSettingsSchema, type AppSettings } from './appSettingsSchema';
import type {
  AcsConnection,
  AppConfig,
  CallAutomationConfig,
  TablesConnection,
  TokenCacheKeySource,
  WebAppConfig,
  WebAppSignIn,
} from './appConfig';
import { isLoopbackHttpUrl } from '../net/isLoopbackHttpUrl';
import { ConfigError } from './configError';

type Environment = Record<string, string | undefined>;

/** Reads and validates every setting once; throws a ConfigError naming each missing or bad one. */
export function loadConfig(env: Environment): AppConfig {
  // Empty strings are how app settings are often "unset"; treat them as absent so defaults apply.
  const present = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value !== ''),
  );
  const parsed = appSettingsSchema.safeParse(present);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => ({
      setting: String(issue.path[0] ?? '(settings)'),
      message: issue.message,
    }));
    // Name the missing connections too, so one round of fixes is enough.
    const missing: Problem[] = [];
    acsConnection(present as Partial<AppSettings>, missing);
    tablesConnection(present as Partial<AppSettings>, missing);
    throw new ConfigError([
      ...problems,
      ...missing.filter((problem) => !problems.some((p) => p.setting === problem.setting)),
    ]);
  }
  return toAppConfig(parsed.data);
}

type Problem = { setting: string; message: string };

function toAppConfig(settings: AppSettings): AppConfig {
  const problems: Problem[] = [];
  const acs = acsConnection(settings, problems);
  const tables = tablesConnection(settings, problems);
  const callAutomation = callAutomationConfig(settings, problems);
  if (problems.length > 0 || !acs || !tables) throw new ConfigError(problems);
  return {
    auth: {
      issuer: settings.AUTH_ISSUER,
      audience: settings.AUTH_AUDIENCE,
      subjectClaim: settings.AUTH_SUBJECT_CLAIM,
      rolesClaim: settings.AUTH_ROLES_CLAIM,
      adminRole: settings.AUTH_ADMIN_ROLE,
      algorithms: settings.AUTH_ALGORITHMS,
      clockSkewSeconds: settings.AUTH_CLOCK_SKEW_SECONDS,
    },
    acs: {
      connection: acs,
      maxRetries: settings.ACS_MAX_RETRIES,
      maxRetryDelayMs: settings.ACS_MAX_RETRY_DELAY_MS,
      ...(settings.TEAMS_APP_ID ? { teamsAppId: settings.TEAMS_APP_ID } : {}),
    },
    tables: { connection: tables, namePrefix: settings.TABLE_NAME_PREFIX },
    ...(settings.KEY_VAULT_URL
      ? { keyVault: { url: settings.KEY_VAULT_URL, secretTtlSeconds: settings.SECRET_CACHE_TTL_SECONDS } }
      : {}),
    tokens: {
      defaultScopes: settings.TOKEN_DEFAULT_SCOPES,
      userAllowedScopes: settings.TOKEN_USER_ALLOWED_SCOPES,
      adminAllowedScopes: settings.TOKEN_ADMIN_ALLOWED_SCOPES,
      rateLimitPerMinute: settings.TOKEN_RATE_LIMIT_PER_MINUTE,
      cacheKey: tokenCacheKey(settings),
      cacheMinLifetimeMinutes: settings.TOKEN_CACHE_MIN_LIFETIME_MINUTES,
      hitFloodPerMinute: settings.TOKEN_HIT_FLOOD_PER_MINUTE,
    },
    identities: { capPerSubject: settings.IDENTITY_CAP_PER_SUBJECT },
    contacts: { maxPending: settings.CONTACTS_MAX_PENDING },
    budgets: {
      acsPerMinute: settings.SUBJECT_ACS_BUDGET_PER_MINUTE,
      adminAcsPerMinute: settings.ADMIN_ACS_BUDGET_PER_MINUTE,
      incomingCallsPerMinute: settings.INCOMING_CALL_BUDGET_PER_MINUTE,
      pstnPerHour: settings.PSTN_CALLS_PER_HOUR,
    },
    calls: {
      maxInvitees: settings.CALLS_MAX_INVITEES,
      maxDurationHours: settings.CALLS_MAX_DURATION_HOURS,
      maxDaysAhead: settings.CALLS_MAX_DAYS_AHEAD,
    },
    ...(settings.GRAPH_ORGANIZER_USER_ID
      ? { graph: { baseUrl: settings.GRAPH_BASE_URL, organizerUserId: settings.GRAPH_ORGANIZER_USER_ID } }
      : {}),
    http: {
      maxRequestBodyBytes: settings.MAX_REQUEST_BODY_BYTES,
      corsAllowedOrigins: settings.CORS_ALLOWED_ORIGINS,
      apiExplorerEnabled: settings.API_EXPLORER_ENABLED,
    },
    ...(callAutomation ? { callAutomation } : {}),
    webApp: webAppConfig(settings, acs),
    roles: { pstn: settings.PSTN_ROLE, incomingCall: settings.INCOMING_CALL_ROLE },
  };
}

/**
 * Call Automation is on when ACS has somewhere to post callbacks. It then needs the audience its callback
 * tokens carry (the resource's immutable id: there is no safe default), and a data key: collected DTMF
 * (PINs, card digits) is stored only encrypted, under the same key as the token cache.
 */
function callAutomationConfig(settings: AppSettings, problems: Problem[]): CallAutomationConfig | undefined {
  if (!settings.CALLBACK_BASE_URL) return undefined;
  if (!settings.CALL_AUTOMATION_AUDIENCE) {
    problems.push({
      setting: 'CALL_AUTOMATION_AUDIENCE',
      message: 'is required when CALLBACK_BASE_URL is set',
    });
  }
  if (!settings.TOKEN_CACHE_KEY && !settings.KEY_VAULT_URL) {
    problems.push({
      setting: 'TOKEN_CACHE_KEY',
      message:
        'or KEY_VAULT_URL is required when CALLBACK_BASE_URL is set: collected DTMF is encrypted with that key',
    });
  }
  return {
    callbackBaseUrl: settings.CALLBACK_BASE_URL.replace(/\/+$/, ''),
    callbackIssuer: settings.CALL_AUTOMATION_ISSUER,
    callbackAudience: settings.CALL_AUTOMATION_AUDIENCE ?? '',
    callbackJwksUrl: settings.CALL_AUTOMATION_JWKS_URL,
    promptAllowedHosts: settings.PROMPT_ALLOWED_HOSTS,
    resultTtlHours: settings.CALL_RESULT_TTL_HOURS,
  };
}

function acsConnection(settings: Partial<AppSettings>, problems: Problem[]): AcsConnection | undefined {
  if (settings.ACS_AUTH === 'entra') {
    if (settings.ACS_ENDPOINT) return { kind: 'entra', endpoint: settings.ACS_ENDPOINT };
    problems.push({ setting: 'ACS_ENDPOINT', message: 'is required when ACS_AUTH=entra' });
    return undefined;
  }
  if (settings.ACS_CONNECTION_STRING) {
    if (
      !/endpoint=[^;]+/i.test(settings.ACS_CONNECTION_STRING) ||
      !/accesskey=[^;]+/i.test(settings.ACS_CONNECTION_STRING)
    ) {
      // The value itself is a secret: never echo it.
      problems.push({
        setting: 'ACS_CONNECTION_STRING',
        message: 'must have the form endpoint=...;accesskey=...',
      });
      return undefined;
    }
    return {
      kind: 'connectionString',
      source: 'environment',
      connectionString: settings.ACS_CONNECTION_STRING,
    };
  }
  if (settings.KEY_VAULT_URL) {
    return {
      kind: 'connectionString',
      source: 'keyVault',
      secretName: settings.KEY_VAULT_ACS_SECRET_NAME ?? 'acs-connection-string',
    };
  }
  problems.push({
    setting: 'ACS_CONNECTION_STRING',
    message: 'is required unless KEY_VAULT_URL is set (or ACS_AUTH=entra with ACS_ENDPOINT)',
  });
  return undefined;
}

function tablesConnection(settings: Partial<AppSettings>, problems: Problem[]): TablesConnection | undefined {
  if (settings.TABLES_CONNECTION_STRING) {
    return { kind: 'connectionString', connectionString: settings.TABLES_CONNECTION_STRING };
  }
  if (settings.TABLES_ENDPOINT) return { kind: 'entra', endpoint: settings.TABLES_ENDPOINT };
  problems.push({ setting: 'TABLES_CONNECTION_STRING', message: 'or TABLES_ENDPOINT is required' });
  return undefined;
}

function tokenCacheKey(settings: AppSettings): TokenCacheKeySource {
  if (settings.TOKEN_CACHE_KEY) return { kind: 'environment', key: settings.TOKEN_CACHE_KEY };
  if (settings.KEY_VAULT_URL)
    return { kind: 'keyVault', secretName: settings.KEY_VAULT_CACHE_KEY_SECRET_NAME };
  return { kind: 'none' };
}

/**
 * The web app signs in with MSAL when an Entra client id is set. Otherwise an issuer on plain http to this
 * machine can only be the local host's dev issuer, whose token route sits beside it on the same origin.
 */
function webAppSignIn(settings: AppSettings): WebAppSignIn {
  if (settings.WEB_APP_CLIENT_ID) {
    return {
      kind: 'entra',
      clientId: settings.WEB_APP_CLIENT_ID,
      authority: settings.WEB_APP_AUTHORITY ?? settings.AUTH_ISSUER.replace(/\/v2\.0\/?$/, ''),
      scopes: settings.WEB_APP_SCOPES ?? [`${settings.AUTH_AUDIENCE}/.default`],
    };
  }
  if (isLoopbackHttpUrl(settings.AUTH_ISSUER)) {
    return { kind: 'dev', tokenPath: `${new URL(settings.AUTH_ISSUER).pathname.replace(/\/+$/, '')}/token` };
  }
  return { kind: 'none' };
}

function webAppConfig(settings: AppSettings, acs: AcsConnection): WebAppConfig {
  const endpoint =
    acs.kind === 'entra'
      ? acs.endpoint
      : acs.source === 'environment'
        ? /endpoint=([^;]+)/i.exec(acs.connectionString)?.[1]
        : undefined;
  return {
    enabled: settings.WEB_APP_ENABLED,
    signIn: webAppSignIn(settings),
    media: endpoint !== undefined && isLoopbackHttpUrl(endpoint) ? 'emulator' : 'acs',
  };
}
