import type { SecretClient } from '@azure/keyvault-secrets';
import { dependencyUnavailable } from '../errors/serviceError';
import type { SecretProvider } from './secretProvider';
import { systemClock, type Clock } from '../time/clock';

export interface KeyVaultSecretProviderOptions {
  client: Pick<SecretClient, 'getSecret'>;
  ttlMs: number;
  /**
   * After a failed read, how long the last good value is served before the vault is tried again
   * (default: 5 s, or the TTL when shorter).
   */
  staleRetryMs?: number;
  clock?: Clock;
}

interface SecretState {
  value?: string;
  freshUntil: number;
  reading?: Promise<string> | undefined;
}

const unavailableRetryAfterSeconds = 5;

/**
 * Secrets from Key Vault, each kept for a TTL so a rotated secret is picked up without a restart.
 *
 * - `refresh` (the value was rejected) skips the cached value.
 * - Concurrent callers share one request: a burst of requests, or of ACS 401s, costs one read.
 * - A failed read is not cached: the next call tries the vault again.
 * - When the vault cannot be read, a value read before is served again (for `staleRetryMs`), since
 *   it is the best knowledge there is and ACS, not the vault, decides whether it still works. With
 *   nothing read before, or on `refresh` (that value was just rejected), the caller gets a 503.
 */
export function keyVaultSecretProvider(options: KeyVaultSecretProviderOptions): SecretProvider {
  const now = () => (options.clock ?? systemClock)().getTime();
  const staleRetryMs = options.staleRetryMs ?? Math.min(options.ttlMs, 5_000);
  const states = new Map<string, SecretState>();

  const stateOf = (name: string): SecretState => {
    let state = states.get(name);
    if (!state) {
      state = { freshUntil: 0 };
      states.set(name, state);
    }
    return state;
  };

  const read = async (name: string): Promise<string> => {
    let value: string | undefined;
    try {
      value = (await options.client.getSecret(name)).value;
    } catch {
      // The SDK's error may quote the request; only the secret's name goes further.
      throw dependencyUnavailable(`Key Vault secret '${name}' cannot be read.`, {
        retryAfterSeconds: unavailableRetryAfterSeconds,
        code: 'SecretsUnavailable',
      });
    }
    if (!value) {
      throw dependencyUnavailable(`Key Vault secret '${name}' is empty.`, {
        retryAfterSeconds: unavailableRetryAfterSeconds,
        code: 'SecretsUnavailable',
      });
    }
    return value;
  };

  const sharedRead = (name: string, state: SecretState): Promise<string> => {
    state.reading ??= read(name)
      .then((value) => {
        state.value = value;
        state.freshUntil = now() + options.ttlMs;
        return value;
      })
      .finally(() => {
        state.reading = undefined;
      });
    return state.reading;
  };

  return {
    async get(name, { refresh = false } = {}) {
      const state = stateOf(name);
      const cached = state.value;
      if (cached !== undefined && state.freshUntil > now() && !refresh && !state.reading) return cached;
      try {
        return await sharedRead(name, state);
      } catch (error) {
        if (refresh || state.value === undefined) throw error;
        state.freshUntil = now() + staleRetryMs;
        return state.value;
      }
    },
  };
}
