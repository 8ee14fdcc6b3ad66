import type { CallAutomationClient } from '@azure/communication-call-automation';
import type { CommunicationIdentityClient } from '@azure/communication-identity';
import type { PhoneNumbersClient } from '@azure/communication-phone-numbers';
import type { RoomsClient } from '@azure/communication-rooms';
import type { TokenCredential } from '@azure/core-auth';
import type { AcsConnection } from '../config/appConfig';
import { keyFingerprint } from '../crypto/keyFingerprint';
import { dependencyUnavailable } from '../errors/serviceError';
import { isLoopbackHttpUrl } from '../net/isLoopbackHttpUrl';
import type { SecretProvider } from '../secrets/secretProvider';
import { repeatabilityPolicy } from './repeatability';

export interface AcsClients {
  /** Each client is built (and its SDK loaded) on first use: a cache hit needs none of them. */
  readonly identity: CommunicationIdentityClient;
  readonly rooms: RoomsClient;
  callAutomation(): CallAutomationClient;
  phoneNumbers(): PhoneNumbersClient;
  /**
   * Names the key these clients sign with, never the key itself: it changes exactly when the key
   * does, so tokens can be tied to the key that issued them.
   */
  keyFingerprint: string;
}

export interface AcsClientFactory {
  /** Clients for the current key; `refresh` re-reads the key (after ACS rejected the old one). */
  clients(options?: { refresh?: boolean }): Promise<AcsClients>;
  /** The fingerprint of the key in use now (see AcsClients.keyFingerprint). */
  keyFingerprint(): Promise<string>;
}

export interface AcsClientFactoryOptions {
  connection: AcsConnection;
  /** Where a connection string kept in Key Vault is read; required for such a connection. */
  secrets?: SecretProvider | undefined;
  /** Required for a connection by endpoint (Entra ID). */
  credential?: TokenCredential | undefined;
}

// The SDK's own retries are off: withAcsRetry decides, so that Retry-After is bounded.
const noSdkRetries = { retryOptions: { maxRetries: 0 } };

/**
 * Builds the real ACS SDK clients from a connection string (Key Vault or environment) or from an
 * endpoint and a credential (Entra ID). The secret is asked for on every call (the provider caches
 * it for its TTL), so a rotated key is picked up within the TTL even when ACS never rejects the old
 * one; clients are rebuilt only when the value changes. Plain http is allowed only for a loopback
 * endpoint: the local ACS emulator.
 */
export function createAcsClientFactory(options: AcsClientFactoryOptions): AcsClientFactory {
  const { connection, secrets, credential } = options;
  if (connection.kind === 'entra' && !credential) {
    throw new Error('A credential is required to reach ACS by endpoint.');
  }
  if (connection.kind === 'connectionString' && connection.source === 'keyVault' && !secrets) {
    throw new Error('A secret provider is required for an ACS connection string kept in Key Vault.');
  }
  let built: { source: string; clients: AcsClients } | undefined;

  const reuseOrBuild = (source: string, build: () => AcsClients): AcsClients => {
    if (built?.source !== source) built = { source, clients: build() };
    return built.clients;
  };

  const clients: AcsClientFactory['clients'] = async (request = {}) => {
    if (connection.kind === 'entra') {
      return reuseOrBuild(connection.endpoint, () => entraClients(connection.endpoint, credential!));
    }
    const connectionString =
      connection.source === 'environment'
        ? connection.connectionString
        : await secrets!.get(connection.secretName, { refresh: request.refresh ?? false });
    return reuseOrBuild(connectionString, () => keyClients(connectionString));
  };

  return { clients, keyFingerprint: async () => (await clients()).keyFingerprint };
}

function entraClients(endpoint: string, credential: TokenCredential): AcsClients {
  const options = { ...noSdkRetries, allowInsecureConnection: isLoopbackHttpUrl(endpoint) };
  const identity = once(
    () => new (identityModule().CommunicationIdentityClient)(endpoint, credential, options),
  );
  const rooms = once(() => new (roomsModule().RoomsClient)(endpoint, credential, options));
  return {
    get identity() {
      return identity();
    },
    get rooms() {
      return rooms();
    },
    callAutomation: once(
      () => new (callAutomationModule().CallAutomationClient)(endpoint, credential, callingOptions(options)),
    ),
    phoneNumbers: once(() => new (phoneNumbersModule().PhoneNumbersClient)(endpoint, credential, options)),
    keyFingerprint: keyFingerprint(`entra\n${endpoint}`),
  };
}

function keyClients(connectionString: string): AcsClients {
  const { endpoint, accessKey } = parseConnectionString(connectionString);
  const options = { ...noSdkRetries, allowInsecureConnection: isLoopbackHttpUrl(endpoint) };
  const identity = once(() => new (identityModule().CommunicationIdentityClient)(connectionString, options));
  const rooms = once(() => new (roomsModule().RoomsClient)(connectionString, options));
  return {
    get identity() {
      return identity();
    },
    get rooms() {
      return rooms();
    },
    callAutomation: once(
      () => new (callAutomationModule().CallAutomationClient)(connectionString, callingOptions(options)),
    ),
    phoneNumbers: once(() => new (phoneNumbersModule().PhoneNumbersClient)(connectionString, options)),
    keyFingerprint: keyFingerprint(`${endpoint}\n${accessKey}`),
  };
}

/** Every Call Automation request passes the repeatability policy, on every try. */
function callingOptions<Options extends object>(options: Options) {
  return { ...options, additionalPolicies: [{ policy: repeatabilityPolicy, position: 'perRetry' as const }] };
}

function once<T>(build: () => T): () => T {
  let built: { value: T } | undefined;
  return () => (built ??= { value: build() }).value;
}

/*
 * The ACS SDKs are loaded when a client is first asked for: each costs every cold start milliseconds to
 * tens of them, and a cache hit needs none; the calling ones most instances never need at all.
 */
/* eslint-disable @typescript-eslint/no-require-imports */
const identityModule = () =>
  require('@azure/communication-identity') as typeof import('@azure/communication-identity');
const roomsModule = () =>
  require('@azure/communication-rooms') as typeof import('@azure/communication-rooms');
const callAutomationModule = () =>
  require('@azure/communication-call-automation') as typeof import('@azure/communication-call-automation');
const phoneNumbersModule = () =>
  require('@azure/communication-phone-numbers') as typeof import('@azure/communication-phone-numbers');
/* eslint-enable @typescript-eslint/no-require-imports */

/**
 * Checked here because the SDK's own error for a malformed connection string quotes it whole, key
 * included. Only a value from Key Vault can get this far malformed (settings are checked at start-up).
 */
function parseConnectionString(connectionString: string): { endpoint: string; accessKey: string } {
  const endpoint = /(?:^|;)\s*endpoint=([^;]+)/i.exec(connectionString)?.[1]?.trim();
  const accessKey = /(?:^|;)\s*accesskey=([^;]+)/i.exec(connectionString)?.[1]?.trim();
  if (!endpoint || !accessKey || !URL.canParse(endpoint)) {
    throw dependencyUnavailable(
      'The ACS connection string from Key Vault is not of the form endpoint=...;accesskey=....',
      { retryAfterSeconds: 30, code: 'AcsConnectionStringInvalid' },
    );
  }
  return { endpoint, accessKey };
}
