import type { AppConfig } from '../../shared/config/appConfig';
import { createIdentityStore, type IdentityStore } from '../../shared/identity/identityStore';
import { createTableClients, type TableClients } from '../../shared/storage/tableClients';

/** The tables a configuration names, through the same code the service uses, for looking at rows. */
export function tablesOf(config: AppConfig): TableClients {
  return createTableClients({ connection: config.tables.connection, namePrefix: config.tables.namePrefix });
}

export function identityStoreOf(config: AppConfig): IdentityStore {
  return createIdentityStore(tablesOf(config));
}
