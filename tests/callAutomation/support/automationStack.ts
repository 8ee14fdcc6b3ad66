import {
  startAcsEmulator,
  type AcsEmulator,
  type AcsEmulatorOptions,
} from '../../../local/acsEmulator/startAcsEmulator';
import { startAzuriteTables, type AzuriteTables } from '../../../local/azurite/startAzuriteTables';
import { freePort } from '../../../local/freePort';
import { loadConfig } from '../../../shared/config/loadConfig';
import { createTableClients, type TableClients } from '../../../shared/storage/tableClients';
import { startLocalService, type LocalService, type ServiceResponse } from '../../support/localService';
import { uniqueTablePrefix } from '../../support/testStack';
import { startCallbackProxy, type CallbackProxy } from './callbackProxy';

export const pstnRole = 'Calls.Pstn';
export const incomingCallRole = 'IncomingCall.Deliver';
export const promptHost = 'media.contoso.com';
export const ownedNumber = '+14255550100';

export interface AutomationStack {
  emulator: AcsEmulator;
  tables: AzuriteTables;
  proxy: CallbackProxy;
  /** The service instances, all on the same storage and ACS resource, callbacks shared out by the proxy. */
  services: LocalService[];
  /** The service's tables, read through the service's own code. */
  tableClients: TableClients;
  close(): Promise<void>;
}

/**
 * The service as its own process(es) (dist/local/start.js), on an ACS emulator, Azurite and a callback proxy
 * this test owns. CALLBACK_BASE_URL points at the proxy, which passes every callback to the instances in turn.
 * Instances after the first trust the first's dev issuer, so one sign-in works on all.
 */
export async function startAutomationStack(
  options: {
    instances?: number;
    env?: Record<string, string>;
    /** Call-time lengths for the emulator (before its time scale of 0.01). */
    callAutomation?: AcsEmulatorOptions['callAutomation'];
  } = {},
): Promise<AutomationStack> {
  const [tables, emulator, proxy] = await Promise.all([
    startAzuriteTables(),
    startAcsEmulator({
      timeScale: 0.01,
      ...(options.callAutomation ? { callAutomation: options.callAutomation } : {}),
    }),
    startCallbackProxy(),
  ]);
  const shared = {
    TABLES_CONNECTION_STRING: tables.connectionString,
    TABLE_NAME_PREFIX: uniqueTablePrefix(),
    ACS_CONNECTION_STRING: emulator.connectionString(),
    ACS_MAX_RETRY_DELAY_MS: '20',
    CALLBACK_BASE_URL: proxy.url,
    CALL_AUTOMATION_AUDIENCE: emulator.resourceId,
    CALL_AUTOMATION_JWKS_URL: emulator.callbackJwksUrl,
    PSTN_ROLE: pstnRole,
    INCOMING_CALL_ROLE: incomingCallRole,
    PROMPT_ALLOWED_HOSTS: promptHost,
    // One data key for every instance: each must open what another sealed.
    TOKEN_CACHE_KEY: Buffer.alloc(32, 7).toString('base64'),
    ...options.env,
  };
  const services: LocalService[] = [];
  try {
    const first = await startLocalService({ ...shared, PORT: String(await freePort()) });
    services.push(first);
    const others = await Promise.all(
      Array.from({ length: (options.instances ?? 1) - 1 }, async () =>
        startLocalService({
          ...shared,
          PORT: String(await freePort()),
          AUTH_ISSUER: first.issuer,
          AUTH_AUDIENCE: 'api://acs-trusted-service-local',
        }),
      ),
    );
    services.push(...others);
  } catch (error) {
    await Promise.all(services.map((service) => service.stop()));
    await Promise.all([emulator.close(), tables.close(), proxy.close()]);
    throw error;
  }
  proxy.setTargets(services.map((service) => service.url));
  const config = loadConfig({
    AUTH_ISSUER: 'http://127.0.0.1:9/unused',
    AUTH_AUDIENCE: 'unused',
    ...shared,
  });
  return {
    emulator,
    tables,
    proxy,
    services,
    tableClients: createTableClients({
      connection: config.tables.connection,
      namePrefix: config.tables.namePrefix,
    }),
    async close() {
      await Promise.all(services.map((service) => service.stop()));
      await emulator.close();
      await Promise.all([tables.close(), proxy.close()]);
    },
  };
}

/** Polls until `check` returns something (not undefined); a test's wait for callbacks it cannot await. */
export async function eventually<T>(
  check: () => Promise<T | undefined>,
  what: string,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

export interface Person {
  sub: string;
  token: string;
}

/** Requests to /api as one person, on one instance. */
export function apiOf(service: LocalService) {
  return <T = Record<string, unknown>>(
    method: string,
    path: string,
    who?: Person,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<ServiceResponse<T>> =>
    service.request<T>(method, `/api${path}`, {
      ...(who ? { token: who.token } : {}),
      ...(body !== undefined ? { body } : {}),
      ...(headers ? { headers } : {}),
    });
}
