import { randomBytes } from 'node:crypto';
import { startAcsEmulator, type AcsEmulator } from '../../local/acsEmulator/startAcsEmulator';
import { startAzuriteTables, type AzuriteTables } from '../../local/azurite/startAzuriteTables';
import { loadConfig } from '../../shared/config/loadConfig';
import type { AppConfig } from '../../shared/config/appConfig';

export interface TestStack {
  tables: AzuriteTables;
  emulator: AcsEmulator;
  /** A configuration for the real parts, with a table prefix of its own so tests never share rows. */
  config(settings?: Record<string, string>): AppConfig;
  close(): Promise<void>;
}

/** Real Azurite (Table service, in memory) and the ACS emulator, in this process, on free ports. */
export async function startTestStack(): Promise<TestStack> {
  const tables = await startAzuriteTables();
  const emulator = await startAcsEmulator();
  return {
    tables,
    emulator,
    config: (settings = {}) =>
      loadConfig({
        AUTH_ISSUER: 'http://127.0.0.1:9/unused',
        AUTH_AUDIENCE: 'api://tests',
        TABLES_CONNECTION_STRING: tables.connectionString,
        ACS_CONNECTION_STRING: emulator.connectionString(),
        TABLE_NAME_PREFIX: uniqueTablePrefix(),
        ACS_MAX_RETRY_DELAY_MS: '50',
        ...settings,
      }),
    async close() {
      await emulator.close();
      await tables.close();
    },
  };
}

export function uniqueTablePrefix(): string {
  return `t${randomBytes(6).toString('hex')}`;
}
