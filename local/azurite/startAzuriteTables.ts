import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

export interface AzuriteTablesOptions {
  /** Folder for the table database; absent means in memory (tests). */
  dataDir?: string;
  port?: number;
  host?: string;
}

export interface AzuriteTables {
  url: string;
  connectionString: string;
  close(): Promise<void>;
}

/** Azurite's published, well-known development account; not a secret. */
const devAccountName = 'devstoreaccount1';
const devAccountKey =
  'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

interface TableServerInstance {
  start(): Promise<void>;
  close(): Promise<void>;
  clean(): Promise<void>;
  getHttpServerAddress(): string;
}
type TableServerConstructor = new (configuration: unknown) => TableServerInstance;
type TableConfigurationConstructor = new (...args: unknown[]) => unknown;

/**
 * Starts Azurite's Table service in this process. `require('azurite')` is the VS Code extension, so
 * the server classes are loaded from their dist paths.
 */
export async function startAzuriteTables(options: AzuriteTablesOptions = {}): Promise<AzuriteTables> {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const TableServer = (require('azurite/dist/src/table/TableServer') as { default: TableServerConstructor })
    .default;
  const TableConfiguration = (
    require('azurite/dist/src/table/TableConfiguration') as { default: TableConfigurationConstructor }
  ).default;
  /* eslint-enable @typescript-eslint/no-require-imports */
  const inMemory = options.dataDir === undefined;
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  const configuration = new TableConfiguration(
    options.host ?? '127.0.0.1',
    options.port ?? 0,
    undefined,
    inMemory ? undefined : join(options.dataDir as string, '__azurite_db_table__.json'),
    false, // debug log
    false, // access log
    undefined,
    undefined,
    false, // loose
    true, // skipApiVersionCheck: the SDK may be newer than the emulator
    '',
    '',
    '',
    undefined,
    false,
    inMemory,
  );
  const server = new TableServer(configuration);
  try {
    await server.start();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new Error(`Port ${options.port} is in use: cannot start the Table Storage emulator (Azurite).`);
    }
    throw error;
  }
  const url = `${server.getHttpServerAddress()}/${devAccountName}`;
  return {
    url,
    connectionString: `DefaultEndpointsProtocol=http;AccountName=${devAccountName};AccountKey=${devAccountKey};TableEndpoint=${url};`,
    async close() {
      await server.close();
      if (inMemory) await server.clean();
    },
  };
}
