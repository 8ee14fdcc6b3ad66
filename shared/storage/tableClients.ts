import { TableClient, type TableServiceClientOptions } from '@azure/data-tables';
import type { TokenCredential } from '@azure/core-auth';
import type { TablesConnection } from '../config/appConfig';
import { tableNames, type TableName } from './tableNames';

export type TableClients = Record<TableName, TableClient>;

export interface TableClientsOptions {
  connection: TablesConnection;
  namePrefix: string;
  /** Needed when the connection is by endpoint (managed identity). */
  credential?: TokenCredential;
}

/**
 * The SDK's default retries wait up to a minute; a request waiting on storage should fail fast with a
 * 503 the client can retry instead.
 */
const boundedRetries: TableServiceClientOptions = {
  retryOptions: { maxRetries: 2, retryDelayInMs: 100, maxRetryDelayInMs: 1_000 },
};

export function createTableClients(options: TableClientsOptions): TableClients {
  const clientFor = (name: TableName): TableClient => {
    const tableName = `${options.namePrefix}${name}`;
    if (options.connection.kind === 'connectionString') {
      const clientOptions: TableServiceClientOptions = {
        ...boundedRetries,
        ...(isHttpConnection(options.connection.connectionString) ? { allowInsecureConnection: true } : {}),
      };
      return TableClient.fromConnectionString(options.connection.connectionString, tableName, clientOptions);
    }
    if (!options.credential) throw new Error('A credential is required to reach Table Storage by endpoint.');
    return new TableClient(options.connection.endpoint, tableName, options.credential, boundedRetries);
  };
  return Object.fromEntries(tableNames.map((name) => [name, clientFor(name)])) as TableClients;
}

/** Creates any table that does not exist yet; safe to run on every instance at start-up. */
export async function ensureTables(tables: TableClients): Promise<void> {
  await Promise.all(Object.values(tables).map((table) => table.createTable()));
}

function isHttpConnection(connectionString: string): boolean {
  return /(?:^|;)\s*(?:TableEndpoint\s*=\s*http:|DefaultEndpointsProtocol\s*=\s*http(?:;|$))/i.test(
    connectionString,
  );
}
