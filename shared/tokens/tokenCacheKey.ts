import { keyFingerprint } from '../crypto/keyFingerprint';

/** The AES-256 key that seals cached tokens, and the id stored beside each entry it sealed. */
export interface TokenCacheKey {
  material: Buffer;
  /** Entries sealed under another key are misses, so a new key needs no migration. */
  id: string;
}

const keyBytes = 32;

/** Parses a key given as base64 of 32 bytes; the error never quotes the value. */
export function parseTokenCacheKey(base64: string): TokenCacheKey {
  const trimmed = base64.trim();
  const material = Buffer.from(trimmed, 'base64');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(trimmed) || material.length !== keyBytes) {
    throw new Error(`The token-cache key must be base64 of ${keyBytes} random bytes.`);
  }
  return { material, id: keyFingerprint(material) };
}
