import type { TokenCredential } from '@azure/core-auth';
import { TableClient } from '@azure/data-tables';
import type { RoomsClient } from '@azure/communication-rooms';
import type { Caller } from '../../../shared/auth/caller';
import type { AppServices } from '../../../shared/composition/appServices';
import { createAppServices } from '../../../shared/composition/createAppServices';
import { freePort } from '../../../local/freePort';
import { startTestStack, type TestStack } from '../../support/testStack';
import { roomsClient } from './acsChecks';

export interface CallsKit {
  stack: TestStack;
  services: AppServices;
  /** A RoomsClient of its own on the emulator, to look at rooms as ACS holds them. */
  rooms: RoomsClient;
  /** Services over the same stack with other settings (their own tables). */
  servicesWith(settings: Record<string, string>, credential?: TokenCredential): Promise<AppServices>;
  close(): Promise<void>;
}

export function caller(subjectId: string): Caller {
  return { subjectId, roles: [], isAdmin: false };
}

/** A credential that hands out one fixed token, as a managed identity would hand out a real one. */
export function fixedCredential(token: string): TokenCredential {
  return { getToken: async () => ({ token, expiresOnTimestamp: Date.now() + 60 * 60 * 1000 }) };
}

export async function startCallsKit(settings: Record<string, string> = {}): Promise<CallsKit> {
  const stack = await startTestStack();
  const servicesWith = async (extra: Record<string, string>, credential?: TokenCredential) => {
    const services = createAppServices(
      stack.config({ ...settings, ...extra }),
      credential ? { credential } : {},
    );
    await services.ready();
    return services;
  };
  return {
    stack,
    services: await servicesWith({}),
    rooms: roomsClient(stack.emulator.connectionString()),
    servicesWith,
    close: () => stack.close(),
  };
}

/** A table client for the same table on a port nobody listens on: every request fails to connect. */
export async function unreachableTable(table: TableClient): Promise<TableClient> {
  const port = await freePort();
  const url = new URL(table.url);
  url.port = String(port);
  const connectionString =
    'DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;' +
    'AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;' +
    `TableEndpoint=${url.origin}${url.pathname};`;
  return TableClient.fromConnectionString(connectionString, table.tableName, {
    allowInsecureConnection: true,
    retryOptions: { maxRetries: 0 },
  });
}
