import type { TokenCredential } from '@azure/core-auth';
import type { SecretClient, SecretClientOptions } from '@azure/keyvault-secrets';
import { isLoopbackHttpUrl } from '../net/isLoopbackHttpUrl';

/*
 * The SDK's default retries wait up to ~7 s on a vault that is down, inside a client's request. Two
 * short retries ride out a blip; anything longer becomes a 503 with Retry-After, and a value read
 * before keeps being served (see keyVaultSecretProvider).
 */
const retryOptions = { maxRetries: 2, retryDelayInMs: 200, maxRetryDelayInMs: 1_000 };

/**
 * The real SecretClient. A loopback http vault (a local test server) gets plain http and skips the
 * check that the challenge's resource matches the vault's domain (`*.vault.azure.net`), which no
 * local server can satisfy; any other URL gets the SDK's defaults, https and the check included.
 */
export function createKeyVaultSecretClient(vaultUrl: string, credential: TokenCredential): SecretClient {
  const options: SecretClientOptions = isLoopbackHttpUrl(vaultUrl)
    ? { retryOptions, allowInsecureConnection: true, disableChallengeResourceVerification: true }
    : { retryOptions };
  // Loaded on first use: only deployments with a vault pay for loading it at cold start.
  type KeyVaultSecrets = typeof import('@azure/keyvault-secrets');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { SecretClient: Client } = require('@azure/keyvault-secrets') as KeyVaultSecrets;
  return new Client(vaultUrl, credential, options);
}
