import type { SecretClient } from '@azure/keyvault-secrets';
import { isRestError } from '@azure/core-rest-pipeline';
import { dependencyUnavailable } from '../errors/serviceError';
import type { SecretProvider } from './secretProvider';

export interface KeyVaultSecretProviderOptions {
  client: SecretClient;
  ttlMs: number;
  clock?: () => number;
}

/**
 * Secrets from Key Vault, each kept for a TTL so a rotated secret is picked up without a restart,
 * and read again at once when a caller says the cached value was rejected.
 */
export function keyVaultSecretProvider(options: KeyVaultSecretProviderOptions): SecretProvider {
  const clock = options.clock ?? Date.now;
  const cache = new Map<string, { value: Promise<string>; expiresAt: number }>();

  const read = async (name: string): Promise<string> => {
    try {
      const secret = await options.client.getSecret(name);
      if (!secret.value) throw new Error(`Key Vault secret '${name}' has no value.`);
      return secret.value;
    } catch (error) {
      if (isRestError(error)) {
        throw dependencyUnavailable(`Key Vault secret '${name}' cannot be read.`, 5, 'SecretsUnavailable');
      }
      throw error;
    }
  };

  return {
    async get(name, { refresh = false } = {}) {
      const cached = cache.get(name);
      if (cached && !refresh && cached.expiresAt > clock()) return cached.value;
      const value = read(name);
      const entry = { value, expiresAt: clock() + options.ttlMs };
      cache.set(name, entry);
      value.catch(() => {
        if (cache.get(name) === entry) cache.delete(name);
      });
      return value;
    },
  };
}
