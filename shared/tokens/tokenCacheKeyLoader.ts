import type { TokenCacheKeySource } from '../config/appConfig';
import { ConfigError } from '../config/configError';
import type { SecretProvider } from '../secrets/secretProvider';
import { parseAes256Key, type Aes256Key } from '../crypto/aes256Key';
import { systemClock, type Clock } from '../time/clock';

/** The current token-cache key; throws when it cannot be had (the cache then misses). */
export type TokenCacheKeyLoader = () => Promise<Aes256Key>;

export interface TokenCacheKeyLoaderOptions {
  /** After a failure, how long the vault is left alone before the key is asked for again. */
  retryAfterFailureMs?: number;
  clock?: Clock;
}

/**
 * Where the cache key comes from: none (the cache is off), a setting (checked now: a bad setting is a
 * start-up error), or Key Vault (read through the secret provider's TTL, so a new key in the vault is
 * picked up without a restart).
 */
export function tokenCacheKeyLoader(
  source: TokenCacheKeySource,
  secrets: SecretProvider | undefined,
  options: TokenCacheKeyLoaderOptions = {},
): TokenCacheKeyLoader | undefined {
  if (source.kind === 'none') return undefined;
  if (source.kind === 'environment') {
    const key = environmentKey(source.key);
    return async () => key;
  }
  if (!secrets) throw new Error('A secret provider is required for a token-cache key kept in Key Vault.');
  return vaultKeyLoader(source.secretName, secrets, options);
}

function environmentKey(value: string): Aes256Key {
  try {
    return parseAes256Key(value);
  } catch (error) {
    throw new ConfigError([{ setting: 'TOKEN_CACHE_KEY', message: (error as Error).message }]);
  }
}

function vaultKeyLoader(
  secretName: string,
  secrets: SecretProvider,
  options: TokenCacheKeyLoaderOptions,
): TokenCacheKeyLoader {
  const now = () => (options.clock ?? systemClock)().getTime();
  const retryAfterFailureMs = options.retryAfterFailureMs ?? 30_000;
  let parsed: { value: string; key: Aes256Key } | undefined;
  // A missing or malformed secret would otherwise cost a vault read on every token request.
  let failedUntil = 0;

  return async () => {
    if (now() < failedUntil) throw new Error('The token-cache key was unavailable a moment ago.');
    try {
      const value = await secrets.get(secretName);
      if (parsed?.value !== value) parsed = { value, key: parseAes256Key(value) };
      return parsed.key;
    } catch (error) {
      failedUntil = now() + retryAfterFailureMs;
      throw error;
    }
  };
}
