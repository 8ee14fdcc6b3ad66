import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../shared/config/configError';
import type { SecretProvider } from '../../shared/secrets/secretProvider';
import { parseAes256Key } from '../../shared/crypto/aes256Key';
import { tokenCacheKeyLoader } from '../../shared/tokens/tokenCacheKeyLoader';

describe('parseAes256Key', () => {
  it('takes base64 of exactly 32 bytes, and names it by the first 8 bytes of its SHA-256', () => {
    const material = randomBytes(32);
    const key = parseAes256Key(` ${material.toString('base64')}\n`);
    expect(key.material.equals(material)).toBe(true);
    expect(key.id).toMatch(/^[0-9a-f]{16}$/);
    expect(parseAes256Key(material.toString('base64')).id).toBe(key.id);
    expect(parseAes256Key(randomBytes(32).toString('base64')).id).not.toBe(key.id);
  });

  it.each([
    ['31 bytes', randomBytes(31).toString('base64')],
    ['33 bytes', randomBytes(33).toString('base64')],
    ['not base64', `${randomBytes(32).toString('base64').slice(0, 40)}!!!=`],
    ['a passphrase', 'correct horse battery staple correct horse'],
  ])('refuses %s without quoting it', (_, value) => {
    expect(() => parseAes256Key(value)).toThrow(/base64 of 32 random bytes/);
    try {
      parseAes256Key(value);
    } catch (error) {
      expect((error as Error).message).not.toContain(value);
    }
  });
});

describe('tokenCacheKeyLoader', () => {
  it('is absent (the cache is off) without a key', () => {
    expect(tokenCacheKeyLoader({ kind: 'none' }, undefined)).toBeUndefined();
  });

  it('checks a key from the settings at once, as a configuration error naming the setting', () => {
    const load = () => tokenCacheKeyLoader({ kind: 'environment', key: 'short' }, undefined);
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(/TOKEN_CACHE_KEY/);
  });

  it('reads a vault key through the provider, and backs off after a failure', async () => {
    let now = 0;
    let reads = 0;
    let value: string | undefined;
    const secrets: SecretProvider = {
      async get() {
        reads++;
        if (value === undefined) throw new Error('no such secret');
        return value;
      },
    };
    const load = tokenCacheKeyLoader({ kind: 'keyVault', secretName: 'token-cache-key' }, secrets, {
      retryAfterFailureMs: 30_000,
      clock: () => new Date(now),
    });
    if (!load) throw new Error('expected a loader');

    await expect(load()).rejects.toThrow();
    value = randomBytes(32).toString('base64');
    await expect(load()).rejects.toThrow(); // still backing off: the vault is not asked
    expect(reads).toBe(1);

    now += 30_000;
    const first = await load();
    expect(first.id).toBe(parseAes256Key(value).id);
    value = randomBytes(32).toString('base64');
    expect((await load()).id).not.toBe(first.id);
  });
});
