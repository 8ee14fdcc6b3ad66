import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startAcsEmulator, type AcsEmulator } from './acsEmulator/startAcsEmulator';
import { startAzuriteTables, type AzuriteTables } from './azurite/startAzuriteTables';
import { createDevIssuer } from './devIssuer/devIssuer';
import { loadOrCreateDevSigningKey } from './devIssuer/devSigningKey';
import { freePort } from './freePort';
import { parseAllowedHosts } from './functionsHost/allowedHost';
import type { FunctionError } from './functionsHost/hostRegistrationRules';
import { startFunctionsHost, type FunctionsHost } from './functionsHost/startFunctionsHost';

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

/**
 * Everything a developer needs on one machine: Azurite's Table service, the ACS emulator and the dev
 * sign-in issuer, each embedded unless the settings point elsewhere, then the app itself in the local
 * Functions host. The app sees only ordinary settings: it cannot tell it is running locally.
 */
export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const settings = { ...options.settings };
  const port = options.port === 0 ? await freePort() : options.port;
  const baseUrl = `http://localhost:${port}`;
  const started: Array<{ close(): Promise<void> }> = [];
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
    }

    const issuer = `${baseUrl}/dev`;
    settings.AUTH_ISSUER ??= issuer;
    settings.AUTH_AUDIENCE ??= localAudience;
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
      port,
      maxRequestBodyBytes: Number(settings.MAX_REQUEST_BODY_BYTES ?? 65_536),
      allowedHosts: parseAllowedHosts(settings.LOCAL_ALLOWED_HOSTS),
      mounts: [
        {
          pathPrefix: '/dev',
          handle: (req, res) => devIssuer.handle(req, res, (req.url ?? '').slice('/dev'.length)),
        },
      ],
      ...(options.log ? { log: options.log } : {}),
    });
    started.push(host);

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
