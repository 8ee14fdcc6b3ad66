import type { TokenCredential } from '@azure/core-auth';

/**
 * The managed identity in Azure (DefaultAzureCredential). `@azure/identity` and MSAL take tens of
 * milliseconds to load, paid on every cold start, and local and key-based runs never use them; so
 * they are loaded here, on first use, not when the app is imported.
 */
export function createDefaultAzureCredential(): TokenCredential {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { DefaultAzureCredential } = require('@azure/identity') as typeof import('@azure/identity');
  return new DefaultAzureCredential();
}
