import type { AcsScope } from './acsScopes';

export type AcsConnection =
  | { kind: 'connectionString'; source: 'environment'; connectionString: string }
  | { kind: 'connectionString'; source: 'keyVault'; secretName: string }
  | { kind: 'entra'; endpoint: string };

export type TablesConnection =
  { kind: 'connectionString'; connectionString: string } | { kind: 'entra'; endpoint: string };

export type TokenCacheKeySource =
  { kind: 'none' } | { kind: 'environment'; key: string } | { kind: 'keyVault'; secretName: string };

/** The validated configuration, shaped for the code that uses it. */
export interface AppConfig {
  auth: {
    issuer: string;
    audience: string;
    subjectClaim: string;
    rolesClaim: string;
    adminRole: string;
    algorithms: string[];
    clockSkewSeconds: number;
  };
  acs: {
    connection: AcsConnection;
    maxRetries: number;
    maxRetryDelayMs: number;
    teamsAppId?: string;
  };
  tables: { connection: TablesConnection; namePrefix: string };
  keyVault?: { url: string; secretTtlSeconds: number };
  tokens: {
    defaultScopes: AcsScope[];
    userAllowedScopes: AcsScope[];
    adminAllowedScopes: AcsScope[];
    rateLimitPerMinute: number;
    cacheKey: TokenCacheKeySource;
    cacheMinLifetimeMinutes: number;
    hitFloodPerMinute: number;
  };
  identities: { capPerSubject: number };
  contacts: { maxPending: number };
  budgets: {
    acsPerMinute: number;
    adminAcsPerMinute: number;
    incomingCallsPerMinute: number;
    pstnPerHour: number;
  };
  calls: { maxInvitees: number; maxDurationHours: number; maxDaysAhead: number };
  /** Present when the service may create Teams meetings itself. */
  graph?: { baseUrl: string; organizerUserId: string };
  http: { maxRequestBodyBytes: number; corsAllowedOrigins: string[]; apiExplorerEnabled: boolean };
  /** Present when Call Automation is on (CALLBACK_BASE_URL set). */
  callAutomation?: CallAutomationConfig;
  webApp: WebAppConfig;
  /** The roles that let a caller spend money or stand in for Event Grid; meaningful with Call Automation. */
  roles: { pstn: string; incomingCall: string };
}

export interface CallAutomationConfig {
  /** Without a trailing slash. */
  callbackBaseUrl: string;
  callbackIssuer: string;
  callbackAudience: string;
  callbackJwksUrl: string;
  promptAllowedHosts: string[];
  resultTtlHours: number;
}

/** How the web app signs its user in: MSAL against Entra, the local dev issuer, or not at all (not set up). */
export type WebAppSignIn =
  | { kind: 'entra'; clientId: string; authority: string; scopes: string[] }
  | { kind: 'dev'; tokenPath: string }
  | { kind: 'none' };

export interface WebAppConfig {
  enabled: boolean;
  signIn: WebAppSignIn;
  /** `emulator`: ACS is the local emulator, which has no media plane, so a browser cannot place a call. */
  media: 'acs' | 'emulator';
}
