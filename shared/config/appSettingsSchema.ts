import { z } from 'zod';
import { isAes256Key } from '../crypto/aes256Key';
import { isLoopbackHttpUrl } from '../net/isLoopbackHttpUrl';
import { acsScopes, type AcsScope } from './acsScopes';
import { acsConnectionStringSchema, tablesConnectionStringSchema } from './connectionStrings';

const scopeList = z.string().transform((value, ctx) => {
  const scopes = value
    .split(',')
    .map((scope) => scope.trim())
    .filter((scope) => scope.length > 0);
  const unknown = scopes.filter((scope) => !(acsScopes as readonly string[]).includes(scope));
  if (scopes.length === 0 || unknown.length > 0) {
    ctx.addIssue({
      code: 'custom',
      message: `must be a comma-separated, non-empty list of ${acsScopes.join(', ')}${
        unknown.length > 0 ? ` (unknown: ${unknown.join(', ')})` : ''
      }`,
    });
    return z.NEVER;
  }
  return [...new Set(scopes)] as AcsScope[];
});

const integer = (min: number, max: number, fallback: number) =>
  z.coerce.number().int().min(min).max(max).default(fallback);

/** A switch as app settings hold it: the text `true` or `false`. */
const onOff = (fallback: 'true' | 'false') =>
  z
    .enum(['true', 'false'])
    .default(fallback)
    .transform((value) => value === 'true');

const httpUrl = z.url({ protocol: /^https?$/ });

/** https, or http to this machine only (the local host and its emulators). */
const httpsUnlessLoopback = httpUrl.refine(
  (value) => value.startsWith('https:') || isLoopbackHttpUrl(value),
  'must be https (http only to localhost / 127.0.0.1)',
);

/** A comma-separated list of DNS host names (no scheme, port or path), lower-cased. */
const hostList = z.string().transform((value, ctx) => {
  const hosts = value
    .split(',')
    .map((host) => host.trim().toLowerCase())
    .filter((host) => host.length > 0);
  const bad = hosts.filter(
    (host) =>
      !/^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/.test(
        host,
      ),
  );
  if (bad.length > 0) {
    ctx.addIssue({ code: 'custom', message: `must be host names only (not: ${bad.join(', ')})` });
    return z.NEVER;
  }
  return [...new Set(hosts)];
});

/** `*`, or a comma-separated list of web origins: scheme, host and port only, as browsers send them. */
const originList = z.string().transform((value, ctx) => {
  const origins = value
    .split(',')
    .map((origin) => origin.trim())
    .filter((origin) => origin.length > 0);
  for (const origin of origins) {
    if (origin === '*') continue;
    const parsed = URL.canParse(origin) ? new URL(origin) : undefined;
    if (!parsed || !/^https?:$/.test(parsed.protocol) || parsed.origin !== origin.replace(/\/$/, '')) {
      ctx.addIssue({
        code: 'custom',
        message: `'${origin}' is not an origin (scheme://host[:port], nothing more)`,
      });
      return z.NEVER;
    }
  }
  return [...new Set(origins.map((origin) => origin.replace(/\/$/, '')))];
});

/**
 * Every app setting the service reads, as Azure Functions app settings (environment variables).
 * Settings without a default are required; infra/ is checked against this schema so that code and
 * deployment cannot drift apart.
 */
export const appSettingsSchema = z.object({
  AUTH_ISSUER: httpUrl.describe(
    "OIDC issuer of the app's users; discovery is read from `<issuer>/.well-known/openid-configuration`.",
  ),
  AUTH_AUDIENCE: z
    .string()
    .min(1)
    .describe(
      "The audience (`aud`) the bearer tokens must carry: the app registration's client id or app id URI.",
    ),
  AUTH_SUBJECT_CLAIM: z
    .string()
    .min(1)
    .default('sub')
    .describe('The claim that identifies the caller: `sub`, or `oid` for Entra ID.'),
  AUTH_ROLES_CLAIM: z.string().min(1).default('roles').describe("The claim that holds the caller's roles."),
  AUTH_ADMIN_ROLE: z.string().min(1).default('admin').describe('The role that makes a caller an admin.'),
  AUTH_ALGORITHMS: z
    .string()
    .default('RS256')
    .transform((value) => value.split(',').map((alg) => alg.trim()))
    .pipe(
      z
        .array(z.enum(['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512']))
        .min(1),
    )
    .describe('Signature algorithms accepted on bearer tokens.'),
  AUTH_CLOCK_SKEW_SECONDS: integer(0, 300, 60).describe('Allowed clock skew when checking `exp` and `nbf`.'),

  ACS_AUTH: z
    .enum(['key', 'entra'])
    .default('key')
    .describe(
      '`key`: ACS is reached with its connection string (from Key Vault or the environment); `entra`: with the managed identity.',
    ),
  ACS_CONNECTION_STRING: acsConnectionStringSchema
    .optional()
    .describe('ACS connection string, when it does not come from Key Vault (local runs).'),
  ACS_ENDPOINT: httpUrl.optional().describe('ACS endpoint, for `ACS_AUTH=entra`.'),
  ACS_MAX_RETRIES: integer(0, 10, 3).describe(
    'Retries of an ACS call that answered 429 or 5xx, before the client gets 503.',
  ),
  ACS_MAX_RETRY_DELAY_MS: integer(0, 60_000, 2_000).describe(
    'Longest single wait between ACS retries, whatever Retry-After says.',
  ),
  TEAMS_APP_ID: z
    .string()
    .min(1)
    .optional()
    .describe('Entra application id used for the Teams user token exchange; the exchange is off without it.'),

  TABLES_CONNECTION_STRING: tablesConnectionStringSchema
    .optional()
    .describe('Table Storage by connection string (local runs, Azurite).'),
  TABLES_ENDPOINT: httpUrl.optional().describe('Table Storage by endpoint and managed identity (Azure).'),
  TABLE_NAME_PREFIX: z
    .string()
    .regex(/^[A-Za-z][A-Za-z0-9]{0,29}$/, 'must be a letter followed by up to 29 letters or digits')
    .default('acs')
    .describe('Prefix of every table name, so several deployments or test runs can share one account.'),

  KEY_VAULT_URL: httpUrl
    .optional()
    .describe(
      'Key Vault holding the ACS connection string and the token-cache key; without it they come from the environment.',
    ),
  KEY_VAULT_ACS_SECRET_NAME: z
    .string()
    .min(1)
    .default('acs-connection-string')
    .describe('Name of the Key Vault secret holding the ACS connection string.'),
  KEY_VAULT_CACHE_KEY_SECRET_NAME: z
    .string()
    .min(1)
    .default('token-cache-key')
    .describe('Name of the Key Vault secret holding the token-cache key (base64 of 32 bytes).'),
  SECRET_CACHE_TTL_SECONDS: integer(1, 86_400, 300).describe(
    'How long a secret read from Key Vault is reused before it is read again.',
  ),
  TOKEN_CACHE_KEY: z
    .string()
    .refine(isAes256Key, 'must be base64 of 32 random bytes (e.g. `openssl rand -base64 32`)')
    .optional()
    .describe(
      'Token-cache key (base64 of 32 bytes), when it does not come from Key Vault; without a key the cache is off.',
    ),
  TOKEN_CACHE_MIN_LIFETIME_MINUTES: integer(1, 1440, 30).describe(
    'A cached token is reused only while it has at least this much lifetime left.',
  ),

  TOKEN_DEFAULT_SCOPES: scopeList.default(['voip']).describe('Scopes issued when a user asks for none.'),
  TOKEN_USER_ALLOWED_SCOPES: scopeList
    .default(['chat', 'voip'])
    .describe('Scopes a user may ask for at `POST /api/token`.'),
  TOKEN_ADMIN_ALLOWED_SCOPES: scopeList
    .default([...acsScopes])
    .describe('Scopes an admin may ask for on a service or bot identity.'),
  TOKEN_RATE_LIMIT_PER_MINUTE: integer(1, 100_000, 60).describe(
    'Tokens ACS may issue to one subject per minute (sliding window, across all instances); cache hits do not count.',
  ),
  TOKEN_HIT_FLOOD_PER_MINUTE: integer(1, 1_000_000, 600).describe(
    'Cached tokens one subject may be served per minute by one instance (in memory; a hit spends no shared budget).',
  ),
  SUBJECT_ACS_BUDGET_PER_MINUTE: integer(1, 100_000, 30).describe(
    'Requests a minute from one user that reach ACS or Microsoft Graph (revoke, identities, calls, rooms), across all instances.',
  ),
  ADMIN_ACS_BUDGET_PER_MINUTE: integer(1, 100_000, 300).describe(
    'The same budget for callers with the admin role.',
  ),
  INCOMING_CALL_BUDGET_PER_MINUTE: integer(1, 100_000, 120).describe(
    'Incoming-call deliveries Event Grid may post per minute (`POST /api/callautomation/incoming-calls`, a budget of their own, across all instances); over it, 429.',
  ),
  PSTN_CALLS_PER_HOUR: integer(0, 100_000, 10).describe(
    'Phone calls (outbound or added to a call) one subject may place per hour, across all instances; 0: none.',
  ),
  IDENTITY_CAP_PER_SUBJECT: integer(1, 1000, 10).describe('ACS identities one subject may hold.'),
  CONTACTS_MAX_PENDING: integer(1, 1000, 20).describe(
    'Contact requests one subject may have waiting for an answer at once, across all instances.',
  ),

  CALLS_MAX_INVITEES: integer(1, 1000, 100).describe('Invitees one call may have.'),
  CALLS_MAX_DURATION_HOURS: integer(1, 720, 168).describe(
    'Longest a scheduled call may last (`endsAt` - `startsAt`); a room is valid for this long at most.',
  ),
  CALLS_MAX_DAYS_AHEAD: integer(1, 3650, 365).describe('How far ahead a call may be scheduled (`startsAt`).'),
  GRAPH_ORGANIZER_USER_ID: z
    .string()
    .min(1)
    .max(256)
    .optional()
    .describe(
      'Entra user (object id or UPN) that organizes the Teams meetings the service creates through Microsoft Graph; without it a Teams call needs a `teamsMeetingLink`.',
    ),
  GRAPH_BASE_URL: httpUrl
    .default('https://graph.microsoft.com/v1.0')
    .describe('Microsoft Graph base URL, with the version; the token is asked for `<origin>/.default`.'),
  MAX_REQUEST_BODY_BYTES: integer(1024, 10 * 1024 * 1024, 65_536).describe(
    'Largest request body a function accepts.',
  ),
  API_EXPLORER_ENABLED: onOff('false').describe(
    'Serve the API explorer (Swagger UI) at `/api/docs/`; on for `npm start`, off in Azure unless set.',
  ),
  CORS_ALLOWED_ORIGINS: originList
    .default([])
    .describe(
      'Origins (scheme://host[:port], comma-separated) whose browser pages may call the API, or `*` for any; empty: no cross-origin access. The app answers CORS itself (Flex Consumption has no platform CORS).',
    ),
  WEB_APP_ENABLED: onOff('true').describe(
    "Serve the web app (every flow of the service, in a browser) at `/api/app/`, on the API's own origin.",
  ),
  WEB_APP_CLIENT_ID: z
    .string()
    .min(1)
    .max(128)
    .optional()
    .describe(
      'Client id of the Entra app registration (single-page application) the web app signs users in with, through MSAL. Without it the web app offers the dev sign-in when the issuer is the local one, and says that sign-in is not set up otherwise.',
    ),
  WEB_APP_AUTHORITY: z
    .url({ protocol: /^https$/ })
    .optional()
    .describe(
      'The authority MSAL signs in against; default: `AUTH_ISSUER` without its `/v2.0` (Entra: `https://login.microsoftonline.com/<tenant>`).',
    ),
  WEB_APP_SCOPES: z
    .string()
    .transform((value) =>
      value
        .split(',')
        .map((scope) => scope.trim())
        .filter((scope) => scope.length > 0),
    )
    .optional()
    .describe(
      'Scopes (comma-separated) the web app asks Entra for, to call this API; default: `<AUTH_AUDIENCE>/.default`.',
    ),

  CALLBACK_BASE_URL: httpsUnlessLoopback
    .optional()
    .describe(
      'Base URL (scheme and host) ACS posts Call Automation callbacks to: `<base>/api/callautomation/events/...`. https unless loopback. Absent: Call Automation is off and its routes answer 404 `CallAutomationNotConfigured`.',
    ),
  CALL_AUTOMATION_ISSUER: z
    .string()
    .min(1)
    .default('https://acscallautomation.communication.azure.com')
    .describe('Issuer (`iss`) of the JWTs ACS signs its Call Automation callbacks with.'),
  CALL_AUTOMATION_AUDIENCE: z
    .string()
    .min(1)
    .optional()
    .describe(
      "Audience (`aud`) of those JWTs: the ACS resource's immutable resource id. Required when `CALLBACK_BASE_URL` is set.",
    ),
  CALL_AUTOMATION_JWKS_URL: httpsUnlessLoopback
    .default('https://acscallautomation.communication.azure.com/calling/keys')
    .describe('Where the keys of those JWTs are published (a JWKS).'),
  PSTN_ROLE: z
    .string()
    .min(1)
    .default('pstn')
    .describe(
      'Role a caller needs to call phone numbers (outbound calls, or adding a phone party to a call).',
    ),
  PROMPT_ALLOWED_HOSTS: hostList
    .default([])
    .describe(
      'Hosts (comma-separated) the https URLs of the admin prompt catalog may point to; empty: no prompt can be added.',
    ),
  INCOMING_CALL_ROLE: z
    .string()
    .min(1)
    .default('IncomingCall.Deliver')
    .describe(
      "Role the Entra token Event Grid presents at `POST /api/callautomation/incoming-calls` must carry (an app role assigned to Event Grid's service principal).",
    ),
  CALL_RESULT_TTL_HOURS: integer(1, 720, 24).describe(
    'How long collected DTMF tones and other operation results are kept (encrypted); then they are erased, read or not, within 5 minutes (the sweepExpiredCallResults timer).',
  ),
});

export type AppSettings = z.output<typeof appSettingsSchema>;
