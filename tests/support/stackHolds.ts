import { randomBytes } from 'node:crypto';
import type { AppServices } from '../../shared/composition/appServices';
import { createAppServices } from '../../shared/composition/createAppServices';
import type { TestStack } from './testStack';
import { acsThrough, startWireHold, tablesThrough, type WireHold } from './wireHold';

/** Holds in front of a test stack's Azurite and ACS emulator, and services that reach both through them. */
export interface StackHolds {
  tables: WireHold;
  acs: WireHold;
  /**
   * The app's services wired as in production, through the holds (which pass everything on until a test
   * arms one), with the token cache on and a budget that never gets in the way.
   */
  services(): Promise<AppServices>;
  /** Forgets holds nothing matched: call after each test. */
  clear(): void;
  close(): Promise<void>;
}

export async function startStackHolds(stack: TestStack): Promise<StackHolds> {
  const tablesEndpoint = /TableEndpoint=([^;]+)/.exec(stack.tables.connectionString)?.[1] ?? '';
  const tables = await startWireHold(new URL(tablesEndpoint).origin);
  const acs = await startWireHold(stack.emulator.url);
  return {
    tables,
    acs,
    async services() {
      const services = createAppServices(
        stack.config({
          TOKEN_CACHE_KEY: randomBytes(32).toString('base64'),
          TOKEN_RATE_LIMIT_PER_MINUTE: '100000',
          ACS_CONNECTION_STRING: acsThrough(stack.emulator.connectionString(), acs),
          TABLES_CONNECTION_STRING: tablesThrough(stack.tables.connectionString, tables),
        }),
      );
      await services.ready();
      return services;
    },
    clear() {
      tables.clear();
      acs.clear();
    },
    async close() {
      await tables.close();
      await acs.close();
    },
  };
}
