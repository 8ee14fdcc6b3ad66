import { CommunicationIdentityClient } from '@azure/communication-identity';
import { RoomsClient } from '@azure/communication-rooms';
import type { TokenCredential } from '@azure/core-auth';
import type { AcsConnection } from '../config/appConfig';
import type { SecretProvider } from '../secrets/secretProvider';

export interface AcsClients {
  identity: CommunicationIdentityClient;
  rooms: RoomsClient;
  /** The key material these clients were built with, so a rotation can be told apart from a retry. */
  version: string;
}

export interface AcsClientFactory {
  /** Clients for the current key; `refresh` re-reads the key (after ACS rejected the old one). */
  clients(options?: { refresh?: boolean }): Promise<AcsClients>;
}

// The SDK's own retries are off: withAcsRetry decides, so that Retry-After is bounded.
const noSdkRetries = { retryOptions: { maxRetries: 0 } };

/**
 * Builds the real ACS SDK clients from a connection string (Key Vault or environment) or from an
 * endpoint and a credential (Entra ID). Plain http is allowed only for a loopback endpoint: the
 * local ACS emulator.
 */
export function createAcsClientFactory(
  connection: AcsConnection,
  secrets: SecretProvider,
  credential?: TokenCredential,
): AcsClientFactory {
  let current: Promise<AcsClients> | undefined;

  const build = async (refresh: boolean): Promise<AcsClients> => {
    if (connection.kind === 'entra') {
      if (!credential) throw new Error('A credential is required to reach ACS by endpoint.');
      const options = { ...noSdkRetries, allowInsecureConnection: isLoopbackHttp(connection.endpoint) };
      return {
        identity: new CommunicationIdentityClient(connection.endpoint, credential, options),
        rooms: new RoomsClient(connection.endpoint, credential, options),
        version: 'entra',
      };
    }
    const connectionString =
      connection.source === 'environment'
        ? connection.connectionString
        : await secrets.get(connection.secretName, { refresh });
    const endpoint = /endpoint=([^;]+)/i.exec(connectionString)?.[1] ?? '';
    const options = { ...noSdkRetries, allowInsecureConnection: isLoopbackHttp(endpoint) };
    return {
      identity: new CommunicationIdentityClient(connectionString, options),
      rooms: new RoomsClient(connectionString, options),
      version: connectionString,
    };
  };

  return {
    async clients(options = {}) {
      if (!current || options.refresh) {
        const next = build(options.refresh ?? false);
        current = next;
        next.catch(() => {
          if (current === next) current = undefined;
        });
      }
      return current;
    },
  };
}

function isLoopbackHttp(endpoint: string): boolean {
  try {
    const url = new URL(endpoint);
    return url.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
  } catch {
    return false;
  }
}
