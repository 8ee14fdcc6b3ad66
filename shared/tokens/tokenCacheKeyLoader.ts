import type { TokenCacheKeySource } from '../config/appConfig';
import { ConfigError } from '../config/configError';
import type { SecretProvider } from '../secrets/secretProvider';
import { parseTokenCacheKey, type TokenCacheKey } from './tokenCacheKey';

/** The current token-cache key; throws when it cannot be had (the cache then misses). */
export type TokenCacheKeyLoader = () => Promise<TokenCacheKey>;

export interface TokenCacheKeyLoaderOptions {
  /** After a failure, how long the vault is left alone before the key is asked for again. */
  retryAfterFailureMs?: number;
  clock?: () => number;
}

/**
 * Where the cache key comes from: none (the cache is off), a setting (checked now: a bad setting is a
 * start-up error), or Key Vault (read through the secret provider's TTL, so a new key in the vault is
 * picked up without a restart).
 */
export function tokenCacheKeyLoader(
  source: TokenCacheKeySource,
  secrets: SecretProvider,
  options: TokenCacheKeyLoaderOptions = {},
): TokenCacheKeyLoader | undefined {
  if (source.kind === 'none') return undefined;
  if (source.kind === 'environment') {
    const key = environmentKey(source.key);
    return async () => key;
  }
  return vaultKeyLoader(source.secretName, secrets, options);
}

function environmentKey(value: string): TokenCacheKey {
  try {
    return parseTokenCacheKey(value);
  } catch (error) {
    throw new ConfigError([{ setting: 'TOKEN_CACHE_KEY', message: (error as Error).message }]);
  }
}

function vaultKeyLoader(
  secretName: string,
  secrets: SecretProvider,
  options: TokenCacheKeyLoaderOptions,
): TokenCacheKeyLoader {
  const clock = options.clock ?? Date.now;
  const retryAfterFailureMs = options.retryAfterFailureMs ?? 30_000;
  let parsed: { value: string; key: TokenCacheKey } | undefined;
  // A missing or malformed secret would otherwise cost a vault read on every token request.
  let failedUntil = 0;

  return async () => {
    if (clock() < failedUntil) throw new Error('The token-cache key was unavailable a moment ago.');
    try {
      const value = await secrets.get(secretName);
      if (parsed?.value !== value) parsed = { value, key: parseTokenCacheKey(value) };
      return parsed.key;
    } catch (error) {
      failedUntil = clock() + retryAfterFailureMs;
      throw error;
    }
  };
}
