import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  startAcsEmulator,
  type AcsEmulator,
  type EventGridSubscriptionSpec,
} from './acsEmulator/startAcsEmulator';
import { startAzuriteTables, type AzuriteTables } from './azurite/startAzuriteTables';
import { createDevIssuer, type DevIssuer } from './devIssuer/devIssuer';
import { loadOrCreateDevSigningKey } from './devIssuer/devSigningKey';
import { parseAllowedHosts } from './functionsHost/allowedHost';
import type { FunctionError } from './functionsHost/hostRegistrationRules';
import { bindHostPort, startFunctionsHost, type FunctionsHost } from './functionsHost/startFunctionsHost';

export interface LocalStackOptions {
  appRoot: string;
  port: number;
  /** Where Azurite, the emulator and the dev issuer keep their state; absent: in memory. */
  dataDir?: string;
  /** Settings from local.settings.json and the environment; what they leave out is embedded. */
  settings: Record<string, string>;
  log?: (line: string) => void;
}

export interface LocalStack {
  url: string;
  issuer: string;
  /** The embedded ACS emulator's base URL, when it runs in this process. */
  emulatorUrl?: string;
  tablesUrl?: string;
  /** Functions the Azure Functions host would refuse (each also logged as the host logs it). */
  functionErrors: FunctionError[];
  close(): Promise<void>;
}

export const localAudience = 'api://acs-trusted-service-local';
export const localDevOrigins = ['http://localhost:5173', 'http://127.0.0.1:5173', 'http://localhost:3000'];

/** The role Event Grid's token carries locally when INCOMING_CALL_ROLE leaves it open. */
export const localIncomingCallRole = 'IncomingCall.Deliver';

/**
 * The Azure Functions host's own request body limit (FUNCTIONS_REQUEST_BODY_SIZE_LIMIT's default, 100 MB),
 * not the app's MAX_REQUEST_BODY_BYTES: in Azure a body over the app's limit reaches the app, which answers
 * its own 413 (problem+json, with its CORS headers), so it must here too.
 */
const azureHostBodyLimit = 104_857_600;

/** The service's Event Grid webhook for incoming calls. */
export const incomingCallsPath = '/api/callautomation/incoming-calls';

/**
 * Points the service's Call Automation at the embedded emulator, on the production verification path:
 * callbacks come back to the local host, their tokens are checked against the emulator's JWKS with the
 * emulator's resource id as audience (the issuer stays the production default). Settings already
 * given win.
 */
export function callAutomationSettings(
  emulator: Pick<AcsEmulator, 'resourceId' | 'callbackJwksUrl'>,
  baseUrl: string,
  settings: Readonly<Record<string, string>>,
): Record<string, string> {
  return {
    CALLBACK_BASE_URL: settings.CALLBACK_BASE_URL ?? baseUrl,
    CALL_AUTOMATION_AUDIENCE: settings.CALL_AUTOMATION_AUDIENCE ?? emulator.resourceId,
    CALL_AUTOMATION_JWKS_URL: settings.CALL_AUTOMATION_JWKS_URL ?? emulator.callbackJwksUrl,
  };
}

/**
 * The emulator's Event Grid subscription for incoming calls: the service's webhook on the local host,
 * each delivery carrying a fresh dev-issuer token for subject `event-grid` with the incoming-call role,
 * as an Entra-protected Event Grid subscription would.
 */
export function incomingCallsSubscription(
  devIssuer: Pick<DevIssuer, 'issueToken'>,
  baseUrl: string,
  settings: Readonly<Record<string, string>>,
): EventGridSubscriptionSpec {
  const role = settings.INCOMING_CALL_ROLE ?? localIncomingCallRole;
  return {
    endpoint: `${baseUrl}${incomingCallsPath}`,
    authorization: async () =>
      (await devIssuer.issueToken({ sub: 'event-grid', roles: [role] })).access_token,
  };
}

/**
 * Everything a developer needs on one machine: Azurite's Table service, the ACS emulator and the dev
 * sign-in issuer, each embedded unless the settings point elsewhere, then the app itself in the local
 * Functions host. The app sees only ordinary settings: it cannot tell it is running locally.
 */
export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const settings = { ...options.settings };
  // Bound before anything else, so the URL the app's settings name (the dev issuer's) is surely ours.
  const bound = await bindHostPort(options.port);
  const baseUrl = `http://localhost:${bound.port}`;
  // Until the host owns the port: a start-up that fails before gives it back.
  const port = { close: () => new Promise<void>((resolve) => bound.server.close(() => resolve())) };
  const started: Array<{ close(): Promise<void> }> = [port];
  const log = options.log ?? ((line: string) => console.log(line));
  const closeAll = async () => {
    for (const part of started.reverse()) await part.close().catch(() => undefined);
  };

  try {
    let tables: AzuriteTables | undefined;
    if (!settings.TABLES_CONNECTION_STRING && !settings.TABLES_ENDPOINT) {
      tables = await startAzuriteTables(options.dataDir ? { dataDir: join(options.dataDir, 'azurite') } : {});
      started.push(tables);
      settings.TABLES_CONNECTION_STRING = tables.connectionString;
    }

    let emulator: AcsEmulator | undefined;
    if (!settings.ACS_CONNECTION_STRING && settings.ACS_AUTH !== 'entra' && !settings.KEY_VAULT_URL) {
      emulator = await startAcsEmulator(
        options.dataDir ? { dataDir: join(options.dataDir, 'acs-emulator') } : {},
      );
      started.push(emulator);
      settings.ACS_CONNECTION_STRING = emulator.connectionString();
      Object.assign(settings, callAutomationSettings(emulator, baseUrl, settings));
    }

    const issuer = `${baseUrl}/dev`;
    settings.AUTH_ISSUER ??= issuer;
    settings.AUTH_AUDIENCE ??= localAudience;
    // Pages served by the usual front-end dev servers may call the API; the web app at / needs no CORS.
    settings.CORS_ALLOWED_ORIGINS ??= localDevOrigins.join(',');
    settings.API_EXPLORER_ENABLED ??= 'true';
    if (!settings.TOKEN_CACHE_KEY && !settings.KEY_VAULT_URL) {
      settings.TOKEN_CACHE_KEY = localCacheKey(options.dataDir);
    }
    const devIssuer = createDevIssuer({
      issuer: () => issuer,
      audience: settings.AUTH_AUDIENCE,
      signingKey: await loadOrCreateDevSigningKey(
        options.dataDir ? join(options.dataDir, 'dev-issuer-key.json') : undefined,
      ),
    });

    // The app reads its configuration from the environment when it loads, as it does in Azure.
    Object.assign(process.env, settings);
    const host: FunctionsHost = await startFunctionsHost({
      appRoot: options.appRoot,
      bound,
      maxRequestBodyBytes: azureHostBodyLimit,
      allowedHosts: parseAllowedHosts(settings.LOCAL_ALLOWED_HOSTS),
      mounts: [
        // The web app is served by the app itself, at /api/app/ as in Azure; the root points there.
        {
          pathPrefix: '/',
          handle: (_req, res) => {
            res.writeHead(302, { location: '/api/app/' }).end();
          },
        },
        {
          pathPrefix: '/dev',
          handle: (req, res) => devIssuer.handle(req, res, (req.url ?? '').slice('/dev'.length)),
        },
      ],
      ...(options.log ? { log: options.log } : {}),
    });
    started.push(host);
    if (emulator)
      await subscribeIncomingCalls(emulator, incomingCallsSubscription(devIssuer, baseUrl, settings), log);

    return {
      url: baseUrl,
      issuer: settings.AUTH_ISSUER,
      ...(emulator ? { emulatorUrl: emulator.url } : {}),
      ...(tables ? { tablesUrl: tables.url } : {}),
      functionErrors: host.functionErrors,
      close: closeAll,
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}

/**
 * Event Grid validates an endpoint when the subscription is made; an app without the webhook (Call
 * Automation off) fails the handshake, which only means incoming calls cannot be delivered.
 */
async function subscribeIncomingCalls(
  emulator: AcsEmulator,
  subscription: EventGridSubscriptionSpec,
  log: (line: string) => void,
): Promise<void> {
  const view = await emulator.setEventGridSubscription(subscription);
  if (!view.validated) {
    const answer = view.validation
      ? `${view.validation.status}${view.validation.error ? `, ${view.validation.error}` : ''}`
      : 'no answer';
    log(
      `ACS emulator: Event Grid could not validate ${subscription.endpoint} (${answer}); incoming calls will not be delivered.`,
    );
  }
}

/** A token-cache key for local runs, kept with the data so cached entries stay readable across restarts. */
function localCacheKey(dataDir: string | undefined): string {
  if (!dataDir) return randomBytes(32).toString('base64');
  const file = join(dataDir, 'token-cache-key');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const key = randomBytes(32).toString('base64');
  writeFileSync(file, key, { mode: 0o600 });
  return key;
}
