import type { SecretProvider } from './secretProvider';

/** Secrets from local settings, for runs without Key Vault. */
export function environmentSecretProvider(values: Record<string, string | undefined>): SecretProvider {
  return {
    async get(name) {
      const value = values[name];
      if (value === undefined) throw new Error(`Secret '${name}' is not configured.`);
      return value;
    },
  };
}
